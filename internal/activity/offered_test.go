package activity_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
	"linli/internal/registry"
)

// accounts is one account of every role over Wushan's community (a
// leader of org, a hub's staff of hub), and a leader and a hub's staff
// without an organization besides.
func (f *fixture) accounts(org, hub int64) map[string]*auth.User {
	out := map[string]*auth.User{}
	for _, role := range auth.Roles {
		id := org
		if role == auth.HubStaff {
			id = hub
		}
		out[role] = f.a.CreateUser("", role, authtest.Scope(role), id)
	}
	out["leader without organization"] = f.a.CreateUser("", auth.OrgLeader, authtest.Scope(auth.OrgLeader), 0)
	out["hub staff without organization"] = f.a.CreateUser("", auth.HubStaff, authtest.Scope(auth.HubStaff), 0)
	return out
}

// For every role, the activities page offers "new activity" exactly when
// the service records one for the host (an organization a hub serves, so
// that its staff record for it), and the beneficiaries page offers its form exactly when the
// service registers one. Both pages used to offer their forms to anyone
// not read-only: a leader or a hub's staff without an organization and the
// security administrator were shown forms the service refused.
func TestAddOfferedIffAccepted(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	hub := f.org("五山社会组织服务中心", wushanComm, registry.TierStreet)
	host := f.org("五山长者互助队", wushanComm, registry.TierStreet)
	f.hubServing(t, st, hub, host)
	wantRecord := map[string]bool{auth.CityAdmin: true, auth.DistrictOfficer: true, auth.StreetOfficer: true,
		auth.CommunityCommittee: true, auth.HubStaff: true, auth.OrgLeader: true}
	wantRegister := map[string]bool{auth.CityAdmin: true, auth.DistrictOfficer: true, auth.StreetOfficer: true,
		auth.CommunityCommittee: true, auth.HubStaff: true, auth.OrgLeader: true, "hub staff without organization": true}
	i := 0
	for name, u := range f.accounts(host.ID, hub.ID) {
		i++
		c := f.a.As(u)
		page := c.Do("GET", "/activities", nil)
		offered := page.Status == http.StatusOK && strings.Contains(page.String(), `id="new-activity"`)
		r := c.Do("POST", "/api/v1/activities", input(host, "邻里议事"+strconv.Itoa(i), "culture", "performance", "2023-05-02", 9, 11, 20, 10))
		if accepted := r.Status == http.StatusCreated; offered != accepted || accepted != wantRecord[name] {
			t.Errorf("%s: the activities page (%d) offers a new activity %v, the service answers %d; want both %v",
				name, page.Status, offered, r.Status, wantRecord[name])
		}
		page = c.Do("GET", "/beneficiaries", nil)
		offered = page.Status == http.StatusOK && strings.Contains(page.String(), `id="new-beneficiary"`)
		r = c.Do("POST", "/api/v1/beneficiaries", map[string]any{"name": "五山居民" + strconv.Itoa(i), "phone": "13900001111",
			"community_code": wushanComm, "groups": []string{"elderly"}})
		if accepted := r.Status == http.StatusCreated; offered != accepted || accepted != wantRegister[name] {
			t.Errorf("%s: the beneficiaries page (%d) offers the form %v, the service answers %d; want both %v",
				name, page.Status, offered, r.Status, wantRegister[name])
		}
	}
}
