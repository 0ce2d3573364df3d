package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// The funding room in the scope walk. The foreign objects, all in 五山: a
// street micro-venture call (closed by changing its timetable) with a
// submitted application, a reviewer and a score, an award whose project has
// a tranche paid directly, a milestone, a brand designation; a residents'
// need and a pairing. Only the public call answers, without people's names.
func init() {
	scopeSetups = append(scopeSetups, func(t *testing.T, w *world) {
		a := w.a
		owner := a.As(w.owner)
		must := setupMust(t, "funding")
		in := apptest.ActiveInput("五山长者服务社", wushanComm)
		in.Tier = "registered"
		in.CreditCode = "52440106MJ00000026"
		in.CreditCode = in.CreditCode[:17] + string(registry.CreditCheckDigit(in.CreditCode[:17]))
		applicant := a.CreateOrg(w.owner, in)
		partner := apptest.ActiveInput("五山社工服务站", wushanComm)
		partner.Tier = "registered"
		partner.CreditCode = "52440106MJ00000034"
		partner.CreditCode = partner.CreditCode[:17] + string(registry.CreditCheckDigit(partner.CreditCode[:17]))
		partnerOrg := a.CreateOrg(w.owner, partner)
		leader := a.As(a.CreateUser("wushan-fund-leader", auth.OrgLeader, wushanComm, applicant.ID))
		district := a.As(a.CreateUser("tianhe-fund-officer", auth.DistrictOfficer, "440106", 0))
		call := map[string]any{"title": "五山微创投2023", "channel": "micro_venture", "unit_code": wushan, "budget_fen": 500000,
			"opens_on": "2023-06-01", "closes_on": "2023-06-30",
			"criteria": []map[string]any{{"key": "need", "name": "需求", "weight": 1, "max": 10}}}
		var c struct{ ID int64 }
		must(owner.Do("POST", "/api/v1/calls", call), 201, &c)
		var app struct{ ID int64 }
		must(leader.Do("POST", fmt.Sprintf("/api/v1/calls/%d/applications", c.ID), map[string]any{"org_id": applicant.ID,
			"title": "五山长者午餐", "request_fen": 300000, "budget": []map[string]any{{"item": "餐费", "amount_fen": 300000}}}), 201, &app)
		must(leader.Do("POST", fmt.Sprintf("/api/v1/applications/%d/submit", app.ID), nil), 200, nil)
		call["closes_on"] = "2023-06-14"
		must(owner.Do("PATCH", fmt.Sprintf("/api/v1/calls/%d", c.ID), call), 200, nil)
		must(owner.Do("POST", fmt.Sprintf("/api/v1/calls/%d/reviewers", c.ID), map[string]any{"user_ids": []int64{w.owner.ID}}), 200, nil)
		must(owner.Do("POST", fmt.Sprintf("/api/v1/applications/%d/scores", app.ID), map[string]any{"scores": map[string]int{"need": 8}}), 200, nil)
		var aw struct{ Items []struct{ ID int64 } }
		must(owner.Do("POST", fmt.Sprintf("/api/v1/calls/%d/awards", c.ID), map[string]any{"awards": []map[string]any{
			{"application_id": app.ID, "amount_fen": 300000}}}), 201, &aw)
		p := aw.Items[0].ID
		must(owner.Do("POST", fmt.Sprintf("/api/v1/projects/%d/tranches", p), map[string]any{"amount_fen": 100000, "paid_on": "2023-06-15"}), 201, nil)
		var m struct{ ID int64 }
		must(owner.Do("POST", fmt.Sprintf("/api/v1/projects/%d/milestones", p), map[string]any{"title": "五山启动", "due_on": "2023-07-01"}), 201, &m)
		must(district.Do("POST", fmt.Sprintf("/api/v1/projects/%d/brand", p), map[string]any{"reason": "五山品牌", "effective_on": "2023-06-15"}), 201, nil)
		must(owner.Do("POST", "/api/v1/needs", map[string]any{"community_code": wushanComm, "title": "五山独居长者午餐"}), 201, nil)
		must(owner.Do("POST", "/api/v1/pairings", map[string]any{"org_id": applicant.ID, "partner_org_id": partnerOrg.ID,
			"purpose": "五山结对", "started_on": "2023-01-01"}), 201, nil)
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		for k, v := range map[string]int64{"{fcall}": c.ID, "{fapp}": app.ID, "{fproject}": p, "{fmilestone}": m.ID, "{forg}": applicant.ID} {
			w.IDs[k] = id(v)
		}
	})
	scopeSnapshots = append(scopeSnapshots, func(t *testing.T, w *world) string {
		return snapshotOf(t, w, "funding",
			`SELECT COUNT(*) || '/' || COALESCE(MAX(title), '') || '/' || COALESCE(MAX(closes_on), '') || '/' || COALESCE(SUM(budget_fen), 0) FROM fund_calls`,
			`SELECT COUNT(*) || '/' || COALESCE(MAX(status), '') FROM fund_applications`,
			`SELECT COUNT(*) FROM fund_reviewers`,
			`SELECT COUNT(*) || '/' || COALESCE(SUM(score), 0) FROM fund_scores`,
			`SELECT COUNT(*) || '/' || COALESCE(MAX(status), '') FROM fund_projects`,
			`SELECT COUNT(*) || '/' || COALESCE(SUM(amount_fen), 0) FROM fund_tranches`,
			`SELECT COUNT(*) || '/' || COALESCE(MAX(reported_on), '') || '/' || COALESCE(MAX(accepted_on), '') FROM fund_milestones`,
			`SELECT COUNT(*) FROM brand_designations`,
			`SELECT COUNT(*) FROM fund_needs`,
			`SELECT COUNT(*) FROM fund_pairings`,
			`SELECT COUNT(*) FROM fund_suballocations`,
			`SELECT COUNT(*) FROM fund_sub_tranches`,
			`SELECT COUNT(*) FROM fund_milestone_files`,
			`SELECT COUNT(*) FROM fund_milestone_activities`,
		)
	})
	nf, ok := http.StatusNotFound, http.StatusOK
	call := map[string]any{"title": "入侵", "channel": "micro_venture", "unit_code": wushan, "budget_fen": 1,
		"opens_on": "2023-06-01", "closes_on": "2023-06-30", "criteria": []map[string]any{{"key": "a", "name": "a", "weight": 1, "max": 1}}}
	app := map[string]any{"org_id": 1, "title": "入侵", "request_fen": 1, "budget": []map[string]any{{"item": "x", "amount_fen": 1}}}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /calls", path: "/calls", want: ok, check: hides("五山微创投")},
		scopeCase{pattern: "GET /calls/{id}", path: "/calls/{fcall}", want: nf},
		scopeCase{pattern: "GET /api/v1/calls", path: "/api/v1/calls", want: ok, check: hides("五山微创投")},
		scopeCase{pattern: "POST /api/v1/calls", path: "/api/v1/calls", body: call, want: 422},
		scopeCase{pattern: "GET /api/v1/calls/{id}", path: "/api/v1/calls/{fcall}", want: nf},
		scopeCase{pattern: "PATCH /api/v1/calls/{id}", path: "/api/v1/calls/{fcall}", body: call, want: nf},
		scopeCase{pattern: "POST /api/v1/calls/{id}/applications", path: "/api/v1/calls/{fcall}/applications", body: app, want: nf},
		scopeCase{pattern: "GET /api/v1/calls/{id}/applications", path: "/api/v1/calls/{fcall}/applications", want: nf},
		scopeCase{pattern: "GET /api/v1/applications/{id}", path: "/api/v1/applications/{fapp}", want: nf},
		scopeCase{pattern: "POST /api/v1/applications/{id}/submit", path: "/api/v1/applications/{fapp}/submit", want: nf},
		scopeCase{pattern: "POST /api/v1/applications/{id}/withdraw", path: "/api/v1/applications/{fapp}/withdraw", want: nf},
		scopeCase{pattern: "POST /api/v1/calls/{id}/reviewers", path: "/api/v1/calls/{fcall}/reviewers",
			body: map[string]any{"user_ids": []int64{1}}, want: nf},
		scopeCase{pattern: "POST /api/v1/applications/{id}/scores", path: "/api/v1/applications/{fapp}/scores",
			body: map[string]any{"reviewer_id": 1, "scores": map[string]int{"need": 1}}, want: nf},
		scopeCase{pattern: "GET /api/v1/calls/{id}/ranking", path: "/api/v1/calls/{fcall}/ranking", want: nf},
		scopeCase{pattern: "POST /api/v1/calls/{id}/awards", path: "/api/v1/calls/{fcall}/awards",
			body: map[string]any{"awards": []map[string]any{{"application_id": 1, "amount_fen": 1}}}, want: nf},
		scopeCase{pattern: "GET /api/v1/calls/{id}/results.xlsx", path: "/api/v1/calls/{fcall}/results.xlsx", want: nf},
		scopeCase{pattern: "GET /api/v1/calls/{id}/overdue", path: "/api/v1/calls/{fcall}/overdue", want: nf},
		scopeCase{pattern: "GET /api/v1/projects/{id}", path: "/api/v1/projects/{fproject}", want: nf},
		scopeCase{pattern: "POST /api/v1/projects/{id}/tranches", path: "/api/v1/projects/{fproject}/tranches",
			body: map[string]any{"amount_fen": 1, "paid_on": "2023-06-15"}, want: nf},
		scopeCase{pattern: "POST /api/v1/projects/{id}/milestones", path: "/api/v1/projects/{fproject}/milestones",
			body: map[string]any{"title": "入侵", "due_on": "2023-07-01"}, want: nf},
		scopeCase{pattern: "POST /api/v1/projects/{id}/milestones/{m}/report", path: "/api/v1/projects/{fproject}/milestones/{fmilestone}/report",
			body: map[string]any{"report": "入侵"}, want: nf},
		scopeCase{pattern: "POST /api/v1/projects/{id}/milestones/{m}/accept", path: "/api/v1/projects/{fproject}/milestones/{fmilestone}/accept", want: nf},
		scopeCase{pattern: "POST /api/v1/projects/{id}/brand", path: "/api/v1/projects/{fproject}/brand",
			body: map[string]any{"reason": "入侵", "effective_on": "2023-06-15"}, want: nf},
		scopeCase{pattern: "GET /api/v1/needs", path: "/api/v1/needs", want: ok, check: hides("五山独居长者午餐")},
		scopeCase{pattern: "POST /api/v1/needs", path: "/api/v1/needs", body: map[string]any{"community_code": wushanComm, "title": "入侵"}, want: 422},
		scopeCase{pattern: "GET /api/v1/pairings", path: "/api/v1/pairings", want: ok, check: hides("五山结对")},
		scopeCase{pattern: "POST /api/v1/pairings", path: "/api/v1/pairings", body: map[string]any{"org_id": 1, "partner_org_id": 1,
			"purpose": "入侵", "started_on": "2023-01-01"}, want: 422},
		scopeCase{pattern: "POST /calls", path: "/calls", body: url.Values{"title": {"入侵"}, "channel": {"micro_venture"}, "unit_code": {wushan},
			"budget": {"1"}, "opens_on": {"2023-06-01"}, "closes_on": {"2023-06-30"}, "key_1": {"a"}, "name_1": {"a"}, "weight_1": {"1"}, "max_1": {"1"}}, want: 422},
		scopeCase{pattern: "GET /calls/new", path: "/calls/new", want: ok, check: hides("五山微创投")},
		scopeCase{pattern: "GET /calls/{id}/apply", path: "/calls/{fcall}/apply", want: nf},
		scopeCase{pattern: "POST /calls/{id}/apply", path: "/calls/{fcall}/apply", body: url.Values{"title": {"入侵"}, "request": {"1"},
			"item_1": {"x"}, "amount_1": {"1"}, "action": {"submit"}}, want: nf},
		scopeCase{pattern: "POST /calls/{id}/reviewers", path: "/calls/{fcall}/reviewers", body: url.Values{"usernames": {"owner"}}, want: nf},
		scopeCase{pattern: "POST /calls/{id}/awards", path: "/calls/{fcall}/awards", body: url.Values{"award": {"{fapp}"}, "amount_{fapp}": {"1"}}, want: nf},
		scopeCase{pattern: "GET /applications/{id}", path: "/applications/{fapp}", want: nf},
		scopeCase{pattern: "POST /applications/{id}/submit", path: "/applications/{fapp}/submit", want: nf},
		scopeCase{pattern: "POST /applications/{id}/withdraw", path: "/applications/{fapp}/withdraw", want: nf},
		scopeCase{pattern: "POST /applications/{id}/scores", path: "/applications/{fapp}/scores", body: url.Values{"score_need": {"1"}}, want: nf},
		scopeCase{pattern: "GET /projects/{id}", path: "/projects/{fproject}", want: nf},
		scopeCase{pattern: "GET /projects/{id}/files/{file}", path: "/projects/{fproject}/files/1", want: nf},
		scopeCase{pattern: "POST /projects/{id}/tranches", path: "/projects/{fproject}/tranches", body: url.Values{"amount": {"1"}, "paid_on": {"2023-06-15"}}, want: nf},
		scopeCase{pattern: "POST /projects/{id}/milestones", path: "/projects/{fproject}/milestones", body: url.Values{"title": {"入侵"}, "due_on": {"2023-07-01"}}, want: nf},
		scopeCase{pattern: "POST /projects/{id}/milestones/{m}/report", path: "/projects/{fproject}/milestones/{fmilestone}/report",
			body: apptest.Upload{Fields: map[string]string{"report": "入侵"}}, want: nf},
		scopeCase{pattern: "POST /projects/{id}/milestones/{m}/accept", path: "/projects/{fproject}/milestones/{fmilestone}/accept", want: nf},
		scopeCase{pattern: "POST /projects/{id}/brand", path: "/projects/{fproject}/brand", body: url.Values{"reason": {"入侵"}}, want: nf},
		scopeCase{pattern: "POST /projects/{id}/suballocations", path: "/projects/{fproject}/suballocations",
			body: url.Values{"org_id": {"{forg}"}, "part": {"入侵"}, "amount": {"1"}}, want: nf},
		scopeCase{pattern: "POST /projects/{id}/suballocations/{s}/tranches", path: "/projects/{fproject}/suballocations/1/tranches",
			body: url.Values{"amount": {"1"}, "paid_on": {"2023-06-15"}}, want: nf},
		scopeCase{pattern: "POST /projects/{id}/suballocations/{s}/reverse", path: "/projects/{fproject}/suballocations/1/reverse",
			body: url.Values{"reason": {"入侵"}}, want: nf},
		scopeCase{pattern: "GET /api/v1/projects/{id}/suballocations", path: "/api/v1/projects/{fproject}/suballocations", want: nf},
		scopeCase{pattern: "POST /api/v1/projects/{id}/suballocations", path: "/api/v1/projects/{fproject}/suballocations",
			body: map[string]any{"org_id": 1, "part": "入侵", "amount_fen": 1}, want: nf},
		scopeCase{pattern: "POST /api/v1/projects/{id}/suballocations/{s}/tranches", path: "/api/v1/projects/{fproject}/suballocations/1/tranches",
			body: map[string]any{"amount_fen": 1, "paid_on": "2023-06-15"}, want: nf},
		scopeCase{pattern: "POST /api/v1/projects/{id}/suballocations/{s}/reverse", path: "/api/v1/projects/{fproject}/suballocations/1/reverse",
			body: map[string]any{"reason": "入侵"}, want: nf},
		scopeCase{pattern: "GET /api/v1/public/calls/{id}", path: "/api/v1/public/calls/{fcall}", want: ok,
			check: hides("陈大文", "wushan-fund-leader", "13800138000")},
	)
}
