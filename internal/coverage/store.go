package coverage

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/orgroll"
	"linli/internal/platform/db"
)

// Every statement on org_cover (kept by the triggers of migration 015) and
// the reads of the records a past date needs.

// readRollup reads the rollup rows of the given dimensions under a code
// range at a rollup level, with codes cut to n characters.
func readRollup(ctx context.Context, d *db.DB, lvl int, dims []string, lo, hi string, n int) ([]tally, error) {
	args := []any{lvl, lo, hi}
	ph := make([]string, len(dims))
	for i, x := range dims {
		args = append(args, x)
		ph[i] = "$" + strconv.Itoa(len(args))
	}
	rows, err := d.Query(ctx, `SELECT code, area, dim, k, n FROM org_cover WHERE lvl = $1 AND dim IN (`+strings.Join(ph, ", ")+
		`) AND code >= $2 AND code < $3 AND n <> 0`, args...)
	if err != nil {
		return nil, fmt.Errorf("coverage rollup: %w", err)
	}
	defer rows.Close()
	var out []tally
	for rows.Next() {
		var t tally
		if err := rows.Scan(&t.code, &t.area, &t.dim, &t.k, &t.n); err != nil {
			return nil, err
		}
		if len(t.code) > n {
			t.code = t.code[:n]
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// areaSQL is a community code's committee kind, as geo.KindOf and the
// rollup's triggers say it.
const areaSQL = `CASE WHEN substr(code, 10, 3) BETWEEN '001' AND '199' THEN 'urban'
	WHEN substr(code, 10, 3) BETWEEN '200' AND '399' THEN 'rural' ELSE 'other' END`

// readPlaces reads, for today's report, the place's communities and which
// of them have an active organization according to the rollup, and derives
// from them what the past path derives from the records (placesOf): two
// range reads, no grouping or anti-join in SQL.
func readPlaces(ctx context.Context, d *db.DB, lo, hi string, n int) (places, error) {
	comms, err := readCommunities(ctx, d, lo, hi)
	if err != nil {
		return places{}, err
	}
	rows, err := d.Query(ctx, `SELECT code, n FROM org_cover WHERE lvl = 5 AND dim = 'all' AND code >= $1 AND code < $2 AND n <> 0`, lo, hi)
	if err != nil {
		return places{}, fmt.Errorf("coverage covered communities: %w", err)
	}
	defer rows.Close()
	totals := map[string]int{}
	for rows.Next() {
		var c string
		var k int
		if err := rows.Scan(&c, &k); err != nil {
			return places{}, err
		}
		totals[c] += k
	}
	if err := rows.Err(); err != nil {
		return places{}, err
	}
	return placesOf(comms, totals, n), nil
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

// readPlacesDated is readPlaces on a past day: the communities of the
// place and each one's active organizations from the dated rollup.
func readPlacesDated(ctx context.Context, d *db.DB, lo, hi string, n int, day string) (places, error) {
	comms, err := readCommunities(ctx, d, lo, hi)
	if err != nil {
		return places{}, err
	}
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
	return placesOf(comms, totals, n), nil
}

// readCommunities lists the communities under a range, with their streets.
func readCommunities(ctx context.Context, d *db.DB, lo, hi string) ([]community, error) {
	rows, err := d.Query(ctx, `SELECT code, name FROM divisions WHERE level = 5 AND code >= $1 AND code < $2 ORDER BY code`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("coverage community list: %w", err)
	}
	defer rows.Close()
	var out []community
	for rows.Next() {
		var c community
		if err := rows.Scan(&c.code, &c.name); err != nil {
			return nil, err
		}
		c.street = c.code[:9]
		out = append(out, c)
	}
	return out, rows.Err()
}

// readUnits lists the divisions of a code length under a range.
func readUnits(ctx context.Context, d *db.DB, n int, lo, hi string) ([]unitInfo, error) {
	rows, err := d.Query(ctx, `SELECT code, name FROM divisions WHERE level = $1 AND code >= $2 AND code < $3 ORDER BY code`,
		geo.LevelOf(strings.Repeat("4", n)), lo, hi)
	if err != nil {
		return nil, fmt.Errorf("coverage units: %w", err)
	}
	defer rows.Close()
	var out []unitInfo
	for rows.Next() {
		var u unitInfo
		if err := rows.Scan(&u.code, &u.name); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// pastFields are the historized fields a past date's report reads, in
// the order the read sorts them.
var pastFields = []string{"community", "groups", "status", "tier", "types", "volunteer_mark"}

// readPast reads the organizations that were active at the cut in a
// community-code range, as they stood then: status from the dated history
// (field "status"; no status before the cut means not yet filed), and the
// community (a move is the history field "community"), tier, volunteer
// mark, types and groups (decimal masks) from their history: the last
// change before the cut, else the value the first change after it
// replaced, else the current column. The organizations read are those in
// the range now and those that moved in or out of it; one statement joins
// each to its history rows, in order, and the rows are streamed, never
// collected (one organization at a time).
func readPast(ctx context.Context, d *db.DB, lo, hi string, cut time.Time, fn func(orgAt)) error {
	rows, err := d.Query(ctx, `SELECT o.id, o.community_code, o.tier, o.types_mask, o.groups_mask, o.volunteer_mark,
			COALESCE(h.field, ''), COALESCE(h.value, ''), COALESCE(h.old_value, ''), CASE WHEN h.at < $3 THEN 1 ELSE 0 END
		FROM orgs o LEFT JOIN org_history h ON h.org_id = o.id
			AND h.field IN ('community', 'groups', 'status', 'tier', 'types', 'volunteer_mark')
		WHERE o.community_code >= $1 AND o.community_code < $2
			OR o.id IN (SELECT m.org_id FROM org_history m WHERE m.field = 'community'
				AND (m.value >= $1 AND m.value < $2 OR m.old_value >= $1 AND m.old_value < $2))
		ORDER BY o.id, h.at, h.id`, lo, hi, cut)
	if err != nil {
		return fmt.Errorf("coverage past: %w", err)
	}
	defer rows.Close()
	var cur pastOrg
	cur.id = -1
	for rows.Next() {
		var r pastOrg
		var field, value, old string
		var before int
		if err := rows.Scan(&r.id, &r.community, &r.tier, &r.types, &r.groups, &r.mark, &field, &value, &old, &before); err != nil {
			return err
		}
		if r.id != cur.id {
			cur.emit(lo, hi, fn)
			cur = r
		}
		cur.see(field, value, old, before == 1)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cur.emit(lo, hi, fn)
	return nil
}

// pastOrg is one organization's current columns and what its history
// says of each field at the cut.
type pastOrg struct {
	id                  int64
	community, tier     string
	types, groups, mark int64
	before, after       [6]string // pastFields' values: last before the cut, replaced by the first after
	hasBefore, hasAfter [6]bool
}

// see takes one history row (in order of effective time; each field is
// followed apart, so the rows need no order by field: no text sort).
func (p *pastOrg) see(field, value, old string, before bool) {
	i := slices.Index(pastFields, field)
	if i < 0 {
		return
	}
	switch {
	case before:
		p.before[i], p.hasBefore[i] = value, true
	case !p.hasAfter[i]:
		p.after[i], p.hasAfter[i] = old, true
	}
}

// at is a field's value at the cut, or the current one.
func (p *pastOrg) at(i int, current string) string {
	switch {
	case p.hasBefore[i]:
		return p.before[i]
	case p.hasAfter[i] && p.after[i] != "":
		return p.after[i]
	case p.hasAfter[i] && pastFields[i] == "volunteer_mark":
		return "0" // a flag first set by a change had none before it (as orgroll.Timeline)
	}
	return current
}

// emit passes the organization on if it was active in the range at the cut.
func (p *pastOrg) emit(lo, hi string, fn func(orgAt)) {
	if p.id < 0 || !p.hasBefore[2] || p.before[2] != "active" {
		return
	}
	o := orgAt{community: p.at(0, p.community), tier: p.at(3, p.tier)}
	if o.community < lo || o.community >= hi || len(o.community) != 12 {
		return
	}
	o.groups, _ = strconv.ParseInt(p.at(1, strconv.FormatInt(p.groups, 10)), 10, 64)
	o.types, _ = strconv.ParseInt(p.at(4, strconv.FormatInt(p.types, 10)), 10, 64)
	o.mark = p.at(5, strconv.FormatInt(p.mark, 10)) == "1"
	fn(o)
}
