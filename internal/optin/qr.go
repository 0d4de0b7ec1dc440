package optin

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/optgate/optgate/internal/consent"
)

// QRPNG returns a QR code of content as a PNG of size×size pixels.
func QRPNG(content string, size int) ([]byte, error) {
	if size < 64 || size > 2048 {
		return nil, consent.Errorf(consent.EInvalid, "size must be 64 to 2048 pixels, got %d", size)
	}
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, consent.Errorf(consent.EInvalid, "cannot encode a QR code: %v", err)
	}
	return q.PNG(size)
}

// QRSVG returns a QR code of content as an SVG that scales to any size: one
// path of unit squares, with the quiet zone around it.
func QRSVG(content string) ([]byte, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, consent.Errorf(consent.EInvalid, "cannot encode a QR code: %v", err)
	}
	bm := q.Bitmap()
	n := len(bm)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bm {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			run := 1
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run - 1
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String()), nil
}
