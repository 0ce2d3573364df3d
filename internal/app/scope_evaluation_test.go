package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/evaluation"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// late is a JSON body read when the request is made: the ids of the
// foreign objects exist only after the setup.
type late func() any

func (l late) MarshalJSON() ([]byte, error) { return json.Marshal(l()) }

// The evaluation room in the scope walk. The foreign objects, all in 五山:
// a registered organization with a grade, the party form and a contact of
// the walk's organization, its appraisal, a Tianhe tree and a round over
// the organization with a Tianhe scorer. A district's tree is its streets'
// to read (no organization in it); its rounds are not.
func init() {
	var ids map[string]string
	scopeSetups = append(scopeSetups, func(t *testing.T, w *world) {
		ctx := context.Background()
		ids = w.IDs
		do := w.a.CreateUser("tianhe-eval", auth.DistrictOfficer, tianhe, 0)
		in := apptest.OrgInput("五山登记评估协会", wushanComm)
		f := "51440106MJ0009990"
		in.Tier, in.Status, in.CreditCode = registry.TierRegistered, registry.StatusActive, f+string(registry.CreditCheckDigit(f))
		reg := w.a.CreateOrg(w.owner, in)
		svc := w.a.Evaluation
		if _, err := svc.AwardGrade(ctx, do, reg.ID, evaluation.GradeInput{Grade: "4A", AwardedOn: "2023-06-01", Evaluator: "天河区评估委员会"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetForm(ctx, w.owner, evaluation.FormInput{OrgID: w.org.ID, Form: "instructor", LinkName: "五山秘密指导员"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddContact(ctx, w.owner, evaluation.ContactInput{OrgID: w.org.ID, On: "2023-06-01", Kind: "visit", Topic: "五山秘密走访主题"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Appraise(ctx, w.owner, evaluation.AppraisalInput{OrgID: w.org.ID, Year: 2022, AppraisedOn: "2023-01-10",
			Forms: []evaluation.MemberForm{{Member: "张书记", Scores: map[string]int{"service": 20, "participation": 15, "conduct": 20, "cooperation": 20}}}}); err != nil {
			t.Fatal(err)
		}
		tree, err := svc.SaveTree(ctx, do, evaluation.TreeInput{UnitCode: tianhe, Name: "天河秘密评价体系"})
		if err != nil {
			t.Fatal(err)
		}
		scorer := w.a.CreateUser("tianhe-scorer", auth.DistrictOfficer, tianhe, 0)
		r, err := svc.CreateRound(ctx, do, evaluation.RoundInput{TreeID: tree.ID, Name: "天河秘密评价轮次", Year: 2023,
			OrgIDs: []int64{reg.ID}, Scorers: []int64{scorer.ID}})
		if err != nil {
			t.Fatal(err)
		}
		w.IDs["{grade_org}"] = strconv.FormatInt(reg.ID, 10)
		w.IDs["{tree}"] = strconv.FormatInt(tree.ID, 10)
		w.IDs["{round}"] = strconv.FormatInt(r.ID, 10)
	})
	scopeSnapshots = append(scopeSnapshots, func(t *testing.T, w *world) string {
		var nodes, published string
		var frozen int
		w.scan(t, `SELECT nodes, frozen FROM eval_trees WHERE id = $1`, []any{w.IDs["{tree}"]}, &nodes, &frozen)
		w.scan(t, `SELECT published_on FROM eval_rounds WHERE id = $1`, []any{w.IDs["{round}"]}, &published)
		var trees int
		w.scan(t, `SELECT COUNT(*) FROM eval_trees WHERE unit_code = $1`, []any{tianhe}, &trees)
		// an intruder may build a tree of their own district: only Tianhe's count
		return fmt.Sprintf("tree %d %d; published %q; grades %d forms %d contacts %d appraisals %d trees %d rounds %d scores %d",
			len(nodes), frozen, published, w.a.Count("org_grades"), w.a.Count("party_forms"), w.a.Count("party_contacts"),
			w.a.Count("appraisals"), trees, w.a.Count("eval_rounds"), w.a.Count("eval_scores"))
	})
	nf, ok, inv, fb := http.StatusNotFound, http.StatusOK, http.StatusUnprocessableEntity, http.StatusForbidden
	secrets := hides("五山登记评估协会", "五山秘密指导员", "五山秘密走访主题", "天河秘密评价轮次", "五山夕阳红舞蹈队")
	id := func(key string) int64 { n, _ := strconv.ParseInt(ids[key], 10, 64); return n }
	contact := late(func() any {
		return map[string]any{"org_id": id("{org}"), "on": "2023-06-01", "kind": "visit", "topic": "入侵"}
	})
	appraisal := late(func() any {
		return map[string]any{"org_id": id("{org}"), "year": 2023, "forms": []map[string]any{{"member": "入侵者",
			"scores": map[string]int{"service": 1, "participation": 1, "conduct": 1, "cooperation": 1}}}}
	})
	round := late(func() any {
		return map[string]any{"tree_id": id("{tree}"), "name": "入侵轮次", "year": 2023, "org_ids": []int64{id("{org}")}}
	})
	score := map[string]any{"org_id": 1, "scores": map[string]float64{"effect": 5}}
	gradeBody := map[string]any{"grade": "5A", "awarded_on": "2023-06-01", "evaluator": "入侵"}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /grades", path: "/grades", want: ok, check: secrets},
		scopeCase{pattern: "GET /orgs/{id}/grades", path: "/orgs/{grade_org}/grades", want: nf},
		scopeCase{pattern: "POST /orgs/{id}/grades", path: "/orgs/{grade_org}/grades", body: form("grade", "5A", "awarded_on", "2023-06-01", "evaluator", "入侵"), want: nf},
		scopeCase{pattern: "POST /orgs/{id}/party", path: "/orgs/{org}/party", body: form("form", "none"), want: nf},
		scopeCase{pattern: "GET /party", path: "/party", want: ok, check: secrets},
		scopeCase{pattern: "POST /party/contacts", path: "/party/contacts", body: form("org_id", missingID, "on", "2023-06-01", "kind", "visit", "topic", "入侵"), want: inv},
		scopeCase{pattern: "GET /appraisals", path: "/appraisals", want: ok, check: secrets},
		scopeCase{pattern: "POST /appraisals", path: "/appraisals", body: form("org_id", missingID, "year", "2023", "member.1", "入侵者",
			"item.1.service", "1", "item.1.participation", "1", "item.1.conduct", "1", "item.1.cooperation", "1"), want: inv},
		scopeCase{pattern: "GET /evaluation-trees", path: "/evaluation-trees", want: ok},
		scopeCase{pattern: "POST /evaluation-trees", path: "/evaluation-trees", body: form("name", "入侵体系"), want: http.StatusSeeOther, wantStreet: fb},
		scopeCase{pattern: "GET /evaluation-trees/{id}", path: "/evaluation-trees/{tree}", want: nf, wantStreet: ok},
		scopeCase{pattern: "GET /evaluation-rounds", path: "/evaluation-rounds", want: ok, check: secrets},
		scopeCase{pattern: "GET /evaluation-rounds/{id}", path: "/evaluation-rounds/{round}", want: nf},
		scopeCase{pattern: "POST /evaluation-rounds/{id}/scores", path: "/evaluation-rounds/{round}/scores", body: form("org_id", "1", "score.effect", "5"), want: nf},
		scopeCase{pattern: "GET /api/v1/orgs/{id}/grades", path: "/api/v1/orgs/{grade_org}/grades", want: nf},
		scopeCase{pattern: "POST /api/v1/orgs/{id}/grades", path: "/api/v1/orgs/{grade_org}/grades", body: gradeBody, want: nf},
		scopeCase{pattern: "GET /api/v1/grades", path: "/api/v1/grades", want: ok, check: secrets},
		scopeCase{pattern: "GET /api/v1/grades", path: "/api/v1/grades?within=" + wushan, want: nf},
		scopeCase{pattern: "GET /api/v1/orgs/{id}/party", path: "/api/v1/orgs/{org}/party", want: nf},
		scopeCase{pattern: "POST /api/v1/orgs/{id}/party", path: "/api/v1/orgs/{org}/party", body: map[string]any{"form": "none"}, want: nf},
		scopeCase{pattern: "GET /api/v1/party-contacts", path: "/api/v1/party-contacts", want: ok, check: secrets},
		scopeCase{pattern: "GET /api/v1/party-contacts", path: "/api/v1/party-contacts?org_id={org}", want: nf},
		scopeCase{pattern: "POST /api/v1/party-contacts", path: "/api/v1/party-contacts", body: contact, want: nf},
		scopeCase{pattern: "GET /api/v1/party-coverage", path: "/api/v1/party-coverage", want: ok},
		scopeCase{pattern: "GET /api/v1/party-coverage", path: "/api/v1/party-coverage?within=" + wushan, want: nf},
		scopeCase{pattern: "GET /api/v1/appraisals", path: "/api/v1/appraisals", want: ok, check: secrets},
		scopeCase{pattern: "GET /api/v1/appraisals", path: "/api/v1/appraisals?within=" + wushanComm, want: nf},
		scopeCase{pattern: "POST /api/v1/appraisals", path: "/api/v1/appraisals", body: appraisal, want: nf},
		scopeCase{pattern: "GET /api/v1/evaluation-trees", path: "/api/v1/evaluation-trees", want: ok},
		scopeCase{pattern: "POST /api/v1/evaluation-trees", path: "/api/v1/evaluation-trees", body: map[string]any{"unit_code": tianhe, "name": "入侵体系"}, want: inv},
		scopeCase{pattern: "GET /api/v1/evaluation-trees/{id}", path: "/api/v1/evaluation-trees/{tree}", want: nf, wantStreet: ok},
		scopeCase{pattern: "PUT /api/v1/evaluation-trees/{id}", path: "/api/v1/evaluation-trees/{tree}", body: map[string]any{"nodes": []any{}}, want: nf, wantStreet: fb},
		scopeCase{pattern: "GET /api/v1/evaluation-rounds", path: "/api/v1/evaluation-rounds", want: ok, check: secrets},
		scopeCase{pattern: "POST /api/v1/evaluation-rounds", path: "/api/v1/evaluation-rounds", body: round, want: inv, wantStreet: fb},
		scopeCase{pattern: "GET /api/v1/evaluation-rounds/{id}", path: "/api/v1/evaluation-rounds/{round}", want: nf},
		scopeCase{pattern: "POST /api/v1/evaluation-rounds/{id}/scores", path: "/api/v1/evaluation-rounds/{round}/scores", body: score, want: nf},
		scopeCase{pattern: "GET /api/v1/evaluation-rounds/{id}/results", path: "/api/v1/evaluation-rounds/{round}/results", want: nf},
		scopeCase{pattern: "POST /api/v1/evaluation-rounds/{id}/publish", path: "/api/v1/evaluation-rounds/{round}/publish", want: nf},
	)
}
