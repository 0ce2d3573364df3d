package kpi

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"linli/internal/geo"
	"linli/internal/geo/geotest"
	"linli/internal/hub"
	"linli/internal/incubation"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
	"linli/internal/points"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// testClock is a settable clock for the services.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// set moves the clock to 10:00 China time on a day.
func (c *testClock) set(day string) {
	d, err := time.ParseInLocation(time.DateOnly, day, clock.China)
	if err != nil {
		panic(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = d.Add(10 * time.Hour).UTC()
}

// world is a fresh database with the Guangzhou hierarchy, the services on
// one clock, and an account for each role the tests need.
type world struct {
	t        testing.TB
	ctx      context.Context
	db       *db.DB
	clock    *testClock
	geo      *geo.Store
	reg      *registry.Service
	users    *auth.Service
	kpi      *Service
	city     *auth.User
	conghua  *auth.User // district officer of 从化区
	tianhe   *auth.User // district officer of 天河区
	jiekou   *auth.User // street officer of 街口街道, 从化
	auditor  *auth.User
	orgSeq   int
	orgNames map[int64]string
}

const (
	cityCode    = "4401"
	conghuaCode = "440117" // 从化区: 8 streets and towns (plus a reservoir and a forest farm)
	tianheCode  = "440106"
	jiekou      = "440117001" // 街口街道
	jiangpu     = "440117002" // 江埔街道
	wenquan     = "440117103" // 温泉镇
)

func newWorld(t testing.TB) *world {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	c := &testClock{}
	c.set("2021-09-15")
	st := geotest.Load(t, d)
	reg := &registry.Service{DB: d, Geo: st, Now: c.Now}
	users := &auth.Service{DB: d, Now: c.Now, IdleTimeout: time.Hour, AbsTimeout: 12 * time.Hour, Orgs: reg, DivisionExists: st.Exists,
		Hashing: auth.Cheapest()}
	w := &world{t: t, ctx: ctx, db: d, clock: c, geo: st, reg: reg, users: users,
		kpi: &Service{DB: d, Geo: st, Now: c.Now}, orgNames: map[int64]string{}}
	w.city = w.user("city", auth.CityAdmin, cityCode)
	w.conghua = w.user("conghua", auth.DistrictOfficer, conghuaCode)
	w.tianhe = w.user("tianhe", auth.DistrictOfficer, tianheCode)
	w.jiekou = w.user("jiekou", auth.StreetOfficer, jiekou)
	w.auditor = w.user("auditor", auth.Auditor, cityCode)
	return w
}

func (w *world) user(name, role, scope string) *auth.User {
	w.t.Helper()
	return registrytest.User(w.t, w.ctx, w.users, auth.NewUser{Username: name, Role: role, ScopeCode: scope, Password: "correct-horse-9"})
}

// org files an active organization in a community on the clock's day.
func (w *world) org(community string, tier string) *registry.Org {
	w.t.Helper()
	w.orgSeq++
	in := registrytest.ActiveInput("测试组织"+itoa(w.orgSeq), community)
	in.Tier, in.PartyOrg = tier, registry.PartyNone
	o := registrytest.Org(w.t, w.ctx, w.reg, w.city, in)
	w.orgNames[o.ID] = in.Name
	return o
}

// change applies a change to an organization's editable fields on the
// clock's day, as the city.
func (w *world) change(id int64, fn func(in *registry.Input)) {
	w.t.Helper()
	o, err := w.reg.Get(w.ctx, w.city, id)
	if err != nil {
		w.t.Fatal(err)
	}
	in := registry.InputOf(o)
	fn(&in)
	if _, err := w.reg.Update(w.ctx, w.city, id, in); err != nil {
		w.t.Fatalf("update org %d: %v", id, err)
	}
}

func (w *world) transition(id int64, action, reason string) {
	w.t.Helper()
	if _, err := w.reg.Transition(w.ctx, w.city, id, action, reason); err != nil {
		w.t.Fatalf("%s org %d: %v", action, id, err)
	}
}

// base records an incubation base through the incubation service, on the
// clock's day: in a street, or district-level when street is "".
func (w *world) base(name, district, street, opened, closed string) {
	w.t.Helper()
	div := street
	if div == "" {
		div = district
	}
	svc := &incubation.Service{DB: w.db, Geo: w.geo, Orgs: w.reg, Now: w.clock.Now}
	if _, err := svc.Create(w.ctx, w.city, incubation.BaseInput{Name: name, HostType: "party_mass_center",
		DivisionCode: div, Services: []string{"incubation"}, OpenedOn: opened, ClosedOn: closed}); err != nil {
		w.t.Fatalf("base %s: %v", name, err)
	}
}

// worker records a hub's social worker through the hub service.
func (w *world) worker(hubID int64, started string) {
	w.t.Helper()
	svc := &hub.Service{DB: w.db, Reg: w.reg, Now: w.clock.Now}
	if _, err := svc.AddWorker(w.ctx, w.city, hubID, hub.WorkerInput{Name: "李社工", Kind: "full_time", Qualified: true,
		StartedOn: started}); err != nil {
		w.t.Fatalf("worker of hub %d: %v", hubID, err)
	}
}

func (w *world) pilot(community, on string) *Pilot {
	w.t.Helper()
	p, err := w.kpi.Designate(w.ctx, w.city, PilotInput{CommunityCode: community, DesignatedOn: on})
	if err != nil {
		w.t.Fatalf("designate %s: %v", community, err)
	}
	return p
}

// point records a demonstration point of an organization through the
// points service, approved on a day ("" is the clock's day).
func (w *world) point(district string, year int, orgID int64, approved string) int64 {
	w.t.Helper()
	svc := &points.Service{DB: w.db, Geo: w.geo, Orgs: w.reg, Now: w.clock.Now}
	p, err := svc.Create(w.ctx, w.city, points.Input{DistrictCode: district, Year: year, OrgID: orgID,
		Reason: "居民议事成效显著", ApprovedOn: approved, LateReason: "历史资料补录"})
	if err != nil {
		w.t.Fatalf("point %s %d: %v", district, year, err)
	}
	return p.ID
}

// allOrgs is the city's count of organizations by district, due at the
// end of 2023: the indicator most tests read.
var allOrgs = Input{Key: "all_orgs", NameZH: "组织数", Level: LevelDistrict, ScopeCode: cityCode,
	Rule: Rule{Kind: KindCount, Source: SourceOrgs}, Target: 1, Deadline: "2023-12-31"}

// indicators creates indicators as the city.
func (w *world) indicators(ins ...Input) {
	w.t.Helper()
	for _, in := range ins {
		if _, err := w.kpi.Create(w.ctx, w.city, in); err != nil {
			w.t.Fatalf("indicator %s: %v", in.Key, err)
		}
	}
}

func (w *world) eval(u *auth.User, key, unit, asOf string) *Result {
	w.t.Helper()
	r, err := w.kpi.Evaluate(w.ctx, u, key, unit, asOf)
	if err != nil {
		w.t.Fatalf("evaluate %s at %s on %s: %v", key, unit, asOf, err)
	}
	return r
}

func itoa(n int) string { return strconv.Itoa(n) }
