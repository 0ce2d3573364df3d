package portal_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/portal"
	"linli/internal/registry"
)

const comm = "440106008007" // 育蕾社区, 天河南街道, 天河区

type world struct {
	a              *apptest.App
	city           *auth.User
	dance, callig  *registry.Org
	pending        *registry.Org
	leader, commit *auth.User
}

func newWorld(t *testing.T) *world {
	t.Helper()
	a := apptest.New(t)
	w := &world{a: a, city: a.CreateUser("city", auth.CityAdmin, "4401", 0)}
	mk := func(name, leaderName, phone, status string) *registry.Org {
		in := apptest.OrgInput(name, comm)
		in.LeaderName, in.LeaderPhone, in.Status = leaderName, phone, status
		return a.CreateOrg(w.city, in)
	}
	w.dance = mk("育蕾长者舞蹈队", "欧阳翠花", "13912345678", registry.StatusActive)
	w.callig = mk("育蕾书画社", "司马长风", "13787654321", registry.StatusActive)
	w.pending = mk("育蕾待审合唱团", "诸葛未审", "13600001111", registry.StatusPending)
	w.leader = a.CreateUser("danceleader", auth.OrgLeader, comm, w.dance.ID)
	w.commit = a.CreateUser("yulei", auth.CommunityCommittee, comm, 0)
	return w
}

// secrets are the leaders' names and phones that must stay off the portal.
var secrets = []string{"欧阳翠花", "13912345678", "司马长风", "13787654321", "诸葛未审", "13600001111", "138****"}

func noSecrets(t *testing.T, what, body string, except ...string) {
	t.Helper()
	for _, s := range secrets {
		skip := false
		for _, e := range except {
			skip = skip || e == s
		}
		if !skip && strings.Contains(body, s) {
			t.Errorf("%s shows %q", what, s)
		}
	}
}

func TestPublicPagesAndAPI(t *testing.T) {
	w := newWorld(t)
	anon := w.a.Anon()
	pages := []string{"/", "/p/4401", "/p/440106", "/p/440106008", "/p/" + comm, "/p/orgs/" + strconv.FormatInt(w.dance.ID, 10),
		"/p/activities", "/p/activities?within=440106008&from=2023-06-01&to=2023-06-30", "/?lang=en", "/p/" + comm + "?q=wudao"}
	for _, p := range pages {
		r := anon.Do("GET", p, nil)
		if r.Status != 200 || !r.IsHTML() {
			t.Fatalf("GET %s: %d %s", p, r.Status, r.Body)
		}
		s := r.String()
		for _, want := range []string{"<title>", `name="description"`, `property="og:title"`, `property="og:description"`,
			`property="og:type"`, `property="og:url"`} {
			if !strings.Contains(s, want) {
				t.Errorf("%s lacks %s", p, want)
			}
		}
		if len(r.Body) > 100*1024 {
			t.Errorf("%s is %d bytes, over 100 KB", p, len(r.Body))
		}
		if r.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s Cache-Control %q", p, r.Header.Get("Cache-Control"))
		}
		noSecrets(t, p, s)
		t.Logf("%s: %d bytes", p, len(r.Body))
	}
	// the community's page lists both active organizations, not the pending one
	s := anon.Do("GET", "/p/"+comm, nil).String()
	if !strings.Contains(s, "育蕾长者舞蹈队") || !strings.Contains(s, "育蕾书画社") || strings.Contains(s, "育蕾待审合唱团") {
		t.Errorf("community page organizations wrong")
	}
	// the pending organization has no public page
	if r := anon.Do("GET", "/p/orgs/"+strconv.FormatInt(w.pending.ID, 10), nil); r.Status != 404 {
		t.Errorf("pending org page: %d", r.Status)
	}
	if r := anon.Do("GET", "/api/v1/public/orgs/"+strconv.FormatInt(w.pending.ID, 10), nil); r.Status != 404 {
		t.Errorf("pending org api: %d", r.Status)
	}
	// search: 2 characters, pinyin, type, target group, over the API
	for _, c := range []struct {
		q    string
		want []string
	}{{"q=舞蹈", []string{"育蕾长者舞蹈队"}}, {"q=书画", []string{"育蕾书画社"}}, {"q=wudao", []string{"育蕾长者舞蹈队"}},
		{"type=culture_sports", []string{"育蕾长者舞蹈队", "育蕾书画社"}}, {"target_group=children", nil}} {
		r := anon.Do("GET", "/api/v1/public/orgs?within=440106&"+c.q, nil)
		if r.Status != 200 {
			t.Fatalf("search %s: %d %s", c.q, r.Status, r.Body)
		}
		var pg struct {
			Items []struct{ Name string }
			Total int
		}
		r.Decode(&pg)
		var got []string
		for _, it := range pg.Items {
			got = append(got, it.Name)
		}
		if pg.Total != len(c.want) || strings.Join(got, ",") != strings.Join(c.want, ",") && len(c.want) < 2 {
			t.Errorf("search %s: %v (total %d), want %v", c.q, got, pg.Total, c.want)
		}
		noSecrets(t, "search "+c.q, r.String())
	}
	// bounds and bad input
	for _, q := range []string{"/api/v1/public/orgs?per_page=51", "/api/v1/public/orgs?type=nope", "/api/v1/public/orgs?within=44x",
		"/api/v1/public/activities?from=2023-13-01", "/api/v1/public/activities?from=2023-06-02&to=2023-06-01",
		"/api/v1/public/activities?from=2021-01-01&to=2023-01-01"} {
		if r := anon.Do("GET", q, nil); r.Status != 422 {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
	if r := anon.Do("GET", "/api/v1/public/places/449999", nil); r.Status != 404 {
		t.Errorf("unknown place: %d", r.Status)
	}
	// the place API
	r := anon.Do("GET", "/api/v1/public/places/"+comm, nil)
	if r.Status != 200 {
		t.Fatalf("place api: %d %s", r.Status, r.Body)
	}
	var pl map[string]json.RawMessage
	r.Decode(&pl)
	for _, k := range []string{"code", "name", "path", "children", "orgs", "upcoming_activities", "recent_activities", "calls", "indicators", "as_of"} {
		if _, ok := pl[k]; !ok {
			t.Errorf("place answer has no %q", k)
		}
	}
	noSecrets(t, "place api", r.String())
}

// Publishing a contact shows it at once; withdrawing removes it at once,
// from the pages and the API; every change is audited; only the leader and
// the community committee keep the settings.
func TestPublishAndWithdraw(t *testing.T) {
	w := newWorld(t)
	anon := w.a.Anon()
	id := strconv.FormatInt(w.dance.ID, 10)
	leader := w.a.As(w.leader)
	r := leader.Do("GET", "/api/v1/orgs/"+id+"/publication", nil)
	if r.Status != 200 {
		t.Fatalf("settings: %d %s", r.Status, r.Body)
	}
	var set map[string]any
	r.Decode(&set)
	if set["contact"] != false || set["version"].(float64) != 0 {
		t.Fatalf("default settings %v", set)
	}
	// an officer of the street, and another org's leader, may not
	street := w.a.CreateUser("streetoff", auth.StreetOfficer, "440106008", 0)
	if r := w.a.As(street).Do("PUT", "/api/v1/orgs/"+id+"/publication", map[string]any{"contact": false}); r.Status != 403 {
		t.Errorf("street officer: %d", r.Status)
	}
	other := w.a.CreateUser("callig", auth.OrgLeader, comm, w.callig.ID)
	if r := w.a.As(other).Do("PUT", "/api/v1/orgs/"+id+"/publication", map[string]any{}); r.Status != 404 && r.Status != 403 {
		t.Errorf("other leader: %d", r.Status)
	}
	// bad input: a contact without a phone
	if r := leader.Do("PUT", "/api/v1/orgs/"+id+"/publication", map[string]any{"contact": true, "contact_name": "欧阳翠花"}); r.Status != 422 ||
		r.Error().Fields["contact_phone"] == "" {
		t.Errorf("contact without phone: %d %s", r.Status, r.Body)
	}
	pub := map[string]any{"contact": true, "contact_name": "欧阳翠花", "contact_phone": "13912345678",
		"about": true, "description": "每周二、四晚上在育蕾社区广场跳舞。", "how_to_join": "直接来广场。", "version": 0}
	if r := leader.Do("PUT", "/api/v1/orgs/"+id+"/publication", pub); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	// a stale version is a conflict
	if r := leader.Do("PUT", "/api/v1/orgs/"+id+"/publication", pub); r.Status != 409 {
		t.Errorf("stale version: %d", r.Status)
	}
	for _, p := range []string{"/p/orgs/" + id, "/api/v1/public/orgs/" + id, "/api/v1/public/orgs?within=" + comm} {
		s := anon.Do("GET", p, nil).String()
		if !strings.Contains(s, "13912345678") || !strings.Contains(s, "欧阳翠花") || !strings.Contains(s, "每周二、四晚上") {
			t.Errorf("%s lacks the published contact and description", p)
		}
		noSecrets(t, p, s, "欧阳翠花", "13912345678")
	}
	if s := anon.Do("GET", "/p/"+comm, nil).String(); !strings.Contains(s, "每周二、四晚上") {
		t.Error("the community page lacks the published description")
	}
	// the community committee withdraws the contact (through the form)
	cc := w.a.As(w.commit)
	form := url.Values{"version": {"1"}, "about": {"1"}, "description": {"每周二、四晚上在育蕾社区广场跳舞。"}}
	if r := cc.Do("POST", "/p/orgs/"+id+"/settings", form); r.Status != 303 {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	for _, p := range []string{"/p/orgs/" + id, "/api/v1/public/orgs/" + id, "/p/" + comm, "/api/v1/public/places/" + comm} {
		s := anon.Do("GET", p, nil).String()
		noSecrets(t, p+" after withdrawal", s)
		if !strings.Contains(s, "每周二、四晚上") {
			t.Errorf("%s lost the description", p)
		}
	}
	var n int
	if err := w.a.DB.Read.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'portal.publication' AND object_id = $1`, id).Scan(&n); err != nil || n != 2 {
		t.Errorf("audit rows: %d %v", n, err)
	}
	var detail string
	w.a.DB.Read.QueryRowContext(context.Background(), `SELECT detail FROM audit_log WHERE action = 'portal.publication' ORDER BY seq LIMIT 1`).Scan(&detail)
	if strings.Contains(detail, "13912345678") || !strings.Contains(detail, "139****5678") {
		t.Errorf("audit detail keeps the phone: %s", detail)
	}
	// the settings page is linked from the org page for its keepers only
	if !strings.Contains(leader.Do("GET", "/p/orgs/"+id, nil).String(), `id="settings-link"`) {
		t.Error("the leader sees no settings link")
	}
	if strings.Contains(anon.Do("GET", "/p/orgs/"+id, nil).String(), `id="settings-link"`) {
		t.Error("a visitor sees the settings link")
	}
	if r := leader.Do("GET", "/p/orgs/"+id+"/settings", nil); r.Status != 200 || !strings.Contains(r.String(), `id="settings-form"`) {
		t.Errorf("settings page: %d", r.Status)
	}
	if r := anon.Do("GET", "/p/orgs/"+id+"/settings", nil); r.Status != 303 {
		t.Errorf("anonymous settings: %d", r.Status)
	}
}

// An organization's activities are public only while it publishes them.
func TestActivitiesFollowPublication(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in := activity.Input{OrgIDs: []int64{w.dance.ID}, Title: "广场舞展演", Theme: "culture", Kind: "service",
		Fields: activity.ThemeFields["culture"][:1], StartsAt: "2023-06-10T19:00:00+08:00", EndsAt: "2023-06-10T21:00:00+08:00",
		CommunityCode: comm, TargetGroups: []string{"elderly"}, Participants: 20,
		Beneficiaries: activity.Beneficiaries{Total: 20, ByGroup: map[string]int{"elderly": 20}}}
	if _, err := w.a.Activity.Create(ctx, w.city, in); err != nil {
		t.Fatal(err)
	}
	anon := w.a.Anon()
	q := "/api/v1/public/activities?within=440106&from=2023-06-01&to=2023-06-30"
	count := func() int {
		var pg struct{ Total int }
		r := anon.Do("GET", q, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", q, r.Status, r.Body)
		}
		r.Decode(&pg)
		return pg.Total
	}
	if n := count(); n != 0 {
		t.Errorf("unpublished activities listed: %d", n)
	}
	id := strconv.FormatInt(w.dance.ID, 10)
	leader := w.a.As(w.leader)
	if r := leader.Do("PUT", "/api/v1/orgs/"+id+"/publication", map[string]any{"activities": true}); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	if n := count(); n != 1 {
		t.Errorf("published activities: %d, want 1", n)
	}
	page := anon.Do("GET", "/p/"+comm, nil).String()
	if !strings.Contains(page, "广场舞展演") {
		t.Error("the community page lacks the recent activity")
	}
	if !strings.Contains(anon.Do("GET", "/p/activities?within="+comm+"&from=2023-06-01&to=2023-06-30", nil).String(), "广场舞展演") {
		t.Error("the activities page lacks it")
	}
	if r := leader.Do("PUT", "/api/v1/orgs/"+id+"/publication", map[string]any{"activities": false, "version": 1}); r.Status != 200 {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	if n := count(); n != 0 {
		t.Errorf("withdrawn activities still listed: %d", n)
	}
	if strings.Contains(anon.Do("GET", "/p/"+comm, nil).String(), "广场舞展演") {
		t.Error("the community page still shows the withdrawn activity")
	}
}

type fakeExtras struct{}

func (fakeExtras) OrgRatings(ctx context.Context, orgID int64) (*portal.Ratings, error) {
	return &portal.Ratings{Count: 7, Average: 4.3}, nil
}

func (fakeExtras) PlaceCases(ctx context.Context, code string, n int) ([]portal.Case, error) {
	return []portal.Case{{ID: 1, Title: "育蕾社区的长者舞蹈", Link: "/p/cases/1"}}, nil
}

// The hooks the residents' and evaluation rooms fill: ratings and a grade
// on the organization's page, cases on the place's; none shows nothing.
func TestExtrasHooks(t *testing.T) {
	w := newWorld(t)
	anon := w.a.Anon()
	id := strconv.FormatInt(w.dance.ID, 10)
	// the app wires the civic and evaluation rooms in; unwired, nothing shows
	w.a.Portal.Extras, w.a.Portal.Grade = nil, nil
	if s := anon.Do("GET", "/p/orgs/"+id, nil).String(); strings.Contains(s, `id="ratings"`) || strings.Contains(s, `id="grade"`) {
		t.Error("ratings or grade shown without the hooks")
	}
	w.a.Portal.Extras = fakeExtras{}
	w.a.Portal.Grade = func(ctx context.Context, orgID int64) (string, error) { return "AAA", nil }
	s := anon.Do("GET", "/p/orgs/"+id, nil).String()
	if !strings.Contains(s, `id="ratings"`) || !strings.Contains(s, "4.3") || !strings.Contains(s, "AAA") {
		t.Error("the organization page lacks the ratings or the grade")
	}
	var o struct {
		Grade   string
		Ratings struct{ Count int }
	}
	anon.Do("GET", "/api/v1/public/orgs/"+id, nil).Decode(&o)
	if o.Grade != "AAA" || o.Ratings.Count != 7 {
		t.Errorf("api: %+v", o)
	}
	if s := anon.Do("GET", "/p/"+comm, nil).String(); !strings.Contains(s, "育蕾社区的长者舞蹈") {
		t.Error("the place page lacks the case")
	}
}
