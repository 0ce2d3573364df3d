package activity_test

import (
	"strconv"
	"strings"
	"testing"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/registry"
)

// A hub's staff see the activities of their hub and of the organizations it
// serves, not every activity of their street: the list, one activity, the
// reports and the consultations (the scope rule of custody and funding).
func TestHubStaffSeeWhatTheirHubServes(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	hub := f.org("五山社会组织服务中心", wushanComm, registry.TierStreet)
	served := f.org("五山长者互助队", wushanComm, registry.TierStreet)
	other := f.org("五山书法社", wushanComm, registry.TierStreet)
	staff := f.hubServing(t, st, hub, served)

	mine := f.create(t, staff, input(served, "互助队探访", "neighbourly_watch", "service", "2023-05-02", 9, 11, 5, 4))
	own := f.create(t, st, input(hub, "中心培训", "other", "service", "2023-05-03", 9, 11, 5, 4))
	theirs := f.create(t, st, input(other, "书法社展览", "culture", "performance", "2023-05-04", 9, 11, 300, 0))
	f.post(t, st, "/api/v1/major-reports", map[string]any{"activity_id": theirs.ID}, 201)
	f.post(t, st, "/api/v1/consultations", map[string]any{"topic": "书法社议题", "topic_kind": "other", "community_code": wushanComm,
		"raised_by": "residents", "org_ids": []int64{other.ID}, "meetings": []map[string]any{{"held_on": "2023-04-02"}}}, 201)

	var p activity.Page
	f.a.As(staff).Do("GET", "/api/v1/activities", nil).Decode(&p)
	got := map[int64]bool{}
	for _, a := range p.Items {
		got[a.ID] = true
	}
	if p.Total != 2 || !got[mine.ID] || !got[own.ID] || got[theirs.ID] {
		t.Errorf("the hub's staff list %d activities %v, want the served organization's and the hub's own", p.Total, got)
	}
	if r := f.a.As(staff).Do("GET", "/api/v1/activities/"+strconv.FormatInt(theirs.ID, 10), nil); r.Status != 404 {
		t.Errorf("an activity of an organization the hub does not serve: %d", r.Status)
	}
	if r := f.a.As(staff).Do("GET", "/api/v1/activities/"+strconv.FormatInt(mine.ID, 10), nil); r.Status != 200 {
		t.Errorf("an activity of a served organization: %d", r.Status)
	}
	for _, path := range []string{"/api/v1/major-reports", "/api/v1/consultations", "/activities", "/major-reports"} {
		r := f.a.As(staff).Do("GET", path, nil)
		if r.Status != 200 || strings.Contains(r.String(), "书法社") {
			t.Errorf("%s: %d, shows the other organization's activity", path, r.Status)
		}
	}
	// the street officer still sees all three
	f.a.As(st).Do("GET", "/api/v1/activities", nil).Decode(&p)
	if p.Total != 4 { // and the consultation's activity
		t.Errorf("the street sees %d activities, want 4", p.Total)
	}
	_ = apptest.Start
}
