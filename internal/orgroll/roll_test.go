package orgroll_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"linli/internal/geo"
	"linli/internal/geo/geotest"
	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// ev is a change the test asked for, as it knows it: the model.
type ev struct {
	day   string
	seq   int
	field string
	value string
	late  bool
}

// morg is an organization as the test knows it.
type morg struct {
	id        int64
	community string // where it was filed
	evs       []ev
	last      map[string]string // field → day of its last change (the registry refuses earlier)
	status    string            // now
}

// state is the model's organization on a day: the changes in effect by
// then, in order of effect and entry.
func (m *morg) state(day string) (map[string]string, map[string]bool) {
	evs := slices.Clone(m.evs)
	slices.SortStableFunc(evs, func(a, b ev) int {
		if a.day != b.day {
			return map[bool]int{true: -1, false: 1}[a.day < b.day]
		}
		return a.seq - b.seq
	})
	st := map[string]string{"community": m.community}
	late := map[string]bool{}
	for _, e := range evs {
		if e.day > day {
			break
		}
		st[e.field] = e.value
		if e.late {
			late[e.field] = true
		}
	}
	return st, late
}

// count is the independent count: every key's active organizations on a
// day, and of them those counted by a late entry.
func count(orgs []*morg, day string) map[string]orgroll.Count {
	out := map[string]orgroll.Count{}
	for _, m := range orgs {
		st, late := m.state(day)
		if st["status"] != "active" {
			continue
		}
		c := st["community"]
		for _, l := range orgroll.Levels {
			add := func(dim, k string, field string) {
				key := orgroll.Key{Lvl: l.Lvl, Dim: dim, Code: c[:l.Len], Area: geo.KindOf(c), K: k}.String()
				x := out[key]
				x.N++
				if late["status"] || late["community"] || (field != "" && late[field]) {
					x.Late++
				}
				out[key] = x
			}
			add("all", "", "")
			add("tier", st["tier"], "tier")
			add("party", st["party_org"], "party_org")
			if st["brand"] == "1" {
				add("brand", "", "brand")
			}
			if st["volunteer_mark"] == "1" {
				add("mark", "", "volunteer_mark")
			}
			for _, f := range []struct{ dim, field string }{{"group", "groups"}, {"type", "types"}} {
				mask, _ := strconv.ParseInt(st[f.field], 10, 64)
				for b := 0; b < 63; b++ {
					if mask&(1<<b) != 0 {
						add(f.dim, strconv.Itoa(b), f.field)
					}
				}
			}
		}
	}
	return out
}

// histOf is the units' histograms of an independent count: for each
// counted street (community) and dimension kept, its count over its
// communities' areas, and the histogram of its district (street) holding
// one unit, and its late ones, under that count.
func histOf(counts map[string]orgroll.Count) map[string]orgroll.Count {
	type unit struct {
		lvl       int
		dim, code string
	}
	sums := map[unit]orgroll.Count{}
	for ks, c := range counts {
		k, _ := orgroll.ParseKey(ks)
		if (k.Lvl != 4 && k.Lvl != 5) || !slices.Contains(orgroll.HistDims, k.Dim) || !geo.Counted(k.Code) {
			continue
		}
		u := unit{k.Lvl, k.Dim, k.Code}
		s := sums[u]
		s.N, s.Late = s.N+c.N, s.Late+c.Late
		sums[u] = s
	}
	out := map[string]orgroll.Count{}
	for u, s := range sums {
		if s.N == 0 {
			continue
		}
		parent := map[int]int{4: 6, 5: 9}[u.lvl]
		k := orgroll.Key{Lvl: u.lvl + 10, Dim: u.dim, Code: u.code[:parent], K: strconv.Itoa(s.N)}.String()
		h := out[k]
		h.N, h.Late = h.N+1, h.Late+s.Late
		out[k] = h
	}
	return out
}

// TestRollupEqualsRecords: random histories entered through the registry
// (creations, approvals, suspensions, deregistrations, moves between
// communities and districts, changes of tier, groups, types and flags, many
// dated in the past and entered late, so that changes land before others
// already recorded) leave the rollup equal to an independent count of what
// was entered, for every key at every level on many dates; and Rebuild
// from the records gives the same rollup.
func TestRollupEqualsRecords(t *testing.T) {
	ctx := context.Background()
	d, st := geotest.Open(t)
	now := time.Date(2021, 1, 4, 10, 0, 0, 0, clock.China)
	reg := &registry.Service{DB: d, Geo: st, Now: func() time.Time { return now.UTC() }}
	users := registrytest.Auth(d, st, reg, time.Now)
	admin := registrytest.Named(t, ctx, users, "admin", auth.CityAdmin, "4401")
	// communities of two streets in two districts, residents' and villagers'
	var comms []string
	for _, street := range []string{"440106008", "440111020"} {
		cs, err := st.Children(ctx, street)
		if err != nil || len(cs) == 0 {
			t.Fatalf("communities of %s: %v", street, err)
		}
		for _, c := range cs {
			comms = append(comms, c.Code)
		}
	}
	r := rand.New(rand.NewPCG(7, 20))
	seq := 0
	var orgs []*morg
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	someOf := func(all []string) []string {
		var out []string
		for _, x := range all {
			if r.IntN(4) == 0 {
				out = append(out, x)
			}
		}
		if len(out) == 0 {
			out = []string{pick(all)}
		}
		return out
	}
	mask := func(all, set []string) string {
		var m int64
		for _, s := range set {
			m |= 1 << slices.Index(all, s)
		}
		return strconv.FormatInt(m, 10)
	}
	today := func() string { return now.Format(time.DateOnly) }
	// effective picks a day on or after every given field's last change,
	// up to a year back: often more than 30 days back, a late entry
	effective := func(m *morg, fields ...string) (string, bool, string) {
		lo := now.AddDate(-1, 0, 0).Format(time.DateOnly)
		if lo < "2020-01-01" {
			lo = "2020-01-01"
		}
		for _, f := range fields {
			if m != nil && m.last[f] > lo {
				lo = m.last[f]
			}
		}
		l, _ := time.ParseInLocation(time.DateOnly, lo, clock.China)
		span := int(now.Sub(l).Hours() / 24)
		day := today()
		if span > 0 && r.IntN(3) > 0 {
			day = l.AddDate(0, 0, r.IntN(span+1)).Format(time.DateOnly)
		}
		dt, _ := time.ParseInLocation(time.DateOnly, day, clock.China)
		late := day != today() && now.UTC().Sub(dt) > 30*24*time.Hour
		reason := ""
		if late {
			reason = "补录：测试"
		}
		if day == today() {
			day = ""
		}
		return day, late, reason
	}
	note := func(m *morg, day string, late bool, fields map[string]string) {
		if day == "" {
			day = today()
		}
		for _, f := range slices.Sorted(maps.Keys(fields)) {
			seq++
			m.evs = append(m.evs, ev{day: day, seq: seq, field: f, value: fields[f], late: late})
			m.last[f] = day
		}
	}
	dates := []string{}
	for step := 0; step < 260; step++ {
		now = now.Add(time.Duration(r.IntN(5*24)+1) * time.Hour)
		if step%40 == 0 {
			dates = append(dates, today())
		}
		if len(orgs) < 8 || r.IntN(5) == 0 {
			day, late, reason := effective(nil)
			c := pick(comms)
			tier := pick([]string{registry.TierStreet, registry.TierCommunity})
			groups, types := someOf(registry.TargetGroups[:6]), someOf(registry.Types)
			status := registry.StatusActive
			if r.IntN(4) == 0 {
				status = ""
			}
			o, err := reg.Create(ctx, admin, registry.Input{Name: fmt.Sprintf("测试组织%03d", len(orgs)), Tier: tier, Types: types,
				TargetGroups: groups, CommunityCode: c, FoundedOn: "2019-01-01", Members: 10, LeaderName: "陈丽",
				LeaderPhone: "13812345678", Status: status, EffectiveOn: day, LateReason: reason})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			m := &morg{id: o.ID, community: c, last: map[string]string{}, status: o.Status}
			note(m, day, late, map[string]string{"status": o.Status, "tier": tier, "party_org": o.PartyOrg,
				"groups": mask(registry.TargetGroups, groups), "types": mask(registry.Types, types)})
			orgs = append(orgs, m)
			continue
		}
		m := orgs[r.IntN(len(orgs))]
		if m.status == registry.StatusDeregistered {
			continue
		}
		switch op := r.IntN(6); op {
		case 0, 1: // a lifecycle step
			action := map[string][]string{registry.StatusPending: {registry.ActApprove},
				registry.StatusActive: {registry.ActSuspend, registry.ActDeregister}, registry.StatusSuspended: {registry.ActResume, registry.ActDeregister}}[m.status]
			if len(action) == 0 {
				continue
			}
			a := pick(action)
			day, late, reason := effective(m, "status")
			o, err := reg.Move(ctx, admin, m.id, registry.Move{Action: a, Reason: "测试", EffectiveOn: day, LateReason: reason})
			if err != nil {
				t.Fatalf("%s: %v", a, err)
			}
			note(m, day, late, map[string]string{"status": o.Status})
			m.status = o.Status
		default: // an edit: a move, a tier, groups, types or flags
			cur, err := reg.Get(ctx, admin, m.id)
			if err != nil {
				t.Fatal(err)
			}
			in := registry.InputOf(cur)
			changed := map[string]string{}
			switch op {
			case 2:
				if c := pick(comms); c != in.CommunityCode {
					in.CommunityCode, changed["community"] = c, c
				}
			case 3:
				in.Tier = map[string]string{registry.TierStreet: registry.TierCommunity, registry.TierCommunity: registry.TierStreet}[in.Tier]
				changed["tier"] = in.Tier
				in.TargetGroups = someOf(registry.TargetGroups[:6])
				changed["groups"] = mask(registry.TargetGroups, in.TargetGroups)
			case 4:
				in.Types = someOf(registry.Types)
				changed["types"] = mask(registry.Types, in.Types)
			case 5:
				in.Brand, in.VolunteerMark = !in.Brand, r.IntN(2) == 0
				changed["brand"] = map[bool]string{true: "1", false: "0"}[in.Brand]
				if in.VolunteerMark != cur.VolunteerMark {
					changed["volunteer_mark"] = map[bool]string{true: "1", false: "0"}[in.VolunteerMark]
				}
			}
			day, late, reason := effective(m, slices.Collect(maps.Keys(changed))...)
			in.EffectiveOn, in.LateReason = day, reason
			if _, err := reg.Update(ctx, admin, m.id, in); err != nil {
				t.Fatalf("update %v: %v", changed, err)
			}
			// an unchanged mask writes no history
			if changed["groups"] == mask(registry.TargetGroups, cur.TargetGroups) {
				delete(changed, "groups")
			}
			if changed["types"] == mask(registry.Types, cur.Types) {
				delete(changed, "types")
			}
			note(m, day, late, changed)
		}
	}
	dates = append(dates, "2019-12-31", "2020-06-30", "2021-12-31", "2022-03-15", "2022-09-30", today(), "2030-01-01")
	check := func(what string) {
		t.Helper()
		for _, day := range dates {
			want := count(orgs, day)
			got := map[string]orgroll.Count{}
			for _, l := range orgroll.Levels {
				m, err := orgroll.Read(ctx, d.Read, l.Lvl, []string{"all", "tier", "party", "brand", "mark", "group", "type"}, "", "\U0010FFFF", day)
				if err != nil {
					t.Fatal(err)
				}
				for k, c := range m {
					got[k.String()] = c
				}
				// the range scan reads the same, dimension by dimension, alone
				// and as ReadMany's scanned questions beside read ones
				dims := []string{"all", "group", "type"}
				var reqs []orgroll.ReadReq
				for _, dim := range dims {
					reqs = append(reqs, orgroll.ReadReq{Lvl: l.Lvl, Dim: dim, Lo: "", Hi: "\U0010FFFF", Day: day, Scan: true},
						orgroll.ReadReq{Lvl: l.Lvl, Dim: dim, Lo: "", Hi: "\U0010FFFF", Day: day})
				}
				many, err := orgroll.ReadMany(ctx, d.Read, reqs)
				if err != nil {
					t.Fatal(err)
				}
				for i, dim := range dims {
					sc, err := orgroll.ReadScan(ctx, d.Read, l.Lvl, dim, "", "\U0010FFFF", day)
					if err != nil {
						t.Fatal(err)
					}
					for j, mm := range many[2*i : 2*i+2] {
						if !maps.Equal(mm, sc) {
							t.Errorf("%s on %s: ReadMany's %s (question %d) %v, ReadScan %v", what, day, dim, j, mm, sc)
						}
					}
					for k, c := range sc {
						if k.Lvl != l.Lvl || k.Dim != dim || m[k] != c {
							t.Errorf("%s on %s: scan %s = %+v, read %+v", what, day, k, c, m[k])
						}
					}
					for k := range m {
						if _, ok := sc[k]; k.Dim == dim && !ok {
							t.Errorf("%s on %s: scan misses %s", what, day, k)
						}
					}
				}
			}
			// the units' histograms equal those of the independent count
			hwant := histOf(want)
			var hreqs []orgroll.ReadReq
			for _, lvl := range []int{14, 15} {
				for _, dim := range orgroll.HistDims {
					hreqs = append(hreqs, orgroll.ReadReq{Lvl: lvl, Dim: dim, Lo: "", Hi: "\U0010FFFF", Day: day},
						orgroll.ReadReq{Lvl: lvl, Dim: dim, Lo: "", Hi: "\U0010FFFF", Day: day, Scan: true})
				}
			}
			hm, err := orgroll.ReadMany(ctx, d.Read, hreqs)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < len(hm); i += 2 {
				if !maps.Equal(hm[i], hm[i+1]) {
					t.Errorf("%s on %s: histogram %s read %v, scanned %v", what, day, hreqs[i].Dim, hm[i], hm[i+1])
				}
			}
			hgot := map[string]orgroll.Count{}
			for _, m := range hm {
				for k, c := range m {
					hgot[k.String()] = c
				}
			}
			if !maps.Equal(hgot, hwant) {
				t.Errorf("%s on %s: histograms %v, want %v", what, day, hgot, hwant)
			}
			if day == today() && len(hwant) < 10 {
				t.Errorf("%s on %s: only %d histogram rows to compare", what, day, len(hwant))
			}
			if !maps.Equal(got, want) {
				for k := range want {
					if got[k] != want[k] {
						t.Errorf("%s on %s: %s = %+v, want %+v", what, day, k, got[k], want[k])
					}
				}
				for k := range got {
					if _, ok := want[k]; !ok {
						t.Errorf("%s on %s: %s = %+v, want nothing", what, day, k, got[k])
					}
				}
				t.FailNow()
			}
		}
	}
	var moves, lates int
	for _, m := range orgs {
		for _, e := range m.evs {
			if e.field == "community" {
				moves++
			}
			if e.late {
				lates++
			}
		}
	}
	if moves < 10 || lates < 30 {
		t.Fatalf("the history has %d moves and %d late entries: too few to test", moves, lates)
	}
	// a census imported late (补录), through the import's batched path
	// (orgroll's merge): organizations founded in the plan's years, some
	// brands and volunteer marks, in the same communities
	im, err := reg.BeginImport(ctx, admin, registry.ImportOptions{Source: "census.xlsx", LateReason: "按普查补录"})
	if err != nil {
		t.Fatal(err)
	}
	var batch []registry.ImportRow
	for i := 0; i < 150; i++ {
		founded := fmt.Sprintf("%d-%02d-%02d", 2019+i%2, 1+i%12, 1+i%28)
		in := registry.Input{Name: fmt.Sprintf("普查组织%03d", i), Tier: pick([]string{registry.TierStreet, registry.TierCommunity}),
			Types: someOf(registry.Types), TargetGroups: someOf(registry.TargetGroups[:6]), CommunityCode: pick(comms), FoundedOn: founded,
			Members: 10, LeaderName: "陈丽", LeaderPhone: "13812345678", Status: registry.StatusActive, Brand: i%4 == 0,
			VolunteerMark: i%3 == 0, Dates: map[string]string{"status": founded}}
		batch = append(batch, registry.ImportRow{N: i + 2, In: in})
	}
	res, err := im.AddRows(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	for j, rr := range res {
		if len(rr.Fields) > 0 {
			t.Fatalf("census row %d: %v", batch[j].N, rr.Fields)
		}
	}
	if fin, err := im.Finish(ctx); err != nil || !fin.Committed || fin.Created != len(batch) {
		t.Fatalf("census: %+v, %v", fin, err)
	}
	// the model of the imported organizations: their history as written
	hist, err := d.Read.QueryContext(ctx, `SELECT o.id, o.community_code, o.status, h.field, h.value, h.at, h.late_reason
		FROM orgs o JOIN org_history h ON h.org_id = o.id WHERE o.name LIKE '普查组织%' ORDER BY o.id, h.id`)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*morg{}
	for hist.Next() {
		var id int64
		var comm, status, field, value, reason string
		var at time.Time
		if err := hist.Scan(&id, &comm, &status, &field, &value, &at, &reason); err != nil {
			t.Fatal(err)
		}
		m := byID[id]
		if m == nil {
			m = &morg{id: id, community: comm, last: map[string]string{}, status: status}
			byID[id] = m
			orgs = append(orgs, m)
		}
		seq++
		m.evs = append(m.evs, ev{day: orgroll.Day(at), seq: seq, field: field, value: value, late: reason != ""})
	}
	if err := hist.Err(); err != nil || len(byID) != len(batch) {
		t.Fatalf("census history: %d organizations, %v", len(byID), err)
	}
	hist.Close()
	check("kept in the writing transactions")
	segs := func() map[int64]string {
		rows, err := d.Read.Query(`SELECT org_id, segs FROM org_segs`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[int64]string{}
		for rows.Next() {
			var id int64
			var s string
			if err := rows.Scan(&id, &s); err != nil {
				t.Fatal(err)
			}
			out[id] = s
		}
		return out
	}
	kept := segs()
	if err := orgroll.Rebuild(ctx, d); err != nil {
		t.Fatal(err)
	}
	check("rebuilt from the records")
	// district by district, each timeline stored once, as kept
	if rebuilt := segs(); !maps.Equal(rebuilt, kept) || len(kept) < len(orgs)/2 {
		t.Errorf("timelines: %d rebuilt, %d kept, for %d organizations", len(rebuilt), len(kept), len(orgs))
	}
}
