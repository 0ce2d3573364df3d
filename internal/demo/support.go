package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"linli/internal/geo"
	"linli/internal/hub"
	"linli/internal/incubation"
	"linli/internal/ledger"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// The support platforms of the demonstration: incubation bases with their
// rooms, incubated organizations and bookings (platforms.go), the hubs'
// social workers (workers.go) and the hubs' custody of organizations' money
// (custody.go). Like the organizations, every record goes through its
// service on its own date, as the staff concerned, so it is validated and
// audited; the events of all three are played in the order of their dates,
// so the audit log and the ledger's hash chain run forward in time.

// Support tells what the support platforms hold after Load.
type Support struct {
	Bases         int `json:"bases"`
	BaseDistricts int `json:"base_districts"`
	Rooms         int `json:"rooms"`
	Incubated     int `json:"incubated"`
	Graduated     int `json:"graduated"`
	Bookings      int `json:"bookings"`
	Workers       int `json:"social_workers"`
	CustodyHubs   int `json:"custody_hubs"`
	InCustody     int `json:"in_custody"`
	Incomes       int `json:"incomes"`
	Expenses      int `json:"expenses"`
	Pending       int `json:"pending_expenses"`
	Returned      int `json:"returned_expenses"`
	Reversals     int `json:"reversals"`
	Users         int `json:"users"`
	// Elapsed is the time these took, part of the whole Load's.
	Elapsed time.Duration `json:"elapsed"`
	// Accounts are the demonstration accounts added here, for the list.
	Accounts []Account `json:"-"`
}

// event is one dated action of the demonstration.
type event struct {
	at   time.Time
	what string
	do   func(ctx context.Context) error
}

type supporter struct {
	d     *db.DB
	geo   *geo.Store
	reg   *registry.Service
	users *auth.Service
	admin *auth.User
	now   time.Time
	r     *rand.Rand // the plan of the support platforms
	names *planner   // made-up people, on their own stream

	areas    []*area
	plans    []*planned
	filed    map[int64]time.Time // when each organization was filed
	hubSince map[int64]time.Time // when each hub was first designated
	accounts map[string]*auth.User

	demoHub, leaderOrg *planned
	custody            map[int64]*hubTeam // custody hubs by id
	runs               map[int64][]*base  // the bases each hub runs (or will)
	incubated          map[int64]bool     // organizations already incubated

	evs []event
	res *Support
}

// support builds and plays the support platforms' events. It runs after the
// organizations and the demonstration accounts exist.
func support(ctx context.Context, d *db.DB, st *geo.Store, reg *registry.Service, users *auth.Service,
	admin *auth.User, areas []*area, plans []*planned, now time.Time, seed int64) (*Support, error) {
	s := &supporter{d: d, geo: st, reg: reg, users: users, admin: admin, now: now, r: newRand(seed + 3),
		names: &planner{r: newRand(seed + 4)}, areas: areas, plans: plans,
		filed: map[int64]time.Time{}, hubSince: map[int64]time.Time{}, accounts: map[string]*auth.User{},
		custody: map[int64]*hubTeam{}, runs: map[int64][]*base{}, incubated: map[int64]bool{},
		res: &Support{}}
	start := time.Now()
	if err := s.facts(ctx); err != nil {
		return nil, err
	}
	s.planBases()
	s.planCustody() // the bookings and the workers use the custody hubs' staff
	s.planBookings()
	s.planWorkers()
	slices.SortStableFunc(s.evs, func(a, b event) int { return a.at.Compare(b.at) })
	for _, e := range s.evs {
		if err := e.do(ctx); err != nil {
			return nil, fmt.Errorf("demo: %s on %s: %w", e.what, e.at.In(clock.China).Format(time.DateTime), err)
		}
	}
	if t := s.custody[s.demoHub.id]; t != nil && t.finance != nil {
		s.res.Accounts = append(s.res.Accounts, Account{Username: t.finance.Username, Role: t.finance.Role,
			ScopeCode: t.finance.ScopeCode, ScopeName: s.streetOf(demoStreet).name, DisplayName: t.finance.DisplayName,
			OrgID: t.hub.id, OrgName: t.hub.in.Name})
	}
	s.res.Elapsed = time.Since(start)
	return s.res, nil
}

// on schedules an action at a moment; actions at the same moment keep their
// order.
func (s *supporter) on(t time.Time, what string, do func(ctx context.Context) error) {
	s.evs = append(s.evs, event{at: t, what: what, do: do})
}

// facts reads when each organization was filed (its effective date), when
// each hub was designated (from the registry's history), and the
// demonstration accounts.
func (s *supporter) facts(ctx context.Context) error {
	// the filing dates are the organizations' effective dates: entered
	// today, they were filed when the plan says
	for _, o := range s.plans {
		if o.id != 0 {
			s.filed[o.id] = o.filed.UTC()
		}
	}
	rows, err := s.d.Read.QueryContext(ctx, `SELECT org_id, at FROM org_history WHERE field = 'hub' AND value = '1'
		ORDER BY org_id, at`)
	if err != nil {
		return fmt.Errorf("demo: hub dates: %w", err)
	}
	for rows.Next() {
		var id int64
		var t time.Time
		if err := rows.Scan(&id, &t); err != nil {
			rows.Close()
			return err
		}
		if _, ok := s.hubSince[id]; !ok {
			s.hubSince[id] = t.UTC()
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range []string{"tianhe", "street", "community", "hub", "leader"} {
		u, err := s.users.UserByName(ctx, name)
		if err != nil {
			return fmt.Errorf("demo: account %s: %w", name, err)
		}
		s.accounts[name] = u
	}
	for _, o := range s.plans { // the same choice as accounts()
		if s.demoHub == nil && o.in.Hub && o.street == demoStreet {
			s.demoHub = o
		}
		if o.leader {
			s.leaderOrg = o
		}
	}
	if s.demoHub == nil || s.leaderOrg == nil {
		return fmt.Errorf("demo: no hub or leader organization in the demonstration street")
	}
	return nil
}

// The services, with their clocks stopped at a moment.

func fixed(t time.Time) func() time.Time { return func() time.Time { return t } }

func (s *supporter) basesAt(t time.Time) *incubation.Service {
	return &incubation.Service{DB: s.d, Geo: s.geo, Orgs: s.reg, Now: fixed(t)}
}

func (s *supporter) ledgerAt(t time.Time) *ledger.Service {
	return &ledger.Service{DB: s.d, Orgs: s.reg, Now: fixed(t)}
}

func (s *supporter) hubsAt(t time.Time) *hub.Service {
	return &hub.Service{DB: s.d, Reg: s.reg, Custody: s.ledgerAt(t), Now: fixed(t)}
}

func (s *supporter) usersAt(t time.Time) *auth.Service {
	u := s.users
	return &auth.Service{DB: u.DB, Now: fixed(t), IdleTimeout: u.IdleTimeout, AbsTimeout: u.AbsTimeout, Orgs: u.Orgs,
		DivisionExists: u.DivisionExists, Throttle: u.Throttle, Hashing: u.Hashing}
}

// newUser schedules an account's creation by the administrator; the account
// is set in *dst when it exists.
func (s *supporter) newUser(t time.Time, dst **auth.User, nu auth.NewUser) {
	s.on(t, "create account "+nu.Username, func(ctx context.Context) error {
		nu.Password = DemoPassword
		u, err := s.usersAt(t).CreateUser(ctx, nil, nu)
		if err != nil {
			return err
		}
		*dst = u
		s.res.Users++
		return nil
	})
}

// Dates.

// later is a working-hours moment some days after t (strictly after it).
func (s *supporter) later(t time.Time, minDays, maxDays int) time.Time {
	d := t.In(clock.China)
	n := minDays
	if maxDays > minDays {
		n += s.r.IntN(maxDays - minDays + 1)
	}
	out := time.Date(d.Year(), d.Month(), d.Day()+n, 9, 0, 0, 0, clock.China).Add(time.Duration(s.r.IntN(8*60+30)) * time.Minute)
	if !out.After(t) {
		out = t.Add(time.Duration(5+s.r.IntN(55)) * time.Minute)
	}
	return out
}

// past reports whether a moment is before the demonstration's now (with an
// hour to spare).
func (s *supporter) past(t time.Time) bool { return t.Before(s.now.Add(-time.Hour)) }

// orgsOf lists the organizations a prefix holds, in id order, that could be
// served by a base or a hub: active, not hubs, not registered (custody and
// incubation are for the small groups without legal personality).
func (s *supporter) orgsOf(prefix string) []*planned {
	var out []*planned
	for _, o := range s.plans {
		if o.final != registry.StatusActive || o.in.Hub || o.in.Tier == registry.TierRegistered ||
			len(o.in.CommunityCode) < len(prefix) || o.in.CommunityCode[:len(prefix)] != prefix {
			continue
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b *planned) int { return int(a.id - b.id) })
	return out
}

// hubsOf lists the hubs of a district or street, in id order.
func (s *supporter) hubsOf(prefix string) []*planned {
	var out []*planned
	for _, o := range s.plans {
		if o.in.Hub && o.final == registry.StatusActive && len(o.in.CommunityCode) >= len(prefix) &&
			o.in.CommunityCode[:len(prefix)] == prefix {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b *planned) int { return int(a.id - b.id) })
	return out
}
