package training

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"linli/internal/platform/clock"
	lpdf "linli/internal/platform/pdf"
	"linli/internal/platform/qrcode"
)

// QRSVG draws a QR code of text as an SVG (one path, no style or script).
func QRSVG(text string) (string, error) {
	svg, err := qrcode.SVG(text)
	if err != nil {
		return "", fmt.Errorf("training: %w", err)
	}
	return svg, nil
}

// CertificateDoc is what a certificate shows.
type CertificateDoc struct {
	Serial     string
	Issuer     string // the organizing unit (or hub)
	Name       string
	Org        string // the holder's organization, if any
	Programme  string
	Title      string
	Hours      float64
	Start, End time.Time
	IssuedOn   string
	VerifyURL  string
	Revoked    bool
}

// WritePDF renders a certificate: an A4 landscape page in Chinese with a QR
// code to the public verification page.
func WritePDF(w io.Writer, d CertificateDoc) error {
	qrImg, err := qrcode.PNG(d.VerifyURL, 4)
	if err != nil {
		return fmt.Errorf("training: %w", err)
	}
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCreationDate(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	pdf.SetTitle("结业证书 "+d.Serial, true)
	pdf.SetAutoPageBreak(false, 0)
	lpdf.AddFont(pdf, "cert")
	pdf.AddPage()
	pdf.SetDrawColor(160, 30, 30)
	pdf.SetLineWidth(1.2)
	pdf.Rect(10, 10, 277, 190, "D")
	pdf.SetLineWidth(0.3)
	pdf.Rect(14, 14, 269, 182, "D")

	pdf.SetFont("cert", "", 30)
	pdf.SetTextColor(160, 30, 30)
	pdf.SetXY(10, 30)
	pdf.CellFormat(277, 16, "结业证书", "", 1, "C", false, 0, "")
	pdf.SetFont("cert", "", 11)
	pdf.SetTextColor(90, 90, 90)
	pdf.CellFormat(277, 7, "Certificate of Completion", "", 1, "C", false, 0, "")

	pdf.SetTextColor(20, 20, 20)
	pdf.SetFont("cert", "", 16)
	holder := d.Name
	if d.Org != "" {
		holder += "（" + d.Org + "）"
	}
	start := d.Start.In(clock.China)
	lines := []string{
		holder + "：",
		fmt.Sprintf("于 %s 参加“%s”%s，", start.Format("2006年1月2日"), d.Programme, d.Title),
		"学时 " + strconv.FormatFloat(d.Hours, 'f', -1, 64) + " 小时，经考勤合格，准予结业。",
	}
	pdf.SetXY(30, 68)
	for i, l := range lines {
		if i > 0 {
			pdf.SetX(42)
		}
		pdf.MultiCell(200, 11, l, "", "L", false)
	}
	pdf.SetFont("cert", "", 14)
	pdf.SetXY(130, 150)
	pdf.CellFormat(130, 9, d.Issuer, "", 2, "R", false, 0, "")
	pdf.CellFormat(130, 9, issuedText(d.IssuedOn), "", 2, "R", false, 0, "")

	pdf.SetFont("cert", "", 10)
	pdf.SetTextColor(90, 90, 90)
	pdf.SetXY(30, 176)
	pdf.CellFormat(120, 6, "证书编号 Serial: "+d.Serial, "", 2, "L", false, 0, "")
	pdf.CellFormat(120, 6, "扫码核验 Verify: "+d.VerifyURL, "", 2, "L", false, 0, "")

	opt := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader("qr", opt, bytes.NewReader(qrImg))
	pdf.ImageOptions("qr", 30, 130, 40, 40, false, opt, 0, "")
	if d.Revoked {
		pdf.SetFont("cert", "", 40)
		pdf.SetTextColor(200, 0, 0)
		pdf.SetXY(10, 95)
		pdf.CellFormat(277, 20, "已撤销 REVOKED", "", 0, "C", false, 0, "")
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("training: certificate pdf: %w", err)
	}
	return nil
}

func issuedText(day string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return t.Format("2006年1月2日")
}
