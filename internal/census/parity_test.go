package census_test

import (
	"fmt"
	"slices"
	"testing"

	"linli/internal/census"
	"linli/internal/census/censustest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// ruleCase is one registry rule: a user changes (or files) an
// organization, and the outcome is the same through the form and the API
// (Create, Update) and through a one-row census import.
type ruleCase struct {
	name string
	// existing builds the organization changed (nil: the row files a new one)
	existing func(t *testing.T, p *parity, name string) *registry.Org
	user     func(p *parity) *auth.User
	change   func(in *registry.Input)
	want     string
}

type parity struct {
	*fixture
	committee, committee2, auditor *auth.User
	seq                            int
}

func (p *parity) org(t *testing.T, by *auth.User, in registry.Input) *registry.Org {
	t.Helper()
	o, err := p.reg.Create(p.ctx, by, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Name, err)
	}
	return o
}

func (p *parity) credit() string {
	p.seq++
	return credit(fmt.Sprintf("51440106MJ%07d", 500+p.seq))
}

func parityInput(name, community, tier string) registry.Input {
	return registry.Input{Name: name, Tier: tier, Types: []string{"culture_sports"}, TargetGroups: []string{"elderly"},
		CommunityCode: community, FoundedOn: "2019-05-01", Members: 20, LeaderName: "陈丽", LeaderPhone: "13812345678",
		PartyOrg: registry.PartyNone}
}

// active is an active organization recorded by the city administrator.
func active(community, tier string, flags func(*registry.Input)) func(t *testing.T, p *parity, name string) *registry.Org {
	return func(t *testing.T, p *parity, name string) *registry.Org {
		in := parityInput(name, community, tier)
		in.Status = registry.StatusActive
		if tier == registry.TierRegistered {
			in.CreditCode = p.credit()
		}
		if flags != nil {
			flags(&in)
		}
		return p.org(t, p.admin, in)
	}
}

func pending(community, tier string) func(t *testing.T, p *parity, name string) *registry.Org {
	return func(t *testing.T, p *parity, name string) *registry.Org {
		in := parityInput(name, community, tier)
		if tier == registry.TierRegistered {
			in.CreditCode = p.credit()
		}
		return p.org(t, p.admin, in)
	}
}

func deregistered(t *testing.T, p *parity, name string) *registry.Org {
	o := active(yulei, registry.TierCommunity, nil)(t, p, name)
	o, err := p.reg.Transition(p.ctx, p.admin, o.ID, registry.ActDeregister, "解散")
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func ruleCases() []ruleCase {
	admin := func(p *parity) *auth.User { return p.admin }
	tianhe := func(p *parity) *auth.User { return p.tianhe }
	street := func(p *parity) *auth.User { return p.street }
	street2 := func(p *parity) *auth.User { return p.street2 }
	committee := func(p *parity) *auth.User { return p.committee }
	committee2 := func(p *parity) *auth.User { return p.committee2 }
	auditor := func(p *parity) *auth.User { return p.auditor }
	members := func(in *registry.Input) { in.Members = 42 }
	return []ruleCase{
		// tier
		{"tier: committee moves a community-tier organization to street tier", active(yulei, registry.TierCommunity, nil), committee,
			func(in *registry.Input) { in.Tier = registry.TierStreet }, "tier|err.forbidden_field"},
		{"tier: committee moves a street-tier organization to community tier", active(yulei, registry.TierStreet, nil), committee,
			func(in *registry.Input) { in.Tier = registry.TierCommunity }, "tier|err.forbidden_field"},
		{"tier: street officer moves community tier to street tier", active(yulei, registry.TierCommunity, nil), street,
			func(in *registry.Input) { in.Tier = registry.TierStreet }, "ok"},
		{"tier: committee edits its community-tier organization", active(yulei, registry.TierCommunity, nil), committee, members, "ok"},
		{"tier: committee files an active street-tier organization", nil, committee,
			func(in *registry.Input) { in.Tier, in.Status = registry.TierStreet, registry.StatusActive }, "status|err.cannot_activate"},
		{"tier: committee files an active community-tier organization", nil, committee,
			func(in *registry.Input) { in.Status = registry.StatusActive }, "ok"},
		// flags
		{"flags: street officer makes an active organization a hub", active(yulei, registry.TierStreet, nil), street,
			func(in *registry.Input) { in.Hub = true }, "ok"},
		{"flags: street officer makes a pending organization a hub", pending(yulei, registry.TierStreet), street,
			func(in *registry.Input) { in.Hub = true }, "hub|err.hub_needs_active"},
		{"flags: street officer sets the brand", active(yulei, registry.TierStreet, nil), street,
			func(in *registry.Input) { in.Brand = true }, "brand|err.flag_not_yours"},
		{"flags: street officer sets a demonstration year", active(yulei, registry.TierStreet, nil), street,
			func(in *registry.Input) { in.DemonstrationYear = 2023 }, "demonstration_year|err.flag_not_yours"},
		{"flags: committee sets the volunteer mark", active(yulei, registry.TierCommunity, nil), committee,
			func(in *registry.Input) { in.VolunteerMark = true }, "volunteer_mark|err.flag_not_yours"},
		{"flags: street officer takes the brand away", active(yulei, registry.TierStreet, func(in *registry.Input) { in.Brand = true }), street,
			func(in *registry.Input) { in.Brand = false }, "brand|err.flag_not_yours"},
		{"flags: district officer sets brand and demonstration year", active(yulei, registry.TierStreet, nil), tianhe,
			func(in *registry.Input) { in.Brand, in.DemonstrationYear = true, 2023 }, "ok"},
		{"flags: street officer files a pending hub", nil, street,
			func(in *registry.Input) { in.Tier, in.Hub = registry.TierStreet, true }, "hub|err.hub_needs_active"},
		{"flags: street officer files an active hub", nil, street,
			func(in *registry.Input) {
				in.Tier, in.Hub, in.Status = registry.TierStreet, true, registry.StatusActive
			}, "ok"},
		{"flags: committee files a branded organization", nil, committee,
			func(in *registry.Input) { in.Brand = true }, "brand|err.flag_not_yours"},
		// lifecycle
		{"lifecycle: an edit cannot suspend", active(yulei, registry.TierCommunity, nil), street,
			func(in *registry.Input) { in.Status = registry.StatusSuspended }, "status|err.use_transition"},
		{"lifecycle: an edit cannot approve", pending(yulei, registry.TierCommunity), street,
			func(in *registry.Input) { in.Status = registry.StatusActive }, "status|err.use_transition"},
		{"lifecycle: a deregistered organization is not edited", deregistered, street, members, "!forbidden"},
		// access
		{"access: auditor changes nothing", active(yulei, registry.TierCommunity, nil), auditor, members, "!forbidden"},
		{"access: another street's officer", active(yulei, registry.TierRegistered, nil), street2, members, "!outside"},
		{"access: another community's committee", active(yulei, registry.TierCommunity, nil), committee2, members, "!outside"},
		{"access: city admin edits anything", active(liede, registry.TierRegistered, nil), admin, members, "ok"},
		// community
		{"community: street officer moves within the street", active(yulei, registry.TierRegistered, nil), street,
			func(in *registry.Input) { in.CommunityCode = zhijie }, "ok"},
		{"community: street officer moves to another street", active(yulei, registry.TierRegistered, nil), street,
			func(in *registry.Input) { in.CommunityCode = liede }, "!outside"},
		{"community: committee files in another community", nil, committee,
			func(in *registry.Input) { in.CommunityCode = zhijie }, "!outside"},
		{"community: a code that names no division", nil, street,
			func(in *registry.Input) { in.CommunityCode = "440106008999" }, "community_code|err.unknown_division"},
		{"community: a street's code is no community", nil, tianhe,
			func(in *registry.Input) { in.CommunityCode = "440106008000" }, "community_code|err.unknown_division"},
	}
}

// TestEveryRuleTwice runs every registry rule through Create/Update and
// through a one-row census import: the outcome, and on success what was
// stored, must be the same.
func TestEveryRuleTwice(t *testing.T) {
	f := setup(t)
	p := &parity{fixture: f, committee: f.user(t, "yulei", auth.CommunityCommittee, yulei),
		committee2: f.user(t, "zhijie", auth.CommunityCommittee, zhijie), auditor: f.user(t, "auditor", auth.Auditor, "4401")}
	for i, c := range ruleCases() {
		t.Run(c.name, func(t *testing.T) {
			var got [2]string
			var stored [2]string
			for path := range 2 {
				name := fmt.Sprintf("规则样例%02d队%c", i, 'A'+path)
				var in registry.Input
				var old *registry.Org
				if c.existing != nil {
					old = c.existing(t, p, name)
					in = registry.InputOf(old)
				} else {
					in = parityInput(name, yulei, registry.TierCommunity)
				}
				c.change(&in)
				u := c.user(p)
				var id int64
				if path == 0 {
					var o *registry.Org
					var err error
					if old == nil {
						o, err = f.reg.Create(f.ctx, u, in)
					} else {
						o, err = f.reg.Update(f.ctx, u, old.ID, in)
					}
					got[path] = censustest.OutcomeOfErr(err)
					if o != nil {
						id = o.ID
					}
				} else {
					if old != nil && in.Status == "" {
						in.Status = old.Status
					}
					rep, err := f.census.Import(f.ctx, u, censustest.OneRowFile(t, in), "one-row.csv", census.Options{})
					got[path] = censustest.OutcomeOfImport(rep, err)
					if old != nil {
						id = old.ID
					} else if got[path] == "ok" {
						id = p.byName(t, name)
					}
				}
				if got[path] == "ok" {
					stored[path] = p.stored(t, id)
				}
			}
			if got[0] != c.want || got[1] != c.want {
				t.Fatalf("form/API: %s; census import: %s; want %s", got[0], got[1], c.want)
			}
			if stored[0] != stored[1] {
				t.Fatalf("stored differently:\nform/API: %s\nimport:   %s", stored[0], stored[1])
			}
		})
	}
}

func (p *parity) byName(t *testing.T, name string) int64 {
	t.Helper()
	var id int64
	if err := p.db.Read.QueryRow(`SELECT id FROM orgs WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatalf("find %s: %v", name, err)
	}
	return id
}

// stored is what an organization holds, less its name and credit code
// (each path changes its own organization), and its history's fields and
// values.
func (p *parity) stored(t *testing.T, id int64) string {
	t.Helper()
	o, err := p.reg.Get(p.ctx, p.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	in := registry.InputOf(o)
	in.Name, in.CreditCode = "", ""
	evs, err := p.reg.History(p.ctx, p.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	var h []string
	for _, e := range evs {
		h = append(h, e.Field+":"+e.OldValue+"→"+e.Value)
	}
	slices.Sort(h)
	return fmt.Sprintf("%+v status=%s history=%v", in, o.Status, h)
}
