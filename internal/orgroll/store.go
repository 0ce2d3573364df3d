package orgroll

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/db"
)

// fieldList is Fields as an SQL list.
var fieldList = "('" + strings.Join(Fields, "', '") + "')"

// idBatch bounds the ids of one read.
const idBatch = 500

// Refresh re-derives the timelines of organizations whose row or history
// changed, in the writer's transaction, and moves the rollup by the
// difference. ids may repeat.
func Refresh(ctx context.Context, tx db.Querier, dia db.Dialect, ids []int64) error {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	d := Deltas{}
	for start := 0; start < len(ids); start += idBatch {
		chunk := ids[start:min(len(ids), start+idBatch)]
		in := idList(chunk)
		old := map[int64]string{}
		rows, err := tx.QueryContext(ctx, `SELECT org_id, segs FROM org_segs WHERE org_id IN `+in)
		if err != nil {
			return fmt.Errorf("org rollup: %w", err)
		}
		for rows.Next() {
			var id int64
			var s string
			if err := rows.Scan(&id, &s); err != nil {
				rows.Close()
				return err
			}
			old[id] = s
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		next := map[int64]string{}
		err = eachTimeline(ctx, tx, "o.id IN "+in, func(id int64, segs []Seg) {
			next[id] = Encode(segs)
		})
		if err != nil {
			return err
		}
		var upd []int64
		for _, id := range chunk {
			if old[id] == next[id] {
				continue
			}
			d.Add(Decode(old[id]), -1)
			d.Add(Decode(next[id]), 1)
			upd = append(upd, id)
		}
		if err := writeSegs(ctx, tx, upd, next); err != nil {
			return err
		}
	}
	return apply(ctx, tx, dia, d)
}

func idList(ids []int64) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(')')
	return b.String()
}

// eachTimeline derives the timeline of every organization the condition
// (on orgs o) keeps, streaming them in id order, one at a time.
func eachTimeline(ctx context.Context, q db.Querier, cond string, fn func(int64, []Seg)) error {
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.community_code, o.status, o.tier, o.party_org, o.types_mask, o.groups_mask,
			o.volunteer_mark, o.hub, o.brand, COALESCE(h.field, ''), COALESCE(h.value, ''), COALESCE(h.old_value, ''), h.at,
			CASE WHEN h.late_reason <> '' THEN 1 ELSE 0 END
		FROM orgs o LEFT JOIN org_history h ON h.org_id = o.id AND h.field IN `+fieldList+`
		WHERE `+cond+` ORDER BY o.id, h.at, h.id`)
	if err != nil {
		return fmt.Errorf("org rollup timelines: %w", err)
	}
	defer rows.Close()
	var cur Current
	cur.ID = -1
	var chs []Change
	flush := func() {
		if cur.ID >= 0 {
			fn(cur.ID, Timeline(cur, chs))
		}
	}
	for rows.Next() {
		var c Current
		var mark, hub, brand, late int
		var ch Change
		var at sql.NullTime
		if err := rows.Scan(&c.ID, &c.Community, &c.Status, &c.Tier, &c.Party, &c.Types, &c.Groups, &mark, &hub, &brand,
			&ch.Field, &ch.Value, &ch.Old, &at, &late); err != nil {
			return err
		}
		if c.ID != cur.ID {
			flush()
			c.Mark, c.Hub, c.Brand = mark == 1, hub == 1, brand == 1
			cur, chs = c, chs[:0]
		}
		if at.Valid && ch.Field != "" {
			ch.Day, ch.Late = Day(at.Time), late == 1
			chs = append(chs, ch)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	flush()
	return nil
}

// writeSegs stores the timelines of the given organizations.
func writeSegs(ctx context.Context, tx db.Querier, ids []int64, segs map[int64]string) error {
	for start := 0; start < len(ids); start += idBatch {
		chunk := ids[start:min(len(ids), start+idBatch)]
		if _, err := tx.ExecContext(ctx, `DELETE FROM org_segs WHERE org_id IN `+idList(chunk)); err != nil {
			return fmt.Errorf("org rollup segs: %w", err)
		}
		var b strings.Builder
		args := make([]any, 0, 2*len(chunk))
		for _, id := range chunk {
			if segs[id] == "" {
				continue
			}
			if len(args) > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "($%d, $%d)", len(args)+1, len(args)+2)
			args = append(args, id, segs[id])
		}
		if len(args) == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO org_segs (org_id, segs) VALUES `+b.String(), args...); err != nil {
			return fmt.Errorf("org rollup segs: %w", err)
		}
	}
	return nil
}

// deltaBatch bounds the (key, day) changes of one statement.
const deltaBatch = 400

type delta struct {
	key, day string
	c        Count
}

// apply moves the rollup by the deltas: each key's keys row exists and is
// locked (PostgreSQL: in key order, so writers touching the same keys
// queue instead of deadlocking); a row is made on each changed day holding
// the count before the change; then every row from a change on adds it.
func apply(ctx context.Context, tx db.Querier, dia db.Dialect, d Deltas) error {
	if len(d) == 0 {
		return nil
	}
	var ds []delta
	for _, k := range slices.Sorted(maps.Keys(d)) {
		for _, day := range slices.Sorted(maps.Keys(d[k])) {
			ds = append(ds, delta{k, day, d[k][day]})
		}
	}
	for start := 0; start < len(ds); start += deltaBatch {
		chunk := ds[start:min(len(ds), start+deltaBatch)]
		var keys []string
		for _, x := range chunk {
			if len(keys) == 0 || keys[len(keys)-1] != x.key {
				keys = append(keys, x.key)
			}
		}
		var b strings.Builder
		args := make([]any, 0, len(keys))
		b.WriteString(`INSERT INTO org_roll_keys (rk) VALUES `)
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			args = append(args, k)
			b.WriteString("($" + strconv.Itoa(len(args)) + ")")
		}
		b.WriteString(` ON CONFLICT (rk) DO NOTHING`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("org rollup keys: %w", err)
		}
		if fu := dia.ForUpdate(); fu != "" {
			ph := make([]string, len(keys))
			for i := range keys {
				ph[i] = "$" + strconv.Itoa(i+1)
			}
			rows, err := tx.QueryContext(ctx, `SELECT rk FROM org_roll_keys WHERE rk IN (`+strings.Join(ph, ", ")+`) ORDER BY rk`+fu, args...)
			if err != nil {
				return fmt.Errorf("org rollup lock: %w", err)
			}
			rows.Close()
		}
		b.Reset()
		args = args[:0]
		b.WriteString(`WITH d (rk, day, n, nl) AS (VALUES `)
		for i, x := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&b, "($%d, $%d, CAST($%d AS INTEGER), CAST($%d AS INTEGER))", n+1, n+2, n+3, n+4)
			args = append(args, x.key, x.day, x.c.N, x.c.Late)
		}
		b.WriteString(`) `)
		with := b.String()
		if _, err := tx.ExecContext(ctx, with+`INSERT INTO org_roll (rk, day, n, nl)
			SELECT d.rk, d.day, COALESCE(p.n, 0), COALESCE(p.nl, 0) FROM d
			LEFT JOIN org_roll p ON p.rk = d.rk AND p.day = (SELECT MAX(q.day) FROM org_roll q WHERE q.rk = d.rk AND q.day < d.day)
			WHERE 1 = 1 ON CONFLICT (rk, day) DO NOTHING`, args...); err != nil {
			return fmt.Errorf("org rollup days: %w", err)
		}
		if _, err := tx.ExecContext(ctx, with+`UPDATE org_roll SET
			n = n + (SELECT SUM(d.n) FROM d WHERE d.rk = org_roll.rk AND d.day <= org_roll.day),
			nl = nl + (SELECT SUM(d.nl) FROM d WHERE d.rk = org_roll.rk AND d.day <= org_roll.day)
			WHERE rk IN (SELECT d.rk FROM d) AND day >= (SELECT MIN(d.day) FROM d WHERE d.rk = org_roll.rk)`, args...); err != nil {
			return fmt.Errorf("org rollup counts: %w", err)
		}
	}
	return nil
}

// Rebuild derives every timeline and the whole rollup from the records, in
// one transaction: after a bulk load that bypassed the registry, or at the
// first start after migration 035 on a database holding organizations.
func Rebuild(ctx context.Context, d *db.DB) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		for _, t := range []string{"org_segs", "org_roll", "org_roll_keys"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("org rollup rebuild: %w", err)
			}
		}
		// the timelines are kept and written after the read: the read
		// streams on the transaction's one connection
		all := Deltas{}
		var ids []int64
		segs := map[int64]string{}
		err := eachTimeline(ctx, tx, "1 = 1", func(id int64, ss []Seg) {
			if len(ss) == 0 {
				return
			}
			all.Add(ss, 1)
			ids = append(ids, id)
			segs[id] = Encode(ss)
		})
		if err != nil {
			return err
		}
		if err := writeSegs(ctx, tx, ids, segs); err != nil {
			return err
		}
		if err := writeCumulative(ctx, tx, all); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE org_roll_state SET built = 1`)
		return err
	})
}

// writeCumulative writes a rollup from scratch: keys, and each key's count
// from every day it changed.
func writeCumulative(ctx context.Context, tx *sql.Tx, all Deltas) error {
	keys := slices.Sorted(maps.Keys(all))
	for start := 0; start < len(keys); start += 1000 {
		chunk := keys[start:min(len(keys), start+1000)]
		var b strings.Builder
		args := make([]any, 0, len(chunk))
		b.WriteString(`INSERT INTO org_roll_keys (rk) VALUES `)
		for i, k := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			args = append(args, k)
			b.WriteString("($" + strconv.Itoa(len(args)) + ")")
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("org rollup keys: %w", err)
		}
	}
	var b strings.Builder
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO org_roll (rk, day, n, nl) VALUES `+b.String(), args...)
		b.Reset()
		args = args[:0]
		if err != nil {
			return fmt.Errorf("org rollup rows: %w", err)
		}
		return nil
	}
	for _, k := range keys {
		var c Count
		for _, day := range slices.Sorted(maps.Keys(all[k])) {
			x := all[k][day]
			c.N += x.N
			c.Late += x.Late
			if len(args) > 0 {
				b.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4)
			args = append(args, k, day, c.N, c.Late)
			if len(args) >= 4*deltaBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// Ensure builds the rollup of a database migrated to it with organizations
// already there (org_roll_state.built = 0). It reports whether it built.
func Ensure(ctx context.Context, d *db.DB) (bool, error) {
	var built int
	if err := d.Read.QueryRowContext(ctx, `SELECT built FROM org_roll_state`).Scan(&built); err != nil {
		return false, fmt.Errorf("org rollup state: %w", err)
	}
	if built == 1 {
		return false, nil
	}
	return true, Rebuild(ctx, d)
}

// Read returns the counts of the keys of a level and the given dimensions
// whose codes lie in [lo, hi), on a day (YYYY-MM-DD): each key's last row
// on or before it. Keys counting nobody that day are left out.
func Read(ctx context.Context, q db.Querier, lvl int, dims []string, lo, hi, day string) (map[Key]Count, error) {
	out := map[Key]Count{}
	for _, dim := range dims {
		klo, khi := KeyRange(lvl, dim, lo, hi)
		rows, err := q.QueryContext(ctx, `SELECT k.rk, r.n, r.nl FROM org_roll_keys k
			JOIN org_roll r ON r.rk = k.rk AND r.day = (SELECT MAX(x.day) FROM org_roll x WHERE x.rk = k.rk AND x.day <= $3)
			WHERE k.rk >= $1 AND k.rk < $2 AND r.n <> 0`, klo, khi, day)
		if err != nil {
			return nil, fmt.Errorf("org rollup read: %w", err)
		}
		for rows.Next() {
			var s string
			var c Count
			if err := rows.Scan(&s, &c.N, &c.Late); err != nil {
				rows.Close()
				return nil, err
			}
			if k, ok := ParseKey(s); ok {
				out[k] = c
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DayOf is the rollup day a cut (the next midnight in China after a day)
// answers for.
func DayOf(cut time.Time) string { return Day(cut.Add(-time.Second)) }
