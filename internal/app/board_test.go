package app_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
	"linli/internal/registry"
)

// TestHomeBoardEveryRole: for an account of every role, the home board's
// tasks (GET /api/v1/me/tasks: keys, counts and links) equal counts made
// independently through each room's own lists, with the plan's rules
// written out here: pending filings (a community committee decides the
// community tier, the street and above every tier), a leader's returned
// filing, major-activity reports awaiting the acknowledging level, and the
// census rounds waiting on a street. The board itself holds no rule: each
// room counts by its own.
func TestHomeBoardEveryRole(t *testing.T) {
	a := apptest.New(t)
	const community, other = authtest.Community, "440106002008"
	street, district := community[:9], community[:6]
	do := a.CreateUser("board-district", auth.DistrictOfficer, district, 0)
	st := a.CreateUser("board-street", auth.StreetOfficer, street, 0)
	cc := a.CreateUser("board-committee", auth.CommunityCommittee, community, 0)
	filed := func(by *auth.User, name, where, tier string) *registry.Org {
		in := apptest.OrgInput(name, where)
		in.Tier = tier
		return a.CreateOrg(by, in)
	}
	filed(cc, "甲舞蹈队", community, registry.TierCommunity)
	filed(cc, "乙合唱团", community, registry.TierCommunity)
	filed(st, "丙志愿队", community, registry.TierStreet)
	filed(a.User(auth.CommunityCommittee, other), "丁读书会", other, registry.TierCommunity)
	back := filed(cc, "戊书画社", community, registry.TierCommunity)
	if r := a.As(st).Do("POST", "/api/v1/orgs/"+strconv.FormatInt(back.ID, 10)+"/transitions",
		map[string]any{"action": "return", "reason": "请补充负责人联系方式"}); r.Status != http.StatusOK {
		t.Fatalf("return: %d %s", r.Status, r.Body)
	}
	// two major activities reported, one acknowledged by the committee
	// (a community-tier host), one by the street
	for i, tier := range []string{registry.TierCommunity, registry.TierStreet} {
		in := apptest.ActiveInput(fmt.Sprintf("活跃组织%d", i), community)
		in.Tier = tier
		host := a.CreateOrg(do, in)
		var act activity.Activity
		a.As(st).Do("POST", "/api/v1/activities", activity.Input{OrgIDs: []int64{host.ID}, Title: fmt.Sprintf("广场文艺汇演%d", i),
			Theme: "culture", Kind: "performance", Fields: activity.ThemeFields["culture"][:1],
			StartsAt: "2023-05-02T19:00:00+08:00", EndsAt: "2023-05-02T21:00:00+08:00", CommunityCode: community,
			TargetGroups: []string{"elderly"}, Participants: 300,
			Beneficiaries: activity.Beneficiaries{Total: 100, ByGroup: map[string]int{"elderly": 100}}}).Expect(http.StatusCreated).Decode(&act)
		if !act.Major {
			t.Fatalf("a 300-participant performance is not major")
		}
		a.As(st).Do("POST", "/api/v1/major-reports", map[string]any{"activity_id": act.ID}).Expect(http.StatusCreated)
	}
	a.As(do).Do("POST", "/api/v1/census/rounds", map[string]any{"title": "年度摸底", "deadline": "2099-12-31"}).Expect(http.StatusCreated)
	var streets int
	if err := a.DB.Read.QueryRow(`SELECT COUNT(*) FROM divisions WHERE code LIKE $1 AND length(code) = 9`, district+"%").Scan(&streets); err != nil {
		t.Fatal(err)
	}

	for _, role := range auth.Roles {
		org := int64(0)
		if role == auth.OrgLeader {
			org = back.ID
		}
		u := a.CreateUser("", role, authtest.Scope(role), org)
		c := a.As(u)
		want := map[string]int{}
		links := map[string]string{}
		// filings: the organizations list, filtered by the tiers the role decides
		decides := map[string]func(tier string) bool{
			auth.CityAdmin: func(string) bool { return true }, auth.DistrictOfficer: func(string) bool { return true },
			auth.StreetOfficer: func(string) bool { return true }, auth.CommunityCommittee: func(t string) bool { return t == registry.TierCommunity },
		}[role]
		if decides != nil {
			var p registry.Page
			c.Do("GET", "/api/v1/orgs?status=pending&per_page=100", nil).Expect(http.StatusOK).Decode(&p)
			for _, o := range p.Items {
				if decides(o.Tier) {
					want["orgs.pending"]++
				}
			}
			links["orgs.pending"] = "/orgs?status=pending"
			if role == auth.CommunityCommittee {
				links["orgs.pending"] += "&tier=community"
			}
		}
		if role == auth.OrgLeader {
			var o registry.Org
			c.Do("GET", "/api/v1/orgs/"+strconv.FormatInt(back.ID, 10), nil).Expect(http.StatusOK).Decode(&o)
			if o.Status == registry.StatusReturned {
				want["orgs.returned"] = 1
			}
			links["orgs.returned"] = "/orgs/" + strconv.FormatInt(back.ID, 10)
		}
		// major-activity reports: the reports list, those at the role's level and place
		var reps struct{ Items []activity.Report }
		if r := c.Do("GET", "/api/v1/major-reports?status=pending", nil); r.Status == http.StatusOK {
			r.Decode(&reps)
		}
		for _, r := range reps.Items {
			if role == auth.StreetOfficer && r.AckLevel == activity.LevelStreet && r.StreetCode == u.ScopeCode ||
				role == auth.CommunityCommittee && r.AckLevel == activity.LevelCommunity && r.CommunityCode == u.ScopeCode {
				want["major_reports.pending"]++
			}
		}
		links["major_reports.pending"] = "/major-reports"
		// census: the open round waits on the street (checked first by its
		// committees), and on every street of the district for its office
		switch role {
		case auth.StreetOfficer:
			want["census.due"], links["census.due"] = 1, "/census"
		case auth.CommunityCommittee:
			want["census.check"], links["census.check"] = 1, "/orgs"
		case auth.DistrictOfficer:
			want["census.due"], links["census.due"] = streets, "/census"
		}
		for k, n := range want {
			if n == 0 {
				delete(want, k)
			}
		}

		var out struct {
			Items []struct {
				Key, Label, Link string
				Count            int
			}
		}
		r := c.Do("GET", "/api/v1/me/tasks", nil)
		if r.Status != http.StatusOK {
			// the roles kept out of the officers' routes (the security
			// administrator, a resident) have no board, and no work here
			if len(want) > 0 || (role != auth.SecurityAdmin && role != auth.Resident) {
				t.Errorf("%s: the board answers %d, the rooms' lists %v", role, r.Status, want)
			}
			continue
		}
		r.Decode(&out)
		got := map[string]int{}
		for _, it := range out.Items {
			got[it.Key] = it.Count
			if it.Link != links[it.Key] || it.Label == "" {
				t.Errorf("%s: task %s links %q (label %q), want %q", role, it.Key, it.Link, it.Label, links[it.Key])
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: the board says %v, the rooms' lists %v", role, got, want)
		}
	}
}
