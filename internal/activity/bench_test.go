package activity_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
	"linli/internal/registry"
)

// BenchmarkCampaign measures the campaign figures of a district and of the
// city, and the first page of a district's activity list, over
// LINLI_BENCH_ACTIVITIES activities (default 100,000) spread over 天河's
// streets and two years. Each op's time is reported; the medians are what
// the note quotes.
func BenchmarkCampaign(b *testing.B) {
	n := dbtest.Size("LINLI_BENCH_ACTIVITIES", 100_000)
	a := apptest.New(b)
	ctx := context.Background()
	officer := a.CreateUser("tianhe", auth.DistrictOfficer, tianhe, 0)
	city := a.CreateUser("city", auth.CityAdmin, "4401", 0)
	comms := dbtest.Strings(b, a.DB, `SELECT code FROM divisions WHERE code LIKE '440106%' AND length(code) = 12 ORDER BY code`)
	var orgs []*registry.Org
	for i := 0; i < 60; i++ {
		orgs = append(orgs, a.ActiveOrg(officer, fmt.Sprintf("天河测试组织%d", i), comms[i%len(comms)]))
	}
	r := rand.New(rand.NewPCG(1, 2))
	t0 := time.Now()
	const batch = 5000
	for done := 0; done < n; done += batch {
		var ins []activity.Input
		var mins []int
		for i := done; i < min(n, done+batch); i++ {
			o := orgs[r.IntN(len(orgs))]
			theme := activity.Themes[r.IntN(len(activity.Themes))]
			start := time.Date(2022, 1, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)).AddDate(0, 0, r.IntN(730))
			benef := r.IntN(30)
			ins = append(ins, activity.Input{OrgIDs: []int64{o.ID}, Title: "活动", Theme: theme, Kind: "service",
				StartsAt: start.Format(time.RFC3339), EndsAt: start.Add(2 * time.Hour).Format(time.RFC3339),
				CommunityCode: o.CommunityCode, TargetGroups: []string{"elderly"}, Participants: benef,
				Beneficiaries: activity.Beneficiaries{Total: benef, ByGroup: map[string]int{"elderly": benef}}})
			mins = append(mins, 60*r.IntN(4))
		}
		if err := a.DB.Tx(ctx, func(tx *sql.Tx) error { return activity.InsertBulk(ctx, a.DB.Dialect, tx, ins, mins, time.Now()) }); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%d activities written in %v on %s", n, time.Since(t0), a.DB.Engine)
	if err := dbtest.Vacuum(ctx, a.DB, "activities", "activity_orgs", "orgs"); err != nil {
		b.Fatal(err)
	}
	svc := a.Activity
	run := func(name string, fn func() error) {
		b.Run(name, func(b *testing.B) {
			var ds dbtest.Latencies
			for b.Loop() {
				var err error
				ds.Time(func() { err = fn() })
				if err != nil {
					b.Fatal(err)
				}
			}
			ds.Report(b)
		})
	}
	run("campaign-district", func() error {
		_, err := svc.Campaign(ctx, officer, "culture", tianhe, "2023-01-01", "2023-12-31")
		return err
	})
	run("campaign-city", func() error {
		_, err := svc.Campaign(ctx, city, "culture", "4401", "2023-01-01", "2023-12-31")
		return err
	})
	run("list-district", func() error {
		_, err := svc.List(ctx, officer, activity.Filter{Within: tianhe})
		return err
	})
	run("list-district-theme-month", func() error {
		_, err := svc.List(ctx, officer, activity.Filter{Within: tianhe, Theme: "safety", From: "2023-03-01", To: "2023-03-31"})
		return err
	})
}
