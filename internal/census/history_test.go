package census_test

import (
	"testing"
	"time"

	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/registry"
)

// A district that starts on linli on 2024-03-10 loads its 2021–2023 history
// through the census spreadsheet (成立日期 for the status, 枢纽认定日期,
// 品牌认定日期, 补录原因) and one more fact through the registry's update
// (the API's path) with an effective date. Each indicator at the end of
// 2021, 2022 and 2023 equals an independent count of the facts; known_on
// the day before the load answers nothing; every record behind a number
// is a late entry.
func TestDistrictLoadsHistoryBySpreadsheet(t *testing.T) {
	f := setup(t)
	// linli has been in use elsewhere (海珠) since 2023
	f.now = time.Date(2023, 6, 1, 2, 0, 0, 0, time.UTC)
	elsewhere := registry.Input{Name: "海珠晨练太极队", Tier: registry.TierCommunity, Types: []string{"culture_sports"},
		CommunityCode: "440105001101", LeaderName: "赵四", LeaderPhone: "13912345678", FoundedOn: "2023-05-01", Status: "active"}
	if _, err := f.reg.Create(f.ctx, f.admin, elsewhere); err != nil {
		t.Fatal(err)
	}
	f.now = time.Date(2024, 3, 10, 2, 0, 0, 0, time.UTC)
	type fact struct {
		name, community, active, hub, brand string
	}
	facts := []fact{
		{"育蕾社区长者服务队", yulei, "2021-10-01", "2021-11-01", "2022-06-01"},
		{"直街邻里互助会", zhijie, "2021-12-01", "", ""},
		{"猎德龙舟文化协会", liede, "2022-02-01", "", "2023-03-01"},
		{"五山社区志愿服务队", "440106001001", "2021-09-20", "2023-07-01", "2023-05-01"},
		{"猎德青年读书会", liede, "2023-02-01", "", ""}, // its brand comes through the update below
	}
	viaUpdate := map[string]string{"猎德青年读书会": "2023-10-01"}
	yesNo := func(d string) string {
		if d == "" {
			return "否"
		}
		return "是"
	}
	s := sheet{rows: map[int][]any{1: {"组织名称", "管理层级", "组织类型", "社区代码", "成立日期", "负责人姓名", "联系电话",
		"组织状态", "是否枢纽型组织", "枢纽认定日期", "是否品牌组织", "品牌认定日期", "补录原因"}}}
	for i, x := range facts {
		s.rows[i+2] = []any{x.name, "街道（乡镇）管理", "公益慈善性", x.community, x.active, "陈丽", "1381234567" + string(rune('0'+i)),
			"正常活动", yesNo(x.hub), x.hub, yesNo(x.brand), x.brand, "系统启用前的纸质台账"}
	}
	rep := report(t, f, f.admin, s.xlsx(t), "天河区历史台账.xlsx", false)
	if len(rep.Errors) > 0 || rep.Created != len(facts) {
		t.Fatalf("created %d, errors:\n%s", rep.Created, errorLines(rep))
	}
	for name, on := range viaUpdate {
		var id int64
		if err := f.db.Read.QueryRow(`SELECT id FROM orgs WHERE name = $1`, name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		o, err := f.reg.Get(f.ctx, f.admin, id)
		if err != nil {
			t.Fatal(err)
		}
		in := registry.InputOf(o)
		in.Brand, in.EffectiveOn, in.LateReason = true, on, "区民政局认定文件补录"
		if _, err := f.reg.Update(f.ctx, f.admin, id, in); err != nil {
			t.Fatal(err)
		}
		for i := range facts {
			if facts[i].name == name {
				facts[i].brand = on
			}
		}
	}
	svc := &kpi.Service{DB: f.db, Geo: &geo.Store{DB: f.db}, Now: func() time.Time { return f.now }}
	var counted int
	if err := f.db.Read.QueryRow(`SELECT COUNT(*) FROM divisions WHERE code > '440106' AND code < '440107' AND length(code) = 9
		AND substr(code, 7, 3) < '400'`).Scan(&counted); err != nil {
		t.Fatal(err)
	}
	on := func(day, d string) bool { return day != "" && day <= d }
	for _, d := range []string{"2021-12-31", "2022-12-31", "2023-12-31"} {
		streets := map[string]bool{}
		brands := 0
		for _, x := range facts {
			if !on(x.active, d) {
				continue
			}
			if on(x.hub, d) {
				streets[x.community[:9]] = true
			}
			if on(x.brand, d) {
				brands++
			}
		}
		want := map[string]float64{"brand_orgs": float64(brands), "hub_coverage": float64(len(streets)) / float64(counted)}
		late := map[string]int{"brand_orgs": brands, "hub_coverage": len(streets)}
		for key, w := range want {
			r, err := svc.EvaluateKnown(f.ctx, f.admin, key, "440106", d, "")
			if err != nil {
				t.Fatal(err)
			}
			if r.Value == nil || abs(*r.Value-w) > 1e-9 {
				t.Errorf("%s on %s: %v, want %v", key, d, r.Value, w)
			}
			if r.LateEntries != late[key] {
				t.Errorf("%s on %s: %d late entries, want %d", key, d, r.LateEntries, late[key])
			}
			// what linli said the day before the load: nothing
			k, err := svc.EvaluateKnown(f.ctx, f.admin, key, "440106", d, "2024-03-09")
			if err != nil {
				t.Fatal(err)
			}
			if k.Value == nil || *k.Value != 0 {
				t.Errorf("%s on %s known on 2024-03-09: %v, want 0", key, d, k.Value)
			}
		}
		t.Logf("%s: brands %d, streets with a hub %d of %d", d, brands, len(streets), counted)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
