package funding_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// TestKeyedCreatesReplay: a call and an application made with an
// Idempotency-Key answer 201 with the new object's address; the same key
// again replays the first answer, byte for byte, and makes nothing more;
// a refused application with a key writes nothing.
func TestKeyedCreatesReplay(t *testing.T) {
	a := apptest.New(t)
	district := a.CreateUser("", auth.DistrictOfficer, tianhe, 0)
	street := a.CreateUser("", auth.StreetOfficer, wushan, 0)
	in := apptest.OrgInput("五山长者互助队", wushanComm)
	in.Tier, in.Status = registry.TierCommunity, registry.StatusActive
	org := a.CreateOrg(street, in)
	in = apptest.OrgInput("五山散步队", wushanComm)
	in.Tier, in.Status = registry.TierCommunity, registry.StatusActive
	other := a.CreateOrg(street, in)
	leader := a.As(a.CreateUser("", auth.OrgLeader, wushanComm, org.ID))

	call := map[string]any{"title": "2023年天河区社区公益创投",
		"channel": "venture_philanthropy", "unit_code": tianhe, "budget_fen": 1_000_000, "fields": []string{"elderly"},
		"eligibility": map[string]any{"tiers": []string{"community"}, "statuses": []string{"active"}},
		"opens_on":    "2023-06-01", "closes_on": "2023-06-30", "review_on": "2023-07-10", "award_on": "2023-07-20",
		"criteria": []map[string]any{{"key": "need", "name": "需求契合", "weight": 100, "max": 10}}}
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
