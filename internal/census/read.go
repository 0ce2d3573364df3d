package census

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"linli/internal/platform/errs"
	"linli/internal/platform/sheet"
)

// sheetRows streams the rows of a spreadsheet: Next returns the row's own
// number (1 for the first line) and its cells, io.EOF at the end.
type sheetRows interface {
	Next() (int, []string, error)
	Close() error
}

// importLimits bound an import file, enforced while it is read, before
// the memory is spent (issue 18: a 60 MB CSV of commas took 4 GB, a 1 MB
// .xlsx with one 1 GB cell 5.3 GB). Each refusal names its limit in
// Chinese and says what to do (census.err.limit_*).
var importLimits = struct {
	Rows, Columns, CellBytes, LineBytes int
	Unzipped, SharedStrings             int64
	ZipEntries                          int
}{
	Rows:          200_000,   // data rows of one file
	Columns:       200,       // cells of one row
	CellBytes:     8 << 10,   // one cell
	LineBytes:     256 << 10, // one CSV record, quotes and all
	Unzipped:      512 << 20, // an .xlsx decompressed
	SharedStrings: 64 << 20,  // its shared strings decompressed
	ZipEntries:    1000,
}

func limitErr(key string, n any) error { return errs.E(errs.Invalid, key, n) }

// checkRow applies the limits of a row once read.
func checkRow(n int, cells []string) error {
	if n > importLimits.Rows+headerScan {
		return limitErr("census.err.limit_rows", importLimits.Rows)
	}
	if len(cells) > importLimits.Columns {
		return limitErr("census.err.limit_columns", importLimits.Columns)
	}
	for _, c := range cells {
		if len(c) > importLimits.CellBytes {
			return limitErr("census.err.limit_cell", importLimits.CellBytes)
		}
	}
	return nil
}

// Formats accepted.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

// formatOf tells the format from the file name, or from the content.
func formatOf(name string, head []byte) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return FormatXLSX
	case ".csv", ".txt":
		return FormatCSV
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return FormatXLSX
	}
	return FormatCSV
}

// openRows opens a stored upload for streaming.
func openRows(path, name string) (sheetRows, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 16)
	n, _ := io.ReadFull(fh, head)
	head = head[:n]
	// The content decides, whatever the name says: a zip is read as a
	// workbook; a Word, PDF, picture, encrypted or old Excel file is
	// refused in words that say what to do (sheet.Diagnose).
	if bytes.HasPrefix(head, []byte("PK")) {
		fh.Close()
		return openXLSX(path)
	}
	if le := sheet.Diagnose(head, true); le != nil {
		if le.Limit != sheet.Empty {
			// a compound file is told apart by the streams it holds
			if all, err := os.ReadFile(path); err == nil {
				le = sheet.Diagnose(all, true)
			}
		}
		fh.Close()
		if le != nil {
			return nil, le.Err()
		}
	}
	if formatOf(name, head) == FormatXLSX {
		fh.Close()
		return nil, (&sheet.LimitError{Limit: sheet.NotXLSX}).Err()
	}
	return openCSV(fh)
}

// xlsxRows streams the first sheet with platform/sheet's reader, which
// reads the raw values straight from the sheet's XML.
type xlsxRows struct{ r *sheet.Rows }

func openXLSX(path string) (sheetRows, error) {
	r, err := sheet.OpenXLSXFile(path, sheet.Limits{Rows: importLimits.Rows + headerScan, Columns: importLimits.Columns,
		CellBytes: importLimits.CellBytes, Unzipped: importLimits.Unzipped, SharedStrings: importLimits.SharedStrings,
		ZipEntries: importLimits.ZipEntries})
	if err != nil {
		return nil, sheetErr(err)
	}
	return &xlsxRows{r: r}, nil
}

// sheetErr names a limit the sheet reader stopped at as the census does.
func sheetErr(err error) error {
	var le *sheet.LimitError
	if !errors.As(err, &le) {
		return err
	}
	switch le.Limit {
	case "rows":
		return limitErr("census.err.limit_rows", importLimits.Rows)
	case "columns":
		return limitErr("census.err.limit_columns", importLimits.Columns)
	case "cell":
		return limitErr("census.err.limit_cell", importLimits.CellBytes)
	case "unzipped":
		return limitErr("census.err.limit_unzipped", importLimits.Unzipped>>20)
	case "shared":
		return limitErr("census.err.limit_shared", importLimits.SharedStrings>>20)
	}
	return le.Err()
}

func (x *xlsxRows) Next() (int, []string, error) {
	n, cells, err := x.r.Next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, nil, io.EOF
		}
		return 0, nil, sheetErr(err)
	}
	return n, cells, nil
}

func (x *xlsxRows) Close() error { return x.r.Close() }

type csvRows struct {
	fh *os.File
	r  *csv.Reader
	g  *lineGuard
	n  int
}

// lineGuard stops a CSV record longer than LineBytes while it is read: the
// csv reader would otherwise gather a line of commas or one endless quoted
// cell whole.
type lineGuard struct {
	r     io.Reader
	n     int
	total int64
}

var errLineTooLong = errors.New("census: line too long")

func (g *lineGuard) Read(p []byte) (int, error) {
	if g.n > importLimits.LineBytes {
		return 0, errLineTooLong
	}
	p = p[:min(len(p), importLimits.LineBytes+1-g.n)]
	n, err := g.r.Read(p)
	g.n += n
	g.total += int64(n)
	return n, err
}

// openCSV reads UTF-8 (with or without a byte-order mark) or, when the
// file is not valid UTF-8, GBK (GB 18030), which Chinese Excel writes.
func openCSV(fh *os.File) (sheetRows, error) {
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		fh.Close()
		return nil, err
	}
	utf, err := validUTF8(fh)
	if err == nil {
		_, err = fh.Seek(0, io.SeekStart)
	}
	if err != nil {
		fh.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(fh, 64<<10)
	var src io.Reader = br
	if utf {
		if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
			br.Discard(3)
		}
	} else {
		src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	g := &lineGuard{r: src}
	r := csv.NewReader(g)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	return &csvRows{fh: fh, r: r, g: g}, nil
}

// validUTF8 reads the whole stream and reports whether it is UTF-8.
func validUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 64<<10)
	carry := 0
	for {
		n, err := r.Read(buf[carry:])
		n += carry
		end := n
		// keep an incomplete character at the end for the next read
		for i := 1; i <= utf8.UTFMax && i <= n; i++ {
			if utf8.RuneStart(buf[n-i]) {
				if !utf8.FullRune(buf[n-i : n]) {
					end = n - i
				}
				break
			}
		}
		if errors.Is(err, io.EOF) {
			end = n
		}
		if !utf8.Valid(buf[:end]) {
			return false, nil
		}
		carry = copy(buf, buf[end:n])
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
}

func (c *csvRows) Next() (int, []string, error) {
	// the guard counts from the end of the last record (what the csv
	// reader's buffer already holds of the next one included)
	c.g.n = int(c.g.total - c.r.InputOffset())
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return 0, nil, io.EOF
	}
	c.n++
	if errors.Is(err, errLineTooLong) {
		return 0, nil, limitErr("census.err.limit_line", importLimits.LineBytes>>10)
	}
	if err != nil {
		return 0, nil, errs.E(errs.Invalid, "census.err.csv_row", c.n)
	}
	if err := checkRow(c.n, rec); err != nil {
		return 0, nil, err
	}
	return c.n, rec, nil
}

func (c *csvRows) Close() error { return c.fh.Close() }

// headerScan is how many rows may stand above the header (titles, notes,
// group headers).
const headerScan = 12

// layout is where a file keeps its columns.
type layout struct {
	HeaderRow int
	Headers   []string // the file's own header text per cell index
	ColOf     []int    // per census column, the cell index, -1 if absent
}

// findHeader reads rows until the header row: the row with the most known
// headers among the first few. A cell left empty under a merged header
// takes the header above it (a header cell merged down over two rows keeps
// its text in the upper row). It returns the layout and the rows it read
// after the header, to be processed as data.
func findHeader(rows sheetRows, known map[string]int) (*layout, [][]string, []int, error) {
	type read struct {
		n     int
		cells []string
	}
	var seen []read
	best, bestHits := -1, 0
	for len(seen) < headerScan {
		n, cells, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, nil, err
		}
		seen = append(seen, read{n, append([]string(nil), cells...)})
		hits := 0
		for _, c := range cells {
			if _, ok := known[headerKey(c)]; ok {
				hits++
			}
		}
		if hits > bestHits {
			best, bestHits = len(seen)-1, hits
		}
	}
	if best < 0 || bestHits < 2 {
		return nil, nil, nil, errs.E(errs.Invalid, "census.err.no_header")
	}
	hdr := seen[best].cells
	width := len(hdr)
	for _, s := range seen[:best] {
		width = max(width, len(s.cells))
	}
	lay := &layout{HeaderRow: seen[best].n, Headers: make([]string, width), ColOf: make([]int, len(columns))}
	for i := range lay.ColOf {
		lay.ColOf[i] = -1
	}
	for j := 0; j < width; j++ {
		for k := best; k >= 0 && k >= best-2; k-- {
			if j >= len(seen[k].cells) {
				continue
			}
			text := strings.TrimSpace(seen[k].cells[j])
			if text == "" {
				continue
			}
			if col, ok := known[headerKey(text)]; ok && lay.ColOf[col] < 0 {
				lay.ColOf[col] = j
				lay.Headers[j] = text
			} else if k == best {
				lay.Headers[j] = text
			}
			break
		}
	}
	var rest [][]string
	var nums []int
	for _, s := range seen[best+1:] {
		rest = append(rest, s.cells)
		nums = append(nums, s.n)
	}
	return lay, rest, nums, nil
}

// blank reports a row with nothing but spaces.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(strings.TrimLeft(c, "\u00a0\u3000")) != "" {
			return false
		}
	}
	return true
}
