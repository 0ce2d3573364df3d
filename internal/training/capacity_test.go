package training_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
	"linli/internal/registry"
	"linli/internal/training"
)

// activeOrg files an active organization of a community through the
// registry, as the street.
func activeOrg(a *apptest.App, by *auth.User, name, community string) *registry.Org {
	in := apptest.ActiveInput(name, community)
	in.EffectiveOn, in.LateReason = "2021-01-01", "系统启用前已在活动，补录"
	return a.CreateOrg(by, in)
}

// An organization's leader enrols themself: their key-person record is made
// once from the organization's record and reused; a second enrolment, a
// session that is over, a session of another district and a role that is
// not a leader are refused, nothing written.
func TestSelfEnrolment(t *testing.T) {
	a := apptest.New(t)
	st := a.CreateUser("wushan-self", auth.StreetOfficer, wushan, 0)
	org := activeOrg(a, st, "五山街长者合唱团", wushanC)
	leader := a.CreateUser("leader-self", auth.OrgLeader, wushanC, org.ID)
	now := a.Clock.Now()
	c := a.As(st)
	open := create(t, c, session("骨干能力提升班", wushan, now.Add(24*time.Hour), 2))
	second := create(t, c, session("财务管理专题", wushan, now.Add(48*time.Hour), 2))
	over := create(t, c, session("已结束的培训", wushan, now.Add(-5*time.Hour), 2))
	hz := a.CreateUser("haizhu-self", auth.DistrictOfficer, haizhu, 0)
	elsewhere := create(t, a.As(hz), session("海珠区培训", haizhu, now.Add(24*time.Hour), 2))

	lc := a.As(leader)
	self := map[string]any{"self": true}
	r := lc.Do("POST", "/api/v1/trainings/"+itoa(open.ID)+"/enrolments", self)
	if r.Status != http.StatusCreated {
		t.Fatalf("self enrol: %d %s", r.Status, r.Body)
	}
	var p training.Person
	r.Decode(&p)
	if p.Name != "陈大文" || p.OrgID != org.ID || p.CommunityCode != wushanC || strings.Contains(p.Phone, "0013800") {
		t.Errorf("person from the organization's record: %+v", p)
	}
	if r := lc.Do("POST", "/api/v1/trainings/"+itoa(open.ID)+"/enrolments", self); r.Status != http.StatusConflict {
		t.Errorf("second self enrolment: %d %s", r.Status, r.Body)
	}
	if r := lc.Do("POST", "/api/v1/trainings/"+itoa(second.ID)+"/enrolments", self); r.Status != http.StatusCreated {
		t.Fatalf("self enrol in a second session: %d %s", r.Status, r.Body)
	}
	people := a.Count("people")
	enrolments := a.Count("training_enrolments")
	if people != 1 || enrolments != 2 {
		t.Errorf("people %d (want 1: the record is reused), enrolments %d (want 2)", people, enrolments)
	}
	if r := lc.Do("POST", "/api/v1/trainings/"+itoa(over.ID)+"/enrolments", self); r.Status != http.StatusConflict {
		t.Errorf("self enrol after the end: %d %s", r.Status, r.Body)
	}
	if r := lc.Do("POST", "/api/v1/trainings/"+itoa(elsewhere.ID)+"/enrolments", self); r.Status != http.StatusNotFound {
		t.Errorf("self enrol in another district's session: %d %s", r.Status, r.Body)
	}
	cc := a.CreateUser("committee-self", auth.CommunityCommittee, wushanC, 0)
	if r := a.As(cc).Do("POST", "/api/v1/trainings/"+itoa(open.ID)+"/enrolments", self); r.Status != http.StatusForbidden {
		t.Errorf("a committee enrols itself: %d %s", r.Status, r.Body)
	}
	if a.Count("people") != people || a.Count("training_enrolments") != enrolments {
		t.Errorf("a refused enrolment wrote rows")
	}
	// the page: the leader is told they are enrolled; the button elsewhere
	if r := lc.Do("GET", "/trainings/"+itoa(open.ID), nil); r.Status != 200 || !strings.Contains(string(r.Body), `id="self-enrolled"`) {
		t.Errorf("page after self enrolment: %d", r.Status)
	}
	third := create(t, c, session("党建专题", wushan, now.Add(72*time.Hour), 5))
	page := lc.Do("GET", "/trainings/"+itoa(third.ID), nil)
	if !strings.Contains(string(page.Body), `id="self-enrol"`) {
		t.Fatalf("no self-enrol button")
	}
	if r := lc.Do("POST", "/trainings/"+itoa(third.ID)+"/self-enrol", url.Values{}); r.Status != http.StatusSeeOther {
		t.Errorf("form self enrol: %d %s", r.Status, r.Body)
	}
	if n := a.Count("training_enrolments"); n != enrolments+1 {
		t.Errorf("form self enrol: %d enrolments, want %d", n, enrolments+1)
	}
}

// The session form creates a session through the same rules as the API;
// a refused one comes back with what was typed and the field named.
func TestTrainingForms(t *testing.T) {
	a := apptest.New(t)
	st := a.CreateUser("wushan-form", auth.StreetOfficer, wushan, 0)
	c := a.As(st)
	list := c.Do("GET", "/trainings", nil)
	if !strings.Contains(string(list.Body), `id="training-form"`) {
		t.Fatal("no session form for the street")
	}
	start := a.Clock.Now().Add(48 * time.Hour).In(time.FixedZone("CST", 8*3600))
	form := url.Values{"title": {"社区志愿者应急培训"}, "programme": {"同行计划"}, "form": {"demonstration"},
		"unit_code": {wushan}, "starts_at": {start.Format("2006-01-02T15:04")}, "ends_at": {start.Add(-time.Hour).Format("2006-01-02T15:04")},
		"capacity": {"40"}, "place": {"五山街党群服务中心"}, "topics": {"emergency"}, "audiences": {"volunteers"}}
	before := a.Count("trainings")
	r := c.Do("POST", "/trainings", form)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "社区志愿者应急培训") ||
		!strings.Contains(string(r.Body), "结束时间须晚于开始时间") {
		t.Errorf("refused form: %d, values kept and error named? %s", r.Status, r.Body)
	}
	if a.Count("trainings") != before {
		t.Error("a refused form wrote a session")
	}
	form.Set("ends_at", start.Add(3*time.Hour).Format("2006-01-02T15:04"))
	r = c.Do("POST", "/trainings", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("form: %d %s", r.Status, r.Body)
	}
	var list2 struct{ Items []training.Training }
	c.Do("GET", "/api/v1/trainings", nil).Decode(&list2)
	var made *training.Training
	for i := range list2.Items {
		if list2.Items[i].Title == "社区志愿者应急培训" {
			made = &list2.Items[i]
		}
	}
	if made == nil || !made.StartsAt.Equal(start.Truncate(time.Minute).UTC()) || made.Capacity != 40 {
		t.Fatalf("session made by the form: %+v", made)
	}
	// key personnel by form, then enrolled from the session's page
	if r := c.Do("POST", "/people", url.Values{"name": {"何丽华"}, "phone": {"13712345678"}, "role": {"骨干"},
		"community_code": {wushanC}}); r.Status != http.StatusSeeOther {
		t.Fatalf("person form: %d %s", r.Status, r.Body)
	}
	var people struct{ Items []training.Person }
	c.Do("GET", "/api/v1/people", nil).Decode(&people)
	if len(people.Items) != 1 {
		t.Fatalf("people: %+v", people.Items)
	}
	page := c.Do("GET", "/trainings/"+itoa(made.ID), nil)
	if !strings.Contains(string(page.Body), `data-pick="/api/v1/people/pick"`) {
		t.Fatal("the session's page has no person picker")
	}
	// typed by name, as without script
	if r := c.Do("POST", "/trainings/"+itoa(made.ID)+"/enrol", url.Values{"person_id": {"何丽华"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("enrol form: %d %s", r.Status, r.Body)
	}
	// a correction needs a reason
	if r := c.Do("POST", "/trainings/"+itoa(made.ID)+"/attendance", url.Values{"person_id": {itoa(people.Items[0].ID)}, "present": {"1"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("attendance without a reason: %d", r.Status)
	}
	if r := c.Do("POST", "/trainings/"+itoa(made.ID)+"/attendance", url.Values{"person_id": {itoa(people.Items[0].ID)}, "present": {"1"}, "reason": {"纸质签到表补录"}}); r.Status != http.StatusSeeOther {
		t.Errorf("attendance: %d %s", r.Status, r.Body)
	}
	if r := c.Do("POST", "/trainings/"+itoa(made.ID)+"/certificates", url.Values{"person_id": {itoa(people.Items[0].ID)}}); r.Status != http.StatusSeeOther {
		t.Errorf("certificate: %d %s", r.Status, r.Body)
	}
	if a.Count("certificates") != 1 {
		t.Error("no certificate")
	}
}

// The trained-personnel filter: the share of a street's active
// organizations with a key person who attended a session in the 12 months
// up to the date, equal to an independent count at several dates.
func TestTrainedPersonnel(t *testing.T) {
	a := apptest.New(t)
	ctx := context.Background()
	st := a.CreateUser("wushan-trained", auth.StreetOfficer, wushan, 0)
	city := a.CreateUser("city-trained", auth.CityAdmin, cityCode, 0)
	c := a.As(st)
	var orgs []*registry.Org
	for _, n := range []string{"五山街书画社", "五山街舞蹈队", "五山街志愿服务队", "五山街读书会"} {
		orgs = append(orgs, activeOrg(a, st, n, wushanC))
	}
	tr := true
	if _, err := a.KPI.Create(ctx, city, kpi.Input{Key: "trained_key_personnel", NameZH: "有参训骨干的社区社会组织比例", Level: kpi.LevelStreet,
		ScopeCode: cityCode, Rule: kpi.Rule{Kind: kpi.KindRecordShare, Source: kpi.SourceOrgs,
			NumeratorFilter: &kpi.Filter{TrainedPersonnel: &tr}}, Target: 0.5, StartOn: "2021-09-01", Deadline: "2023-12-31"}); err != nil {
		t.Fatal(err)
	}
	// sessions held 2022-03 and 2023-05 (the clock: 2023-06-15); a person of
	// orgs[0] attends the first, persons of orgs[1] and orgs[2] the second
	s1 := create(t, c, session("2022 年骨干班", wushan, day("2022-03-10 09:00"), 10))
	s2 := create(t, c, session("2023 年骨干班", wushan, day("2023-05-10 09:00"), 10))
	attend := func(s training.Training, org *registry.Org, name, phone string) {
		r := c.Do("POST", "/api/v1/people", map[string]any{"name": name, "phone": phone, "role": "骨干",
			"community_code": wushanC, "org_id": org.ID})
		if r.Status != http.StatusCreated {
			t.Fatalf("person: %d %s", r.Status, r.Body)
		}
		var p training.Person
		r.Decode(&p)
		if r := c.Do("POST", "/api/v1/trainings/"+itoa(s.ID)+"/enrolments", map[string]any{"person_id": p.ID}); r.Status != http.StatusCreated {
			t.Fatalf("enrol: %d %s", r.Status, r.Body)
		}
		if r := c.Do("POST", "/api/v1/trainings/"+itoa(s.ID)+"/attendance", map[string]any{"person_id": p.ID, "present": true,
			"reason": "纸质签到表补录"}); r.Status != http.StatusOK {
			t.Fatalf("attendance: %d %s", r.Status, r.Body)
		}
	}
	// an enrolled person who never attended does not count
	r := c.Do("POST", "/api/v1/people", map[string]any{"name": "缺席者", "phone": "13600000009", "role": "骨干",
		"community_code": wushanC, "org_id": orgs[3].ID})
	var absent training.Person
	r.Decode(&absent)
	c.Do("POST", "/api/v1/trainings/"+itoa(s2.ID)+"/enrolments", map[string]any{"person_id": absent.ID})
	attend(s1, orgs[0], "甲骨干", "13600000001")
	attend(s2, orgs[1], "乙骨干", "13600000002")
	attend(s2, orgs[2], "丙骨干", "13600000003")

	// the independent count: organizations with a present person whose
	// session started in (date − 1 year, date]
	independent := func(date string) (num, den int) {
		from, _ := time.Parse(time.DateOnly, date)
		lo := from.AddDate(-1, 0, 0).Format(time.DateOnly)
		if err := a.DB.Read.QueryRow(`SELECT COUNT(*) FROM orgs WHERE street_code = $1 AND status = 'active'`, wushan).Scan(&den); err != nil {
			t.Fatal(err)
		}
		if err := a.DB.Read.QueryRow(`SELECT COUNT(DISTINCT p.org_id) FROM people p
			JOIN training_attendance x ON x.person_id = p.id JOIN trainings s ON s.id = x.training_id
			WHERE s.start_day <= $1 AND s.start_day > $2`, date, lo).Scan(&num); err != nil {
			t.Fatal(err)
		}
		return num, den
	}
	for _, date := range []string{"2022-03-01", "2022-06-30", "2023-04-01", "2023-06-15"} {
		res, err := a.KPI.Evaluate(ctx, city, "trained_key_personnel", wushan, date)
		if err != nil {
			t.Fatal(err)
		}
		num, den := independent(date)
		if res.Numerator == nil || res.Denominator == nil || *res.Numerator != num || *res.Denominator != den {
			t.Errorf("%s: %v / %v, want %d / %d", date, res.Numerator, res.Denominator, num, den)
		}
		t.Logf("%s: %d / %d", date, num, den)
	}
	// the fixture covers the cases: none, one, none (the 2022 one has lapsed), two
	want := map[string]int{"2022-03-01": 0, "2022-06-30": 1, "2023-04-01": 0, "2023-06-15": 2}
	for date, w := range want {
		if num, _ := independent(date); num != w {
			t.Errorf("fixture %s: %d trained organizations, want %d", date, num, w)
		}
	}
}

// For every role, a session's page offers the enrolment form exactly when
// the service then enrols, on a session still open and on one that has
// ended. Those who keep a session's attendance (the street, the district,
// the city for a street's session) still enrol after its end, so the plan's
// sessions of 2021–2023 can be entered from their sign-in sheets; everyone
// else's enrolment closes at the end. The page used to hide the form after
// the end from everyone while the service still enrolled for everyone.
func TestEnrolOfferedIffAccepted(t *testing.T) {
	a := apptest.New(t)
	st := a.CreateUser("wushan-enrol", auth.StreetOfficer, wushan, 0)
	c := a.As(st)
	now := a.Clock.Now()
	open := create(t, c, session("骨干能力提升班", wushan, now.Add(24*time.Hour), 100))
	over := create(t, c, session("2021年骨干培训", wushan, now.Add(-30*24*time.Hour), 100))
	want := map[string]map[int64]bool{
		auth.CityAdmin:          {open.ID: true, over.ID: true},
		auth.DistrictOfficer:    {open.ID: true, over.ID: true},
		auth.StreetOfficer:      {open.ID: true, over.ID: true},
		auth.CommunityCommittee: {open.ID: true},
		auth.HubStaff:           {open.ID: true}, // no hub of theirs runs the session
	}
	n := 0
	for _, role := range auth.Roles {
		u := a.CreateUser("", role, authtest.Scope(role), 0)
		for _, s := range []training.Training{open, over} {
			n++
			pid := person(t, c, "学员"+itoa(int64(n)), "1380013"+strconv.Itoa(8000+n))
			page := a.As(u).Do("GET", "/trainings/"+itoa(s.ID), nil)
			offered := page.Status == http.StatusOK && strings.Contains(page.String(), `id="enrol-form"`)
			r := a.As(u).Do("POST", "/api/v1/trainings/"+itoa(s.ID)+"/enrolments", map[string]any{"person_id": pid})
			accepted := r.Status == http.StatusCreated
			if offered != accepted || accepted != want[role][s.ID] {
				t.Errorf("%s on %q: the page (%d) offers the form %v, the service answers %d; want both %v",
					role, s.Title, page.Status, offered, r.Status, want[role][s.ID])
			}
		}
	}
}
