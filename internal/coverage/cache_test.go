package coverage

import (
	"strings"
	"testing"

	"linli/internal/geo"
	"linli/internal/registry"
)

// The reports' cache follows the records: a report read twice is served
// from the cache; a change of target groups through the registry moves the
// organization between cells in the next report; a backdated entry changes
// a past date's report, also in the district an organization has since
// left; a deregistration empties a cell and lists the community as
// without organizations; a change in another district leaves a report
// cached; a change of the divisions shows in the next report. Every report read through the cache equals the one counted from
// the records (the record path, no rollup, no cache).
func TestCoverageCacheFollowsChanges(t *testing.T) {
	f := setup(t)
	f.at("2022-03-01")
	f.add(t, "长者舞蹈队", mo{community: yulei, tier: registry.TierCommunity, groups: []string{"elderly"}, types: []string{"culture_sports"}, active: true})
	f.add(t, "巾帼志愿队", mo{community: zhijie, tier: registry.TierStreet, groups: []string{"women"}, types: []string{"volunteer"}, active: true})
	f.add(t, "猎德书法社", mo{community: liede, tier: registry.TierCommunity, groups: []string{"disabled"}, types: []string{"culture_sports"}, active: true})
	f.add(t, "流动长者会", mo{community: liede, tier: registry.TierCommunity, groups: []string{"children"}, types: []string{"mutual_aid"}, active: true})
	f.add(t, "龙归社区长者会", mo{community: longguiU, tier: registry.TierCommunity, groups: []string{"elderly"}, types: []string{"mutual_aid"}, active: true})
	// 流动长者会 moves from 猎德 (天河) to 龙归 (白云) on the first of September
	f.at("2022-09-20")
	f.update(t, "流动长者会", func(in *registry.Input) { in.CommunityCode, in.EffectiveOn = longguiU, "2022-09-01" })

	f.at("2023-01-10")
	// read reads a report through the cache and holds it equal to the
	// record path's
	read := func(unit, asOf string) *Report {
		t.Helper()
		got, err := f.cov.Report(f.ctx, f.admin, Query{Unit: unit, AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.cov.dayOf(asOf)
		if err != nil {
			t.Fatal(err)
		}
		node, err := f.geo.Get(f.ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := f.cov.report(f.ctx, node, ByGroup, "", d, true)
		if err != nil {
			t.Fatal(err)
		}
		same(t, unit+" on "+d.Day+" (cached) against the records", got, rec)
		return got
	}
	cell := func(r *Report, unit, group string) int {
		t.Helper()
		for _, row := range r.Rows {
			if row.Unit == unit {
				return row.Cells[group]
			}
		}
		t.Fatalf("no row %s in the report of %s", unit, r.Unit)
		return 0
	}
	empty := func(r *Report, unit string) bool {
		for _, p := range r.Empty {
			if p.Unit == unit {
				return true
			}
		}
		return false
	}
	const past = "2022-06-30"
	street, district, pastDistrict := read(tianhen, ""), read(tianhe, ""), read(tianhe, past)
	if read(tianhen, "") != street || read(tianhe, "") != district || read(tianhe, past) != pastDistrict {
		t.Fatal("an unchanged report was not served from the cache")
	}
	if cell(street, yulei, "elderly") != 1 || cell(street, yulei, "children") != 0 {
		t.Fatalf("育蕾 before the change: %v", street.Rows)
	}

	// target groups changed through the registry: elderly → children
	f.update(t, "长者舞蹈队", func(in *registry.Input) { in.TargetGroups = []string{"children"} })
	street2 := read(tianhen, "")
	if street2 == street {
		t.Fatal("the street's report served from the cache after a change in it")
	}
	if cell(street2, yulei, "elderly") != 0 || cell(street2, yulei, "children") != 1 {
		t.Errorf("育蕾 after elderly → children: elderly %d children %d, want 0 1", cell(street2, yulei, "elderly"), cell(street2, yulei, "children"))
	}
	if d := read(tianhe, ""); d == district || cell(d, tianhen, "elderly") != 0 || cell(d, tianhen, "children") != 1 {
		t.Errorf("天河南 in the district's report after the change: elderly %d children %d, want 0 1", cell(d, tianhen, "elderly"), cell(d, tianhen, "children"))
	}
	if read(tianhe, past) == pastDistrict {
		t.Log("the past date's report was made again (its district changed): expected, the version is per district")
	}
	pastDistrict = read(tianhe, past)

	// a change in another district leaves the reports of 天河 cached
	street2 = read(tianhen, "")
	f.update(t, "龙归社区长者会", func(in *registry.Input) { in.TargetGroups = []string{"elderly", "disabled"} })
	if read(tianhen, "") != street2 || read(tianhe, past) != pastDistrict {
		t.Error("a change in 白云 emptied 天河's cached reports")
	}

	// a backdated entry (补录): 巾帼志愿队 served the elderly from May
	if c := cell(pastDistrict, tianhen, "elderly"); c != 1 {
		t.Fatalf("天河南 elderly on %s before the backdated entry: %d, want 1 (长者舞蹈队)", past, c)
	}
	f.update(t, "巾帼志愿队", func(in *registry.Input) {
		in.TargetGroups, in.EffectiveOn, in.LateReason = []string{"women", "elderly"}, "2022-05-01", "补录：五月起服务长者"
	})
	p2 := read(tianhe, past)
	if p2 == pastDistrict || cell(p2, tianhen, "elderly") != 2 {
		t.Errorf("天河南 elderly on %s after the backdated entry: %d, want 2", past, cell(p2, tianhen, "elderly"))
	}

	// a backdated entry of an organization that has since left 天河: its
	// change counter is 白云's, the past report 天河's
	if c := cell(p2, "440106013", "children"); c != 1 {
		t.Fatalf("猎德 children on %s: %d, want 1 (流动长者会, there until September)", past, c)
	}
	f.update(t, "流动长者会", func(in *registry.Input) {
		in.TargetGroups, in.EffectiveOn, in.LateReason = []string{"elderly"}, "2022-05-01", "补录：五月起改为服务长者"
	})
	p3 := read(tianhe, past)
	if p3 == p2 || cell(p3, "440106013", "children") != 0 || cell(p3, "440106013", "elderly") != 1 {
		t.Errorf("猎德 on %s after a backdated entry of an organization now in 白云: children %d elderly %d, want 0 1",
			past, cell(p3, "440106013", "children"), cell(p3, "440106013", "elderly"))
	}

	// a deregistration empties 猎德's cell and its community
	d1 := read(tianhe, "")
	if cell(d1, "440106013", "disabled") != 1 || empty(d1, liede) {
		t.Fatalf("猎德 before the deregistration: disabled %d, listed as empty %v", cell(d1, "440106013", "disabled"), empty(d1, liede))
	}
	f.act(t, "猎德书法社", registry.ActDeregister)
	d2 := read(tianhe, "")
	if d2 == d1 || cell(d2, "440106013", "disabled") != 0 || !empty(d2, liede) {
		t.Errorf("猎德 after the deregistration: disabled %d, listed as empty %v; want 0, true", cell(d2, "440106013", "disabled"), empty(d2, liede))
	}
	// and the past is unchanged by it
	if cell(read(tianhe, past), "440106013", "disabled") != 1 {
		t.Error("a deregistration today changed a past date's report")
	}

	// the divisions change (an import renames 猎德 and adds a community):
	// the next report lists them, though no organization changed
	d3 := read(tianhe, "")
	if _, err := (&geo.Importer{Store: f.geo}).Read(f.ctx, strings.NewReader("code,name\n"+liede+",猎德新村社区\n440106013099,猎德东社区\n"), nil); err != nil {
		t.Fatal(err)
	}
	d4 := read(tianhe, "")
	name := map[string]string{}
	for _, p := range d4.Empty {
		name[p.Unit] = p.Name
	}
	if d4 == d3 || d4.Communities != d3.Communities+1 || name[liede] != "猎德新村社区" || name["440106013099"] != "猎德东社区" {
		t.Errorf("after the divisions' import: %d communities (was %d), 猎德 %q, the new one %q", d4.Communities, d3.Communities,
			name[liede], name["440106013099"])
	}

	// off: every request makes its report
	f.cov.NoCache(true)
	if read(tianhe, "") == read(tianhe, "") {
		t.Error("the cache off served a kept report")
	}
	f.cov.NoCache(false)
}
