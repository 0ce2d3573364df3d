package coverage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli/internal/geo"
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

// readCommunityTotals reads how many active organizations each community
// under a range has (only those with some).
func readCommunityTotals(ctx context.Context, d *db.DB, lo, hi string) (map[string]int, error) {
	rows, err := d.Query(ctx, `SELECT code, n FROM org_cover WHERE lvl = 5 AND dim = 'all' AND code >= $1 AND code < $2 AND n <> 0`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("coverage communities: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] += n
	}
	return out, rows.Err()
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
		u := unitInfo{areas: map[string]int{}}
		if err := rows.Scan(&u.code, &u.name); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// asOfField is a historized field's value at the cut: the last change
// before it, else the value the first change after it replaced, else the
// current column.
func asOfField(field, current string) string {
	return `COALESCE((SELECT h.value FROM org_history h WHERE h.org_id = o.id AND h.field = '` + field +
		`' AND h.at < $3 ORDER BY h.at DESC, h.id DESC LIMIT 1), (SELECT NULLIF(h.old_value, '') FROM org_history h WHERE h.org_id = o.id AND h.field = '` +
		field + `' AND h.at >= $3 ORDER BY h.at, h.id LIMIT 1), ` + current + `)`
}

// readPast reads the organizations under a community-code range that were
// active at the cut, as they stood then: status from the dated history
// (field "status"; no status before the cut means not yet filed), tier,
// volunteer mark, and types and groups from their history fields "types"
// and "groups" (decimal masks) where recorded, else the current masks. A
// place is where the organization is now (moves are not historized). The
// read is bounded by the place's range and streamed, never collected.
func readPast(ctx context.Context, d *db.DB, lo, hi string, cut time.Time, fn func(orgAt)) error {
	rows, err := d.Query(ctx, `SELECT o.community_code, `+asOfField("tier", "o.tier")+`, `+
		asOfField("types", "CAST(o.types_mask AS TEXT)")+`, `+asOfField("groups", "CAST(o.groups_mask AS TEXT)")+`, `+
		asOfField("volunteer_mark", "CAST(o.volunteer_mark AS TEXT)")+`
		FROM orgs o WHERE o.community_code >= $1 AND o.community_code < $2
		AND (SELECT h.value FROM org_history h WHERE h.org_id = o.id AND h.field = 'status' AND h.at < $3
			ORDER BY h.at DESC, h.id DESC LIMIT 1) = 'active'`, lo, hi, cut)
	if err != nil {
		return fmt.Errorf("coverage past: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o orgAt
		var types, groups, mark string
		if err := rows.Scan(&o.community, &o.tier, &types, &groups, &mark); err != nil {
			return err
		}
		o.types, _ = strconv.ParseInt(types, 10, 64)
		o.groups, _ = strconv.ParseInt(groups, 10, 64)
		o.mark = mark == "1"
		fn(o)
	}
	return rows.Err()
}
