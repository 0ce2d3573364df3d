package activity_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

const (
	tianhe      = "440106"
	wushan      = "440106001"
	wushanComm  = "440106001001"
	yuancun     = "440106002"
	yuancunComm = "440106002008"
	haizhuComm  = "440105001101"
)

var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

type fixture struct {
	a        *apptest.App
	district *auth.User
	street   map[string]*auth.User
}

func newFixture(t *testing.T) *fixture {
	a := apptest.New(t)
	return &fixture{a: a, district: a.CreateUser("tianhe-officer", auth.DistrictOfficer, tianhe, 0),
		street: map[string]*auth.User{
			wushan:  a.CreateUser("wushan-officer", auth.StreetOfficer, wushan, 0),
			yuancun: a.CreateUser("yuancun-officer", auth.StreetOfficer, yuancun, 0),
		}}
}

// org files an active organization of a tier in a community.
func (f *fixture) org(name, community, tier string) *registry.Org {
	in := apptest.ActiveInput(name, community)
	in.Tier = tier
	return f.a.CreateOrg(f.district, in)
}

func at(day string, hour int) string {
	return day + "T" + fmt.Sprintf("%02d", hour) + ":00:00+08:00"
}

func input(org *registry.Org, title, theme, kind, day string, from, to, participants, benef int) activity.Input {
	return activity.Input{OrgIDs: []int64{org.ID}, Title: title, Theme: theme, Kind: kind, Fields: activity.ThemeFields[theme][:1],
		StartsAt: at(day, from), EndsAt: at(day, to), CommunityCode: org.CommunityCode, TargetGroups: []string{"elderly", "empty_nest_elderly"},
		Participants: participants, Beneficiaries: activity.Beneficiaries{Total: benef,
			ByGroup: map[string]int{"elderly": benef / 2, "empty_nest_elderly": benef - benef/2}}}
}

// hubServing designates hub (by the street officer st), makes it serve
// served and returns a member of its staff, "wushan-hub".
func (f *fixture) hubServing(t *testing.T, st *auth.User, hub, served *registry.Org) *auth.User {
	t.Helper()
	return f.a.Hub(st, hub, "wushan-hub", served)
}

func (f *fixture) post(t *testing.T, u *auth.User, path string, body any, want int) *apptest.Response {
	t.Helper()
	r := f.a.As(u).Do("POST", path, body)
	if r.Status != want {
		t.Fatalf("POST %s: %d, want %d: %s", path, r.Status, want, r.Body)
	}
	return r
}

func (f *fixture) create(t *testing.T, u *auth.User, in activity.Input) *activity.Activity {
	t.Helper()
	var a activity.Activity
	f.post(t, u, "/api/v1/activities", in, http.StatusCreated).Decode(&a)
	return &a
}

func (f *fixture) volunteer(t *testing.T, u *auth.User, name, community string) int64 {
	t.Helper()
	var v activity.Volunteer
	f.post(t, u, "/api/v1/volunteers", map[string]any{"name": name, "phone": "13800001111", "community_code": community}, http.StatusCreated).Decode(&v)
	return v.ID
}

// A year of activities across two streets gives campaign figures equal to
// counts made here from what was entered.
func TestCampaignFiguresEqualIndependentCounts(t *testing.T) {
	f := newFixture(t)
	r := rand.New(rand.NewPCG(13, 14))
	orgs := map[string][]*registry.Org{}
	for _, c := range []string{wushanComm, yuancunComm} {
		for i := range 3 {
			orgs[c] = append(orgs[c], f.org(fmt.Sprintf("组织%s-%d", c[6:9], i), c, registry.TierStreet))
		}
	}
	vols := map[string][]int64{}
	for _, c := range []string{wushanComm, yuancunComm} {
		for i := range 4 {
			vols[c] = append(vols[c], f.volunteer(t, f.street[c[:9]], fmt.Sprintf("志愿者%s-%d", c[6:9], i), c))
		}
	}
	type want struct {
		n, benef, minutes int
		months            map[string][3]int
		active            map[int64]bool
	}
	wants := map[string]map[string]*want{} // theme → unit → figures
	add := func(theme, unit, month string, benef, minutes int, org int64, day string) {
		if wants[theme] == nil {
			wants[theme] = map[string]*want{}
		}
		w := wants[theme][unit]
		if w == nil {
			w = &want{months: map[string][3]int{}, active: map[int64]bool{}}
			wants[theme][unit] = w
		}
		w.n++
		w.benef += benef
		w.minutes += minutes
		m := w.months[month]
		w.months[month] = [3]int{m[0] + 1, m[1] + benef, m[2] + minutes}
		if day >= "2022-10-03" {
			w.active[org] = true
		}
	}
	themes := activity.Themes
	for i := range 80 {
		c := []string{wushanComm, yuancunComm}[i%2]
		o := orgs[c][r.IntN(3)]
		day := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365)).Format(time.DateOnly)
		theme := themes[r.IntN(len(themes))]
		benef := r.IntN(40)
		hour := 8 + i%3*4 // three slots a day, so one volunteer never overlaps itself
		a := f.create(t, f.street[c[:9]], input(o, fmt.Sprintf("活动%d", i), theme, "service", day, hour, hour+3, benef+5, benef))
		minutes := 0
		for _, v := range vols[c][:r.IntN(3)] {
			h := 1 + r.IntN(2)
			f.post(t, f.street[c[:9]], "/api/v1/activities/"+strconv.FormatInt(a.ID, 10)+"/volunteers",
				map[string]any{"volunteer_id": v, "hours": h}, http.StatusCreated)
			minutes += h * 60
		}
		for _, unit := range []string{tianhe, c[:9]} {
			add(theme, unit, day[:7], benef, minutes, o.ID, day)
		}
	}
	for _, theme := range themes {
		for _, unit := range []string{tianhe, wushan, yuancun} {
			var c activity.Campaign
			r := f.a.As(f.district).Do("GET", "/api/v1/campaigns/"+theme+"?unit="+unit+"&from=2022-01-01&to=2022-12-31", nil)
			if r.Status != 200 {
				t.Fatalf("campaign: %d %s", r.Status, r.Body)
			}
			r.Decode(&c)
			w := wants[theme][unit]
			if w == nil {
				w = &want{months: map[string][3]int{}, active: map[int64]bool{}}
			}
			if c.Activities != w.n || c.Beneficiaries != w.benef || math.Abs(c.VolunteerHours-float64(w.minutes)/60) > 0.001 {
				t.Errorf("%s %s: %d activities, %d beneficiaries, %.2f h; counted %d, %d, %.2f h", theme, unit,
					c.Activities, c.Beneficiaries, c.VolunteerHours, w.n, w.benef, float64(w.minutes)/60)
			}
			if len(c.ByMonth) != len(w.months) {
				t.Errorf("%s %s: %d months, counted %d", theme, unit, len(c.ByMonth), len(w.months))
			}
			for _, m := range c.ByMonth {
				x := w.months[m.Key]
				if m.Activities != x[0] || m.Beneficiaries != x[1] || math.Abs(m.VolunteerHours-float64(x[2])/60) > 0.001 {
					t.Errorf("%s %s %s: %+v, counted %v", theme, unit, m.Key, m, x)
				}
			}
			if w.n > 0 && (len(c.ByDistrict) != 1 || c.ByDistrict[0].Key != tianhe || c.ByDistrict[0].Activities != w.n) {
				t.Errorf("%s %s by district: %+v", theme, unit, c.ByDistrict)
			}
			orgsIn := 6
			if unit != tianhe {
				orgsIn = 3
			}
			if c.Active.Orgs != orgsIn || c.Active.Active != len(w.active) {
				t.Errorf("%s %s active: %+v, counted %d of %d", theme, unit, c.Active, len(w.active), orgsIn)
			}
		}
	}
	// a volunteer's total is the sum of the entries
	for _, v := range vols[wushanComm] {
		var hs activity.Hours
		r := f.a.As(f.street[wushan]).Do("GET", "/api/v1/volunteers/"+strconv.FormatInt(v, 10)+"/hours?from=2022-01-01&to=2022-12-31", nil)
		r.Decode(&hs)
		sum := 0.0
		for _, e := range hs.Entries {
			sum += e.Hours
		}
		if r.Status != 200 || math.Abs(hs.Hours-sum) > 0.001 {
			t.Errorf("volunteer %d: %d, %.2f h, entries %.2f", v, r.Status, hs.Hours, sum)
		}
	}
}

// Hours must be believable: overlapping activities, more than 12 hours a
// day, more than the activity lasted, a volunteer from another district.
// Nothing is written when an entry is refused.
func TestVolunteerHoursRules(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	o := f.org("五山志愿服务队", wushanComm, registry.TierStreet)
	a1 := f.create(t, st, input(o, "上午探访", "neighbourly_watch", "service", "2023-03-04", 8, 12, 10, 6))
	a2 := f.create(t, st, input(o, "中午送餐", "neighbourly_watch", "service", "2023-03-04", 11, 14, 10, 6))
	a3 := f.create(t, st, input(o, "下午巡逻", "safety", "service", "2023-03-04", 14, 23, 10, 6))
	v := f.volunteer(t, st, "李志愿", wushanComm)
	path := func(a *activity.Activity) string {
		return "/api/v1/activities/" + strconv.FormatInt(a.ID, 10) + "/volunteers"
	}
	f.post(t, st, path(a1), map[string]any{"volunteer_id": v, "hours": 4}, http.StatusCreated)
	before := f.a.Count("volunteer_hours")
	field := func(r *apptest.Response, name, key string) {
		t.Helper()
		if e := r.Error(); e.Fields[name] == "" {
			t.Errorf("want a field error on %s (%s): %s", name, key, r.Body)
		}
	}
	field(f.post(t, st, path(a2), map[string]any{"volunteer_id": v, "hours": 1}, 422), "volunteer_id", "overlap")
	field(f.post(t, st, path(a3), map[string]any{"volunteer_id": v, "hours": 9}, 422), "hours", "12 h a day")
	field(f.post(t, st, path(a1), map[string]any{"volunteer_id": v, "hours": 0.5}, 422), "hours", "outside the activity's time")
	hz := f.a.CreateUser("haizhu", auth.DistrictOfficer, "440105", 0)
	hv := f.volunteer(t, hz, "海珠志愿者乙", haizhuComm)
	field(f.post(t, st, path(a3), map[string]any{"volunteer_id": hv, "hours": 1}, 422), "volunteer_id", "another district")
	if n := f.a.Count("volunteer_hours"); n != before {
		t.Errorf("refused entries wrote %d rows", n-before)
	}
	f.post(t, st, path(a3), map[string]any{"volunteer_id": v, "hours": 8}, http.StatusCreated)
	// confirm locks; a correction is a new entry with a reason
	f.post(t, st, "/api/v1/activities/"+strconv.FormatInt(a1.ID, 10)+"/confirm", nil, 200)
	field(f.post(t, st, path(a1), map[string]any{"volunteer_id": v, "hours": -1}, 422), "reason", "correction needs a reason")
	f.post(t, st, path(a1), map[string]any{"volunteer_id": v, "hours": -1, "reason": "提前离开"}, http.StatusCreated)
	var hs activity.Hours
	f.a.As(st).Do("GET", "/api/v1/volunteers/"+strconv.FormatInt(v, 10)+"/hours?from=2023-03-01&to=2023-03-31", nil).Decode(&hs)
	if hs.Hours != 11 || len(hs.Entries) != 3 {
		t.Errorf("total %.2f h in %d entries, want 11 h in 3", hs.Hours, len(hs.Entries))
	}
	// officers see the phone masked, the volunteer's leader would not
	var vs struct{ Items []activity.Volunteer }
	f.a.As(st).Do("GET", "/api/v1/volunteers", nil).Decode(&vs)
	if len(vs.Items) == 0 || vs.Items[0].Phone != "138****1111" {
		t.Errorf("volunteers: %+v", vs.Items)
	}
}

// A 300-participant performance entered without a report is held until the
// street acknowledges it; nobody else may decide; a refused report blocks.
func TestMajorActivityReports(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	o := f.org("五山文艺协会", wushanComm, registry.TierStreet)
	leader := f.a.CreateUser("leader", auth.OrgLeader, wushanComm, o.ID)
	show := f.create(t, leader, input(o, "广场文艺汇演", "culture", "performance", "2023-07-01", 19, 21, 300, 0))
	if show.Status != activity.StatusAwaiting || !show.Major || show.AckLevel != activity.LevelStreet || show.ReportDueOn != "2023-06-24" {
		t.Fatalf("a 300-participant performance: %s major=%v %s due %s", show.Status, show.Major, show.AckLevel, show.ReportDueOn)
	}
	id := strconv.FormatInt(show.ID, 10)
	f.post(t, leader, "/api/v1/activities/"+id+"/confirm", nil, http.StatusConflict)
	var rp activity.Report
	f.post(t, leader, "/api/v1/major-reports", map[string]any{"activity_id": show.ID}, http.StatusCreated).Decode(&rp)
	if rp.Late || rp.Status != activity.ReportPending {
		t.Errorf("report: %+v", rp)
	}
	f.post(t, leader, "/api/v1/major-reports", map[string]any{"activity_id": show.ID}, http.StatusConflict)
	var inbox activity.ReportList
	f.a.As(st).Do("GET", "/api/v1/major-reports?status=pending", nil).Decode(&inbox)
	if len(inbox.Items) != 1 || inbox.AwaitMine != 1 || inbox.Items[0].DueOn != "2023-06-24" {
		t.Errorf("inbox: %+v", inbox)
	}
	rid := strconv.FormatInt(rp.ID, 10)
	comm := f.a.CreateUser("committee", auth.CommunityCommittee, wushanComm, 0)
	for _, u := range []*auth.User{f.district, comm, leader} {
		r := f.a.As(u).Do("POST", "/api/v1/major-reports/"+rid+"/decision", map[string]any{"decision": "acknowledge"})
		if r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
			t.Errorf("%s decided: %d", u.Role, r.Status)
		}
	}
	f.post(t, f.street[yuancun], "/api/v1/major-reports/"+rid+"/decision", map[string]any{"decision": "acknowledge"}, http.StatusNotFound)
	if got := get(t, f, st, show.ID); got.Status != activity.StatusAwaiting {
		t.Fatalf("before the street decides: %s", got.Status)
	}
	f.post(t, st, "/api/v1/major-reports/"+rid+"/decision", map[string]any{"decision": "acknowledge"}, 200)
	if got := get(t, f, st, show.ID); got.Status != activity.StatusRecorded {
		t.Errorf("acknowledged: %s", got.Status)
	}
	f.post(t, leader, "/api/v1/activities/"+id+"/confirm", nil, 200)

	// refused: blocked, no hours, no edits, not in the campaign
	fair := f.create(t, leader, input(o, "社区美食节", "culture", "festival", "2023-08-01", 9, 17, 500, 0))
	f.post(t, leader, "/api/v1/major-reports", map[string]any{"activity_id": fair.ID}, http.StatusCreated).Decode(&rp)
	f.post(t, st, "/api/v1/major-reports/"+strconv.FormatInt(rp.ID, 10)+"/decision", map[string]any{"decision": "refuse"}, 422)
	f.post(t, st, "/api/v1/major-reports/"+strconv.FormatInt(rp.ID, 10)+"/decision", map[string]any{"decision": "refuse", "reason": "场地消防不达标"}, 200)
	if got := get(t, f, st, fair.ID); got.Status != activity.StatusRefused {
		t.Errorf("refused: %s", got.Status)
	}
	v := f.volunteer(t, st, "王志愿", wushanComm)
	f.post(t, leader, "/api/v1/activities/"+strconv.FormatInt(fair.ID, 10)+"/volunteers", map[string]any{"volunteer_id": v, "hours": 2}, http.StatusConflict)
	if r := f.a.As(leader).Do("PATCH", "/api/v1/activities/"+strconv.FormatInt(fair.ID, 10), map[string]any{"title": "改名"}); r.Status != http.StatusConflict {
		t.Errorf("patch of a refused activity: %d", r.Status)
	}
	var c activity.Campaign
	f.a.As(st).Do("GET", "/api/v1/campaigns/culture?unit="+wushan+"&from=2023-01-01&to=2023-12-31", nil).Decode(&c)
	if c.Activities != 1 {
		t.Errorf("campaign counts %d culture activities, want 1 (the refused fair left out)", c.Activities)
	}
	// an unreported major activity, and late reports, are counted per street
	f.a.Clock.Advance(20 * 24 * time.Hour) // 2023-07-05
	f.create(t, leader, input(o, "中秋游园会", "culture", "festival", "2023-09-29", 19, 21, 200, 0))
	late := f.create(t, leader, input(o, "国庆合唱比赛", "culture", "performance", "2023-07-10", 19, 21, 150, 0))
	f.post(t, leader, "/api/v1/major-reports", map[string]any{"activity_id": late.ID}, http.StatusCreated).Decode(&rp)
	if !rp.Late {
		t.Errorf("a report 5 days before a 7-days-ahead deadline is not late: %+v", rp)
	}
	f.a.As(f.district).Do("GET", "/api/v1/major-reports", nil).Decode(&inbox)
	if len(inbox.ByStreet) != 1 || inbox.ByStreet[0].Major != 4 || inbox.ByStreet[0].Late != 1 || inbox.ByStreet[0].Unreported != 1 {
		t.Errorf("by street: %+v", inbox.ByStreet)
	}
	// a community-tier organization reports to its community committee
	co := f.org("五山广场舞队", wushanComm, registry.TierCommunity)
	dance := f.create(t, st, input(co, "广场舞比赛", "culture", "sports", "2023-09-01", 9, 11, 120, 0))
	if dance.AckLevel != activity.LevelCommunity {
		t.Fatalf("community tier: ack level %s", dance.AckLevel)
	}
	f.post(t, st, "/api/v1/major-reports", map[string]any{"activity_id": dance.ID}, http.StatusCreated).Decode(&rp)
	f.post(t, st, "/api/v1/major-reports/"+strconv.FormatInt(rp.ID, 10)+"/decision", map[string]any{"decision": "acknowledge"}, http.StatusForbidden)
	f.post(t, comm, "/api/v1/major-reports/"+strconv.FormatInt(rp.ID, 10)+"/decision", map[string]any{"decision": "acknowledge"}, 200)
	// every decision is in the audit log
	var n int
	if err := f.a.DB.Read.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'major_report.%'`).Scan(&n); err != nil || n != 7 {
		t.Errorf("audit rows for reports: %d (%v), want 7", n, err)
	}
}

// A street's rule change reaches activities entered after it, not before.
func TestRuleChangeAffectsNewActivitiesOnly(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	o := f.org("五山长者协会", wushanComm, registry.TierStreet)
	before := f.create(t, st, input(o, "长者茶话会", "neighbourly_watch", "gathering", "2023-08-01", 9, 11, 50, 0))
	if before.Status != activity.StatusRecorded {
		t.Fatalf("a 50-person gathering under the default rule: %s", before.Status)
	}
	r := f.a.As(st).Do("PUT", "/api/v1/major-report-rules?unit="+wushan, map[string]any{"kinds": []string{"gathering"},
		"min_participants": 30, "minors": true, "days_ahead": 10, "community_ack_tier": true})
	if r.Status != 200 {
		t.Fatalf("put rule: %d %s", r.Status, r.Body)
	}
	if r := f.a.As(f.street[yuancun]).Do("PUT", "/api/v1/major-report-rules?unit="+wushan, map[string]any{"kinds": []string{}, "min_participants": 1, "days_ahead": 1}); r.Status != 404 {
		t.Errorf("another street edits 五山's rule: %d", r.Status)
	}
	var rule activity.Rule
	f.a.As(st).Do("GET", "/api/v1/major-report-rules?unit="+wushan, nil).Decode(&rule)
	if rule.MinParticipants != 30 || rule.Default {
		t.Errorf("rule: %+v", rule)
	}
	after := f.create(t, st, input(o, "长者生日会", "neighbourly_watch", "gathering", "2023-08-20", 9, 11, 50, 0))
	if after.Status != activity.StatusAwaiting || after.ReportDueOn != "2023-08-10" {
		t.Errorf("a 50-person gathering under the new rule: %s due %s", after.Status, after.ReportDueOn)
	}
	// editing the old activity keeps the rule it was entered under
	var old activity.Activity
	r = f.a.As(st).Do("PATCH", "/api/v1/activities/"+strconv.FormatInt(before.ID, 10), map[string]any{"participants": 60})
	r.Decode(&old)
	if r.Status != 200 || old.Status != activity.StatusRecorded || old.Participants != 60 {
		t.Errorf("old activity after edit: %d %s %d", r.Status, old.Status, old.Participants)
	}
	// the district's rule does not override the street's own
	if r := f.a.As(f.district).Do("PUT", "/api/v1/major-report-rules?unit="+tianhe, map[string]any{"kinds": []string{"service"},
		"min_participants": 1, "days_ahead": 3}); r.Status != 200 {
		t.Fatalf("district rule: %d %s", r.Status, r.Body)
	}
	svc := f.create(t, st, input(o, "义剪服务", "neighbourly_watch", "service", "2023-08-21", 9, 11, 20, 0))
	yo := f.org("员村义工队", yuancunComm, registry.TierStreet)
	ysvc := f.create(t, f.street[yuancun], input(yo, "员村义剪", "neighbourly_watch", "service", "2023-08-21", 9, 11, 20, 0))
	if svc.Major || !ysvc.Major {
		t.Errorf("五山 keeps its own rule (major=%v); 员村 follows the district's (major=%v)", svc.Major, ysvc.Major)
	}
}

// Bad input writes nothing: times, sums, photos, scope.
func TestBadInput(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	o := f.org("五山读书会", wushanComm, registry.TierStreet)
	before := f.a.Count("activities")
	bad := input(o, "读书会", "culture", "service", "2023-05-01", 10, 9, 10, 10)
	if e := f.post(t, st, "/api/v1/activities", bad, 422).Error(); e.Fields["ends_at"] == "" {
		t.Errorf("ends before it starts: %+v", e)
	}
	bad = input(o, "读书会", "culture", "service", "2023-05-01", 9, 10, 10, 10)
	bad.Beneficiaries.ByGroup["elderly"]++
	if e := f.post(t, st, "/api/v1/activities", bad, 422).Error(); e.Fields["beneficiaries"] == "" {
		t.Errorf("beneficiaries not adding up: %+v", e)
	}
	bad = input(o, "读书会", "culture", "service", "2023-05-01", 9, 10, 10, 10)
	bad.Fields = []string{"patrol"}
	if e := f.post(t, st, "/api/v1/activities", bad, 422).Error(); e.Fields["fields"] == "" {
		t.Errorf("a safety field under culture: %+v", e)
	}
	f.post(t, f.street[yuancun], "/api/v1/activities", input(o, "读书会", "culture", "service", "2023-05-01", 9, 10, 10, 10), 404)
	other := f.a.CreateUser("other-leader", auth.OrgLeader, yuancunComm, 0)
	f.post(t, other, "/api/v1/activities", input(o, "读书会", "culture", "service", "2023-05-01", 9, 10, 10, 10), 404)
	auditor := f.a.CreateUser("auditor", auth.Auditor, tianhe, 0)
	f.post(t, auditor, "/api/v1/activities", input(o, "读书会", "culture", "service", "2023-05-01", 9, 10, 10, 10), 403)
	if n := f.a.Count("activities"); n != before {
		t.Fatalf("bad input wrote %d activities", n-before)
	}
	a := f.create(t, st, input(o, "读书会", "culture", "service", "2023-05-01", 9, 10, 10, 10))
	path := "/api/v1/activities/" + strconv.FormatInt(a.ID, 10) + "/files"
	if e := f.post(t, st, path, apptest.Upload{Field: "file", Filename: "photo.png", Data: []byte("not really a picture")}, 422).Error(); e.Fields["file"] == "" {
		t.Errorf("a photo that is not an image: %+v", e)
	}
	var file activity.File
	f.post(t, st, path, apptest.Upload{Field: "file", Filename: "读书会.png", Data: png}, 201).Decode(&file)
	r := f.a.As(st).Do("GET", path+"/"+strconv.FormatInt(file.ID, 10), nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "image/png" || string(r.Body) != string(png) ||
		!strings.HasPrefix(r.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("photo back: %d %s, CSP %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Security-Policy"))
	}
	if n := f.a.Count("activity_files"); n != 1 {
		t.Errorf("%d files stored, want 1", n)
	}
	// the leader sees the activity, a leader of another organization does not
	leader := f.a.CreateUser("leader", auth.OrgLeader, wushanComm, o.ID)
	var p activity.Page
	f.a.As(leader).Do("GET", "/api/v1/activities", nil).Decode(&p)
	if p.Total != 1 || len(p.Items) != 1 || !slices.Equal(p.Items[0].OrgIDs, []int64{o.ID}) {
		t.Errorf("leader's list: %+v", p)
	}
	f.a.As(other).Do("GET", "/api/v1/activities", nil).Decode(&p)
	if p.Total != 0 {
		t.Errorf("another leader sees %d activities", p.Total)
	}
}

// A consultation is also an activity under co_governance.
func TestConsultation(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	o := f.org("五山议事会", wushanComm, registry.TierStreet)
	var c activity.Consultation
	f.post(t, st, "/api/v1/consultations", map[string]any{"topic": "小区停车位划线", "topic_kind": "parking", "community_code": wushanComm,
		"raised_by": "organization", "raised_by_org_id": o.ID, "org_ids": []int64{o.ID}, "follow_up": "物业三月内完成划线",
		"meetings": []map[string]any{{"held_on": "2023-04-02", "residents": 25, "committee": 3, "organizations": 2, "property_mgmt": 1,
			"minutes": "讨论划线方案", "decisions": "按方案二实施"}}}, 201).Decode(&c)
	a := get(t, f, st, c.ActivityID)
	if a.Theme != "co_governance" || a.Participants != 31 || a.Kind != "meeting" || !slices.Contains(a.Fields, "parking") {
		t.Errorf("the consultation's activity: %+v", a)
	}
	var l struct{ Items []activity.Consultation }
	f.a.As(st).Do("GET", "/api/v1/consultations", nil).Decode(&l)
	if len(l.Items) != 1 || len(l.Items[0].Meetings) != 1 || l.Items[0].Meetings[0].Residents != 25 {
		t.Errorf("consultations: %+v", l.Items)
	}
}

func get(t *testing.T, f *fixture, u *auth.User, id int64) *activity.Activity {
	t.Helper()
	var a activity.Activity
	r := f.a.As(u).Do("GET", "/api/v1/activities/"+strconv.FormatInt(id, 10), nil)
	if r.Status != 200 {
		t.Fatalf("get %d: %d %s", id, r.Status, r.Body)
	}
	r.Decode(&a)
	return &a
}
