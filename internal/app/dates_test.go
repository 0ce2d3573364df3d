package app_test

import (
	"strconv"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
)

// TestEffectiveDatesOverHTTP: PATCH /api/v1/orgs/{id} and POST
// /api/v1/orgs/{id}/transitions take effective_on and late_reason; a late
// entry without a reason is 422 naming late_reason and writes nothing; the
// history answers when each change took effect and was entered.
func TestEffectiveDatesOverHTTP(t *testing.T) {
	a := apptest.New(t) // the clock: 2023-06-15
	c := a.As(a.User(auth.StreetOfficer, wushan))
	in := apptest.OrgInput("五山粤剧社", wushanComm)
	in.EffectiveOn, in.LateReason = "2021-03-01", "2021 年台账补录"
	r := c.Do("POST", "/api/v1/orgs", in)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var o struct{ ID int64 }
	r.Decode(&o)
	id := strconv.FormatInt(o.ID, 10)
	hist := a.Count("org_history")
	for _, c2 := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"action": "approve", "effective_on": "2021-04-01"}, "late_reason"},
		{map[string]any{"action": "approve", "effective_on": "2023-06-16", "late_reason": "x"}, "effective_on"},
		{map[string]any{"action": "approve", "effective_on": "2021-02-01", "late_reason": "x"}, "effective_on"},
	} {
		r := c.Do("POST", "/api/v1/orgs/"+id+"/transitions", c2.body)
		if r.Status != 422 {
			t.Fatalf("%v: %d %s", c2.body, r.Status, r.Body)
		}
		if e := r.Error(); e.Fields[c2.field] == "" {
			t.Fatalf("%v: fields %v, want %s", c2.body, e.Fields, c2.field)
		}
	}
	if r := c.Do("PATCH", "/api/v1/orgs/"+id, map[string]any{"party_org": "joint", "effective_on": "2022-01-01"}); r.Status != 422 ||
		r.Error().Fields["late_reason"] == "" {
		t.Fatalf("patch without a reason: %d %s", r.Status, r.Body)
	}
	if n := a.Count("org_history"); n != hist {
		t.Fatalf("refused changes wrote %d history rows", n-hist)
	}
	if r := c.Do("POST", "/api/v1/orgs/"+id+"/transitions", map[string]any{"action": "approve", "effective_on": "2021-04-01",
		"late_reason": "2021 年台账补录"}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if r := c.Do("PATCH", "/api/v1/orgs/"+id, map[string]any{"party_org": "joint", "effective_on": "2023-06-01"}); r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	var h struct {
		Items []struct {
			Field, Value, At string
			LateReason       string `json:"late_reason"`
			EnteredAt        string `json:"entered_at"`
		}
	}
	hr := c.Do("GET", "/api/v1/orgs/"+id+"/history", nil)
	hr.Decode(&h)
	got := map[string]string{}
	for _, e := range h.Items {
		got[e.Field+"="+e.Value] = e.At[:10] + " " + e.LateReason
		if e.EnteredAt == "" {
			t.Errorf("%s: no entered_at", e.Field)
		}
	}
	for k, want := range map[string]string{"status=active": "2021-03-31 2021 年台账补录", "party_org=joint": "2023-05-31 ",
		"status=pending": "2021-02-28 2021 年台账补录"} {
		if got[k] != want {
			t.Errorf("%s: %q, want %q (%v)", k, got[k], want, got)
		}
	}
}
