package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
)

// Limits bound an .xlsx read from an upload, enforced before and while it
// is read (the limits of issue 18, as the census import keeps them).
type Limits struct {
	Rows, Columns, CellBytes int
	Unzipped, SharedStrings  int64
	ZipEntries               int
}

// DefaultLimits are those of the census import, but for rows: a caller sets
// its own.
var DefaultLimits = Limits{Rows: 200_000, Columns: 200, CellBytes: 8 << 10, Unzipped: 512 << 20,
	SharedStrings: 64 << 20, ZipEntries: 1000}

// LimitError is a limit a file went over; the caller names it in the
// reader's language (Limit is rows, columns, cell, unzipped, shared,
// unreadable or xls; Max the bound, Detail the reader's message).
type LimitError struct {
	Limit  string
	Max    int64
	Detail string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("sheet: %s over %d %s", e.Limit, e.Max, e.Detail)
}

// Rows streams the first sheet of an .xlsx: Next returns the row's own
// number (1 for the first line) and its raw cell values, io.EOF at the end.
//
// It reads the sheet's XML itself (scanner): shared strings (kept as one
// string, cells are slices of it), inline strings and raw values (a number
// as written, a date as its serial number, a boolean as 0 or 1), without
// building a cell object per cell; excelize's reader spent ~75 µs a row on
// that. A gap in the row numbers reads as empty rows, and a row's cells are
// indexed by their column (empty cells in between are ""), as excelize
// gives them.
type Rows struct {
	lim    Limits
	closer io.Closer // the file, when opened from a path
	sheet  io.ReadCloser
	sc     *scanner
	shared string   // the shared strings, one after the other
	ends   []uint32 // where each shared string ends in shared
	n      int      // number of the last row returned
	ahead  []string // a row read past a gap, numbered aheadN
	aheadN int
	eof    bool
}

// OpenXLSX checks an .xlsx's directory (entries, decompressed sizes) before
// anything is decompressed, reads its shared strings, then opens its first
// sheet for streaming.
func OpenXLSX(data []byte, lim Limits) (*Rows, error) {
	if le := Diagnose(data, false); le != nil {
		return nil, le
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &LimitError{Limit: Corrupt, Detail: err.Error()}
	}
	return open(z, nil, lim)
}

// OpenXLSXFile is OpenXLSX for a file, read as it streams.
func OpenXLSXFile(name string, lim Limits) (*Rows, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 16)
	n, _ := io.ReadFull(fh, head)
	if !bytes.HasPrefix(head[:n], []byte("PK")) {
		fh.Close()
		if le := Diagnose(head[:n], false); le != nil && le.Limit != Empty && le.Limit != NotXLSX {
			// a compound file is told apart by the streams it holds
			if all, err := os.ReadFile(name); err == nil {
				le = Diagnose(all, false)
			}
			return nil, le
		} else if le != nil {
			return nil, le
		}
		return nil, &LimitError{Limit: NotXLSX}
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	z, err := zip.NewReader(fh, st.Size())
	if err != nil {
		fh.Close()
		return nil, &LimitError{Limit: Corrupt, Detail: err.Error()}
	}
	if le := DiagnoseZip(z); le != nil {
		fh.Close()
		return nil, le
	}
	rows, err := open(z, fh, lim)
	if err != nil {
		fh.Close()
		return nil, err
	}
	return rows, nil
}

// xmlPartLimit bounds the workbook's small parts (the workbook, its
// relationships), read whole.
const xmlPartLimit = 16 << 20

func unreadable(err error) error {
	var le *LimitError
	if errors.As(err, &le) {
		return err
	}
	return &LimitError{Limit: Corrupt, Detail: err.Error()}
}

func open(z *zip.Reader, closer io.Closer, lim Limits) (*Rows, error) {
	if len(z.File) > lim.ZipEntries {
		return nil, &LimitError{Limit: "unzipped", Max: lim.Unzipped >> 20}
	}
	var total uint64
	files := map[string]*zip.File{}
	for _, f := range z.File {
		total += f.UncompressedSize64
		if strings.EqualFold(f.Name, "xl/sharedStrings.xml") && f.UncompressedSize64 > uint64(lim.SharedStrings) {
			return nil, &LimitError{Limit: "shared", Max: lim.SharedStrings >> 20}
		}
		files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	if total > uint64(lim.Unzipped) {
		return nil, &LimitError{Limit: "unzipped", Max: lim.Unzipped >> 20}
	}
	sheetPath, sharedPath, err := firstSheet(files)
	if err != nil {
		return nil, unreadable(err)
	}
	x := &Rows{lim: lim, closer: closer}
	if f := files[strings.ToLower(sharedPath)]; f != nil {
		if f.UncompressedSize64 > uint64(lim.SharedStrings) {
			return nil, &LimitError{Limit: "shared", Max: lim.SharedStrings >> 20}
		}
		if err := x.readShared(f); err != nil {
			return nil, unreadable(err)
		}
	}
	f := files[strings.ToLower(sheetPath)]
	if f == nil {
		return nil, &LimitError{Limit: NoSheet}
	}
	if x.sheet, err = f.Open(); err != nil {
		return nil, unreadable(err)
	}
	x.sc = newScanner(x.sheet)
	return x, nil
}

// firstSheet finds the first sheet's part and the shared strings' part
// through the workbook and its relationships.
func firstSheet(files map[string]*zip.File) (sheet, shared string, err error) {
	shared = "xl/sharedStrings.xml"
	wb := files["xl/workbook.xml"]
	rels := files["xl/_rels/workbook.xml.rels"]
	if wb == nil || rels == nil {
		if files["xl/worksheets/sheet1.xml"] != nil {
			return "xl/worksheets/sheet1.xml", shared, nil
		}
		return "", "", errors.New("no workbook")
	}
	var id string
	if err := scanPart(wb, func(s *scanner) (bool, error) {
		if !s.close && s.is("sheet") {
			v, _ := s.attr("id")
			id = string(v)
			return true, nil
		}
		return false, nil
	}); err != nil {
		return "", "", err
	}
	if id == "" {
		return "", "", errors.New("no sheet")
	}
	if err := scanPart(rels, func(s *scanner) (bool, error) {
		if s.close || !s.is("Relationship") {
			return false, nil
		}
		rid, _ := s.attr("Id")
		target, _ := s.attr("Target")
		typ, _ := s.attr("Type")
		t := string(target)
		if strings.HasPrefix(t, "/") {
			t = t[1:]
		} else {
			t = path.Join("xl", t)
		}
		if string(rid) == id {
			sheet = t
		}
		if bytes.HasSuffix(typ, []byte("/sharedStrings")) {
			shared = t
		}
		return false, nil
	}); err != nil {
		return "", "", err
	}
	if sheet == "" {
		return "", "", errors.New("no sheet")
	}
	return sheet, shared, nil
}

// scanPart calls fn at every tag of a small part, until fn says stop.
func scanPart(f *zip.File, fn func(*scanner) (bool, error)) error {
	if f.UncompressedSize64 > xmlPartLimit {
		return errors.New(f.Name + " too large")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	s := newScanner(rc)
	for {
		if err := s.next(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		stop, err := fn(s)
		if stop || err != nil {
			return err
		}
	}
}

// readShared reads the shared strings: each <si>'s text (<t>, and the <t>
// of its runs <r>, but not of its phonetic runs <rPh>).
func (x *Rows) readShared(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	s := newScanner(rc)
	var buf []byte
	limit := int(min(x.lim.SharedStrings, 1<<30))
	inSI, phonetic := false, 0
	start := 0
	for {
		if err := s.next(); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return err
		}
		switch {
		case s.is("si"):
			if s.close || s.empty {
				if inSI || s.empty {
					buf = append(buf[:start], bstr(buf[start:])...)
					x.ends = append(x.ends, uint32(len(buf)))
					if len(x.ends) > limit/16+1 {
						return &LimitError{Limit: "shared", Max: x.lim.SharedStrings >> 20}
					}
				}
				inSI = false
			} else {
				inSI, phonetic, start = true, 0, len(buf)
			}
		case s.is("rPh"):
			if s.close {
				phonetic--
			} else if !s.empty {
				phonetic++
			}
		case s.is("t") && inSI && phonetic == 0 && !s.close && !s.empty:
			s.text = buf
			if err := s.readText(limit); err != nil {
				if errors.Is(err, errTextLimit) {
					return &LimitError{Limit: "shared", Max: x.lim.SharedStrings >> 20}
				}
				return err
			}
			buf = s.text
			s.text = nil
		}
	}
	x.shared = string(buf)
	return nil
}

// sharedString is shared string i ("" for an index out of range, as
// excelize reads it).
func (x *Rows) sharedString(v []byte) string {
	i, err := strconv.Atoi(string(bytes.TrimSpace(v)))
	if err != nil || i < 0 || i >= len(x.ends) {
		return ""
	}
	var from uint32
	if i > 0 {
		from = x.ends[i-1]
	}
	return x.shared[from:x.ends[i]]
}

// Next reads a row, applying the row, column and cell limits.
func (x *Rows) Next() (int, []string, error) {
	if x.ahead != nil || x.aheadN > 0 {
		if x.n+1 < x.aheadN {
			x.n++
			return x.n, []string{}, nil
		}
		x.n = x.aheadN
		cells := x.ahead
		x.ahead, x.aheadN = nil, 0
		return x.n, cells, nil
	}
	if x.eof {
		return 0, nil, io.EOF
	}
	n, cells, err := x.readRow()
	if errors.Is(err, io.EOF) {
		x.eof = true
		return 0, nil, io.EOF
	}
	if err != nil {
		return 0, nil, err
	}
	if n > x.n+1 {
		x.ahead, x.aheadN = cells, n
		x.n++
		return x.n, []string{}, nil
	}
	x.n = n
	return n, cells, nil
}

// readRow reads the next <row> of the sheet and its cells.
func (x *Rows) readRow() (int, []string, error) {
	s := x.sc
	for {
		if err := s.next(); err != nil {
			if errors.Is(err, io.EOF) {
				return 0, nil, io.EOF
			}
			return 0, nil, unreadable(err)
		}
		if s.close && s.is("sheetData") {
			return 0, nil, io.EOF
		}
		if !s.close && s.is("row") {
			break
		}
	}
	n := x.n + 1
	if r, ok := s.attr("r"); ok {
		if v, err := strconv.Atoi(string(r)); err == nil && v > x.n {
			n = v
		} else if err != nil || v <= 0 {
			return 0, nil, &LimitError{Limit: Corrupt, Detail: "row number " + string(r)}
		}
	}
	if n > x.lim.Rows {
		return 0, nil, &LimitError{Limit: "rows", Max: int64(x.lim.Rows - 1)}
	}
	cells := []string{}
	if s.empty {
		return n, cells, nil
	}
	col := 0
	for {
		if err := s.next(); err != nil {
			return 0, nil, unreadable(err)
		}
		if s.is("row") && s.close {
			return n, cells, nil
		}
		if s.close || !s.is("c") {
			continue
		}
		col++
		if r, ok := s.attr("r"); ok {
			c, err := column(r)
			if err != nil {
				return 0, nil, &LimitError{Limit: Corrupt, Detail: err.Error()}
			}
			col = c
		}
		if col > x.lim.Columns {
			return 0, nil, &LimitError{Limit: "columns", Max: int64(x.lim.Columns)}
		}
		t, _ := s.attr("t")
		typ := string(t)
		if s.empty {
			continue
		}
		v, formula, err := x.cell(typ)
		if err != nil {
			return 0, nil, err
		}
		if v == "" && !formula {
			continue
		}
		for len(cells) < col-1 {
			cells = append(cells, "")
		}
		if col-1 < len(cells) {
			cells[col-1] = v // a column given twice: the last wins
		} else {
			cells = append(cells, v)
		}
	}
}

// cell reads a cell's content, its start tag read: the raw value.
func (x *Rows) cell(typ string) (string, bool, error) {
	s := x.sc
	var v, inline []byte
	hasV, hasIS, formula := false, false, false
	s.text = s.text[:0]
	for {
		if err := s.next(); err != nil {
			return "", false, unreadable(err)
		}
		if s.close && s.is("c") {
			break
		}
		if s.close || s.empty {
			if s.is("f") {
				formula = true
			}
			continue
		}
		switch {
		case s.is("f"):
			formula = true
		case s.is("v"):
			from := len(s.text)
			if err := x.text(); err != nil {
				return "", false, err
			}
			v, hasV = s.text[from:], true
		case s.is("is"):
			hasIS = true
		case s.is("rPh"):
			// phonetic runs of an inline string: skipped with their text
			if err := x.skip("rPh"); err != nil {
				return "", false, err
			}
		case s.is("t") && hasIS:
			from := len(s.text)
			if err := x.text(); err != nil {
				return "", false, err
			}
			inline = append(inline, s.text[from:]...)
			if len(inline) > x.lim.CellBytes {
				return "", false, &LimitError{Limit: "cell", Max: int64(x.lim.CellBytes)}
			}
		}
	}
	var out string
	switch {
	case typ == "s":
		if hasV {
			out = x.sharedString(v)
		}
	case typ == "inlineStr" && hasIS:
		out = string(bstr(inline))
	default:
		out = string(v)
	}
	if len(out) > x.lim.CellBytes {
		return "", false, &LimitError{Limit: "cell", Max: int64(x.lim.CellBytes)}
	}
	return out, formula, nil
}

// text reads an element's text into the scanner's text, bounded by the
// cell limit.
func (x *Rows) text() error {
	s := x.sc
	if err := s.readText(x.lim.CellBytes + len(s.text)); err != nil {
		if errors.Is(err, errTextLimit) {
			return &LimitError{Limit: "cell", Max: int64(x.lim.CellBytes)}
		}
		return unreadable(err)
	}
	return nil
}

// skip reads past the end of the element name, its start tag read.
func (x *Rows) skip(name string) error {
	depth := 1
	for depth > 0 {
		if err := x.sc.next(); err != nil {
			return unreadable(err)
		}
		if x.sc.is(name) && !x.sc.empty {
			if x.sc.close {
				depth--
			} else {
				depth++
			}
		}
	}
	return nil
}

// column reads the column of a cell reference (B7 is 2).
func column(ref []byte) (int, error) {
	c := 0
	for _, b := range ref {
		switch {
		case 'A' <= b && b <= 'Z':
			c = c*26 + int(b-'A') + 1
		case 'a' <= b && b <= 'z':
			c = c*26 + int(b-'a') + 1
		case '0' <= b && b <= '9':
			if c == 0 {
				return 0, errors.New("cell reference " + string(ref))
			}
			return c, nil
		default:
			return 0, errors.New("cell reference " + string(ref))
		}
		if c > 1<<20 {
			return 0, errors.New("cell reference " + string(ref))
		}
	}
	if c == 0 {
		return 0, errors.New("cell reference " + string(ref))
	}
	return c, nil
}

// Close releases the sheet and the file.
func (x *Rows) Close() error {
	var err error
	if x.sheet != nil {
		err = x.sheet.Close()
	}
	if x.closer != nil {
		err = errors.Join(err, x.closer.Close())
	}
	return err
}
