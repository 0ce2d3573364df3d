package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"linli/internal/demo/catalog"
	"linli/internal/platform/weighted"
	"linli/internal/registry"
)

// creditChars is the alphabet of the unified social credit code.
const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// org plans an ordinary organization in a community; tier and status are
// drawn at random when empty. It returns nil if no unused name was found.
func (p *planner) org(a *area, st *street, c community, tier, status string) *planned {
	if tier == "" {
		tier = weighted.Pick(p.r, []string{registry.TierRegistered, registry.TierStreet, registry.TierCommunity}, []int{5, 33, 62})
	}
	if status == "" {
		status = weighted.Pick(p.r, registry.Statuses[:], statusWeights)
	}
	reg := tier == registry.TierRegistered
	for range 20 {
		k := catalog.Pick(p.r, catalog.Kinds, catalog.Place{District: a.code, Rural: c.rural, Registered: reg})
		name := c.label + k.Name
		if reg {
			name = "广州市" + a.name + name
		}
		if !p.claim(c.code, name) {
			continue
		}
		o := p.fill(a, st, c, k, name, tier, status)
		if status == registry.StatusPending || status == registry.StatusReturned {
			o.in.FoundedOn = p.founded(2023)
		}
		return o
	}
	return nil
}

// statusWeights follow registry.Statuses: pending, returned, active,
// suspended, deregistered.
var statusWeights = []int{8, 3, 85, 3, 1}

// hub plans a hub organization for a street, housed in one of its
// communities (an urban one where there is one).
func (p *planner) hub(a *area, st *street, k catalog.Kind) *planned {
	c := st.comms[0]
	for _, i := range p.r.Perm(len(st.comms)) {
		if !st.comms[i].rural {
			c = st.comms[i]
			break
		}
	}
	tier, name := registry.TierStreet, st.stem+k.Name
	if p.r.Float64() < 0.35 {
		tier, name = registry.TierRegistered, "广州市"+a.name+name
	}
	if !p.claim(c.code, name) {
		return nil
	}
	o := p.fill(a, st, c, k, name, tier, registry.StatusActive)
	o.in.Hub = true
	o.in.FoundedOn = p.founded(2012)
	o.in.PartyOrg = weighted.Pick(p.r, registry.PartyOrgs, []int{40, 50, 10})
	if o.in.PartyOrg != registry.PartyNone {
		o.in.PartyInstructor = p.person()
	}
	return o
}

// claim reserves a name in a community, false if it is taken.
func (p *planner) claim(code, name string) bool {
	key := code + "|" + registry.NameKey(name)
	if p.names[key] {
		return false
	}
	p.names[key] = true
	return true
}

func (p *planner) fill(a *area, st *street, c community, k catalog.Kind, name, tier, status string) *planned {
	in := registry.Input{
		Name:          name,
		Tier:          tier,
		Types:         slices.Clone(k.Types),
		TargetGroups:  slices.Clone(k.Groups),
		CommunityCode: c.code,
		Address:       p.address(a, st, c),
		FoundedOn:     p.founded(2005),
		Members:       k.MinMembers + p.r.IntN(k.MaxMembers-k.MinMembers+1),
		LeaderName:    p.person(),
		LeaderPhone:   p.phone(),
		PartyOrg:      weighted.Pick(p.r, registry.PartyOrgs, []int{8, 22, 70}),
	}
	if tier == registry.TierRegistered {
		in.CreditCode = p.creditCode(a.code, name)
	}
	if in.PartyOrg != registry.PartyNone || p.r.Float64() < 0.4 {
		in.PartyInstructor = p.person()
	}
	o := &planned{in: in, final: status, district: a.code, street: st.code}
	switch status {
	case registry.StatusReturned:
		o.reason = returnReasons[p.r.IntN(len(returnReasons))]
	case registry.StatusSuspended:
		o.reason = suspendReasons[p.r.IntN(len(suspendReasons))]
	case registry.StatusDeregistered:
		o.reason = deregisterReasons[p.r.IntN(len(deregisterReasons))]
	case registry.StatusActive:
		o.in.VolunteerMark = slices.Contains(k.Types, "volunteer") && p.r.Float64() < 0.75
	}
	return o
}

// creditCode makes a valid, unused unified social credit code: 51 for a
// social group, 52 for a service centre, the district, an organization code
// and the check character.
func (p *planner) creditCode(districtCode, name string) string {
	cat := "51"
	if strings.HasSuffix(name, "中心") {
		cat = "52"
	}
	for {
		var b strings.Builder
		b.WriteString(cat + districtCode + "MJ")
		for range 7 {
			b.WriteByte(creditChars[p.r.IntN(len(creditChars))])
		}
		first := b.String()
		code := first + string(registry.CreditCheckDigit(first))
		if !p.credits[code] {
			p.credits[code] = true
			return code
		}
	}
}

// person makes up a name: a common surname and a one- or two-character
// given name.
func (p *planner) person() string {
	ws := make([]int, len(surnames))
	for i, s := range surnames {
		ws[i] = s.w
	}
	s := surnames[weighted.Index(p.r, ws)].s
	pool := givenMale
	if p.r.Float64() < 0.55 {
		pool = givenFemale
	}
	a := pool[p.r.IntN(len(pool))]
	if p.r.Float64() < 0.2 {
		return s + string(a)
	}
	b := pool[p.r.IntN(len(pool)-1)]
	if b == a {
		b = pool[len(pool)-1]
	}
	return s + string(a) + string(b)
}

// phone makes up an 11-digit mobile number.
func (p *planner) phone() string {
	return fmt.Sprintf("%s%08d", mobilePrefixes[p.r.IntN(len(mobilePrefixes))], p.r.IntN(100_000_000))
}

func (p *planner) address(a *area, st *street, c community) string {
	ts := urbanAddresses
	if c.rural {
		ts = ruralAddresses
	}
	return fmt.Sprintf(ts[p.r.IntN(len(ts))], a.name, st.name, c.label)
}

// founded draws a founding date from minYear to 2024 (never after now),
// recent years more likely: the special action began in 2021.
func (p *planner) founded(minYear int) string {
	maxYear := min(2024, p.now.Year())
	minYear = min(minYear, maxYear)
	var years, ws []int
	for y := minYear; y <= maxYear; y++ {
		w := 2
		switch {
		case y < 2015:
			w = 1
		case y >= 2021 && y <= 2023:
			w = 4
		}
		years, ws = append(years, y), append(ws, w)
	}
	y := years[weighted.Index(p.r, ws)]
	d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, p.r.IntN(365))
	// at least two days before now, so the filing (a day after founding)
	// is still in the past
	if latest := p.now.AddDate(0, 0, -2); !d.Before(latest) {
		d = latest.AddDate(0, 0, -p.r.IntN(60))
	}
	return d.Format(time.DateOnly)
}
