package orgroll

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"linli/internal/platform/db"
)

// Rebuild derives every timeline and the whole rollup from the records, in
// one transaction: after a bulk load that bypassed the registry, or at the
// first start after a migration that changes the rollup's keys (Ensure).
//
// It goes district by district, so that what it holds is one district's
// timelines and counts, not the country's (1.78 million organizations at
// national scale): a key's code lies in one district, and every
// organization whose timeline reaches a district is read with it, those
// that moved in or out of it (a move is the history field "community")
// included. An organization's timeline is stored once, with its current
// district.
//
// On SQLite it empties the three tables and writes them again (the
// writer holds the whole database; freed pages are reused). On
// PostgreSQL a DELETE would leave every old row dead beside the new one,
// the tables at twice their pages until a VACUUM FULL, which locks out
// readers; so it writes new tables and swaps them in (rebuildSwap).
func Rebuild(ctx context.Context, d *db.DB) error {
	_, err := rebuild(ctx, d, false)
	return err
}

// Ensure builds the rollup of a database migrated to it with organizations
// already there (org_roll_state.built = 0). It reports whether it built:
// several replicas starting together after a migration queue on the
// rebuild's lock, and the ones after the first find the rollup built.
func Ensure(ctx context.Context, d *db.DB) (bool, error) {
	var built int
	if err := d.Read.QueryRowContext(ctx, `SELECT built FROM org_roll_state`).Scan(&built); err != nil {
		return false, fmt.Errorf("org rollup state: %w", err)
	}
	if built == 1 {
		return false, nil
	}
	did, err := rebuild(ctx, d, true)
	if err != nil || !did {
		return did, err
	}
	return true, vacuumRebuilt(ctx, d)
}

// rebuiltTables are the tables Rebuild writes again.
var rebuiltTables = []string{"org_segs", "org_roll", "org_roll_keys"}

// rollTables names the three tables a rebuild writes: the live ones
// (SQLite, emptied first) or their new copies (PostgreSQL).
type rollTables struct{ segs, roll, keys string }

var liveTables = rollTables{"org_segs", "org_roll", "org_roll_keys"}

// newSuffix names a live table's copy that a PostgreSQL rebuild writes.
const newSuffix = "_rebuilt"

// rebuild is Rebuild; asked: only if org_roll_state still asks for it,
// read under the rebuild's lock (Ensure). It reports whether it built.
//
// On PostgreSQL, in one transaction:
//
//  1. LOCK kpi_changes and the three tables IN EXCLUSIVE MODE. EXCLUSIVE
//     lets plain reads through (the rollup's readers, and the caches'
//     version reads of kpi_changes) and stops every write and every
//     SELECT … FOR UPDATE. Every writer of what the rollup derives from
//     (orgs, org_history, hub_workers) takes the change counters
//     (kpi_changes) first, by LockOrgs, LockDistricts or LockScope or by
//     the trigger on its table, before it reads or writes a rollup table; so a
//     writer that holds them already is waited for here, and one that comes
//     later waits for the rebuild to commit: no change to the records
//     commits between the reads below and the swap (each read, at READ
//     COMMITTED, sees everything committed before it). A writer that
//     waited goes on after the commit: its statements name the new tables
//     and move them by its change, from the timelines read here (which did
//     not see it). Several replicas' Ensure queue here; the ones after the
//     first find built = 1 and do nothing.
//  2. CREATE TABLE t_rebuilt (LIKE t INCLUDING ALL) for each table: the
//     same columns, collations, defaults and indexes. Readers go on
//     reading the old tables.
//  3. The rollup written into the new tables by COPY, district by
//     district (each row once: a key lies in one district), then ANALYZE.
//  4. The swap: LOCK the old tables IN ACCESS EXCLUSIVE MODE (the readers
//     of the old tables finish first; new ones wait from here to the
//     commit: the drops, the renames and the commit), DROP them, RENAME the new tables and
//     their indexes to the old names. A statement prepared on another
//     connection over the old table is planned again, by name, on its next
//     run.
//
// A writer that read or wrote a rollup table before taking the counters
// would wait for the rebuild while holding a lock the swap needs:
// PostgreSQL finds the deadlock and ends one of the two, whose transaction
// is rolled back whole (a rebuild then fails the start-up; the next start
// rebuilds again). No writer does so: the registry's and the hubs' writers
// take the counters by LockOrgs first, an import by LockScope, and a new
// organization's INSERT advances them by its trigger before its history
// and the rollup's refresh are written.
func rebuild(ctx context.Context, d *db.DB, asked bool) (bool, error) {
	pg := d.Engine == db.Postgres
	built := false
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		exec := func(stmt string) error {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("org rollup rebuild: %w", err)
			}
			return nil
		}
		if pg {
			if err := exec(`LOCK TABLE kpi_changes, ` + strings.Join(rebuiltTables, ", ") + ` IN EXCLUSIVE MODE`); err != nil {
				return err
			}
		}
		if asked {
			var state int
			if err := tx.QueryRowContext(ctx, `SELECT built FROM org_roll_state`).Scan(&state); err != nil {
				return fmt.Errorf("org rollup state: %w", err)
			}
			if state == 1 {
				return nil
			}
		}
		t := liveTables
		for _, name := range rebuiltTables {
			stmt := `DELETE FROM ` + name
			if pg {
				stmt = `CREATE TABLE ` + name + newSuffix + ` (LIKE ` + name + ` INCLUDING ALL)`
			}
			if err := exec(stmt); err != nil {
				return err
			}
		}
		if pg {
			t = rollTables{liveTables.segs + newSuffix, liveTables.roll + newSuffix, liveTables.keys + newSuffix}
		}
		districts, visitors, err := rebuildPlan(ctx, tx)
		if err != nil {
			return err
		}
		for _, dist := range districts {
			if err := rebuildDistrict(ctx, tx, t, dist, visitors[dist]); err != nil {
				return err
			}
		}
		if err := exec(`UPDATE org_roll_state SET built = 1`); err != nil {
			return err
		}
		if pg {
			if err := rebuildSwap(ctx, tx, exec); err != nil {
				return err
			}
		}
		built = true
		return nil
	})
	return built, err
}

// rebuildSwap analyzes the new tables and puts them in the old ones'
// place, with the old indexes' names (rebuild, step 4).
func rebuildSwap(ctx context.Context, tx *sql.Tx, exec func(string) error) error {
	news := make([]string, len(rebuiltTables))
	for i, name := range rebuiltTables {
		news[i] = name + newSuffix
	}
	if err := exec(`ANALYZE ` + strings.Join(news, ", ")); err != nil {
		return err
	}
	if err := exec(`LOCK TABLE ` + strings.Join(rebuiltTables, ", ") + ` IN ACCESS EXCLUSIVE MODE`); err != nil {
		return err
	}
	// each new index and the name of the old one it copies (LIKE names
	// its copies after the new table): the same columns, operator
	// classes, kind, expressions and predicate
	rows, err := tx.QueryContext(ctx, `SELECT n.indexrelid::regclass::text, o.indexrelid::regclass::text
		FROM pg_index n JOIN pg_index o ON o.indkey = n.indkey AND o.indclass = n.indclass AND o.indcollation = n.indcollation
			AND o.indisunique = n.indisunique AND o.indisprimary = n.indisprimary
			AND COALESCE(pg_get_expr(o.indexprs, o.indrelid), '') = COALESCE(pg_get_expr(n.indexprs, n.indrelid), '')
			AND COALESCE(pg_get_expr(o.indpred, o.indrelid), '') = COALESCE(pg_get_expr(n.indpred, n.indrelid), '')
		JOIN unnest($1::text[], $2::text[]) AS t (live, fresh) ON n.indrelid = t.fresh::regclass AND o.indrelid = t.live::regclass`,
		rebuiltTables, news)
	if err != nil {
		return fmt.Errorf("org rollup indexes: %w", err)
	}
	names := map[string]string{}
	if err := db.Pairs(rows, names); err != nil {
		return fmt.Errorf("org rollup indexes: %w", err)
	}
	if err := exec(`DROP TABLE ` + strings.Join(rebuiltTables, ", ")); err != nil {
		return err
	}
	for i, name := range rebuiltTables {
		if err := exec(`ALTER TABLE ` + news[i] + ` RENAME TO ` + name); err != nil {
			return err
		}
	}
	for _, n := range slices.Sorted(maps.Keys(names)) {
		if err := exec(`ALTER INDEX ` + n + ` RENAME TO ` + names[n]); err != nil {
			return err
		}
	}
	return nil
}

// vacuumRebuilt, on PostgreSQL, vacuums the tables a rebuild wrote: new
// tables, analyzed in the rebuild's transaction, whose pages VACUUM marks
// all-visible (the keys' index-only reads need it). SQLite keeps no dead
// rows: its freed pages are reused, and nothing is done.
func vacuumRebuilt(ctx context.Context, d *db.DB) error {
	if d.Engine != db.Postgres {
		return nil
	}
	// (VACUUM runs outside a transaction: on the pool, not in Rebuild's)
	if _, err := d.Write.ExecContext(ctx, `VACUUM `+strings.Join(rebuiltTables, ", ")); err != nil {
		return fmt.Errorf("org rollup vacuum: %w", err)
	}
	return nil
}

// rebuildPlan lists the districts a rebuild visits (those of the
// organizations' rows and of the communities their moves name) and, for
// each, the organizations whose history reaches it from another district.
func rebuildPlan(ctx context.Context, tx *sql.Tx) ([]string, map[string][]int64, error) {
	seen := map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT district_code FROM orgs`)
	if err != nil {
		return nil, nil, fmt.Errorf("org rollup districts: %w", err)
	}
	if err := db.Set(rows, seen); err != nil {
		return nil, nil, err
	}
	visitors := map[string][]int64{}
	rows, err = tx.QueryContext(ctx, `SELECT h.org_id, o.district_code, h.value, h.old_value FROM org_history h
		JOIN orgs o ON o.id = h.org_id WHERE h.field = 'community'`)
	if err != nil {
		return nil, nil, fmt.Errorf("org rollup moves: %w", err)
	}
	for rows.Next() {
		var id int64
		var cur, v, old string
		if err := rows.Scan(&id, &cur, &v, &old); err != nil {
			rows.Close()
			return nil, nil, err
		}
		for _, c := range []string{v, old} {
			if len(c) < 6 || c[:6] == cur {
				continue
			}
			seen[c[:6]] = true
			visitors[c[:6]] = append(visitors[c[:6]], id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for k, ids := range visitors {
		slices.Sort(ids)
		visitors[k] = slices.Compact(ids)
	}
	return slices.Sorted(maps.Keys(seen)), visitors, nil
}

// rebuildDistrict writes into t the counts of one district's keys and the
// timelines of the organizations now in it; visitors are those whose
// history reaches it from another district (counted here, stored there).
func rebuildDistrict(ctx context.Context, tx *sql.Tx, t rollTables, dist string, visitors []int64) error {
	cond := "o.district_code = $1"
	if len(visitors) > 0 {
		cond = "(" + cond + " OR o.id IN " + idList(visitors) + ")"
	}
	// the timelines are kept and written after the read: the read streams
	// on the transaction's one connection
	all := Deltas{}
	var ids []int64
	segs := map[int64]string{}
	err := eachTimeline(ctx, tx, cond, []any{dist}, func(id int64, ss []Seg) {
		if len(ss) == 0 {
			return
		}
		if len(dist) == 6 { // (a row without a district counts nowhere)
			all.AddUnder(ss, 1, dist)
		}
		if _, visiting := slices.BinarySearch(visitors, id); !visiting {
			ids = append(ids, id)
			segs[id] = Encode(ss)
		}
	})
	if err != nil {
		return err
	}
	// the histograms of the district's streets and communities (hist.go):
	// every unit key of the district is in all, from nothing
	for k, m := range histDeltas(all, nil) {
		all[k] = m
	}
	keys, rows := cumulative(all)
	if t != liveTables {
		return copyRebuilt(ctx, tx, t, ids, segs, keys, rows)
	}
	if err := writeSegs(ctx, tx, ids, segs); err != nil {
		return err
	}
	return writeCumulative(ctx, tx, keys, rows)
}

// cumulative is a rollup from scratch: its keys, and each key's count from
// every day it changed.
func cumulative(all Deltas) ([]string, []delta) {
	keys := slices.Sorted(maps.Keys(all))
	var rows []delta
	for _, k := range keys {
		var c Count
		for _, day := range slices.Sorted(maps.Keys(all[k])) {
			x := all[k][day]
			c.N += x.N
			c.Late += x.Late
			rows = append(rows, delta{k, day, c})
		}
	}
	return keys, rows
}

// writeCumulative writes a rollup from scratch (cumulative) into the live
// tables.
func writeCumulative(ctx context.Context, tx *sql.Tx, keys []string, rows []delta) error {
	for start := 0; start < len(keys); start += 1000 {
		if err := insertKeys(ctx, tx, keys[start:min(len(keys), start+1000)]); err != nil {
			return err
		}
	}
	return upsertRoll(ctx, tx, rows)
}

// copyRebuilt writes a district's timelines and rollup into a PostgreSQL
// rebuild's new tables: rows never written before (a key lies in one
// district, an organization's timeline is stored with its own), so COPY
// streams them, without ON CONFLICT.
func copyRebuilt(ctx context.Context, tx *sql.Tx, t rollTables, ids []int64, segs map[int64]string, keys []string, rows []delta) error {
	put := func(table string, cols []string, vals [][]any) error {
		if len(vals) == 0 {
			return nil
		}
		ok, err := db.CopyFrom(ctx, tx, table, cols, vals)
		if err == nil && !ok {
			err = fmt.Errorf("copy into %s: the transaction cannot copy (Rebuild joined another)", table)
		}
		if err != nil {
			return fmt.Errorf("org rollup rebuild: %w", err)
		}
		return nil
	}
	vals := make([][]any, 0, len(ids))
	for _, id := range ids {
		vals = append(vals, []any{id, segs[id]})
	}
	if err := put(t.segs, []string{"org_id", "segs"}, vals); err != nil {
		return err
	}
	vals = make([][]any, len(keys))
	for i, k := range keys {
		vals[i] = []any{k}
	}
	if err := put(t.keys, []string{"rk"}, vals); err != nil {
		return err
	}
	vals = make([][]any, len(rows))
	for i, r := range rows {
		vals[i] = []any{r.key, r.day, int64(r.c.N), int64(r.c.Late)}
	}
	return put(t.roll, []string{"rk", "day", "n", "nl"}, vals)
}
