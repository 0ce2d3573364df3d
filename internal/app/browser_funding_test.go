package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"linli/internal/app/apptest"
	"linli/internal/app/browsertest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// A leader applies to a call from a 390 px phone (reading first that the
// organization is eligible), a reviewer scores it, and the officer awards
// it: the result is in the page and in the database.
func TestBrowserFundingApplyScoreAward(t *testing.T) {
	ctx := browser(t)
	a := apptest.New(t)
	district := a.CreateUser("th-fund-officer", auth.DistrictOfficer, tianhe, 0)
	street := a.CreateUser("ws-fund-street", auth.StreetOfficer, wushan, 0)
	in := apptest.ActiveInput("五山长者午餐队", wushanComm)
	in.Tier, in.PartyOrg = registry.TierCommunity, registry.PartyJoint
	org := a.CreateOrg(street, in)
	hub := a.ActiveOrg(street, "五山社区服务中心", wushanComm)
	a.Hub(street, hub, "ws-fund-hub", org)
	a.CreateUser("ws-fund-leader", auth.OrgLeader, wushanComm, org.ID)
	a.CreateUser("ws-fund-reviewer", auth.StreetOfficer, wushan, 0)
	var call struct{ ID int64 }
	r := a.As(district).Do("POST", "/api/v1/calls", map[string]any{"title": "2023年天河区社区公益创投", "channel": "venture_philanthropy",
		"unit_code": tianhe, "budget_fen": 10_000_000, "eligibility": map[string]any{"tiers": []string{"community"}, "custody_required": true},
		"opens_on": "2023-06-01", "closes_on": "2023-06-30",
		"criteria": []map[string]any{{"key": "need", "name": "需求契合", "weight": 60, "max": 10}, {"key": "design", "name": "方案设计", "weight": 40, "max": 10}}})
	if r.Status != 201 {
		t.Fatalf("call: %d %s", r.Status, r.Body)
	}
	r.Decode(&call)

	// the leader, on a phone
	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, a, "ws-fund-leader")
	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(fmt.Sprintf("%s/calls/%d", a.URL(), call.ID)), chromedp.WaitVisible(chromedp.ID("apply-link")))
	if s := status(t, ctx, chromedp.Click(chromedp.ID("apply-link"))); s != 200 {
		t.Fatalf("the apply page: %d", s)
	}
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("eligibility"))); !strings.Contains(got, "符合申报条件") {
		t.Fatalf("eligibility told %q", got)
	}
	narrow(t, ctx, "the apply page")
	browsertest.Do(t, ctx, chromedp.SetValue(chromedp.ID("title"), "长者午餐互助"),
		chromedp.SetValue(chromedp.ID("need"), "独居长者吃饭难"),
		chromedp.SendKeys(chromedp.ID("request"), "20000"),
		chromedp.SetValue(chromedp.ID("item_1"), "食材"), chromedp.SendKeys(chromedp.ID("amount_1"), "15000"),
		chromedp.SetValue(chromedp.ID("item_2"), "场地"), chromedp.SendKeys(chromedp.ID("amount_2"), "4000"))
	// a budget that does not add up: refused, every value kept
	if s := status(t, ctx, chromedp.Click(chromedp.ID("apply-submit"))); s != 422 {
		t.Fatalf("a budget short of the request landed with %d", s)
	}
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("form-problems"))); !strings.Contains(got, "预算明细") {
		t.Errorf("the refusal says %q", got)
	}
	if got := browsertest.Run(t, ctx, chromedp.Value(chromedp.ID("title"))); got != "长者午餐互助" {
		t.Errorf("the title came back as %q", got)
	}
	if n := a.Count("fund_applications"); n != 0 {
		t.Fatalf("a refused application wrote %d rows", n)
	}
	browsertest.Do(t, ctx, chromedp.SetValue(chromedp.ID("amount_2"), "5000"))
	if s := status(t, ctx, chromedp.Click(chromedp.ID("apply-submit"))); s != 200 {
		t.Fatalf("the application landed with %d", s)
	}
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("app-status"))); got != "已提交" {
		t.Errorf("status shown %q", got)
	}
	narrow(t, ctx, "the application page")
	var appID, req int64
	var st string
	if err := a.DB.Read.QueryRow(`SELECT id, status, request_fen FROM fund_applications WHERE org_id = $1`, org.ID).Scan(&appID, &st, &req); err != nil {
		t.Fatal(err)
	}
	if st != "submitted" || req != 2_000_000 {
		t.Fatalf("stored %s, %d fen", st, req)
	}
	signOut(t, ctx)

	// the call closes; the officer names the reviewer
	a.Clock.Advance(20 * 24 * time.Hour)
	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, a, "th-fund-officer")
	browsertest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/calls/%d", a.URL(), call.ID)), chromedp.WaitVisible(chromedp.ID("usernames")),
		chromedp.SendKeys(chromedp.ID("usernames"), "ws-fund-reviewer"))
	if s := status(t, ctx, chromedp.Click(chromedp.ID("reviewers-submit"))); s != 200 {
		t.Fatalf("assigning the reviewer landed with %d", s)
	}
	signOut(t, ctx)

	// the reviewer scores
	signIn(t, ctx, a, "ws-fund-reviewer")
	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(fmt.Sprintf("%s/applications/%d", a.URL(), appID)), chromedp.WaitVisible(chromedp.ID("score_need")),
		chromedp.SendKeys(chromedp.ID("score_need"), "9"), chromedp.SendKeys(chromedp.ID("score_design"), "8"))
	if s := status(t, ctx, chromedp.Click(chromedp.ID("score-submit"))); s != 200 {
		t.Fatalf("scoring landed with %d", s)
	}
	var total int64
	if err := a.DB.Read.QueryRow(`SELECT SUM(score) FROM fund_scores WHERE application_id = $1`, appID).Scan(&total); err != nil || total != 17 {
		t.Fatalf("scores stored %d %v", total, err)
	}
	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	signOut(t, ctx)

	// the officer awards it from the ranking
	signIn(t, ctx, a, "th-fund-officer")
	browsertest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/calls/%d", a.URL(), call.ID)), chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("award-%d", appID))),
		chromedp.Click(chromedp.ID(fmt.Sprintf("award-%d", appID))),
		chromedp.SetValue(chromedp.ID(fmt.Sprintf("amount-%d", appID)), "18000"))
	if s := status(t, ctx, chromedp.Click(chromedp.ID("awards-submit"))); s != 200 {
		t.Fatalf("awarding landed with %d", s)
	}
	results := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("results")))
	// weighted mean on 100: (60·9/10 + 40·8/10) / 100 · 100 = 86
	for _, want := range []string{"五山长者午餐队", "长者午餐互助", "18000.00", "86.00"} {
		if !strings.Contains(results, want) {
			t.Errorf("the results lack %q: %s", want, results)
		}
	}
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("awarded"))); got != "18000.00" {
		t.Errorf("awarded shown %q", got)
	}
	var award int64
	var score int64
	if err := a.DB.Read.QueryRow(`SELECT award_fen, score_x100 FROM fund_projects WHERE application_id = $1`, appID).Scan(&award, &score); err != nil {
		t.Fatal(err)
	}
	if award != 1_800_000 || score != 8600 {
		t.Fatalf("project stored with %d fen, score ×100 %d", award, score)
	}
}
