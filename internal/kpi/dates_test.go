package kpi

import (
	"slices"
	"testing"
	"time"

	"linli/internal/orgroll"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/points"
	"linli/internal/registry"
)

// lateHistory writes the dated facts a district loads about an organization
// the way the registry's effective dates will: effective at a past day,
// entered on the clock's day, with the late entry's reason.
func (w *world) lateHistory(orgID int64, field, value, effective string) {
	w.t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, effective, clock.China)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.db.Write.ExecContext(w.ctx, `INSERT INTO org_history (org_id, field, old_value, value, reason, at, user_id,
		username, entered_at, late_reason) VALUES ($1, $2, '', $3, '', $4, NULL, 'loader', $5, '按纸质台账补录')`,
		orgID, field, value, d.UTC(), w.clock.Now()); err != nil {
		w.t.Fatal(err)
	}
	// whoever writes history moves the dated rollup (orgroll's contract)
	if err := orgroll.Refresh(w.ctx, w.db.Write, w.db.Dialect, []int64{orgID}); err != nil {
		w.t.Fatal(err)
	}
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid || e.Fields[field].Key == "" {
		t.Fatalf("got %v, want a field error on %s", err, field)
	}
}

// A district arrives on 2024-03-10 and types in its past: the answer for
// 2023-12-31 changes, known_on the day before the load still gives the old
// one, the late entries are counted and marked, and the value at the
// deadline shows as corrected.
func TestKnownOnAndLateEntries(t *testing.T) {
	w := newWorld(t)
	w.clock.set("2023-06-01")
	b := w.org("440117002002", registry.TierStreet) // 江埔: a hub, entered on time
	w.change(b.ID, func(in *registry.Input) { in.Hub = true })
	w.clock.set("2024-03-10")
	a := w.org("440117001001", registry.TierStreet) // 街口: loaded today
	w.lateHistory(a.ID, "status", "active", "2021-10-01")
	w.lateHistory(a.ID, "hub", "1", "2022-03-01")

	known := func(asOf, knownOn string) *Result {
		t.Helper()
		r, err := w.kpi.EvaluateKnown(w.ctx, w.city, "hub_coverage", conghuaCode, asOf, knownOn)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		asOf, knownOn string
		num, late     int
	}{
		{"2023-12-31", "", 2, 1},
		{"2023-12-31", "2024-03-09", 1, 0},
		{"2023-12-31", "2024-03-10", 2, 1},
		{"2022-12-31", "", 1, 1}, // 江埔 only became a hub in 2023; 街口 was one
		{"2022-12-31", "2024-03-09", 0, 0},
		{"2021-12-31", "", 0, 0},
	} {
		r := known(c.asOf, c.knownOn)
		if r.Numerator == nil || *r.Numerator != c.num || *r.Denominator != 8 || r.LateEntries != c.late || r.KnownOn != c.knownOn {
			t.Errorf("as of %s known on %q: %v/%v streets, %d late; want %d/8, %d late", c.asOf, c.knownOn,
				fmtp(ptrF(r.Numerator)), fmtp(ptrF(r.Denominator)), r.LateEntries, c.num, c.late)
		}
	}

	// the records list marks the late one
	p, err := w.kpi.Records(w.ctx, w.city, "hub_coverage", conghuaCode, "2023-12-31", "", 0, 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	lates := map[int64]bool{}
	for _, r := range p.Items {
		lates[r.ID] = r.Late
	}
	if len(lates) != 2 || !lates[a.ID] || lates[b.ID] {
		t.Fatalf("records' late marks %v", lates)
	}

	// today, past the deadline: the deadline's value was corrected in 2024-03
	r := known("", "")
	if r.Correction == nil || !near(r.Correction.Was, 1.0/8) || !near(r.Correction.Now, 2.0/8) ||
		r.Correction.Month != "2024-03" || r.Correction.Deadline != "2023-12-31" {
		t.Fatalf("correction %+v", r.Correction)
	}
	d, err := w.kpi.Dashboard(w.ctx, w.city, conghuaCode, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range d.Results {
		if x.Key == "hub_coverage" && x.Correction == nil {
			t.Fatal("the dashboard does not mark the corrected value")
		}
	}

	// bad input: a field error, whatever the unit
	for _, c := range []struct{ asOf, knownOn, field string }{
		{"2020-12-31", "", "as_of"},
		{"2101-01-01", "", "as_of"},
		{"2023-02-30", "", "as_of"},
		{"2023-12-31", "2024-03-11", "known_on"}, // the future
		{"2023-12-31", "2023-05-31", "known_on"}, // before the first record was entered
		{"2023-12-31", "yesterday", "known_on"},
	} {
		_, err := w.kpi.EvaluateKnown(w.ctx, w.city, "hub_coverage", conghuaCode, c.asOf, c.knownOn)
		wantField(t, err, c.field)
	}
}

func ptrF(n *int) *float64 {
	if n == nil {
		return nil
	}
	f := float64(*n)
	return &f
}

// A per-district target judged for the city is met only when every
// district meets it, and the answer names the districts behind.
func TestCityVerdictListsDistrictsBehind(t *testing.T) {
	s := newScenario(t)
	e := s.org("440117001001", registry.TierStreet)
	s.change(e.ID, func(in *registry.Input) { in.Brand = true }) // 从化's third brand organization
	r := s.eval(s.city, "brand_orgs", cityCode, "")
	if r.UnitsMet == nil || *r.UnitsMet != 1 || *r.UnitsTotal != 11 || r.Met == nil || *r.Met {
		t.Fatalf("city brand verdict: %v of %v, met %v", r.UnitsMet, r.UnitsTotal, r.Met)
	}
	var behind []string
	for _, u := range r.Behind {
		behind = append(behind, u.Unit)
	}
	if len(behind) != 10 || slices.Contains(behind, conghuaCode) || !slices.Contains(behind, tianheCode) {
		t.Fatalf("behind %v", behind)
	}
	// independent count: districts with 3 or more active brand organizations today
	var met int
	if err := s.db.Read.QueryRow(`SELECT COUNT(*) FROM (SELECT district_code FROM orgs WHERE brand = 1 AND status = 'active'
		GROUP BY district_code HAVING COUNT(*) >= 3) x`).Scan(&met); err != nil || met != *r.UnitsMet {
		t.Fatalf("districts met: %d (%v), answer %d", met, err, *r.UnitsMet)
	}
	// per-district per-year: 从化 has both years' points, no other district any
	d := s.eval(s.city, "demonstration_points", cityCode, "")
	if *d.UnitsMet != 1 || *d.UnitsTotal != 11 || len(d.Behind) != 10 || *d.Met {
		t.Fatalf("demonstration points verdict %v/%v behind %v", *d.UnitsMet, *d.UnitsTotal, d.Behind)
	}
}

// Moving a demonstration point from 2022 to 2023 changes only those two
// years' answers, and only in its district; known_on before the move still
// answers as before.
func TestMovingAPointChangesOnlyItsYears(t *testing.T) {
	s := newScenario(t)
	s.point(tianheCode, 2022, s.d.ID, "")
	periods := func(knownOn string) map[string]map[int]int {
		t.Helper()
		out := map[string]map[int]int{}
		for _, asOf := range []string{"2022-12-31", "2023-12-31", ""} {
			r, err := s.kpi.EvaluateKnown(s.ctx, s.city, "demonstration_points", cityCode, asOf, knownOn)
			if err != nil {
				t.Fatal(err)
			}
			u, err := s.kpi.Units(s.ctx, s.city, "demonstration_points", cityCode, asOf, "all")
			if err != nil {
				t.Fatal(err)
			}
			_ = r
			for _, row := range u.Items {
				for _, p := range row.Periods {
					if out[row.Unit] == nil {
						out[row.Unit] = map[int]int{}
					}
					out[row.Unit][p.Year] = p.Value
				}
			}
		}
		return out
	}
	before := periods("")
	if before[conghuaCode][2022] != 1 || before[conghuaCode][2023] != 1 || before[tianheCode][2022] != 1 {
		t.Fatalf("before: %v", before)
	}
	s.clock.set("2023-06-20")
	svc := &points.Service{DB: s.db, Geo: s.geo, Orgs: s.reg, Now: s.clock.Now}
	if _, err := svc.Cancel(s.ctx, s.city, s.pointA, "年度登记错误，应为2023年"); err != nil {
		t.Fatal(err)
	}
	s.point(conghuaCode, 2023, s.a.ID, "")
	after := periods("")
	for unit, ys := range before {
		for y, n := range ys {
			want := n
			if unit == conghuaCode && y == 2022 {
				want = n - 1
			}
			if unit == conghuaCode && y == 2023 {
				want = n + 1
			}
			if after[unit][y] != want {
				t.Errorf("%s %d: %d before, %d after, want %d", unit, y, n, after[unit][y], want)
			}
		}
	}
	r, err := s.kpi.EvaluateKnown(s.ctx, s.city, "demonstration_points", conghuaCode, "2022-12-31", "2023-06-19")
	if err != nil || r.Value == nil || *r.Value != 1 {
		t.Fatalf("known on the day before the move: %v %v", r, err)
	}
	r = s.eval(s.city, "demonstration_points", conghuaCode, "2022-12-31")
	if *r.Value != 0 {
		t.Fatalf("2022 after the move: %v", *r.Value)
	}
	// the cancelled point is kept, marked
	list, err := svc.List(s.ctx, s.city, conghuaCode, 2022)
	if err != nil || len(list) != 1 || list[0].Status != points.StatusCancelled || list[0].CancelReason == "" {
		t.Fatalf("2022 points of 从化 %+v %v", list, err)
	}
}
