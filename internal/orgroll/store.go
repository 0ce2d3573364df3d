package orgroll

import (
	"cmp"
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
		if err := db.Pairs(rows, old); err != nil {
			return err
		}
		next := map[int64]string{}
		err = eachTimeline(ctx, tx, "o.id IN "+in, nil, func(id int64, segs []Seg) {
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
	// (the units' histograms move with their keys: hist.go)
	d, err := withHist(ctx, tx, d)
	if err != nil {
		return err
	}
	if err := apply(ctx, tx, dia, d); err != nil {
		return err
	}
	return moved(ctx, tx, d)
}

// moved advances the change counter (kpi_changes, migration 008) of every
// district whose dated counts the deltas move, in the writer's
// transaction. The triggers on orgs and org_history advance the counter of
// the organization's district; an organization that moved between
// districts also has days counted in the one it left, which a late or
// backdated entry changes too, and the caches over the dated counts (the
// dashboards', the coverage reports') read that district's counter. The
// writer holds these counters already (LockOrgs, LockScope: taken in code
// order before its first write), so nothing here waits.
func moved(ctx context.Context, tx db.Querier, d Deltas) error {
	seen := map[string]bool{}
	for k := range d {
		if key, ok := ParseKey(k); ok && len(key.Code) >= 6 {
			seen[key.Code[:6]] = true
		}
	}
	if len(seen) == 0 {
		return nil
	}
	var b strings.Builder
	var args []any
	b.WriteString(`INSERT INTO kpi_changes (district, n) VALUES `)
	for i, dist := range slices.Sorted(maps.Keys(seen)) {
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, dist)
		b.WriteString("($" + strconv.Itoa(len(args)) + ", 1)")
	}
	b.WriteString(` ON CONFLICT (district) DO UPDATE SET n = kpi_changes.n + 1`)
	if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("org rollup change counters: %w", err)
	}
	return nil
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
// (on orgs o) keeps, with its hub social workers (WithWorkers), streaming
// them in id order, one at a time.
func eachTimeline(ctx context.Context, q db.Querier, cond string, args []any, fn func(int64, []Seg)) error {
	// the workers first (few: the hubs'), the read below streams on the
	// transaction's one connection
	ws, err := workersOf(ctx, q, cond, args)
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.community_code, o.status, o.tier, o.party_org, o.types_mask, o.groups_mask,
			o.volunteer_mark, o.hub, o.brand, COALESCE(h.field, ''), COALESCE(h.value, ''), COALESCE(h.old_value, ''), h.at,
			CASE WHEN h.late_reason <> '' THEN 1 ELSE 0 END
		FROM orgs o LEFT JOIN org_history h ON h.org_id = o.id AND h.field IN `+fieldList+`
		WHERE `+cond+` ORDER BY o.id, h.at, h.id`, args...)
	if err != nil {
		return fmt.Errorf("org rollup timelines: %w", err)
	}
	defer rows.Close()
	var cur Current
	cur.ID = -1
	var chs []Change
	flush := func() {
		if cur.ID >= 0 {
			fn(cur.ID, WithWorkers(Timeline(cur, chs), ws[cur.ID]))
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

// workersOf reads the social workers of the organizations the condition
// (on orgs o) keeps.
func workersOf(ctx context.Context, q db.Querier, cond string, args []any) (map[int64][]Worker, error) {
	rows, err := q.QueryContext(ctx, `SELECT w.hub_org_id, w.started_on, w.ended_on, w.qualified FROM hub_workers w
		JOIN orgs o ON o.id = w.hub_org_id WHERE `+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("org rollup workers: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Worker{}
	for rows.Next() {
		var id int64
		var w Worker
		var qual int
		if err := rows.Scan(&id, &w.Started, &w.Ended, &qual); err != nil {
			return nil, err
		}
		w.Qualified = qual == 1
		out[id] = append(out[id], w)
	}
	return out, rows.Err()
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
	if d.size() > deltaBatch {
		return merge(ctx, tx, dia, d)
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
		if err := lockKeys(ctx, tx, dia, keys); err != nil {
			return err
		}
		var b strings.Builder
		var args []any
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

// lockKeys makes each key's keys row and locks them (PostgreSQL: in key
// order, so writers touching the same keys queue instead of deadlocking).
func lockKeys(ctx context.Context, tx db.Querier, dia db.Dialect, keys []string) error {
	if err := insertKeys(ctx, tx, keys); err != nil {
		return err
	}
	if fu := dia.ForUpdate(); fu != "" {
		if _, err := forUpdate(ctx, tx, fu, "org_roll_keys", "rk", keys); err != nil {
			return fmt.Errorf("org rollup: %w", err)
		}
	}
	return nil
}

// insertKeys makes each key's keys row where it is missing.
func insertKeys(ctx context.Context, tx db.Querier, keys []string) error {
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
	return nil
}

func (d Deltas) size() int {
	n := 0
	for _, m := range d {
		n += len(m)
	}
	return n
}

// mergeKeys bounds the keys one merge statement reads.
const mergeKeys = 200

// merge is apply for many deltas (an import): the statement-per-chunk form
// recomputes, for every row it moves, the sum of the chunk's deltas up to
// that row, and a file's chunks move the same later days again and again.
// Here each key's rows from the day before its first change on are read
// once, the new counts computed in one pass (the count carried from the
// last row before a day, plus the deltas up to it), and only changed and
// new rows written: the same rows as apply's statements would leave.
func merge(ctx context.Context, tx db.Querier, dia db.Dialect, d Deltas) error {
	keys := slices.Sorted(maps.Keys(d))
	for start := 0; start < len(keys); start += mergeKeys {
		ks := keys[start:min(len(keys), start+mergeKeys)]
		if err := lockKeys(ctx, tx, dia, ks); err != nil {
			return err
		}
		var b strings.Builder
		args := make([]any, 0, 2*len(ks))
		b.WriteString(`WITH m (rk, day) AS (VALUES `)
		for i, k := range ks {
			if i > 0 {
				b.WriteString(", ")
			}
			args = append(args, k, slices.Min(slices.Collect(maps.Keys(d[k]))))
			fmt.Fprintf(&b, "($%d, $%d)", len(args)-1, len(args))
		}
		b.WriteString(`) SELECT r.rk, r.day, r.n, r.nl FROM m JOIN org_roll r ON r.rk = m.rk
			AND r.day >= COALESCE((SELECT MAX(q.day) FROM org_roll q WHERE q.rk = m.rk AND q.day < m.day), m.day)
			ORDER BY r.rk, r.day`)
		rows, err := tx.QueryContext(ctx, b.String(), args...)
		if err != nil {
			return fmt.Errorf("org rollup read: %w", err)
		}
		have := map[string][]rollRow{}
		for rows.Next() {
			var k string
			var r rollRow
			if err := rows.Scan(&k, &r.day, &r.c.N, &r.c.Late); err != nil {
				rows.Close()
				return err
			}
			have[k] = append(have[k], r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var out []delta
		for _, k := range ks {
			out = mergeKey(out, k, have[k], d[k])
		}
		if err := upsertRoll(ctx, tx, out); err != nil {
			return err
		}
	}
	return nil
}

type rollRow struct {
	day string
	c   Count
}

// mergeKey appends the rows of key k to write: rows are its rollup rows
// from the last one before its first change on, in day order; ch its
// changes by day. A row's count holds from its day to the next row's.
func mergeKey(out []delta, k string, rows []rollRow, ch map[string]Count) []delta {
	days := slices.Sorted(maps.Keys(ch))
	var carry, sum Count // the count before the changes, and the changes so far
	i, j := 0, 0
	for i < len(rows) || j < len(days) {
		switch {
		case j == len(days) || (i < len(rows) && rows[i].day < days[j]):
			carry = rows[i].c
			if sum != (Count{}) {
				out = append(out, delta{k, rows[i].day, Count{carry.N + sum.N, carry.Late + sum.Late}})
			}
			i++
		default:
			day := days[j]
			if i < len(rows) && rows[i].day == day {
				carry = rows[i].c
				i++
			}
			c := ch[day]
			sum.N += c.N
			sum.Late += c.Late
			out = append(out, delta{k, day, Count{carry.N + sum.N, carry.Late + sum.Late}})
			j++
		}
	}
	return out
}

// upsertRoll writes rollup rows, new or replacing.
func upsertRoll(ctx context.Context, tx db.Querier, rs []delta) error {
	const per = 250
	for start := 0; start < len(rs); start += per {
		chunk := rs[start:min(len(rs), start+per)]
		var b strings.Builder
		args := make([]any, 0, 4*len(chunk))
		b.WriteString(`INSERT INTO org_roll (rk, day, n, nl) VALUES `)
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4)
			args = append(args, r.key, r.day, r.c.N, r.c.Late)
		}
		b.WriteString(` ON CONFLICT (rk, day) DO UPDATE SET n = excluded.n, nl = excluded.nl`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("org rollup write: %w", err)
		}
	}
	return nil
}

// Sum is the organizations counted under all of a read's keys together.
func Sum(m map[Key]Count) int {
	n := 0
	for _, c := range m {
		n += c.N
	}
	return n
}

// Read returns the counts of the keys of a level and the given dimensions
// whose codes lie in [lo, hi), on a day (YYYY-MM-DD): each key's last row
// on or before it. Keys counting nobody that day are left out.
func Read(ctx context.Context, q db.Querier, lvl int, dims []string, lo, hi, day string) (map[Key]Count, error) {
	reqs := make([]ReadReq, len(dims))
	for i, dim := range dims {
		reqs[i] = ReadReq{Lvl: lvl, Dim: dim, Lo: lo, Hi: hi, Day: day}
	}
	ms, err := ReadMany(ctx, q, reqs)
	if err != nil {
		return nil, err
	}
	out := map[Key]Count{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out, nil
}

// ReadReq is one question of ReadMany: the counts of the keys of a level
// and dimension whose codes lie in [Lo, Hi) on a day, read as Read reads
// them (two seeks per key from the keys' list) or, Scan, as ReadScan does
// (every row of those keys up to the day).
type ReadReq struct {
	Lvl    int
	Dim    string
	Lo, Hi string
	Day    string
	Scan   bool
}

// ReadMany answers several questions in one statement (a UNION ALL of
// their reads, each row tagged with its question), an answer per
// question, in order: what a dashboard's indicators ask of the rollup for
// a unit and date, read together.
func ReadMany(ctx context.Context, q db.Querier, reqs []ReadReq) ([]map[Key]Count, error) {
	out := make([]map[Key]Count, len(reqs))
	if len(reqs) == 0 {
		return out, nil
	}
	// each row is three columns, the question, the key and its counts as
	// one text: "day n nl" for a scanned row, "n nl" for a key's last row
	// ('' when it has none by the day); the driver's cost is per column
	// read (SQLite's connection mutex on each), and these rows are most of
	// a dashboard's
	var b strings.Builder
	var args []any
	arg := func(v any) (p string) {
		p, args = db.Arg(args, v)
		return p
	}
	const counts = `CAST(r.n AS TEXT) || ' ' || CAST(r.nl AS TEXT)`
	for i, r := range reqs {
		klo, khi := KeyRange(r.Lvl, r.Dim, r.Lo, r.Hi)
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		tag := strconv.Itoa(i)
		if r.Scan {
			b.WriteString(`SELECT ` + tag + `, r.rk, r.day || ' ' || ` + counts + ` FROM org_roll r WHERE r.rk >= ` + arg(klo) +
				` AND r.rk < ` + arg(khi) + ` AND r.day <= ` + arg(r.Day))
			continue
		}
		// each key's last row by one seek on the primary key from the
		// keys' list: as a join, SQLite drove from org_roll's rows in the
		// range (every day of every key, a district's key changes on
		// hundreds) and looked up the last day for each; a subquery per
		// count sought each key twice, and a third time for a filter on
		// the count (SQLite flattened it)
		lo, hi, day := arg(klo), arg(khi), arg(r.Day)
		b.WriteString(`SELECT ` + tag + `, k.rk, COALESCE((SELECT ` + counts + ` FROM org_roll r
				WHERE r.rk = k.rk AND r.day <= ` + day + ` ORDER BY r.day DESC LIMIT 1), '')
			FROM org_roll_keys k WHERE k.rk >= ` + lo + ` AND k.rk < ` + hi)
	}
	rows, err := q.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("org rollup read: %w", err)
	}
	defer rows.Close()
	// each question's rows, then its answer made at its size; a scanned
	// key's rows come in any order: its last day's is kept
	type row struct {
		key, day string
		c        Count
	}
	got := make([][]row, len(reqs))
	for rows.Next() {
		var i int
		var r row
		var v string
		if err := rows.Scan(&i, &r.key, &v); err != nil {
			return nil, err
		}
		if i < 0 || i >= len(reqs) {
			return nil, fmt.Errorf("org rollup read: question %d of %d", i, len(reqs))
		}
		if reqs[i].Scan {
			r.day, v, _ = strings.Cut(v, " ")
		}
		var ok bool
		if r.c, ok = lastCounts(v); ok {
			got[i] = append(got[i], r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, rs := range got {
		if reqs[i].Scan {
			// (by key, then day: each key's last row is the one before
			// the next key's)
			slices.SortFunc(rs, func(a, b row) int { return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.day, b.day)) })
			n := 0
			for j, r := range rs {
				if j+1 == len(rs) || rs[j+1].key != r.key {
					rs[n] = r
					n++
				}
			}
			rs = rs[:n]
		}
		out[i] = make(map[Key]Count, len(rs))
		for _, r := range rs {
			// (keys counting nobody that day are left out)
			if r.c.N == 0 {
				continue
			}
			if k, ok := ParseKey(r.key); ok {
				out[i][k] = r.c
			}
		}
	}
	return out, nil
}

// lastCounts reads a row's counts as ReadMany's statement writes them
// ("n nl"); ok is false for none (”).
func lastCounts(s string) (c Count, ok bool) {
	n, nl, found := strings.Cut(s, " ")
	var err1, err2 error
	c.N, err1 = strconv.Atoi(n)
	c.Late, err2 = strconv.Atoi(nl)
	return c, found && err1 == nil && err2 == nil
}

// DayOf is the rollup day a cut (the next midnight in China after a day)
// answers for.
func DayOf(cut time.Time) string { return Day(cut.Add(-time.Second)) }

// ReadScan is Read for one dimension as a range scan: the rows of the keys
// in [lo, hi) up to the day, in key and day order, each key's last one
// kept. It reads every change of those keys up to the day (a community's
// key changes on a few days) in one statement, with no lookup per key:
// for the many keys of a level with few changes each, such as the
// communities of a city.
func ReadScan(ctx context.Context, q db.Querier, lvl int, dim, lo, hi, day string) (map[Key]Count, error) {
	klo, khi := KeyRange(lvl, dim, lo, hi)
	rows, err := q.QueryContext(ctx, `SELECT rk, n, nl FROM org_roll WHERE rk >= $1 AND rk < $2 AND day <= $3 ORDER BY rk, day`,
		klo, khi, day)
	if err != nil {
		return nil, fmt.Errorf("org rollup scan: %w", err)
	}
	defer rows.Close()
	out := map[Key]Count{}
	var last string
	var lc Count
	flush := func() {
		if last == "" || lc.N == 0 {
			return
		}
		if k, ok := ParseKey(last); ok {
			out[k] = lc
		}
	}
	var s sql.RawBytes // (the key is copied only when it changes)
	for rows.Next() {
		var c Count
		if err := rows.Scan(&s, &c.N, &c.Late); err != nil {
			return nil, err
		}
		if string(s) != last {
			flush()
			last = string(s)
		}
		lc = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	flush()
	return out, nil
}
