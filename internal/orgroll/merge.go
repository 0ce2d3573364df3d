package orgroll

import (
	"context"
	"fmt"
	"strings"

	"linli/internal/platform/db"
)

// mergeKeys bounds the keys one round of applyMerged reads and rewrites.
const mergeKeys = 200

// mergeRows bounds the rows of one upsert of applyMerged (4 parameters each).
const mergeRows = 250

// applyMerged is apply for many deltas at once (an import): instead of one
// UPDATE per few hundred deltas, each moving every later row of its keys
// again (so a file's rows cost in proportion to the rollup's size, and an
// import grew quadratically), it reads each key's rows once, adds the
// deltas in Go in day order, and writes back the rows that change, once.
// ds is sorted by key, then day. The keys are locked in key order, as apply
// locks them.
func applyMerged(ctx context.Context, tx db.Querier, dia db.Dialect, ds []delta) error {
	for start := 0; start < len(ds); {
		// a round: the deltas of up to mergeKeys keys
		end, keys := start, []string{}
		for end < len(ds) && (len(keys) < mergeKeys || ds[end].key == keys[len(keys)-1]) {
			if len(keys) == 0 || keys[len(keys)-1] != ds[end].key {
				keys = append(keys, ds[end].key)
			}
			end++
		}
		if err := mergeRound(ctx, tx, dia, keys, ds[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// rollRow is a stored row of the rollup: a key's count from a day on.
type rollRow struct {
	key, day string
	c        Count
}

func mergeRound(ctx context.Context, tx db.Querier, dia db.Dialect, keys []string, ds []delta) error {
	in, args := paramList(dia, keys)
	vals := make([]string, len(keys))
	for i := range keys {
		vals[i] = "(" + dia.Param(i+1) + ")"
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO org_roll_keys (rk) VALUES `+strings.Join(vals, ", ")+`
		ON CONFLICT (rk) DO NOTHING`, args...); err != nil {
		return fmt.Errorf("org rollup keys: %w", err)
	}
	if fu := dia.ForUpdate(); fu != "" {
		rows, err := tx.QueryContext(ctx, `SELECT rk FROM org_roll_keys WHERE rk IN `+in+` ORDER BY rk`+fu, args...)
		if err != nil {
			return fmt.Errorf("org rollup lock: %w", err)
		}
		rows.Close()
	}
	rows, err := tx.QueryContext(ctx, `SELECT rk, day, n, nl FROM org_roll WHERE rk IN `+in+` ORDER BY rk, day`, args...)
	if err != nil {
		return fmt.Errorf("org rollup read: %w", err)
	}
	old := map[string][]rollRow{}
	for rows.Next() {
		var r rollRow
		if err := rows.Scan(&r.key, &r.day, &r.c.N, &r.c.Late); err != nil {
			rows.Close()
			return fmt.Errorf("org rollup read: %w", err)
		}
		old[r.key] = append(old[r.key], r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("org rollup read: %w", err)
	}
	var out []rollRow
	for start := 0; start < len(ds); {
		end := start
		for end < len(ds) && ds[end].key == ds[start].key {
			end++
		}
		out = mergeKey(out, ds[start].key, old[ds[start].key], ds[start:end])
		start = end
	}
	return writeRows(ctx, tx, dia, out)
}

// mergeKey appends the rows of one key that change when its deltas (in day
// order) are added to its stored rows (in day order): every row from the
// first delta's day on moves by the deltas up to its day, and a delta's day
// without a row gets one, holding the count before it plus the deltas.
func mergeKey(out []rollRow, key string, old []rollRow, ds []delta) []rollRow {
	var before, cum Count // the stored count in effect; the deltas so far
	i, j := 0, 0
	for i < len(old) || j < len(ds) {
		var day string
		switch {
		case j == len(ds):
			day = old[i].day
		case i == len(old) || ds[j].day < old[i].day:
			day = ds[j].day
		default:
			day = old[i].day
		}
		stored := i < len(old) && old[i].day == day
		if stored {
			before = old[i].c
			i++
		}
		if j < len(ds) && ds[j].day == day {
			cum.N += ds[j].c.N
			cum.Late += ds[j].c.Late
			j++
		}
		if cum == (Count{}) {
			continue // nothing moves (before the first delta, or deltas that cancel)
		}
		out = append(out, rollRow{key, day, Count{before.N + cum.N, before.Late + cum.Late}})
	}
	return out
}

// writeRows stores rows of the rollup, new or changed.
func writeRows(ctx context.Context, tx db.Querier, dia db.Dialect, rs []rollRow) error {
	for start := 0; start < len(rs); start += mergeRows {
		chunk := rs[start:min(len(rs), start+mergeRows)]
		var b strings.Builder
		args := make([]any, 0, 4*len(chunk))
		b.WriteString(`INSERT INTO org_roll (rk, day, n, nl) VALUES `)
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			n := len(args)
			b.WriteString("(" + dia.Param(n+1) + ", " + dia.Param(n+2) + ", " + dia.Param(n+3) + ", " + dia.Param(n+4) + ")")
			args = append(args, r.key, r.day, r.c.N, r.c.Late)
		}
		b.WriteString(` ON CONFLICT (rk, day) DO UPDATE SET n = excluded.n, nl = excluded.nl`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("org rollup rows: %w", err)
		}
	}
	return nil
}

// paramList is "(p1, p2, …)" for the values, in the dialect's parameters.
func paramList(dia db.Dialect, vals []string) (string, []any) {
	var b strings.Builder
	args := make([]any, len(vals))
	b.WriteByte('(')
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(dia.Param(i + 1))
		args[i] = v
	}
	b.WriteByte(')')
	return b.String(), args
}
