package governance_test

import (
	"context"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/demo"
	"linli/internal/governance"
	"linli/internal/platform/auth"
)

// The demonstration's governance: a few hundred charters (adopted,
// amended, drafts), overdue terms, reports late and returned; every
// report's activity figures equal a count of the activities table.
func TestDemoGovernance(t *testing.T) {
	a := apptest.New(t)
	ctx := context.Background()
	start := time.Now()
	if _, err := demo.Load(ctx, a.DB, a.Geo, a.Registry, a.Auth, a.Clock.Now(), 2021); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo loaded in %s", time.Since(start).Round(time.Millisecond))
	count := func(q string, args ...any) int {
		var n int
		if err := a.DB.Read.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	orgs := count(`SELECT COUNT(DISTINCT org_id) FROM charters`)
	if orgs < 150 || orgs > 600 {
		t.Errorf("charters for %d organizations", orgs)
	}
	for _, s := range []string{"draft", "adopted", "superseded"} {
		if n := count(`SELECT COUNT(*) FROM charters WHERE status = $1`, s); n == 0 {
			t.Errorf("no %s charter", s)
		}
	}
	if n := count(`SELECT COUNT(*) FROM charters WHERE meeting_on > $1`, governance.Day(a.Clock.Now())); n != 0 {
		t.Errorf("%d charters adopted in the future", n)
	}
	for _, s := range []string{"received", "returned"} {
		if n := count(`SELECT COUNT(*) FROM work_reports WHERE status = $1`, s); n == 0 {
			t.Errorf("no %s report", s)
		}
	}
	if n := count(`SELECT COUNT(*) FROM work_reports WHERE first_submitted_on > due_on`); n == 0 {
		t.Error("no late report")
	}
	bad := count(`SELECT COUNT(*) FROM work_reports r WHERE r.activities <> (SELECT COUNT(*) FROM activities x
		WHERE x.org_id = r.org_id AND x.starts_on >= r.period_start AND x.starts_on <= r.period_end AND x.status <> 'refused')`)
	if bad != 0 || count(`SELECT COUNT(*) FROM work_reports WHERE activities > 0`) == 0 {
		t.Errorf("%d reports whose figures differ from the activities", bad)
	}
	city := &auth.User{Role: auth.CityAdmin, ScopeCode: "4401"}
	svc := &governance.Service{DB: a.DB, Orgs: a.Registry, Geo: a.Geo, Now: a.Clock.Now}
	ov, err := svc.OverdueTerms(ctx, city)
	if err != nil || len(ov) == 0 {
		t.Errorf("overdue terms: %d %v", len(ov), err)
	}
	// the demonstration accounts see their governance work
	community, err := a.Auth.UserByName(ctx, "community")
	if err != nil {
		t.Fatal(err)
	}
	l, err := svc.Reports(ctx, community, 2022, "")
	if err != nil || len(l.Items) == 0 {
		t.Errorf("the demonstration committee has no reports for 2022: %v", err)
	}
}
