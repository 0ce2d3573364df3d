package activity_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
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

// For every role, the activity page offers the major-activity report form
// exactly when the service accepts the report. The page used to offer it to
// anyone not read-only who saw the activity, so a co-organizer's leader or
// the staff of a hub serving only a co-organizer got a form the service
// then refused.
func TestReportOfferedIffAccepted(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	host := f.org("五山文艺协会", wushanComm, registry.TierStreet)
	co := f.org("五山舞蹈队", wushanComm, registry.TierStreet)
	hub := f.org("五山社会组织服务中心", wushanComm, registry.TierStreet)
	staff := f.hubServing(t, st, hub, co)
	users := []*auth.User{
		f.a.CreateUser("host-leader", auth.OrgLeader, wushanComm, host.ID),
		f.a.CreateUser("co-leader", auth.OrgLeader, wushanComm, co.ID),
		staff,
		f.a.CreateUser("wushan-committee", auth.CommunityCommittee, wushanComm, 0),
		st,
		f.street[yuancun],
		f.district,
		f.a.CreateUser("city", auth.CityAdmin, "4401", 0),
		f.a.CreateUser("auditor", auth.Auditor, "4401", 0),
	}
	want := map[string]bool{"host-leader": true, "wushan-committee": true, "wushan-officer": true, "tianhe-officer": true, "city": true}
	for i, u := range users {
		in := input(host, "广场文艺汇演"+strconv.Itoa(i), "culture", "performance", "2023-07-01", 19, 21, 300, 0)
		in.OrgIDs = []int64{host.ID, co.ID}
		a := f.create(t, st, in)
		if !a.Major {
			t.Fatalf("a 300-participant performance is not major")
		}
		page := f.a.As(u).Do("GET", "/activities/"+strconv.FormatInt(a.ID, 10), nil)
		offered := page.Status == http.StatusOK && strings.Contains(page.String(), `id="report-form"`)
		r := f.a.As(u).Do("POST", "/api/v1/major-reports", map[string]any{"activity_id": a.ID})
		accepted := r.Status == http.StatusCreated
		if offered != accepted || accepted != want[u.Username] {
			t.Errorf("%s (%s): page %d offers the report %v, the service answers %d; want both %v",
				u.Username, u.Role, page.Status, offered, r.Status, want[u.Username])
		}
		if offered {
			again := f.a.As(u).Do("GET", "/activities/"+strconv.FormatInt(a.ID, 10), nil)
			if strings.Contains(again.String(), `id="report-form"`) {
				t.Errorf("%s: the report form is offered again once reported", u.Username)
			}
		}
	}
}
