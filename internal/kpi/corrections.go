package kpi

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
)

// correction compares an indicator's value at its deadline as linli
// answered it on the deadline (from the records entered by then) with the
// value for the same date now. A difference is a correction made after the
// deadline passed (补录), shown beside the number. Nothing is compared
// before the deadline, for a known-on answer, or when linli held no record
// yet on the deadline.
func (s *Service) correction(ctx context.Context, e *evaluator, ind *Indicator, node geo.Node, w when, r *Result) (*Correction, error) {
	if w.Known != "" || w.Day < ind.Deadline || ind.Deadline >= s.Today() || r.Status == StateNoData || r.Status == StateNotApplicable {
		return nil, nil
	}
	first, err := s.firstEntry(ctx)
	if err != nil || first == "" || ind.Deadline < first {
		return nil, err
	}
	d, err := time.Parse(time.DateOnly, ind.Deadline)
	if err != nil {
		return nil, nil
	}
	now := whenOf(d, s.now())
	then := now
	then.Known, then.KnownCut = ind.Deadline, now.Cut
	// the known-then side, kept at the unit once the two sides read
	// differently (then.go): what was known on a past day stays so
	kept, ok, keep := e.keptThen(ind, then)
	if !ok {
		// (the floor first: what is kept must be read after it)
		keep = keep && e.raiseFloor(ctx, then.KnownCut)
		if same, err := e.knownSame(ctx, ind, node.Code, then); err != nil || same {
			return nil, err
		}
	}
	// a source lateEntries covers: nothing written late, nothing to show
	// (the records' path, FromRecords, evaluates both, to hold the two equal)
	_, listed := lateEntries[ind.Rule.Source]
	listed = listed && !s.records.Load()
	var month string
	if listed {
		if month, err = e.lastEntryAfter(ctx, ind.Rule.Source, spansAt(ind, node.Code), now.Cut); err != nil || month == "" {
			return nil, err
		}
	}
	evNow, err := s.evaluation(ctx, e, ind, node, now)
	if err != nil {
		return nil, err
	}
	if !ok {
		evThen, err := s.evaluation(ctx, e, ind, node, then)
		if err != nil {
			return nil, err
		}
		if kept.val = evThen.result().Value; keep {
			e.keepThen(ind, then, kept)
		}
	}
	a, b := kept.val, evNow.result().Value
	if a == nil || b == nil || math.Abs(*a-*b) < eps {
		return nil, nil
	}
	if !listed {
		if month, err = e.lastEntryAfter(ctx, ind.Rule.Source, spansAt(ind, node.Code), now.Cut); err != nil {
			return nil, err
		}
	}
	return &Correction{Deadline: ind.Deadline, Was: a, Now: b, Month: month}, nil
}

// prefetchCorrections asks, in one statement, what the corrections of a
// dashboard's indicators on a date ask lastEntryAfter first (the sources
// lateEntries covers, past their deadline).
func (e *evaluator) prefetchCorrections(ctx context.Context, inds []*Indicator, node geo.Node, w when) error {
	if w.Known != "" || e.s.records.Load() {
		return nil
	}
	today := e.s.Today()
	var reqs []entryReq
	for _, ind := range inds {
		if _, ok := lateEntries[ind.Rule.Source]; !ok || w.Day < ind.Deadline || ind.Deadline >= today {
			continue
		}
		d, err := time.Parse(time.DateOnly, ind.Deadline)
		spans := spansAt(ind, node.Code)
		if err != nil || len(spans) == 0 {
			continue
		}
		reqs = append(reqs, entryReq{ind.Rule.Source, spans, whenOf(d, e.s.now()).Cut})
	}
	return e.lastEntries(ctx, reqs)
}

// lateEntries are, for the sources whose records are one table and whose
// known-on answers (see the relations in sources.go) leave out only what was
// written after the known day, where such a write shows: its entry
// (created_at) of a record in effect by the date, and, when the table keeps
// one, a later undoing typed after the day (a base's closing or a pilot's
// revocation, by updated_at; a point's cancellation, cancelled_at). A record
// known on a deadline differently from now is always one of these, so when
// lastEntryAfter finds none the correction has nothing to show.
var lateEntries = map[string]struct {
	table, eff, place string // the table (as b), its effective day, its district-wide place column
	undoneAt, undone  string // the undoing's time column and condition ('' if none)
}{
	SourceBases:     {"bases", "b.opened_on", "b.district_code", "b.updated_at", "b.closed_on <> '' AND b.closed_on < "},
	SourcePilots:    {"pilots", "b.designated_on", "b.district_code", "b.updated_at", "b.revoked_on <> '' AND b.revoked_on < "},
	SourcePoints:    {"demonstration_points", "b.approved_on", "b.district_code", "b.cancelled_at", "b.approved_on < "},
	SourceProjects:  {"brand_designations", "b.effective_on", "b.street_code", "", ""},
	SourceTrainings: {"trainings", "b.start_day", "b.unit_code", "", ""},
}

// lastEntryAfter is the month (in China) of the latest entry, made after a
// cut, of a fact in effect before it, under the spans ("" when there is
// none, or for a source it does not know). A dashboard reads those of its
// indicators in one statement first (see lastEntries).
func (e *evaluator) lastEntryAfter(ctx context.Context, src string, spans []span, cut time.Time) (string, error) {
	k := entryKey(src, spans, cut)
	if m, ok := e.entries[k]; ok {
		return m, nil
	}
	if m, ok := e.keptMonth(src, k); ok {
		e.entries[k] = m
		return m, nil
	}
	if m, ok := e.keptFacts(src, spans, k); ok {
		e.entries[k] = m
		return m, nil
	}
	if m, ok, err := e.composedMonth(ctx, src, spans, cut, k); err != nil || ok {
		e.entries[k] = m
		return m, err
	}
	q := &query{}
	sql := lastEntrySQL(q, src, spans, cut)
	if sql == "" {
		return "", nil
	}
	var v any
	if err := e.s.DB.Generic.QueryRowContext(ctx, sql, q.args...).Scan(&v); err != nil {
		return "", fmt.Errorf("kpi last entry: %w", err)
	}
	e.entries[k] = monthOf(v)
	e.keepMonth(src, k, e.entries[k])
	e.keepFacts(src, spans, k, e.entries[k])
	return e.entries[k], nil
}

// entryReq is one lastEntryAfter question.
type entryReq struct {
	src   string
	spans []span
	cut   time.Time
}

func entryKey(src string, spans []span, cut time.Time) string {
	if src == SourceHubs {
		src = SourceOrgs // (one statement answers both: lastEntrySQL)
	}
	var b strings.Builder
	b.WriteString(src + "|" + cut.String())
	for _, sp := range spans {
		b.WriteString("|" + sp.lo)
	}
	return b.String()
}

// lastEntries answers several lastEntryAfter questions in one statement,
// keeping the answers for the request.
func (e *evaluator) lastEntries(ctx context.Context, reqs []entryReq) error {
	q := &query{}
	var parts []string
	var keys []string
	var asked []entryReq
	for _, r := range reqs {
		k := entryKey(r.src, r.spans, r.cut)
		if _, ok := e.entries[k]; ok || slices.Contains(keys, k) {
			continue
		}
		if m, ok := e.keptFacts(r.src, r.spans, k); ok {
			e.entries[k] = m
			continue
		}
		if sql := lastEntrySQL(q, r.src, r.spans, r.cut); sql != "" {
			parts = append(parts, "SELECT "+strconv.Itoa(len(keys))+" AS i, ("+sql+") AS t")
			keys = append(keys, k)
			asked = append(asked, r)
		}
	}
	rows, err := e.s.unionAll(ctx, "kpi last entries", q, parts)
	if err != nil || rows == nil {
		return err
	}
	if err := db.EachPair(rows, func(i int, v any) { e.entries[keys[i]] = monthOf(v) }); err != nil {
		return err
	}
	for i, r := range asked {
		e.keepFacts(r.src, r.spans, keys[i], e.entries[keys[i]])
	}
	return nil
}

func monthOf(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	return clock.Month(t)
}

// lastEntrySQL is lastEntryAfter's statement (one row, the time), or "".
func lastEntrySQL(q *query, src string, spans []span, cut time.Time) string {
	c := q.arg(cut)
	switch src {
	case SourceOrgs, SourceHubs:
		return `SELECT MAX(h.entered_at) FROM org_history h JOIN orgs o ON o.id = h.org_id WHERE ` + lateAfter(c) + ` AND ` + orgsUnder(q, spans)
	}
	e, ok := lateEntries[src]
	if !ok {
		return ""
	}
	day := q.arg(clock.Day(cut))
	place := rangeCond(q, func(int) string { return e.place }, districtSpans(spans))
	sql := `SELECT MAX(b.created_at) AS t FROM ` + e.table + ` b WHERE b.created_at >= ` + c + ` AND ` + e.eff + ` < ` + day + ` AND ` + place
	if e.undoneAt != "" {
		sql = `SELECT MAX(x.t) FROM (` + sql + ` UNION ALL SELECT MAX(` + e.undoneAt + `) AS t FROM ` + e.table + ` b WHERE ` +
			e.undoneAt + ` >= ` + c + ` AND ` + e.undone + day + ` AND ` + place + `) x`
	}
	return sql
}

// lateAfter is the condition on an organization's history row (h) of an
// entry made after a cut (the argument c) of a fact in effect before it:
// lastEntrySQL's rule for the organizations, which the months kept per
// district (then.go) ask grouped by district.
func lateAfter(c string) string {
	// (entered_at > at follows from the two bounds; said, it lets the
	// partial indexes of the late entries answer: migrations 039, 049)
	return `h.at < ` + c + ` AND h.entered_at >= ` + c + ` AND h.entered_at > h.at`
}

// orgsUnder is the condition on an organization (o) placed under the spans.
func orgsUnder(q *query, spans []span) string {
	return rangeCond(q, func(n int) string {
		if n >= 12 {
			return "o.community_code"
		}
		return "o.street_code"
	}, spans)
}

// districtSpans widens spans to whole districts (a table keyed by its
// district code only).
func districtSpans(spans []span) []span {
	out := make([]span, 0, len(spans))
	for _, sp := range spans {
		if len(sp.lo) > 6 {
			out = append(out, spanOf(sp.lo[:6]))
		} else {
			out = append(out, sp)
		}
	}
	return out
}
