// Package demo fills an empty database with a believable, entirely
// fictional picture of Guangzhou's community social organizations, and one
// account for each role, so the product can be shown and tried. Everything
// goes through the services, so every row is validated and audited as if
// staff had entered it.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// DemoPassword is the password of every demonstration account.
const DemoPassword = "linli-demo-2021"

// Account is a demonstration account, for the server to print.
type Account struct {
	Username    string `json:"username"`
	Role        string `json:"role"`
	ScopeCode   string `json:"scope_code"`
	ScopeName   string `json:"scope_name"`
	DisplayName string `json:"display_name"`
	OrgID       int64  `json:"org_id,omitempty"`
	OrgName     string `json:"org_name,omitempty"`
	// TOTPSecret is the second-factor secret of a role that requires one
	// (a demonstration secret: auth.KnownSecret).
	TOTPSecret string `json:"totp_secret,omitempty"`
}

// Result tells what Load did.
type Result struct {
	// Skipped is true when the database already held organizations and
	// Load changed nothing.
	Skipped   bool           `json:"skipped"`
	Divisions int            `json:"divisions"` // division rows written
	Orgs      int            `json:"orgs"`
	ByStatus  map[string]int `json:"by_status"`
	Hubs      int            `json:"hubs"`
	Brands    int            `json:"brands"`
	Accounts  []Account      `json:"accounts"`
	Password  string         `json:"password"`
	Elapsed   time.Duration  `json:"elapsed"`
	// Support is the incubation bases, hub social workers and custody.
	Support *Support `json:"support,omitempty"`
}

// Load fills an empty database: the Guangzhou hierarchy, about 2,000
// organizations across the 11 districts, the demonstration accounts, and the
// incubation bases, hub social workers and custody ledgers (support.go).
// The same seed gives the same data. now bounds the founding dates and
// demonstration years; pass the services' clock. If the database already has
// organizations, Load does nothing and returns Skipped.
func Load(ctx context.Context, d *db.DB, geoStore *geo.Store, reg *registry.Service, users *auth.Service,
	now time.Time, seed int64) (*Result, error) {
	start := time.Now()
	var n int
	if err := d.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM orgs LIMIT 1) x`).Scan(&n); err != nil {
		return nil, fmt.Errorf("demo: count orgs: %w", err)
	}
	if n > 0 {
		return &Result{Skipped: true}, nil
	}
	res := &Result{ByStatus: map[string]int{}, Password: DemoPassword}
	gr, err := (&geo.Importer{Store: geoStore}).LoadGuangzhou(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	res.Divisions = gr.Written
	areas, err := hierarchy(ctx, geoStore)
	if err != nil {
		return nil, err
	}
	admin, err := users.CreateUser(ctx, nil, auth.NewUser{Username: "admin", DisplayName: "市民政局管理员",
		Role: auth.CityAdmin, ScopeCode: geo.GuangzhouCode, Password: DemoPassword})
	if err != nil {
		return nil, fmt.Errorf("demo: create admin: %w", err)
	}
	p := &planner{r: newRand(seed), now: now.UTC(),
		names: map[string]bool{}, credits: map[string]bool{}}
	p.plan(areas)
	times := newRand(seed + 1) // a separate stream, so dating events leaves the plan unchanged
	for _, o := range p.plans {
		var t timeline
		t.plan(times, o, p.now)
		if err := create(ctx, reg, admin, o, t); err != nil {
			return nil, err
		}
		res.Orgs++
		res.ByStatus[o.final]++
		if o.in.Hub {
			res.Hubs++
		}
		if o.in.Brand {
			res.Brands++
		}
	}
	if err := pilots(ctx, d, geoStore, admin, p.now, seed); err != nil {
		return nil, err
	}
	if err := coverageKPIs(ctx, d, geoStore, admin, p.now); err != nil {
		return nil, err
	}
	if err := demoPoints(ctx, d, geoStore, reg, admin, p.plans, p.now); err != nil {
		return nil, err
	}
	if err := trainings(ctx, d, geoStore, reg, admin, areas, p.now, seed); err != nil {
		return nil, err
	}
	res.Accounts, err = accounts(ctx, geoStore, users, admin, p.plans)
	if err != nil {
		return nil, err
	}
	if res.Support, err = support(ctx, d, geoStore, reg, users, admin, areas, p.plans, p.now, seed); err != nil {
		return nil, err
	}
	res.Accounts = append(res.Accounts, res.Support.Accounts...)
	if err := enrolDemo(ctx, users, res.Accounts); err != nil {
		return nil, err
	}
	if err := activities(ctx, d, geoStore, reg, users, admin, p.plans, p.now, seed); err != nil {
		return nil, err
	}
	if err := fundingDemo(ctx, d, geoStore, reg, users, admin, p.plans, p.now, seed); err != nil {
		return nil, err
	}
	if err := governanceDemo(ctx, d, geoStore, p.plans, p.now, seed); err != nil {
		return nil, err
	}
	if err := evaluationDemo(ctx, d, geoStore, reg, users, admin, p.plans, p.now, seed); err != nil {
		return nil, err
	}
	if err := portalDemo(ctx, d, geoStore, reg, p.now); err != nil {
		return nil, err
	}
	if err := censusDemo(ctx, d, geoStore, reg, users, p.now); err != nil {
		return nil, err
	}
	if err := censusDistricts(ctx, d, geoStore, reg, users, p.plans, p.now); err != nil {
		return nil, err
	}
	if err := civicDemo(ctx, d, geoStore, reg, users, admin, p.now, res); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// newRand is the generator for a seed: a PCG, so the data is the same on
// every platform and Go release.
func newRand(seed int64) *rand.Rand {
	u := uint64(seed)
	return rand.New(rand.NewPCG(u, u^0x9e3779b97f4a7c15))
}
