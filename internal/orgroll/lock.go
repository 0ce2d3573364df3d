package orgroll

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	"linli/internal/platform/db"
)

// Locked is the set of districts whose change counters a writer holds.
type Locked struct {
	all       bool // SQLite: the writer holds the whole database
	districts []string
}

// Covers reports whether the writer holds the counter of a district (a
// code that names none, of an organization without a district, has no
// place in the order and is covered).
func (l Locked) Covers(district string) bool {
	return l.all || len(district) != 6 || slices.Contains(l.districts, district)
}

// LockDistricts takes the change counters (kpi_changes, migration 008) of
// the districts of the given codes (cut to 6 digits), in code order: the
// one lock order of writers of organizations. Every writer whose change
// may touch more than one district (a move, a late entry or a hub's change
// on an organization that moved, an import) takes them before its first
// write that advances a counter: the triggers would otherwise take the
// organization's own district first (on an update, the one it leaves before
// the one it enters) and moved the others, so that two writers touching
// two districts in opposite orders deadlocked. The counters are not
// advanced here: the triggers and moved still do that, on the rows
// already held, so a district is advanced only by a change to it. Every
// other row a writer locks afterwards (the rollup's keys, the tallies) lies
// in one of these districts, or is the audit chain's head, taken last. On
// SQLite, whose writers take the database in turn, there is nothing to
// take.
func LockDistricts(ctx context.Context, tx db.Querier, dia db.Dialect, codes []string) (Locked, error) {
	fu := dia.ForUpdate()
	if fu == "" {
		return Locked{all: true}, nil
	}
	ds := districtsOf(codes)
	if len(ds) == 0 {
		return Locked{}, nil
	}
	held, err := forUpdate(ctx, tx, fu, "kpi_changes", "district", ds)
	if err != nil || len(held) == len(ds) {
		return Locked{districts: held}, err
	}
	// a district never changed yet: its row, counting nothing, to lock (of
	// a district that exists: a code from a form may name none)
	in, args := db.InList(ds, nil)
	if _, err := tx.ExecContext(ctx, `INSERT INTO kpi_changes (district, n) SELECT code, 0 FROM divisions
		WHERE code IN `+in+` ORDER BY code ON CONFLICT (district) DO NOTHING`, args...); err != nil {
		return Locked{}, fmt.Errorf("change counters: %w", err)
	}
	held, err = forUpdate(ctx, tx, fu, "kpi_changes", "district", ds)
	return Locked{districts: held}, err
}

// LockOrgs is LockDistricts for a change to a few organizations: the
// districts their timelines reach (each one's own, and those its moves
// name: a late entry moves the counts of every district it was in), and
// those of the communities the change may move them to. One statement
// reads and locks them, unless a district has no counter yet.
//
// That statement reads the timelines as they were when it began, and
// while it waits for a counter another writer holds, that writer (or
// several in turn) may move an organization: away, or away and back, so
// that its timeline now reaches a district not held, which its change
// would then take out of order. Such a move shows in the counters: it
// advances the counter of the district the organization leaves (as any
// other change to its history advances that of its district: migration
// 034's triggers, which also made the counter of every district an
// organization was ever in), a district the statement locks, after the
// statement began. So the statement tells, with each counter it locks,
// whether its value moved between the statement's start (kept by the
// materialized s) and the lock (k, read again once granted); only then
// does a second read, which sees every change committed until then, look
// at the timelines again, and LockOrgs answers ErrMoved if they reach a
// district not held: the writer rolls back and runs again (Retries), the
// new district then taken in order. Once the counters are held, the
// timelines change no more until the writer ends: a writer that would
// change one of these organizations needs the counter of its district,
// which this one holds.
func LockOrgs(ctx context.Context, tx db.Querier, dia db.Dialect, ids []int64, communities ...string) (Locked, error) {
	if dia.ForUpdate() == "" {
		return Locked{all: true}, nil
	}
	return lockReach(ctx, tx, dia, func(args []any) (string, []any) {
		in, args := db.InList(append(slices.Clone(ids), 0), args) // (an empty list is no SQL)
		return `o.id IN ` + in, args
	}, districtsOf(communities))
}

// lockReach is LockOrgs of the organizations a condition on orgs o keeps
// (orgs: the condition, its arguments appended to args; its text depends
// on nothing but their number), and of the districts to.
func lockReach(ctx context.Context, tx db.Querier, dia db.Dialect, orgs func(args []any) (string, []any), to []string) (Locked, error) {
	fu := dia.ForUpdate()
	in, args := db.InList(to, nil)
	if len(to) == 0 {
		in = "(NULL)"
	}
	reached, args := reach(orgs, args)
	rows, err := tx.QueryContext(ctx, `WITH s AS MATERIALIZED (SELECT district, n FROM kpi_changes WHERE `+reached+` OR district IN `+in+`)
		SELECT k.district, k.n <> s.n FROM kpi_changes k JOIN s ON s.district = k.district ORDER BY k.district`+fu+` OF k`, args...)
	if err != nil {
		return Locked{}, fmt.Errorf("change counters: %w", err)
	}
	var l Locked
	moved, err := lockedMoved(rows, &l.districts)
	if err != nil {
		return Locked{}, err
	}
	for _, d := range to {
		if !slices.Contains(l.districts, d) {
			if l, err = LockDistricts(ctx, tx, dia, append(l.districts, to...)); err != nil {
				return Locked{}, err
			}
			// its row may be new, made by a writer that moved an
			// organization there meanwhile: no counter of s tells
			moved = true
			break
		}
	}
	if !moved {
		return l, nil
	}
	reached, args = reach(orgs, nil)
	now, err := districtsFrom(ctx, tx, `SELECT district FROM kpi_changes WHERE `+reached, args...)
	if err != nil {
		return Locked{}, err
	}
	for _, d := range now {
		if !l.Covers(d) {
			return Locked{}, fmt.Errorf("district %s: %w", d, ErrMoved)
		}
	}
	return l, nil
}

// ErrMoved is LockOrgs' answer when another writer moved an organization
// to a district whose counter the writer does not hold, between the read
// of its timeline and the locks.
var ErrMoved = errors.New("organization moved meanwhile")

// reach is the condition on kpi_changes of the districts the timelines of
// the organizations orgs o keeps reach (each one's own, and those its
// moves name), the condition's arguments appended to args: the
// statement's text depends on their number only, so that a connection
// prepares it once.
func reach(orgs func(args []any) (string, []any), args []any) (string, []any) {
	of, args := orgs(args)
	return `district IN (SELECT o.district_code FROM orgs o WHERE ` + of + `
		UNION SELECT substr(m.code, 1, 6) FROM org_history h JOIN orgs o ON o.id = h.org_id
			CROSS JOIN LATERAL (VALUES (h.value), (h.old_value)) m (code) WHERE ` + of + ` AND h.field = 'community')`, args
}

// lockedMoved reads LockOrgs' districts into ds and tells whether a
// counter moved.
func lockedMoved(rows *sql.Rows, ds *[]string) (bool, error) {
	defer rows.Close()
	moved := false
	for rows.Next() {
		var d string
		var m bool
		if err := rows.Scan(&d, &m); err != nil {
			return false, fmt.Errorf("change counters: %w", err)
		}
		*ds, moved = append(*ds, d), moved || m
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("change counters: %w", err)
	}
	return moved, nil
}

// districtsFrom reads a column of districts.
func districtsFrom(ctx context.Context, tx db.Querier, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("change counters: %w", err)
	}
	ds, err := db.Column[string](rows)
	if err != nil {
		return nil, fmt.Errorf("change counters: %w", err)
	}
	return ds, nil
}

// Retries runs the transactions of a service's writers of organizations
// again when LockOrgs finds an organization moved meanwhile (ErrMoved),
// up to three runs in all, and counts the runs made again. The zero value
// is ready; a service keeps one for all its writers.
type Retries struct{ again atomic.Int64 }

// Run runs tx, a whole transaction (each run a new one), until it ends in
// anything but ErrMoved or has run three times. A transaction that joins
// one already on ctx (db.Tx) runs once: its ErrMoved reaches the writer
// that began the transaction, whose Run rolls back and runs it all again.
func (r *Retries) Run(ctx context.Context, tx func() error) error {
	err := tx()
	for run := 1; run < 3 && errors.Is(err, ErrMoved) && db.TxFrom(ctx) == nil; run++ {
		r.again.Add(1)
		err = tx()
	}
	return err
}

// Again is how many runs Run made again.
func (r *Retries) Again() int64 { return r.again.Load() }

// LockScope is LockOrgs for a writer that may touch any organization
// under a unit, and create organizations there (an import: its rows come a
// batch at a time, so what it touches is known only as it goes, and a lock
// taken at a later batch would break the order): every district under the
// unit, and every district the timelines of the organizations now under
// it reach. A late entry (a dated census row) moves the counts, and the
// rollup's refresh at the end of the import the counter, of every district
// an organization's timeline was in: one that moved into the unit from
// another district reaches that district. An organization the writer
// creates is new and reaches only its own district, under the unit.
//
// The districts are read and locked in one statement (LockOrgs'), of a
// few index reads per organization under the unit (the organization's
// moves: org_history by org_id and field). As for LockOrgs, another writer
// may move an organization into the unit while the statement waits for a
// counter: it advances the counter of the district it enters, under the
// unit and so in the statement's set, which then looks again and finds the
// district the organization came from not held (ErrMoved). Nothing is
// written yet, but the writer may run in its caller's transaction (a
// census round's submission, a durable job), which cannot simply run
// again: LockScope takes the counters after a savepoint and, on ErrMoved,
// rolls back to it (PostgreSQL releases the row locks taken since) and
// takes them again, the new district then in order; three tries in all.
// Once the counters are held no organization enters or leaves the unit,
// nor changes its timeline, until the writer ends: a writer that would
// needs the counter of a district under the unit, which this one holds.
// So every organization the writer may change is one whose timeline the
// statement read, or one it created.
func LockScope(ctx context.Context, tx db.Querier, dia db.Dialect, code string) (Locked, error) {
	if dia.ForUpdate() == "" {
		return Locked{all: true}, nil
	}
	to := []string{code}
	if len(code) < 6 {
		in, args := db.ScopeCond("code", code, nil)
		var err error
		if to, err = districtsFrom(ctx, tx, `SELECT code FROM divisions WHERE level = 3 AND `+in, args...); err != nil {
			return Locked{}, err
		}
	}
	under := func(args []any) (string, []any) { return db.ScopeCond("o.community_code", code, args) }
	exec := func(stmt string) error {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("change counters: %w", err)
		}
		return nil
	}
	for run := 1; ; run++ {
		if err := exec(`SAVEPOINT lock_scope`); err != nil {
			return Locked{}, err
		}
		l, err := lockReach(ctx, tx, dia, under, districtsOf(to))
		if run == 3 || !errors.Is(err, ErrMoved) {
			if err != nil {
				return Locked{}, err
			}
			// the writes that follow are the transaction's own
			return l, exec(`RELEASE SAVEPOINT lock_scope`)
		}
		if err := exec(`ROLLBACK TO SAVEPOINT lock_scope`); err != nil {
			return Locked{}, err
		}
	}
}

// forUpdate locks the rows of a table whose column holds one of the
// (sorted) keys, in key order, and returns their keys.
func forUpdate(ctx context.Context, tx db.Querier, fu, table, col string, keys []string) ([]string, error) {
	in, args := db.InList(keys, nil)
	rows, err := tx.QueryContext(ctx, `SELECT `+col+` FROM `+table+` WHERE `+col+` IN `+in+` ORDER BY `+col+fu, args...)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", table, err)
	}
	held, err := db.Column[string](rows)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", table, err)
	}
	return held, nil
}

// districtsOf lists the districts of codes (their first 6 digits) once
// each, in code order.
func districtsOf(codes []string) []string {
	var ds []string
	for _, c := range codes {
		if len(c) >= 6 {
			ds = append(ds, c[:6])
		}
	}
	slices.Sort(ds)
	return slices.Compact(ds)
}
