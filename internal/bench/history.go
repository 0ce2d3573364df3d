package bench

import (
	"context"
	"strconv"
	"time"

	"linli/internal/platform/pii"
	"linli/internal/registry"
)

// history gives an organization the dated changes that lead to its
// current state, as the registry records them: on creation its status,
// tier, party organization and set flags; later each change with its old
// value. The last value of every field is the value on the row.
func (g *generator) history(o *gorg) {
	r := g.r
	t := o.created
	later := func(minDays, maxDays int) time.Time {
		t = g.win.at(r, t.AddDate(0, 0, minDays), t.AddDate(0, 0, maxDays))
		return t
	}
	add := func(field, old, value, reason string, at time.Time) {
		o.events = append(o.events, event{field: field, old: old, value: value, reason: reason, at: at})
	}
	direct := o.status == registry.StatusActive && (o.hub || r.IntN(2) == 0)
	first := registry.StatusPending
	if direct {
		first = registry.StatusActive
	}
	tier := o.tier
	if tier == registry.TierStreet && r.IntN(20) == 0 {
		tier = registry.TierCommunity
	}
	add("status", "", first, "", t)
	add("tier", "", tier, "", t)
	add("party_org", "", o.party, "", t)
	if !direct {
		switch o.status {
		case registry.StatusReturned:
			add("status", registry.StatusPending, registry.StatusReturned, o.returnReason, later(3, 30))
		case registry.StatusActive, registry.StatusSuspended, registry.StatusDeregistered:
			add("status", registry.StatusPending, registry.StatusActive, "", later(3, 60))
		}
	}
	if tier != o.tier {
		add("tier", tier, o.tier, "", later(30, 400))
	}
	if o.hub {
		add("hub", "0", "1", "街道认定枢纽型社区社会组织", g.win.at(r, maxTime(t, day(2021, 9, 1)), day(2023, 12, 31)))
	}
	if o.vm {
		add("volunteer_mark", "0", "1", "", later(10, 500))
	}
	if o.brand {
		add("brand", "0", "1", "区级品牌社区社会组织", g.win.at(r, maxTime(t, day(2021, 10, 1)), day(2024, 12, 31)))
	}
	if o.demo != 0 {
		add("demonstration_year", "", strconv.Itoa(o.demo), "", g.win.at(r, maxTime(t, day(o.demo, 1, 1)), day(o.demo, 12, 31)))
	}
	if o.status == registry.StatusSuspended || o.status == registry.StatusDeregistered {
		add("status", registry.StatusActive, o.status, "长期未开展活动", later(60, 900))
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func b01(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// flush writes the generated organizations, their history and their search
// documents (built by the registry's own registry.SearchDoc, which is what
// the registry writes on every create and rename).
func (g *generator) flush(ctx context.Context) error {
	if len(g.orgs) == 0 {
		return nil
	}
	orgRows := make([][]any, 0, len(g.orgs))
	histRows := make([][]any, 0, len(g.orgs)*5)
	searchRows := make([][]any, 0, len(g.orgs))
	for _, o := range g.orgs {
		g.history(o)
		updated := o.created
		for _, e := range o.events {
			g.histID++
			histRows = append(histRows, []any{g.histID, o.id, e.field, e.old, e.value, e.reason, e.at, nil, "bench"})
			updated = maxTime(updated, e.at)
		}
		var demo any
		if o.demo != 0 {
			demo = int64(o.demo)
		}
		version := int64(len(o.events) - 2) // one for the creation's three events, one per later change
		orgRows = append(orgRows, []any{o.id, o.name, registry.NameKey(o.name), o.tier, o.types, o.groups,
			o.comm.code, o.comm.code[:9], o.comm.code[:6], o.credit, o.address, o.founded, int64(o.members),
			o.leader, pii.Seal(o.phone), o.party, o.instructor, b01(o.hub), b01(o.brand), demo, b01(o.vm), o.status,
			o.returnReason, nil, o.created, updated, version, pii.Hash(o.phone)})
		searchRows = append(searchRows, registry.SearchRow(g.d.Engine, o.id, o.name, o.comm.code[:6]))
	}
	for _, w := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{{"orgs", orgCols, orgRows}, {"org_history", historyCols, histRows}, {"org_search", registry.SearchColumns(g.d.Engine), searchRows}} {
		if err := g.sink.write(ctx, w.table, w.cols, w.rows); err != nil {
			return err
		}
	}
	if err := g.writeExtras(func(table string, cols []string, rows [][]any) error {
		return g.sink.write(ctx, table, cols, rows)
	}); err != nil {
		return err
	}
	if err := g.writeActivities(func(table string, cols []string, rows [][]any) error {
		return g.sink.write(ctx, table, cols, rows)
	}); err != nil {
		return err
	}
	g.ds.Orgs += int64(len(orgRows))
	g.ds.History += int64(len(histRows))
	g.ds.SearchDocs += int64(len(searchRows))
	g.orgs = g.orgs[:0]
	g.uncommitted += len(orgRows)
	if g.uncommitted >= 5*chunkOrgs {
		g.uncommitted = 0
		return g.sink.checkpoint(ctx)
	}
	return nil
}
