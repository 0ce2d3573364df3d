package funding_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/ledger"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

const (
	tianhe     = "440106"
	wushan     = "440106001"
	wushanComm = "440106001001"
)

// activeOrg files, as by, an active community-tier organization in 五山's
// community.
func activeOrg(a *apptest.App, by *auth.User, name string) *registry.Org {
	return a.ActiveOrg(by, name, wushanComm)
}

func must(t *testing.T, r *apptest.Response, status int, v any) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%d (want %d): %s", r.Status, status, r.Body)
	}
	if v != nil {
		r.Decode(v)
	}
}

type ranked struct {
	ApplicationID int64   `json:"application_id"`
	Score         float64 `json:"score"`
	Rank          int     `json:"rank"`
}

type project struct {
	ID            int64  `json:"id"`
	ApplicationID int64  `json:"application_id"`
	OrgID         int64  `json:"org_id"`
	AwardFen      int64  `json:"award_fen"`
	Status        string `json:"status"`
	PaidFen       int64  `json:"paid_fen"`
	SpentFen      int64  `json:"spent_fen"`
	Budget        []struct {
		Item      string `json:"item"`
		AmountFen int64  `json:"amount_fen"`
		SpentFen  int64  `json:"spent_fen"`
	} `json:"budget"`
	Milestones []struct {
		ID      int64  `json:"id"`
		Kind    string `json:"kind"`
		DueOn   string `json:"due_on"`
		Overdue bool   `json:"overdue"`
	} `json:"milestones"`
}

// TestVentureScenario runs a 公益创投 end to end: a call, 12 applications
// (3 refused with reasons), 3 reviewers (one conflicted for one
// application), the ranking, awards within the budget, two tranches into
// custody, expenses against budget lines, milestone reports, closing and
// the brand designation; the ledger verifies, the project's spending equals
// the ledger's, and brand_projects counts it from its date.
func TestVentureScenario(t *testing.T) {
	a := apptest.New(t)
	ctx := context.Background()
	district := a.CreateUser("tianhe-officer", auth.DistrictOfficer, tianhe, 0)
	street := a.CreateUser("wushan-officer", auth.StreetOfficer, wushan, 0)
	dc, sc := a.As(district), a.As(street)

	org := func(name, tier, status, party string) *registry.Org {
		in := apptest.OrgInput(name, wushanComm)
		in.Tier, in.Status, in.PartyOrg = tier, status, party
		if tier == registry.TierRegistered {
			first := fmt.Sprintf("52440106MJ%07d", len(name)*1000+int(name[len(name)-1]))
			in.CreditCode = first + string(registry.CreditCheckDigit(first))
		}
		return a.CreateOrg(street, in)
	}
	hub := org("五山社区服务中心", registry.TierCommunity, registry.StatusActive, registry.PartyNone)
	must(t, sc.Do("POST", "/api/v1/hubs", map[string]any{"org_id": hub.ID}), 200, nil)
	staffUser := a.CreateUser("wushan-hub", auth.HubStaff, wushan, hub.ID)
	staff := a.As(staffUser)

	// twelve applicants: nine eligible (eight in custody, one registered),
	// three not: one not in custody, one not active and not in custody, one
	// of the street tier the call does not allow
	type applicant struct {
		org    *registry.Org
		leader *apptest.Client
		user   *auth.User
		app    int64
		reqFen int64
		bad    int // reasons expected
	}
	var as []*applicant
	for i := range 12 {
		name := fmt.Sprintf("五山互助队%02d", i+1)
		tier, status, party := registry.TierCommunity, registry.StatusActive, registry.PartyNone
		bad := 0
		switch i {
		case 8:
			tier = registry.TierRegistered
			party = registry.PartyIndependent
		case 9:
			bad = 1 // not in custody
		case 10:
			status, bad = registry.StatusPending, 2 // not active, not in custody
		case 11:
			tier, bad = registry.TierStreet, 1
		}
		if i%3 == 0 && i < 8 {
			party = registry.PartyJoint
		}
		o := org(name, tier, status, party)
		if i < 8 || i == 11 {
			must(t, staff.Do("POST", fmt.Sprintf("/api/v1/hubs/%d/members", hub.ID), map[string]any{"org_id": o.ID}), 201, nil)
		}
		u := a.CreateUser(fmt.Sprintf("leader-%02d", i+1), auth.OrgLeader, wushanComm, o.ID)
		as = append(as, &applicant{org: o, leader: a.As(u), user: u, reqFen: int64(2_000_000 + i*100_000), bad: bad})
	}

	// the call
	call := map[string]any{"title": "2023年天河区社区公益创投", "channel": "venture_philanthropy", "unit_code": tianhe,
		"budget_fen": 12_000_000, "fields": []string{"elderly", "governance"},
		"eligibility": map[string]any{"tiers": []string{"community", "registered"}, "statuses": []string{"active"},
			"custody_required": true},
		"opens_on": "2023-06-01", "closes_on": "2023-06-30", "review_on": "2023-07-10", "award_on": "2023-07-20",
		"criteria": []map[string]any{{"key": "need", "name": "需求契合", "weight": 40, "max": 10},
			{"key": "design", "name": "方案设计", "weight": 30, "max": 10}, {"key": "capacity", "name": "执行能力", "weight": 30, "max": 20}},
		"bonus": []map[string]any{{"rule": "party_org", "points": 2}}, "tie_breaks": []string{"party_org", "lower_request"}}
	if r := sc.Do("POST", "/api/v1/calls", call); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a street opens a district call: %d %s", r.Status, r.Body)
	}
	own := maps.Clone(call)
	own["unit_code"] = wushan
	if r := sc.Do("POST", "/api/v1/calls", own); r.Status != http.StatusForbidden {
		t.Fatalf("a street opens a venture call (only micro_venture is its own): %d %s", r.Status, r.Body)
	}
	var c struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	}
	must(t, dc.Do("POST", "/api/v1/calls", call), 201, &c)
	if c.State != "open" {
		t.Fatalf("state %q", c.State)
	}

	// applications
	budget := func(req int64) []map[string]any {
		return []map[string]any{{"item": "活动物资", "amount_fen": req / 2}, {"item": "场地", "amount_fen": req / 4},
			{"item": "宣传", "amount_fen": req - req/2 - req/4}}
	}
	apps0 := a.Count("fund_applications")
	bad := map[string]any{"org_id": as[0].org.ID, "title": "预算不平", "request_fen": 1000,
		"budget": []map[string]any{{"item": "x", "amount_fen": 999}}}
	r := as[0].leader.Do("POST", fmt.Sprintf("/api/v1/calls/%d/applications", c.ID), bad)
	if r.Status != 422 || !strings.Contains(r.Error().Fields["budget"], "999") {
		t.Fatalf("a budget that does not add up: %d %s", r.Status, r.Body)
	}
	if r := as[1].leader.Do("POST", fmt.Sprintf("/api/v1/calls/%d/applications", c.ID), map[string]any{"org_id": as[0].org.ID,
		"title": "替别人申报", "request_fen": 1000, "budget": []map[string]any{{"item": "x", "amount_fen": 1000}}}); r.Status != 403 {
		t.Fatalf("a leader applies for another organization: %d %s", r.Status, r.Body)
	}
	if n := a.Count("fund_applications"); n != apps0 {
		t.Fatalf("refused applications wrote %d rows", n-apps0)
	}
	for i, ap := range as {
		var got struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		must(t, ap.leader.Do("POST", fmt.Sprintf("/api/v1/calls/%d/applications", c.ID), map[string]any{"org_id": ap.org.ID,
			"title": fmt.Sprintf("长者关爱行动%02d", i+1), "need": "独居长者探访", "target_groups": "独居长者", "beneficiaries": 60,
			"request_fen": ap.reqFen, "budget": budget(ap.reqFen)}), 201, &got)
		ap.app = got.ID
		r := ap.leader.Do("POST", fmt.Sprintf("/api/v1/applications/%d/submit", ap.app), nil)
		if ap.bad == 0 {
			must(t, r, 200, &got)
			if got.Status != "submitted" {
				t.Fatalf("submitted: %+v", got)
			}
			continue
		}
		var refusal struct {
			Reasons []string `json:"reasons"`
		}
		must(t, r, 422, &refusal)
		if len(refusal.Reasons) != ap.bad {
			t.Fatalf("applicant %d: reasons %q, want %d", i+1, refusal.Reasons, ap.bad)
		}
	}
	var draft struct{ Status string }
	must(t, as[10].leader.Do("GET", fmt.Sprintf("/api/v1/applications/%d", as[10].app), nil), 200, &draft)
	if draft.Status != "draft" {
		t.Fatalf("a refused application changed: %q", draft.Status)
	}
	// another leader cannot see it
	if r := as[0].leader.Do("GET", fmt.Sprintf("/api/v1/applications/%d", as[10].app), nil); r.Status != 404 {
		t.Fatalf("another leader reads an application: %d", r.Status)
	}

	// the call closes: nothing changes any more
	a.Clock.Advance(20 * 24 * time.Hour) // 2023-07-05: sign in again
	dc, sc = a.As(district), a.As(street)
	staff = a.As(staffUser)
	for _, ap := range as {
		ap.leader = a.As(ap.user)
	}
	if r := as[0].leader.Do("POST", fmt.Sprintf("/api/v1/calls/%d/applications", c.ID), map[string]any{"org_id": as[0].org.ID,
		"title": "迟到", "request_fen": 1000, "budget": []map[string]any{{"item": "x", "amount_fen": 1000}}}); r.Status != 409 {
		t.Fatalf("an application to a closed call: %d %s", r.Status, r.Body)
	}
	if r := as[0].leader.Do("POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", as[0].app), nil); r.Status != 409 {
		t.Fatalf("a withdrawal after the close: %d %s", r.Status, r.Body)
	}

	// reviewers: two experts, and the leader of applicant 5 (conflicted on it)
	e1 := a.CreateUser("expert-1", auth.DistrictOfficer, tianhe, 0)
	e2 := a.CreateUser("expert-2", auth.DistrictOfficer, tianhe, 0)
	e3 := as[4].user
	must(t, dc.Do("POST", fmt.Sprintf("/api/v1/calls/%d/reviewers", c.ID), map[string]any{"user_ids": []int64{e1.ID, e2.ID, e3.ID}}), 200, nil)
	reviewers := []*auth.User{e1, e2, e3}
	score := func(rv, i int) map[string]int {
		return map[string]int{"need": (3*i+rv*2)%7 + 3, "design": (5*i+rv)%6 + 4, "capacity": (7*i+3*rv)%15 + 5}
	}
	if r := a.As(e1).Do("POST", fmt.Sprintf("/api/v1/applications/%d/scores", as[0].app),
		map[string]any{"scores": map[string]int{"need": 11, "design": 5, "capacity": 5}}); r.Status != 422 {
		t.Fatalf("a score outside the scale: %d %s", r.Status, r.Body)
	}
	if r := a.As(e1).Do("POST", fmt.Sprintf("/api/v1/applications/%d/scores", as[9].app),
		map[string]any{"scores": score(0, 9)}); r.Status != 409 {
		t.Fatalf("a score of a refused application: %d %s", r.Status, r.Body)
	}
	scores0 := a.Count("fund_scores")
	if r := a.As(e3).Do("POST", fmt.Sprintf("/api/v1/applications/%d/scores", as[4].app),
		map[string]any{"scores": score(2, 4)}); r.Status != 409 {
		t.Fatalf("a conflicted reviewer scores: %d %s", r.Status, r.Body)
	}
	if a.Count("fund_scores") != scores0 {
		t.Fatal("refused scores were written")
	}
	// the application's page offers the score form exactly where the
	// service takes scores: not to the conflicted reviewer (told why
	// instead), nor on a refused application
	for _, x := range []struct {
		u        *auth.User
		app      int64
		form     bool
		abstains bool
	}{{e1, as[0].app, true, false}, {e3, as[4].app, false, true}, {e1, as[9].app, false, false}, {e3, as[0].app, true, false}} {
		body := page(t, a.As(x.u).Do("GET", fmt.Sprintf("/applications/%d", x.app), nil), 200)
		if strings.Contains(body, `id="score-form"`) != x.form || strings.Contains(body, `id="abstain"`) != x.abstains {
			t.Errorf("%s on application %d: score form %v, abstain notice %v", x.u.Username, x.app,
				strings.Contains(body, `id="score-form"`), strings.Contains(body, `id="abstain"`))
		}
	}
	want := map[int64]float64{}
	for i, ap := range as[:9] {
		var sum float64
		n := 0
		for rv, u := range reviewers {
			if u == e3 && i == 4 {
				continue
			}
			s := score(rv, i)
			must(t, a.As(u).Do("POST", fmt.Sprintf("/api/v1/applications/%d/scores", ap.app), map[string]any{"scores": s}), 200, nil)
			sum += (40*float64(s["need"])/10 + 30*float64(s["design"])/10 + 30*float64(s["capacity"])/20) / 100 * 100
			n++
		}
		v := sum / float64(n)
		if ap.org.PartyOrg != registry.PartyNone {
			v += 2
		}
		want[ap.app] = math.Round(v*100) / 100
	}
	var rk struct{ Items []ranked }
	must(t, dc.Do("GET", fmt.Sprintf("/api/v1/calls/%d/ranking", c.ID), nil), 200, &rk)
	if len(rk.Items) != 9 {
		t.Fatalf("ranking has %d items, want 9", len(rk.Items))
	}
	for i, it := range rk.Items {
		if math.Abs(it.Score-want[it.ApplicationID]) > 0.005 || it.Rank != i+1 {
			t.Errorf("ranking %d: %+v, want score %.2f", i, it, want[it.ApplicationID])
		}
		if i > 0 && rk.Items[i-1].Score < it.Score {
			t.Errorf("ranking out of order at %d", i)
		}
	}

	// awards: the first five within 12 万 (each request ≤ 2.8 万), then the
	// seventh over the sixth without a reason (refused) and with one
	reqOf := map[int64]int64{}
	orgOf := map[int64]*applicant{}
	for _, ap := range as {
		reqOf[ap.app], orgOf[ap.app] = ap.reqFen, ap
	}
	var awards []map[string]any
	var total int64
	for _, it := range rk.Items[:5] {
		awards = append(awards, map[string]any{"application_id": it.ApplicationID, "amount_fen": reqOf[it.ApplicationID]})
		total += reqOf[it.ApplicationID]
	}
	over := append(slices.Clone(awards), map[string]any{"application_id": rk.Items[5].ApplicationID, "amount_fen": 12_000_000 - total + 1})
	if r := dc.Do("POST", fmt.Sprintf("/api/v1/calls/%d/awards", c.ID), map[string]any{"awards": over}); r.Status != 422 {
		t.Fatalf("awards over the budget: %d %s", r.Status, r.Body)
	}
	var aw struct{ Items []project }
	must(t, dc.Do("POST", fmt.Sprintf("/api/v1/calls/%d/awards", c.ID), map[string]any{"awards": awards}), 201, &aw)
	if len(aw.Items) != 5 || aw.Items[0].ID == 0 {
		t.Fatalf("awards: %+v", aw.Items)
	}
	skip := map[string]any{"application_id": rk.Items[6].ApplicationID, "amount_fen": 100_000}
	if r := dc.Do("POST", fmt.Sprintf("/api/v1/calls/%d/awards", c.ID), map[string]any{"awards": []any{skip}}); r.Status != 422 {
		t.Fatalf("a departure without a reason: %d %s", r.Status, r.Body)
	}
	skip["reason"] = "第六名申报的场地未落实"
	must(t, dc.Do("POST", fmt.Sprintf("/api/v1/calls/%d/awards", c.ID), map[string]any{"awards": []any{skip}}), 201, nil)
	var auditN int
	a.DB.Read.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'funding.award' AND detail LIKE '%场地未落实%'`).Scan(&auditN)
	if auditN != 1 {
		t.Errorf("the departure's reason is audited %d times", auditN)
	}

	// the project of an organization in custody
	var p project
	for _, pr := range aw.Items {
		if orgOf[pr.ApplicationID].org.Tier == registry.TierCommunity {
			p = pr
			break
		}
	}
	ap := orgOf[p.ApplicationID]
	postings0 := a.Count("postings")
	tr := fmt.Sprintf("/api/v1/projects/%d/tranches", p.ID)
	first := p.AwardFen * 6 / 10
	var t1 struct {
		ID        int64 `json:"id"`
		PostingID int64 `json:"posting_id"`
	}
	must(t, dc.Do("POST", tr, map[string]any{"amount_fen": first, "paid_on": "2023-07-05"}, "Idempotency-Key", "tr-1"), 201, &t1)
	again := dc.Do("POST", tr, map[string]any{"amount_fen": first, "paid_on": "2023-07-05"}, "Idempotency-Key", "tr-1")
	if again.Status != 201 || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("a second payment with the same key: %d %s", again.Status, again.Body)
	}
	if r := dc.Do("POST", tr, map[string]any{"amount_fen": p.AwardFen - first + 1, "paid_on": "2023-07-05"}); r.Status != 422 {
		t.Fatalf("a tranche beyond the award: %d %s", r.Status, r.Body)
	}
	if r := staff.Do("POST", tr, map[string]any{"amount_fen": 1, "paid_on": "2023-07-05"}); r.Status != 403 {
		t.Fatalf("hub staff pay a tranche: %d %s", r.Status, r.Body)
	}
	must(t, dc.Do("POST", tr, map[string]any{"amount_fen": p.AwardFen - first, "paid_on": "2023-07-05"}, "Idempotency-Key", "tr-2"), 201, nil)
	if n := a.Count("postings") - postings0; n != 2 {
		t.Fatalf("%d postings for two tranches", n)
	}
	var src string
	a.DB.Read.QueryRow(`SELECT source FROM postings WHERE id = $1`, t1.PostingID).Scan(&src)
	if src != "venture_philanthropy" {
		t.Errorf("tranche posted as %q", src)
	}

	// a registered organization's award is paid directly
	for _, pr := range aw.Items {
		if orgOf[pr.ApplicationID].org.Tier == registry.TierRegistered {
			var d struct {
				Direct    bool  `json:"direct"`
				PostingID int64 `json:"posting_id"`
			}
			must(t, dc.Do("POST", fmt.Sprintf("/api/v1/projects/%d/tranches", pr.ID), map[string]any{"amount_fen": pr.AwardFen,
				"paid_on": "2023-07-05"}), 201, &d)
			if !d.Direct || d.PostingID != 0 {
				t.Errorf("direct payment: %+v", d)
			}
		}
	}

	// spending against budget lines, through the ledger's expense flow
	expense := func(amount int64, line string, project int64) *apptest.Response {
		return ap.leader.Do("POST", fmt.Sprintf("/api/v1/custody/%d/expenses", ap.org.ID), apptest.Upload{Field: "receipt",
			Filename: "r.pdf", Data: []byte("%PDF-1.4\n%%EOF\n"), Fields: map[string]string{"amount_fen": strconv.FormatInt(amount, 10),
				"purpose": "活动支出", "payee": "五山超市", "spent_on": "2023-07-05", "project_id": strconv.FormatInt(project, 10),
				"budget_line": line}})
	}
	if r := expense(100, "没有的科目", p.ID); r.Status != 422 {
		t.Fatalf("an expense on a line the project lacks: %d %s", r.Status, r.Body)
	}
	staff2 := a.As(a.CreateUser("wushan-hub2", auth.HubStaff, wushan, hub.ID))
	paid := map[string]int64{}
	for i, e := range []struct {
		amount int64
		line   string
	}{{123_456, "活动物资"}, {50_001, "场地"}, {77_777, "活动物资"}, {9_999, "宣传"}} {
		var ex struct{ ID int64 }
		must(t, expense(e.amount, e.line, p.ID), 201, &ex)
		if i == 3 { // left pending: not spent
			continue
		}
		must(t, staff2.Do("POST", fmt.Sprintf("/api/v1/expenses/%d/approve", ex.ID), nil), 200, nil)
		paid[e.line] += e.amount
	}
	var got project
	must(t, ap.leader.Do("GET", fmt.Sprintf("/api/v1/projects/%d", p.ID), nil), 200, &got)
	ledgerSpent := map[string]int64{}
	rows, err := a.DB.Read.Query(`SELECT e.budget_line, l.amount_fen FROM expenses e JOIN postings p ON p.id = e.posting_id
		JOIN posting_lines l ON l.posting_id = p.id JOIN ledger_accounts acc ON acc.id = l.account_id
		WHERE e.project_id = $1 AND acc.kind = 'funds'`, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.EachPair(rows, func(line string, n int64) { ledgerSpent[line] += n }); err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, l := range got.Budget {
		if l.SpentFen != paid[l.Item] || l.SpentFen != ledgerSpent[l.Item] {
			t.Errorf("line %s spent %d, paid %d, ledger %d", l.Item, l.SpentFen, paid[l.Item], ledgerSpent[l.Item])
		}
		sum += l.SpentFen
	}
	if got.SpentFen != sum || got.PaidFen != p.AwardFen {
		t.Errorf("project spent %d (lines %d), paid %d of %d", got.SpentFen, sum, got.PaidFen, p.AwardFen)
	}
	var st struct {
		Closing ledger.Fen `json:"closing_fen"`
	}
	must(t, ap.leader.Do("GET", fmt.Sprintf("/api/v1/custody/%d", ap.org.ID), nil), 200, &st)

	// milestones: one already due is overdue; reports, acceptance, closing
	var m struct{ ID int64 }
	must(t, dc.Do("POST", fmt.Sprintf("/api/v1/projects/%d/milestones", p.ID), map[string]any{"title": "启动活动", "due_on": "2023-07-01"}), 201, &m)
	var od struct{ Items []struct{ ID int64 } }
	must(t, dc.Do("GET", fmt.Sprintf("/api/v1/calls/%d/overdue", c.ID), nil), 200, &od)
	if len(od.Items) != 1 || od.Items[0].ID != m.ID {
		t.Fatalf("overdue: %+v", od.Items)
	}
	report := func(mid int64) {
		must(t, ap.leader.Do("POST", fmt.Sprintf("/api/v1/projects/%d/milestones/%d/report", p.ID, mid),
			map[string]any{"report": "已完成，服务长者 60 人次"}), 200, nil)
		must(t, dc.Do("POST", fmt.Sprintf("/api/v1/projects/%d/milestones/%d/accept", p.ID, mid), nil), 200, nil)
	}
	report(m.ID)
	must(t, dc.Do("GET", fmt.Sprintf("/api/v1/calls/%d/overdue", c.ID), nil), 200, &od)
	if len(od.Items) != 0 {
		t.Fatalf("overdue after the report: %+v", od.Items)
	}
	for _, ms := range got.Milestones {
		report(ms.ID)
	}
	must(t, dc.Do("GET", fmt.Sprintf("/api/v1/projects/%d", p.ID), nil), 200, &got)
	if got.Status != "closed" {
		t.Fatalf("project after the closing report: %q", got.Status)
	}

	// the brand designation and the indicator
	if r := sc.Do("POST", fmt.Sprintf("/api/v1/projects/%d/brand", p.ID), map[string]any{"reason": "x", "effective_on": "2023-07-06"}); r.Status != 403 {
		t.Fatalf("a street designates a brand project: %d", r.Status)
	}
	must(t, dc.Do("POST", fmt.Sprintf("/api/v1/projects/%d/brand", p.ID), map[string]any{"reason": "服务成效显著、群众认可",
		"effective_on": "2023-07-06"}), 201, nil)
	brand := func(asOf string) float64 {
		var res struct{ Value *float64 }
		must(t, dc.Do("GET", "/api/v1/indicators/brand_projects?unit="+tianhe+"&as_of="+asOf, nil), 200, &res)
		if res.Value == nil {
			t.Fatalf("brand_projects has no value at %s", asOf)
		}
		return *res.Value
	}
	if v, w := brand("2023-07-05"), brand("2023-07-06"); v != 0 || w != 1 {
		t.Errorf("brand_projects: %v the day before, %v on the day (want 0, 1)", v, w)
	}

	// the ledger's chain and balances
	rep, err := ledger.Verify(ctx, a.DB)
	if err != nil || rep.Problem != nil {
		t.Fatalf("ledger verify: %v %+v", err, rep)
	}

	// the public page: results, no person's name, no account detail
	pub := a.Anon().Do("GET", fmt.Sprintf("/api/v1/public/calls/%d", c.ID), nil)
	var pc struct {
		Results []struct {
			AmountFen int64 `json:"amount_fen"`
			Brand     bool  `json:"brand"`
		}
		Applicants int `json:"applicants"`
	}
	must(t, pub, 200, &pc)
	if len(pc.Results) != 6 || pc.Applicants != 9 {
		t.Errorf("public: %d results, %d applicants", len(pc.Results), pc.Applicants)
	}
	for _, s := range []string{"陈大文", "138", "leader-", "hub_org_id", "posting", "tianhe-officer"} {
		if strings.Contains(pub.String(), s) {
			t.Errorf("the public page shows %q", s)
		}
	}
	// the pages: the officer sees the ranking, a leader the terms and results
	page := dc.Do("GET", fmt.Sprintf("/calls/%d", c.ID), nil)
	if page.Status != 200 || !page.IsHTML() || !strings.Contains(page.String(), `id="ranking"`) ||
		!strings.Contains(page.String(), "党组织健全") || strings.Contains(page.String(), "style=") {
		t.Errorf("the call page for the officer: %d", page.Status)
	}
	lp := as[0].leader.Do("GET", fmt.Sprintf("/calls/%d", c.ID), nil)
	if lp.Status != 200 || strings.Contains(lp.String(), `id="ranking"`) || !strings.Contains(lp.String(), `id="results"`) {
		t.Errorf("the call page for a leader: %d", lp.Status)
	}
	if l := dc.Do("GET", "/calls", nil); l.Status != 200 || !strings.Contains(l.String(), "2023年天河区社区公益创投") {
		t.Errorf("the list of calls: %d", l.Status)
	}
	x := dc.Do("GET", fmt.Sprintf("/api/v1/calls/%d/results.xlsx", c.ID), nil)
	if x.Status != 200 || !strings.HasPrefix(string(x.Body), "PK") {
		t.Errorf("results.xlsx: %d", x.Status)
	}
}
