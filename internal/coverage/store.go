package coverage

import (
	"context"
	"fmt"
	"strings"

	"linli/internal/geo"
	"linli/internal/orgroll"
	"linli/internal/platform/db"
)

// Every statement on org_cover (kept by the triggers of migration 015);
// the records a past date needs are the registry's named read
// (registry.EachActiveAt), the divisions geo's (geo.Store.Under).

// readRollup reads the rollup rows of the given dimensions under a code
// range at a rollup level, with codes cut to n characters.
func readRollup(ctx context.Context, d *db.DB, lvl int, dims []string, lo, hi string, n int) ([]tally, error) {
	in, args := db.InList(dims, []any{lvl, lo, hi})
	rows, err := d.Query(ctx, `SELECT code, area, dim, k, n FROM org_cover WHERE lvl = $1 AND dim IN `+in+
		` AND code >= $2 AND code < $3 AND n <> 0`, args...)
	if err != nil {
		return nil, fmt.Errorf("coverage rollup: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*tally, error) {
		var t tally
		err := r.Scan(&t.code, &t.area, &t.dim, &t.k, &t.n)
		if len(t.code) > n {
			t.code = t.code[:n]
		}
		return &t, err
	})
}

// areaSQL is a community code's committee kind, as geo.KindOf and the
// rollup's triggers say it.
const areaSQL = `CASE WHEN substr(code, 10, 3) BETWEEN '001' AND '199' THEN 'urban'
	WHEN substr(code, 10, 3) BETWEEN '200' AND '399' THEN 'rural' ELSE 'other' END`

// readPlaces reads, for today's report, which of the place's communities
// (its shape) have an active organization according to the rollup, and
// derives from them what the record path derives from the records
// (placesIn): one range read, no grouping or anti-join in SQL.
func readPlaces(ctx context.Context, d *db.DB, sh *shape, code string) (places, error) {
	in, args := db.ScopeCond("code", code, nil)
	rows, err := d.Query(ctx, `SELECT code, n FROM org_cover WHERE lvl = 5 AND dim = 'all' AND `+in+` AND n <> 0`, args...)
	if err != nil {
		return places{}, fmt.Errorf("coverage covered communities: %w", err)
	}
	totals := map[string]int{}
	if err := db.EachPair(rows, func(c string, k int) { totals[c] += k }); err != nil {
		return places{}, err
	}
	return placesIn(sh, totals), nil
}

// readDated reads the dated rollup (internal/orgroll) on a day, as
// readRollup reads today's: the keys of the given dimensions at a level
// under a code range, codes cut to n characters. One indexed read per key.
func readDated(ctx context.Context, d *db.DB, lvl int, dims []string, lo, hi string, n int, day string) ([]tally, error) {
	m, err := orgroll.Read(ctx, d.Read, lvl, dims, lo, hi, day)
	if err != nil {
		return nil, fmt.Errorf("coverage dated rollup: %w", err)
	}
	out := make([]tally, 0, len(m))
	for k, c := range m {
		code := k.Code
		if len(code) > n {
			code = code[:n]
		}
		out = append(out, tally{code: code, area: k.Area, dim: k.Dim, k: k.K, n: c.N})
	}
	return out, nil
}

// readPlacesDated is readPlaces on a past day: each of the place's
// communities' active organizations from the dated rollup.
func readPlacesDated(ctx context.Context, d *db.DB, sh *shape, code string, day string) (places, error) {
	lo, hi := db.PrefixRange(code)
	// one range scan of the communities' rows up to the day (a few each),
	// not a lookup per community
	m, err := orgroll.ReadScan(ctx, d.Read, 5, orgroll.DimAll, lo, hi, day)
	if err != nil {
		return places{}, fmt.Errorf("coverage dated communities: %w", err)
	}
	totals := map[string]int{}
	for k, c := range m {
		totals[k.Code] += c.N
	}
	return placesIn(sh, totals), nil
}

// readCommunities lists the communities under a place, with their
// streets (geo's named read).
func readCommunities(ctx context.Context, g *geo.Store, code string) ([]community, error) {
	ns, err := g.Under(ctx, code, geo.Community, 0)
	if err != nil {
		return nil, fmt.Errorf("coverage community list: %w", err)
	}
	out := make([]community, len(ns))
	for i, n := range ns {
		out[i] = community{code: n.Code, name: n.Name, street: n.Code[:9]}
	}
	return out, nil
}

// readUnits lists the divisions of a code length under a place (geo's
// named read).
func readUnits(ctx context.Context, g *geo.Store, n int, code string) ([]unitInfo, error) {
	ns, err := g.Under(ctx, code, geo.LevelOf(strings.Repeat("4", n)), 0)
	if err != nil {
		return nil, fmt.Errorf("coverage units: %w", err)
	}
	out := make([]unitInfo, len(ns))
	for i, x := range ns {
		out[i] = unitInfo{code: x.Code, name: x.Name}
	}
	return out, nil
}
