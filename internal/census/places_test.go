package census_test

import (
	"strings"
	"testing"

	"linli/internal/census"
)

// The same rows imported by community name and by community code give the
// same organizations; a name that fits no community, or several, or
// disagrees with the code, is named in the report and nothing is written.
func TestImportByCommunityName(t *testing.T) {
	header := []any{"组织名称", "管理层级", "组织类型", "社区名称", "成立日期", "负责人姓名", "联系电话", "组织状态"}
	rows := [][]any{
		{"育蕾长者合唱团", "社区管理", "文体娱乐性", "育蕾社区", "2021-03-05", "陈丽", "13812345678", "正常活动"},
		{"直街邻里互助队", "社区管理", "居民互助性", "天河南街道 · 天河直街社区", "2020-05-01", "李明", "13812345679", "正常活动"},
		{"直街读书会", "社区管理", "文体娱乐性", "天河南街道天河直街社区", "2022-01-10", "王芳", "13812345670", "正常活动"},
	}
	byName := sheet{rows: map[int][]any{1: header}}
	for i, r := range rows {
		byName.rows[i+2] = r
	}
	codes := map[string]string{"育蕾社区": yulei, "天河南街道 · 天河直街社区": zhijie, "天河南街道天河直街社区": zhijie}
	byCode := sheet{rows: map[int][]any{1: {"组织名称", "管理层级", "组织类型", "社区代码", "成立日期", "负责人姓名", "联系电话", "组织状态"}}}
	for i, r := range rows {
		c := append([]any{}, r...)
		c[3] = codes[r[3].(string)]
		byCode.rows[i+2] = c
	}
	snapshot := func(f *fixture) string {
		rs, err := f.db.Read.Query(`SELECT name, community_code, tier, status, founded_on FROM orgs ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		var b strings.Builder
		for rs.Next() {
			var n, c, tier, st, fo string
			if err := rs.Scan(&n, &c, &tier, &st, &fo); err != nil {
				t.Fatal(err)
			}
			b.WriteString(n + "|" + c + "|" + tier + "|" + st + "|" + fo + "\n")
		}
		return b.String()
	}
	f1 := setup(t)
	rep := report(t, f1, f1.street, byName.xlsx(t), "按名称.xlsx", false)
	if len(rep.Errors) > 0 || rep.Created != 3 {
		t.Fatalf("by name: created %d, errors:\n%s", rep.Created, errorLines(rep))
	}
	f2 := setup(t)
	rep = report(t, f2, f2.street, byCode.xlsx(t), "按代码.xlsx", false)
	if len(rep.Errors) > 0 || rep.Created != 3 {
		t.Fatalf("by code: created %d, errors:\n%s", rep.Created, errorLines(rep))
	}
	a, b := snapshot(f1), snapshot(f2)
	if a != b || strings.Count(a, "\n") != 3 {
		t.Errorf("by name:\n%s\nby code:\n%s", a, b)
	}
	// the names refused: unknown, outside the scope (猎德 is another street),
	// and a name that disagrees with the code given beside it
	f3 := setup(t)
	bad := sheet{rows: map[int][]any{
		1: {"组织名称", "管理层级", "组织类型", "社区代码", "社区名称", "负责人姓名", "联系电话"},
		2: {"甲", "社区管理", "文体娱乐性", "", "不存在社区", "陈丽", "13812345678"},
		3: {"乙", "社区管理", "文体娱乐性", "", "猎德社区", "陈丽", "13812345678"},
		4: {"丙", "社区管理", "文体娱乐性", yulei, "天河直街社区", "陈丽", "13812345678"},
	}}
	rep = report(t, f3, f3.street, bad.xlsx(t), "错误.xlsx", false)
	lines := errorLines(rep)
	for _, want := range []string{"2|社区名称|管辖范围内没有名为“不存在社区”的社区", "3|社区名称|管辖范围内没有名为“猎德社区”", "4|社区名称|社区名称“天河直街社区”与社区代码 " + yulei + " 不一致"} {
		if !strings.Contains(lines, want) {
			t.Errorf("missing %q in:\n%s", want, lines)
		}
	}
	if count(t, f3, "orgs") != 0 {
		t.Error("a refused file wrote organizations")
	}
	// a file with neither column is refused as a whole
	none := sheet{rows: map[int][]any{1: {"组织名称", "管理层级", "组织类型", "负责人姓名", "联系电话"}, 2: {"丁", "社区管理", "文体娱乐性", "陈丽", "13812345678"}}}
	rep = report(t, f3, f3.street, none.xlsx(t), "无社区.xlsx", false)
	if !strings.Contains(errorLines(rep), "至少要有其中一列") {
		t.Errorf("no community column:\n%s", errorLines(rep))
	}
	_ = census.Options{}
}
