package census_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linli/internal/census"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// seed files a few organizations through the registry, one of them with a
// name that would run as a formula.
func seed(t *testing.T, f *fixture) {
	t.Helper()
	ins := []registry.Input{
		{Name: "街坊互助队", Tier: registry.TierCommunity, Types: []string{"mutual_aid", "culture_sports"}, TargetGroups: []string{"elderly"},
			CommunityCode: yulei, FoundedOn: "2019-03-12", Members: 20, LeaderName: "陈丽", LeaderPhone: "13812345678", Status: registry.StatusActive},
		{Name: "=HYPERLINK(\"x\")舞蹈队", Tier: registry.TierStreet, Types: []string{"culture_sports"},
			CommunityCode: zhijie, Members: 8, LeaderName: "+王芳", LeaderPhone: "020-87654321", PartyOrg: registry.PartyJoint, PartyInstructor: "李明"},
		{Name: "天河南长者关爱协会", Tier: registry.TierRegistered, CreditCode: credit("51440106MJ0000001"), Types: []string{"charity"},
			CommunityCode: yulei, Members: 35, LeaderName: "李明", LeaderPhone: "13912345678", Status: registry.StatusActive, Hub: true,
			Brand: true, DemonstrationYear: 2022, VolunteerMark: true},
		{Name: "猎德舞蹈队", Tier: registry.TierCommunity, Types: []string{"culture_sports"}, CommunityCode: liede, LeaderName: "赵四", LeaderPhone: "13912345670"},
	}
	for _, in := range ins {
		if _, err := f.reg.Create(f.ctx, f.tianhe, in); err != nil {
			t.Fatalf("%s: %v", in.Name, err)
		}
	}
}

func TestExportRoundTrips(t *testing.T) {
	for _, format := range []string{census.FormatXLSX, census.FormatCSV} {
		t.Run(format, func(t *testing.T) {
			f := setup(t)
			seed(t, f)
			var buf bytes.Buffer
			if err := f.census.Export(f.ctx, f.tianhe, registry.Filter{Within: "440106008"}, format, &buf); err != nil {
				t.Fatal(err)
			}
			path := write(t, "export."+format, buf.Bytes())
			rep := report(t, f, f.tianhe, path, "export."+format, false)
			if len(rep.Errors) != 0 || rep.Unchanged != 3 || rep.Created+rep.Updated != 0 {
				t.Fatalf("re-import of the export: %+v %s", rep, errorLines(rep))
			}
			rows := readBack(t, format, buf.Bytes())
			if len(rows) != 4 {
				t.Fatalf("%d rows (with header): %q", len(rows), rows)
			}
			if got := strings.Join(rows[0][:6], ","); got != "组织名称,统一社会信用代码,管理层级,组织类型,服务对象,所属社区（村）代码" {
				t.Errorf("headers %s", got)
			}
			if rows[1][0] != "街坊互助队" || rows[1][3] != "居民互助性、文体娱乐性" || rows[1][6] != "育蕾社区居委会" || rows[1][18] != "正常活动" {
				t.Errorf("first row %q", rows[1])
			}
			if rows[2][0] != "'=HYPERLINK(\"x\")舞蹈队" || rows[2][10] != "'+王芳" {
				t.Errorf("formula cells not neutralized: %q", rows[2])
			}
			if rows[3][14] != "是" || rows[3][16] != "2022" {
				t.Errorf("flags %q", rows[3])
			}
		})
	}
}

// TestExportStreamsManyRows exports more rows than the goroutines hand on
// at a time (several batches, the last one part full): every row, once,
// in the list's order, in both formats.
func TestExportStreamsManyRows(t *testing.T) {
	f := setup(t)
	const n = 600
	for i := range n {
		in := registry.Input{Name: fmt.Sprintf("互助队%03d", i), Tier: registry.TierCommunity, Types: []string{"mutual_aid"},
			CommunityCode: yulei, LeaderName: "陈丽", LeaderPhone: "13812345678", Status: registry.StatusActive}
		if _, err := f.reg.Create(f.ctx, f.tianhe, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, format := range []string{census.FormatXLSX, census.FormatCSV} {
		var buf bytes.Buffer
		if err := f.census.Export(f.ctx, f.tianhe, registry.Filter{}, format, &buf); err != nil {
			t.Fatal(err)
		}
		rows := readBack(t, format, buf.Bytes())
		if len(rows) != n+1 {
			t.Fatalf("%s: %d rows with the header, want %d", format, len(rows), n+1)
		}
		for i, r := range rows[1:] {
			if want := fmt.Sprintf("互助队%03d", i); r[0] != want || r[6] != "育蕾社区居委会" {
				t.Fatalf("%s: row %d is %q (%q), want %s", format, i+1, r[0], r[6], want)
			}
		}
	}
}

// failAfter is a client that goes away after n bytes.
type failAfter struct{ n int }

var errGone = errors.New("client gone")

func (w *failAfter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errGone
	}
	return len(p), nil
}

// TestExportStopsWhenTheClientGoes: a write that fails mid-export stops
// the export with that error, and leaves no goroutine behind (the reading,
// writing and compressing ones all end).
func TestExportStopsWhenTheClientGoes(t *testing.T) {
	f := setup(t)
	for i := range 700 {
		in := registry.Input{Name: fmt.Sprintf("舞蹈队%03d", i), Tier: registry.TierCommunity, Types: []string{"culture_sports"},
			CommunityCode: yulei, Address: strings.Repeat("天河路", 20+i%7), LeaderName: "王芳", LeaderPhone: "13912345678",
			Status: registry.StatusActive}
		if _, err := f.reg.Create(f.ctx, f.tianhe, in); err != nil {
			t.Fatal(err)
		}
	}
	before := runtime.NumGoroutine()
	for _, format := range []string{census.FormatXLSX, census.FormatCSV} {
		err := f.census.Export(f.ctx, f.tianhe, registry.Filter{}, format, &failAfter{n: 4 << 10})
		if !errors.Is(err, errGone) {
			t.Fatalf("%s: export to a client that went away: %v", format, err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got > before {
		t.Fatalf("%d goroutines after the failed exports, %d before", got, before)
	}
}

func readBack(t *testing.T, format string, b []byte) [][]string {
	t.Helper()
	if format == census.FormatCSV {
		if !bytes.HasPrefix(b, []byte("\uFEFF")) {
			t.Error("no byte-order mark for Excel")
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		for len(rows[i]) < 19 {
			rows[i] = append(rows[i], "")
		}
	}
	return rows
}

func TestExportMasksPhonesForViewersWhoDoNotManage(t *testing.T) {
	f := setup(t)
	seed(t, f)
	var buf bytes.Buffer
	if err := f.census.Export(f.ctx, f.hub, registry.Filter{}, census.FormatCSV, &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "13812345678") || !strings.Contains(out, "138****5678") {
		t.Fatalf("hub staff export:\n%s", out)
	}
	buf.Reset()
	if err := f.census.Export(f.ctx, f.street, registry.Filter{}, census.FormatCSV, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "13812345678") || strings.Contains(buf.String(), "猎德") {
		t.Fatalf("street officer export:\n%s", buf.String())
	}
}

func TestNearDuplicatesAreReportedNotMerged(t *testing.T) {
	f := setup(t)
	seed(t, f)
	content := "组织名称,管理层级,组织类型,所属社区（村）代码,负责人,负责人电话\n" +
		"广州市天河区街坊互助队,社区管理,居民互助性,440106008007,陈丽,13812345678\n" + // existing 街坊互助队 with a district prefix
		"天河南 长者关爱协会,依法登记,公益慈善性,440106008007,李明,13912345678\n" + // existing name with a space: the same org; absent columns keep their values
		"阳光义工队,社区管理,志愿服务,440106008008,周七,13912345671\n" +
		"阳光义工队 ,社区管理,志愿服务,440106008008,周七,13912345671\n" + // duplicate in the file
		"广州市阳光义工队,社区管理,志愿服务,440106008008,周七,13912345671\n" // near-duplicate in the file
	rep := report(t, f, f.street, write(t, "dups.csv", []byte(content)), "dups.csv", true)
	if rep.Unchanged != 1 || rep.Created != 1 {
		t.Errorf("counts %+v", rep)
	}
	want := `2|组织名称|与已登记的“街坊互助队”（编号 1）名称相近，请核实是否同一组织。
5|组织名称|与第 4 行重复。
6|组织名称|与第 4 行名称相近（仅行政区划前缀、空格或全角字符不同），请核实是否同一组织。
`
	if got := errorLines(rep); got != want {
		t.Fatalf("errors:\n%s\nwant:\n%s", got, want)
	}
}

func TestTemplate(t *testing.T) {
	f := setup(t)
	var buf bytes.Buffer
	if err := f.census.Template(f.ctx, f.street, &buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(x.GetSheetList(), ","); got != "组织信息,填写说明,社区列表" {
		t.Fatalf("sheets %s", got)
	}
	hdr, _ := x.GetRows("组织信息")
	if len(hdr) != 1 || len(hdr[0]) != 24 || hdr[0][2] != "管理层级" || hdr[0][18] != "状态" ||
		hdr[0][19] != "枢纽认定日期" || hdr[0][20] != "品牌认定日期" || hdr[0][23] != "补录原因" {
		t.Fatalf("header row %q", hdr)
	}
	dvs, err := x.GetDataValidations("组织信息")
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv.Formula1
	}
	for cell, want := range map[string]string{"C2": "依法登记", "D2": "志愿服务", "E2": "社区矫正对象", "M2": "联合建立", "O2": "是", "S2": "正常活动", "F2": "社区列表"} {
		if !strings.Contains(lists[cell], want) {
			t.Errorf("drop-down of %s: %q lacks %s", cell, lists[cell], want)
		}
	}
	comms, _ := x.GetRows("社区列表")
	if len(comms) < 10 || comms[1][0] != "440106008001" && !strings.HasPrefix(comms[1][0], "440106008") {
		t.Fatalf("communities %q", comms[:2])
	}
	for _, r := range comms[1:] {
		if !strings.HasPrefix(r[0], "440106008") || r[2] != "天河南街道" || r[3] != "天河区" {
			t.Fatalf("community row %q", r)
		}
	}
	// the template itself imports as an empty file
	rep := report(t, f, f.street, write(t, "t.xlsx", buf.Bytes()), "t.xlsx", false)
	if len(rep.Errors) != 0 || rep.Rows != 0 {
		t.Fatalf("empty template: %+v", rep)
	}
}

func TestAnnotatedFileMarksEachRow(t *testing.T) {
	f := setup(t)
	path := messy().xlsx(t)
	rep := report(t, f, f.street, path, "摸底表.xlsx", false)
	var buf bytes.Buffer
	if err := f.census.Annotated(path, "摸底表.xlsx", rep, "zh-CN", &buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	get := func(cell string) string { v, _ := x.GetCellValue("组织信息", cell); return v }
	if get("O3") != "错误说明" || get("O4") != "" || get("B4") != "街坊互助队" {
		t.Fatalf("header/first row: %q %q %q", get("O3"), get("O4"), get("B4"))
	}
	if got := get("O9"); got != "组织名称：与第 4 行重复。" {
		t.Fatalf("row 9: %q", got)
	}
	if got := get("O8"); !strings.HasPrefix(got, "管理层级：不认识的取值“未知层级”。；社区代码：") {
		t.Fatalf("row 8: %q", got)
	}
	// the marked file, corrected, imports: the error column is ignored
	rep2 := report(t, f, f.street, write(t, "marked.xlsx", buf.Bytes()), "marked.xlsx", true)
	if len(rep2.Errors) != len(rep.Errors) {
		t.Fatalf("marked file re-checked: %s", errorLines(rep2))
	}
}

func TestImportNeedsAnOfficer(t *testing.T) {
	f := setup(t)
	_, err := f.census.Import(f.ctx, f.hub, messy().xlsx(t), "x.xlsx", census.Options{})
	if !errs.Is(err, errs.Forbidden) {
		t.Fatalf("hub staff import: %v", err)
	}
}
