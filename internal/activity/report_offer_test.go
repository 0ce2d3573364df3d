package activity_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/registry"
)

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
