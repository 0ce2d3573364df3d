package readiness_test

import (
	"context"
	"net/http"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/readiness"
)

const (
	wushan = "440106001"
	commA  = "440106001001"
	commB  = "440106001002"
)

// Coverage of the 五山 street (the test clock is 2023-06-15): community A has
// all four hazard kinds checked within a year and a drill in May 2023; B has
// a list with one kind checked in 2022-05 (stale) and a drill 13 months ago;
// the rest have nothing. Only A is covered; only A has a liaison.
func TestCoverageAndLiaisons(t *testing.T) {
	a := apptest.New(t)
	st := a.CreateUser("wushan-ready", auth.StreetOfficer, wushan, 0)
	c := a.As(st)
	post := func(path string, body any, want int) {
		t.Helper()
		if r := c.Do("POST", path, body); r.Status != want {
			t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
		}
	}
	for _, h := range readiness.Hazards {
		post("/api/v1/emergency/contacts", map[string]any{"community_code": commA, "hazard": h, "name": "五山社区居委会值班室",
			"phone": "020-87000001", "duty": "值班", "checked_on": "2023-03-01"}, 201)
		checked := "2023-03-01"
		if h == "public_health" {
			checked = "2022-05-01"
		}
		post("/api/v1/emergency/contacts", map[string]any{"community_code": commB, "hazard": h, "name": "社区卫生服务站",
			"phone": "020-87000002", "checked_on": checked}, 201)
	}
	post("/api/v1/drills", map[string]any{"community_code": commA, "scenario": "高层住宅火灾疏散", "held_on": "2023-05-12",
		"participants": 86, "findings": "楼道堆物影响疏散"}, 201)
	post("/api/v1/drills", map[string]any{"community_code": commB, "scenario": "台风转移安置", "held_on": "2022-05-10",
		"participants": 40}, 201)
	// bad input: nothing written
	post("/api/v1/drills", map[string]any{"community_code": commA, "scenario": "未来演练", "held_on": "2030-01-01", "participants": 5}, 422)
	post("/api/v1/emergency/contacts", map[string]any{"community_code": commA, "hazard": "meteor", "name": "某某", "phone": "110"}, 422)
	post("/api/v1/drills", map[string]any{"community_code": "440105001101", "scenario": "越界", "held_on": "2023-01-01", "participants": 5}, 422)

	var contacts struct{ Items []readiness.Contact }
	c.Do("GET", "/api/v1/emergency/contacts?community="+commB, nil).Decode(&contacts)
	stale := 0
	for _, x := range contacts.Items {
		if x.Stale {
			stale++
		}
	}
	if len(contacts.Items) != 4 || stale != 1 {
		t.Errorf("B's contacts %d, stale %d; want 4, 1", len(contacts.Items), stale)
	}
	comms, err := a.Geo.Children(context.Background(), wushan)
	if err != nil {
		t.Fatal(err)
	}
	var cov struct{ Items []readiness.StreetCoverage }
	c.Do("GET", "/api/v1/emergency/coverage", nil).Decode(&cov)
	if len(cov.Items) != 1 {
		t.Fatalf("coverage %+v", cov.Items)
	}
	got := cov.Items[0]
	if got.Communities != len(comms) || got.CurrentList != 1 || got.Drilled != 1 || got.Covered != 1 ||
		got.Share != 1/float64(len(comms)) || len(got.Missing) != len(comms)-1 {
		t.Errorf("coverage %+v with %d communities", got, len(comms))
	}

	// an indicator as data over the drills source: the share of a street's
	// communities with a drill in the 12 months up to the date
	city := a.CreateUser("city-ready", auth.CityAdmin, "4401", 0)
	if _, err := a.KPI.Create(context.Background(), city, kpi.Input{Key: "drill_coverage", NameZH: "近一年开展应急演练的社区占比",
		Level: kpi.LevelStreet, ScopeCode: "4401", Rule: kpi.Rule{Kind: kpi.KindUnitShare, Source: kpi.SourceDrills,
			UnitLevel: kpi.LevelCommunity, MinCount: 1}, Target: 0.5, Deadline: "2023-12-31"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.KPI.Evaluate(context.Background(), city, "drill_coverage", wushan, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Value == nil || *res.Value != float64(got.Drilled)/float64(len(comms)) || res.Numerator == nil || *res.Numerator != 1 {
		t.Errorf("drill_coverage at 五山: %+v", res)
	}
	old, err := a.KPI.Evaluate(context.Background(), city, "drill_coverage", wushan, "2022-12-31")
	if err != nil {
		t.Fatal(err)
	}
	if old.Numerator == nil || *old.Numerator != 1 { // B's drill of 2022-05 counts then, A's of 2023 not yet
		t.Errorf("drill_coverage at 五山 on 2022-12-31: %+v", old)
	}

	r := c.Do("POST", "/api/v1/liaisons", map[string]any{"community_code": commA, "holder": "社工 谭敏", "since": "2022-03-01"})
	if r.Status != 201 {
		t.Fatalf("liaison: %d %s", r.Status, r.Body)
	}
	var l readiness.Liaison
	r.Decode(&l)
	post("/api/v1/liaisons/"+itoa(l.ID)+"/contacts", map[string]any{"on_date": "2023-04-02", "kind": "visit", "summary": "走访舞蹈队，了解场地需求"}, 201)
	post("/api/v1/liaisons/"+itoa(l.ID)+"/contacts", map[string]any{"on_date": "2021-04-02", "kind": "call", "summary": "设岗前"}, 422)
	var ls readiness.Liaisons
	c.Do("GET", "/api/v1/liaisons", nil).Decode(&ls)
	if len(ls.Items) != 1 || len(ls.Items[0].Log) != 1 || len(ls.Without) != len(comms)-1 {
		t.Errorf("liaisons %+v, without %d of %d", ls.Items, len(ls.Without), len(comms))
	}
	for _, p := range ls.Without {
		if p.Code == commA {
			t.Error("A listed without a liaison")
		}
	}
	// another street's officer sees none of it
	other := a.As(a.CreateUser("yuancun-ready", auth.StreetOfficer, "440106002", 0))
	if r := other.Do("GET", "/api/v1/emergency/contacts?community="+commA, nil); r.Status != http.StatusNotFound {
		t.Errorf("foreign contacts: %d", r.Status)
	}
	if r := other.Do("POST", "/api/v1/liaisons/"+itoa(l.ID)+"/contacts", map[string]any{"on_date": "2023-04-02", "kind": "visit", "summary": "入侵"}); r.Status != http.StatusNotFound {
		t.Errorf("foreign log: %d", r.Status)
	}
	if r := c.Do("GET", "/readiness", nil); r.Status != 200 || !r.IsHTML() {
		t.Errorf("page: %d", r.Status)
	}
}

func itoa(n int64) string {
	b := []byte{}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
