package funding_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

func page(t *testing.T, r *apptest.Response, status int, wants ...string) string {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%d (want %d): %s", r.Status, status, r.Body)
	}
	body := string(r.Body)
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("the page lacks %q:\n%s", w, body)
		}
	}
	return body
}

// follow answers a form like a browser: a redirect is followed.
func follow(c *apptest.Client, method, path string, body any) *apptest.Response {
	r := c.Do(method, path, body)
	if r.Status == http.StatusSeeOther {
		r = c.Do("GET", r.Header.Get("Location"), nil)
	}
	return r
}

func one(t *testing.T, a *apptest.App, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := a.DB.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestFormsVenture runs a call through the pages only: the officer opens it,
// an ineligible leader reads why before submitting and is refused with
// nothing written, an eligible one applies after a refused budget (its
// values kept), reviewers are assigned by account and score (a score off
// the scale refused, values kept), the officer awards, pays a tranche (sent
// twice, paid once), a report links an activity and attaches a PDF, the
// closing report's acceptance closes the project; then 统一承接: parts to
// members within the award, paid into their custody within what the lead
// received, a part reversed by a new entry.
func TestFormsVenture(t *testing.T) {
	a := apptest.New(t)
	district := a.CreateUser("th-officer", auth.DistrictOfficer, tianhe, 0)
	street := a.CreateUser("ws-officer", auth.StreetOfficer, wushan, 0)
	org := func(name string) *registry.Org { return activeOrg(a, street, name) }
	hub := org("五山社区服务中心")
	good, loose, member := org("五山长者互助队"), org("五山散步队"), org("五山编织队")
	a.Hub(street, hub, "ws-hub", good, member)
	goodLeader := a.CreateUser("good-leader", auth.OrgLeader, wushanComm, good.ID)
	looseLeader := a.CreateUser("loose-leader", auth.OrgLeader, wushanComm, loose.ID)
	reviewer := a.CreateUser("rev-one", auth.StreetOfficer, wushan, 0)
	dc := a.As(district)

	// the officer opens the call; a budget that is not a number is named
	// in Chinese and what was typed comes back
	call := url.Values{"title": {"2023年五山社区微创投"}, "channel": {"venture_philanthropy"}, "unit_code": {tianhe},
		"budget": {"12万"}, "opens_on": {"2023-06-01"}, "closes_on": {"2023-06-30"}, "fields": {"elderly"},
		"tiers": {"community", "registered"}, "statuses": {"active"}, "custody_required": {"1"},
		"key_1": {"need"}, "name_1": {"需求契合"}, "weight_1": {"60"}, "max_1": {"10"},
		"key_2": {"design"}, "name_2": {"方案设计"}, "weight_2": {"40"}, "max_2": {"10"}, "bonus_party_org": {"2"}}
	page(t, follow(dc, "POST", "/calls", call), 422, "预算（元）：", "2023年五山社区微创投", `value="12万"`)
	if n := a.Count("fund_calls"); n != 0 {
		t.Fatalf("a refused call wrote %d rows", n)
	}
	call.Set("budget", "100000")
	body := page(t, follow(dc, "POST", "/calls", call), 200, "项目征集已发布", "需求契合")
	var callID int64
	if err := a.DB.Read.QueryRow(`SELECT id FROM fund_calls`).Scan(&callID); err != nil {
		t.Fatal(err)
	}
	if got := one(t, a, `SELECT budget_fen FROM fund_calls WHERE id = $1`, callID); got != 10_000_000 {
		t.Fatalf("budget %d fen", got)
	}
	_ = body

	// a leader whose money no hub holds reads why before submitting, and a
	// submission is refused with the same reasons, nothing written
	lc := a.As(looseLeader)
	applyPath := fmt.Sprintf("/calls/%d/apply", callID)
	page(t, follow(lc, "GET", applyPath, nil), 200, "不符合申报条件", "未登记的组织须由枢纽型组织代管资金")
	app := url.Values{"org_id": {fmt.Sprint(loose.ID)}, "title": {"散步伴行"}, "request": {"3000"},
		"item_1": {"物资"}, "amount_1": {"3000"}, "action": {"submit"}}
	page(t, follow(lc, "POST", applyPath, app), 422, "未登记的组织须由枢纽型组织代管资金", `value="散步伴行"`)
	if n := a.Count("fund_applications"); n != 0 {
		t.Fatalf("an ineligible submission wrote %d applications", n)
	}

	// the eligible leader: a budget that does not add up keeps every value
	gc := a.As(goodLeader)
	page(t, follow(gc, "GET", applyPath, nil), 200, "符合申报条件")
	app = url.Values{"org_id": {fmt.Sprint(good.ID)}, "title": {"长者午餐互助"}, "need": {"独居长者吃饭难"}, "beneficiaries": {"40"},
		"request": {"20000.50"}, "item_1": {"食材"}, "amount_1": {"15000"}, "item_2": {"场地"}, "amount_2": {"5000"}, "action": {"submit"}}
	page(t, follow(gc, "POST", applyPath, app), 422, "预算明细：", `value="长者午餐互助"`, "独居长者吃饭难", `value="20000.50"`, `value="食材"`)
	if n := a.Count("fund_applications"); n != 0 {
		t.Fatalf("a refused application wrote %d rows", n)
	}
	app.Set("amount_2", "5000.50")
	page(t, follow(gc, "POST", applyPath, app), 200, "申报已提交", "长者午餐互助", "20000.50")
	var appID int64
	if err := a.DB.Read.QueryRow(`SELECT id FROM fund_applications WHERE status = 'submitted'`).Scan(&appID); err != nil {
		t.Fatal(err)
	}
	if got := one(t, a, `SELECT request_fen FROM fund_applications WHERE id = $1`, appID); got != 2_000_050 {
		t.Fatalf("request %d fen", got)
	}

	// the call closes; reviewers by account
	a.Clock.Advance(20 * 24 * time.Hour)
	dc, gc = a.As(district), a.As(goodLeader)
	callPath := fmt.Sprintf("/calls/%d", callID)
	page(t, follow(dc, "POST", callPath+"/reviewers", url.Values{"usernames": {"rev-one、nobody"}}), 422, "评审人账号：", "nobody")
	page(t, follow(dc, "POST", callPath+"/reviewers", url.Values{"usernames": {"rev-one"}}), 200, "评审人已指定", "rev-one")
	rc := a.As(reviewer)
	appPath := fmt.Sprintf("/applications/%d", appID)
	page(t, follow(rc, "GET", appPath, nil), 200, `id="score-form"`)
	page(t, follow(rc, "POST", appPath+"/scores", url.Values{"score_need": {"11"}, "score_design": {"7"}}), 422, "评分：", "0 到 10", `value="11"`, `value="7"`)
	if n := a.Count("fund_scores"); n != 0 {
		t.Fatalf("refused scores wrote %d rows", n)
	}
	page(t, follow(rc, "POST", appPath+"/scores", url.Values{"score_need": {"9"}, "score_design": {"7"}}), 200, "评分已保存")
	if n := one(t, a, `SELECT SUM(score) FROM fund_scores WHERE application_id = $1`, appID); n != 16 {
		t.Fatalf("scores sum %d", n)
	}

	// awards: over the request refused with the amount kept; then within
	k := fmt.Sprint(appID)
	page(t, follow(dc, "POST", callPath+"/awards", url.Values{"award": {k}, "amount_" + k: {"30000"}}), 422, "立项：", `value="30000"`)
	page(t, follow(dc, "POST", callPath+"/awards", url.Values{"award": {k}, "amount_" + k: {"20000"}}), 200, "已立项", "长者午餐互助")
	var projectID int64
	if err := a.DB.Read.QueryRow(`SELECT id FROM fund_projects WHERE application_id = $1`, appID).Scan(&projectID); err != nil {
		t.Fatal(err)
	}
	if got := one(t, a, `SELECT award_fen FROM fund_projects WHERE id = $1`, projectID); got != 2_000_000 {
		t.Fatalf("award %d fen", got)
	}

	// a tranche: beyond the award refused; the same form sent twice pays once
	pp := fmt.Sprintf("/projects/%d", projectID)
	page(t, follow(dc, "POST", pp+"/tranches", url.Values{"amount": {"30000"}, "paid_on": {"2023-07-05"}, "idem": {"k0"}}), 422, "金额（元）：", `value="30000"`)
	tr := url.Values{"amount": {"12000"}, "paid_on": {"2023-07-05"}, "idem": {"k1"}}
	page(t, follow(dc, "POST", pp+"/tranches", tr), 200, "已拨付", "12000.00")
	page(t, follow(dc, "POST", pp+"/tranches", tr), 200, "12000.00")
	if n := one(t, a, `SELECT COUNT(*) FROM fund_tranches WHERE project_id = $1`, projectID); n != 1 {
		t.Fatalf("%d tranches after the same form twice", n)
	}
	if n := one(t, a, `SELECT COALESCE(SUM(l.amount_fen), 0) FROM posting_lines l JOIN fund_tranches t ON t.posting_id = l.posting_id
		WHERE t.project_id = $1 AND l.amount_fen > 0`, projectID); n != 1_200_000 {
		t.Fatalf("custody postings of the project: %d fen", n)
	}

	// the mid-term report links an activity of the organization and attaches a PDF
	var act activity.Activity
	in := activity.Input{OrgIDs: []int64{good.ID}, Title: "长者午餐试吃会", Theme: activity.Themes[0], Kind: activity.Kinds[0],
		Fields: activity.ThemeFields[activity.Themes[0]][:1], StartsAt: "2023-07-03T09:00:00+08:00", EndsAt: "2023-07-03T11:00:00+08:00",
		CommunityCode: wushanComm, Participants: 20, Beneficiaries: activity.Beneficiaries{Total: 20, Other: 20}}
	must(t, gc.Do("POST", "/api/v1/activities", in), 201, &act)
	var mid, closing int64
	if err := a.DB.Read.QueryRow(`SELECT id FROM fund_milestones WHERE project_id = $1 AND kind = 'midterm'`, projectID).Scan(&mid); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Read.QueryRow(`SELECT id FROM fund_milestones WHERE project_id = $1 AND kind = 'closing'`, projectID).Scan(&closing); err != nil {
		t.Fatal(err)
	}
	page(t, follow(gc, "GET", pp, nil), 200, "长者午餐试吃会")
	rp := fmt.Sprintf("%s/milestones/%d/report", pp, mid)
	page(t, follow(gc, "POST", rp, apptest.Upload{Field: "file", Filename: "a.exe", Data: []byte("MZ\x90\x00 not a pdf"),
		Fields: map[string]string{"report": "已开展午餐 12 次", "activity_ids": fmt.Sprint(act.ID)}}), 422, "附件：", "已开展午餐 12 次")
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	page(t, follow(gc, "POST", rp, apptest.Upload{Field: "file", Filename: "中期报告.pdf", Data: pdf,
		Fields: map[string]string{"report": "已开展午餐 12 次", "activity_ids": fmt.Sprint(act.ID)}}), 200, "报告已提交", "中期报告.pdf", "长者午餐试吃会")
	if n := one(t, a, `SELECT COUNT(*) FROM fund_milestone_activities WHERE milestone_id = $1 AND activity_id = $2`, mid, act.ID); n != 1 {
		t.Fatalf("linked activities %d", n)
	}
	var fileID int64
	if err := a.DB.Read.QueryRow(`SELECT id FROM fund_milestone_files WHERE milestone_id = $1`, mid).Scan(&fileID); err != nil {
		t.Fatal(err)
	}
	if r := gc.Do("GET", fmt.Sprintf("%s/files/%d", pp, fileID), nil); r.Status != 200 || string(r.Body) != string(pdf) {
		t.Fatalf("the attachment: %d %q", r.Status, r.Body)
	}
	if r := a.As(looseLeader).Do("GET", fmt.Sprintf("%s/files/%d", pp, fileID), nil); r.Status != 404 {
		t.Fatalf("another leader reads the attachment: %d", r.Status)
	}

	// 统一承接: the lead passes parts to a member; the parts stay within the
	// award, payments within the part and what the lead received
	// the members offered: the street's active organizations in custody (the
	// ledger's and the registry's named reads), not one outside custody
	if body := follow(dc, "GET", pp, nil).String(); !strings.Contains(body, fmt.Sprintf(`<option value="%d">五山编织队</option>`, member.ID)) ||
		strings.Contains(body, fmt.Sprintf(`<option value="%d">`, loose.ID)) {
		t.Errorf("the members offered to the lead are not the street's organizations in custody")
	}
	page(t, follow(dc, "POST", pp+"/suballocations", url.Values{"org_id": {fmt.Sprint(member.ID)}, "part": {"编织义卖"}, "amount": {"25000"},
		"effective_on": {"2023-07-05"}}), 422, "金额（元）：", "尚可分配 2000000 分")
	page(t, follow(dc, "POST", pp+"/suballocations", url.Values{"org_id": {fmt.Sprint(loose.ID)}, "part": {"散步"}, "amount": {"100"}}), 422, "成员组织：")
	page(t, follow(dc, "POST", pp+"/suballocations", url.Values{"org_id": {fmt.Sprint(member.ID)}, "part": {"编织义卖"}, "amount": {"8000"},
		"effective_on": {"2023-07-05"}, "idem": {"s1"}}), 200, "已分配", "编织义卖")
	var subID int64
	if err := a.DB.Read.QueryRow(`SELECT id FROM fund_suballocations WHERE project_id = $1`, projectID).Scan(&subID); err != nil {
		t.Fatal(err)
	}
	sp := fmt.Sprintf("%s/suballocations/%d", pp, subID)
	// the lead organization's own leader, whom the service lets pass parts
	// and pay them, is offered the forms too (the page offered them only
	// to the call's managers); an auditor is offered none and refused
	lead := page(t, follow(gc, "GET", pp, nil), 200)
	if !strings.Contains(lead, `id="sub-form"`) || !strings.Contains(lead, fmt.Sprintf(`id="sub-pay-%d"`, subID)) {
		t.Errorf("the lead's leader is not offered the parts' forms")
	}
	page(t, follow(gc, "POST", sp+"/tranches", url.Values{"amount": {"9000"}, "paid_on": {"2023-07-05"}}), 422, "尚可拨付 800000 分")
	auditor := a.As(a.User(auth.Auditor, "4401"))
	if body := page(t, follow(auditor, "GET", pp, nil), 200); strings.Contains(body, `id="sub-form"`) || strings.Contains(body, `id="sub-pay-`) {
		t.Errorf("an auditor is offered the parts' forms")
	}
	if r := auditor.Do("POST", sp+"/tranches", url.Values{"amount": {"1"}, "paid_on": {"2023-07-05"}}); r.Status != http.StatusForbidden {
		t.Errorf("an auditor pays a part: %d", r.Status)
	}
	page(t, follow(dc, "POST", sp+"/tranches", url.Values{"amount": {"9000"}, "paid_on": {"2023-07-05"}}), 422, "尚可拨付 800000 分")
	page(t, follow(dc, "POST", sp+"/tranches", url.Values{"amount": {"5000"}, "paid_on": {"2023-07-05"}, "idem": {"p1"}}), 200, "已拨付")
	page(t, follow(dc, "POST", sp+"/reverse", url.Values{"reason": {"编织队人手不足，余款收回"}}), 200, "已冲销", "编织队人手不足")
	if got := one(t, a, `SELECT SUM(amount_fen) FROM fund_suballocations WHERE project_id = $1`, projectID); got != 500_000 {
		t.Fatalf("parts net of the reversal: %d fen", got)
	}
	if n := one(t, a, `SELECT COUNT(*) FROM fund_suballocations WHERE project_id = $1`, projectID); n != 2 {
		t.Fatalf("%d sub-allocation rows (the part and its reversal)", n)
	}
	var memberIncome int64
	if err := a.DB.Read.QueryRow(`SELECT COALESCE(SUM(l.amount_fen), 0) FROM posting_lines l JOIN fund_sub_tranches t ON t.posting_id = l.posting_id
		WHERE t.org_id = $1 AND l.amount_fen > 0`, member.ID).Scan(&memberIncome); err != nil {
		t.Fatal(err)
	}
	if memberIncome != 500_000 {
		t.Fatalf("the member's custody income %d fen", memberIncome)
	}
	page(t, follow(dc, "POST", sp+"/tranches", url.Values{"amount": {"1"}, "paid_on": {"2023-07-05"}}), 422, "尚可拨付 0 分")

	// the closing report and its acceptance close the project
	page(t, follow(gc, "POST", fmt.Sprintf("%s/milestones/%d/report", pp, closing), apptest.Upload{Fields: map[string]string{"report": "项目完成"}}), 200, "报告已提交")
	page(t, follow(dc, "POST", fmt.Sprintf("%s/milestones/%d/accept", pp, closing), nil), 200, "已验收", "已结项")
	var status string
	if err := a.DB.Read.QueryRow(`SELECT status FROM fund_projects WHERE id = $1`, projectID).Scan(&status); err != nil || status != "closed" {
		t.Fatalf("project %q %v", status, err)
	}
	if r := a.As(looseLeader).Do("GET", pp, nil); r.Status != http.StatusNotFound {
		t.Fatalf("another leader opens the project: %d", r.Status)
	}
}
