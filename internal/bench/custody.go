package bench

import (
	"time"

	"linli/internal/registry"
)

// The rest of the dataset around the organizations: the organizations each
// hub holds in custody (with their ledger accounts), hub social workers,
// incubation bases and rural pilot villages. These are plain records; the
// custody postings are made afterwards through the ledger's own service
// (see postings), so the hash chain and balances are the product's.

var (
	memberCols  = []string{"id", "hub_org_id", "org_id", "status", "consent_by", "consent_on", "consent_note", "joined_on", "created_at", "updated_at"}
	accountCols = []string{"id", "hub_org_id", "org_id", "kind", "source", "balance_fen", "status", "opened_at"}
	workerCols  = []string{"id", "hub_org_id", "name", "kind", "qualified", "started_on", "created_at"}
	baseCols    = []string{"id", "name", "host_type", "address", "division_code", "district_code", "street_code", "operator_org_id",
		"opening_hours", "services_mask", "opened_on", "created_at", "updated_at"}
	pilotCols = []string{"id", "community_code", "street_code", "district_code", "kind", "designated_on", "note", "created_at", "updated_at"}
)

// extras holds the rows of one chunk beyond the organizations.
type extras struct {
	members, accounts, workers, bases, pilots [][]any
	ids                                       struct{ member, account, worker, base, pilot int64 }
}

// custody takes, for each hub of the district, a share of its street's
// small active organizations into custody, with a funds account each and
// the hub's cash account; and gives most hubs one or two social workers.
func (g *generator) custody(orgs []*gorg) {
	byStreet := map[string][]*gorg{}
	for _, o := range orgs {
		if !o.hub && o.status == registry.StatusActive && o.tier != registry.TierRegistered {
			byStreet[o.comm.code[:9]] = append(byStreet[o.comm.code[:9]], o)
		}
	}
	x := &g.x
	for _, h := range orgs {
		if !h.hub {
			continue
		}
		joined := maxTime(h.created, day(2021, 10, 1))
		x.ids.account++
		x.accounts = append(x.accounts, []any{x.ids.account, h.id, h.id, "cash", "", int64(0), "open", joined})
		cands := byStreet[h.comm.code[:9]]
		n := min(len(cands), 2+g.r.IntN(12))
		for _, i := range g.r.Perm(len(cands))[:n] {
			o := cands[i]
			on := g.win.at(g.r, maxTime(joined, o.created), g.win.to)
			x.ids.member++
			x.members = append(x.members, []any{x.ids.member, h.id, o.id, "active", o.leader, on.Format(time.DateOnly),
				"", on.Format(time.DateOnly), on, on})
			x.ids.account++
			x.accounts = append(x.accounts, []any{x.ids.account, h.id, o.id, "funds", "", int64(0), "open", on})
			g.ds.Custody++
		}
		if g.r.IntN(10) < 7 {
			for range 1 + g.r.IntN(2) {
				x.ids.worker++
				x.workers = append(x.workers, []any{x.ids.worker, h.id, person(g.r), []string{"full_time", "part_time"}[g.r.IntN(2)],
					int64(g.r.IntN(2)), g.win.at(g.r, joined, g.win.to).Format(time.DateOnly), joined})
			}
		}
	}
}

// places gives the district an incubation base (most districts), some of
// its streets their own, and, where it has villages, sometimes a rural
// pilot village.
func (g *generator) places(dist place, cs []community) {
	x := &g.x
	base := func(division, street, name string) {
		x.ids.base++
		opened := g.win.at(g.r, day(2019, 6, 1), day(2023, 12, 31))
		x.bases = append(x.bases, []any{x.ids.base, name, []string{"party_mass_center", "civilization_center", "social_work_station"}[g.r.IntN(3)],
			name, division, dist.code, street, nil, "周一至周五 9:00-17:30", int64(1 + g.r.IntN(255)), opened.Format(time.DateOnly), opened, opened})
	}
	if g.r.IntN(10) < 9 {
		base(dist.code, "", dist.name+"社区社会组织培育基地")
	}
	street := ""
	var village *community
	for i, c := range cs {
		if c.code[:9] != street {
			street = c.code[:9]
			if g.r.IntN(10) < 3 {
				base(street, street, c.label+"社会组织孵化点")
			}
		}
		if c.kind == "rural" && village == nil && g.r.IntN(4) == 0 {
			village = &cs[i]
		}
	}
	if village != nil && g.r.IntN(2) == 0 {
		on := g.win.at(g.r, day(2021, 10, 1), day(2023, 6, 30))
		x.ids.pilot++
		x.pilots = append(x.pilots, []any{x.ids.pilot, village.code, village.code[:9], dist.code, "rural", on.Format(time.DateOnly),
			"农村社区社会组织培育发展试点", on, on})
	}
}

// writeExtras writes the chunk's extra rows after its organizations.
func (g *generator) writeExtras(w func(table string, cols []string, rows [][]any) error) error {
	x := &g.x
	for _, t := range []struct {
		table string
		cols  []string
		rows  *[][]any
	}{{"hub_members", memberCols, &x.members}, {"ledger_accounts", accountCols, &x.accounts}, {"hub_workers", workerCols, &x.workers},
		{"bases", baseCols, &x.bases}, {"pilots", pilotCols, &x.pilots}} {
		if len(*t.rows) == 0 {
			continue
		}
		if err := w(t.table, t.cols, *t.rows); err != nil {
			return err
		}
		*t.rows = (*t.rows)[:0]
	}
	return nil
}
