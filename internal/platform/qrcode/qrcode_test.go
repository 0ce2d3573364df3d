package qrcode_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"rsc.io/qr"

	"linli/internal/platform/qrcode"
)

// The PNG is the code's modules, scale pixels each, inside a white quiet
// zone of four modules; the SVG draws the same modules in its view box.
func TestPNGAndSVGDrawTheCode(t *testing.T) {
	const text, scale = "otpauth://totp/linli:alice?secret=JBSWY3DPEHPK3PXP", 3
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		t.Fatal(err)
	}
	b, err := qrcode.PNG(text, scale)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	n := (c.Size + 2*qrcode.Quiet) * scale
	if img.Bounds().Dx() != n || img.Bounds().Dy() != n {
		t.Fatalf("size %v, want %d", img.Bounds(), n)
	}
	for y := 0; y < c.Size+2*qrcode.Quiet; y++ {
		for x := 0; x < c.Size+2*qrcode.Quiet; x++ {
			mx, my := x-qrcode.Quiet, y-qrcode.Quiet
			want := mx >= 0 && my >= 0 && mx < c.Size && my < c.Size && c.Black(mx, my)
			for _, p := range [][2]int{{0, 0}, {scale - 1, scale - 1}} {
				r, _, _, _ := img.At(x*scale+p[0], y*scale+p[1]).RGBA()
				if (r == 0) != want {
					t.Fatalf("module %d,%d: black %v, want %v", mx, my, r == 0, want)
				}
			}
		}
	}
	svg, err := qrcode.SVG(text)
	if err != nil {
		t.Fatal(err)
	}
	black := 0
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			if c.Black(x, y) {
				black++
			}
		}
	}
	if !strings.HasPrefix(svg, "<svg") || strings.Count(svg, "h1v1h-1z") != black || strings.Contains(svg, "<script") {
		t.Fatalf("svg draws %d modules, want %d: %.80s", strings.Count(svg, "h1v1h-1z"), black, svg)
	}
}
