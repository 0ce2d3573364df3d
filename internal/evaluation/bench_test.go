package evaluation_test

import (
	"context"
	"fmt"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/evaluation"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// benchWorld is 600 active organizations in 五山's communities, a third
// with a party organization from the registry, a sixth with an instructor
// (party_forms) and half with two contacts in 2023.
func benchWorld(b *testing.B) (*apptest.App, *evaluation.Service, *auth.User, []int64) {
	a := apptest.New(b)
	ctx := context.Background()
	admin := a.User(auth.CityAdmin, city)
	so := a.User(auth.StreetOfficer, wushan)
	for _, in := range evaluation.Indicators() {
		if _, err := a.KPI.Create(ctx, admin, in); err != nil {
			b.Fatal(err)
		}
	}
	var ids []int64
	for i := range 600 {
		in := apptest.ActiveInput(fmt.Sprintf("基准组织%04d", i), fmt.Sprintf("440106001%03d", 1+i%8))
		in.EffectiveOn, in.LateReason = "2021-01-01", "补录"
		if i%3 == 0 {
			in.PartyOrg = registry.PartyJoint
		}
		ids = append(ids, a.CreateOrg(so, in).ID)
	}
	tx, err := a.DB.Write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i, id := range ids {
		if i%6 == 1 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO party_forms (org_id, form, link_name, effective_on, created_at)
				VALUES ($1, 'instructor', '指导员', '2022-03-01', $2)`, id, a.Clock.Now()); err != nil {
				b.Fatal(err)
			}
		}
		if i%2 == 0 {
			for _, d := range []string{"2023-03-01", "2023-05-20"} {
				if _, err := tx.ExecContext(ctx, `INSERT INTO party_contacts (org_id, contact_on, kind, topic, community_code, district_code, created_at)
					VALUES ($1, $2, 'visit', '走访', $3, '440106', $4)`, id, d, fmt.Sprintf("440106001%03d", 1+i%8), a.Clock.Now()); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	svc := &evaluation.Service{DB: a.DB, Orgs: a.Registry, Users: a.Auth, Geo: a.Geo, Now: a.Clock.Now}
	return a, svc, admin, ids
}

// BenchmarkPartyCoverage: the party-building page's figures for the
// district (600 organizations) today and at a past date, and the
// party_coverage indicator at the district on that date (uncached).
//
//	go test ./internal/evaluation/ -run '^$' -bench PartyCoverage -benchtime 20x -count 3
func BenchmarkPartyCoverage(b *testing.B) {
	a, svc, admin, _ := benchWorld(b)
	ctx := context.Background()
	a.KPI.NoCache(true)
	for _, day := range []string{"", "2022-12-31"} {
		b.Run("page "+day, func(b *testing.B) {
			for b.Loop() {
				c, err := svc.Coverage(ctx, admin, tianhe, day)
				if err != nil || c.Total.Active != 600 {
					b.Fatalf("%v %+v", err, c)
				}
			}
		})
	}
	b.Run("indicator 2022-12-31", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.KPI.Evaluate(ctx, admin, "party_coverage", tianhe, "2022-12-31"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRoundResults: a 2023 round over the 600 organizations with the
// default tree (automatic leaves filled in at creation), one scorer's
// manual scores, then the ranked results.
//
//	go test ./internal/evaluation/ -run '^$' -bench RoundResults -benchtime 20x -count 3
func BenchmarkRoundResults(b *testing.B) {
	a, svc, admin, ids := benchWorld(b)
	ctx := context.Background()
	do := a.User(auth.DistrictOfficer, tianhe)
	tree, err := svc.SaveTree(ctx, do, evaluation.TreeInput{UnitCode: tianhe, Name: "基准体系"})
	if err != nil {
		b.Fatal(err)
	}
	r, err := svc.CreateRound(ctx, do, evaluation.RoundInput{TreeID: tree.ID, Name: "基准轮次", Year: 2023, OrgIDs: ids, Scorers: []int64{do.ID}})
	if err != nil {
		b.Fatal(err)
	}
	for i, id := range ids {
		if _, err := svc.Score(ctx, do, r.ID, evaluation.ScoreInput{OrgID: id, Scores: map[string]float64{"effect": float64(i % 11),
			"charter": 5, "reports": 6}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := svc.Results(ctx, admin, r.ID)
		if err != nil || len(res) != 600 {
			b.Fatalf("%v %d", err, len(res))
		}
	}
}
