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
// decide. Some calls could still make Meta send a message: the messages edge
// written another way (Messages, messages/ with more after it, %2F, ;params),
// a Graph batch request (a batch parameter, on any node, in the query or the
// body) carrying sends, or a method override (method=POST on another call).
// They are refused, so that nothing reaches Meta's messages edge without a
// decision. Bodies of pass-through calls (registration, profile, templates)
// are small; a JSON or form body is read, up to maxInspectedBody, to look at
// its parameters. Multipart bodies (media uploads) are streamed unread.

const maxInspectedBody = 1 << 20

// errBypass is why a pass-through call is refused.
type errBypass struct{ why string }

func (e errBypass) Error() string { return e.why }

// graphOverrideParams are Graph parameters that change what a call does.
var graphOverrideParams = []string{"batch", "method"}

// checkPassThrough returns the body to forward (read already if it had to be
// inspected), or an errBypass when the call could send a message undecided.
func checkPassThrough(r *http.Request) (io.Reader, error) {
	path, err := url.PathUnescape(r.URL.EscapedPath())
	if err != nil {
		return nil, errBypass{"the path cannot be read"}
	}
	for seg := range strings.SplitSeq(path, "/") {
		seg, _, _ = strings.Cut(seg, ";")
		if strings.EqualFold(strings.TrimSpace(seg), "messages") {
			return nil, errBypass{"messages are sent, and decided, only at /{version}/{phone_number_id}/messages, written exactly so"}
		}
	}
	if p := overrideParam(r.URL.Query()); p != "" {
		return nil, errBypass{"a Graph call with the " + p + " parameter could send messages without a consent decision; send each message to /{version}/{phone_number_id}/messages"}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" && mt != "application/x-www-form-urlencoded" {
		return r.Body, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxInspectedBody+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxInspectedBody {
		return nil, errBypass{"a JSON or form body of a passed-through call is limited to 1 MB"}
	}
	var params url.Values
	if mt == "application/json" {
		params = jsonTopKeys(body)
	} else if params, err = url.ParseQuery(string(body)); err != nil {
		return nil, errBypass{"the form body cannot be read: " + err.Error()}
	}
	if p := overrideParam(params); p != "" {
		return nil, errBypass{"a Graph call with the " + p + " parameter could send messages without a consent decision; send each message to /{version}/{phone_number_id}/messages"}
	}
	return bytes.NewReader(body), nil
}

// overrideParam returns the first parameter of graphOverrideParams in v, in
// any case, or "".
func overrideParam(v url.Values) string {
	for k := range v {
		for _, p := range graphOverrideParams {
			if strings.EqualFold(strings.TrimSpace(k), p) {
				return p
			}
		}
	}
	return ""
}

// jsonTopKeys returns the keys of a JSON object's top level (values left
// empty). A body that is not an object has none: Meta reads parameters only
// from an object.
func jsonTopKeys(body []byte) url.Values {
	keys := url.Values{}
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
		keys[k] = nil
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
