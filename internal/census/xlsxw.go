package census

import (
	"archive/zip"
	"compress/flate"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// sheetWriter writes a one-sheet .xlsx straight into w as rows arrive: the
// workbook's fixed parts first, then the sheet, each row appended to a
// buffer reused for the whole file and compressed on its way out. Memory
// stays the same whatever the number of rows (excelize's StreamWriter
// keeps the sheet in memory up to 16 MiB, then in a temporary file, and
// builds the whole archive in memory before writing it). Strings are
// written inline, numbers as numbers; the header row is bold on a light
// blue fill, with the sheet's column widths.
type sheetWriter struct {
	zw  *zip.Writer
	w   io.Writer // the sheet's entry
	buf []byte
	// Compression runs on its own goroutine, beside the rows being read
	// and formatted: full buffers go out on full and come back on free.
	full, free chan []byte
	done       chan error
	row        int
	col        int
	refs       [][]byte // column letters
	inRow      bool
}

// sheetFlush is how much XML the writer gathers before compressing it.
const sheetFlush = 32 << 10

// maxCellChars is Excel's limit on a cell's text, in UTF-16 units.
const maxCellChars = 32767

func newSheetWriter(w io.Writer, sheet string, widths []float64, header []string) (*sheetWriter, error) {
	zw := zip.NewWriter(w)
	// The fastest deflate: an export is mostly repeated labels and markup,
	// which compress well even so, and compression is most of its cost.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	esc := func(s string) string { return string(appendXMLText(nil, s)) }
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
			`</Types>`},
		{"_rels/.rels", xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
			`</Relationships>`},
		{"xl/workbook.xml", xmlHead + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` +
			`<sheet name="` + esc(sheet) + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
			`</Relationships>`},
		{"xl/styles.xml", xmlHead + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
			`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
			`<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>` +
			`<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>` +
			`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
			`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
			`<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
			`<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/></cellXfs>` +
			`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
			`</styleSheet>`},
	}
	for _, p := range parts {
		fw, err := zw.Create(p.name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(fw, p.body); err != nil {
			return nil, err
		}
	}
	fw, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return nil, err
	}
	sw := &sheetWriter{zw: zw, w: fw, buf: make([]byte, 0, sheetFlush+8<<10)}
	sw.buf = append(sw.buf, xmlHead+`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" `+
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><cols>`...)
	for i, wd := range widths {
		n := strconv.AppendInt(nil, int64(i+1), 10)
		sw.buf = append(sw.buf, `<col min="`...)
		sw.buf = append(sw.buf, n...)
		sw.buf = append(sw.buf, `" max="`...)
		sw.buf = append(sw.buf, n...)
		sw.buf = append(sw.buf, `" width="`...)
		sw.buf = strconv.AppendFloat(sw.buf, wd, 'f', -1, 64)
		sw.buf = append(sw.buf, `" customWidth="1"/>`...)
	}
	sw.buf = append(sw.buf, `</cols><sheetData>`...)
	for i := range max(len(widths), len(header)) {
		sw.refs = append(sw.refs, []byte(colName(i)))
	}
	sw.full, sw.free, sw.done = make(chan []byte, 2), make(chan []byte, 3), make(chan error, 1)
	for range 2 {
		sw.free <- make([]byte, 0, sheetFlush+8<<10)
	}
	go compress(sw.w, sw.full, sw.free, sw.done)
	sw.startRow(`" ht="20" customHeight="1">`)
	for _, h := range header {
		sw.cell(h, ` s="1" t="inlineStr"><is><t`)
	}
	if err := sw.endRow(); err != nil {
		sw.Abort()
		return nil, err
	}
	return sw, nil
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

func (sw *sheetWriter) startRow(attrs string) {
	sw.row++
	sw.col = 0
	sw.inRow = true
	sw.buf = append(sw.buf, `<row r="`...)
	sw.buf = strconv.AppendInt(sw.buf, int64(sw.row), 10)
	sw.buf = append(sw.buf, attrs...)
}

// Row starts the next row.
func (sw *sheetWriter) Row() { sw.startRow(`">`) }

// String writes the next cell as text; an empty string leaves it empty.
func (sw *sheetWriter) String(s string) { sw.cell(s, ` t="inlineStr"><is><t`) }

// Int writes the next cell as a number.
func (sw *sheetWriter) Int(n int) {
	sw.ref()
	sw.buf = append(sw.buf, `"><v>`...)
	sw.buf = strconv.AppendInt(sw.buf, int64(n), 10)
	sw.buf = append(sw.buf, `</v></c>`...)
}

// ref opens a cell: <c r="B7
func (sw *sheetWriter) ref() {
	sw.buf = append(sw.buf, `<c r="`...)
	sw.buf = append(sw.buf, sw.refs[sw.col]...)
	sw.buf = strconv.AppendInt(sw.buf, int64(sw.row), 10)
	sw.col++
}

func (sw *sheetWriter) cell(s string, open string) {
	if s == "" {
		sw.col++
		return
	}
	sw.ref()
	sw.buf = append(sw.buf, '"')
	sw.buf = append(sw.buf, open...)
	if c0, c1 := s[0], s[len(s)-1]; c0 == ' ' || c0 == '\t' || c0 == '\n' || c0 == '\r' ||
		c1 == ' ' || c1 == '\t' || c1 == '\n' || c1 == '\r' {
		sw.buf = append(sw.buf, ` xml:space="preserve"`...)
	}
	sw.buf = append(sw.buf, '>')
	if len(s) > maxCellChars && len(utf16.Encode([]rune(s))) > maxCellChars {
		s = truncateUTF16(s, maxCellChars)
	}
	if strings.Contains(s, "_x") && escapeRE.MatchString(s) {
		s = escapeRE.ReplaceAllString(s, "_x005F$0")
	}
	sw.buf = appendXMLText(sw.buf, s)
	sw.buf = append(sw.buf, `</t></is></c>`...)
}

// escapeRE finds what a spreadsheet would read as an escaped character
// (_x000D_): its underscore is written escaped, so it reads back as is.
var escapeRE = regexp.MustCompile(`_x[0-9A-Fa-f]{4}_`)

// endRow closes the row and, once enough is gathered, compresses it.
func (sw *sheetWriter) endRow() error {
	sw.buf = append(sw.buf, `</row>`...)
	sw.inRow = false
	if len(sw.buf) < sheetFlush {
		return nil
	}
	return sw.send()
}

// send hands the buffer to the compressing goroutine and takes an empty one.
func (sw *sheetWriter) send() error {
	sw.full <- sw.buf
	select {
	case sw.buf = <-sw.free:
		sw.buf = sw.buf[:0]
		return nil
	case err := <-sw.done:
		sw.done <- err
		sw.buf = nil
		return err
	}
}

// compress writes full buffers into the archive until full is closed or a
// write fails (the client went away), then reports on done.
func compress(w io.Writer, full <-chan []byte, free chan<- []byte, done chan<- error) {
	for b := range full {
		if _, err := w.Write(b); err != nil {
			done <- err
			for range full {
			}
			return
		}
		free <- b
	}
	done <- nil
}

// EndRow ends the current row.
func (sw *sheetWriter) EndRow() error { return sw.endRow() }

// Close ends the sheet and the archive.
func (sw *sheetWriter) Close() error {
	if sw.inRow {
		sw.buf = append(sw.buf, `</row>`...)
	}
	sw.buf = append(sw.buf, `</sheetData></worksheet>`...)
	sw.full <- sw.buf
	close(sw.full)
	sw.full = nil
	if err := <-sw.done; err != nil {
		return err
	}
	return sw.zw.Close()
}

// Abort stops the compressing goroutine of an export that failed.
func (sw *sheetWriter) Abort() {
	if sw.full != nil {
		close(sw.full)
		<-sw.done
		sw.full = nil
	}
}

// appendXMLText appends s escaped as XML character data; characters XML
// cannot hold (control characters, invalid UTF-8) become U+FFFD, as
// encoding/xml writes them.
func appendXMLText(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			var esc string
			switch {
			case c == '&':
				esc = "&amp;"
			case c == '<':
				esc = "&lt;"
			case c == '>':
				esc = "&gt;"
			case c == '\r':
				esc = "&#xD;"
			case c == '\t' || c == '\n':
			case c < 0x20:
				esc = "\uFFFD"
			}
			if esc != "" {
				b = append(b, s[last:i]...)
				b = append(b, esc...)
				last = i + 1
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r == 0xFFFE || r == 0xFFFF {
			b = append(b, s[last:i]...)
			b = append(b, "\uFFFD"...)
			last = i + n
		}
		i += n
	}
	return append(b, s[last:]...)
}

// truncateUTF16 cuts s to at most n UTF-16 units, on a character boundary.
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		k := 1
		if r >= 0x10000 {
			k = 2
		}
		if units+k > n {
			return s[:i]
		}
		units += k
	}
	return s
}
