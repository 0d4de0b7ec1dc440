package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// The pass-through (handlePassThrough) relays any Graph call it does not
// decide. Some calls could still make Meta send a message: a send edge
// written another way (Messages, marketing_messages/ with more after it,
// %2F, ;params), a Graph batch request (a batch parameter, on any node, in the
// query or the body) carrying sends, or a method override (method=POST on
// another call). They are refused, so that nothing reaches Meta's send edges
// without a decision. Parameters are looked for leniently (a server may read
// what Go's strict parsers drop): in the query, in the first megabyte of any
// body read as form and as JSON, and in each part of a multipart body on the
// way (multipartGuard).

const maxInspectedBody = 1 << 20

// errBypass is why a pass-through call is refused.
type errBypass struct{ why string }

func (e errBypass) Error() string { return e.why }

// graphOverrideParams are Graph parameters that change what a call does.
var graphOverrideParams = []string{"batch", "method"}

// sendEdges are the Graph edges that send messages: they are decided
// (handleSend), so the pass-through refuses them written any other way.
var sendEdges = []string{"messages", "marketing_messages"}

// checkPassThrough returns the body to forward (read already if it had to be
// inspected), or an errBypass when the call could send a message undecided.
func checkPassThrough(r *http.Request) (io.Reader, error) {
	path, err := url.PathUnescape(r.URL.EscapedPath())
	if err != nil {
		return nil, errBypass{"the path cannot be read"}
	}
	upload := false
	for seg := range strings.SplitSeq(path, "/") {
		seg, _, _ = strings.Cut(seg, ";")
		seg = strings.TrimSpace(seg)
		for _, edge := range sendEdges {
			if strings.EqualFold(seg, edge) {
				return nil, errBypass{"messages are sent, and decided, only at /{version}/{phone_number_id}/" + edge + ", written exactly so"}
			}
		}
		upload = upload || strings.HasPrefix(seg, "upload:")
	}
	if p := overrideParam(paramNames(r.URL.RawQuery)); p != "" {
		return nil, refuseParam(p)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	mt, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if strings.HasPrefix(mt, "multipart/") {
		if ctParams["boundary"] == "" {
			return nil, errBypass{"a multipart body needs a boundary"}
		}
		return &multipartGuard{src: r.Body, delim: []byte("--" + ctParams["boundary"])}, nil
	}
	// Any other body may carry parameters, whatever its type says (curl
	// sends files as forms): the first megabyte is read and looked at as
	// form and as JSON. A longer body passes only as file data: a media
	// type that is not text, form or JSON, or a resumable upload's data.
	head, err := io.ReadAll(io.LimitReader(r.Body, maxInspectedBody+1))
	if err != nil {
		return nil, err
	}
	if p := overrideParam(append(paramNames(string(head)), jsonTopKeys(head)...)); p != "" {
		return nil, refuseParam(p)
	}
	if len(head) > maxInspectedBody {
		text := mt == "" || mt == "application/json" || mt == "application/x-www-form-urlencoded" || strings.HasPrefix(mt, "text/")
		if text && !upload {
			return nil, errBypass{"a form, JSON or text body of a passed-through call is limited to 1 MB"}
		}
		return io.MultiReader(bytes.NewReader(head), r.Body), nil
	}
	return bytes.NewReader(head), nil
}

func refuseParam(p string) errBypass {
	return errBypass{"a Graph call with the " + p + " parameter could send messages without a consent decision; send each message to /{version}/{phone_number_id}/messages"}
}

// paramNames returns the names of a query string or form body, split on &
// and ; and decoded where they can be, kept as written where they cannot: a
// server may read what Go's strict parser would drop.
func paramNames(raw string) []string {
	var names []string
	for pair := range strings.FieldsFuncSeq(raw, func(r rune) bool { return r == '&' || r == ';' }) {
		name, _, _ := strings.Cut(pair, "=")
		if u, err := url.QueryUnescape(name); err == nil {
			name = u
		}
		names = append(names, name)
	}
	return names
}

// overrideParam returns the first of graphOverrideParams among names, in any
// case, or "".
func overrideParam(names []string) string {
	for _, k := range names {
		for _, p := range graphOverrideParams {
			if strings.EqualFold(strings.TrimSpace(k), p) {
				return p
			}
		}
	}
	return ""
}

// jsonTopKeys returns the keys of a JSON object's top level. A body that is
// not an object has none: Meta reads parameters only from an object.
func jsonTopKeys(body []byte) []string {
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return keys
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, ok := t.(string)
		if !ok {
			return keys
		}
		keys = append(keys, k)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
	}
	return keys
}

// isBypass reports whether err refuses a pass-through call.
func isBypass(err error) (errBypass, bool) {
	var b errBypass
	ok := errors.As(err, &b)
	return b, ok
}

// maxPartHeader bounds the headers of one multipart part.
const maxPartHeader = 16 << 10

// multipartGuard streams a multipart body and fails before it passes on a
// part named batch or method: the upstream then never receives a whole
// request that carries one. It holds back only what it cannot judge yet, a
// boundary and the part headers after it; a file's content streams through.
type multipartGuard struct {
	src   io.Reader
	delim []byte // "--" and the boundary
	buf   []byte // read from src, not yet passed on
	out   int    // buf[:out] is judged and may be passed on
	eof   bool
	err   error // the refusal, once found
}

func (g *multipartGuard) Read(p []byte) (int, error) {
	for {
		if g.err != nil {
			return 0, g.err
		}
		if g.out > 0 {
			n := copy(p, g.buf[:g.out])
			g.buf = g.buf[n:]
			g.out -= n
			return n, nil
		}
		if g.judge() {
			continue
		}
		if g.eof {
			if len(g.buf) == 0 {
				return 0, io.EOF
			}
			g.out = len(g.buf) // an unfinished part header at the end: Meta refuses the body
			continue
		}
		if cap(g.buf)-len(g.buf) < 4<<10 {
			g.buf = append(make([]byte, 0, len(g.buf)+32<<10), g.buf...)
		}
		n, err := g.src.Read(g.buf[len(g.buf):cap(g.buf)])
		g.buf = g.buf[:len(g.buf)+n]
		if errors.Is(err, io.EOF) {
			g.eof = true
		} else if err != nil {
			return 0, err
		}
	}
}

// judge moves out forward over what can be passed on, or sets err; it
// reports whether it moved.
func (g *multipartGuard) judge() bool {
	d := bytes.Index(g.buf, g.delim)
	if d < 0 {
		// No boundary: all but a boundary's possible beginning may go.
		if keep := len(g.delim) - 1; len(g.buf) > keep {
			g.out = len(g.buf) - keep
			return true
		}
		return false
	}
	if d > 0 {
		g.out = d
		return true
	}
	rest := g.buf[len(g.delim):]
	if bytes.HasPrefix(rest, []byte("--")) {
		g.out = len(g.delim) + 2 // the closing boundary
		return true
	}
	end := bytes.Index(rest, []byte("\r\n\r\n"))
	if end < 0 {
		if len(rest) > maxPartHeader {
			g.err = errBypass{"a multipart part header is over 16 KB"}
		}
		return g.err != nil
	}
	for line := range strings.SplitSeq(string(rest[:end]), "\r\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "Content-Disposition") {
			continue
		}
		_, params, err := mime.ParseMediaType(value)
		if err != nil {
			g.err = errBypass{"a multipart part's Content-Disposition cannot be read"}
			return true
		}
		if p := overrideParam([]string{params["name"]}); p != "" {
			g.err = refuseParam(p)
			return true
		}
	}
	g.out = len(g.delim) + end + 4
	return true
}
