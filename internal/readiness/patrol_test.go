package readiness_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/readiness"
)

// A street records an active organization of its community as a safety
// patrol group with a weekly schedule; bad input (no day, an end before the
// start, a future date, an organization of another street, a second record
// of the same group, a late date without a reason) is refused with the
// field named and nothing written; the page's form takes the same path.
func TestPatrolGroups(t *testing.T) {
	a := apptest.New(t)
	st := a.CreateUser("wushan-patrol", auth.StreetOfficer, wushan, 0)
	org := a.ActiveOrg(st, "五山街平安巡逻队", commA)
	other := a.CreateUser("haizhu-patrol", auth.StreetOfficer, "440105001", 0)
	far := a.ActiveOrg(other, "海珠巡逻队", "440105001101")
	c := a.As(st)
	good := map[string]any{"org_id": org.ID, "area": "五山路至华南农业大学东门", "members": 18,
		"shifts": []map[string]any{{"weekday": 5, "starts": "19:30", "ends": "21:30", "route": "五山路—茶山路"},
			{"weekday": 6, "starts": "20:00", "ends": "22:00"}}}
	bad := []struct {
		name, field string
		change      func(m map[string]any)
	}{
		{"no day", "shifts", func(m map[string]any) { m["shifts"] = []map[string]any{} }},
		{"end before start", "shifts", func(m map[string]any) {
			m["shifts"] = []map[string]any{{"weekday": 1, "starts": "21:00", "ends": "19:00"}}
		}},
		{"future", "started_on", func(m map[string]any) { m["started_on"] = "2030-01-01" }},
		{"late without reason", "late_reason", func(m map[string]any) { m["started_on"] = "2022-01-01" }},
		{"another street", "org_id", func(m map[string]any) { m["org_id"] = far.ID }},
		{"no members", "members", func(m map[string]any) { m["members"] = 0 }},
	}
	for _, b := range bad {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		b.change(m)
		r := c.Do("POST", "/api/v1/patrol-groups", m)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"`+b.field+`"`) {
			t.Errorf("%s: %d %s", b.name, r.Status, r.Body)
		}
	}
	if a.Count("patrol_groups") != 0 || a.Count("patrol_shifts") != 0 {
		t.Fatal("refused input wrote rows")
	}
	r := c.Do("POST", "/api/v1/patrol-groups", good)
	if r.Status != http.StatusCreated {
		t.Fatalf("patrol: %d %s", r.Status, r.Body)
	}
	var p readiness.Patrol
	r.Decode(&p)
	if p.OrgName != "五山街平安巡逻队" || len(p.Shifts) != 2 || p.StartedOn != "2023-06-15" || p.CommunityCode != commA {
		t.Errorf("patrol: %+v", p)
	}
	if r := c.Do("POST", "/api/v1/patrol-groups", good); r.Status != http.StatusConflict {
		t.Errorf("second record: %d %s", r.Status, r.Body)
	}
	var list struct{ Items []readiness.Patrol }
	c.Do("GET", "/api/v1/patrol-groups", nil).Decode(&list)
	if len(list.Items) != 1 {
		t.Errorf("list: %+v", list.Items)
	}
	// another street sees none of it
	var theirs struct{ Items []readiness.Patrol }
	a.As(other).Do("GET", "/api/v1/patrol-groups", nil).Decode(&theirs)
	if len(theirs.Items) != 0 {
		t.Errorf("another street sees %d groups", len(theirs.Items))
	}
	// the page: the group listed, and the form refuses an empty schedule
	page := c.Do("GET", "/readiness", nil)
	if !strings.Contains(string(page.Body), "五山路至华南农业大学东门") || !strings.Contains(string(page.Body), `id="patrol-form"`) {
		t.Error("page lacks the group or the form")
	}
	a.ActiveOrg(st, "五山街义务巡逻队", commB)
	// organizations are chosen by name through the registry's picker (no list cut at 500)
	if !strings.Contains(string(page.Body), `id="p-org" name="org_id"`) || !strings.Contains(string(page.Body), `data-pick="/api/v1/orgs/pick?status=active"`) {
		t.Error("the patrol form has no organization picker")
	}
	if r := c.Do("POST", "/readiness/patrols", url.Values{"org_id": {"不存在的巡逻队"}, "area": {"茶山路"}, "members": {"8"},
		"starts": {"19:00"}, "ends": {"21:00"}, "weekday": {"2"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "找不到名为“不存在的巡逻队”的组织") {
		t.Errorf("an unknown organization: %d", r.Status)
	}
	form := url.Values{"org_id": {"五山街义务巡逻队"}, "area": {"茶山路"}, "members": {"8"}, "starts": {"19:00"}, "ends": {"21:00"}}
	if r := c.Do("POST", "/readiness/patrols", form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "请至少选择一个巡逻日") {
		t.Errorf("form without a day: %d", r.Status)
	}
	form["weekday"] = []string{"2", "4"}
	if r := c.Do("POST", "/readiness/patrols", form); r.Status != http.StatusSeeOther {
		t.Errorf("form: %d %s", r.Status, r.Body)
	}
	if n := a.Count("patrol_shifts"); n != 4 {
		t.Errorf("shifts %d, want 4", n)
	}
	// a drill by the page's form
	if r := c.Do("POST", "/readiness/drills", url.Values{"community_code": {commA}, "scenario": {"防汛转移演练"},
		"held_on": {"2023-06-01"}, "participants": {"60"}, "org_ids": {org.Name, "", ""}}); r.Status != http.StatusSeeOther {
		t.Errorf("drill form: %d %s", r.Status, r.Body)
	}
	if a.Count("drills") != 1 {
		t.Error("drill form wrote no drill")
	}
}
