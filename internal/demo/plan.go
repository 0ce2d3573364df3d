package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"linli/internal/demo/catalog"
	"linli/internal/geo"
	"linli/internal/registry"
)

// targetOrgs is roughly how many organizations the demonstration holds.
const targetOrgs = 2000

// The places the demonstration accounts are scoped to: 天河南街道 and its
// first community, and 猎德街道 next door.
const (
	demoDistrict  = "440106"
	demoStreet    = "440106008"
	otherStreet   = "440106013"
	demoCommunity = "440106008007"
)

// community is a community or village with the label its groups are named by
// ("育蕾社区", "港头村").
type community struct {
	code, name, label string
	rural             bool
}

type street struct {
	code, name, stem string
	comms            []community
}

type area struct {
	district
	name    string
	streets []*street
}

// planned is one organization to create and the status it should end in.
type planned struct {
	in       registry.Input
	final    string
	reason   string
	district string
	street   string
	leader   bool // the demonstration org_leader's organization
	id       int64
	filed    time.Time // when it was filed: its effective date (set by create)
}

type planner struct {
	r       *rand.Rand
	now     time.Time
	names   map[string]bool // community code + name key
	credits map[string]bool
	plans   []*planned
}

// hierarchy reads the districts, streets and communities of Guangzhou.
func hierarchy(ctx context.Context, st *geo.Store) ([]*area, error) {
	var out []*area
	for _, d := range districts {
		n, err := st.Get(ctx, d.code)
		if err != nil {
			return nil, fmt.Errorf("demo: district %s: %w", d.code, err)
		}
		a := &area{district: d, name: n.Name}
		streets, err := st.Children(ctx, d.code)
		if err != nil {
			return nil, err
		}
		for _, s := range streets {
			comms, err := st.Children(ctx, s.Code)
			if err != nil {
				return nil, err
			}
			str := &street{code: s.Code, name: s.Name, stem: streetStem(s.Name)}
			for _, c := range comms {
				if geo.KindOf(c.Code) == geo.Other {
					continue // farms and reservoirs: no residents' groups
				}
				label, rural := communityLabel(c.Name)
				str.comms = append(str.comms, community{code: c.Code, name: c.Name, label: label,
					rural: rural || geo.KindOf(c.Code) == geo.Rural})
			}
			if len(str.comms) > 0 {
				a.streets = append(a.streets, str)
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// streetStem shortens "天河南街道" to "天河南街"; towns keep their name.
func streetStem(name string) string {
	if s, ok := strings.CutSuffix(name, "街道"); ok {
		return s + "街"
	}
	return name
}

// communityLabel strips the committee suffix from a community's name:
// "育蕾社区居委会" → "育蕾社区", "坦头村民委员会" → "坦头村", "港头村委会" → "港头村".
func communityLabel(name string) (string, bool) {
	cut, rural := len(name), false
	for _, m := range []struct {
		s     string
		rural bool
	}{{"社区", false}, {"居委", false}, {"居民委员会", false}, {"村民委员会", true}, {"村委", true}} {
		if i := strings.Index(name, m.s); i > 0 && i < cut {
			cut, rural = i, m.rural
		}
	}
	stem := name[:cut]
	switch {
	case cut == len(name):
		return name, false
	case !rural:
		return stem + "社区", false
	case strings.HasSuffix(stem, "村"):
		return stem, true
	}
	return stem + "村", true
}

// plan builds every organization for every district, deterministically.
func (p *planner) plan(areas []*area) {
	var pop float64
	for _, a := range areas {
		pop += a.population
	}
	const floor = 60
	spare := float64(targetOrgs - floor*len(areas))
	for _, a := range areas {
		start := len(p.plans)
		total := floor + int(math.Round(spare*a.population/pop))
		p.hubs(a)
		for n := len(p.plans) - start; n < total; n = len(p.plans) - start {
			st := a.streets[p.r.IntN(len(a.streets))]
			p.add(p.org(a, st, p.pickCommunity(st), "", ""))
		}
		if a.code == demoDistrict {
			p.demoCommunityOrgs(a)
		}
		p.flags(a, p.plans[start:])
	}
	p.r.Shuffle(len(p.plans), func(i, j int) { p.plans[i], p.plans[j] = p.plans[j], p.plans[i] })
}

func (p *planner) add(o *planned) {
	if o != nil {
		p.plans = append(p.plans, o)
	}
}

// pickCommunity picks a community of the street, villages a little less
// often than urban communities.
func (p *planner) pickCommunity(st *street) community {
	for {
		c := st.comms[p.r.IntN(len(st.comms))]
		if !c.rural || p.r.Float64() < 0.7 {
			return c
		}
	}
}

// hubs designates one or two hub organizations in a share of the district's
// streets (always in the demonstration street).
func (p *planner) hubs(a *area) {
	k := min(len(a.streets), int(math.Ceil(a.hubShare*float64(len(a.streets)))))
	chosen := p.r.Perm(len(a.streets))[:k]
	with := map[string]bool{}
	for _, i := range chosen {
		with[a.streets[i].code] = true
	}
	if a.code == demoDistrict && !with[demoStreet] && k > 0 {
		delete(with, a.streets[chosen[0]].code)
		with[demoStreet] = true
	}
	for _, st := range a.streets {
		if !with[st.code] {
			continue
		}
		n := 1
		if p.r.Float64() < 0.25 {
			n = 2
		}
		for _, ki := range p.r.Perm(len(catalog.HubKinds))[:n] {
			p.add(p.hub(a, st, catalog.HubKinds[ki]))
		}
	}
}

// demoCommunityOrgs gives the demonstration community a handful more
// organizations, the first of them the org_leader account's.
func (p *planner) demoCommunityOrgs(a *area) {
	for _, st := range a.streets {
		if st.code != demoStreet {
			continue
		}
		for _, c := range st.comms {
			if c.code != demoCommunity {
				continue
			}
			if o := p.org(a, st, c, registry.TierCommunity, registry.StatusActive); o != nil {
				o.leader = true
				p.add(o)
			}
			for range 5 {
				p.add(p.org(a, st, c, "", ""))
			}
		}
	}
}

// flags marks brand organizations and demonstration points among the
// district's active organizations.
func (p *planner) flags(a *area, ps []*planned) {
	var strong, active []*planned
	for _, o := range ps {
		if o.final != registry.StatusActive {
			continue
		}
		active = append(active, o)
		if o.in.Tier != registry.TierCommunity {
			strong = append(strong, o)
		}
	}
	for i, j := range p.r.Perm(len(strong)) {
		if i == a.brands {
			break
		}
		strong[j].in.Brand = true
	}
	for _, y := range a.demoYears {
		if y > p.now.Year()+1 || len(active) == 0 {
			continue
		}
		for range 3 {
			if o := active[p.r.IntN(len(active))]; o.in.DemonstrationYear == 0 {
				o.in.DemonstrationYear = y
				break
			}
		}
	}
}
