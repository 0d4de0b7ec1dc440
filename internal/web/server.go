// Package web is optgate's HTTP surface: Meta's webhook receiver, the
// Meta-compatible send API (and a pass-through for every other Graph call),
// the native /v1 API, health checks and metrics. Handlers decode, call
// package gate, and encode; all routes are in routes.go.
package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/cloudapi"
	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/store"
	"github.com/prometheus/client_golang/prometheus"
)

// Server serves optgate's HTTP API.
type Server struct {
	gate         *gate.Gate
	store        *store.Store
	client       *cloudapi.Client
	log          *slog.Logger
	gatherer     prometheus.Gatherer
	maxWebhook   int64
	maxSendBytes int64
}

// Options configure a Server.
type Options struct {
	Gate            *gate.Gate
	Store           *store.Store
	Client          *cloudapi.Client
	Logger          *slog.Logger
	Gatherer        prometheus.Gatherer
	MaxWebhookBytes int64
}

// New returns a Server.
func New(opts Options) *Server {
	s := &Server{gate: opts.Gate, store: opts.Store, client: opts.Client, log: opts.Logger, gatherer: opts.Gatherer,
		maxWebhook: opts.MaxWebhookBytes, maxSendBytes: 1 << 20}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxWebhook == 0 {
		s.maxWebhook = 4 << 20
	}
	if s.gatherer == nil {
		s.gatherer = prometheus.NewRegistry()
	}
	return s
}

// statusOf maps an application error code to an HTTP status, in one place.
func statusOf(err error) int {
	switch consent.ErrorCode(err) {
	case consent.EInvalid:
		return http.StatusBadRequest
	case consent.ENotFound:
		return http.StatusNotFound
	case consent.EConflict:
		return http.StatusConflict
	case consent.EUnauthorized:
		return http.StatusUnauthorized
	case consent.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case consent.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// apiError is the native API's error body.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var body apiError
	body.Error.Code = consent.ErrorCode(err)
	body.Error.Message = consent.ErrorMessage(err)
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readBody reads a whole body under a cap; a larger body is an ETooLarge error.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	buf := make([]byte, 0, min(max(r.ContentLength, 512), limit))
	b, err := readAll(r.Body, buf)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, consent.Errorf(consent.ETooLarge, "body is larger than %d bytes", limit)
		}
		return nil, consent.Errorf(consent.EInvalid, "cannot read body: %v", err)
	}
	return b, nil
}

// decodeJSON reads a JSON body into T, refusing unknown fields and trailing data.
func decodeJSON[T any](w http.ResponseWriter, r *http.Request, limit int64) (T, error) {
	var v T
	b, err := readBody(w, r, limit)
	if err != nil {
		return v, err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		if f := badTimeField[T](b); f != "" {
			return v, consent.Errorf(consent.EInvalid, "%s must be a time in RFC 3339 form, as a string: \"2025-11-20T14:03:00Z\" or \"2025-11-20T11:03:00-03:00\"", f)
		}
		return v, consent.Errorf(consent.EInvalid, "%s", jsonMessage(err))
	}
	if dec.More() {
		return v, consent.Errorf(consent.EInvalid, "body has data after the JSON object")
	}
	return v, nil
}

// badTimeField returns the JSON name of a time field of T (a struct) whose
// value in body is not a time as encoding/json reads one, or "". The
// decoder's own error for it names neither the field nor what a time looks
// like.
func badTimeField[T any](body []byte) string {
	rt := reflect.TypeFor[T]()
	if rt.Kind() != reflect.Struct {
		return ""
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil {
		return ""
	}
	timeType := reflect.TypeFor[time.Time]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Type != timeType && f.Type != reflect.PointerTo(timeType) {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		v, ok := raw[name]
		if !ok || string(v) == "null" {
			continue
		}
		var t time.Time
		if json.Unmarshal(v, &t) != nil {
			return name
		}
	}
	return ""
}

// jsonMessage says in plain words what is wrong with a request body that
// did not decode, naming the field, never Go's types.
func jsonMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := "a string"
		switch te.Type.Kind() {
		case reflect.Map, reflect.Struct:
			want = "a JSON object"
		case reflect.Slice, reflect.Array:
			want = "a JSON array"
		case reflect.Bool:
			want = "true or false"
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
			reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
			want = "a number"
		}
		if te.Field == "" {
			return fmt.Sprintf("body must be %s, not %s", want, jsonKind(te.Value))
		}
		return fmt.Sprintf("%s must be %s, not %s", te.Field, want, jsonKind(te.Value))
	}
	if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "unknown field " + msg
	}
	if errors.Is(err, io.EOF) {
		return "body is empty: want a JSON object"
	}
	return "body is not valid JSON: " + strings.TrimPrefix(err.Error(), "json: ")
}

// jsonKind names the kind of JSON value encoding/json reports in an
// UnmarshalTypeError ("string", "number", "object", "array", "bool").
func jsonKind(v string) string {
	switch {
	case v == "object", v == "array":
		return "a JSON " + v
	case v == "bool":
		return "true or false"
	case strings.HasPrefix(v, "number"):
		return "a number"
	}
	return "a " + v
}

// bearer returns the key of an "Authorization: Bearer KEY" header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}
