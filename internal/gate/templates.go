package gate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/store"
)

// SyncTemplates reads every account's templates from Meta and records their
// category and status, so that a template missing from the registry can take
// its topic from its category (unknown_templates: category).
func (g *Gate) SyncTemplates(ctx context.Context) error {
	var errs error
	for _, a := range g.accounts {
		if err := g.SyncAccountTemplates(ctx, a); err != nil {
			errs = errors.Join(errs, fmt.Errorf("account %s: %w", a.ID, err))
		}
	}
	return errs
}

// SyncAccountTemplates reads one account's templates from Meta.
func (g *Gate) SyncAccountTemplates(ctx context.Context, a *Account) error {
	ts, err := g.client.ListTemplates(ctx, a.Upstream, a.WABAID)
	if err != nil {
		return err
	}
	err = g.store.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		for _, t := range ts {
			if err := tx.UpsertTemplate(ctx, store.Template{AccountID: a.ID, Name: t.Name, Language: t.Language,
				Category: strings.ToLower(t.Category), Status: t.Status}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	g.log.Info("templates synced from Meta", "account", a.ID, "templates", len(ts))
	return nil
}

// RunTemplateSync keeps the template registry in step with Meta: at start,
// then every interval; message_template_status_update webhooks update it in between.
func (g *Gate) RunTemplateSync(ctx context.Context, interval time.Duration) {
	wait := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		if err := g.SyncTemplates(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			g.log.Warn("cannot sync templates from Meta; will retry", "err", err)
			wait = time.Minute
			continue
		}
		wait = interval
	}
}
