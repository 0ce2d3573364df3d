package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
)

// The receipts attached to the demonstration's expenses are made here: a
// small PNG "scan" or a one-page PDF, each plainly marked as fictional, so
// the receipt links of the ledger pages open something real.

// receiptPNG draws a tiny receipt-like image: a paper with a header band,
// lines of "text", a total line and a red stamp, varied by the generator.
func receiptPNG(r *rand.Rand) []byte {
	const w, h = 96, 64
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	paper := color.NRGBA{R: 252, G: 250, B: 242, A: 255}
	ink := color.NRGBA{R: 60, G: 60, B: 70, A: 255}
	band := color.NRGBA{R: uint8(120 + r.IntN(80)), G: uint8(150 + r.IntN(60)), B: 200, A: 255}
	red := color.NRGBA{R: 200, G: 30, B: 30, A: 255}
	fill := func(x0, y0, x1, y1 int, c color.NRGBA) {
		for y := max(y0, 0); y < min(y1, h); y++ {
			for x := max(x0, 0); x < min(x1, w); x++ {
				img.SetNRGBA(x, y, c)
			}
		}
	}
	fill(0, 0, w, h, paper)
	fill(0, 0, w, 12, band)
	for y := 16; y < 46; y += 6 {
		fill(8, y, 8+24+r.IntN(56), y+2, ink)
	}
	fill(50, 52, 90, 55, ink) // the total
	cx, cy := 20+r.IntN(12), 52
	for y := cy - 10; y <= cy+10; y++ { // the stamp: a red ring
		for x := cx - 10; x <= cx+10; x++ {
			d := (x-cx)*(x-cx) + (y-cy)*(y-cy)
			if d <= 100 && d >= 64 && x >= 0 && y < h {
				img.SetNRGBA(x, y, red)
			}
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img); err != nil {
		panic(err) // encoding to memory cannot fail
	}
	return b.Bytes()
}

// receiptPDF writes a one-page PDF with the receipt's number, date, amount
// and purpose (in ASCII: the standard fonts have no Chinese).
func receiptPDF(no, date, amount string) []byte {
	esc := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
	var content bytes.Buffer
	content.WriteString("BT /F1 14 Tf 24 170 Td (LINLI DEMONSTRATION RECEIPT) Tj ET\n")
	content.WriteString("BT /F1 9 Tf 24 154 Td (Fictional - for demonstration only, not a tax invoice) Tj ET\n")
	for i, line := range []string{"No. " + no, "Date: " + date, "Amount: CNY " + amount} {
		fmt.Fprintf(&content, "BT /F1 11 Tf 24 %d Td (%s) Tj ET\n", 126-18*i, esc.Replace(line))
	}
	content.WriteString("1 0 0 RG 2 w 230 40 m 270 40 l 270 70 l 230 70 l h S\n")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 297 210] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
