package evaluation_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/evaluation"
	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
	"linli/internal/registry"
)

// For every role, the organization's grade page shows the award form iff
// the service then accepts the award.
func TestAwardFormAgreesWithService(t *testing.T) {
	a := apptest.New(t)
	so := a.User(auth.StreetOfficer, wushan)
	o := org(t, a, so, "登记的服务中心", authtest.Community, registry.TierRegistered)
	id := strconv.FormatInt(o.ID, 10)
	for _, role := range auth.Roles {
		u := a.CreateUser("", role, authtest.Scope(role), o.ID)
		c := a.As(u)
		page := c.Do("GET", "/orgs/"+id+"/grades", nil)
		shown := page.Status == http.StatusOK && strings.Contains(page.String(), `action="/orgs/`+id+`/grades"`)
		r := c.Do("POST", "/api/v1/orgs/"+id+"/grades", map[string]any{"grade": "3A", "awarded_on": "2023-06-01",
			"evaluator": "评估委员会", "late_reason": "补录"})
		if allowed := r.Status == http.StatusCreated; shown != allowed {
			t.Errorf("%s: the page shows the award form %v, the service answers %d", role, shown, r.Status)
		}
	}
}

// A round's page shows the score form iff the service takes the viewer's
// scores. Bug fixed: an auditor assigned as a scorer was shown the form,
// which the service then refused (403 eval.err.not_scorer).
func TestScoreFormAgreesWithService(t *testing.T) {
	a := apptest.New(t)
	do := a.User(auth.DistrictOfficer, tianhe)
	so := a.User(auth.StreetOfficer, wushan)
	o := org(t, a, so, "评分的组织", authtest.Community, registry.TierCommunity)
	nodes := []evaluation.Node{{Key: "role", Name: "作用发挥", Weight: 1, Children: []evaluation.Node{{Key: "effect", Name: "成效", Weight: 1, Max: 10}}}}
	r := a.As(do).Do("POST", "/api/v1/evaluation-trees", map[string]any{"unit_code": tianhe, "name": "天河区评价体系", "nodes": nodes})
	mustStatus(t, r, http.StatusCreated)
	var tree evaluation.Tree
	r.Decode(&tree)
	scorers := map[string]*auth.User{}
	var ids []int64
	for _, role := range auth.Roles {
		if role == auth.OrgLeader || role == auth.HubStaff {
			continue // tied to organizations: conflicted scorers, refused when the round opens
		}
		scorers[role] = a.CreateUser("", role, authtest.Scope(role), 0)
		ids = append(ids, scorers[role].ID)
	}
	r = a.As(do).Do("POST", "/api/v1/evaluation-rounds", map[string]any{"tree_id": tree.ID, "name": "2023年度评价", "year": 2023,
		"org_ids": []int64{o.ID}, "scorers": ids})
	mustStatus(t, r, http.StatusCreated)
	var rd evaluation.Round
	r.Decode(&rd)
	path := "/evaluation-rounds/" + strconv.FormatInt(rd.ID, 10)
	bystander := a.User(auth.DistrictOfficer, tianhe) // sees the round, is not its scorer
	for who, u := range map[string]*auth.User{"bystander": bystander, auth.CityAdmin: scorers[auth.CityAdmin],
		auth.DistrictOfficer: scorers[auth.DistrictOfficer], auth.StreetOfficer: scorers[auth.StreetOfficer],
		auth.CommunityCommittee: scorers[auth.CommunityCommittee], auth.Auditor: scorers[auth.Auditor]} {
		c := a.As(u)
		page := c.Do("GET", path, nil)
		if page.Status != http.StatusOK {
			t.Fatalf("%s: the round's page answers %d", who, page.Status)
		}
		shown := strings.Contains(page.String(), `action="`+path+`/scores"`)
		s := c.Do("POST", "/api/v1"+path+"/scores", map[string]any{"org_id": o.ID, "scores": map[string]float64{"effect": 5}})
		if allowed := s.Status == http.StatusOK; shown != allowed {
			t.Errorf("%s: the page shows the score form %v, the service answers %d", who, shown, s.Status)
		}
		if who == auth.Auditor && shown {
			t.Errorf("a read-only scorer is shown the score form")
		}
	}
}
