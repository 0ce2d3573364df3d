package civic_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/civic"
	"linli/internal/platform/auth"
	"linli/internal/platform/web"
)

const (
	tianhe  = "440106"
	wushan  = "440106001"
	wushanC = "440106001001"
	yuancun = "440106002"
)

// signUp creates a resident over the API and signs them in.
func signUp(t *testing.T, a *apptest.App, name, community, phone string) *apptest.Client {
	t.Helper()
	r := a.Anon().Do("POST", "/api/v1/residents", map[string]string{"username": name, "password": apptest.Password,
		"community_code": community, "phone": phone})
	if r.Status != http.StatusCreated {
		t.Fatalf("sign up %s: %d %s", name, r.Status, r.Body)
	}
	c := a.Login(name, apptest.Password)
	var me struct{ Role, ScopeCode string }
	r = c.Do("GET", "/api/v1/me", nil)
	r.Decode(&struct {
		Role      *string `json:"role"`
		ScopeCode *string `json:"scope_code"`
	}{&me.Role, &me.ScopeCode})
	if me.Role != auth.Resident || me.ScopeCode != community {
		t.Fatalf("signed in as %+v", me)
	}
	return c
}

func count(t *testing.T, a *apptest.App, q string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// activityFor creates an activity of org starting in days, open to sign-ups.
func activityFor(t *testing.T, c *apptest.Client, orgID int64, title string, days int, capacity int) int64 {
	t.Helper()
	start := apptest.Start.Add(time.Duration(days) * 24 * time.Hour)
	r := c.Do("POST", "/api/v1/activities", map[string]any{"org_ids": []int64{orgID}, "title": title, "theme": "culture", "kind": "service",
		"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(2 * time.Hour).Format(time.RFC3339), "community_code": wushanC,
		"participants": 30, "beneficiaries": map[string]any{"total": 25, "other": 25}})
	if r.Status != http.StatusCreated {
		t.Fatalf("activity: %d %s", r.Status, r.Body)
	}
	var act struct{ ID int64 }
	r.Decode(&act)
	r = c.Do("POST", fmt.Sprintf("/api/v1/activities/%d/signup-settings", act.ID), map[string]any{"accepts_signups": true, "capacity": capacity})
	if r.Status != http.StatusNoContent {
		t.Fatalf("signup settings: %d %s", r.Status, r.Body)
	}
	return act.ID
}

// A resident signs up, takes part, rates the organization once a year
// (the second 409, nothing written), a script in the comment stays text,
// a rating of another city's organization is refused; the committee
// publishes the comment and the organization answers; OrgRatings counts.
func TestRatings(t *testing.T) {
	a := apptest.New(t)
	street := a.CreateUser("ws-street", auth.StreetOfficer, wushan, 0)
	committee := a.CreateUser("ws-committee", auth.CommunityCommittee, wushanC, 0)
	org := a.ActiveOrg(street, "五山长者合唱团", wushanC)
	leader := a.CreateUser("ws-leader", auth.OrgLeader, wushanC, org.ID)
	other := a.ActiveOrg(street, "五山读书会", wushanC)
	sc := a.As(street)
	actID := activityFor(t, sc, org.ID, "长者合唱公开课", 5, 2)

	res := signUp(t, a, "resident-li", wushanC, "13912345678")
	// not yet taken part: refused
	r := res.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/ratings", org.ID), map[string]any{"stars": 5})
	if r.Status != http.StatusUnprocessableEntity || r.Error().Fields["org_id"] == "" {
		t.Fatalf("rating before taking part: %d %s", r.Status, r.Body)
	}
	if r := res.Do("POST", fmt.Sprintf("/api/v1/activities/%d/signups", actID), nil); r.Status != http.StatusNoContent {
		t.Fatalf("sign up for activity: %d %s", r.Status, r.Body)
	}
	if r := res.Do("POST", fmt.Sprintf("/api/v1/activities/%d/signups", actID), nil); r.Status != http.StatusConflict {
		t.Fatalf("second sign-up: %d %s", r.Status, r.Body)
	}
	// capacity 2: a second resident fits, a third does not
	signUp(t, a, "resident-wang", wushanC, "").Do("POST", fmt.Sprintf("/api/v1/activities/%d/signups", actID), nil)
	if r := signUp(t, a, "resident-zhao", wushanC, "").Do("POST", fmt.Sprintf("/api/v1/activities/%d/signups", actID), nil); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("over capacity: %d %s", r.Status, r.Body)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM activity_signups WHERE activity_id = $1`, actID); n != 2 {
		t.Fatalf("sign-ups %d, want 2", n)
	}
	a.Clock.Advance(6 * 24 * time.Hour)
	res = a.Login("resident-li", apptest.Password)

	script := `<script>alert("x")</script>很好`
	r = res.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/ratings", org.ID), map[string]any{"stars": 4, "comment": script})
	if r.Status != http.StatusCreated {
		t.Fatalf("rating: %d %s", r.Status, r.Body)
	}
	var rating civic.Rating
	r.Decode(&rating)
	if rating.CommentStatus != civic.CommentPending {
		t.Fatalf("comment status %q", rating.CommentStatus)
	}
	before := count(t, a, `SELECT COUNT(*) FROM org_ratings`)
	audit := count(t, a, `SELECT COUNT(*) FROM audit_log`)
	r = res.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/ratings", org.ID), map[string]any{"stars": 1, "comment": "再评一次"})
	if r.Status != http.StatusConflict {
		t.Fatalf("second rating: %d %s", r.Status, r.Body)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM org_ratings`); n != before {
		t.Fatalf("second rating wrote: %d → %d", before, n)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM audit_log`); n != audit {
		t.Fatalf("second rating audited: %d → %d", audit, n)
	}
	// an organization they did not take part with
	if r := res.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/ratings", other.ID), map[string]any{"stars": 3}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("rating without taking part: %d %s", r.Status, r.Body)
	}
	// another city's organization
	for _, d := range [][4]any{{"4403", "深圳市", 2, "44"}, {"440303", "罗湖区", 3, "4403"}, {"440303001", "桂园街道", 4, "440303"},
		{"440303001001", "松园社区", 5, "440303001"}} {
		if _, err := a.DB.Write.Exec(`INSERT INTO divisions (code, name, level, parent_code) VALUES ($1, $2, $3, $4)`, d[0], d[1], d[2], d[3]); err != nil {
			t.Fatal(err)
		}
	}
	sz := a.CreateUser("sz-city", auth.CityAdmin, "4403", 0)
	szOrg := a.ActiveOrg(sz, "罗湖义工队", "440303001001")
	before = count(t, a, `SELECT COUNT(*) FROM org_ratings`)
	r = res.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/ratings", szOrg.ID), map[string]any{"stars": 5})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Error().Fields["org_id"], "本市") {
		t.Fatalf("another city's organization: %d %s", r.Status, r.Body)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM org_ratings`); n != before {
		t.Fatal("the refused rating wrote a row")
	}
	// not public until the committee publishes it
	sum, err := a.Civic.OrgRatings(t.Context(), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Count != 1 || sum.Average != 4 || len(sum.Comments) != 0 {
		t.Fatalf("summary before moderation: %+v", sum)
	}
	page := a.As(committee).Do("GET", "/ratings?status=pending", nil)
	if page.Status != 200 || strings.Contains(page.String(), "<script>alert") || !strings.Contains(page.String(), "&lt;script&gt;") {
		t.Fatalf("the moderation page does not show the script as text: %d", page.Status)
	}
	if r := a.As(leader).Do("POST", fmt.Sprintf("/api/v1/ratings/%d/moderation", rating.ID), map[string]string{"decision": "publish"}); r.Status != http.StatusNotFound {
		t.Fatalf("leader moderates: %d", r.Status)
	}
	if r := a.As(committee).Do("POST", fmt.Sprintf("/api/v1/ratings/%d/moderation", rating.ID), map[string]string{"decision": "publish"}); r.Status != 200 {
		t.Fatalf("moderate: %d %s", r.Status, r.Body)
	}
	if r := a.As(leader).Do("POST", fmt.Sprintf("/api/v1/ratings/%d/answer", rating.ID), map[string]string{"answer": "谢谢您的支持"}); r.Status != 200 {
		t.Fatalf("answer: %d %s", r.Status, r.Body)
	}
	sum, _ = a.Civic.OrgRatings(t.Context(), org.ID)
	if len(sum.Comments) != 1 || sum.Comments[0].Comment != script || sum.Comments[0].Answer != "谢谢您的支持" {
		t.Fatalf("summary after moderation: %+v", sum)
	}
	// a new year: a new rating
	a.Clock.Advance(220 * 24 * time.Hour)
	res = a.Login("resident-li", apptest.Password)
	if r := res.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/ratings", org.ID), map[string]any{"stars": 5}); r.Status != http.StatusCreated {
		t.Fatalf("next year's rating: %d %s", r.Status, r.Body)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM org_ratings WHERE org_id = $1`, org.ID); n != 2 {
		t.Fatalf("ratings %d, want 2", n)
	}
}

// A resident states a need of their own community: the community is theirs
// whatever the body says.
func TestResidentNeed(t *testing.T) {
	a := apptest.New(t)
	res := signUp(t, a, "resident-need", wushanC, "")
	r := res.Do("POST", "/api/v1/needs", map[string]string{"title": "楼下需要长者饭堂", "community_code": "440105001101", "field": "elderly"})
	if r.Status != http.StatusCreated {
		t.Fatalf("need: %d %s", r.Status, r.Body)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM fund_needs WHERE community_code = $1 AND title = $2`, wushanC, "楼下需要长者饭堂"); n != 1 {
		t.Fatalf("needs in the resident's community: %d", n)
	}
	if r := res.Do("GET", "/api/v1/needs", nil); r.Status != http.StatusNotFound {
		t.Fatalf("a resident lists the officers' needs: %d", r.Status)
	}
}

// 100 sign-ups a minute from one address: the limit refuses all but the
// burst, and nothing is written for the refused ones.
func TestSignUpRateLimit(t *testing.T) {
	a := apptest.New(t)
	a.Web.Limits = web.DefaultRateLimits
	created, refused := 0, 0
	for i := range 100 {
		r := a.Anon().Do("POST", "/api/v1/residents", map[string]string{"username": "flood" + strconv.Itoa(i), "password": apptest.Password,
			"community_code": wushanC})
		switch r.Status {
		case http.StatusCreated:
			created++
		case http.StatusTooManyRequests:
			refused++
			if r.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		default:
			t.Fatalf("sign-up %d: %d %s", i, r.Status, r.Body)
		}
	}
	if created > web.DefaultRateLimits.SignUp.Burst+1 || refused < 100-web.DefaultRateLimits.SignUp.Burst-1 {
		t.Fatalf("created %d, refused %d", created, refused)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM users WHERE role = 'resident'`); n != created {
		t.Fatalf("resident accounts %d, created %d", n, created)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM resident_profiles`); n != created {
		t.Fatalf("profiles %d, created %d", n, created)
	}
}

// A typical case goes draft → street → district → published through the
// API; the city features it; its outcomes are the activity's figures; a
// script in the story is text on the public page.
func TestCaseFlow(t *testing.T) {
	a := apptest.New(t)
	street := a.CreateUser("case-street", auth.StreetOfficer, wushan, 0)
	other := a.CreateUser("case-other-street", auth.StreetOfficer, yuancun, 0)
	district := a.CreateUser("case-district", auth.DistrictOfficer, tianhe, 0)
	city := a.CreateUser("case-city", auth.CityAdmin, "4401", 0)
	org := a.ActiveOrg(street, "五山邻里互助队", wushanC)
	leader := a.CreateUser("case-leader", auth.OrgLeader, wushanC, org.ID)
	actID := activityFor(t, a.As(street), org.ID, "邻里互助日", 1, 0)
	lc := a.As(leader)
	r := lc.Do("POST", "/api/v1/cases", map[string]any{"title": "邻里互助的一年", "story": "第一段<script>alert(1)</script>\n第二段",
		"themes": []string{"neighbourly_watch"}, "activity_ids": []int64{actID}})
	if r.Status != http.StatusCreated {
		t.Fatalf("create case: %d %s", r.Status, r.Body)
	}
	var c civic.Case
	r.Decode(&c)
	if c.Status != civic.CaseDraft || c.UnitCode != wushanC {
		t.Fatalf("case %+v", c)
	}
	want := map[string]int64{"activities": 1, "participants": 30, "beneficiaries": 25}
	for _, o := range c.Outcomes {
		if w, ok := want[o.Key]; ok && w != o.Value {
			t.Errorf("outcome %s = %d, want %d", o.Key, o.Value, w)
		}
	}
	path := fmt.Sprintf("/api/v1/cases/%d", c.ID)
	decide := func(cl *apptest.Client, d, reason string, want int) civic.Case {
		t.Helper()
		r := cl.Do("POST", path+"/decision", map[string]string{"decision": d, "reason": reason})
		if r.Status != want {
			t.Fatalf("%s: %d, want %d: %s", d, r.Status, want, r.Body)
		}
		var out civic.Case
		r.Decode(&out)
		return out
	}
	// not public while a draft
	if r := a.Anon().Do("GET", fmt.Sprintf("/p/cases/%d", c.ID), nil); r.Status != http.StatusNotFound {
		t.Fatalf("draft public: %d", r.Status)
	}
	decide(a.As(street), "approve", "", http.StatusNotFound) // nothing submitted yet: another's draft is not the street's to see
	if got := decide(lc, "submit", "", 200); got.Status != civic.CaseStreet {
		t.Fatalf("after submit: %s", got.Status)
	}
	decide(a.As(other), "approve", "", http.StatusNotFound)
	decide(a.As(district), "approve", "", http.StatusUnprocessableEntity) // the street first
	decide(a.As(street), "return", "", http.StatusUnprocessableEntity)    // a return needs a reason
	if got := decide(a.As(street), "approve", "", 200); got.Status != civic.CaseDistrict {
		t.Fatalf("after street: %s", got.Status)
	}
	if got := decide(a.As(district), "approve", "", 200); got.Status != civic.CasePublished || got.PublishedOn != "2023-06-15" {
		t.Fatalf("after district: %+v", got)
	}
	if got := decide(a.As(city), "feature", "", 200); !got.Featured {
		t.Fatal("not featured")
	}
	if n := count(t, a, `SELECT COUNT(*) FROM case_decisions WHERE case_id = $1`, c.ID); n != 4 {
		t.Fatalf("decisions %d, want 4", n)
	}
	pub := a.Anon().Do("GET", fmt.Sprintf("/p/cases/%d", c.ID), nil)
	if pub.Status != 200 || strings.Contains(pub.String(), "<script>alert") || !strings.Contains(pub.String(), "&lt;script&gt;") ||
		!strings.Contains(pub.String(), `property="og:title" content="邻里互助的一年"`) {
		t.Fatalf("public case page: %d %.400s", pub.Status, pub.Body)
	}
	if len(pub.Body) > 100<<10 {
		t.Fatalf("public case page is %d bytes", len(pub.Body))
	}
	var list struct{ Items []civic.Case }
	a.Anon().Do("GET", "/api/v1/public/cases?within="+tianhe+"&featured=1", nil).Decode(&list)
	if len(list.Items) != 1 || list.Items[0].ID != c.ID {
		t.Fatalf("public cases: %+v", list.Items)
	}
	got, err := a.Civic.PlaceCases(t.Context(), wushan, 5)
	if err != nil || len(got) != 1 {
		t.Fatalf("PlaceCases: %v %d", err, len(got))
	}
	if r := a.Anon().Do("GET", "/p/cases", nil); r.Status != 200 || !strings.Contains(r.String(), "邻里互助的一年") {
		t.Fatalf("/p/cases: %d", r.Status)
	}
	if r := a.Anon().Do("GET", "/p/digest/"+tianhe+"?month=2023-06", nil); r.Status != 200 || !strings.Contains(r.String(), "邻里互助的一年") ||
		!strings.Contains(r.String(), "邻里互助日") {
		t.Fatalf("digest: %d %.300s", r.Status, r.Body)
	}
	// an oversize photo is refused, nothing written
	big := make([]byte, civic.MaxPhoto+10)
	copy(big, []byte("\x89PNG\r\n\x1a\n"))
	r = lc.Do("POST", "/api/v1/cases", map[string]any{"title": "第二个案例", "story": "正文"})
	var c2 civic.Case
	r.Decode(&c2)
	r = lc.Do("POST", fmt.Sprintf("/api/v1/cases/%d/photos", c2.ID), apptest.Upload{Field: "file", Filename: "big.png", Data: big})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("oversize photo: %d %s", r.Status, r.Body)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM case_photos`); n != 0 {
		t.Fatalf("photos %d", n)
	}
}

// Survey: answered once (the second refused, nothing written); results by
// place equal an independent count.
func TestSurvey(t *testing.T) {
	a := apptest.New(t)
	district := a.CreateUser("sv-district", auth.DistrictOfficer, tianhe, 0)
	sv := postSurvey(t, a.As(district), map[string]any{"title": "2023 年天河区认可度调查", "unit_code": tianhe,
		"opens_on": "2023-06-01", "closes_on": "2023-06-30"})
	answers := []struct {
		community, knows, took, sat string
	}{{wushanC, "yes", "yes", "5"}, {wushanC, "yes", "no", "3"}, {"440106002008", "no", "no", "2"}}
	for i, x := range answers {
		c := signUp(t, a, "sv-res"+strconv.Itoa(i), x.community, "")
		var list struct{ Items []civic.Survey }
		c.Do("GET", "/api/v1/surveys", nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0].Answered {
			t.Fatalf("resident's surveys: %+v", list.Items)
		}
		body := map[string]any{"answers": map[string]string{"knows": x.knows, "took_part": x.took, "satisfaction": x.sat}}
		if r := c.Do("POST", fmt.Sprintf("/api/v1/surveys/%d/answers", sv.ID), body); r.Status != http.StatusNoContent {
			t.Fatalf("answer: %d %s", r.Status, r.Body)
		}
		if i == 0 {
			n := count(t, a, `SELECT COUNT(*) FROM survey_answers`)
			if r := c.Do("POST", fmt.Sprintf("/api/v1/surveys/%d/answers", sv.ID), body); r.Status != http.StatusConflict {
				t.Fatalf("second answer: %d %s", r.Status, r.Body)
			}
			if m := count(t, a, `SELECT COUNT(*) FROM survey_answers`); m != n {
				t.Fatal("the second answer wrote a row")
			}
			bad := map[string]any{"answers": map[string]string{"knows": "maybe"}}
			if r := signUp(t, a, "sv-bad", wushanC, "").Do("POST", fmt.Sprintf("/api/v1/surveys/%d/answers", sv.ID), bad); r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("bad answer: %d", r.Status)
			}
		}
	}
	var res civic.Results
	r := a.As(district).Do("GET", fmt.Sprintf("/api/v1/surveys/%d/results", sv.ID), nil)
	if r.Status != 200 {
		t.Fatalf("results: %d %s", r.Status, r.Body)
	}
	r.Decode(&res)
	var n, aware, took int
	if err := a.DB.Read.QueryRow(`SELECT COUNT(*), SUM(knows), SUM(took_part) FROM survey_answers WHERE survey_id = $1`, sv.ID).Scan(&n, &aware, &took); err != nil {
		t.Fatal(err)
	}
	if res.Total.Answers != n || res.Total.Aware != aware || res.Total.TookPart != took || n != 3 || aware != 2 || took != 1 {
		t.Fatalf("results %+v, counted %d %d %d", res.Total, n, aware, took)
	}
	if len(res.Places) != 2 || res.Places[0].Code != wushan || res.Places[0].Answers != 2 || res.Places[0].Satisfaction != 4 {
		t.Fatalf("by street: %+v", res.Places)
	}
	if r := a.As(a.CreateUser("sv-haizhu", auth.DistrictOfficer, "440105", 0)).Do("GET", fmt.Sprintf("/api/v1/surveys/%d/results", sv.ID), nil); r.Status != http.StatusNotFound {
		t.Fatalf("another district reads results: %d", r.Status)
	}
}

// An indicator as data reads the survey answers: the share of 天河's
// answers that know an organization equals an independent count.
func TestSurveyIndicator(t *testing.T) {
	a := apptest.New(t)
	city := a.CreateUser("kpi-city", auth.CityAdmin, "4401", 0)
	district := a.CreateUser("kpi-district", auth.DistrictOfficer, tianhe, 0)
	r := a.As(district).Do("POST", "/api/v1/surveys", map[string]any{"title": "认可度调查", "unit_code": tianhe, "opens_on": "2023-06-01", "closes_on": "2023-06-30"})
	var sv civic.Survey
	r.Decode(&sv)
	for i, knows := range []string{"yes", "yes", "no", "yes", "no"} {
		comm := wushanC
		if i%2 == 1 {
			comm = "440106002008"
		}
		c := signUp(t, a, "kpi-res"+strconv.Itoa(i), comm, "")
		if r := c.Do("POST", fmt.Sprintf("/api/v1/surveys/%d/answers", sv.ID), map[string]any{"answers": map[string]string{
			"knows": knows, "took_part": "no", "satisfaction": "4"}}); r.Status != http.StatusNoContent {
			t.Fatalf("answer: %d %s", r.Status, r.Body)
		}
	}
	r = a.As(city).Do("POST", "/api/v1/indicators", map[string]any{"key": "resident_awareness", "name_zh": "居民知晓率", "level": "district",
		"scope_code": "4401", "target": 0.6, "start_on": "2021-09-01", "deadline": "2023-12-31",
		"rule": map[string]any{"kind": "record_share", "source": "survey_answers", "numerator_filter": map[string]any{"survey_readings": []string{"aware"}}}})
	if r.Status != http.StatusCreated {
		t.Fatalf("indicator: %d %s", r.Status, r.Body)
	}
	for _, unit := range []string{tianhe, wushan} {
		var ev struct {
			Numerator, Denominator int
		}
		r = a.As(city).Do("GET", "/api/v1/indicators/resident_awareness?unit="+unit, nil)
		if r.Status != 200 {
			t.Fatalf("evaluate: %d %s", r.Status, r.Body)
		}
		r.Decode(&ev)
		num := count(t, a, `SELECT COUNT(*) FROM survey_answers WHERE knows = 1 AND community_code LIKE $1`, unit+"%")
		den := count(t, a, `SELECT COUNT(*) FROM survey_answers WHERE community_code LIKE $1`, unit+"%")
		if ev.Numerator != num || ev.Denominator != den || den == 0 {
			t.Fatalf("%s: indicator %d/%d, counted %d/%d", unit, ev.Numerator, ev.Denominator, num, den)
		}
	}
}

// TestResidentLists: the resident's lists read the activities and the
// organizations through their rooms' named reads and keep their meaning:
// the street's coming activities open to sign-ups, soonest first, with
// their sign-up counts and the resident's own; the resident's sign-ups
// with their hosts' names; the community's active organizations by name
// (a pending one left out); the followed ones; and a sign-up counts as
// taking part only once the activity has started.
func TestResidentLists(t *testing.T) {
	a := apptest.New(t)
	ctx := t.Context()
	street := a.CreateUser("ws-street", auth.StreetOfficer, wushan, 0)
	choir := a.ActiveOrg(street, "五山长者合唱团", wushanC)
	books := a.ActiveOrg(street, "五山读书会", wushanC)
	pending := apptest.OrgInput("五山筹备中的协会", wushanC)
	a.CreateOrg(street, pending)
	sc := a.As(street)
	later := activityFor(t, sc, choir.ID, "长者合唱公开课", 5, 3)
	sooner := activityFor(t, sc, books.ID, "读书分享会", 3, 0)
	li := signUp(t, a, "resident-li", wushanC, "")
	for _, c := range []*apptest.Client{li, signUp(t, a, "resident-wang", wushanC, "")} {
		if r := c.Do("POST", fmt.Sprintf("/api/v1/activities/%d/signups", later), nil); r.Status != http.StatusNoContent {
			t.Fatalf("sign up: %d %s", r.Status, r.Body)
		}
	}
	u, err := a.Auth.UserByName(ctx, "resident-li")
	if err != nil {
		t.Fatal(err)
	}
	open, err := a.Civic.OpenActivities(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 2 || open[0].ID != sooner || open[0].Signed != 0 || open[0].Mine ||
		open[1].ID != later || open[1].Signed != 2 || !open[1].Mine || open[1].Capacity != 3 || open[1].Title != "长者合唱公开课" {
		t.Errorf("open activities %+v", open)
	}
	mine, err := a.Civic.MySignups(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || mine[0].ID != later || mine[0].OrgID != choir.ID || mine[0].OrgName != "五山长者合唱团" || mine[0].Past || !mine[0].Mine {
		t.Errorf("my sign-ups %+v", mine)
	}
	near, err := a.Civic.Nearby(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if len(near) != 2 || near[0].ID != books.ID || near[1].ID != choir.ID || near[1].CommunityCode != wushanC {
		t.Errorf("nearby %+v, want 五山读书会 then 五山长者合唱团", near)
	}
	if err := a.Civic.Follow(ctx, u, choir.ID, true); err != nil {
		t.Fatal(err)
	}
	if fl, err := a.Civic.Followed(ctx, u); err != nil || len(fl) != 1 || fl[0].ID != choir.ID || fl[0].Name != "五山长者合唱团" {
		t.Errorf("followed %+v %v", fl, err)
	}
	// signed up, not started: not yet taken part
	if r := li.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/ratings", choir.ID), map[string]any{"stars": 5}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("rating before the activity started: %d %s", r.Status, r.Body)
	}
	a.Clock.Advance(6 * 24 * time.Hour)
	li = a.Login("resident-li", apptest.Password)
	if r := li.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/ratings", books.ID), map[string]any{"stars": 5}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("rating an organization whose activity the resident did not sign up for: %d %s", r.Status, r.Body)
	}
	if r := li.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/ratings", choir.ID), map[string]any{"stars": 5}); r.Status != http.StatusCreated {
		t.Errorf("rating after taking part: %d %s", r.Status, r.Body)
	}
	if mine, err := a.Civic.MySignups(ctx, u); err != nil || len(mine) != 1 || !mine[0].Past {
		t.Errorf("my sign-ups after the day %+v %v", mine, err)
	}
}
