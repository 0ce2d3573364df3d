package sheet

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Book writes a workbook of named sheets of rows (each sheet's first row its
// header) through excelize's stream writer; text that a spreadsheet would
// read as a formula is neutralized (issue 18).
func Book(names []string, sheets [][][]any) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	for k, name := range names {
		if k == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return nil, err
		}
		for i, row := range sheets[k] {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := sw.SetRow(cell, NeutralizeAll(slices.Clone(row))); err != nil {
				return nil, err
			}
		}
		if err := sw.Flush(); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ContentType is the media type of an .xlsx workbook.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Download sets the headers of a workbook answered as a download named
// name, for one streamed (of no length known in advance).
func Download(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
}

// Send answers a written workbook as a download named name.
func Send(w http.ResponseWriter, name string, b []byte) {
	Download(w, name)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}
