package web

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"strings"
	"testing"
	"testing/iotest"
)

// TestMultipartGuard: a multipart body passes through byte for byte, however
// it is read, and one with a part named batch or method fails before that
// part's content is passed on.
func TestMultipartGuard(t *testing.T) {
	build := func(fields [][2]string, file []byte) ([]byte, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for _, f := range fields {
			if err := mw.WriteField(f[0], f[1]); err != nil {
				t.Fatal(err)
			}
		}
		if file != nil {
			fw, err := mw.CreateFormFile("file", "a.bin")
			if err != nil {
				t.Fatal(err)
			}
			fw.Write(file)
		}
		mw.Close()
		return buf.Bytes(), mw.Boundary()
	}
	file := bytes.Repeat([]byte("--not-the-boundary\r\nContent-Disposition: form-data; name=\"batch\"\r\n\r\n\x00\xff"), 3000)
	body, boundary := build([][2]string{{"messaging_product", "whatsapp"}, {"type", "image/png"}}, file)
	for name, wrap := range map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
	} {
		g := &multipartGuard{src: wrap(bytes.NewReader(body)), delim: []byte("--" + boundary)}
		got, err := io.ReadAll(wrap(g))
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("%s: %d of %d bytes, %v; want the body unchanged", name, len(got), len(body), err)
		}
	}

	for _, field := range []string{"batch", "METHOD"} {
		secret := `[{"method":"POST","relative_url":"1/messages"}]`
		body, boundary := build([][2]string{{"messaging_product", "whatsapp"}, {field, secret}}, []byte("x"))
		g := &multipartGuard{src: iotest.OneByteReader(bytes.NewReader(body)), delim: []byte("--" + boundary)}
		got, err := io.ReadAll(g)
		var b errBypass
		if !errors.As(err, &b) {
			t.Errorf("%s: %v, want a refusal", field, err)
		}
		if strings.Contains(string(got), "relative_url") || bytes.Contains(got, []byte(`name="`+field+`"`)) {
			t.Errorf("%s: the part was passed on before the refusal: %q", field, got)
		}
	}
}
