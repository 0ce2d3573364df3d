package kpi

import (
	"testing"

	"linli/internal/registry"
)

// brandEvent is a brand designation (or its end) as the district typed it:
// effective on one day, entered on another.
type brandEvent struct {
	org              int64
	district         string
	effective, entry string
	brand            bool
}

// brandCount is the independent count: organizations of the district whose
// latest designation in effect by asOf, among those entered by knownOn,
// makes them a brand organization.
func brandCount(events []brandEvent, district, asOf, knownOn string) int {
	type last struct {
		effective string
		brand     bool
	}
	state := map[int64]last{}
	for _, e := range events {
		if e.district != district || e.effective > asOf || knownOn != "" && e.entry > knownOn {
			continue
		}
		if l, ok := state[e.org]; !ok || e.effective >= l.effective {
			state[e.org] = last{e.effective, e.brand}
		}
	}
	n := 0
	for _, l := range state {
		if l.brand {
			n++
		}
	}
	return n
}

// Brand organizations (品牌社区社会组织) are dated facts: a designation takes
// effect on its day, may be entered late with a reason, and may end.
// brand_orgs reads them at each date and as known on each day, equal to an
// independent count of the designations typed.
func TestBrandOrgsAtDates(t *testing.T) {
	w := newWorld(t)
	w.clock.set("2021-09-15")
	a := w.org("440117001001", registry.TierStreet)
	b := w.org("440117002002", registry.TierStreet)
	c := w.org("440117103200", registry.TierCommunity)
	d := w.org("440117001001", registry.TierCommunity)
	e := w.org("440106001001", registry.TierStreet) // 天河: another district
	var events []brandEvent
	designate := func(o *registry.Org, district, entry, effective, late string, brand bool) {
		t.Helper()
		w.clock.set(entry)
		w.change(o.ID, func(in *registry.Input) { in.Brand, in.EffectiveOn, in.LateReason = brand, effective, late })
		events = append(events, brandEvent{o.ID, district, effective, entry, brand})
	}
	designate(e, tianheCode, "2022-01-10", "2022-01-10", "", true)
	designate(a, conghuaCode, "2022-03-01", "2022-03-01", "", true)
	designate(b, conghuaCode, "2022-06-01", "2022-05-20", "", true)           // entered 12 days on: not late
	designate(c, conghuaCode, "2023-02-01", "2022-10-01", "区民政局认定文件补录", true) // 补录
	designate(a, conghuaCode, "2023-03-01", "2023-03-01", "", false)          // the designation ends
	designate(d, conghuaCode, "2023-04-01", "2023-04-01", "", true)
	w.clock.set("2024-01-15")

	for _, asOf := range []string{"2021-12-31", "2022-04-30", "2022-05-31", "2022-12-31", "2023-03-31", "2023-12-31", ""} {
		for _, knownOn := range []string{"", "2022-12-31", "2023-02-01", "2023-03-31"} {
			day := asOf
			if day == "" {
				day = "2024-01-15"
			}
			if knownOn != "" && asOf == "" {
				continue
			}
			r, err := w.kpi.EvaluateKnown(w.ctx, w.city, "brand_orgs", conghuaCode, asOf, knownOn)
			if err != nil {
				t.Fatalf("as of %q known on %q: %v", asOf, knownOn, err)
			}
			want := brandCount(events, conghuaCode, day, knownOn)
			if r.Value == nil || !near(r.Value, float64(want)) {
				t.Errorf("brand_orgs 从化 as of %q known on %q: %v, want %d", asOf, knownOn, fmtp(r.Value), want)
			}
			// the late one is counted late only when it is in effect and known
			late := 0
			if day >= "2022-10-01" && (knownOn == "" || knownOn >= "2023-02-01") {
				late = 1
			}
			if r.LateEntries != late {
				t.Errorf("as of %q known on %q: %d late entries, want %d", asOf, knownOn, r.LateEntries, late)
			}
		}
	}
	// the city sees each district's own count
	r := w.eval(w.city, "brand_orgs", tianheCode, "2021-12-31")
	if r.Value == nil || *r.Value != 0 {
		t.Errorf("天河 before its designation: %v", fmtp(r.Value))
	}
	r = w.eval(w.city, "brand_orgs", tianheCode, "2022-12-31")
	if want := brandCount(events, tianheCode, "2022-12-31", ""); r.Value == nil || !near(r.Value, float64(want)) {
		t.Errorf("天河 2022: %v, want %d", fmtp(r.Value), want)
	}
	// a designation in the future is refused; one more than 30 days late needs its reason
	w.clock.set("2024-01-15")
	o, err := w.reg.Get(w.ctx, w.city, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	in := registry.InputOf(o)
	in.Brand, in.EffectiveOn = false, "2024-02-01"
	if _, err := w.reg.Update(w.ctx, w.city, e.ID, in); err == nil {
		t.Error("a designation ending in the future was accepted")
	}
	in.EffectiveOn = "2023-06-01"
	_, err = w.reg.Update(w.ctx, w.city, e.ID, in)
	wantField(t, err, "late_reason")
}
