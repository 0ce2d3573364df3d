package evaluation_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/evaluation"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

const (
	city    = "4401"
	tianhe  = "440106"
	wushan  = "440106001"
	wushanC = "440106001001"
	yuancun = "440106002008"
)

var seq int

func credit() string {
	seq++
	f := fmt.Sprintf("51440106MJ%07d", 900+seq)
	return f + string(registry.CreditCheckDigit(f))
}

// org records an active organization, in effect from 2021-01-01.
func org(t *testing.T, a *apptest.App, by *auth.User, name, community, tier string) *registry.Org {
	t.Helper()
	in := apptest.ActiveInput(name, community)
	in.Tier, in.EffectiveOn, in.LateReason, in.FoundedOn = tier, "2021-01-01", "补录历史数据", "2020-03-01"
	if tier == registry.TierRegistered {
		in.CreditCode = credit()
	}
	return a.CreateOrg(by, in)
}

func indicators(t *testing.T, a *apptest.App, admin *auth.User) {
	t.Helper()
	for _, in := range evaluation.Indicators() {
		if _, err := a.KPI.Create(context.Background(), admin, in); err != nil {
			t.Fatalf("indicator %s: %v", in.Key, err)
		}
	}
}

func value(t *testing.T, a *apptest.App, u *auth.User, key, unit, day string) (num, den int, v float64) {
	t.Helper()
	r, err := a.KPI.Evaluate(context.Background(), u, key, unit, day)
	if err != nil {
		t.Fatalf("%s at %s on %s: %v", key, unit, day, err)
	}
	if r.Numerator != nil {
		num = *r.Numerator
	}
	if r.Denominator != nil {
		den = *r.Denominator
	}
	if r.Value != nil {
		v = *r.Value
	}
	return
}

func mustStatus(t *testing.T, r *apptest.Response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
}

// An expired grade stops counting on its expiry date: graded_orgs and
// GradeOf the day before and on the day; bad grades are refused with
// nothing written.
func TestGradesExpire(t *testing.T) {
	a := apptest.New(t)
	admin := a.User(auth.CityAdmin, city)
	do := a.User(auth.DistrictOfficer, tianhe)
	so := a.User(auth.StreetOfficer, wushan)
	indicators(t, a, admin)
	var regs []*registry.Org
	for i := 0; i < 4; i++ {
		regs = append(regs, org(t, a, so, "登记组织"+strconv.Itoa(i), wushanC, registry.TierRegistered))
	}
	small := org(t, a, so, "社区舞蹈队", wushanC, registry.TierCommunity)
	c := a.As(do)
	award := func(o *registry.Org, body map[string]any) *apptest.Response {
		return c.Do("POST", "/api/v1/orgs/"+strconv.FormatInt(o.ID, 10)+"/grades", body)
	}
	type grade struct {
		org            int
		from, until, g string
	}
	given := []grade{
		{0, "2020-09-01", "2023-09-01", "3A"},
		{1, "2022-05-01", "", "4A"}, // default: five years
		{2, "2021-03-01", "2023-12-01", "2A"},
		{2, "2023-06-01", "2028-06-01", "5A"}, // replaces the 2A
	}
	for _, g := range given {
		body := map[string]any{"grade": g.g, "awarded_on": g.from, "valid_until": g.until, "evaluator": "广州市社会组织评估委员会",
			"late_reason": "历史评估结果补录"}
		mustStatus(t, award(regs[g.org], body), http.StatusCreated)
	}
	var got struct{ Items []evaluation.Grade }
	c.Do("GET", "/api/v1/orgs/"+strconv.FormatInt(regs[1].ID, 10)+"/grades", nil).Decode(&got)
	if len(got.Items) != 1 || got.Items[0].ValidUntil != "2027-05-01" || !got.Items[0].Valid {
		t.Fatalf("default validity: %+v", got.Items)
	}
	// refusals, nothing written
	grades, audits := a.Count("org_grades"), evalAudits(t, a)
	for _, bad := range []struct {
		o     *registry.Org
		body  map[string]any
		field string
	}{
		{small, map[string]any{"grade": "3A", "awarded_on": "2023-06-01", "evaluator": "评估委员会"}, "org_id"},
		{regs[3], map[string]any{"grade": "3A", "awarded_on": "2018-06-01", "valid_until": "2023-06-01", "evaluator": "评估委员会", "late_reason": "补录"}, "valid_until"},
		{regs[3], map[string]any{"grade": "6A", "awarded_on": "2023-06-01", "evaluator": "评估委员会"}, "grade"},
		{regs[3], map[string]any{"grade": "3A", "awarded_on": "2023-07-01", "evaluator": "评估委员会"}, "awarded_on"},
	} {
		r := award(bad.o, bad.body)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		if _, ok := r.Error().Fields[bad.field]; !ok {
			t.Errorf("%v: fields %v, want %s", bad.body, r.Error().Fields, bad.field)
		}
	}
	mustStatus(t, a.As(so).Do("POST", "/api/v1/orgs/"+strconv.FormatInt(regs[3].ID, 10)+"/grades",
		map[string]any{"grade": "3A", "awarded_on": "2023-06-01", "evaluator": "x"}), http.StatusForbidden)
	if a.Count("org_grades") != grades || evalAudits(t, a) != audits {
		t.Fatal("a refused grade wrote something")
	}
	// independent count of valid grades on a day
	want := func(day string) (n int, of map[int]string) {
		of = map[int]string{}
		best := map[int]grade{}
		for _, g := range given {
			until := g.until
			if until == "" {
				until = "2027-05-01"
			}
			if g.from <= day && day < until && g.from >= best[g.org].from {
				best[g.org] = g
				of[g.org] = g.g
			}
		}
		return len(of), of
	}
	a.Clock.Advance(120 * 24 * time.Hour) // 2023-10-13
	c = a.As(do)                          // the session has expired
	given = append(given, grade{3, "2023-10-01", "2028-10-01", "1A"})
	mustStatus(t, award(regs[3], map[string]any{"grade": "1A", "awarded_on": "2023-10-01", "evaluator": "广州市社会组织评估委员会"}), http.StatusCreated)
	svc := &evaluation.Service{DB: a.DB, Orgs: a.Registry, Now: a.Clock.Now}
	for _, day := range []string{"2021-12-31", "2022-06-30", "2023-05-31", "2023-08-31", "2023-09-01", "2023-10-13"} {
		n, of := want(day)
		num, _, v := value(t, a, admin, "graded_orgs", tianhe, day)
		if int(v) != n {
			t.Errorf("graded_orgs on %s: %v (records %d), want %d", day, v, num, n)
		}
		for i, o := range regs {
			g, err := svc.GradeOf(context.Background(), o.ID, day)
			if err != nil {
				t.Fatal(err)
			}
			if g != of[i] {
				t.Errorf("GradeOf(%d, %s) = %q, want %q", i, day, g, of[i])
			}
		}
	}
	if n, _ := want("2023-08-31"); n != 3 {
		t.Fatalf("fixture: %d valid on 2023-08-31", n)
	}
	if n, _ := want("2023-09-01"); n != 2 {
		t.Fatalf("fixture: %d valid on 2023-09-01", n)
	}
	// known_on before the last grade was entered does not see it
	r, err := a.KPI.EvaluateKnown(context.Background(), admin, "graded_orgs", tianhe, "2023-10-13", "2023-06-15")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := want("2023-10-13"); r.Value == nil || int(*r.Value) != n-1 {
		t.Errorf("known_on before the entry: %v, want %d", r.Value, n-1)
	}
	// the organization page shows the grade that counts
	page := c.Do("GET", "/orgs/"+strconv.FormatInt(regs[2].ID, 10), nil)
	mustStatus(t, page, http.StatusOK)
	if !contains(page.String(), "5A") {
		t.Error("the organization page does not show its grade")
	}
	for p, g := range map[string]string{"/grades": "4A", "/grades?within=" + wushan + "&on=2023-08-31": "3A",
		"/orgs/" + strconv.FormatInt(regs[0].ID, 10) + "/grades": "3A"} {
		page = c.Do("GET", p, nil)
		mustStatus(t, page, http.StatusOK)
		if !contains(page.String(), g) {
			t.Errorf("%s does not list the %s grade", p, g)
		}
	}
	if page := c.Do("GET", "/grades", nil); contains(page.String(), "3A") {
		t.Error("/grades today lists the expired 3A")
	}
	// the form: a refusal keeps what was typed and names the field
	page = c.Do("POST", "/orgs/"+strconv.FormatInt(small.ID, 10)+"/grades", url.Values{"grade": {"3A"}, "awarded_on": {"2023-06-01"}, "evaluator": {"某评估机构"}})
	mustStatus(t, page, http.StatusUnprocessableEntity)
	page = c.Do("POST", "/orgs/"+strconv.FormatInt(regs[3].ID, 10)+"/grades", url.Values{"grade": {"3A"}, "awarded_on": {"2023-10-01"}, "valid_until": {"2023-10-02"}, "evaluator": {"某评估机构"}})
	mustStatus(t, page, http.StatusUnprocessableEntity)
	if !contains(page.String(), "某评估机构") {
		t.Error("the refused form lost what was typed")
	}
}

// evalAudits counts the room's audit rows (sign-ins write their own).
func evalAudits(t *testing.T, a *apptest.App) int {
	t.Helper()
	var n int
	if err := a.DB.Read.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'evaluation.%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// Party coverage equals an independent count at several dates, both the
// indicator (party_coverage) and the party-building page's figures; the
// registry's own party organization (changed through the registry) counts
// too, and a status change takes an organization out.
func TestPartyCoverage(t *testing.T) {
	a := apptest.New(t)
	admin := a.User(auth.CityAdmin, city)
	so := a.User(auth.StreetOfficer, wushan)
	cc := a.User(auth.CommunityCommittee, wushanC)
	indicators(t, a, admin)
	var orgs []*registry.Org
	for i := 0; i < 8; i++ {
		community := wushanC
		if i%3 == 2 {
			community = "440106001002"
		}
		orgs = append(orgs, org(t, a, so, "党建测试组织"+strconv.Itoa(i), community, registry.TierCommunity))
	}
	type fact struct {
		org  int
		on   string
		form string
	}
	facts := []fact{
		{0, "2021-06-01", "independent"},
		{1, "2022-03-01", "instructor"},
		{2, "2022-01-01", "joint"}, {2, "2023-01-10", "none"},
		{3, "2021-09-01", "instructor"}, {3, "2022-09-01", "joint"},
		{6, "2021-03-01", "independent"},
		{7, "2022-02-01", "instructor"}, {7, "2022-11-01", "none"},
	}
	for _, f := range facts {
		body := map[string]any{"form": f.form, "effective_on": f.on, "late_reason": "党建台账补录", "link_name": "五山街社区社会组织联合党支部"}
		if f.form == "instructor" {
			body["link_name"] = "王指导员"
		}
		if f.form == "none" {
			body["link_name"] = ""
		}
		who := cc
		if orgs[f.org].CommunityCode != wushanC {
			who = so
		}
		mustStatus(t, a.As(who).Do("POST", "/api/v1/orgs/"+strconv.FormatInt(orgs[f.org].ID, 10)+"/party", body), http.StatusCreated)
	}
	// the registry's party organization, changed in the registry
	in := registry.InputOf(a.Org(orgs[4].ID))
	in.PartyOrg, in.EffectiveOn, in.LateReason = registry.PartyJoint, "2022-05-01", "补录"
	if _, err := a.Registry.Update(context.Background(), so, orgs[4].ID, in); err != nil {
		t.Fatal(err)
	}
	registryFacts := []fact{{4, "2022-05-01", "joint"}}
	// organization 6 suspended on 2023-02-01
	if _, err := a.Registry.Move(context.Background(), so, orgs[6].ID, registry.Move{Action: registry.ActSuspend, Reason: "停止活动",
		EffectiveOn: "2023-02-01", LateReason: "补录"}); err != nil {
		t.Fatal(err)
	}
	// the registry follows the form: org 0 has its party organization there too
	if o := a.Org(orgs[0].ID); o.PartyOrg != registry.PartyIndependent {
		t.Errorf("registry party_org of org 0: %s", o.PartyOrg)
	}
	if o := a.Org(orgs[1].ID); o.PartyInstructor != "王指导员" || o.PartyOrg != registry.PartyNone {
		t.Errorf("registry instructor of org 1: %q %s", o.PartyInstructor, o.PartyOrg)
	}
	// contacts
	for _, c := range []struct {
		org int
		on  string
	}{{0, "2023-05-20"}, {1, "2023-03-16"}, {1, "2023-01-05"}, {3, "2023-03-15"}, {5, "2023-06-15"}} {
		mustStatus(t, a.As(so).Do("POST", "/api/v1/party-contacts", map[string]any{"org_id": orgs[c.org].ID, "on": c.on,
			"kind": "visit", "topic": "学习党的二十大精神"}), http.StatusCreated)
	}
	// bad input, nothing written
	forms, contacts := a.Count("party_forms"), a.Count("party_contacts")
	for _, bad := range []map[string]any{{"form": "cell", "link_name": "x"}, {"form": "joint", "link_name": "x", "effective_on": "2023-07-01"},
		{"form": "instructor"}} {
		mustStatus(t, a.As(so).Do("POST", "/api/v1/orgs/"+strconv.FormatInt(orgs[5].ID, 10)+"/party", bad), http.StatusUnprocessableEntity)
	}
	mustStatus(t, a.As(so).Do("POST", "/api/v1/party-contacts", map[string]any{"org_id": orgs[5].ID, "on": "2023-06-16", "kind": "visit", "topic": "x"}),
		http.StatusUnprocessableEntity)
	if a.Count("party_forms") != forms || a.Count("party_contacts") != contacts || a.Org(orgs[5].ID).PartyOrg != registry.PartyNone {
		t.Fatal("refused party input wrote something")
	}
	// the independent count
	count := func(day string) (active, covered, contacted int) {
		for i := range orgs {
			if i == 6 && day >= "2023-02-01" {
				continue // suspended
			}
			active++
			party, recorded := "none", "none"
			for _, f := range facts {
				if f.org == i && f.on <= day {
					recorded = f.form
					if f.form != "instructor" {
						party = f.form
					} else {
						party = "none"
					}
				}
			}
			for _, f := range registryFacts {
				if f.org == i && f.on <= day {
					party = f.form
				}
			}
			if party == "independent" || party == "joint" || recorded == "instructor" {
				covered++
			}
		}
		return
	}
	for _, day := range []string{"2021-04-01", "2021-12-31", "2022-06-30", "2022-12-31", "2023-03-01", "2023-06-15"} {
		act, cov, _ := count(day)
		num, den, _ := value(t, a, admin, "party_coverage", wushan, day)
		if num != cov || den != act {
			t.Errorf("party_coverage on %s: %d / %d, want %d / %d", day, num, den, cov, act)
		}
		var pc evaluation.PartyCoverage
		r := a.As(so).Do("GET", "/api/v1/party-coverage?on="+day, nil)
		mustStatus(t, r, http.StatusOK)
		r.Decode(&pc)
		if pc.Total.Covered != cov || pc.Total.Active != act {
			t.Errorf("party-coverage on %s: %d / %d, want %d / %d", day, pc.Total.Covered, pc.Total.Active, cov, act)
		}
		sum := 0
		for _, ch := range pc.Children {
			sum += ch.Covered
		}
		if sum != cov || len(pc.Children) != 2 {
			t.Errorf("children on %s: %+v", day, pc.Children)
		}
	}
	// contacted in the quarter up to 2023-06-15 (from 2023-03-16): orgs 0, 1, 5
	num, den, _ := value(t, a, admin, "party_contacted", wushan, "2023-06-15")
	if num != 3 || den != 7 {
		t.Errorf("party_contacted: %d / %d, want 3 / 7", num, den)
	}
	var pc evaluation.PartyCoverage
	a.As(so).Do("GET", "/api/v1/party-coverage", nil).Decode(&pc)
	if pc.Total.Contacted != 3 {
		t.Errorf("contacted on the page: %d", pc.Total.Contacted)
	}
	mustStatus(t, a.As(so).Do("GET", "/party", nil), http.StatusOK)
	// the form on the organization's page: a future date is refused, kept on the page
	page := a.As(so).Do("POST", "/orgs/"+strconv.FormatInt(orgs[5].ID, 10)+"/party", url.Values{"form": {"joint"}, "link_name": {"某联合党支部"}, "effective_on": {"2023-07-01"}})
	mustStatus(t, page, http.StatusUnprocessableEntity)
	if !contains(page.String(), "某联合党支部") || a.Count("party_forms") != forms {
		t.Error("the refused form lost what was typed or wrote something")
	}
	mustStatus(t, a.As(so).Do("POST", "/orgs/"+strconv.FormatInt(orgs[5].ID, 10)+"/party", url.Values{"form": {"joint"}, "link_name": {"某联合党支部"}}), http.StatusSeeOther)
	if a.Org(orgs[5].ID).PartyOrg != registry.PartyJoint {
		t.Error("the form did not reach the registry")
	}
}

// A round over 30 organizations with a two-level tree: results equal an
// independent computation from the weights; a conflicted scorer, a score
// outside the scale and an edit of the frozen tree are refused with nothing
// written.
func TestRoundScores(t *testing.T) {
	a := apptest.New(t)
	do := a.User(auth.DistrictOfficer, tianhe)
	so := a.User(auth.StreetOfficer, wushan)
	cc := a.User(auth.CommunityCommittee, wushanC)
	var orgs []*registry.Org
	for i := 0; i < 30; i++ {
		orgs = append(orgs, org(t, a, so, "评价组织"+strconv.Itoa(i), wushanC, registry.TierCommunity))
	}
	ids := make([]int64, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	contacts := map[int64]int{}
	for i := 0; i < 30; i += 4 {
		for k := 0; k <= i%3; k++ {
			mustStatus(t, a.As(cc).Do("POST", "/api/v1/party-contacts", map[string]any{"org_id": ids[i],
				"on": "2023-0" + strconv.Itoa(k+1) + "-10", "kind": "meeting", "topic": "联系"}), http.StatusCreated)
			contacts[ids[i]]++
		}
	}
	nodes := []evaluation.Node{
		{Key: "party", Name: "党的建设", Weight: 30, Children: []evaluation.Node{
			{Key: "contacts", Name: "联系", Weight: 1, Max: 10, Evidence: "party_contacts", Full: 2},
			{Key: "study", Name: "学习", Weight: 3, Max: 20},
		}},
		{Key: "role", Name: "作用发挥", Weight: 50, Children: []evaluation.Node{
			{Key: "service", Name: "服务", Weight: 2, Max: 10},
			{Key: "effect", Name: "成效", Weight: 1, Max: 5},
		}},
		{Key: "residents", Name: "居民评价", Weight: 20, Children: []evaluation.Node{
			{Key: "rating", Name: "评价", Weight: 1, Max: 100},
		}},
	}
	r := a.As(do).Do("POST", "/api/v1/evaluation-trees", map[string]any{"unit_code": tianhe, "name": "天河区评价体系", "nodes": nodes})
	mustStatus(t, r, http.StatusCreated)
	var tree evaluation.Tree
	r.Decode(&tree)
	// scorers: two experts; a leader of one of the organizations is conflicted
	e1 := a.User(auth.DistrictOfficer, tianhe)
	e2 := a.User(auth.StreetOfficer, wushan)
	leader := a.CreateUser("", auth.OrgLeader, wushanC, ids[5])
	round := map[string]any{"tree_id": tree.ID, "name": "2023年度评价", "year": 2023, "org_ids": ids, "scorers": []int64{e1.ID, e2.ID, leader.ID}}
	rounds, audits := a.Count("eval_rounds"), evalAudits(t, a)
	r = a.As(do).Do("POST", "/api/v1/evaluation-rounds", round)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if _, ok := r.Error().Fields["scorers"]; !ok {
		t.Errorf("conflict fields: %v", r.Error().Fields)
	}
	if a.Count("eval_rounds") != rounds || evalAudits(t, a) != audits || a.Count("eval_scores") != 0 {
		t.Fatal("a refused round wrote something")
	}
	round["scorers"] = []int64{e1.ID, e2.ID}
	r = a.As(do).Do("POST", "/api/v1/evaluation-rounds", round)
	mustStatus(t, r, http.StatusCreated)
	var rd evaluation.Round
	r.Decode(&rd)
	// the tree is frozen: an edit is refused, a new version is not
	mustStatus(t, a.As(do).Do("PUT", "/api/v1/evaluation-trees/"+strconv.FormatInt(tree.ID, 10), map[string]any{"nodes": nodes[:2]}), http.StatusConflict)
	var again evaluation.Tree
	a.As(do).Do("GET", "/api/v1/evaluation-trees/"+strconv.FormatInt(tree.ID, 10), nil).Decode(&again)
	if !again.Frozen || len(again.Nodes) != 3 {
		t.Fatalf("frozen tree changed: %+v", again)
	}
	r = a.As(do).Do("POST", "/api/v1/evaluation-trees", map[string]any{"based_on": tree.ID})
	mustStatus(t, r, http.StatusCreated)
	var v2 evaluation.Tree
	r.Decode(&v2)
	if v2.Version != 2 || v2.Frozen || v2.Name != tree.Name {
		t.Fatalf("new version: %+v", v2)
	}
	mustStatus(t, a.As(do).Do("PUT", "/api/v1/evaluation-trees/"+strconv.FormatInt(v2.ID, 10), map[string]any{"nodes": nodes[:2]}), http.StatusOK)
	// scores
	manual := map[string]float64{"study": 20, "service": 10, "effect": 5, "rating": 100}
	given := map[int64]map[string][]float64{}
	path := "/api/v1/evaluation-rounds/" + strconv.FormatInt(rd.ID, 10)
	for si, sc := range []*auth.User{e1, e2} {
		for i, id := range ids {
			s := map[string]float64{}
			for k, max := range manual {
				s[k] = float64((i*7+si*3+len(k)*5)%int(2*max+1)) / 2
			}
			mustStatus(t, a.As(sc).Do("POST", path+"/scores", map[string]any{"org_id": id, "scores": s}), http.StatusOK)
			if given[id] == nil {
				given[id] = map[string][]float64{}
			}
			for k, v := range s {
				given[id][k] = append(given[id][k], v)
			}
		}
	}
	scores := a.Count("eval_scores")
	for _, bad := range []map[string]any{
		{"org_id": ids[0], "scores": map[string]float64{"study": 21}},
		{"org_id": ids[0], "scores": map[string]float64{"service": -1}},
		{"org_id": ids[0], "scores": map[string]float64{"contacts": 5}}, // automatic
		{"org_id": ids[0], "scores": map[string]float64{"nope": 1}},
	} {
		mustStatus(t, a.As(e1).Do("POST", path+"/scores", bad), http.StatusUnprocessableEntity)
	}
	mustStatus(t, a.As(do).Do("POST", path+"/scores", map[string]any{"org_id": ids[0], "scores": map[string]float64{"study": 1}}), http.StatusForbidden)
	if a.Count("eval_scores") != scores {
		t.Fatal("a refused score wrote something")
	}
	// independent computation
	type res struct {
		id    int64
		score float64
	}
	var want []res
	for _, id := range ids {
		mean := func(k string) float64 {
			var s float64
			for _, v := range given[id][k] {
				s += v
			}
			return s / float64(len(given[id][k]))
		}
		auto := math.Min(float64(contacts[id])/2, 1) * 10
		party := (1*auto/10 + 3*mean("study")/20) / 4
		role := (2*mean("service")/10 + 1*mean("effect")/5) / 3
		resid := mean("rating") / 100
		total := 100 * (30*party + 50*role + 20*resid) / 100
		want = append(want, res{id, math.Round(total*100) / 100})
	}
	sort.SliceStable(want, func(i, j int) bool {
		if want[i].score != want[j].score {
			return want[i].score > want[j].score
		}
		return want[i].id < want[j].id
	})
	var results struct{ Items []evaluation.Result }
	r = a.As(do).Do("GET", path+"/results", nil)
	mustStatus(t, r, http.StatusOK)
	r.Decode(&results)
	if len(results.Items) != 30 {
		t.Fatalf("%d results", len(results.Items))
	}
	for i, got := range results.Items {
		if got.OrgID != want[i].id || math.Abs(got.Score-want[i].score) > 0.011 || !got.Complete {
			t.Errorf("rank %d: org %d %.2f (complete %v), want org %d %.2f", i+1, got.OrgID, got.Score, got.Complete, want[i].id, want[i].score)
		}
	}
	// a leader sees nothing before publication, their own row after
	lead := a.As(leader)
	mustStatus(t, lead.Do("GET", path+"/results", nil), http.StatusNotFound)
	mustStatus(t, a.As(do).Do("POST", path+"/publish", nil), http.StatusOK)
	r = lead.Do("GET", path+"/results", nil)
	mustStatus(t, r, http.StatusOK)
	r.Decode(&results)
	if len(results.Items) != 1 || results.Items[0].OrgID != ids[5] {
		t.Errorf("leader's results: %+v", results.Items)
	}
	mustStatus(t, a.As(e1).Do("POST", path+"/scores", map[string]any{"org_id": ids[1], "scores": map[string]float64{"study": 1}}), http.StatusConflict)
	for _, p := range []string{"/evaluation-rounds/" + strconv.FormatInt(rd.ID, 10), "/evaluation-trees/" + strconv.FormatInt(tree.ID, 10),
		"/evaluation-trees", "/evaluation-rounds"} {
		mustStatus(t, a.As(do).Do("GET", p, nil), http.StatusOK)
	}
}

// An appraisal's result from the members' forms and the ballots; a second
// one for the same year is refused; the band reads for eligibility.
func TestAppraisal(t *testing.T) {
	a := apptest.New(t)
	so := a.User(auth.StreetOfficer, wushan)
	cc := a.User(auth.CommunityCommittee, wushanC)
	o := org(t, a, so, "评议组织", wushanC, registry.TierCommunity)
	body := map[string]any{"org_id": o.ID, "year": 2022, "appraised_on": "2023-01-15", "satisfied": 30, "basically": 10, "dissatisfied": 2,
		"forms": []map[string]any{
			{"member": "张书记", "scores": map[string]int{"service": 28, "participation": 18, "conduct": 22, "cooperation": 24}},
			{"member": "李主任", "scores": map[string]int{"service": 25, "participation": 15, "conduct": 20, "cooperation": 20}},
		}}
	r := a.As(cc).Do("POST", "/api/v1/appraisals", body)
	mustStatus(t, r, http.StatusCreated)
	var ap evaluation.Appraisal
	r.Decode(&ap)
	committee := (92.0 + 80.0) / 2
	resid := (100*30.0 + 60*10.0) / 42
	want := math.Round((0.7*committee+0.3*math.Round(resid*100)/100)*100) / 100
	if ap.Score != want || ap.Band != "good" {
		t.Errorf("appraisal %.2f %s, want %.2f good", ap.Score, ap.Band, want)
	}
	n := a.Count("appraisals")
	mustStatus(t, a.As(cc).Do("POST", "/api/v1/appraisals", body), http.StatusConflict)
	body["year"] = 2023
	body["forms"] = []map[string]any{{"member": "张书记", "scores": map[string]int{"service": 31, "participation": 18, "conduct": 22, "cooperation": 24}}}
	mustStatus(t, a.As(cc).Do("POST", "/api/v1/appraisals", body), http.StatusUnprocessableEntity)
	if a.Count("appraisals") != n {
		t.Fatal("a refused appraisal wrote something")
	}
	svc := &evaluation.Service{DB: a.DB, Orgs: a.Registry, Now: a.Clock.Now}
	if b, _ := svc.AppraisalBandOf(context.Background(), o.ID, "2023-06-15"); b != "good" {
		t.Errorf("band %q", b)
	}
	if b, _ := svc.AppraisalBandOf(context.Background(), o.ID, "2023-01-14"); b != "" {
		t.Errorf("band before the appraisal %q", b)
	}
	var list struct{ Items []evaluation.Appraisal }
	a.As(so).Do("GET", "/api/v1/appraisals?year=2022", nil).Decode(&list)
	if len(list.Items) != 1 {
		t.Errorf("street sees %d", len(list.Items))
	}
	mustStatus(t, a.As(so).Do("GET", "/appraisals", nil), http.StatusOK)
	// the paper form: one member, ballots
	// the organization typed by name, as without script (the picker's rule)
	form := url.Values{"org_id": {o.Name}, "year": {"2023"}, "appraised_on": {"2023-06-10"}, "member.1": {"王委员"},
		"item.1.service": {"30"}, "item.1.participation": {"20"}, "item.1.conduct": {"25"}, "item.1.cooperation": {"26"}, "satisfied": {"10"}}
	page := a.As(cc).Do("POST", "/appraisals", form)
	mustStatus(t, page, http.StatusUnprocessableEntity) // cooperation above 25
	if !contains(page.String(), "王委员") || !contains(page.String(), `value="`+o.Name+`"`) || a.Count("appraisals") != n {
		t.Error("the refused paper form lost what was typed or wrote something")
	}
	form.Set("item.1.cooperation", "25")
	mustStatus(t, a.As(cc).Do("POST", "/appraisals", form), http.StatusSeeOther)
	a.As(so).Do("GET", "/api/v1/appraisals?year=2023", nil).Decode(&list)
	if len(list.Items) != 1 || list.Items[0].Score != 100 || list.Items[0].Band != "excellent" {
		t.Errorf("the paper form's appraisal: %+v", list.Items)
	}
	// the party contact form names the organization too; an unknown name is the field's error
	contact := url.Values{"org_id": {"没有这个组织"}, "on": {"2023-06-12"}, "kind": {"visit"}, "topic": {"走访"}}
	if page := a.As(so).Do("POST", "/party/contacts", contact); page.Status != http.StatusUnprocessableEntity || !contains(page.String(), "没有这个组织") {
		t.Errorf("an unknown organization: %d", page.Status)
	}
	contact.Set("org_id", o.Name)
	mustStatus(t, a.As(so).Do("POST", "/party/contacts", contact), http.StatusSeeOther)
	_ = kpi.LevelDistrict
}

// Call eligibility reads real grades at the application date: min_grade
// 3A admits the 4A organization and refuses the 2A one.
func TestGradeEligibility(t *testing.T) {
	a := apptest.New(t)
	do := a.User(auth.DistrictOfficer, tianhe)
	so := a.User(auth.StreetOfficer, wushan)
	good := org(t, a, so, "四A协会", wushanC, registry.TierRegistered)
	weak := org(t, a, so, "二A协会", wushanC, registry.TierRegistered)
	for o, g := range map[*registry.Org]string{good: "4A", weak: "2A"} {
		mustStatus(t, a.As(do).Do("POST", "/api/v1/orgs/"+strconv.FormatInt(o.ID, 10)+"/grades", map[string]any{"grade": g,
			"awarded_on": "2023-05-20", "evaluator": "天河区社会组织评估委员会"}), http.StatusCreated)
	}
	call := map[string]any{"title": "2023年天河区品牌项目", "channel": "government_purchase", "unit_code": tianhe,
		"budget_fen": 10_000_000, "fields": []string{"elderly"},
		"eligibility": map[string]any{"tiers": []string{"registered"}, "statuses": []string{"active"}, "min_grade": "6A"},
		"opens_on":    "2023-06-01", "closes_on": "2023-06-30", "criteria": []map[string]any{{"key": "need", "name": "需求契合", "weight": 1, "max": 10}}}
	mustStatus(t, a.As(do).Do("POST", "/api/v1/calls", call), http.StatusUnprocessableEntity)
	call["eligibility"].(map[string]any)["min_grade"] = "3A"
	r := a.As(do).Do("POST", "/api/v1/calls", call)
	mustStatus(t, r, http.StatusCreated)
	var c struct{ ID int64 }
	r.Decode(&c)
	for o, want := range map[*registry.Org]int{good: http.StatusOK, weak: http.StatusUnprocessableEntity} {
		leader := a.As(a.CreateUser("", auth.OrgLeader, wushanC, o.ID))
		r := leader.Do("POST", "/api/v1/calls/"+strconv.FormatInt(c.ID, 10)+"/applications", map[string]any{"org_id": o.ID,
			"title": "长者关爱", "request_fen": 1000, "budget": []map[string]any{{"item": "物资", "amount_fen": 1000}}})
		mustStatus(t, r, http.StatusCreated)
		var app struct{ ID int64 }
		r.Decode(&app)
		r = leader.Do("POST", "/api/v1/applications/"+strconv.FormatInt(app.ID, 10)+"/submit", nil)
		mustStatus(t, r, want)
		if want != http.StatusOK && !contains(r.String(), "3A") {
			t.Errorf("the refusal does not name the grade: %s", r.Body)
		}
	}
}
