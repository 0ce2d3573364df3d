package kpi

import (
	"encoding/json"
	"testing"
	"time"

	"linli/internal/orgroll"
	"linli/internal/registry"
)

// resultOf finds an indicator's result on a dashboard.
func resultOf(t *testing.T, d *Dashboard, key string) *Result {
	t.Helper()
	for _, r := range d.Results {
		if r.Key == key {
			return r
		}
	}
	t.Fatalf("%s not on the dashboard of %s", key, d.Unit.Code)
	return nil
}

// A change in one district leaves the cached dashboards of other districts
// valid, and refreshes those of the district and of the city above it with
// the new figure; so does history dated in the past.
func TestDashboardCachePerDistrict(t *testing.T) {
	s := newScenario(t)
	s.kpi.NoCache(false)
	dash := func(code, asOf string) *Dashboard {
		t.Helper()
		d, err := s.kpi.Dashboard(s.ctx, s.city, code, asOf)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	conghua, tianhe, city := dash(conghuaCode, ""), dash(tianheCode, ""), dash(cityCode, "")
	if d := dash(tianheCode, ""); d != tianhe {
		t.Fatal("an unchanged district's dashboard was not served from the cache")
	}
	if v := resultOf(t, conghua, "brand_orgs").Value; !near(v, 2) {
		t.Fatalf("从化 brand organizations %v, want 2", fmtp(v))
	}

	// a third brand organization in 从化, through the registry
	o := s.org("440117001001", registry.TierStreet)
	s.change(o.ID, func(in *registry.Input) { in.Brand = true })

	if d := dash(tianheCode, ""); d != tianhe {
		t.Error("a change in 从化 emptied 天河's cached dashboard")
	}
	c2 := dash(conghuaCode, "")
	if c2 == conghua {
		t.Fatal("从化's dashboard was served from the cache after a change in 从化")
	}
	if v := resultOf(t, c2, "brand_orgs").Value; !near(v, 3) {
		t.Errorf("从化 brand organizations %v after the change, want 3", fmtp(v))
	}
	city2 := dash(cityCode, "")
	if city2 == city {
		t.Fatal("the city's dashboard was served from the cache after a change in one of its districts")
	}
	for _, c := range resultOf(t, city2, "brand_orgs").Children {
		if c.Unit == conghuaCode && !near(c.Value, 3) {
			t.Errorf("city dashboard: 从化 brand organizations %v, want 3", fmtp(c.Value))
		}
	}
	// the JSON answer is the same answer
	body, err := s.kpi.DashboardJSON(s.ctx, s.city, conghuaCode, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON Dashboard
	if err := json.Unmarshal(body, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if v := resultOf(t, &fromJSON, "brand_orgs").Value; !near(v, 3) {
		t.Errorf("JSON: 从化 brand organizations %v, want 3", fmtp(v))
	}

	// history dated in the past: 江埔's organization was a hub from
	// 2022-01-15 (written straight into the history, as a correction would)
	past := dash(conghuaCode, "2022-02-01")
	if v := resultOf(t, past, "hub_coverage").Value; !near(v, 0) {
		t.Fatalf("从化 hub coverage on 2022-02-01 %v, want 0", fmtp(v))
	}
	tianhePast := dash(tianheCode, "2022-02-01")
	at := time.Date(2022, 1, 15, 2, 0, 0, 0, time.UTC)
	if _, err := s.db.Write.ExecContext(s.ctx, `INSERT INTO org_history (org_id, field, old_value, value, reason, at, username)
		VALUES ($1, 'hub', '0', '1', 'correction', $2, 'test')`, s.b.ID, at); err != nil {
		t.Fatal(err)
	}
	if err := orgroll.Refresh(s.ctx, s.db.Write, s.db.Dialect, []int64{s.b.ID}); err != nil {
		t.Fatal(err)
	}
	if d := dash(tianheCode, "2022-02-01"); d != tianhePast {
		t.Error("history in 从化 emptied 天河's cached dashboard")
	}
	if v := resultOf(t, dash(conghuaCode, "2022-02-01"), "hub_coverage").Value; !near(v, 1.0/8) {
		t.Errorf("从化 hub coverage on 2022-02-01 %v after the history row, want 1/8", fmtp(v))
	}
}

// A cached dashboard is never served to a user who may not see the unit,
// and the path shown is the viewer's own.
func TestDashboardCacheScope(t *testing.T) {
	s := newScenario(t)
	s.kpi.NoCache(false)
	tianheOfficer := s.user("cache_tianhe", "district_officer", tianheCode)
	if _, err := s.kpi.Dashboard(s.ctx, s.city, conghuaCode, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.kpi.Dashboard(s.ctx, tianheOfficer, conghuaCode, ""); err == nil {
		t.Fatal("天河's officer was served 从化's cached dashboard")
	}
	if _, err := s.kpi.DashboardJSON(s.ctx, tianheOfficer, conghuaCode, "", ""); err == nil {
		t.Fatal("天河's officer was served 从化's cached dashboard as JSON")
	}
	byCity, err := s.kpi.Dashboard(s.ctx, s.city, tianheCode, "")
	if err != nil {
		t.Fatal(err)
	}
	byOfficer, err := s.kpi.Dashboard(s.ctx, tianheOfficer, tianheCode, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(byCity.Path) <= len(byOfficer.Path) || byOfficer.Path[0].Code != tianheCode {
		t.Errorf("paths: city %v, district officer %v", byCity.Path, byOfficer.Path)
	}
}

// Every record an indicator reads advances the counter of its own district
// only, whichever service writes it.
func TestChangeCountersBySource(t *testing.T) {
	s := newScenario(t)
	ver := func(code string) int64 {
		t.Helper()
		v, err := s.kpi.changes(s.ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		name string
		do   func()
	}{
		{"organization filed", func() { s.org("440117001001", registry.TierStreet) }},
		{"organization changed", func() { s.change(s.c.ID, func(in *registry.Input) { in.Brand = false }) }},
		{"organization suspended", func() { s.transition(s.a.ID, registry.ActSuspend, "停止活动") }},
		{"hub social worker", func() { s.worker(s.c.ID, "2023-06-15") }},
		{"incubation base", func() { s.base("温泉镇培育基地", conghuaCode, "440117103", "2023-06-15", "") }},
		{"rural pilot", func() { s.pilot("440117103202", "2023-06-15") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch, th, city := ver(conghuaCode), ver(tianheCode), ver(cityCode)
			c.do()
			if ver(conghuaCode) <= ch {
				t.Error("从化's counter did not advance")
			}
			if ver(cityCode) <= city {
				t.Error("the city's counters did not advance")
			}
			if ver(tianheCode) != th {
				t.Error("天河's counter advanced")
			}
		})
	}
}
