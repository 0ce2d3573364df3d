package demo

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
	"linli/internal/registry"
)

type env struct {
	db    *db.DB
	geo   *geo.Store
	reg   *registry.Service
	users *auth.Service
}

func newEnv(t *testing.T) *env {
	d := dbtest.Open(t)
	st := &geo.Store{DB: d}
	reg := &registry.Service{DB: d, Geo: st, Now: time.Now}
	users := &auth.Service{DB: d, Now: time.Now, IdleTimeout: time.Hour, AbsTimeout: 12 * time.Hour,
		Orgs: reg, DivisionExists: st.Exists, Hashing: auth.Cheapest()}
	return &env{d, st, reg, users}
}

func TestLoad(t *testing.T) {
	t.Parallel() // each demonstration load test has its own database
	ctx := context.Background()
	e := newEnv(t)
	start := time.Now()
	now := time.Now()
	res, err := Load(ctx, e.db, e.geo, e.reg, e.users, now, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d organizations in %v on %s: %v, %d hubs, %d brands",
		res.Orgs, res.Elapsed, e.db.Engine, res.ByStatus, res.Hubs, res.Brands)

	t.Run("activities", func(t *testing.T) { checkActivities(t, e.db) })
	t.Run("census rounds in every district", func(t *testing.T) { checkCensus(t, e, res.Accounts) })
	t.Run("entered today with effective dates", func(t *testing.T) { checkEffective(t, e.db, start) })
	t.Run("evaluation", func(t *testing.T) { checkEvaluation(t, e.db) })
	t.Run("coverage shows gaps", func(t *testing.T) { checkCoverageGaps(t, e, now) })
	t.Run("about 2000 organizations", func(t *testing.T) {
		var n int
		if err := e.db.Read.QueryRow(`SELECT COUNT(*) FROM orgs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != res.Orgs || n < 1900 || n > 2100 {
			t.Fatalf("%d organizations in the database, result says %d", n, res.Orgs)
		}
		for _, st := range registry.Statuses {
			if res.ByStatus[st] == 0 {
				t.Errorf("no %s organizations", st)
			}
		}
		if res.ByStatus[registry.StatusActive] < n*3/4 {
			t.Errorf("only %d of %d active", res.ByStatus[registry.StatusActive], n)
		}
	})

	t.Run("every district has organizations", func(t *testing.T) {
		per := map[string]int{}
		rows, err := e.db.Read.Query(`SELECT district_code, COUNT(*) FROM orgs GROUP BY district_code`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			var n int
			rows.Scan(&c, &n)
			per[c] = n
		}
		for _, d := range districts {
			if per[d.code] < 60 {
				t.Errorf("district %s has %d organizations", d.code, per[d.code])
			}
		}
		if per["440111"] <= per["440117"] {
			t.Errorf("白云 (%d) should have more than 从化 (%d)", per["440111"], per["440117"])
		}
	})

	t.Run("rural villages have organizations", func(t *testing.T) {
		var rural int
		rows, err := e.db.Read.Query(`SELECT community_code FROM orgs`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			rows.Scan(&c)
			if geo.KindOf(c) == geo.Rural {
				rural++
			}
		}
		if rural < 50 {
			t.Fatalf("%d organizations in rural villages", rural)
		}
	})

	t.Run("hub and brand targets are met in some districts only", func(t *testing.T) {
		cover := hubCoverage(t, e.db)
		brands := countBy(t, e.db, `SELECT district_code, COUNT(*) FROM orgs WHERE brand = 1 GROUP BY district_code`)
		var hubMet, hubMissed, brandMet, brandMissed int
		for _, d := range districts {
			if cover[d.code] >= 0.8 {
				hubMet++
			} else {
				hubMissed++
			}
			if brands[d.code] >= 3 {
				brandMet++
			} else {
				brandMissed++
			}
		}
		if hubMet == 0 || hubMissed == 0 || brandMet == 0 || brandMissed == 0 {
			t.Fatalf("hub coverage %v; brands %v", cover, brands)
		}
	})

	t.Run("registered organizations have valid credit codes", func(t *testing.T) {
		codes := dbtest.Strings(t, e.db, `SELECT COALESCE(credit_code, '') FROM orgs WHERE tier = 'registered'`)
		for _, c := range codes {
			if !registry.ValidCreditCode(c) {
				t.Errorf("invalid credit code %q", c)
			}
		}
		n := len(codes)
		if n < res.Orgs/20 || n > res.Orgs/7 {
			t.Errorf("%d registered of %d", n, res.Orgs)
		}
	})

	accounts := map[string]*auth.User{}
	t.Run("accounts can sign in", func(t *testing.T) {
		roles := map[string]bool{}
		for _, a := range res.Accounts {
			if auth.RequiresTOTP(a.Role) != (a.TOTPSecret != "") {
				t.Errorf("%s (%s): second-factor secret %q", a.Username, a.Role, a.TOTPSecret)
			}
			u, _, err := e.users.Login(ctx, a.Username, DemoPassword, "127.0.0.1", "test")
			if a.TOTPSecret != "" {
				if !auth.IsTOTPRequired(err) {
					t.Fatalf("%s: without the code: %v, want the code asked for", a.Username, err)
				}
				u, _, err = e.users.SignIn(ctx, auth.Credentials{Username: a.Username, Password: DemoPassword,
					TOTP: auth.TOTPCode(a.TOTPSecret, e.users.Now()), IP: "127.0.0.1", UA: "test"})
			}
			if err != nil {
				t.Fatalf("%s: %v", a.Username, err)
			}
			if u.Role != a.Role || u.ScopeCode != a.ScopeCode || u.OrgID != a.OrgID {
				t.Errorf("%s: signed in as %+v, listed as %+v", a.Username, u, a)
			}
			roles[a.Role] = true
			accounts[a.Username] = u
		}
		for _, r := range auth.Roles {
			if !roles[r] {
				t.Errorf("no %s account", r)
			}
		}
		for _, name := range []string{"admin", "tianhe", "haizhu", "hub", "leader", "auditor"} {
			if accounts[name] == nil {
				t.Errorf("no account %q", name)
			}
		}
	})

	t.Run("leader sees its organization with the phone", func(t *testing.T) {
		l := accounts["leader"]
		if l == nil {
			t.Skip("no leader")
		}
		o, err := e.reg.Get(ctx, l, l.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		if o.PhoneMasked || o.DistrictCode != demoDistrict || o.Status != registry.StatusActive {
			t.Fatalf("leader's org %+v", o)
		}
		p, err := e.reg.List(ctx, l, registry.Filter{})
		if err != nil || p.Total != 1 {
			t.Fatalf("leader lists %v, %v", p, err)
		}
	})

	t.Run("hub account belongs to an active hub in its street", func(t *testing.T) {
		h := accounts["hub"]
		if h == nil {
			t.Skip("no hub")
		}
		o, err := e.reg.Get(ctx, accounts["admin"], h.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		if !o.Hub || o.Status != registry.StatusActive || o.StreetCode != h.ScopeCode {
			t.Fatalf("hub org %+v for %+v", o, h)
		}
	})

	t.Run("second load is skipped", func(t *testing.T) {
		again, err := Load(ctx, e.db, e.geo, e.reg, e.users, time.Now(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Skipped {
			t.Fatalf("second load: %+v", again)
		}
	})

	t.Run("audit chain verifies", func(t *testing.T) {
		n, prob, err := audit.Verify(ctx, e.db.Read)
		if err != nil || prob != nil {
			t.Fatalf("verify: %v %v", prob, err)
		}
		if n < int64(res.Orgs) {
			t.Fatalf("%d audit rows for %d organizations", n, res.Orgs)
		}
	})
}

func hubCoverage(t *testing.T, d *db.DB) map[string]float64 {
	t.Helper()
	streets := countBy(t, d, `SELECT substr(code, 1, 6), COUNT(*) FROM divisions WHERE level = 4 GROUP BY substr(code, 1, 6)`)
	with := countBy(t, d, `SELECT district_code, COUNT(DISTINCT street_code) FROM orgs
		WHERE hub = 1 AND status = 'active' GROUP BY district_code`)
	out := map[string]float64{}
	for c, n := range streets {
		out[c] = float64(with[c]) / float64(n)
	}
	return out
}

func countBy(t *testing.T, d *db.DB, q string) map[string]int {
	t.Helper()
	rows, err := d.Read.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	if err := db.Pairs(rows, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPlanIsDeterministic(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := (&geo.Importer{Store: e.geo}).LoadGuangzhou(ctx); err != nil {
		t.Fatal(err)
	}
	areas, err := hierarchy(ctx, e.geo)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	run := func(seed int64) []registry.Input {
		p := &planner{r: newRand(seed), now: now, names: map[string]bool{}, credits: map[string]bool{}}
		p.plan(areas)
		out := make([]registry.Input, len(p.plans))
		for i, o := range p.plans {
			out[i] = o.in
		}
		return out
	}
	a, b, c := run(7), run(7), run(8)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different plans")
	}
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds, same plan")
	}
}

func TestCommunityLabel(t *testing.T) {
	cases := []struct {
		name, label string
		rural       bool
	}{
		{"育蕾社区居委会", "育蕾社区", false},
		{"水荫西社区居民委员会", "水荫西社区", false},
		{"体育村社区居委会", "体育村社区", false},
		{"南漖社区居委会会", "南漖社区", false},
		{"港头村委会", "港头村", true},
		{"坦头村民委员会", "坦头村", true},
		{"石马村村委会", "石马村", true},
		{"海傍农场生活区", "海傍农场生活区", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if l, r := communityLabel(c.name); l != c.label || r != c.rural {
				t.Fatalf("got %q %v, want %q %v", l, r, c.label, c.rural)
			}
		})
	}
}

// TestLoadAtAnyMoment files nothing before its founding date, whatever the
// clock says (the planner and the timeline both depend on now).
func TestLoadAtAnyMoment(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC),
		time.Date(2023, 6, 20, 15, 30, 0, 0, time.UTC),
		time.Date(2023, 9, 1, 23, 59, 0, 0, time.UTC),
	} {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			res, err := Load(context.Background(), e.db, e.geo, e.reg, e.users, now, 2021)
			if err != nil {
				t.Fatal(err)
			}
			if res.Orgs < 1900 {
				t.Fatalf("loaded %d organizations", res.Orgs)
			}
		})
	}
}

// checkEffective: the organizations' history is entered during the load, as
// a district starting on linli today would enter it, never with a backdated
// clock; what took effect more than 30 days before it was entered is a late
// entry with its reason; and the effective dates reach back into the plan's
// years, so the dashboards of 2021–2023 have something to show.
func checkEffective(t *testing.T, d *db.DB, start time.Time) {
	rows, err := d.Read.Query(`SELECT field, value, at, entered_at, late_reason FROM org_history`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byYear := map[string]map[int]int{} // field → effective year → rows
	var n, late int
	for rows.Next() {
		var field, value, reason string
		var at time.Time
		var entered sql.NullTime
		if err := rows.Scan(&field, &value, &at, &entered, &reason); err != nil {
			t.Fatal(err)
		}
		n++
		if !entered.Valid || entered.Time.Before(start.Add(-time.Second)) {
			t.Fatalf("%s effective %v entered %v, before the load began at %v", field, at, entered.Time, start)
		}
		if entered.Time.Sub(at) > 30*24*time.Hour {
			late++
			if reason == "" {
				t.Fatalf("%s effective %v entered %v: a late entry without a reason", field, at, entered.Time)
			}
		}
		if byYear[field] == nil {
			byYear[field] = map[int]int{}
		}
		if value != "0" && value != "" {
			byYear[field][at.In(clock.China).Year()]++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if late < n/2 {
		t.Errorf("%d of %d history rows are late entries", late, n)
	}
	for _, field := range []string{"status", "hub"} {
		for _, y := range []int{2021, 2022, 2023} {
			if byYear[field][y] == 0 {
				t.Errorf("no %s in effect from %d: %v", field, y, byYear[field])
			}
		}
	}
	if byYear["brand"][2022]+byYear["brand"][2023] == 0 {
		t.Errorf("no brand designated in 2022–2023: %v", byYear["brand"])
	}
}

// checkCensus: every district has run a closed round and has one open;
// every demonstration district officer, street officer and the community
// committee has census work waiting on the home page.
func checkCensus(t *testing.T, e *env, accounts []Account) {
	ctx := context.Background()
	open := countBy(t, e.db, `SELECT district_code, COUNT(*) FROM census_rounds WHERE status = 'open' GROUP BY district_code`)
	closed := countBy(t, e.db, `SELECT district_code, COUNT(*) FROM census_rounds WHERE status = 'closed' GROUP BY district_code`)
	subs := countBy(t, e.db, `SELECT r.district_code, COUNT(*) FROM census_submissions s JOIN census_rounds r ON r.id = s.round_id GROUP BY r.district_code`)
	for _, d := range districts {
		if open[d.code] != 1 || closed[d.code] != 1 || subs[d.code] < 2 {
			t.Errorf("district %s: %d open, %d closed rounds, %d submissions", d.code, open[d.code], closed[d.code], subs[d.code])
		}
	}
	svc := censusService(e.db, e.geo, e.reg, time.Now())
	for _, a := range accounts {
		switch a.Role {
		case auth.DistrictOfficer, auth.StreetOfficer, auth.CommunityCommittee:
		default:
			continue
		}
		u, err := e.users.UserByName(ctx, a.Username)
		if err != nil {
			t.Fatal(err)
		}
		if n, _, err := svc.CensusCounts(ctx, u); err != nil || n == 0 {
			t.Errorf("%s (%s) has no census work: %d %v", a.Username, a.Role, n, err)
		}
	}
}
