package web

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/optin"
)

// maxFormBytes caps a form post: a number, a country and a few topics.
const maxFormBytes = 16 << 10

// clientIP is the address a public page's visitor came from. Behind a
// reverse proxy on loopback or a private network, the proxy's
// X-Forwarded-For names the visitor (its last entry, which the proxy wrote);
// from anywhere else the header could be forged and is ignored.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err == nil && (addr.IsLoopback() || addr.IsPrivate()) {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if p, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); err == nil {
				return p.String()
			}
		}
	}
	return host
}

func pageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: http: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}

// formOf finds the form of a public page, or answers 404.
func (s *Server) formOf(w http.ResponseWriter, r *http.Request) (*gate.Account, *optin.Form, bool) {
	a, ok := s.gate.Account(r.PathValue("account"))
	var f *optin.Form
	if ok {
		f, ok = a.Form(r.PathValue("form"))
	}
	if !ok {
		pageHeaders(w)
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<!doctype html><title>Not found</title><p>This form does not exist.</p>\n"))
		return nil, nil, false
	}
	return a, f, true
}

func tooMany(w http.ResponseWriter, err error) bool {
	var rl *gate.RateLimitError
	if !errors.As(err, &rl) {
		return false
	}
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(rl.RetryAfter.Round(time.Second)/time.Second))))
	return true
}

// handleFormPage serves a hosted opt-in form, in the language the browser asks for.
func (s *Server) handleFormPage(w http.ResponseWriter, r *http.Request) {
	a, f, ok := s.formOf(w, r)
	if !ok {
		return
	}
	lang := f.Language(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"))
	d := optin.NewPage(f, lang, "/f/"+a.ID+"/"+f.ID)
	status := http.StatusOK
	if err := a.AllowPageView(clientIP(r)); err != nil {
		tooMany(w, err)
		d.Error, status = d.Texts.UI["err_limit"], http.StatusTooManyRequests
	}
	s.writePage(w, r, status, func(b *bytes.Buffer) error { return optin.RenderForm(b, d) })
}

func (s *Server) writePage(w http.ResponseWriter, r *http.Request, status int, render func(*bytes.Buffer) error) {
	var b bytes.Buffer
	if err := render(&b); err != nil {
		s.log.Error("cannot render page", "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	pageHeaders(w)
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// handleFormSubmit takes a form post (at /f/{account}/{form}/submit: a
// three-segment POST would clash with the Graph API's send route): it validates the number and the
// ticked topics, then records the submission (gate.SubmitForm). A bad
// post shows the form again with what the person typed and what is wrong.
func (s *Server) handleFormSubmit(w http.ResponseWriter, r *http.Request) {
	a, f, ok := s.formOf(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	lang := f.Language(r.PostForm.Get("lang"), r.Header.Get("Accept-Language"))
	d := optin.NewPage(f, lang, "/f/"+a.ID+"/"+f.ID)
	d.Phone = truncateString(r.PostForm.Get("phone"), 40)
	if c := r.PostForm.Get("country"); c != "" {
		d.Country = truncateString(c, 2)
	}
	topics := r.PostForm["topic"]
	for _, t := range topics {
		d.Checked[t] = true
	}
	show := func(status int, msg string) {
		d.Error = msg
		s.writePage(w, r, status, func(b *bytes.Buffer) error { return optin.RenderForm(b, d) })
	}
	if r.PostForm.Get("website") != "" { // the field people cannot see: a bot filled it
		s.writePage(w, r, http.StatusOK, func(b *bytes.Buffer) error { return optin.RenderDone(b, f, lang, "") })
		return
	}
	e164, err := optin.ParsePhone(d.Phone, d.Country)
	if err != nil {
		d.PhoneError = true
		show(http.StatusBadRequest, d.Texts.UI["err_phone"])
		return
	}
	if len(topics) == 0 {
		show(http.StatusBadRequest, d.Texts.UI["err_topics"])
		return
	}
	pageURL := "/f/" + a.ID + "/" + f.ID
	_, err = s.gate.SubmitForm(r.Context(), a, gate.FormSubmission{FormID: f.ID, Phone: e164, Topics: topics, Language: lang,
		TextVersion: r.PostForm.Get("v"), IP: clientIP(r), UserAgent: r.UserAgent(), PageURL: pageURL})
	switch {
	case err == nil:
		s.writePage(w, r, http.StatusOK, func(b *bytes.Buffer) error { return optin.RenderDone(b, f, lang, e164) })
	case tooMany(w, err):
		show(http.StatusTooManyRequests, d.Texts.UI["err_limit"])
	case consent.ErrorCode(err) == consent.EConflict:
		show(http.StatusConflict, d.Texts.UI["err_changed"])
	case consent.ErrorCode(err) == consent.EInvalid:
		show(http.StatusBadRequest, d.Texts.UI["err_topics"])
	default:
		s.log.Warn("form submission failed", "account", a.ID, "form", f.ID, "err", err)
		show(http.StatusServiceUnavailable, d.Texts.UI["err_send"])
	}
}

func truncateString(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

type linkJSON struct {
	Code      string    `json:"code"`
	Form      string    `json:"form"`
	Topic     string    `json:"topic"`
	Source    string    `json:"source"`
	Language  string    `json:"language"`
	Text      string    `json:"text"`
	URL       string    `json:"url"`
	QRPNG     string    `json:"qr_png"`
	QRSVG     string    `json:"qr_svg"`
	CreatedAt time.Time `json:"created_at"`
}

func toLinkJSON(l gate.LinkView) linkJSON {
	base := "/v1/optin-links/" + l.Code
	return linkJSON{Code: l.Code, Form: l.FormID, Topic: l.Topic, Source: l.Source, Language: l.Language, Text: l.Text, URL: l.URL,
		QRPNG: base + "/qr.png", QRSVG: base + "/qr.svg", CreatedAt: l.CreatedAt}
}

type linkRequest struct {
	Form     string `json:"form"`
	Topic    string `json:"topic,omitempty"`
	Source   string `json:"source"`
	Language string `json:"language,omitempty"`
}

// handleCreateLink returns the wa.me link of a form, topic and source (201
// the first time, 200 after: the same request gives the same link).
func (s *Server) handleCreateLink(w http.ResponseWriter, r *http.Request) {
	a, ok := s.apiAccount(w, r)
	if !ok {
		return
	}
	in, err := decodeJSON[linkRequest](w, r, 16<<10)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	l, err := s.gate.CreateLink(r.Context(), a, in.Form, in.Topic, in.Source, in.Language)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toLinkJSON(l))
}

func (s *Server) handleListLinks(w http.ResponseWriter, r *http.Request) {
	a, ok := s.apiAccount(w, r)
	if !ok {
		return
	}
	ls, err := s.gate.Links(r.Context(), a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := struct {
		Links []linkJSON `json:"links"`
	}{Links: []linkJSON{}}
	for _, l := range ls {
		out.Links = append(out.Links, toLinkJSON(l))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleGetLink(w http.ResponseWriter, r *http.Request) {
	a, ok := s.apiAccount(w, r)
	if !ok {
		return
	}
	l, err := s.gate.Link(r.Context(), a, r.PathValue("code"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toLinkJSON(l))
}

// handleLinkQR serves a link's QR code: qr.png (?size=pixels, default 512) or qr.svg.
func (s *Server) handleLinkQR(w http.ResponseWriter, r *http.Request) {
	a, ok := s.apiAccount(w, r)
	if !ok {
		return
	}
	l, err := s.gate.Link(r.Context(), a, r.PathValue("code"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var b []byte
	var ctype string
	switch r.PathValue("file") {
	case "qr.png":
		size := 512
		if v := r.URL.Query().Get("size"); v != "" {
			if size, err = strconv.Atoi(v); err != nil {
				s.writeError(w, r, consent.Errorf(consent.EInvalid, "size must be a number of pixels, got %q", v))
				return
			}
		}
		b, err = optin.QRPNG(l.URL, size)
		ctype = "image/png"
	case "qr.svg":
		b, err = optin.QRSVG(l.URL)
		ctype = "image/svg+xml"
	default:
		s.writeError(w, r, consent.Errorf(consent.ENotFound, "want qr.png or qr.svg"))
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `inline; filename="optin-`+l.Code+"-"+r.PathValue("file")+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b)
}

// handleGetOptInText returns a consent text version by its hash: what a
// person saw on a form, as the proof's text_sha256 names it.
func (s *Server) handleGetOptInText(w http.ResponseWriter, r *http.Request) {
	a, ok := s.apiAccount(w, r)
	if !ok {
		return
	}
	x, err := s.gate.OptInText(r.Context(), a, r.PathValue("hash"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sha256": x.Hash, "form": x.FormID, "language": x.Language, "text": x.Body, "first_seen": x.CreatedAt})
}
