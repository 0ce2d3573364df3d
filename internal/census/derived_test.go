package census_test

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/orgroll"
	"linli/internal/registry"
)

// The tables derived from the organizations (org_tally, org_cover, the
// dated rollup org_roll) equal the records after a large import (written
// with per-batch maintenance: one update of each derived row per batch,
// COPY on PostgreSQL) and after single edits through the form's path.
func TestImportKeepsDerivedTables(t *testing.T) {
	f := setup(t)
	var comms []string
	for _, s := range must(f.census.Geo.Children(f.ctx, "440106")) {
		for _, c := range must(f.census.Geo.Children(f.ctx, s.Code)) {
			comms = append(comms, c.Code)
		}
	}
	const n = 500
	file := func(name string, rows int, change func(i int, c []string)) string {
		var b strings.Builder
		b.WriteString("name,tier,types,target_groups,community_code,founded_on,members,leader_name,leader_phone,status,volunteer_mark\n")
		day0 := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range rows {
			tier := "community"
			if i%7 == 0 {
				tier = "street"
			}
			status := "active"
			if i%11 == 0 {
				status = ""
			}
			c := []string{fmt.Sprintf("派生互助队%05d", i), tier, registry.Types[i%len(registry.Types)],
				registry.TargetGroups[i%5] + "、" + registry.TargetGroups[5+i%3], comms[i%len(comms)],
				day0.AddDate(0, 0, (i*37)%1400).Format(time.DateOnly), "10", "陈丽", fmt.Sprintf("138%08d", i), status,
				strconv.Itoa(i % 2)}
			if change != nil {
				change(i, c)
			}
			b.WriteString(strings.Join(c, ",") + "\n")
		}
		return write(t, name, []byte(b.String()))
	}
	rep := report(t, f, f.tianhe, file("derived.csv", n, nil), "derived.csv", false)
	if len(rep.Errors) != 0 || !rep.Committed || rep.Created != n {
		t.Fatalf("first import: %+v %s", rep, errorLines(rep))
	}
	checkDerived(t, f, "after an import")

	rep = report(t, f, f.tianhe, file("again.csv", n+40, func(i int, c []string) {
		switch {
		case i%13 == 0:
			c[4] = comms[(i+len(comms)/2)%len(comms)]
		case i%17 == 0:
			c[1] = map[string]string{"street": "community", "community": "street"}[c[1]]
		}
	}), "again.csv", false)
	if len(rep.Errors) != 0 || !rep.Committed || rep.Created < 40 || rep.Updated == 0 {
		t.Fatalf("second import: %+v %s", rep, errorLines(rep))
	}
	checkDerived(t, f, "after a second import")

	// single edits: a new organization, and a move with a late date
	o, err := f.reg.Create(f.ctx, f.tianhe, registry.Input{Name: "派生单建队", Tier: registry.TierCommunity, Types: []string{registry.Types[0]},
		TargetGroups: []string{registry.TargetGroups[1]}, CommunityCode: comms[3], Members: 9, LeaderName: "陈丽",
		LeaderPhone: "13812345678", Status: registry.StatusActive, FoundedOn: "2020-05-05"})
	if err != nil {
		t.Fatal(err)
	}
	in := registry.InputOf(o)
	in.CommunityCode, in.EffectiveOn, in.LateReason = comms[len(comms)-1], "2021-06-01", "补录：测试"
	if _, err := f.reg.Update(f.ctx, f.tianhe, o.ID, in); err != nil {
		t.Fatal(err)
	}
	checkDerived(t, f, "after single edits")
}

// checkDerived compares org_tally and org_cover with counts over orgs, and
// the dated rollup with the rollup rebuilt from the records, on many days.
func checkDerived(t *testing.T, f *fixture, what string) {
	t.Helper()
	type org struct {
		district, street, community, status, tier string
		types, groups                             int64
		hub, brand, mark                          int
	}
	rows, err := f.db.Read.Query(`SELECT district_code, street_code, community_code, status, tier, types_mask, groups_mask,
		hub, brand, volunteer_mark FROM orgs`)
	if err != nil {
		t.Fatal(err)
	}
	tally, cover := map[string]int{}, map[string]int{}
	for rows.Next() {
		var o org
		if err := rows.Scan(&o.district, &o.street, &o.community, &o.status, &o.tier, &o.types, &o.groups, &o.hub, &o.brand, &o.mark); err != nil {
			t.Fatal(err)
		}
		for lvl, code := range map[int]string{3: o.district, 4: o.street} {
			k := fmt.Sprint(lvl, code, o.status, o.tier)
			tally[k+" n"]++
			tally[k+" hubs"] += o.hub
			tally[k+" brands"] += o.brand
		}
		if o.status != registry.StatusActive {
			continue
		}
		area := "other"
		switch k := o.community[9:]; {
		case k >= "001" && k <= "199":
			area = "urban"
		case k >= "200" && k <= "399":
			area = "rural"
		}
		for lvl, code := range map[int]string{3: o.district, 4: o.street, 5: o.community} {
			add := func(dim, k string) { cover[fmt.Sprint(lvl, dim, code, area, k)]++ }
			add("all", "")
			add("tier", o.tier)
			if o.mark == 1 {
				add("mark", "")
			}
			for b := range 63 {
				if o.groups>>b&1 == 1 {
					add("group", strconv.Itoa(b))
				}
				if o.types>>b&1 == 1 {
					add("type", strconv.Itoa(b))
				}
			}
		}
	}
	rows.Close()
	got := map[string]int{}
	rows, err = f.db.Read.Query(`SELECT lvl, code, status, tier, n, hubs, brands FROM org_tally`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var lvl, n, hubs, brands int
		var code, status, tier string
		if err := rows.Scan(&lvl, &code, &status, &tier, &n, &hubs, &brands); err != nil {
			t.Fatal(err)
		}
		k := fmt.Sprint(lvl, code, status, tier)
		got[k+" n"], got[k+" hubs"], got[k+" brands"] = n, hubs, brands
	}
	rows.Close()
	maps.DeleteFunc(got, func(_ string, v int) bool { return v == 0 })
	maps.DeleteFunc(tally, func(_ string, v int) bool { return v == 0 })
	if !maps.Equal(got, tally) {
		t.Errorf("%s: org_tally differs from the records:\n%v\n%v", what, got, tally)
	}
	got = map[string]int{}
	rows, err = f.db.Read.Query(`SELECT lvl, dim, code, area, k, n FROM org_cover WHERE n <> 0`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var lvl, n int
		var dim, code, area, k string
		if err := rows.Scan(&lvl, &dim, &code, &area, &k, &n); err != nil {
			t.Fatal(err)
		}
		got[fmt.Sprint(lvl, dim, code, area, k)] = n
	}
	rows.Close()
	if !maps.Equal(got, cover) {
		t.Errorf("%s: org_cover differs from the records (%d keys, %d from the records)", what, len(got), len(cover))
	}
	// the rollup as kept, then as rebuilt from the records, on many days
	var days []string
	for d := time.Date(2018, 12, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2024; d = d.AddDate(0, 0, 45) {
		days = append(days, d.Format(time.DateOnly))
	}
	days = append(days, "2021-05-31", "2021-06-01", "2030-01-01")
	read := func() map[string]orgroll.Count {
		out := map[string]orgroll.Count{}
		for _, day := range days {
			for _, l := range orgroll.Levels {
				m, err := orgroll.Read(f.ctx, f.db.Read, l.Lvl, []string{"all", "tier", "party", "brand", "hub", "mark", "group", "type"},
					"", "\U0010FFFF", day)
				if err != nil {
					t.Fatal(err)
				}
				for k, c := range m {
					out[day+" "+k.String()] = c
				}
			}
		}
		return out
	}
	kept := read()
	if len(kept) == 0 {
		t.Fatalf("%s: the rollup counts nothing", what)
	}
	if err := orgroll.Rebuild(f.ctx, f.db); err != nil {
		t.Fatal(err)
	}
	rebuilt := read()
	if !maps.Equal(kept, rebuilt) {
		var diff []string
		for k := range rebuilt {
			if kept[k] != rebuilt[k] {
				diff = append(diff, fmt.Sprintf("%s kept %+v rebuilt %+v", k, kept[k], rebuilt[k]))
			}
		}
		for k := range kept {
			if _, ok := rebuilt[k]; !ok {
				diff = append(diff, fmt.Sprintf("%s kept %+v rebuilt nothing", k, kept[k]))
			}
		}
		slices.Sort(diff)
		t.Errorf("%s: the rollup kept differs from the one rebuilt (%d differences), e.g.\n%s", what, len(diff),
			strings.Join(diff[:min(10, len(diff))], "\n"))
	}
}
