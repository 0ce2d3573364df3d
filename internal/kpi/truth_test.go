package kpi

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// TestOneTruth checks, for every indicator (the plan's eight and two added
// at run time) at several units and dates, that each number equals the
// length of the list of records or units behind it, and that each child's
// value equals the child's own evaluation.
func TestOneTruth(t *testing.T) {
	s := newScenario(t)
	s.change(s.c.ID, func(in *registry.Input) { in.PartyOrg = "joint" })
	s.org("440117001002", registry.TierCommunity)
	f := false
	if _, err := s.kpi.Create(s.ctx, s.city, Input{Key: "party_coverage", NameZH: "党组织覆盖率", Level: LevelDistrict,
		Rule:   Rule{Kind: KindRecordShare, Source: SourceOrgs, NumeratorFilter: &Filter{PartyOrg: []string{"independent", "joint"}}},
		Target: 0.5, Deadline: "2023-12-31"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.kpi.Create(s.ctx, s.conghua, Input{Key: "conghua_orgs_per_street", NameZH: "每个街镇社区社会组织数", Level: LevelStreet,
		Rule: Rule{Kind: KindCount, Source: SourceOrgs, Filter: Filter{Hub: &f}}, Target: 2, Deadline: "2023-12-31"}); err != nil {
		t.Fatal(err)
	}
	inds, err := s.kpi.List(s.ctx, s.city, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(inds) != 10 {
		t.Fatalf("%d indicators", len(inds))
	}
	checked := map[string]int{}
	for _, ind := range inds {
		for _, unit := range []string{cityCode, conghuaCode, jiekou, wenquan, tianheCode, "440111"} {
			for _, day := range []string{"2021-12-31", "2022-07-01", "2022-12-31", ""} {
				r, err := s.kpi.Evaluate(s.ctx, s.city, ind.Key, unit, day)
				if err != nil {
					continue // the indicator does not apply here (a district's own goal elsewhere)
				}
				s.checkTruth(t, s.city, ind, r)
				checked[ind.Key]++
			}
		}
	}
	for _, ind := range inds {
		if checked[ind.Key] == 0 {
			t.Errorf("%s never checked", ind.Key)
		}
	}
}

func (s *scenario) checkTruth(t *testing.T, u *auth.User, ind *Indicator, r *Result) {
	t.Helper()
	where := ind.Key + " at " + r.Unit + " on " + r.AsOf
	records := func(set string, year int) int {
		p, err := s.kpi.Records(s.ctx, u, ind.Key, r.Unit, r.AsOf, set, year, 1, 500)
		if err != nil {
			t.Fatalf("%s: records %s: %v", where, set, err)
		}
		return p.Total
	}
	units := func(set string) *UnitList {
		l, err := s.kpi.Units(s.ctx, u, ind.Key, r.Unit, r.AsOf, set)
		if err != nil {
			t.Fatalf("%s: units %s: %v", where, set, err)
		}
		return l
	}
	switch r.Status {
	case StateNoData:
		if r.Value != nil || r.Met != nil || records("", 0) != 0 {
			t.Errorf("%s: no data, yet a value", where)
		}
		return
	case StateNotApplicable:
		if r.Value != nil {
			t.Errorf("%s: not applicable, yet a value", where)
		}
		if ind.Rule.Kind != KindRecordShare && ind.Rule.Kind != KindUnitShare && records("", 0) != 0 {
			t.Errorf("%s: not applicable, yet records", where)
		}
		if r.Numerator == nil {
			return
		}
	}
	switch ind.Rule.Kind {
	case KindCount:
		if n := records("", 0); r.Value == nil || int(*r.Value) != n {
			t.Errorf("%s: value %v, %d records", where, fmtp(r.Value), n)
		}
	case KindCountPerYear:
		if n := records("", *r.Period); r.Value == nil || int(*r.Value) != n {
			t.Errorf("%s: value %v, %d records in %d", where, fmtp(r.Value), n, *r.Period)
		}
		for _, p := range r.Periods {
			if n := records("", p.Year); n != p.Value {
				t.Errorf("%s: %d: %d, %d records", where, p.Year, p.Value, n)
			}
		}
	case KindUnitShare:
		all, met := units("all"), units("met")
		if *r.Numerator != met.Total || *r.Denominator != all.Total {
			t.Errorf("%s: %d/%d, units %d/%d", where, *r.Numerator, *r.Denominator, met.Total, all.Total)
		}
		counted := 0
		for _, x := range all.Items {
			counted += x.Count
		}
		if n := records("", 0); n != counted {
			t.Errorf("%s: %d records, units count %d", where, n, counted)
		}
		if short := units("short"); short.Total != all.Total-met.Total {
			t.Errorf("%s: %d short of %d with %d met", where, short.Total, all.Total, met.Total)
		}
	case KindRecordShare:
		num, den, missing := records("numerator", 0), records("denominator", 0), records("missing", 0)
		if *r.Numerator != num || *r.Denominator != den || missing != den-num {
			t.Errorf("%s: %d/%d, records %d/%d, %d missing", where, *r.Numerator, *r.Denominator, num, den, missing)
		}
	}
	if r.UnitsTotal != nil {
		all, met := units("all"), units("met")
		if *r.UnitsTotal != all.Total || *r.UnitsMet != met.Total {
			t.Errorf("%s: units %d/%d, lists %d/%d", where, *r.UnitsMet, *r.UnitsTotal, met.Total, all.Total)
		}
	}
	for _, c := range r.Children {
		if c.Status == StateNotApplicable && c.Value == nil {
			continue
		}
		cr, err := s.kpi.Evaluate(s.ctx, u, ind.Key, c.Unit, r.AsOf)
		if err != nil {
			t.Fatalf("%s: child %s: %v", where, c.Unit, err)
		}
		if fmtp(cr.Value) != fmtp(c.Value) || cr.Status != c.Status {
			t.Errorf("%s: child %s: %v %s, its own evaluation %v %s", where, c.Unit, fmtp(c.Value), c.Status, fmtp(cr.Value), cr.Status)
		}
	}
}
