package funding_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// communityFixture is an app with a district and a street officer, and
// org, which makes an active community-tier organization of 五山's
// community.
func communityFixture(t *testing.T) (*apptest.App, *auth.User, *auth.User, func(name string) *registry.Org) {
	a := apptest.New(t)
	district := a.CreateUser("", auth.DistrictOfficer, tianhe, 0)
	street := a.CreateUser("", auth.StreetOfficer, wushan, 0)
	return a, district, street, func(name string) *registry.Org { return activeOrg(a, street, name) }
}

// communityCall is a district's call open to active community-tier
// organizations.
func communityCall() map[string]any {
	return map[string]any{"title": "2023年天河区社区公益创投",
		"channel": "venture_philanthropy", "unit_code": tianhe, "budget_fen": 1_000_000, "fields": []string{"elderly"},
		"eligibility": map[string]any{"tiers": []string{"community"}, "statuses": []string{"active"}},
		"opens_on":    "2023-06-01", "closes_on": "2023-06-30", "review_on": "2023-07-10", "award_on": "2023-07-20",
		"criteria": []map[string]any{{"key": "need", "name": "需求契合", "weight": 100, "max": 10}}}
}

// TestApplyOffersWhatApplyAllows: for each role, the organizations the
// apply page offers are exactly those the service lets the viewer apply
// for, and the call's page links to it iff it offers one.
func TestApplyOffersWhatApplyAllows(t *testing.T) {
	a, district, street, org := communityFixture(t)
	hub, held, alone := org("五山社区服务中心"), org("五山长者互助队"), org("五山散步队")
	staff := a.Hub(street, hub, "", held)
	var call struct{ ID int64 }
	must(t, a.As(district).Do("POST", "/api/v1/calls", communityCall()), 201, &call)
	users := map[string]*auth.User{
		"district":     district,
		"street":       street,
		"hub staff":    staff,
		"hub leader":   a.CreateUser("", auth.OrgLeader, wushanComm, hub.ID),
		"held leader":  a.CreateUser("", auth.OrgLeader, wushanComm, held.ID),
		"alone leader": a.CreateUser("", auth.OrgLeader, wushanComm, alone.ID),
		"auditor":      a.User(auth.Auditor, "4401"),
	}
	allowedFor := map[string]map[string]bool{}
	for name, u := range users {
		allowedFor[name] = map[string]bool{}
		c := a.As(u)
		show := page(t, c.Do("GET", fmt.Sprintf("/calls/%d", call.ID), nil), 200)
		linked := strings.Contains(show, `id="apply-link"`)
		form := c.Do("GET", fmt.Sprintf("/calls/%d/apply", call.ID), nil)
		if linked != (form.Status == http.StatusOK) {
			t.Errorf("%s: the call links to apply %v, the apply page answers %d", name, linked, form.Status)
		}
		for _, o := range []*registry.Org{hub, held, alone} {
			offered := form.Status == http.StatusOK && strings.Contains(form.String(), fmt.Sprintf(`<option value="%d"`, o.ID))
			r := c.Do("POST", fmt.Sprintf("/api/v1/calls/%d/applications", call.ID), map[string]any{"org_id": o.ID,
				"title": "长者陪伴", "request_fen": 100_000, "budget": []map[string]any{{"item": "物资", "amount_fen": 100_000}}})
			if r.Status != http.StatusCreated && r.Status != http.StatusForbidden {
				t.Fatalf("%s for %s: %d %s", name, o.Name, r.Status, r.Body)
			}
			allowed := r.Status == http.StatusCreated
			if offered != allowed {
				t.Errorf("%s for %s: the page offers it %v, the service allows it %v", name, o.Name, offered, allowed)
			}
			allowedFor[name][o.Name] = allowed
		}
	}
	// who applies for whom: an organization's own people (the hub's staff
	// for the hub itself, its money in no one's custody, like its leader),
	// and the hub's staff for the organization whose money it holds
	want := map[string][]string{"hub staff": {hub.Name, held.Name}, "hub leader": {hub.Name}, "held leader": {held.Name},
		"alone leader": {alone.Name}}
	for name := range users {
		for _, o := range []*registry.Org{hub, held, alone} {
			if w := slices.Contains(want[name], o.Name); allowedFor[name][o.Name] != w {
				t.Errorf("%s applies for %s: %v, want %v", name, o.Name, allowedFor[name][o.Name], w)
			}
		}
	}
}

// TestKeyedCreatesReplay: a call and an application made with an
// Idempotency-Key answer 201 with the new object's address; the same key
// again replays the first answer, byte for byte, and makes nothing more;
// a refused application with a key writes nothing.
func TestKeyedCreatesReplay(t *testing.T) {
	a, district, _, communityOrg := communityFixture(t)
	org, other := communityOrg("五山长者互助队"), communityOrg("五山散步队")
	leader := a.As(a.CreateUser("", auth.OrgLeader, wushanComm, org.ID))
	call := communityCall()
	first := a.As(district).Do("POST", "/api/v1/calls", call, "Idempotency-Key", "call-1")
	var c struct{ ID int64 }
	must(t, first, http.StatusCreated, &c)
	if want := fmt.Sprintf("/api/v1/calls/%d", c.ID); first.Header.Get("Location") != want {
		t.Fatalf("Location %q, want %q", first.Header.Get("Location"), want)
	}
	again := a.As(district).Do("POST", "/api/v1/calls", call, "Idempotency-Key", "call-1")
	if again.Status != http.StatusCreated || !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("call replay: %d %s (first %s)", again.Status, again.Body, first.Body)
	}
	if n := a.Count("fund_calls"); n != 1 {
		t.Fatalf("%d calls after the replay", n)
	}

	apply := fmt.Sprintf("/api/v1/calls/%d/applications", c.ID)
	body := func(orgID int64) map[string]any {
		return map[string]any{"org_id": orgID, "title": "长者陪伴", "request_fen": 100_000,
			"budget": []map[string]any{{"item": "物资", "amount_fen": 100_000}}}
	}
	if r := leader.Do("POST", apply, body(other.ID), "Idempotency-Key", "app-0"); r.Status != http.StatusForbidden {
		t.Fatalf("apply for another organization: %d %s", r.Status, r.Body)
	}
	if n := a.Count("fund_applications"); n != 0 {
		t.Fatalf("a refused application wrote %d", n)
	}
	first = leader.Do("POST", apply, body(org.ID), "Idempotency-Key", "app-1")
	var ap struct{ ID int64 }
	must(t, first, http.StatusCreated, &ap)
	if want := fmt.Sprintf("/api/v1/applications/%d", ap.ID); first.Header.Get("Location") != want {
		t.Fatalf("Location %q, want %q", first.Header.Get("Location"), want)
	}
	again = leader.Do("POST", apply, body(org.ID), "Idempotency-Key", "app-1")
	if again.Status != http.StatusCreated || !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("application replay: %d %s (first %s)", again.Status, again.Body, first.Body)
	}
	if n := a.Count("fund_applications"); n != 1 {
		t.Fatalf("%d applications after the replay", n)
	}
}
