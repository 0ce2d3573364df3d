package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"linli/internal/activity"
	"linli/internal/platform/auth"
)

// A place's page is kept between requests (a hit reads one version and
// nothing else), and every change the page shows is on the next request
// of the community's, the street's and the district's pages: a withdrawn
// publication, a published case, a survey's published and withdrawn
// results, an organization renamed and one deregistered.
func TestPlacePageCacheFollowsChanges(t *testing.T) {
	w := newWorld(t)
	anon := w.a.Anon()
	leader := w.a.As(w.leader)
	id := strconv.FormatInt(w.dance.ID, 10)
	places := []string{comm, comm[:9], comm[:6]}
	// page gets a place's page, and how many round trips it took
	page := func(code string) (string, int64) {
		t.Helper()
		before := w.a.DB.RoundTrips()
		r := anon.Do("GET", "/p/"+code, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("/p/%s: %d", code, r.Status)
		}
		return r.String(), w.a.DB.RoundTrips() - before
	}
	// shows checks the text on every place's page, twice (the second a hit)
	shows := func(what, text string, want bool) {
		t.Helper()
		for _, code := range places {
			for i := 0; i < 2; i++ {
				s, trips := page(code)
				if strings.Contains(s, text) != want {
					t.Errorf("%s: /p/%s (request %d) shows %q: %v, want %v", what, code, i+1, text, !want, want)
				}
				if i == 1 && trips != 1 {
					t.Errorf("%s: /p/%s again: %d round trips, want 1 (a cache hit)", what, code, trips)
				}
			}
		}
	}
	const about = "每周三晚在育蕾广场排练"
	shows("before", about, false)

	// a publication, then its withdrawal
	if r := leader.Do("PUT", "/api/v1/orgs/"+id+"/publication", map[string]any{"about": true, "description": about}); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	shows("published", about, true)
	if r := leader.Do("PUT", "/api/v1/orgs/"+id+"/publication", map[string]any{"about": false, "version": 1}); r.Status != 200 {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	shows("withdrawn", about, false)

	// a typical case through the street and the district
	street := w.a.CreateUser("tnh-street", auth.StreetOfficer, comm[:9], 0)
	district := w.a.CreateUser("th-district", auth.DistrictOfficer, comm[:6], 0)
	r := leader.Do("POST", "/api/v1/cases", map[string]any{"title": "舞蹈队的十年", "story": "从三个人到三十人"})
	if r.Status != http.StatusCreated {
		t.Fatalf("case: %d %s", r.Status, r.Body)
	}
	var c struct{ ID int64 }
	r.Decode(&c)
	for _, d := range []struct {
		u        *auth.User
		decision string
	}{{w.leader, "submit"}, {street, "approve"}, {district, "approve"}} {
		if r := w.a.As(d.u).Do("POST", fmt.Sprintf("/api/v1/cases/%d/decision", c.ID), map[string]string{"decision": d.decision}); r.Status != 200 {
			t.Fatalf("%s: %d %s", d.decision, r.Status, r.Body)
		}
		if d.decision != "approve" || d.u != district {
			shows("case "+d.decision, "舞蹈队的十年", false)
		}
	}
	shows("case published", "舞蹈队的十年", true)

	// a survey's results, published and withdrawn
	r = w.a.As(district).Do("POST", "/api/v1/surveys", map[string]any{"title": "天河区居民认可度调查", "unit_code": comm[:6],
		"opens_on": "2023-06-01", "closes_on": "2023-06-30"})
	if r.Status != http.StatusCreated {
		t.Fatalf("survey: %d %s", r.Status, r.Body)
	}
	var sv struct{ ID int64 }
	r.Decode(&sv)
	shows("survey unpublished", "天河区居民认可度调查", false)
	for _, on := range []bool{true, false} {
		if r := w.a.As(district).Do("POST", fmt.Sprintf("/api/v1/surveys/%d/publication", sv.ID), map[string]bool{"published": on}); r.Status != 200 {
			t.Fatalf("publication %v: %d %s", on, r.Status, r.Body)
		}
		shows(fmt.Sprintf("survey published %v", on), "天河区居民认可度调查", on)
	}

	// an organization renamed, then one deregistered
	if r := w.a.As(w.city).Do("PATCH", "/api/v1/orgs/"+strconv.FormatInt(w.callig.ID, 10), map[string]any{"name": "育蕾翰墨书画社"}); r.Status != 200 {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	shows("renamed", "育蕾翰墨书画社", true)
	if _, err := w.a.DB.Write.Exec(`UPDATE orgs SET status = 'deregistered' WHERE id = $1`, w.callig.ID); err != nil {
		t.Fatal(err)
	}
	shows("deregistered", "育蕾翰墨书画社", false)

	// the page rendered for visitors is theirs alone: a signed-in user
	// gets their own (their name in the menu), a query its own, and the
	// visitor's page stays without either
	if s := leader.Do("GET", "/p/"+comm, nil).String(); !strings.Contains(s, w.leader.Username) {
		t.Error("a signed-in user was served the visitors' page")
	}
	if s := anon.Do("GET", "/p/"+comm+"?flash=portal.saved", nil).String(); !strings.Contains(s, "已保存，公开页面已更新") {
		t.Error("a page asked with a query was served the page without it")
	}
	if s, _ := page(comm); strings.Contains(s, w.leader.Username) || strings.Contains(s, "已保存，公开页面已更新") {
		t.Error("the visitors' page shows another request's user or message")
	}
}

// An organization's activities stay where they were held when it moves to
// another district: publishing or withdrawing its activities, and its
// deregistration, show on the next request of their community's page too.
func TestPlacePageCacheFollowsActivitiesElsewhere(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in := activity.Input{OrgIDs: []int64{w.dance.ID}, Title: "育蕾广场舞交流", Theme: "culture", Kind: "service",
		Fields: activity.ThemeFields["culture"][:1], StartsAt: "2023-06-10T19:00:00+08:00", EndsAt: "2023-06-10T21:00:00+08:00",
		CommunityCode: comm, TargetGroups: []string{"elderly"}, Participants: 20,
		Beneficiaries: activity.Beneficiaries{Total: 20, ByGroup: map[string]int{"elderly": 20}}}
	if _, err := w.a.Activity.Create(ctx, w.city, in); err != nil {
		t.Fatal(err)
	}
	var far string
	if err := w.a.DB.Read.QueryRowContext(ctx, `SELECT code FROM divisions WHERE length(code) = 12 AND code LIKE '4401%'
		AND code NOT LIKE '440106%' ORDER BY code LIMIT 1`).Scan(&far); err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.DB.Write.Exec(`UPDATE orgs SET community_code = $1, street_code = $2, district_code = $3 WHERE id = $4`,
		far, far[:9], far[:6], w.dance.ID); err != nil {
		t.Fatal(err)
	}
	anon := w.a.Anon()
	shows := func(what string, want bool) {
		t.Helper()
		for i := 0; i < 2; i++ {
			if got := strings.Contains(anon.Do("GET", "/p/"+comm, nil).String(), "育蕾广场舞交流"); got != want {
				t.Errorf("%s: /p/%s (request %d) shows the activity: %v, want %v", what, comm, i+1, got, want)
			}
		}
	}
	shows("unpublished", false)
	leader := w.a.As(w.leader)
	id := strconv.FormatInt(w.dance.ID, 10)
	if r := leader.Do("PUT", "/api/v1/orgs/"+id+"/publication", map[string]any{"activities": true}); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	shows("published", true)
	if r := leader.Do("PUT", "/api/v1/orgs/"+id+"/publication", map[string]any{"activities": false, "version": 1}); r.Status != 200 {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	shows("withdrawn", false)
	if r := leader.Do("PUT", "/api/v1/orgs/"+id+"/publication", map[string]any{"activities": true, "version": 2}); r.Status != 200 {
		t.Fatalf("publish again: %d %s", r.Status, r.Body)
	}
	shows("published again", true)
	if _, err := w.a.DB.Write.Exec(`UPDATE orgs SET status = 'deregistered' WHERE id = $1`, w.dance.ID); err != nil {
		t.Fatal(err)
	}
	shows("host deregistered", false)
}
