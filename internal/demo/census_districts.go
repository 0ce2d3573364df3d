package demo

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"linli/internal/census"
	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// censusDistricts runs a census in every other district of the city the
// way 天河 runs its own (censusDemo), through the census room's service: a
// first round, closed, to which the district's first two streets with
// organizations submitted, and a review round, open until a month from
// now, to which the first of them has submitted, so every district officer
// has streets to wait for and every other street has a file to send. 海珠
// runs its rounds with its demonstration account; the other districts'
// officers and streets' clerks have none.
func censusDistricts(ctx context.Context, d *db.DB, geoStore *geo.Store, reg *registry.Service, users *auth.Service,
	plans []*planned, now time.Time) error {
	svc := censusService(d, geoStore, reg, now)
	dir, err := os.MkdirTemp("", "linli-demo-census-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	streetsOf := map[string][]string{} // district → its streets with organizations, by code
	for _, o := range plans {
		if s := streetsOf[o.district]; !slices.Contains(s, o.street) {
			streetsOf[o.district] = append(s, o.street)
		}
	}
	deadline := now.In(clock.China).AddDate(0, 0, 30).Format(time.DateOnly)
	for _, dist := range districts {
		if dist.code == demoDistrict {
			continue // censusDemo
		}
		officer, err := districtOfficer(ctx, geoStore, users, dist.code)
		if err != nil {
			return err
		}
		streets := slices.Sorted(slices.Values(streetsOf[dist.code]))
		var clerks []*auth.User
		for _, code := range streets[:min(2, len(streets))] {
			n, err := geoStore.Get(ctx, code)
			if err != nil {
				return fmt.Errorf("demo: census street %s: %w", code, err)
			}
			clerks = append(clerks, streetClerk(code, n.Name+"办事处"))
		}
		first, err := svc.OpenRound(ctx, officer, census.RoundInput{Title: fmt.Sprintf("%d 年社区社会组织摸底", now.Year()-1), Deadline: deadline})
		if err != nil {
			return fmt.Errorf("demo: census round %s: %w", dist.code, err)
		}
		for _, u := range clerks {
			if err := submitCensus(ctx, svc, dir, first.ID, u); err != nil {
				return err
			}
		}
		if _, err := svc.CloseRound(ctx, officer, first.ID); err != nil {
			return fmt.Errorf("demo: census close %s: %w", dist.code, err)
		}
		review, err := svc.OpenRound(ctx, officer, census.RoundInput{Title: fmt.Sprintf("%d 年社区社会组织复查", now.Year()), Deadline: deadline})
		if err != nil {
			return fmt.Errorf("demo: census round %s: %w", dist.code, err)
		}
		if len(clerks) > 0 {
			if err := submitCensus(ctx, svc, dir, review.ID, clerks[0]); err != nil {
				return err
			}
		}
	}
	return nil
}

// districtOfficer is the district's demonstration account, or an officer
// without one.
func districtOfficer(ctx context.Context, geoStore *geo.Store, users *auth.Service, code string) (*auth.User, error) {
	if code == "440105" {
		u, err := users.UserByName(ctx, "haizhu")
		if err != nil {
			return nil, fmt.Errorf("demo: census: %w", err)
		}
		return u, nil
	}
	n, err := geoStore.Get(ctx, code)
	if err != nil {
		return nil, fmt.Errorf("demo: census district %s: %w", code, err)
	}
	return &auth.User{Username: n.Name + "民政局", DisplayName: n.Name + "民政局", Role: auth.DistrictOfficer, ScopeCode: code}, nil
}
