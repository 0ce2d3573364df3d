package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
)

// A city without indicators of its own gets the plan's, once.
func TestCityIndicatorsCopiesThePlan(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	g := &geo.Store{DB: d}
	if _, err := (&geo.Importer{Store: g}).Read(ctx, strings.NewReader("code,name\n31,上海市\n3101,市辖区\n"), nil); err != nil {
		t.Fatal(err)
	}
	s := &kpi.Service{DB: d, Geo: g, Now: time.Now}
	n, err := CityIndicators(ctx, s, "3101")
	if err != nil || n == 0 {
		t.Fatalf("copied %d: %v", n, err)
	}
	admin := &auth.User{Role: auth.CityAdmin, ScopeCode: "3101"}
	inds, err := s.List(ctx, admin, "3101", false)
	if err != nil || len(inds) != n {
		t.Fatalf("the city sees %d indicators, want %d (%v)", len(inds), n, err)
	}
	if again, err := CityIndicators(ctx, s, "3101"); err != nil || again != 0 {
		t.Fatalf("second copy: %d, %v", again, err)
	}
	if gz, err := CityIndicators(ctx, s, geo.GuangzhouCode); err != nil || gz != 0 {
		t.Fatalf("Guangzhou has its own: %d, %v", gz, err)
	}
}
