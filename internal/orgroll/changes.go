package orgroll

import (
	"context"
	"fmt"
	"strconv"

	"linli/internal/platform/db"
)

// Changes is the version of the records under a unit: the sum of the
// change counters (kpi_changes, migration 008, advanced in the transaction
// of every insert, update or delete of an organization, its history, its
// hub's workers, a base, a pilot, a division, …, whatever wrote it:
// services, census import, loaders; and by moved for the districts an
// organization left) of the districts under it, and of the empty one
// (changes that may touch any unit: the indicators, provinces and cities).
// Counters only grow, so an unchanged sum means unchanged records; a
// change in another district leaves it as it is. One indexed range read,
// so every replica serving the database sees every other's changes. The
// caches over the same records (the dashboards', the coverage reports',
// the organization list's first pages) read it.
func Changes(ctx context.Context, d *db.DB, code string) (int64, error) {
	expr, args := ChangesExpr(code, nil)
	var n int64
	if err := d.QueryRow(ctx, `SELECT CAST(`+expr+` AS BIGINT)`, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("change counters: %w", err)
	}
	return n, nil
}

// ChangesExpr is the SQL expression of the version of the records under a
// unit (see Changes), its parameters appended to args: for a cache over
// more records than the indicators read (the portal's pages), which adds
// its own counters in the same statement.
func ChangesExpr(code string, args []any) (string, []any) {
	lo, hi := db.PrefixRange(code[:min(len(code), 6)])
	args = append(args, lo, hi)
	n := len(args)
	return `((SELECT COALESCE(SUM(n), 0) FROM kpi_changes WHERE district >= $` + strconv.Itoa(n-1) + ` AND district < $` + strconv.Itoa(n) + `)
		+ (SELECT COALESCE(SUM(n), 0) FROM kpi_changes WHERE district = ''))`, args
}

// ChangesIn is Changes for each district under a unit, in one indexed
// range read: the version of district d is ver[d] + ver[""] (the empty
// district's counter moves with changes that may touch any unit). A
// district absent from the map has never changed (its counter is 0). For
// caches kept per district and read together, such as the search index.
func ChangesIn(ctx context.Context, d *db.DB, code string) (map[string]int64, error) {
	return CountersIn(ctx, d, "kpi_changes", code, true)
}

// CountersIn reads a table of counters kept per district (district, n:
// kpi_changes, kpi_late) for the districts under a unit, in one indexed
// range read, and with all the empty district's row too. A district
// absent from the map has never counted.
func CountersIn(ctx context.Context, d *db.DB, table, code string, all bool) (map[string]int64, error) {
	in, args := db.ScopeCond("district", code[:min(len(code), 6)], nil)
	if all {
		in += ` OR district = ''`
	}
	ver := map[string]int64{}
	if err := d.Each(ctx, `SELECT district, n FROM `+table+` WHERE `+in, args, func(r db.Scanner) error {
		var dist string
		var n int64
		if err := r.Scan(&dist, &n); err != nil {
			return err
		}
		ver[dist] = n
		return nil
	}); err != nil {
		return nil, fmt.Errorf("%s counters: %w", table, err)
	}
	return ver, nil
}
