package kpi

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"
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
//     update or delete of the history, a deleted organization, a worker's
//     ending typed in place (hub_workers keeps no entry time for it) or a
//     deleted worker: kpi_then's counter (migration 056), advanced by
//     triggers in the writer's transaction and part of the frame's version.
//     An insert counts only when dated before kpi_then's floor, which a
//     process raises to a known day before it reads what it keeps for it
//     (raiseFloor), so that linli's own writes, stamped now, never count;
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
// move into or out of the unit. For the organizations it is kept too, but
// under the version of the records under the unit (orgroll.Changes, read
// with the frame's version): a write there reads it again.
type thenKept struct {
	mu     sync.Mutex
	m      map[string]thenAns
	months map[string]keptMonth // lastEntryAfter's answers for the organizations (entryKey)
}

// keptMonth is a lastEntryAfter answer and the version of the records
// under the unit it was read at or after.
type keptMonth struct {
	recs  int64
	month string
}

func newThenKept() *thenKept {
	return &thenKept{m: map[string]thenAns{}, months: map[string]keptMonth{}}
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
// evaluator's unit, valid while the records under the unit are unchanged.
func (e *evaluator) keptMonth(src, k string) (string, bool) {
	if e.then == nil || e.s.records.Load() || (src != SourceOrgs && src != SourceHubs) {
		return "", false
	}
	e.then.mu.Lock()
	defer e.then.mu.Unlock()
	m, ok := e.then.months[k]
	return m.month, ok && m.recs == e.recs
}

// keepMonth keeps a lastEntryAfter answer for the organizations, read after
// the version e.recs (so as new as it or newer).
func (e *evaluator) keepMonth(src, k, month string) {
	if e.then == nil || e.s.records.Load() || (src != SourceOrgs && src != SourceHubs) {
		return
	}
	e.then.mu.Lock()
	defer e.then.mu.Unlock()
	e.then.months[k] = keptMonth{recs: e.recs, month: month}
}
