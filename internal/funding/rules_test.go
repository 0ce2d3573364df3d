package funding

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/registry"
)

func TestConflicted(t *testing.T) {
	for _, c := range []struct {
		name string
		r    ReviewerFacts
		hub  int64
		want bool
	}{
		{"unrelated", ReviewerFacts{UserID: 1}, 0, false},
		{"same organization", ReviewerFacts{UserID: 1, OrgID: 7}, 0, true},
		{"hub holding its money", ReviewerFacts{UserID: 1, OrgID: 9}, 9, true},
		{"another hub", ReviewerFacts{UserID: 1, OrgID: 9}, 8, false},
		{"declared", ReviewerFacts{UserID: 1, Declared: true}, 0, true},
	} {
		if got := conflicted(c.r, 7, c.hub); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}

func TestIneligibleListsEveryReason(t *testing.T) {
	e := Eligibility{Tiers: []string{registry.TierRegistered}, Statuses: []string{registry.StatusActive},
		PartyOrgRequired: true, CustodyRequired: true, PairingRequired: true}
	got := ineligible(e, OrgFacts{Tier: registry.TierCommunity, Status: registry.StatusPending, PartyOrg: registry.PartyNone})
	if len(got) != 5 {
		t.Fatalf("reasons %v", got)
	}
	if r := ineligible(e, OrgFacts{Tier: registry.TierRegistered, Status: registry.StatusActive, PartyOrg: registry.PartyJoint,
		HasPairing: true}); len(r) != 0 {
		t.Fatalf("a registered organization needs no custody: %v", r)
	}
}

func TestPlanAwardsDepartures(t *testing.T) {
	apps := map[int64]*Application{}
	for i := int64(1); i <= 4; i++ {
		apps[i] = &Application{ID: i, Status: AppSubmitted, ApplicationInput: ApplicationInput{RequestFen: 100}}
	}
	ranking := []Ranked{{ApplicationID: 1, Rank: 1}, {ApplicationID: 2, Rank: 2}, {ApplicationID: 3, Rank: 3}}
	// in rank order: no reason needed
	if _, f := planAwards(300, 0, apps, nil, ranking, []AwardInput{{ApplicationID: 1, AmountFen: 100}, {ApplicationID: 2, AmountFen: 100}}); len(f) > 0 {
		t.Fatalf("in order: %v", f)
	}
	// the third over the second, and an unranked one: reasons required
	p, f := planAwards(300, 0, apps, nil, ranking, []AwardInput{{ApplicationID: 1, AmountFen: 100}, {ApplicationID: 3, AmountFen: 100}})
	if len(f) == 0 {
		t.Fatalf("a departure without a reason: %+v", p)
	}
	p, f = planAwards(300, 0, apps, nil, ranking, []AwardInput{{ApplicationID: 1, AmountFen: 100},
		{ApplicationID: 3, AmountFen: 100, Reason: "r"}, {ApplicationID: 4, AmountFen: 100, Reason: "unranked"}})
	if len(f) > 0 || p[0].Departure || !p[1].Departure || !p[2].Departure {
		t.Fatalf("departures %+v %v", p, f)
	}
	// over the budget, over the request, twice
	for _, in := range [][]AwardInput{
		{{ApplicationID: 1, AmountFen: 100}, {ApplicationID: 2, AmountFen: 100}, {ApplicationID: 3, AmountFen: 100}, {ApplicationID: 4, AmountFen: 1, Reason: "x"}},
		{{ApplicationID: 1, AmountFen: 101}},
		{{ApplicationID: 1, AmountFen: 50}, {ApplicationID: 1, AmountFen: 50}},
	} {
		if _, f := planAwards(300, 0, apps, nil, ranking, in); len(f) == 0 {
			t.Errorf("accepted %+v", in)
		}
	}
}

func TestBudgetMustAddUp(t *testing.T) {
	in := ApplicationInput{OrgID: 1, Title: "t", RequestFen: 300, Budget: []BudgetLine{{Item: "a", AmountFen: 100}, {Item: "b", AmountFen: 199}}}
	if f := validateApplication(&in); f["budget"].Key != "err.fund.budget_sum" {
		t.Fatalf("fields %v", f)
	}
	in.Budget[1].AmountFen = 200
	if f := validateApplication(&in); len(f) > 0 {
		t.Fatalf("fields %v", f)
	}
}

func TestWhoOpensCalls(t *testing.T) {
	street := &auth.User{Role: auth.StreetOfficer, ScopeCode: "440106001"}
	if !canOpenCall(street, "440106001", ChannelMicro) || canOpenCall(street, "440106001", ChannelVenture) ||
		canOpenCall(street, "440106", ChannelMicro) {
		t.Error("a street opens only its own micro-venture")
	}
	district := &auth.User{Role: auth.DistrictOfficer, ScopeCode: "440106"}
	if !canOpenCall(district, "440106", ChannelGovernment) || canOpenCall(district, "440105", ChannelGovernment) {
		t.Error("a district opens calls in its own place")
	}
	if canOpenCall(&auth.User{Role: auth.Auditor, ScopeCode: "4401"}, "440106", ChannelVenture) {
		t.Error("an auditor opens a call")
	}
	if !canSeeCall(&auth.User{Role: auth.OrgLeader, ScopeCode: "440106001001"}, &CallInput{UnitCode: "440106"}) ||
		canSeeCall(&auth.User{Role: auth.OrgLeader, ScopeCode: "440105001001"}, &CallInput{UnitCode: "440106"}) {
		t.Error("a call is seen inside its place only")
	}
}

func TestRankTieBreaks(t *testing.T) {
	c := &CallInput{Criteria: []Criterion{{Key: "a", Weight: 1, Max: 10}}, Bonus: []Bonus{{Rule: RuleParty, Points: 1}},
		TieBreaks: []string{RuleWellRun, RuleRequestLow}}
	entries := []Entry{
		{ApplicationID: 1, RequestFen: 500, Facts: OrgFacts{Tier: registry.TierCommunity, Status: registry.StatusActive}},
		{ApplicationID: 2, RequestFen: 400, Facts: OrgFacts{Tier: registry.TierCommunity, Status: registry.StatusActive}},
		{ApplicationID: 3, RequestFen: 900, Facts: OrgFacts{Tier: registry.TierRegistered, Status: registry.StatusActive}},
		{ApplicationID: 4, RequestFen: 900, Facts: OrgFacts{Tier: registry.TierCommunity, Status: registry.StatusActive, PartyOrg: registry.PartyJoint}},
	}
	// two reviewers: 1–3 average 8 (80), 4 averages 7 (70) plus 1 bonus point
	sums := []ScoreSum{{1, "a", 16, 2}, {2, "a", 16, 2}, {3, "a", 16, 2}, {4, "a", 14, 2}}
	r := rank(c, entries, sums)
	var order []int64
	for _, x := range r {
		order = append(order, x.ApplicationID)
	}
	// 3 is well managed (registered); 2 asks less than 1; 4 scores 71
	if want := []int64{3, 2, 1, 4}; len(order) != 4 || order[0] != want[0] || order[1] != want[1] || order[2] != want[2] || order[3] != want[3] {
		t.Fatalf("order %v, want %v (%+v)", order, want, r)
	}
	if r[3].Score != 71 || r[0].Score != 80 {
		t.Fatalf("scores %+v", r)
	}
}
