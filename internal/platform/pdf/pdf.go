// Package pdf holds what every PDF linli prints shares: the Chinese font.
package pdf

import (
	_ "embed"

	"codeberg.org/go-pdf/fpdf"
)

// Font is Droid Sans Fallback (Apache License 2.0, Debian package
// fonts-droid-fallback, see fonts/COPYRIGHT.droid), cut down with
// pyftsubset to ASCII, CJK punctuation and the 7,000-odd characters of
// GB 2312 (every common name and word), about 1 MB instead of 4. fpdf
// embeds in each PDF only the glyphs that document uses.
//
//go:embed fonts/DroidSansFallback-GB2312.ttf
var Font []byte

// AddFont registers the Chinese font with a document under family.
func AddFont(p *fpdf.Fpdf, family string) {
	p.AddUTF8FontFromBytes(family, "", Font)
}
