package app_test

import (
	"net/url"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// TestHomeTasks: each role's home page and GET /api/v1/me/tasks show the
// filings waiting for that role's decision, counted as the records say; a
// committee sees only the community-tier ones it decides on; a leader whose
// filing was returned is told to resubmit.
func TestHomeTasks(t *testing.T) {
	a := apptest.New(t)
	const street, community, other = "440106001", "440106001001", "440106002008"
	leader := a.User(auth.CommunityCommittee, community)
	streetOfficer := a.User(auth.StreetOfficer, street)
	committee := a.User(auth.CommunityCommittee, community)
	for i, name := range []string{"甲舞蹈队", "乙合唱团", "丙志愿队"} {
		in := apptest.OrgInput(name, community)
		if i == 2 {
			in.Tier = registry.TierStreet
		}
		a.CreateOrg(leader, in)
	}
	a.CreateOrg(a.User(auth.CommunityCommittee, other), apptest.OrgInput("丁读书会", other))
	count := func(where string) int {
		var n int
		if err := a.DB.Read.QueryRow(`SELECT COUNT(*) FROM orgs WHERE status = 'pending' AND ` + where).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tasks := func(u *auth.User) map[string]int {
		var out struct {
			Items []struct {
				Key, Label, Link string
				Count            int
			}
		}
		r := a.As(u).Do("GET", "/api/v1/me/tasks", nil)
		if r.Status != 200 {
			t.Fatalf("tasks: %d %s", r.Status, r.String())
		}
		r.Decode(&out)
		m := map[string]int{}
		for _, it := range out.Items {
			if it.Label == "" || it.Link == "" {
				t.Errorf("task %s without label or link", it.Key)
			}
			m[it.Key] = it.Count
		}
		return m
	}
	if got, want := tasks(streetOfficer)["orgs.pending"], count("street_code = '"+street+"'"); got != want || want != 3 {
		t.Errorf("street officer: %d pending filings, records say %d (want 3)", got, want)
	}
	if got, want := tasks(committee)["orgs.pending"], count("community_code = '"+community+"' AND tier = 'community'"); got != want || want != 2 {
		t.Errorf("committee: %d pending filings, records say %d (want 2)", got, want)
	}
	page := a.As(streetOfficer).Do("GET", "/", nil)
	if page.Status != 200 || !strings.Contains(page.String(), `data-task="orgs.pending"`) || !strings.Contains(page.String(), "待审核的组织备案") {
		t.Errorf("home page lacks the pending filings task: %d", page.Status)
	}
	if n := len(tasks(a.User(auth.Auditor, "4401"))); n != 0 {
		t.Errorf("auditor has %d tasks, want none", n)
	}
}

// TestListSearchRanksByDefault: the list page's form sends an empty sort,
// and a search word then orders by relevance (the exact name first), not by
// the newest filing; an explicit sort still wins.
func TestListSearchRanksByDefault(t *testing.T) {
	a := apptest.New(t)
	const community = "440106001001"
	c := a.User(auth.CommunityCommittee, community)
	a.CreateOrg(c, apptest.OrgInput("邻里互助", community))
	a.CreateOrg(c, apptest.OrgInput("阳光邻里互助队", community))
	order := func(sort string) bool {
		r := a.As(c).Do("GET", "/orgs?q="+url.QueryEscape("邻里互助")+"&sort="+sort, nil)
		body := r.String()
		exact, other := strings.Index(body, ">邻里互助<"), strings.Index(body, ">阳光邻里互助队<")
		if r.Status != 200 || exact < 0 || other < 0 {
			t.Fatalf("sort %q: %d, names at %d and %d", sort, r.Status, exact, other)
		}
		return exact < other
	}
	if !order("") {
		t.Error("a search with the default sort does not put the exact name first")
	}
	if order("newest") {
		t.Error("sort=newest puts the older exact name first")
	}
}
