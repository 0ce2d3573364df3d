package governance

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	lpdf "linli/internal/platform/pdf"
)

// WritePDF prints a charter: A4 portrait, in Chinese, chapter by chapter,
// with the adoption meeting when it has been adopted.
func WritePDF(w io.Writer, c *Charter) error {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCreationDate(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	p.SetTitle(c.OrgName+"章程", true)
	p.SetMargins(22, 20, 22)
	p.SetAutoPageBreak(true, 20)
	lpdf.AddFont(p, "cjk")
	p.SetFooterFunc(func() {
		p.SetY(-14)
		p.SetFont("cjk", "", 9)
		p.SetTextColor(120, 120, 120)
		p.CellFormat(0, 6, strconv.Itoa(p.PageNo()), "", 0, "C", false, 0, "")
	})
	p.AddPage()
	p.SetFont("cjk", "", 20)
	p.CellFormat(0, 14, c.OrgName+"章程", "", 1, "C", false, 0, "")
	p.SetFont("cjk", "", 10)
	p.SetTextColor(90, 90, 90)
	p.CellFormat(0, 6, versionLine(c), "", 1, "C", false, 0, "")
	p.Ln(4)
	for i, ch := range c.Chapters {
		p.SetTextColor(20, 20, 20)
		p.SetFont("cjk", "", 14)
		p.CellFormat(0, 10, chapterNumber(i)+"　"+ch.Title, "", 1, "C", false, 0, "")
		p.SetFont("cjk", "", 11)
		for _, para := range strings.Split(ch.Text, "\n") {
			if strings.TrimSpace(para) == "" {
				continue
			}
			p.MultiCell(0, 7, para, "", "L", false)
			p.Ln(1)
		}
		p.Ln(2)
	}
	if err := p.Output(w); err != nil {
		return fmt.Errorf("governance: charter pdf: %w", err)
	}
	return nil
}

func versionLine(c *Charter) string {
	s := "第 " + strconv.Itoa(c.Version) + " 版"
	switch c.Status {
	case CharterAdopted, CharterSuperseded:
		s += fmt.Sprintf("　%s 成员大会通过（到会 %d 人，赞成 %d，反对 %d，弃权 %d）", c.MeetingOn, c.Present, c.For, c.Against, c.Abstain)
		if c.Status == CharterSuperseded {
			s += "　已被修订"
		}
	default:
		s += "　草案，尚未通过"
	}
	return s
}

var cnDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// chapterNumber is 第一章 … 第三十章.
func chapterNumber(i int) string {
	n := i + 1
	var s string
	switch {
	case n <= 10:
		s = cnDigits[n]
	case n < 20:
		s = "十" + cnDigits[n-10]
	default:
		s = cnDigits[n/10] + "十"
		if n%10 != 0 {
			s += cnDigits[n%10]
		}
	}
	return "第" + s + "章"
}
