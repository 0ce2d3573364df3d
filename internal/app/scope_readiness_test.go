package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"linli/internal/readiness"
)

// Emergency readiness and liaison posts in the scope walk: a contact, a
// drill and a liaison post of a 五山 community.
func init() {
	scopeSetups = append(scopeSetups, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.a.Readiness
		if _, err := svc.AddContact(ctx, w.owner, readiness.ContactInput{CommunityCode: wushanComm, Hazard: "natural",
			Name: "五山应急值班", Phone: "020-87110000", CheckedOn: "2023-01-05"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddDrill(ctx, w.owner, readiness.DrillInput{CommunityCode: wushanComm, Scenario: "五山消防演练",
			HeldOn: "2023-03-03", Participants: 60}); err != nil {
			t.Fatal(err)
		}
		l, err := svc.AddLiaison(ctx, w.owner, readiness.LiaisonInput{CommunityCode: wushanComm, Holder: "社工 罗晓", Since: "2022-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		org := w.a.ActiveOrg(w.owner, "五山平安巡逻队", wushanComm)
		if _, err := svc.AddPatrol(ctx, w.owner, readiness.PatrolInput{OrgID: org.ID, Area: "五山路沿线", Members: 12,
			Shifts: []readiness.Shift{{Weekday: 5, Starts: "19:30", Ends: "21:30"}}}); err != nil {
			t.Fatal(err)
		}
		w.IDs["{liaison}"] = strconv.FormatInt(l.ID, 10)
		w.IDs["{wcomm}"] = wushanComm
		w.Missing["{wcomm}"] = "440106001999"
	})
	scopeSnapshots = append(scopeSnapshots, func(t *testing.T, w *world) string {
		return fmt.Sprintf("contacts %d drills %d liaisons %d log %d patrols %d shifts %d", w.a.Count("emergency_contacts"), w.a.Count("drills"),
			w.a.Count("liaisons"), w.a.Count("liaison_contacts"), w.a.Count("patrol_groups"), w.a.Count("patrol_shifts"))
	})
	nf, ok, inv := http.StatusNotFound, http.StatusOK, http.StatusUnprocessableEntity
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /readiness", path: "/readiness", want: ok, check: hides(wushanComm)},
		scopeCase{pattern: "GET /api/v1/emergency/contacts", path: "/api/v1/emergency/contacts?community={wcomm}", want: nf},
		scopeCase{pattern: "GET /api/v1/emergency/contacts", path: "/api/v1/emergency/contacts", want: ok, check: hides("五山应急值班")},
		scopeCase{pattern: "POST /api/v1/emergency/contacts", path: "/api/v1/emergency/contacts", body: map[string]any{
			"community_code": wushanComm, "hazard": "natural", "name": "入侵者", "phone": "110"}, want: inv},
		scopeCase{pattern: "GET /api/v1/emergency/coverage", path: "/api/v1/emergency/coverage", want: ok, check: hides(wushan)},
		scopeCase{pattern: "GET /api/v1/emergency/coverage", path: "/api/v1/emergency/coverage?within={wcomm}", want: nf},
		scopeCase{pattern: "GET /api/v1/drills", path: "/api/v1/drills", want: ok, check: hides("五山消防演练")},
		scopeCase{pattern: "POST /api/v1/drills", path: "/api/v1/drills", body: map[string]any{"community_code": wushanComm,
			"scenario": "入侵演练", "held_on": "2023-01-01", "participants": 3}, want: inv},
		scopeCase{pattern: "GET /api/v1/liaisons", path: "/api/v1/liaisons", want: ok, check: hides("社工 罗晓", wushanComm)},
		scopeCase{pattern: "POST /api/v1/liaisons", path: "/api/v1/liaisons", body: map[string]any{"community_code": wushanComm,
			"holder": "入侵者", "since": "2023-01-01"}, want: inv},
		scopeCase{pattern: "GET /api/v1/patrol-groups", path: "/api/v1/patrol-groups", want: ok, check: hides("五山平安巡逻队", "五山路沿线")},
		scopeCase{pattern: "POST /api/v1/patrol-groups", path: "/api/v1/patrol-groups", body: map[string]any{"org_id": 1, "area": "入侵",
			"members": 3, "shifts": []map[string]any{{"weekday": 1, "starts": "19:00", "ends": "20:00"}}}, want: inv},
		scopeCase{pattern: "GET /readiness", path: "/readiness", want: ok, check: hides("五山平安巡逻队", "五山消防演练")},
		scopeCase{pattern: "POST /readiness/drills", path: "/readiness/drills", body: form("community_code", wushanComm,
			"scenario", "入侵演练", "held_on", "2023-01-01", "participants", "3"), want: inv},
		scopeCase{pattern: "POST /readiness/contacts", path: "/readiness/contacts", body: form("community_code", wushanComm,
			"hazard", "natural", "name", "入侵者", "phone", "110"), want: inv},
		scopeCase{pattern: "POST /readiness/liaisons", path: "/readiness/liaisons", body: form("community_code", wushanComm,
			"holder", "入侵者", "since", "2023-01-01"), want: inv},
		scopeCase{pattern: "POST /readiness/patrols", path: "/readiness/patrols", body: form("org_id", "1", "area", "入侵",
			"members", "3", "weekday", "1", "starts", "19:00", "ends", "20:00"), want: inv},
		scopeCase{pattern: "POST /api/v1/liaisons/{id}/contacts", path: "/api/v1/liaisons/{liaison}/contacts", body: map[string]any{
			"on_date": "2023-01-02", "kind": "visit", "summary": "入侵"}, want: nf},
	)
}
