package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// readAll reads every row of an .xlsx with the streaming reader.
func readAll(data []byte, lim Limits) ([]int, [][]string, error) {
	x, err := OpenXLSX(data, lim)
	if err != nil {
		return nil, nil, err
	}
	defer x.Close()
	var nums []int
	var rows [][]string
	for {
		n, cells, err := x.Next()
		if errors.Is(err, io.EOF) {
			return nums, rows, nil
		}
		if err != nil {
			return nums, rows, err
		}
		nums = append(nums, n)
		rows = append(rows, cells)
	}
}

// excelizeRows reads every row as excelize's own reader does, raw values.
func excelizeRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if cells == nil {
			cells = []string{}
		}
		out = append(out, cells)
	}
	return out
}

func save(t *testing.T, x *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadsAsExcelize: the raw values, row numbers and positions the
// streaming reader gives are excelize's, for shared and inline strings,
// numbers, dates, booleans, formulas, rich text, escapes, gaps between rows
// and empty cells between cells.
func TestReadsAsExcelize(t *testing.T) {
	x := excelize.NewFile()
	set := func(cell string, v any) {
		if err := x.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "组织名称")
	set("B1", "统一社会信用代码")
	set("D1", "成立日期")
	set("A2", "五山 舞蹈队 & <合唱> \"团\"")
	set("B2", 13900000000)
	set("C2", 12.5)
	set("D2", 44260)
	set("E2", true)
	set("F2", "line\r\nbreak_x000D_")
	set("A5", "after a gap")
	set("C5", "=1+1")
	if err := x.SetCellFormula("Sheet1", "D5", "1+1"); err != nil {
		t.Fatal(err)
	}
	if err := x.SetCellRichText("Sheet1", "A6", []excelize.RichTextRun{{Text: "富"}, {Text: "文本"}}); err != nil {
		t.Fatal(err)
	}
	set("B6", "'=SUM(A1)")
	set("A7", "")
	set("C7", "x")
	data := save(t, x)
	nums, got, err := readAll(data, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := excelizeRows(t, data)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows differ:\n got %q\nwant %q", got, want)
	}
	for i, n := range nums {
		if n != i+1 {
			t.Fatalf("row numbers %v", nums)
		}
	}
	if got[1][0] != "五山 舞蹈队 & <合唱> \"团\"" || got[5][0] != "富文本" {
		t.Fatalf("text: %q %q", got[1][0], got[5][0])
	}

	// the stream writer writes inline-less shared strings differently; and
	// a written-by-hand sheet: inline strings, prefixes, CDATA, a missing r
	sw := excelize.NewFile()
	w, _ := sw.NewStreamWriter("Sheet1")
	w.SetRow("A1", []any{"a", 1, 2.5, "b"})
	w.SetRow("A3", []any{nil, "c"})
	w.Flush()
	data = save(t, sw)
	if _, got, err = readAll(data, DefaultLimits); err != nil || !reflect.DeepEqual(got, excelizeRows(t, data)) {
		t.Fatalf("stream-written: %q %v, want %q", got, err, excelizeRows(t, data))
	}
}

// handmade builds an .xlsx from a sheet's XML (and shared strings', if any).
func handmade(t testing.TB, sheetXML, sharedXML string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	add("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
	add("xl/workbook.xml", `<?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets><x:sheet name="登记" sheetId="1" r:id="rId7"/></x:sheets></x:workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>`)
	add("xl/worksheets/data.xml", sheetXML)
	if sharedXML != "" {
		add("xl/strings.xml", sharedXML)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadsHandmade(t *testing.T) {
	sheetXML := `<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><!-- a comment --><x:sheetData>
<x:row r="1"><x:c r="A1" note="a>b" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="inlineStr"><x:is><x:t><![CDATA[a<b]]></x:t></x:is></x:c></x:row>
<x:row><x:c t="s"><x:v> 1 </x:v></x:c><x:c t="inlineStr"><x:is><x:r><x:t>富</x:t></x:r><x:r><x:t xml:space="preserve"> 文本 </x:t></x:r><x:rPh><x:t>ふ</x:t></x:rPh></x:is></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="s"><x:v>9</x:v></x:c><x:c/><x:c t="str"><x:f>A1</x:f><x:v>&#x4E94;&#23665;&amp;</x:v></x:c></x:row>
</x:sheetData></x:worksheet>`
	sharedXML := `<sst><si><t>组织名称</t></si><si><r><t>五</t></r><r><t>山</t></r><rPh><t>ご</t></rPh></si></sst>`
	nums, rows, err := readAll(handmade(t, sheetXML, sharedXML), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"组织名称", "", "a<b"}, {"五山", "富 文本 ", "1", "", "", "五山&"}}
	if !reflect.DeepEqual(rows, want) || !reflect.DeepEqual(nums, []int{1, 2}) {
		t.Fatalf("got %v %q, want %q", nums, rows, want)
	}
}

func limitOf(err error) string {
	var le *LimitError
	if errors.As(err, &le) {
		return le.Limit
	}
	return fmt.Sprintf("not a limit: %v", err)
}

// TestLimits: every bound is enforced while the sheet streams, before
// the memory is spent.
func TestLimits(t *testing.T) {
	small := DefaultLimits
	small.Rows, small.Columns, small.CellBytes = 10, 5, 100
	row := func(r int, cells string) string { return fmt.Sprintf(`<row r="%d">%s</row>`, r, cells) }
	sheetOf := func(rows ...string) string {
		return `<worksheet><sheetData>` + strings.Join(rows, "") + `</sheetData></worksheet>`
	}
	cases := []struct {
		name, sheet, shared string
		lim                 Limits
		want                string
	}{
		{"rows", sheetOf(row(1, ""), row(11, "")), "", small, "rows"},
		{"a far row number", sheetOf(row(1048576, `<c r="A1048576"><v>1</v></c>`)), "", small, "rows"},
		{"columns", sheetOf(row(1, `<c r="F1"><v>1</v></c>`)), "", small, "columns"},
		{"a far column", sheetOf(row(1, `<c r="XFD1"><v>1</v></c>`)), "", small, "columns"},
		{"a long value", sheetOf(row(1, `<c><v>`+strings.Repeat("9", 200)+`</v></c>`)), "", small, "cell"},
		{"a long inline string", sheetOf(row(1, `<c t="inlineStr"><is>`+strings.Repeat("<r><t>abcdefghij</t></r>", 20)+`</is></c>`)), "", small, "cell"},
		{"a long entity-encoded value", sheetOf(row(1, `<c><v>`+strings.Repeat("&amp;", 200)+`</v></c>`)), "", small, "cell"},
		{"a long shared string used", sheetOf(row(1, `<c t="s"><v>0</v></c>`)), `<sst><si><t>` + strings.Repeat("x", 200) + `</t></si></sst>`, small, "cell"},
		{"shared strings over their bound", sheetOf(), `<sst><si><t>` + strings.Repeat("x", 2000) + `</t></si></sst>`, Limits{Rows: 10, Columns: 5, CellBytes: 100, Unzipped: 1 << 20, SharedStrings: 1000, ZipEntries: 10}, "shared"},
		{"unzipped", sheetOf(row(1, `<c><v>`+strings.Repeat("1", 3000)+`</v></c>`)), "", Limits{Rows: 10, Columns: 5, CellBytes: 100, Unzipped: 2000, SharedStrings: 1000, ZipEntries: 10}, "unzipped"},
		{"zip entries", sheetOf(), "", Limits{Rows: 10, Columns: 5, CellBytes: 100, Unzipped: 1 << 20, SharedStrings: 1000, ZipEntries: 3}, "unzipped"},
		{"a bad row number", sheetOf(`<row r="x"></row>`), "", small, Corrupt},
		{"a bad entity", sheetOf(row(1, `<c><v>&bogus;</v></c>`)), "", small, Corrupt},
		{"truncated", `<worksheet><sheetData><row r="1"><c><v>1`, "", small, Corrupt},
		{"an endless tag", `<worksheet><sheetData><row ` + strings.Repeat("a", 100<<10), "", small, Corrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := readAll(handmade(t, c.sheet, c.shared), c.lim)
			if got := limitOf(err); got != c.want {
				t.Fatalf("want %s, got %s", c.want, got)
			}
		})
	}
	if _, err := OpenXLSX([]byte{0xD0, 0xCF, 0x11, 0xE0, 0, 0}, DefaultLimits); limitOf(err) != "xls" {
		t.Fatalf("an .xls: %v", err)
	}
}

// TestMemoryFlat: a sheet of many rows streams in memory independent of
// its length (the cells of a row, the shared strings, a 64 KiB buffer).
func TestMemoryFlat(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<worksheet><sheetData>`)
	for i := 1; i <= 50_000; i++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d" t="s"><v>0</v></c><c r="B%d"><v>%d</v></c></row>`, i, i, i, i)
	}
	b.WriteString(`</sheetData></worksheet>`)
	data := handmade(t, b.String(), `<sst><si><t>舞蹈队</t></si></sst>`)
	x, err := OpenXLSX(data, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	n := 0
	allocs := testing.AllocsPerRun(1, func() {
		for {
			_, cells, err := x.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatal(err)
				}
				return
			}
			if cells[0] != "舞蹈队" {
				t.Fatalf("row %d: %q", n, cells)
			}
			n++
		}
	})
	if n != 50_000 {
		t.Fatalf("read %d rows", n)
	}
	// a row is its slice and its one non-shared value
	if perRow := allocs / 50_000; perRow > 4 {
		t.Fatalf("%.1f allocations a row", perRow)
	}
}

// FuzzOpenXLSX: whatever the sheet's bytes, the reader ends with rows,
// io.EOF or a LimitError, never a panic, and never a cell or row over its
// limits.
func FuzzOpenXLSX(f *testing.F) {
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`, `<sst><si><t>a</t></si></sst>`)
	f.Add(`<row r="3"><c r="B3"><v>&#x4E94;</v></c></row><row><c><v><![CDATA[<>]]></v></c></row>`, `<si><r><t>a</t></r><rPh><t>b</t></rPh></si>`)
	f.Add(`<?xml?><!-- --><!DOCTYPE x><row r="0"/><c r="A"/>`, `<si/><si><t/></si>`)
	lim := Limits{Rows: 20, Columns: 10, CellBytes: 64, Unzipped: 1 << 20, SharedStrings: 1 << 16, ZipEntries: 10}
	f.Fuzz(func(t *testing.T, sheetXML, sharedXML string) {
		nums, rows, err := readAll(handmade(t, sheetXML, sharedXML), lim)
		var le *LimitError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("%v", err)
		}
		last := 0
		for i, cells := range rows {
			if nums[i] != last+1 || nums[i] > lim.Rows {
				t.Fatalf("row numbers %v", nums)
			}
			last = nums[i]
			if len(cells) > lim.Columns {
				t.Fatalf("%d cells", len(cells))
			}
			for _, c := range cells {
				if len(c) > lim.CellBytes {
					t.Fatalf("a cell of %d bytes", len(c))
				}
			}
		}
	})
}

// benchFile is a census-like workbook of n rows, as excelize writes it.
func benchFile(b *testing.B, n int) []byte {
	b.Helper()
	x := excelize.NewFile()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", []any{"组织名称", "统一社会信用代码", "管理层级", "组织类型", "服务对象", "所属社区（村）代码", "所属社区（村）",
		"活动地址", "成立日期", "成员人数", "负责人", "负责人电话", "党组织建设", "党建指导员", "枢纽型组织", "品牌组织", "示范点年度",
		"志愿服务组织标识", "状态"})
	for i := 0; i < n; i++ {
		sw.SetRow("A"+fmt.Sprint(i+2), []any{fmt.Sprintf("天河区五山街道%d舞蹈队", i), "", "社区管理", "文体娱乐性、居民互助性",
			"老年人、儿童", "440106008001", "五山社区", "五山社区活动室", 40000 + i%4000, 10 + i%90, fmt.Sprintf("负责人%d", i%1000),
			13900000000 + i, "未建立", "", "否", "否", "", "否", "正常活动"})
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkRead reads a 20,000-row census workbook: the streaming reader
// against excelize's row iterator (what the census import used before).
//
//	go test -run '^$' -bench Read -benchtime 3x ./internal/platform/sheet/
func BenchmarkRead(b *testing.B) {
	const n = 20_000
	data := benchFile(b, n)
	b.Run("stream", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			x, err := OpenXLSX(data, DefaultLimits)
			if err != nil {
				b.Fatal(err)
			}
			rows := 0
			for {
				if _, _, err := x.Next(); err != nil {
					if !errors.Is(err, io.EOF) {
						b.Fatal(err)
					}
					break
				}
				rows++
			}
			x.Close()
			if rows != n+1 {
				b.Fatalf("%d rows", rows)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/row")
	})
	b.Run("excelize", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			rows, err := f.Rows("Sheet1")
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
					b.Fatal(err)
				}
			}
			rows.Close()
			f.Close()
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/row")
	})
}
