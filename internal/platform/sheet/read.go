package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
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
// reader's language through Msg (Limit is rows, columns, cell, unzipped,
// shared or one of Diagnose's kinds; Max the bound, Detail the reader's
// own message, for the log only).
type LimitError struct {
	Limit  string
	Max    int64
	Detail string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("sheet: %s over %d %s", e.Limit, e.Max, e.Detail)
}

// Rows streams the first sheet of an .xlsx: Next returns the row's own
// number (1 for the first line) and its cells, io.EOF at the end.
type Rows struct {
	f    *excelize.File
	rows *excelize.Rows
	lim  Limits
	n    int
}

// OpenXLSX checks an .xlsx's directory (entries, decompressed sizes) before
// anything is decompressed, then opens its first sheet for streaming.
func OpenXLSX(data []byte, lim Limits) (*Rows, error) {
	if le := Diagnose(data, false); le != nil {
		return nil, le
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &LimitError{Limit: Corrupt, Detail: err.Error()}
	}
	if len(z.File) > lim.ZipEntries {
		return nil, &LimitError{Limit: "unzipped", Max: lim.Unzipped >> 20}
	}
	var total uint64
	for _, f := range z.File {
		total += f.UncompressedSize64
		if strings.EqualFold(f.Name, "xl/sharedStrings.xml") && f.UncompressedSize64 > uint64(lim.SharedStrings) {
			return nil, &LimitError{Limit: "shared", Max: lim.SharedStrings >> 20}
		}
	}
	if total > uint64(lim.Unzipped) {
		return nil, &LimitError{Limit: "unzipped", Max: lim.Unzipped >> 20}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: lim.Unzipped, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, &LimitError{Limit: Corrupt, Detail: err.Error()}
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, &LimitError{Limit: NoSheet}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, &LimitError{Limit: Corrupt, Detail: err.Error()}
	}
	return &Rows{f: f, rows: rows, lim: lim}, nil
}

// Next reads a row, applying the row, column and cell limits.
func (x *Rows) Next() (int, []string, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return 0, nil, &LimitError{Limit: Corrupt, Detail: err.Error()}
		}
		return 0, nil, io.EOF
	}
	x.n++
	cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, nil, &LimitError{Limit: Corrupt, Detail: err.Error()}
	}
	if x.n > x.lim.Rows {
		return 0, nil, &LimitError{Limit: "rows", Max: int64(x.lim.Rows - 1)}
	}
	if len(cells) > x.lim.Columns {
		return 0, nil, &LimitError{Limit: "columns", Max: int64(x.lim.Columns)}
	}
	for _, c := range cells {
		if len(c) > x.lim.CellBytes {
			return 0, nil, &LimitError{Limit: "cell", Max: int64(x.lim.CellBytes)}
		}
	}
	return x.n, cells, nil
}

// Close releases the workbook.
func (x *Rows) Close() error {
	x.rows.Close()
	return x.f.Close()
}
