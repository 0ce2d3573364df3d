package kpi

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"linli/internal/orgroll"
	"linli/internal/platform/db"
)

// A correction (corrections.go) compares an indicator's value at its
// deadline as linli knew it on the deadline ("then": from the rows entered
// before the known day's end, KnownCut) with its value now. After a census
// entered late (补录), the known-then side is most of an evaluated
// dashboard's work: it lists every organization of the unit entered late
// since the deadline (enteredLate: 9,000 timelines for Guangzhou's city)
// to take their part out of the rollup. Yet what was known on a past day
// cannot change afterwards: every write linli makes stamps its entry time
// (org_history.entered_at, hub_workers.created_at), later than any past day.
// So each process keeps, in the unit's frame (frame.go), the known-then
// value of each indicator the rollup answers, once the two sides were found
// to differ in what they read (knownSame: a late entry since the deadline;
// more late entries only add to it).
//
// What would change a kept answer, and what keys it:
//   - the indicator's rule, deadline or scope, a division (a place, its
//     area, whether it is counted): the frame's version (geo_changes and
//     kpi_changes' row ”), under which the frame, and so its answers, is kept;
//   - a row dated before the known day's end written afterwards (a loader's
//     or generator's rows stamped in the past, a test's clock set back), an
//     update or delete of the history, a deleted organization, a worker
//     changed in place (hub_workers keeps no entry time for an ending) or a
//     deleted worker: kpi_then's counter (migration 056), advanced by
//     triggers in the writer's transaction and part of the frame's version.
//     An insert counts only when dated before kpi_then's floor, which a
//     process raises to a known day before it reads what it keeps for it
//     (raiseFloor), so that linli's own writes, stamped now, never count;
//     likewise a worker's ending from and to a day on or after the floor's
//     (a worker counts on a day before it), which changes no kept answer
//     (migration 059);
//   - a move: the records place an organization on a past day by its
//     history (the field "community"), whose later rows are not known then.
//
// Only indicators the rollup answers are kept (rollable): their known-then
// answer reads organizations, their history, their timelines and hub
// workers, all covered above; other sources' rows (bases closed in place,
// pilots revoked) are not. FromRecords keeps nothing (it is the records'
// evaluation the kept answers are held equal to); NoCache keeps them, as it
// keeps the frames.
//
// The month of a correction (lastEntryAfter: of the latest entry under the
// unit made since the deadline) changes with every late entry, and with a
// move into or out of the unit. For the organizations it is kept too, under
// the late entries' counters of the districts under the unit (kpi_late,
// migration 059: advanced by a history row entered after the day it takes
// effect and by an organization's place changed, in the writer's
// transaction; the history's updates and deletes and the organizations'
// deletes move kpi_then, which drops the frame and all it keeps), read
// with the frame's version: an ordinary write leaves it kept, a late entry
// or a move under the unit reads it again. Above a district (a city, a
// province) it is kept per district (distMonths), each district's month
// under that district's own counter: the unit's month is the latest of its
// districts', so a late entry in 天河 reads 天河's again, not the city's
// 34,000 organizations.
type thenKept struct {
	mu     sync.Mutex
	m      map[string]thenAns
	facts  map[string]keptMonth   // lastEntryAfter's answers for the other sources (lateEntries'), under kpi_facts' counters
	none   map[string]int64       // enteredLate's keys (a cut, a known cut, a unit) found with no organization, and the late entries' counters they were read at or after
	months map[string]keptMonth   // lastEntryAfter's answers for the organizations (entryKey), a district or below
	dists  map[string]*distMonths // the same above a district, per district (never changed once kept: replaced)
}

// keptMonth is a lastEntryAfter answer and the late entries' counters
// (kpi_late) under the unit or district it was read at or after.
type keptMonth struct {
	recs  int64
	month string
}

func newThenKept() *thenKept {
	return &thenKept{m: map[string]thenAns{}, none: map[string]int64{}, facts: map[string]keptMonth{}, months: map[string]keptMonth{}, dists: map[string]*distMonths{}}
}

// thenAns is a correction's known-then side at a unit.
type thenAns struct {
	val *float64 // the value as known on the deadline (nil: none)
}

// thenKey keys a known-then answer within a unit's frame: the indicator
// (its rule and deadline are the frame's) and the day it was known on.
func thenKey(ind *Indicator, w when) string {
	return strconv.FormatInt(ind.ID, 10) + "|" + w.Day + "|" + w.KnownCut.String()
}

// keptThen is the kept known-then answer of an indicator at the
// evaluator's unit (ok false: none), and whether one may be kept.
func (e *evaluator) keptThen(ind *Indicator, w when) (a thenAns, ok, keep bool) {
	if e.then == nil || e.s.records.Load() {
		return thenAns{}, false, false
	}
	if _, roll := rollable(ind, w); !roll {
		return thenAns{}, false, false
	}
	e.then.mu.Lock()
	defer e.then.mu.Unlock()
	a, ok = e.then.m[thenKey(ind, w)]
	return a, ok, true
}

// keepThen keeps a known-then answer.
func (e *evaluator) keepThen(ind *Indicator, w when, a thenAns) {
	e.then.mu.Lock()
	defer e.then.mu.Unlock()
	e.then.m[thenKey(ind, w)] = a
}

// raiseFloor makes sure kpi_then's floor is at least the known cut before
// any read of the known-then side (false: it could not be raised in time,
// and the answer is not kept). It writes once per known day and database:
// the floor only grows. On PostgreSQL an insert in flight holds the floor
// row shared until it commits (its trigger read the floor), so the raise
// waits for it, within a short deadline.
func (e *evaluator) raiseFloor(ctx context.Context, cut time.Time) bool {
	if !e.floor.IsZero() && !e.floor.Before(cut) {
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
	defer cancel()
	if _, err := e.s.DB.Write.ExecContext(ctx, `UPDATE kpi_then SET floor = $1 WHERE id = 1 AND (floor IS NULL OR floor < $1)`, cut); err != nil {
		slog.WarnContext(ctx, "kpi then floor", "err", err)
		return false
	}
	e.floor = cut
	return true
}

// keptMonth is a kept lastEntryAfter answer for the organizations under the
// evaluator's unit, a district or below, valid while the late entries'
// counter of its district is unchanged. (Above a district: composedMonth.)
func (e *evaluator) keptMonth(src, k string) (string, bool) {
	if e.then == nil || e.s.records.Load() || (src != SourceOrgs && src != SourceHubs) || e.composes() {
		return "", false
	}
	e.then.mu.Lock()
	defer e.then.mu.Unlock()
	m, ok := e.then.months[k]
	return m.month, ok && m.recs == e.recs
}

// keepMonth keeps a lastEntryAfter answer for the organizations, read after
// the counters e.recs (so as new as they or newer).
func (e *evaluator) keepMonth(src, k, month string) {
	if e.then == nil || e.s.records.Load() || (src != SourceOrgs && src != SourceHubs) || e.composes() {
		return
	}
	e.then.mu.Lock()
	defer e.then.mu.Unlock()
	e.then.months[k] = keptMonth{recs: e.recs, month: month}
}

// distMonths is a lastEntryAfter answer for the organizations under a unit
// above a district, kept per district. The late entries' counters
// (kpi_late) are kept per district: a late entry of an organization
// advances its district's (orgs.district_code), a move both districts'. So
// a district's month, read grouped by o.district_code, stays its answer
// while that district's counter stands, and the unit's is the latest of
// them. A district without a counter has had no late entry nor move since
// the counters began; its month is read once (with the whole unit's, or
// when it first gets a counter, which then differs from none).
type distMonths struct {
	total int64                // the sum of the counters read with the parts (what frameVersion reads for the unit)
	parts map[string]keptMonth // district → its counter (0: none) and its month ("": no entry)
}

// month is the unit's month: the latest of its districts' ("" when none
// has an entry; months in YYYY-MM order as text).
func (d *distMonths) month() string {
	m := ""
	for _, p := range d.parts {
		m = max(m, p.month)
	}
	return m
}

// composes reports whether the evaluator's unit keeps its months per
// district (a unit above a district).
func (e *evaluator) composes() bool {
	return e.unit != "" && len(e.unit) < 6
}

// lateCounters reads the late entries' counters of the districts under a
// unit (kpi_late, one indexed range read).
func (s *Service) lateCounters(ctx context.Context, code string) (map[string]int64, error) {
	return orgroll.CountersIn(ctx, s.DB, "kpi_late", code, false)
}

// composedMonth is lastEntryAfter's answer for the organizations under a
// unit above a district, from the districts' kept months, reading again
// (in one statement, grouped by district) only those of the districts
// whose counter moved since (ok false: not kept here; lastEntryAfter reads
// it whole). When the unit's sum (e.recs, read with the frame's version)
// still equals the parts', no counter moved and nothing is read; otherwise
// the districts' counters are read once per request.
func (e *evaluator) composedMonth(ctx context.Context, src string, spans []span, cut time.Time, k string) (month string, ok bool, err error) {
	if e.then == nil || e.s.records.Load() || (src != SourceOrgs && src != SourceHubs) || !e.composes() {
		return "", false, nil
	}
	e.then.mu.Lock()
	d := e.then.dists[k]
	e.then.mu.Unlock()
	if d != nil && d.total == e.recs {
		return d.month(), true, nil
	}
	if e.dver == nil {
		if e.dver, err = e.s.lateCounters(ctx, e.unit); err != nil {
			return "", false, err
		}
	}
	var total int64
	for _, n := range e.dver {
		total += n
	}
	// the districts to read: all of them when nothing is kept, else those
	// whose counter differs from their part's
	whole := d == nil
	var stale []string
	if !whole {
		for dist, n := range e.dver {
			if p, kept := d.parts[dist]; !kept || p.recs != n {
				stale = append(stale, dist)
			}
		}
		for dist, p := range d.parts {
			if _, counted := e.dver[dist]; !counted && p.recs != 0 {
				whole = true // a counter gone (none are deleted): read all again
			}
		}
		slices.Sort(stale)
	}
	got := map[string]string{}
	if whole || len(stale) > 0 {
		// (each organization of the districts probes its late entries in
		// migration 049's index: for one district, its own organizations
		// alone, instead of every late entry since the cut joined to them)
		q := &query{}
		sql := `SELECT o.district_code, MAX((SELECT MAX(h.entered_at) FROM org_history h WHERE h.org_id = o.id AND ` +
			lateAfter(q.arg(cut)) + `)) FROM orgs o WHERE ` + orgsUnder(q, spans)
		if !whole {
			sql += ` AND o.district_code IN ` + q.in(stale)
		}
		rows, err := e.s.queryGeneric(ctx, sql+` GROUP BY o.district_code`, q.args...)
		if err != nil {
			return "", false, fmt.Errorf("kpi last entries by district: %w", err)
		}
		if err := db.EachPair(rows, func(dist string, v any) { got[dist] = monthOf(v) }); err != nil {
			return "", false, fmt.Errorf("kpi last entries by district: %w", err)
		}
	}
	nd := &distMonths{total: total, parts: map[string]keptMonth{}}
	if !whole {
		maps.Copy(nd.parts, d.parts)
	}
	for dist, n := range e.dver {
		if p, kept := nd.parts[dist]; whole || !kept || p.recs != n {
			nd.parts[dist] = keptMonth{recs: n}
		}
	}
	for dist, m := range got {
		p, listed := nd.parts[dist]
		if !listed && (!whole || !strings.HasPrefix(dist, e.unit)) {
			// an entry under the unit's spans of a district outside its
			// counters' range (no organization is placed so): not kept
			return "", false, nil
		}
		p.month = m
		nd.parts[dist] = p
	}
	e.then.mu.Lock()
	e.then.dists[k] = nd
	e.then.mu.Unlock()
	return nd.month(), true, nil
}

// keptNoLate reports whether enteredLate found no organization for the key
// (a cut, a known cut and a unit under the evaluator's) while the late
// entries' counters under the evaluator's unit stood as they stand now
// (e.recs, read with the frame's version). An organization enters the
// list only by a history row entered after the day it takes effect (an
// insert: kpi_late of its district, migration 059; an update or a delete
// of the history: kpi_then, in the frame's version) or by moving into the
// unit (kpi_late of both districts), so none of them happened since. So
// after an ordinary write under the unit (its change counter moved, not
// its late entries') a correction's known-then check (knownSame) and a
// known-then evaluation read no late entry again: the usual case of a
// unit without a census entered late since its deadlines.
func (e *evaluator) keptNoLate(k, unit string) bool {
	if !e.keepsNoLate(unit) {
		return false
	}
	e.then.mu.Lock()
	defer e.then.mu.Unlock()
	recs, ok := e.then.none[k]
	return ok && recs == e.recs
}

// keepNoLate keeps that enteredLate found no organization for the key,
// read after the counters e.recs (so as new as they or newer).
func (e *evaluator) keepNoLate(k, unit string) {
	if !e.keepsNoLate(unit) {
		return
	}
	e.then.mu.Lock()
	defer e.then.mu.Unlock()
	e.then.none[k] = e.recs
}

// keepsNoLate reports whether enteredLate's answers at the unit may be
// kept under the late entries' counters of the evaluator's unit.
func (e *evaluator) keepsNoLate(unit string) bool {
	return e.then != nil && !e.s.records.Load() && strings.HasPrefix(unit, e.unit)
}

// keptFacts is a kept lastEntryAfter answer for a source of lateEntries
// (bases, pilots, points, brand designations, trainings) under spans
// within the evaluator's unit, valid while the counters of those tables
// under the unit (kpi_facts, migration 068: every insert, update or delete
// of their rows, by its district or ”) are as they were when it was read:
// such a month changes only with a write to its table under the unit, so
// a write of an organization there leaves it kept.
func (e *evaluator) keptFacts(src string, spans []span, k string) (string, bool) {
	if !e.keepsFacts(src, spans) {
		return "", false
	}
	e.then.mu.Lock()
	defer e.then.mu.Unlock()
	m, ok := e.then.facts[k]
	return m.month, ok && m.recs == e.facts
}

// keepFacts keeps such an answer, read after the counters e.facts (so as
// new as they or newer).
func (e *evaluator) keepFacts(src string, spans []span, k, month string) {
	if !e.keepsFacts(src, spans) {
		return
	}
	e.then.mu.Lock()
	defer e.then.mu.Unlock()
	e.then.facts[k] = keptMonth{recs: e.facts, month: month}
}

// keepsFacts reports whether a lastEntryAfter answer of the source under
// the spans may be kept under kpi_facts' counters of the evaluator's unit.
func (e *evaluator) keepsFacts(src string, spans []span) bool {
	if _, ok := lateEntries[src]; !ok || e.then == nil || e.s.records.Load() || e.unit == "" {
		return false
	}
	for _, sp := range spans {
		if !strings.HasPrefix(sp.lo, e.unit) {
			return false
		}
	}
	return true
}
