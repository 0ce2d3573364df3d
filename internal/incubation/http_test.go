package incubation_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/incubation"
	"linli/internal/platform/auth"
)

func TestBasePagesAndAPI(t *testing.T) {
	a := apptest.New(t)
	officer := a.User(auth.StreetOfficer, street)
	c := a.As(officer)
	org := a.ActiveOrg(officer, "育蕾合唱团", yulei)
	leader := a.As(a.CreateUser("", auth.OrgLeader, yulei, org.ID))

	form := url.Values{"name": {"天河南培育基地"}, "host_type": {"social_work_station"}, "division_code": {street},
		"opened_on": {"2021-10-01"}, "services": {"incubation", "training"}, "opening_hours": {"9:00-18:00"},
		"late_reason": {"历史资料补录"}}
	r := c.Do("POST", "/bases", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	loc := r.Header.Get("Location")
	form.Set("division_code", otherStreet)
	if r := c.Do("POST", "/bases", form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), "天河南培育基地") {
		t.Fatalf("outside scope: %d", r.Status)
	}
	var id int64
	fmt.Sscanf(loc, "/bases/%d", &id)
	// its form: shown to its editors; a leader who sees the base may not edit it
	if r := c.Do("GET", fmt.Sprintf("/bases/%d/edit", id), nil); r.Status != http.StatusOK || !strings.Contains(r.String(), "天河南培育基地") {
		t.Fatalf("edit page: %d", r.Status)
	}
	if r := leader.Do("GET", fmt.Sprintf("/bases/%d/edit", id), nil); r.Status != http.StatusForbidden {
		t.Fatalf("edit page to a leader: %d", r.Status)
	}
	if r := c.Do("POST", fmt.Sprintf("/bases/%d/rooms", id), url.Values{"name": {"活动室"}, "capacity": {"30"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("room: %d %s", r.Status, r.Body)
	}
	var d incubation.Detail
	r = leader.Do("GET", fmt.Sprintf("/api/v1/bases/%d", id), nil)
	r.Decode(&d)
	if len(d.Rooms) != 1 || d.Base.Name != "天河南培育基地" {
		t.Fatalf("detail %+v", d)
	}
	body := map[string]any{"room_id": d.Rooms[0].ID, "org_id": org.ID, "starts_at": "2023-06-20T14:00:00+08:00",
		"ends_at": "2023-06-20T16:00:00+08:00", "purpose": "排练"}
	if r := leader.Do("POST", fmt.Sprintf("/api/v1/bases/%d/bookings", id), body, "Idempotency-Key", "b1"); r.Status != http.StatusCreated {
		t.Fatalf("book: %d %s", r.Status, r.Body)
	}
	if r := leader.Do("POST", fmt.Sprintf("/api/v1/bases/%d/bookings", id), body, "Idempotency-Key", "b1"); r.Status != http.StatusCreated {
		t.Fatalf("retry: %d %s", r.Status, r.Body)
	}
	if r := leader.Do("POST", fmt.Sprintf("/api/v1/bases/%d/bookings", id), body); r.Status != http.StatusConflict {
		t.Fatalf("overlap: %d %s", r.Status, r.Body)
	}
	page := leader.Do("POST", fmt.Sprintf("/bases/%d/bookings", id), url.Values{"room_id": {fmt.Sprint(d.Rooms[0].ID)},
		"org_id": {fmt.Sprint(org.ID)}, "starts_at": {"2023-06-20T15:00"}, "ends_at": {"2023-06-20T17:00"}, "purpose": {"加练"}})
	if page.Status != http.StatusConflict || !page.IsHTML() {
		t.Fatalf("overlapping form: %d", page.Status)
	}
	for path, text := range map[string]string{
		"/bases":                     "天河南培育基地",
		fmt.Sprintf("/bases/%d", id): "booking-form",
		"/bases/coverage?within=440106008&on=2023-06-15": "coverage-percent",
		"/bases/new": "division_code",
	} {
		who := c
		if path == fmt.Sprintf("/bases/%d", id) {
			who = leader
		}
		if r := who.Do("GET", path, nil); r.Status != http.StatusOK || !strings.Contains(r.String(), text) {
			t.Errorf("GET %s: %d, want %q", path, r.Status, text)
		}
	}
	var cov incubation.Coverage
	c.Do("GET", "/api/v1/bases/coverage", nil).Decode(&cov)
	if cov.Covered != 1 || cov.Streets != 1 {
		t.Fatalf("coverage %+v", cov)
	}
}

// TestCancelOfferedIffAllowed: for each role, the base's page offers to
// cancel a booking exactly when the service then cancels it. The page used
// to offer it to anyone whose organization was booked, a hub's staff
// included, whom the service refuses.
func TestCancelOfferedIffAllowed(t *testing.T) {
	a := apptest.New(t)
	officer := a.User(auth.StreetOfficer, street)
	c := a.As(officer)
	in := apptest.ActiveInput("育蕾社区服务中心", yulei)
	in.Tier = "community"
	hub := a.CreateOrg(officer, in)
	if r := c.Do("POST", "/api/v1/hubs", map[string]any{"org_id": hub.ID}); r.Status != http.StatusOK {
		t.Fatalf("designate: %d %s", r.Status, r.Body)
	}
	var b incubation.Base
	c.Do("POST", "/api/v1/bases", map[string]any{"name": "天河南培育基地", "host_type": "social_work_station",
		"division_code": street, "opened_on": "2021-10-01", "late_reason": "历史资料补录"}).Expect(http.StatusCreated).Decode(&b)
	if r := c.Do("POST", fmt.Sprintf("/bases/%d/rooms", b.ID), url.Values{"name": {"活动室"}, "capacity": {"30"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("room: %d %s", r.Status, r.Body)
	}
	var d incubation.Detail
	c.Do("GET", fmt.Sprintf("/api/v1/bases/%d", b.ID), nil).Decode(&d)
	committee := a.CreateUser("", auth.CommunityCommittee, yulei, 0)
	users := map[string]*auth.User{
		"street":     officer,
		"district":   a.User(auth.DistrictOfficer, "440106"),
		"committee":  committee,
		"hub staff":  a.CreateUser("", auth.HubStaff, street, hub.ID),
		"hub leader": a.CreateUser("", auth.OrgLeader, yulei, hub.ID),
		"auditor":    a.User(auth.Auditor, "4401"),
	}
	want := map[string]bool{"street": true, "district": true, "committee": true, "hub leader": true}
	day := 10
	for name, u := range users {
		day++
		var k incubation.Booking
		a.As(committee).Do("POST", fmt.Sprintf("/api/v1/bases/%d/bookings", b.ID), map[string]any{"room_id": d.Rooms[0].ID,
			"org_id": hub.ID, "starts_at": fmt.Sprintf("2023-07-%02dT14:00:00+08:00", day),
			"ends_at": fmt.Sprintf("2023-07-%02dT16:00:00+08:00", day), "purpose": "议事"}).Expect(http.StatusCreated).Decode(&k)
		cancel := fmt.Sprintf("/bases/%d/bookings/%d/cancel", b.ID, k.ID)
		uc := a.As(u)
		page := uc.Do("GET", fmt.Sprintf("/bases/%d", b.ID), nil).Expect(http.StatusOK)
		offered := strings.Contains(page.String(), `action="`+cancel+`"`)
		r := uc.Do("POST", cancel, nil)
		allowed := r.Status == http.StatusSeeOther
		if !allowed && r.Status != http.StatusForbidden {
			t.Fatalf("%s: cancel: %d %s", name, r.Status, r.Body)
		}
		if offered != allowed || allowed != want[name] {
			t.Errorf("%s: page offers cancel %v, service allows it %v, want %v", name, offered, allowed, want[name])
		}
	}
}
