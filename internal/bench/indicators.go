package bench

import (
	"context"
	"fmt"

	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
)

// CityIndicators gives the measured city the plan's indicators when none
// applies to it: the product ships Guangzhou's (scope 4401), and at
// national scale the measured city is another, whose dashboard would
// otherwise evaluate nothing. Each city sets its own indicators as data;
// the bench copies Guangzhou's through the indicators service, as that
// city's administrator would, without the list of Guangzhou districts some
// rules are judged in. It returns the number copied (kpi's
// BenchmarkNationalUnits calls it too).
func CityIndicators(ctx context.Context, s *kpi.Service, city string) (int, error) {
	if s == nil || city == geo.GuangzhouCode {
		return 0, nil
	}
	admin := &auth.User{Role: auth.CityAdmin, ScopeCode: city, Username: "bench"}
	have, err := s.List(ctx, admin, city, false)
	if err != nil || len(have) > 0 {
		return 0, err
	}
	gz := &auth.User{Role: auth.CityAdmin, ScopeCode: geo.GuangzhouCode, Username: "bench"}
	src, err := s.List(ctx, gz, geo.GuangzhouCode, false)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ind := range src {
		if ind.ScopeCode != geo.GuangzhouCode {
			continue
		}
		in := kpi.InputOf(ind)
		in.Key, in.ScopeCode, in.Rule.Units = fmt.Sprintf("%s_%s", ind.Key, city), city, nil
		if _, err := s.Create(ctx, admin, in); err != nil {
			return n, fmt.Errorf("copy indicator %s to %s: %w", ind.Key, city, err)
		}
		n++
	}
	return n, nil
}
