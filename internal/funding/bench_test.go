package funding_test

import (
	"context"
	"fmt"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/funding"
	"linli/internal/ledger"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// BenchmarkRanking computes the ranking of a call with 2,000 submitted
// applications scored by 9 reviewers on 3 criteria, with a bonus rule (so
// every applicant's party organization and custody are read), through the
// service as GET /api/v1/calls/{id}/ranking does.
//
//	go test ./internal/funding/ -run '^$' -bench Ranking -benchtime 10x -count 5
func BenchmarkRanking(b *testing.B) {
	a := apptest.New(b)
	ctx := context.Background()
	officer := a.CreateUser("bench-officer", auth.DistrictOfficer, tianhe, 0)
	svc := &funding.Service{DB: a.DB, Orgs: a.Registry, Custody: &ledger.Service{DB: a.DB, Orgs: a.Registry, Now: a.Clock.Now},
		Users: a.Auth, Geo: a.Geo, Now: a.Clock.Now}
	c, err := svc.CreateCall(ctx, officer, funding.CallInput{Title: "两千份申报", Channel: funding.ChannelVenture, UnitCode: tianhe,
		BudgetFen: 100_000_000, Eligibility: funding.Eligibility{CustodyRequired: true}, OpensOn: "2023-06-01", ClosesOn: "2023-06-30",
		Criteria: []funding.Criterion{{Key: "need", Name: "需求", Weight: 40, Max: 10}, {Key: "design", Name: "设计", Weight: 30, Max: 10},
			{Key: "capacity", Name: "能力", Weight: 30, Max: 20}},
		Bonus: []funding.Bonus{{Rule: funding.RuleParty, Points: 2}}, TieBreaks: []string{funding.RuleWellRun, funding.RuleRequestLow}})
	if err != nil {
		b.Fatal(err)
	}
	street := a.CreateUser("bench-street", auth.StreetOfficer, wushan, 0)
	var apps []int64
	for i := range 2000 {
		in := apptest.ActiveInput(fmt.Sprintf("申报组织%04d", i), wushanComm)
		in.Tier = registry.TierRegistered
		first := fmt.Sprintf("52440106MJ%07d", i)
		in.CreditCode = first + string(registry.CreditCheckDigit(first))
		if i%3 == 0 {
			in.PartyOrg = registry.PartyJoint
		}
		o := a.CreateOrg(street, in)
		leader := &auth.User{ID: officer.ID, Username: "bench", Role: auth.OrgLeader, ScopeCode: wushanComm, OrgID: o.ID}
		app, err := svc.Apply(ctx, leader, c.ID, funding.ApplicationInput{OrgID: o.ID, Title: "项目", RequestFen: 100_000,
			Budget: []funding.BudgetLine{{Item: "物资", AmountFen: 100_000}}})
		if err == nil {
			_, err = svc.Submit(ctx, leader, app.ID)
		}
		if err != nil {
			b.Fatal(err)
		}
		apps = append(apps, app.ID)
	}
	tx, err := a.DB.Write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i, id := range apps {
		for rv := range 9 {
			for k, key := range []string{"need", "design", "capacity"} {
				if _, err := tx.ExecContext(ctx, `INSERT INTO fund_scores (call_id, application_id, reviewer_id, criterion, score, scored_at)
					VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, id, int64(1000+rv), key, (i*7+rv*3+k)%10, a.Clock.Now()); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		r, err := svc.Ranking(ctx, officer, c.ID)
		if err != nil || len(r) != 2000 {
			b.Fatalf("%v, %d ranked", err, len(r))
		}
	}
}
