package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"linli/internal/governance"
)

// The governance room in the scope walk. The foreign objects, all of the
// 五山 organization {org}: an adopted charter and an amendment in draft, an
// election, a decision, the community's reporting cycle and a work report
// ({report}) awaiting review.
func init() {
	scopeSetups = append(scopeSetups, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.a.Governance
		c, err := svc.Charter(ctx, w.owner, w.org.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		chs := c.Chapters
		for i := range chs {
			for _, cl := range governance.Clauses {
				if j := strings.Index(chs[i].Text, "〔待填写："+cl.Label); j >= 0 {
					k := strings.Index(chs[i].Text[j:], "〕") + j + len("〕")
					chs[i].Text = chs[i].Text[:j] + "五山秘密条款" + chs[i].Text[k:]
				}
			}
		}
		if _, err := svc.SaveCharter(ctx, w.owner, w.org.ID, chs); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Adopt(ctx, w.owner, w.org.ID, governance.Vote{MeetingOn: "2023-01-10", Present: 10, For: 9, Against: 1}); err != nil {
			t.Fatal(err)
		}
		chs[0].Text += "\n五山修订草案"
		if _, err := svc.SaveCharter(ctx, w.owner, w.org.ID, chs); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Elect(ctx, w.owner, w.org.ID, governance.ElectionInput{HeldOn: "2020-01-05", Present: 10, TermYears: 3,
			Candidates: []governance.Candidate{{Name: "五山候选人", Post: "leader", Votes: 9, Elected: true}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Decide(ctx, w.owner, w.org.ID, governance.DecisionInput{MeetingOn: "2023-02-01", Title: "五山秘密决策",
			Kind: "finance", Members: 12, Quorum: 7, Present: 10, For: 9}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetCycle(ctx, w.owner, governance.Cycle{CommunityCode: wushanComm, Cycle: governance.Quarterly, EffectiveOn: "2023-01-01"}); err != nil {
			t.Fatal(err)
		}
		r, err := svc.Submit(ctx, w.owner, governance.ReportInput{OrgID: w.org.ID, Period: "2023-Q1", Body: "五山秘密报告"})
		if err != nil {
			t.Fatal(err)
		}
		w.IDs["{report}"] = strconv.FormatInt(r.ID, 10)
	})
	scopeSnapshots = append(scopeSnapshots, func(t *testing.T, w *world) string {
		var status, comment, charters string
		w.scan(t, `SELECT status, comment FROM work_reports WHERE id = $1`, []any{w.IDs["{report}"]}, &status, &comment)
		rows, err := w.a.DB.Read.Query(`SELECT version, status, chapters FROM charters ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			var s, chs string
			if err := rows.Scan(&v, &s, &chs); err != nil {
				t.Fatal(err)
			}
			charters += fmt.Sprintf("%d %s %d;", v, s, len(chs))
		}
		var cycle string
		w.scan(t, `SELECT cycle FROM report_cycles WHERE community_code = $1`, []any{wushanComm}, &cycle)
		return fmt.Sprintf("report %s %q; charters %s cycle %s; elections %d candidates %d decisions %d reports %d cycles %d",
			status, comment, charters, cycle, w.a.Count("elections"), w.a.Count("election_candidates"), w.a.Count("decisions"),
			w.a.Count("work_reports"), w.a.Count("report_cycles"))
	})
	nf, ok, inv := http.StatusNotFound, http.StatusOK, http.StatusUnprocessableEntity
	vote := map[string]any{"meeting_on": "2023-03-01", "present": 10, "for": 10, "against": 0, "abstain": 0}
	election := map[string]any{"held_on": "2023-03-01", "present": 10, "term_years": 3,
		"candidates": []map[string]any{{"name": "入侵者", "post": "leader", "votes": 9, "elected": true}}}
	decision := map[string]any{"meeting_on": "2023-03-01", "title": "入侵决策", "kind": "other", "members": 10, "quorum": 6,
		"present": 10, "for": 10, "against": 0, "abstain": 0}
	chapters := map[string]any{"chapters": []map[string]string{{"key": "general", "title": "总则", "text": "入侵"}}}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /orgs/{id}/governance", path: "/orgs/{org}/governance", want: nf},
		scopeCase{pattern: "POST /orgs/{id}/governance/charter", path: "/orgs/{org}/governance/charter",
			body: form("key", "general", "title", "总则", "text", "入侵"), want: nf},
		scopeCase{pattern: "POST /orgs/{id}/governance/adopt", path: "/orgs/{org}/governance/adopt",
			body: form("meeting_on", "2023-03-01", "present", "10", "for", "10", "against", "0", "abstain", "0"), want: nf},
		scopeCase{pattern: "POST /orgs/{id}/governance/elections", path: "/orgs/{org}/governance/elections",
			body: form("held_on", "2023-03-01", "present", "10", "term_years", "3", "name0", "入侵者", "post0", "leader", "votes0", "9", "elected0", "1"), want: nf},
		scopeCase{pattern: "POST /orgs/{id}/governance/decisions", path: "/orgs/{org}/governance/decisions",
			body: form("meeting_on", "2023-03-01", "title", "入侵", "kind", "other", "members", "10", "quorum", "6", "present", "10", "for", "10"), want: nf},
		scopeCase{pattern: "GET /orgs/{id}/charter", path: "/orgs/{org}/charter", want: nf},
		scopeCase{pattern: "GET /work-reports", path: "/work-reports?year=2023", want: ok, check: hides("五山秘密报告", "五山夕阳红舞蹈队")},
		scopeCase{pattern: "POST /work-reports", path: "/work-reports", body: form("org_id", "1", "period", "2023-Q1", "body", "入侵报告"), want: inv},
		scopeCase{pattern: "POST /work-reports/{id}/review", path: "/work-reports/{report}/review", body: form("decision", "return", "comment", "入侵"), want: nf},
		scopeCase{pattern: "POST /report-cycles", path: "/report-cycles", body: form("community_code", wushanComm, "cycle", "yearly"), want: inv},
		scopeCase{pattern: "GET /api/v1/orgs/{id}/charter", path: "/api/v1/orgs/{org}/charter", want: nf},
		scopeCase{pattern: "PUT /api/v1/orgs/{id}/charter", path: "/api/v1/orgs/{org}/charter", body: chapters, want: nf},
		scopeCase{pattern: "GET /api/v1/orgs/{id}/charter/check", path: "/api/v1/orgs/{org}/charter/check", want: nf},
		scopeCase{pattern: "POST /api/v1/orgs/{id}/charter/adopt", path: "/api/v1/orgs/{org}/charter/adopt", body: vote, want: nf},
		scopeCase{pattern: "GET /api/v1/orgs/{id}/charter.pdf", path: "/api/v1/orgs/{org}/charter.pdf", want: nf},
		scopeCase{pattern: "GET /api/v1/orgs/{id}/elections", path: "/api/v1/orgs/{org}/elections", want: nf},
		scopeCase{pattern: "POST /api/v1/orgs/{id}/elections", path: "/api/v1/orgs/{org}/elections", body: election, want: nf},
		scopeCase{pattern: "GET /api/v1/orgs/{id}/decisions", path: "/api/v1/orgs/{org}/decisions", want: nf},
		scopeCase{pattern: "POST /api/v1/orgs/{id}/decisions", path: "/api/v1/orgs/{org}/decisions", body: decision, want: nf},
		scopeCase{pattern: "GET /api/v1/overdue-terms", path: "/api/v1/overdue-terms", want: ok, check: hides("五山夕阳红舞蹈队")},
		scopeCase{pattern: "GET /api/v1/report-cycles", path: "/api/v1/report-cycles", want: ok, check: hides(wushanComm)},
		scopeCase{pattern: "POST /api/v1/report-cycles", path: "/api/v1/report-cycles",
			body: map[string]any{"community_code": wushanComm, "cycle": "yearly"}, want: inv},
		scopeCase{pattern: "GET /api/v1/work-reports", path: "/api/v1/work-reports?year=2023", want: ok, check: hides("五山秘密报告", "五山夕阳红舞蹈队")},
		scopeCase{pattern: "POST /api/v1/work-reports", path: "/api/v1/work-reports",
			body: map[string]any{"org_id": 1, "period": "2023-Q1", "body": "入侵报告"}, want: inv},
		scopeCase{pattern: "POST /api/v1/work-reports/{id}/review", path: "/api/v1/work-reports/{report}/review",
			body: map[string]any{"decision": "return", "comment": "入侵"}, want: nf},
	)
}
