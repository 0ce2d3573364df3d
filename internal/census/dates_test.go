package census_test

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"linli/internal/census"
	"linli/internal/registry"
)

// A census file loads an organization's past: its status takes effect on
// its 成立日期, each flag on its own date column; entered years later, the
// history is marked as a late entry with the row's reason (or the file's);
// a date out of order is refused with the column named; the export writes
// the same dates back, and the file re-imports unchanged.
func TestCensusDates(t *testing.T) {
	f := setup(t) // the clock: 2023-03-01
	file := func(rows ...[]string) string {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Write([]string{"组织名称", "管理层级", "组织类型", "所属社区（村）代码", "成立日期", "负责人", "负责人电话", "状态",
			"枢纽型组织", "枢纽认定日期", "品牌组织", "品牌认定日期", "补录原因"})
		w.WriteAll(rows)
		return write(t, "dates.csv", buf.Bytes())
	}
	rep := report(t, f, f.tianhe, file(
		[]string{"天河南长者服务中心", "社区管理", "居民互助性", yulei, "2021-03-05", "陈丽", "13812345678", "正常活动", "是", "2021-06-01", "是", "2022-01-10", "2021 年台账补录"},
		[]string{"育蕾舞蹈队", "社区管理", "文体娱乐性", yulei, "2022-05-01", "王芳", "13912345678", "正常活动", "否", "", "否", "", ""},
	), "dates.csv", false)
	if len(rep.Errors) != 0 || rep.Created != 2 {
		t.Fatalf("import: %+v %s", rep, errorLines(rep))
	}
	var id int64
	if err := f.db.Read.QueryRow(`SELECT id FROM orgs WHERE name = '天河南长者服务中心'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	evs, err := f.reg.History(f.ctx, f.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	on := map[string]string{}
	for _, e := range evs {
		on[e.Field] = e.At.In(china).Format("2006-01-02")
		if e.EnteredAt == nil || !e.EnteredAt.Equal(f.now) || !e.Late || e.LateReason != "2021 年台账补录" {
			t.Errorf("%s: entered %v, late %v %q", e.Field, e.EnteredAt, e.Late, e.LateReason)
		}
	}
	for field, want := range map[string]string{"status": "2021-03-05", "tier": "2021-03-05", "types": "2021-03-05",
		"hub": "2021-06-01", "brand": "2022-01-10"} {
		if on[field] != want {
			t.Errorf("%s took effect on %s, want %s", field, on[field], want)
		}
	}
	var reason string
	if err := f.db.Read.QueryRow(`SELECT late_reason FROM org_history h JOIN orgs o ON o.id = h.org_id
		WHERE o.name = '育蕾舞蹈队' AND h.field = 'status'`).Scan(&reason); err != nil || reason != "摸底表导入：dates.csv" {
		t.Errorf("the file's reason: %q %v", reason, err)
	}

	// the export writes the dates back, and re-imports unchanged
	var buf bytes.Buffer
	if err := f.census.Export(f.ctx, f.tianhe, registry.Filter{Within: yulei}, census.FormatCSV, &buf); err != nil {
		t.Fatal(err)
	}
	rows := readBack(t, census.FormatCSV, buf.Bytes())
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, r := range rows[1:] {
		if r[0] == "天河南长者服务中心" && (r[col["枢纽认定日期"]] != "2021-06-01" || r[col["品牌认定日期"]] != "2022-01-10") {
			t.Errorf("exported dates %q", r)
		}
	}
	rep = report(t, f, f.tianhe, write(t, "export.csv", buf.Bytes()), "export.csv", false)
	if len(rep.Errors) != 0 || rep.Unchanged != 2 {
		t.Fatalf("re-import: %+v %s", rep, errorLines(rep))
	}

	// a flag before the founding date, and one in the future, are refused
	rep = report(t, f, f.tianhe, file(
		[]string{"猎德书法社", "社区管理", "文体娱乐性", yulei, "2021-03-05", "陈丽", "13812345678", "正常活动", "是", "2020-01-01", "否", "", "补录"},
		[]string{"育蕾合唱团", "社区管理", "文体娱乐性", yulei, "2021-03-05", "陈丽", "13812345678", "正常活动", "否", "", "是", "2024-01-01", "补录"},
	), "dates.csv", false)
	if got := errorLines(rep); got != "2|枢纽认定日期|生效日期不能早于成立日期 2021-03-05。\n3|品牌认定日期|日期不能晚于今天。\n" {
		t.Fatalf("errors:\n%s", got)
	}
}

var china = time.FixedZone("CST", 8*3600)
