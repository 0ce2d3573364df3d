package demo

import (
	"context"
	"testing"
	"time"

	"linli/internal/coverage"
	"linli/internal/geo"
	"linli/internal/platform/auth"
)

// checkCoverageGaps: the demonstration shows gaps worth seeing on the
// coverage report (issue 20): districts with empty cells beside covered
// ones, columns covered in some units and not others, communities with no
// organization at all, urban and rural apart, and fewer gaps today than at
// the end of 2021 (the organizations are entered with effective dates).
func checkCoverageGaps(t *testing.T, e *env, now time.Time) {
	ctx := context.Background()
	svc := &coverage.Service{DB: e.db, Geo: e.geo, Now: func() time.Time { return now }}
	admin := &auth.User{ID: 1, Username: "admin", Role: auth.CityAdmin, ScopeCode: geo.GuangzhouCode}
	report := func(q coverage.Query) *coverage.Report {
		t.Helper()
		r, err := svc.Report(ctx, admin, q)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	city := report(coverage.Query{Unit: geo.GuangzhouCode})
	var empty, full, partial int
	for _, col := range city.Columns {
		switch s := city.Covered[col]; {
		case s == 0:
			empty++
		case s >= 1:
			full++
		default:
			partial++
		}
	}
	if partial < 3 {
		t.Errorf("city by target group: %d columns covered in some districts only (covered %v), want at least 3", partial, city.Covered)
	}
	// a district: streets with empty cells, and communities with nothing
	tianhe := report(coverage.Query{Unit: "440106"})
	cells, blanks := 0, 0
	for _, row := range tianhe.Rows {
		for _, n := range row.Cells {
			cells++
			if n == 0 {
				blanks++
			}
		}
	}
	if blanks == 0 || blanks == cells {
		t.Errorf("天河 by target group: %d of %d cells empty, want some and not all", blanks, cells)
	}
	if len(city.Empty) == 0 || len(city.Empty) >= city.Communities {
		t.Errorf("city: %d of %d communities without any organization, want some and not all", len(city.Empty), city.Communities)
	}
	// villages apart: the rural report has units and gaps of its own
	rural := report(coverage.Query{Unit: geo.GuangzhouCode, Area: geo.Rural})
	if len(rural.Rows) == 0 || rural.Total == 0 || len(rural.Empty) == 0 {
		t.Errorf("city, villages only: %d rows, %d organizations, %d empty villages", len(rural.Rows), rural.Total, len(rural.Empty))
	}
	// the gaps close over time
	then := report(coverage.Query{Unit: geo.GuangzhouCode, AsOf: "2021-12-31"})
	if then.Total == 0 || then.Total >= city.Total || len(then.Empty) <= len(city.Empty) {
		t.Errorf("end of 2021: %d organizations, %d empty communities; today %d, %d: want fewer organizations and more gaps then",
			then.Total, len(then.Empty), city.Total, len(city.Empty))
	}
	t.Logf("coverage: %d of %d communities empty today (%d at the end of 2021); columns: %d empty, %d partial, %d full; 天河 %d of %d cells empty",
		len(city.Empty), city.Communities, len(then.Empty), empty, partial, full, blanks, cells)
}
