package app_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/civic"
	"linli/internal/platform/auth"
	"linli/internal/platform/upload"
)

// The civic room in the scope walk. The foreign objects: an active 五山
// organization with an activity open to sign-ups, a 五山 resident who took
// part and rated it (the comment awaits the committee), a survey of the
// 五山 street the resident answered, and a case of the street waiting for
// the district, with a photo. Officers of another district or street see
// none of them; resident routes refuse officers.
func init() {
	scopeSetups = append(scopeSetups, func(t *testing.T, w *world) {
		ctx := context.Background()
		org := w.a.ActiveOrg(w.owner, "五山睦邻合唱团", wushanComm)
		start := apptest.Start.Add(-48 * time.Hour)
		act, err := w.a.Activity.Create(ctx, w.owner, activity.Input{OrgIDs: []int64{org.ID}, Title: "五山睦邻歌会", Theme: "culture",
			Kind: "service", StartsAt: start.Format(time.RFC3339), EndsAt: start.Add(time.Hour).Format(time.RFC3339),
			CommunityCode: wushanComm, Participants: 10, Beneficiaries: activity.Beneficiaries{Total: 5, Other: 5}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.a.Activity.SetSignups(ctx, w.owner, act.ID, true, 10); err != nil {
			t.Fatal(err)
		}
		res, err := w.a.Civic.SignUp(ctx, civic.SignUp{Username: "wushan-resident", Password: apptest.Password, CommunityCode: wushanComm,
			Phone: "13712345678"}, "")
		if err != nil {
			t.Fatal(err)
		}
		ru := &auth.User{ID: res.ID, Username: res.Username, Role: auth.Resident, ScopeCode: wushanComm}
		if _, err := w.a.DB.Write.Exec(`INSERT INTO activity_signups (activity_id, user_id, created_at) VALUES ($1, $2, $3)`,
			act.ID, ru.ID, w.a.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		rt, err := w.a.Civic.Rate(ctx, ru, org.ID, civic.RatingInput{Stars: 5, Comment: "五山合唱团秘密评语"})
		if err != nil {
			t.Fatal(err)
		}
		sv, err := w.a.Civic.CreateSurvey(ctx, w.owner, civic.SurveyInput{Title: "五山街认可度调查", UnitCode: wushan, OpensOn: "2023-06-01", ClosesOn: "2023-06-30"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.a.Civic.AnswerSurvey(ctx, ru, sv.ID, civic.AnswerInput{Answers: map[string]string{"knows": "yes", "took_part": "yes", "satisfaction": "5"}}); err != nil {
			t.Fatal(err)
		}
		c, err := w.a.Civic.CreateCase(ctx, w.owner, civic.CaseInput{Title: "五山秘密案例", Story: "五山街道的经验", ActivityIDs: []int64{act.ID}})
		if err != nil {
			t.Fatal(err)
		}
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
		pid, err := w.a.Civic.AddPhoto(ctx, w.owner, c.ID, &upload.File{Filename: "a.png", Data: png})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Civic.Decide(ctx, w.owner, c.ID, civic.Decision{Decision: "submit"}); err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]int64{"{corg}": org.ID, "{cact}": act.ID, "{rating}": rt.ID, "{survey}": sv.ID, "{case}": c.ID, "{cphoto}": pid} {
			w.IDs[k] = strconv.FormatInt(v, 10)
		}
	})
	scopeSnapshots = append(scopeSnapshots, func(t *testing.T, w *world) string {
		return snapshotOf(t, w, "civic",
			`SELECT COUNT(*) || ':' || COALESCE(MAX(comment_status), '') || ':' || COALESCE(MAX(answer), '') FROM org_ratings`,
			`SELECT COUNT(*) || ':' || COALESCE(MAX(status), '') || ':' || COALESCE(SUM(featured), 0) FROM cases`,
			`SELECT COUNT(*) FROM case_photos`, `SELECT COUNT(*) FROM case_decisions`, `SELECT COUNT(*) FROM surveys`,
			`SELECT COUNT(*) FROM survey_answers`, `SELECT COUNT(*) FROM activity_signups`, `SELECT COUNT(*) FROM org_follows`,
			`SELECT COUNT(*) FROM resident_profiles`, `SELECT COUNT(*) || ':' || COALESCE(SUM(accepts_signups), 0) || ':' || COALESCE(SUM(signup_capacity), 0) FROM activities`,
			`SELECT COUNT(*) FROM fund_needs`, `SELECT COUNT(published_at) FROM surveys`,
		)
	})
	nf, ok, inv, fb := http.StatusNotFound, http.StatusOK, http.StatusUnprocessableEntity, http.StatusForbidden
	secret := hides("五山秘密案例", "五山合唱团秘密评语", "五山街认可度调查", "wushan-resident", "13712345678")
	badSignUp := map[string]string{"username": "{self}-res", "password": "x", "community_code": "nope"}
	caseBody := map[string]any{"title": "入侵案例", "story": "入侵", "unit_code": wushan}
	photo := apptest.Upload{Field: "file", Filename: "a.png", Data: append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /residents/signup", path: "/residents/signup", want: ok},
		scopeCase{pattern: "POST /residents/signup", path: "/residents/signup", body: form("username", "intruder-res", "password", "x", "community_code", "nope"), want: inv},
		scopeCase{pattern: "GET /resident", path: "/resident", want: nf},
		scopeCase{pattern: "POST /resident/follows", path: "/resident/follows", body: form("org_id", "{corg}"), want: fb},
		scopeCase{pattern: "POST /resident/signups", path: "/resident/signups", body: form("activity_id", "1"), want: fb},
		scopeCase{pattern: "POST /resident/needs", path: "/resident/needs", body: form("title", "入侵需求"), want: inv},
		scopeCase{pattern: "POST /resident/ratings", path: "/resident/ratings", body: form("org_id", "1", "stars", "1"), want: fb},
		scopeCase{pattern: "POST /resident/surveys/{id}", path: "/resident/surveys/{survey}", body: form("q_knows", "no"), want: fb},
		scopeCase{pattern: "GET /cases", path: "/cases", want: ok, check: secret},
		scopeCase{pattern: "POST /cases", path: "/cases", body: form("title", "入侵案例", "story", "入侵", "unit_code", wushan), want: fb, wantStreet: inv},
		scopeCase{pattern: "GET /cases/{id}", path: "/cases/{case}", want: nf},
		scopeCase{pattern: "POST /cases/{id}/decision", path: "/cases/{case}/decision", body: form("decision", "approve"), want: nf},
		scopeCase{pattern: "POST /cases/{id}/photos", path: "/cases/{case}/photos", body: photo, want: nf},
		scopeCase{pattern: "GET /cases/{id}/photos/{photo}", path: "/cases/{case}/photos/{cphoto}", want: nf},
		scopeCase{pattern: "GET /ratings", path: "/ratings", want: ok, check: secret},
		scopeCase{pattern: "POST /ratings/{id}/moderation", path: "/ratings/{rating}/moderation", body: form("decision", "publish"), want: nf},
		scopeCase{pattern: "POST /ratings/{id}/answer", path: "/ratings/{rating}/answer", body: form("answer", "入侵回复"), want: nf},
		scopeCase{pattern: "GET /p/cases", path: "/p/cases", want: ok, check: secret},
		scopeCase{pattern: "GET /p/cases/{id}", path: "/p/cases/{case}", want: nf},
		scopeCase{pattern: "GET /p/cases/{id}/photos/{photo}", path: "/p/cases/{case}/photos/{cphoto}", want: nf},
		scopeCase{pattern: "GET /p/digest/{code}", path: "/p/digest/{code}", want: ok, check: secret},
		scopeCase{pattern: "POST /api/v1/residents", path: "/api/v1/residents", body: badSignUp, want: inv},
		scopeCase{pattern: "GET /api/v1/residents/me", path: "/api/v1/residents/me", want: nf},
		scopeCase{pattern: "POST /api/v1/orgs/{id}/follow", path: "/api/v1/orgs/{corg}/follow", want: fb},
		scopeCase{pattern: "DELETE /api/v1/orgs/{id}/follow", path: "/api/v1/orgs/{corg}/follow", want: fb},
		scopeCase{pattern: "POST /api/v1/activities/{id}/signups", path: "/api/v1/activities/{cact}/signups", want: fb},
		scopeCase{pattern: "POST /api/v1/activities/{id}/signup-settings", path: "/api/v1/activities/{cact}/signup-settings",
			body: map[string]any{"accepts_signups": false, "capacity": 0}, want: nf},
		scopeCase{pattern: "POST /api/v1/orgs/{id}/ratings", path: "/api/v1/orgs/{corg}/ratings", body: map[string]any{"stars": 1}, want: fb},
		scopeCase{pattern: "GET /api/v1/ratings", path: "/api/v1/ratings", want: ok, check: secret},
		scopeCase{pattern: "POST /api/v1/ratings/{id}/moderation", path: "/api/v1/ratings/{rating}/moderation", body: map[string]string{"decision": "reject"}, want: nf},
		scopeCase{pattern: "POST /api/v1/ratings/{id}/answer", path: "/api/v1/ratings/{rating}/answer", body: map[string]string{"answer": "入侵"}, want: nf},
		scopeCase{pattern: "GET /api/v1/surveys", path: "/api/v1/surveys", want: ok, check: secret},
		scopeCase{pattern: "POST /api/v1/surveys", path: "/api/v1/surveys", body: map[string]any{"title": "入侵调查", "unit_code": wushan,
			"opens_on": "2023-06-01", "closes_on": "2023-06-30"}, want: inv},
		scopeCase{pattern: "POST /api/v1/surveys/{id}/answers", path: "/api/v1/surveys/{survey}/answers", body: map[string]any{"answers": map[string]string{"knows": "no"}}, want: fb},
		scopeCase{pattern: "GET /api/v1/surveys/{id}/results", path: "/api/v1/surveys/{survey}/results", want: nf},
		scopeCase{pattern: "GET /api/v1/surveys/{id}/results.xlsx", path: "/api/v1/surveys/{survey}/results.xlsx", want: nf},
		scopeCase{pattern: "POST /api/v1/surveys/{id}/publication", path: "/api/v1/surveys/{survey}/publication", body: map[string]bool{"published": true}, want: nf},
		scopeCase{pattern: "GET /api/v1/public/surveys/{id}", path: "/api/v1/public/surveys/{survey}", want: nf},
		scopeCase{pattern: "GET /surveys", path: "/surveys", want: ok, check: secret},
		scopeCase{pattern: "GET /surveys/new", path: "/surveys/new", want: ok, check: secret},
		scopeCase{pattern: "POST /surveys", path: "/surveys", body: form("title", "入侵调查", "unit_code", wushan, "opens_on", "2023-06-01", "closes_on", "2023-06-30"), want: inv},
		scopeCase{pattern: "GET /surveys/{id}/edit", path: "/surveys/{survey}/edit", want: nf},
		scopeCase{pattern: "POST /surveys/{id}", path: "/surveys/{survey}", body: form("title", "入侵调查", "unit_code", wushan, "opens_on", "2023-06-01", "closes_on", "2023-06-30"), want: nf},
		scopeCase{pattern: "PUT /api/v1/surveys/{id}", path: "/api/v1/surveys/{survey}", body: map[string]any{"title": "入侵调查", "unit_code": wushan,
			"opens_on": "2023-06-01", "closes_on": "2023-06-30"}, want: nf},
		scopeCase{pattern: "GET /surveys/{id}", path: "/surveys/{survey}", want: nf},
		scopeCase{pattern: "GET /surveys/{id}/results.xlsx", path: "/surveys/{survey}/results.xlsx", want: nf},
		scopeCase{pattern: "POST /surveys/{id}/publication", path: "/surveys/{survey}/publication", body: form("published", "1"), want: nf},
		scopeCase{pattern: "GET /p/surveys/{id}", path: "/p/surveys/{survey}", want: nf},
		scopeCase{pattern: "GET /api/v1/cases", path: "/api/v1/cases", want: ok, check: secret},
		scopeCase{pattern: "POST /api/v1/cases", path: "/api/v1/cases", body: caseBody, want: fb, wantStreet: inv},
		scopeCase{pattern: "GET /api/v1/cases/{id}", path: "/api/v1/cases/{case}", want: nf},
		scopeCase{pattern: "POST /api/v1/cases/{id}/decision", path: "/api/v1/cases/{case}/decision", body: map[string]string{"decision": "approve"}, want: nf},
		scopeCase{pattern: "POST /api/v1/cases/{id}/photos", path: "/api/v1/cases/{case}/photos", body: photo, want: nf},
		scopeCase{pattern: "GET /api/v1/cases/{id}/photos/{photo}", path: "/api/v1/cases/{case}/photos/{cphoto}", want: nf},
		scopeCase{pattern: "GET /api/v1/public/cases", path: "/api/v1/public/cases", want: ok, check: secret},
	)
}

// TestScopeResidentEveryRoute walks every registered route as a resident of
// the very community the objects sit in: every route not open to residents
// answers 404 (JSON for the API, a page otherwise), "/" sends the resident
// to their own page, and nothing changes.
func TestScopeResidentEveryRoute(t *testing.T) {
	w := newWorld(t)
	res, err := w.a.Civic.SignUp(t.Context(), civic.SignUp{Username: "walking-resident", Password: apptest.Password, CommunityCode: wushanComm}, "")
	if err != nil {
		t.Fatal(err)
	}
	cl := w.a.Login(res.Username, apptest.Password)
	cases := append(scopeCases(), scopeTable...)
	byPattern := map[string]scopeCase{}
	for _, c := range cases {
		if _, seen := byPattern[c.pattern]; !seen {
			byPattern[c.pattern] = c
		}
	}
	before := snapshot(t, w)
	walked := 0
	for _, p := range w.a.Router.Patterns() {
		if w.a.Router.ResidentMay(p) || p == "GET /metrics" { // /metrics answers its token or loopback, never an account
			continue
		}
		c, found := byPattern[p]
		if !found {
			continue // TestScopeEveryRoute reports it
		}
		method, _, _ := strings.Cut(p, " ")
		walked++
		t.Run(method+" "+c.path, func(t *testing.T) {
			body := selfBody(c.body, res.Username)
			r := cl.With(t).Do(method, w.fill(c.path), body)
			if p == "GET /{$}" {
				if r.Status != http.StatusSeeOther || r.Header.Get("Location") != civic.Home {
					t.Fatalf("/ answers %d → %q", r.Status, r.Header.Get("Location"))
				}
				return
			}
			if r.Status != http.StatusNotFound {
				t.Fatalf("status %d, want 404: %.200s", r.Status, r.Body)
			}
			checkNotFound(t, c.path, r)
		})
	}
	if walked < 100 {
		t.Fatalf("walked only %d officer routes", walked)
	}
	if after := snapshot(t, w); before != after {
		t.Errorf("a resident changed things:\nbefore %+v\nafter  %+v", before, after)
	}
	// the routes open to residents answer them
	for _, p := range []string{"/resident", "/api/v1/residents/me", "/p/cases", "/api/v1/surveys", "/api/v1/ratings"} {
		if r := cl.Do("GET", p, nil); r.Status != http.StatusOK {
			t.Errorf("%s: %d", p, r.Status)
		}
	}
}
