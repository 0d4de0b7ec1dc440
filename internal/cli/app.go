package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/optgate/optgate/internal/cloudapi"
	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/store"
	"github.com/optgate/optgate/internal/web"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// App is a running optgate: store, core, outbox worker and HTTP server.
type App struct {
	Addr  string // the address the HTTP server listens on
	Store *store.Store
	Gate  *gate.Gate

	log      *slog.Logger
	server   *http.Server
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	serveErr chan error
	once     sync.Once
}

// AppOptions tune Start.
type AppOptions struct {
	Migrate  bool             // apply migrations first; otherwise refuse an outdated schema
	Listener net.Listener     // use this listener instead of cfg.Listen
	Now      func() time.Time // the clock, for tests
}

// Start opens the store, starts the core and the HTTP server, and returns
// once optgate accepts requests. Components start in order and Close stops
// them in reverse.
func Start(ctx context.Context, cfg *config.Config, log *slog.Logger, opts AppOptions) (*App, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := gate.NewMetrics(reg)
	st, err := store.Open(ctx, cfg.Database, store.Options{Logger: log.With("component", "store"), Now: opts.Now, OnWriteBatch: metrics.ObserveWriteBatch, Serving: true})
	if err != nil {
		return nil, err
	}
	if opts.Migrate {
		applied, err := st.Migrate(ctx)
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("migrate: %w", err)
		}
		for _, m := range applied {
			log.Info("migration applied", "component", "store", "migration", m)
		}
	}
	if err := st.Start(ctx); err != nil {
		st.Close()
		return nil, err
	}
	client := cloudapi.New(30 * time.Second)
	g, err := gate.New(cfg, gate.Options{Store: st, Client: client, Logger: log.With("component", "gate"), Metrics: metrics, Now: opts.Now})
	if err != nil {
		st.Close()
		return nil, err
	}
	if err := st.EnsureAccounts(ctx, g.AccountIDs()); err != nil {
		st.Close()
		return nil, err
	}
	if err := g.AdoptDeliveries(ctx); err != nil {
		st.Close()
		return nil, err
	}
	ln := opts.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.Listen); err != nil {
			st.Close()
			return nil, fmt.Errorf("listen %s: %w", cfg.Listen, err)
		}
	}
	srv := web.New(web.Options{Gate: g, Store: st, Client: client, Logger: log.With("component", "web"), Gatherer: reg, MaxWebhookBytes: cfg.Webhook.MaxBodyBytes})
	a := &App{Addr: ln.Addr().String(), Store: st, Gate: g, log: log, serveErr: make(chan error, 1)}
	a.server = &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	bg, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	a.wg.Add(4)
	go func() {
		defer a.wg.Done()
		g.RunTemplateSync(bg, 6*time.Hour)
	}()
	go func() {
		defer a.wg.Done()
		g.RunOutbox(bg)
	}()
	go func() {
		defer a.wg.Done()
		g.RunForwarder(bg)
	}()
	go func() {
		defer a.wg.Done()
		if err := a.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.serveErr <- err
		}
	}()
	log.Info("optgate listening", "addr", "http://"+a.Addr, "database", st.Dialect(), "accounts", len(cfg.Accounts))
	return a, nil
}

// Err reports a server that stopped on its own.
func (a *App) Err() <-chan error { return a.serveErr }

// Close stops the HTTP server (letting requests in flight finish until the
// deadline), then the outbox worker, then the store.
func (a *App) Close(ctx context.Context) error {
	var err error
	a.once.Do(func() {
		err = a.server.Shutdown(ctx)
		a.cancel()
		a.wg.Wait()
		err = errors.Join(err, a.Store.Close())
		a.log.Info("optgate stopped")
	})
	return err
}

// newLogger sets up log/slog once, as configured.
func newLogger(w io.Writer, c config.Log) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
