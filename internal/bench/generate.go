package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"strconv"
	"time"

	"linli/internal/demo/catalog"
	"linli/internal/platform/db"
	"linli/internal/platform/weighted"
	"linli/internal/registry"
)

var (
	orgCols = []string{"id", "name", "name_key", "tier", "types_mask", "groups_mask", "community_code", "street_code",
		"district_code", "credit_code", "address", "founded_on", "members", "leader_name", "leader_phone", "party_org",
		"party_instructor", "hub", "brand", "demonstration_year", "volunteer_mark", "status", "return_reason",
		"created_by", "created_at", "updated_at", "version", "leader_phone_hash"}
	historyCols = []string{"id", "org_id", "field", "old_value", "value", "reason", "at", "user_id", "username"}
)

// event is one dated change in an organization's history.
type event struct {
	field, old, value, reason string
	at                        time.Time
}

// gorg is a generated organization.
type gorg struct {
	id                   int64
	name, tier           string
	types, groups        int64
	comm                 community
	credit               any
	address, founded     string
	members              int
	leader, phone        string
	party, instructor    string
	hub, brand, vm       bool
	demo                 int
	status, returnReason string
	created              time.Time
	events               []event
}

// generator writes a deterministic dataset straight into the tables.
type generator struct {
	d      *db.DB
	r      *rand.Rand
	win    window
	sink   sink
	nextID int64
	histID int64
	ds     *Dataset
	orgs   []*gorg
	// uncommitted counts the organizations written since the last checkpoint.
	uncommitted int
	x           extras
	// acts are the chunk's activities, drawn from ar (a stream of its own,
	// so that the organizations stay those of the seed).
	acts activityRows
	ar   *rand.Rand
	// noActs: the organizations only (Config.NoActivities).
	noActs bool
	// cr draws how many organizations each community holds and which
	// streets have a hub: a stream of its own, so that what the kinds of
	// organization (kinds) are never moves the counts.
	cr    *rand.Rand
	kinds kinds
}

// kinds is what the generator draws organizations' kinds from: the one
// catalogue (package catalog, the demonstration's), or another in a test.
type kinds struct{ ordinary, hubs []catalog.Kind }

const chunkOrgs = 20_000

// generate creates about n organizations over the hierarchy in the database.
func generate(ctx context.Context, d *db.DB, seed uint64, n int, now time.Time, ds *Dataset, acts bool, ks kinds) error {
	// The soft memory limit (--memory-limit) is for serving. Generation
	// holds a chunk's rows as it writes them, and under a 100 MiB limit the
	// collector took 40% of the CPU; the limit returns before measuring.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	h, err := readHierarchy(ctx, d)
	if err != nil {
		return err
	}
	if h.ncomms == 0 {
		return fmt.Errorf("no communities in the hierarchy")
	}
	ds.Communities, ds.Streets, ds.Districts = h.ncomms, len(h.streets), len(h.districts)
	s, err := newSink(ctx, d)
	if err != nil {
		return err
	}
	defer s.close()
	g := &generator{d: d, r: rand.New(rand.NewPCG(seed, 0x11e1)), ar: rand.New(rand.NewPCG(seed, 0xac71)), cr: rand.New(rand.NewPCG(seed, 0xc0c0)),
		win: newWindow(now), sink: s, ds: ds, noActs: !acts, kinds: ks}
	weights(g.r, h)
	perWeight := float64(n) / totalWeight(h)
	for _, dist := range h.districts {
		if err := g.district(ctx, h, dist, perWeight); err != nil {
			return err
		}
		if len(g.orgs) >= chunkOrgs {
			if err := g.flush(ctx); err != nil {
				return err
			}
		}
	}
	if err := g.flush(ctx); err != nil {
		return err
	}
	if err := s.checkpoint(ctx); err != nil {
		return err
	}
	return fixSequences(ctx, d, "orgs", "org_history", "hub_members", "ledger_accounts", "hub_workers", "bases", "pilots",
		"activities", "volunteers", "volunteer_hours")
}

// weights gives each community a share of the organizations: urban
// communities hold more than villages, with wide variation.
func weights(r *rand.Rand, h *hierarchy) {
	for _, dist := range h.districts {
		cs := h.comms[dist.code]
		for i := range cs {
			base := 1.0
			if cs[i].kind == "urban" {
				base = 2.7
			}
			cs[i].w = base * (0.3 + 1.4*r.Float64())
		}
	}
}

func totalWeight(h *hierarchy) float64 {
	t := 0.0
	for _, cs := range h.comms {
		for _, c := range cs {
			t += c.w
		}
	}
	return t
}

// district generates one district's organizations: hubs for most streets,
// ordinary organizations in every community, then a few brand
// organizations and demonstration points among the active ones.
func (g *generator) district(ctx context.Context, h *hierarchy, dist place, perWeight float64) error {
	cs := h.comms[dist.code]
	if len(cs) == 0 {
		return nil
	}
	first := len(g.orgs)
	names := map[string]bool{}
	street := ""
	for _, c := range cs {
		if c.code[:9] != street {
			street = c.code[:9]
			if g.cr.Float64() < 0.8 {
				g.hub(dist, h.streets[street], cs, street, names)
			}
		}
		k := int(c.w*perWeight + g.cr.Float64())
		for i := 0; i < k; i++ {
			g.ordinary(dist, c, names)
		}
	}
	g.districtFlags(g.orgs[first:])
	g.custody(g.orgs[first:])
	g.places(dist, cs)
	if !g.noActs {
		g.activities(g.orgs[first:])
	}
	return nil
}

func (g *generator) claim(names map[string]bool, code, name string) bool {
	key := code + "|" + registry.NameKey(name)
	if names[key] {
		return false
	}
	names[key] = true
	return true
}

func (g *generator) newOrg(c community, k *catalog.Kind, name, tier, status string) *gorg {
	g.nextID++
	r := g.r
	o := &gorg{id: g.nextID, name: name, tier: tier, comm: c, status: status,
		types: db.Mask(registry.Types, k.Types), groups: db.Mask(registry.TargetGroups, k.Groups)}
	if r.IntN(4) == 0 { // a group often serves more than its kind says
		o.groups |= 1 << r.IntN(len(registry.TargetGroups))
	}
	o.created = g.win.at(r, g.win.from, g.win.to.AddDate(0, -1, 0))
	o.founded = o.created.AddDate(-r.IntN(9), -r.IntN(12), -r.IntN(28)).Format(time.DateOnly)
	o.members = 5 + r.IntN(30) + r.IntN(30)*r.IntN(6)
	o.leader, o.phone = person(r), phone(r)
	o.address = c.label + weighted.Pick(r, []string{"党群服务中心", "文化活动室", "长者饭堂", "综合服务站", "居民活动中心"}, []int{4, 3, 1, 2, 2})
	o.party = weighted.Pick(r, registry.PartyOrgs, []int{5, 25, 70})
	if tier == registry.TierRegistered {
		o.party = weighted.Pick(r, registry.PartyOrgs, []int{30, 40, 30})
		cc := "51" + c.code[:6] + fmt.Sprintf("%09d", o.id)
		o.credit = cc + string(registry.CreditCheckDigit(cc))
		g.ds.Registered++
	}
	if o.party != registry.PartyNone {
		o.instructor = person(r)
	}
	g.orgs = append(g.orgs, o)
	return o
}

// hub designates the street's hub organization, housed in an urban
// community where there is one.
func (g *generator) hub(dist place, streetName string, cs []community, street string, names map[string]bool) {
	var home *community
	for i := range cs {
		if cs[i].code[:9] == street && (home == nil || (home.kind != "urban" && cs[i].kind == "urban")) {
			home = &cs[i]
		}
	}
	if home == nil {
		return
	}
	k := catalog.Pick(g.r, g.kinds.hubs, catalog.Place{}) // every hub kind suits every place
	tier, name := registry.TierStreet, stem(streetName)+k.Name
	if g.r.Float64() < 0.35 {
		tier, name = registry.TierRegistered, dist.name+name
	}
	if !g.claim(names, home.code, name) {
		return
	}
	o := g.newOrg(*home, &k, name, tier, registry.StatusActive)
	o.created = g.win.at(g.r, g.win.from, day(2021, 9, 1))
	o.hub = true
	g.ds.Hubs++
}

var statusWeights = []int{8, 3, 85, 3, 1} // pending, returned, active, suspended, deregistered

// ordinary generates one organization of a community.
func (g *generator) ordinary(dist place, c community, names map[string]bool) {
	r := g.r
	tier := weighted.Pick(r, registry.Tiers, []int{8, 30, 62})
	k := catalog.Pick(r, g.kinds.ordinary, catalog.Place{District: dist.code, Rural: c.kind == "rural", Registered: tier == registry.TierRegistered})
	base := c.label + k.Name
	if tier == registry.TierRegistered {
		base = dist.name + base
	}
	name := base
	for i := 2; !g.claim(names, c.code, name); i++ {
		name = c.label + "第" + strconv.Itoa(i) + k.Name
		if tier == registry.TierRegistered {
			name = dist.name + name
		}
	}
	o := g.newOrg(c, &k, name, tier, weighted.Pick(r, registry.Statuses, statusWeights))
	if o.status == registry.StatusReturned {
		o.returnReason = "请补充负责人身份信息和活动场所证明"
	}
	if o.types&(1<<5) != 0 && o.status == registry.StatusActive && r.IntN(5) < 2 {
		o.vm = true
	}
}

// districtFlags picks the district's brand organizations (0–5, about 3)
// and its demonstration points (one in most years of 2022 and 2023).
func (g *generator) districtFlags(orgs []*gorg) {
	var active []*gorg
	for _, o := range orgs {
		if o.status == registry.StatusActive && !o.hub {
			active = append(active, o)
		}
	}
	if len(active) == 0 {
		return
	}
	brands := weighted.Pick(g.r, []int{0, 1, 2, 3, 4, 5}, []int{1, 2, 3, 5, 3, 1})
	for range min(brands, len(active)) {
		o := active[g.r.IntN(len(active))]
		if !o.brand {
			o.brand = true
			g.ds.Brands++
		}
	}
	for _, y := range []int{2022, 2023} {
		var old []*gorg // created before the year began
		for _, o := range active {
			if o.created.Year() < y {
				old = append(old, o)
			}
		}
		if len(old) > 0 && g.r.Float64() < 0.7 {
			o := old[g.r.IntN(len(old))]
			if o.demo == 0 {
				o.demo = y
				g.ds.Demos++
			}
		}
	}
}
