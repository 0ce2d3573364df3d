package hub_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// TestHubPageOffersWhatServicesAllow: for each role, the hub's page links
// to its books exactly when the ledger shows them, and the hub list offers
// to designate exactly when the registry designates an organization of
// the viewer's scope.
func TestHubPageOffersWhatServicesAllow(t *testing.T) {
	a := apptest.New(t)
	officer := a.User(auth.StreetOfficer, street)
	active := func(name string) *registry.Org {
		in := apptest.ActiveInput(name, yulei)
		in.Tier = "community"
		return a.CreateOrg(officer, in)
	}
	hub, member := active("育蕾社区服务中心"), active("育蕾长者互助队")
	hubID, memberID := hub.ID, member.ID
	staff := a.Hub(officer, hub, "", member)
	users := map[string]*auth.User{
		"street":        officer,
		"district":      a.User(auth.DistrictOfficer, "440106"),
		"city":          a.User(auth.CityAdmin, "4401"),
		"committee":     a.User(auth.CommunityCommittee, yulei),
		"hub staff":     staff,
		"hub leader":    a.CreateUser("", auth.OrgLeader, yulei, hubID),
		"served leader": a.CreateUser("", auth.OrgLeader, yulei, memberID),
		"auditor":       a.User(auth.Auditor, "4401"),
	}
	books := map[string]bool{"street": true, "district": true, "city": true, "committee": true, "hub staff": true, "auditor": true}
	designates := map[string]bool{"street": true, "district": true, "city": true}
	n := 0
	for name, u := range users {
		c := a.As(u)
		page := c.Do("GET", fmt.Sprintf("/hubs/%d", hubID), nil).Expect(http.StatusOK)
		linked := strings.Contains(page.String(), `id="books"`)
		st := c.Do("GET", fmt.Sprintf("/hubs/%d/statement", hubID), nil)
		if st.Status != http.StatusOK && st.Status != http.StatusNotFound {
			t.Fatalf("%s: statement %d", name, st.Status)
		}
		if linked != (st.Status == http.StatusOK) || linked != books[name] {
			t.Errorf("%s: page links the books %v, statement %d, want %v", name, linked, st.Status, books[name])
		}

		list := c.Do("GET", "/hubs", nil).Expect(http.StatusOK)
		offered := strings.Contains(list.String(), `id="designate"`)
		n++
		r := c.Do("POST", "/api/v1/hubs", map[string]any{"org_id": active(fmt.Sprintf("育蕾第%d服务站", n)).ID})
		if r.Status != http.StatusOK && r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
			t.Fatalf("%s: designate %d %s", name, r.Status, r.Body)
		}
		if offered != (r.Status == http.StatusOK) || offered != designates[name] {
			t.Errorf("%s: list offers designation %v, designation answers %d, want %v", name, offered, r.Status, designates[name])
		}
	}
}

// TestHubPageTodayIsChinaDay: the dates the hub's page offers (consent,
// custody, a worker's start) default to and stop at China's day, the day
// the service checks them against, also in the hours after midnight in
// China when the UTC day is still the day before.
func TestHubPageTodayIsChinaDay(t *testing.T) {
	a := apptest.New(t)
	officer := a.User(auth.StreetOfficer, street)
	in := apptest.ActiveInput("育蕾社区服务中心", yulei)
	hub := a.CreateOrg(officer, in)
	a.Hub(officer, hub, "")
	a.Clock.Set(time.Date(2023, 6, 15, 17, 30, 0, 0, time.UTC)) // 2023-06-16 01:30 in China
	page := a.As(officer).Do("GET", fmt.Sprintf("/hubs/%d", hub.ID), nil).Expect(http.StatusOK).String()
	if !strings.Contains(page, `name="consent_on" value="2023-06-16" max="2023-06-16"`) {
		t.Fatalf("the page's day is not China's 2023-06-16:\n%s", page)
	}
}
