package kpi

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"

	"linli/internal/geo"
	"linli/internal/orgroll"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// The organizations' dated rollup (internal/orgroll, issue 19): a rule
// counting active organizations by one dimension (every one, a tier, a
// type, a party organization form, the hub, brand or volunteer flag, and
// the area) reads a few rows per unit on any date, instead of the records.
// What the rollup does not keep (combined conditions, workers, training,
// grades, known_on) reads the records as before.

// FromRecords makes evaluations count from the records even where the
// rollup answers (to hold the two equal, and to measure the difference).
func (s *Service) FromRecords(on bool) {
	s.records.Store(on)
	s.NoCache(s.cache.isOff())
}

// rollQuery is what a rule asks of the rollup: one dimension and the keys
// of it that count.
type rollQuery struct {
	dim  string
	keys []string // any of ("" for a flag or every organization)
	// rural keeps (true) or drops (false) the villages' organizations
	rural *bool
}

// workersQuery is the rollup's question for a record share's numerator
// that asks only for social workers (workersOnly): the hubs of the
// denominator's keys with at least so many workers. The rollup keeps them
// for the hubs (orgroll.WorkersDim: one key per unit and area), so ok is
// false for another denominator (workerCounts answers it).
func (rq rollQuery) workersQuery(nf *Filter) (rollQuery, bool) {
	if rq.dim != orgroll.DimHub || !workersOnly(nf) {
		return rollQuery{}, false
	}
	return rollQuery{dim: orgroll.WorkersDim(nf.MinWorkers, nf.QualifiedWorkers), keys: []string{""}, rural: rq.rural}, true
}

// rollable reports whether the rollup answers an indicator's counts on a
// date, and what it reads.
func rollable(ind *Indicator, w when) (rollQuery, bool) {
	r := ind.Rule
	// known_on a day before the date would hide every change between the
	// two: the records answer it (known on the date or later, only the few
	// late entries differ from the rollup: see rollEvaluate)
	if (w.Known != "" && w.Known < w.Day) || (r.Kind != KindCount && r.Kind != KindUnitShare && r.Kind != KindRecordShare) {
		return rollQuery{}, false
	}
	if r.Kind == KindRecordShare && !workersOnly(r.NumeratorFilter) {
		return rollQuery{}, false
	}
	if r.Kind == KindUnitShare && !slices.Contains([]int{6, 9, 12}, levelLen[r.UnitLevel]) {
		return rollQuery{}, false
	}
	f := r.Filter
	if r.Source == SourceHubs {
		if f.Hub != nil && !*f.Hub {
			return rollQuery{}, false
		}
		t := true
		f.Hub = &t
	} else if r.Source != SourceOrgs {
		return rollQuery{}, false
	}
	if (len(f.Status) > 0 && !slices.Equal(f.Status, []string{"active"})) || f.Demonstration != nil || len(f.TargetGroups) > 0 ||
		f.MinWorkers > 0 || f.QualifiedWorkers || f.TrainedPersonnel != nil || f.PartyCovered != nil || f.ContactedDays > 0 {
		return rollQuery{}, false
	}
	q := rollQuery{dim: orgroll.DimAll, keys: []string{""}, rural: f.Rural}
	n := 0
	if len(f.Tiers) > 0 {
		q.dim, q.keys, n = orgroll.DimTier, f.Tiers, n+1
	}
	if len(f.PartyOrg) > 0 {
		q.dim, q.keys, n = orgroll.DimParty, f.PartyOrg, n+1
	}
	if len(f.Types) > 0 {
		i := slices.Index(registry.Types, f.Types[0])
		if len(f.Types) > 1 || i < 0 {
			return rollQuery{}, false // an organization of two types would count twice
		}
		q.dim, q.keys, n = orgroll.DimType, []string{strconv.Itoa(i)}, n+1
	}
	for _, fl := range []struct {
		v   *bool
		dim string
	}{{f.Hub, orgroll.DimHub}, {f.Brand, orgroll.DimBrand}, {f.VolunteerMark, orgroll.DimMark}} {
		if fl.v == nil {
			continue
		}
		if !*fl.v {
			return rollQuery{}, false
		}
		q.dim, q.keys, n = fl.dim, []string{""}, n+1
	}
	return q, n <= 1
}

// rollCounts groups the counts of the rollup by the first g characters of
// the units' codes, with how many were counted by a late entry, as count
// does from the records; unitLen keeps, as match.counted does, only
// organizations inside the units a unit_share rule counts.
func (e *evaluator) rollCounts(ctx context.Context, rq rollQuery, spans []span, w when, g, unitLen int) (counts, lates map[string]int, err error) {
	counts, lates = map[string]int{}, map[string]int{}
	for _, r := range rollReqs(rq, spans, w, g, unitLen) {
		m, err := e.rollRead(ctx, r)
		if err != nil {
			return nil, nil, err
		}
		for k, c := range m {
			if !rq.keeps(k, unitLen) {
				continue
			}
			code := k.Code
			if len(code) > g {
				code = code[:g]
			}
			counts[code] += c.N
			if c.Late > 0 {
				lates[code] += c.Late
			}
		}
	}
	return counts, lates, nil
}

// rollReqs are the rollup reads of rollCounts: one per span.
func rollReqs(rq rollQuery, spans []span, w when, g, unitLen int) []orgroll.ReadReq {
	lvl := orgroll.LevelFor(max(g, unitLen))
	out := make([]orgroll.ReadReq, len(spans))
	for i, sp := range spans {
		out[i] = orgroll.ReadReq{Lvl: lvl, Dim: rq.dim, Lo: sp.lo, Hi: sp.hi, Day: w.Day, Scan: scanDim(rq.dim, lvl)}
	}
	return out
}

func rollKey(r orgroll.ReadReq) string {
	return fmt.Sprint(r.Lvl, "|", r.Dim, "|", r.Lo, "|", r.Hi, "|", r.Day, "|", r.Scan)
}

// rollRead answers a rollup read, from the request's answers when a
// prefetch (see prefetch) read it with others.
func (e *evaluator) rollRead(ctx context.Context, r orgroll.ReadReq) (map[orgroll.Key]orgroll.Count, error) {
	if m, ok := e.rolls[rollKey(r)]; ok {
		return m, nil
	}
	err := e.rollMany(ctx, []orgroll.ReadReq{r})
	return e.rolls[rollKey(r)], err
}

// rollMany answers rollup reads in one statement (orgroll.ReadMany),
// keeping the answers for the request.
func (e *evaluator) rollMany(ctx context.Context, reqs []orgroll.ReadReq) error {
	var todo []orgroll.ReadReq
	for _, r := range reqs {
		if _, ok := e.rolls[rollKey(r)]; !ok && !slices.Contains(todo, r) {
			todo = append(todo, r)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	ms, err := orgroll.ReadMany(ctx, e.s.DB.Generic, todo)
	if err != nil {
		return fmt.Errorf("kpi rollup: %w", err)
	}
	for i, r := range todo {
		e.rolls[rollKey(r)] = ms[i]
	}
	return nil
}

// keeps reports whether the rollup's key counts for a rule: one of its
// keys, in its area, inside the units a unit_share rule counts (unitLen).
func (rq rollQuery) keeps(k orgroll.Key, unitLen int) bool {
	return k.Dim == rq.dim && slices.Contains(rq.keys, k.K) && (rq.rural == nil || (k.Area == geo.Rural) == *rq.rural) && countedCode(k.Code, unitLen)
}

// scanDim reports whether a dimension's keys of a level are read as one
// range scan (orgroll.ReadScan) rather than by two seeks per key
// (orgroll.Read): the hub, brand and volunteer-mark flags and the hubs'
// workers of the streets and communities, set on a few organizations and
// changed on a few days each, so that the scan reads about one row per key.
func scanDim(dim string, lvl int) bool {
	return lvl > 3 && (dim == orgroll.DimHub || dim == orgroll.DimBrand || dim == orgroll.DimMark || orgroll.IsWorkersDim(dim))
}

// countedCode is match.counted's condition on a code at least unitLen long.
func countedCode(code string, unitLen int) bool {
	if unitLen == 0 {
		return true
	}
	return len(code) >= unitLen && geo.Counted(code[:unitLen])
}

// workersOnly reports whether a record share's numerator asks only for
// social workers (the hubs with at least so many on the date): what
// workerCounts answers from the workers and the timelines.
func workersOnly(nf *Filter) bool {
	if nf == nil || nf.MinWorkers <= 0 {
		return false
	}
	f := *nf
	f.MinWorkers, f.QualifiedWorkers = 0, false
	return reflect.ValueOf(f).IsZero()
}

// rollEvaluate reads an evaluation's counts from the rollup: the count or
// a record share's denominator by rollCounts, a record share's numerator
// by rollNums (the rollup's hubs by their workers, else workerCounts).
// Known on the date (the value linli gave on a deadline, see correction),
// the rollup answers for every organization but those
// under the unit with a fact in effect by the date entered after the known
// day (enteredLate, a few late entries): their part of the rollup's answer
// (read from their own timelines, as the rollup counted them) is replaced
// by the records' answer for them as known then, which can count only
// those with a status in effect by the date as known then.
func (e *evaluator) rollEvaluate(ctx context.Context, ev *evaluation, m *match, rq rollQuery) error {
	base := ev.w
	base.Known, base.KnownCut = "", time.Time{}
	late := &lateOrgs{}
	if ev.w.Known != "" {
		var err error
		if late, err = e.enteredLate(ctx, ev.w, ev.node.Code); err != nil {
			return err
		}
	}
	counts, lates, err := e.rollCounts(ctx, rq, ev.spans, base, ev.g, m.UnitLen)
	if err != nil {
		return err
	}
	record := ev.ind.Rule.Kind == KindRecordShare
	var nums map[string]int
	if record {
		if nums, err = e.rollNums(ctx, ev, rq, base, late, m.UnitLen); err != nil {
			return err
		}
	}
	if len(late.ids) > 0 {
		c0, l0 := late.rollCounts(rq, ev.spans, base.Day, ev.g, m.UnitLen)
		addCounts(counts, c0, -1)
		addCounts(lates, l0, -1)
		known := *m
		if known.IDs = late.known; ev.w.Current {
			known.IDs = late.ids // (the current columns answer: no history to require)
		}
		if len(known.IDs) > 0 {
			c1, l1, err := e.count(ctx, &known, ev.g)
			if err != nil {
				return err
			}
			addCounts(counts, c1, 1)
			addCounts(lates, l1, 1)
			if record {
				known.Extra = ev.ind.Rule.NumeratorFilter
				n1, _, err := e.count(ctx, &known, ev.g)
				if err != nil {
					return err
				}
				addCounts(nums, n1, 1)
			}
		}
	}
	ev.counts, ev.lates, ev.nums = counts, lates, nums
	return nil
}

// knownSame reports whether an indicator's counts on a date as known on a
// day are, by construction, its counts on the date as known now, so that
// the correction at its deadline (see correction) has nothing to show
// without evaluating either: the rollup answers the indicator both ways
// (rollable), and the only parts of rollEvaluate that read the known day
// find nothing: no organization under the unit with a fact in effect by
// the date entered after the known day (enteredLate, the organizations
// rollEvaluate would correct for) and, for the hubs' social workers, no worker
// started by the date entered after it (a superset of the workers
// workerCounts leaves out for the known day). False means only that the
// two evaluations must be made.
func (e *evaluator) knownSame(ctx context.Context, ind *Indicator, node string, w when) (bool, error) {
	if w.Known == "" || e.s.records.Load() {
		return false, nil
	}
	if _, roll := rollable(ind, w); !roll {
		return false, nil
	}
	late, err := e.enteredLate(ctx, w, node)
	if err != nil || len(late.ids) > 0 {
		return false, err
	}
	if ind.Rule.Kind != KindRecordShare {
		return true, nil
	}
	entered, err := e.workersEnteredAfter(ctx, w)
	return !entered, err
}

// rollNums is a record share's numerator, for the organizations but the
// late ones (whom rollEvaluate counts from the records): from the rollup
// of the hubs by their workers when it answers (workersQuery; known on a
// day, only while no worker in post by the date was entered after it,
// since the rollup keeps every worker entered), else by workerCounts.
func (e *evaluator) rollNums(ctx context.Context, ev *evaluation, rq rollQuery, base when, late *lateOrgs, unitLen int) (map[string]int, error) {
	nf := ev.ind.Rule.NumeratorFilter
	wq, ok := rq.workersQuery(nf)
	if ok && ev.w.Known != "" {
		entered, err := e.workersEnteredAfter(ctx, ev.w)
		if err != nil {
			return nil, err
		}
		ok = !entered
	}
	if !ok {
		return e.s.workerCounts(ctx, rq, nf, ev.spans, ev.w, ev.g, late.ids)
	}
	nums, _, err := e.rollCounts(ctx, wq, ev.spans, base, ev.g, unitLen)
	if err != nil {
		return nil, err
	}
	if len(late.ids) > 0 {
		n0, _ := late.rollCounts(wq, ev.spans, base.Day, ev.g, unitLen)
		addCounts(nums, n0, -1)
	}
	return nums, nil
}

// workersEnteredAfter reports whether a hub social worker in post by the
// date was entered after the known day (anywhere: hub_workers holds no
// place), once per request and when.
func (e *evaluator) workersEnteredAfter(ctx context.Context, w when) (bool, error) {
	k := w.Day + "|" + w.KnownCut.String()
	if v, ok := e.staffed[k]; ok {
		return v, nil
	}
	var n int
	// (ORDER BY the entry time: the walk of hub_workers_created from the
	// known day in every plan. Without it PostgreSQL's generic plan, which
	// the server keeps after five executions, scanned every worker in the
	// country for the LIMIT 1: the estimate of the unknown range is a share
	// of the table, so the scan looked cheaper than the index; 4 ms of a
	// national city's 6.5 ms of server time, issue 19)
	if err := e.s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM hub_workers w WHERE w.created_at >= $1 AND w.started_on <= $2
		ORDER BY w.created_at LIMIT 1) x`,
		w.KnownCut, w.Day).Scan(&n); err != nil {
		return false, fmt.Errorf("kpi workers entered late: %w", err)
	}
	e.staffed[k] = n == 1
	return n == 1, nil
}

func addCounts(dst, src map[string]int, sign int) {
	for k, v := range src {
		dst[k] += sign * v
		if dst[k] == 0 {
			delete(dst, k)
		}
	}
}

// lateOrgs are the organizations under a unit with a dated fact in effect
// by a date that was entered after a known day (see enteredLate).
type lateOrgs struct {
	ids []int64 // sorted
	// known are those of them with a status in effect by the date as
	// known on the day: the only ones the records, as known then, can
	// count (a census's new organizations were not known at all)
	known []int64
	segs  map[int64][]orgroll.Seg // their timelines (org_segs), whose keys are their part of the rollup
}

// rollCounts is the late organizations' part of Service.rollCounts' answer
// on a day: their timelines' keys, read as it reads the rollup's.
func (l *lateOrgs) rollCounts(rq rollQuery, spans []span, day string, g, unitLen int) (counts, lates map[string]int) {
	counts, lates = map[string]int{}, map[string]int{}
	lvl := orgroll.LevelFor(max(g, unitLen))
	ranges := make([][2]string, len(spans))
	for i, sp := range spans {
		ranges[i][0], ranges[i][1] = orgroll.KeyRange(lvl, rq.dim, sp.lo, sp.hi)
	}
	for _, segs := range l.segs {
		st, ok := orgroll.On(segs, day)
		if !ok {
			continue
		}
		st.Keys(lvl, func(k orgroll.Key, late bool) {
			if !rq.keeps(k, unitLen) {
				return
			}
			ks := k.String()
			for _, r := range ranges {
				if ks < r[0] || ks >= r[1] {
					continue
				}
				code := k.Code
				if len(code) > g {
					code = code[:g]
				}
				counts[code]++
				if late {
					lates[code]++
				}
			}
		})
	}
	return counts, lates
}

// enteredLate lists the organizations under a unit (now, or ever moved)
// with a dated fact in effect by a date that was entered after the known
// day (a late entry made after it, 补录): the only ones whose state on the
// date, as known then, differs from the rollup's. It reads them once per
// request, unit and date (a dashboard's evaluations at a deadline and its
// corrections share it).
func (e *evaluator) enteredLate(ctx context.Context, w when, unit string) (*lateOrgs, error) {
	k := w.Cut.String() + "|" + w.KnownCut.String() + "|" + unit
	if l, ok := e.late[k]; ok {
		return l, nil
	}
	if e.keptNoLate(k, unit) {
		l := &lateOrgs{}
		e.late[k] = l
		return l, nil
	}
	l, err := e.s.enteredLate(ctx, w, unit)
	if err != nil {
		return nil, err
	}
	e.late[k] = l
	if len(l.ids) == 0 {
		e.keepNoLate(k, unit)
	}
	return l, nil
}

// lateHow is how enteredLate finds the late-entered organizations of a
// unit: the ways give the same organizations (lateWaysAgree).
type lateHow int

const (
	// lateByCount chooses, before reading any late entry, the cheaper of
	// the two ways below by the counts, whatever the unit's level: it counts
	// the late entries made from the known day on in migration 039's index
	// (the entries alone, not the history), at most one more than the unit
	// holds active organizations (org_cover, kept by triggers), and walks
	// them when they are fewer, else probes the unit's organizations. The
	// count reads the index entries the walk would read, up to the bound
	// and no further: after a census entered late elsewhere, a unit that
	// probes pays that count, not a walk to the bound as well
	lateByCount lateHow = iota
	// lateWalk walks every late entry made from the known day on in
	// migration 039's index (the whole country's: few, unless a census
	// was just loaded) and keeps those of the unit's organizations
	lateWalk
	// lateProbe probes each organization of the unit, and each that ever
	// moved into or out of it, in migration 049's index of the late
	// entries by organization (bounded by the unit, whatever other bureaus
	// entered late)
	lateProbe
)

// enteredLate reads the organizations under a unit (now, or moved into
// or out of it) with a late entry made from the known day on and in effect
// by the date, with their timelines and whether a status of theirs was in
// effect by the date as known then, in one statement that walks the late
// entries when they are fewer than the unit's organizations, else probes
// each of these (lateByCount).
func (s *Service) enteredLate(ctx context.Context, w when, unit string) (*lateOrgs, error) {
	l, _, err := s.lateOrgsBy(ctx, w, unit, lateByCount)
	return l, err
}

// lateOrgsBy is enteredLate by one way, with the way it took (lateWalk or
// lateProbe: lateByCount's choice).
func (s *Service) lateOrgsBy(ctx context.Context, w when, unit string, how lateHow) (*lateOrgs, lateHow, error) {
	q := &query{}
	cut, known := q.arg(w.Cut), q.arg(w.KnownCut)
	sp := []span{spanOf(unit)}
	place := func(alias string) string {
		return rangeCond(q, func(n int) string {
			if n >= 12 {
				return alias + ".community_code"
			}
			return alias + ".street_code"
		}, sp)
	}
	// the organizations that ever moved into or out of the unit
	moved := func() string {
		return `SELECT v.org_id FROM org_history v WHERE v.field = 'community' AND (` +
			rangeCond(q, func(int) string { return "v.value" }, sp) + ` OR ` + rangeCond(q, func(int) string { return "v.old_value" }, sp) + `)`
	}
	// entered late from the known day on (migration 039's index), and of
	// those the ones in effect by the cut
	madeLate := `h.entered_at > h.at AND h.entered_at >= ` + known
	lateCond := madeLate + ` AND h.at < ` + cut
	cols := `o.id, COALESCE((SELECT s.segs FROM org_segs s WHERE s.org_id = o.id), ''),
		COALESCE((SELECT 1 FROM org_history k WHERE k.org_id = o.id AND k.field = 'status' AND k.at < ` + cut + `
			AND COALESCE(k.entered_at, k.at) < ` + known + ` LIMIT 1), 0), 0`
	// each way's organizations, the list ending in limit (a LIMIT clause,
	// or nothing)
	probe := func(limit string) string {
		// (a scalar subquery with LIMIT rather than EXISTS: PostgreSQL
		// turned EXISTS into a hash of every late entry, or of every status
		// row, in the country; each is one probe per organization in an
		// index)
		late := func(id string) string {
			return `(SELECT 1 FROM org_history h WHERE h.org_id = ` + id + ` AND ` + lateCond + ` LIMIT 1) IS NOT NULL`
		}
		return `SELECT ` + cols + ` FROM orgs o WHERE o.id IN (SELECT p.id FROM orgs p WHERE ` + place("p") + ` AND ` + late("p.id") + `
			UNION ALL SELECT m.org_id FROM (` + moved() + `) m WHERE ` + late("m.org_id") + limit + `)`
	}
	walk := func(limit string) string {
		return `SELECT ` + cols + ` FROM orgs o WHERE o.id IN (SELECT h.org_id FROM org_history h WHERE ` + lateCond + limit + `)
			AND (` + place("o") + ` OR EXISTS (` + moved() + ` AND v.org_id = o.id))`
	}
	var sql string
	switch how {
	case lateProbe:
		sql = probe("")
	case lateWalk:
		sql = walk("")
	default:
		// the bound, the late entries counted up to it (n), then the way
		// they choose; the first row says which (the bound and the count).
		// The other way's list is cut to nothing by LIMIT 0, which both
		// engines test before reading a row (SQLite built an IN list before
		// testing a condition on n in WHERE), and the chosen one's is not
		// cut (SQLite takes no LIMIT ALL or NULL: the largest integer)
		only := func(cond string) string {
			return ` LIMIT (SELECT CASE WHEN ` + cond + ` THEN 9223372036854775807 ELSE 0 END FROM n)`
		}
		lo, hi := db.PrefixRange(unit)
		sql = `WITH b (k) AS (SELECT COALESCE(SUM(c.n), 0) + 1 FROM org_cover c WHERE c.lvl = ` + q.arg(orgroll.LevelFor(len(unit))) +
			` AND c.dim = 'all' AND c.code >= ` + q.arg(lo) + ` AND c.code < ` + q.arg(hi) + `),
			n (k, c) AS MATERIALIZED (SELECT b.k, (SELECT COUNT(*) FROM (SELECT 1 FROM org_history h WHERE ` + madeLate +
			` LIMIT (SELECT b.k FROM b)) y) FROM b)
			SELECT -1, '', n.k, n.c FROM n
			UNION ALL ` + walk(only(`n.c < n.k`)) + `
			UNION ALL ` + probe(only(`n.c >= n.k`))
	}
	rows, err := s.queryGeneric(ctx, sql, q.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("kpi late entries: %w", err)
	}
	defer rows.Close()
	l := &lateOrgs{segs: map[int64][]orgroll.Seg{}}
	for rows.Next() {
		var id int64
		var enc string
		var was, n int
		if err := rows.Scan(&id, &enc, &was, &n); err != nil {
			return nil, 0, err
		}
		if id == -1 { // lateByCount's choice: the bound and the count
			if how = lateWalk; n >= was {
				how = lateProbe
			}
			continue
		}
		l.ids = append(l.ids, id)
		if was == 1 {
			l.known = append(l.known, id)
		}
		if enc != "" {
			l.segs[id] = orgroll.Decode(enc)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("kpi late entries: %w", err)
	}
	if how == lateByCount {
		return nil, 0, fmt.Errorf("kpi late entries: no choice read")
	}
	slices.Sort(l.ids)
	slices.Sort(l.known)
	l.ids, l.known = slices.Compact(l.ids), slices.Compact(l.known)
	return l, how, nil
}

// workerCounts is a record share's numerator from the workers and the
// organizations' timelines (org_segs): the hubs with at least MinWorkers
// social workers on the date (entered by the known day, if one is set),
// those in the spans now or ever moved, each counted where its timeline
// places it on the date under the rollup's keys the denominator reads, so
// the numerator's organizations are the denominator's. skip leaves out
// organizations the caller counts from the records.
func (s *Service) workerCounts(ctx context.Context, rq rollQuery, nf *Filter, spans []span, w when, g int, skip []int64) (map[string]int, error) {
	q := &query{}
	d := q.arg(w.Day)
	cond := "w.started_on <= " + d + " AND (w.ended_on = '' OR w.ended_on > " + d + ")"
	if nf.QualifiedWorkers {
		cond += " AND w.qualified = 1"
	}
	if w.Known != "" {
		cond += " AND w.created_at < " + q.arg(w.KnownCut)
	}
	place := rangeCond(q, func(n int) string {
		if n >= 12 {
			return "o.community_code"
		}
		return "o.street_code"
	}, spans)
	rows, err := s.query(ctx, `SELECT s.org_id, s.segs FROM org_segs s JOIN orgs o ON o.id = s.org_id
		WHERE s.org_id IN (SELECT w.hub_org_id FROM hub_workers w WHERE `+cond+` GROUP BY w.hub_org_id HAVING COUNT(*) >= `+q.arg(nf.MinWorkers)+`)
		AND (`+place+` OR EXISTS (SELECT 1 FROM org_history v WHERE v.org_id = o.id AND v.field = 'community'))`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("kpi workers: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	lvl := orgroll.LevelFor(g)
	for rows.Next() {
		var id int64
		var enc string
		if err := rows.Scan(&id, &enc); err != nil {
			return nil, err
		}
		if _, ok := slices.BinarySearch(skip, id); ok {
			continue
		}
		st, ok := orgroll.On(orgroll.Decode(enc), w.Day)
		if !ok {
			continue
		}
		st.Keys(lvl, func(k orgroll.Key, _ bool) {
			if k.Dim != rq.dim || !slices.Contains(rq.keys, k.K) || (rq.rural != nil && (k.Area == geo.Rural) != *rq.rural) {
				return
			}
			for _, sp := range spans {
				if k.Code >= sp.lo && k.Code < sp.hi {
					code := k.Code
					if len(code) > g {
						code = code[:g]
					}
					out[code]++
					return
				}
			}
		})
	}
	return out, rows.Err()
}

// histReqs are the rollup reads that answer a unit_share rule at a unit
// from the units' histograms (orgroll hist.go: for the streets of each
// district and the communities of each street, how many counted exactly c
// organizations on a day), a few rows per child unit instead of a row per
// judged unit: for a dashboard's evaluation (the units behind the number,
// which the Units page lists one by one, are not made), on a date as known
// now, of a rule the histograms keep (one dimension of HistDims, every
// area), at a unit whose children lie inside the histograms' parents (the
// city for streets, the district or the city for communities), over spans
// no narrower than those parents. ok is false otherwise: the judged units'
// own counts answer, as before.
func (e *evaluator) histReqs(ind *Indicator, node geo.Node, w when) ([]orgroll.ReadReq, bool) {
	if e.unit == "" || w.Known != "" || ind.Rule.Kind != KindUnitShare || e.s.records.Load() {
		return nil, false
	}
	rq, roll := rollable(ind, w)
	if !roll || !slices.Contains(orgroll.HistDims, rq.dim) || !slices.Equal(rq.keys, []string{""}) || rq.rural != nil {
		return nil, false
	}
	hl := orgroll.HistLevel(orgroll.LevelFor(levelLen[ind.Rule.UnitLevel]))
	p := orgroll.HistParentLen(hl)
	if hl == 0 || levelLen[ind.Rule.UnitLevel] != orgroll.Levels[hl-10-3].Len || len(node.Code) > p || geo.ChildLen(node.Code) > p {
		return nil, false
	}
	spans, _, ok := reach(ind, node)
	if !ok {
		return nil, false
	}
	out := make([]orgroll.ReadReq, len(spans))
	for i, sp := range spans {
		if sp.n > p {
			return nil, false
		}
		out[i] = orgroll.ReadReq{Lvl: hl, Dim: rq.dim, Lo: sp.lo, Hi: sp.hi, Day: w.Day}
	}
	return out, true
}

// histEvaluate reads a unit_share rule's figures from the units'
// histograms (see histReqs): for each parent unit, how many of its units
// counted at least MinCount (ev.met) and how many of their organizations
// were counted by a late entry (ev.lates); the units themselves are listed
// from the divisions (fillUnits), for the figures' denominators.
func (e *evaluator) histEvaluate(ctx context.Context, ev *evaluation, reqs []orgroll.ReadReq) error {
	ev.hist, ev.counts, ev.met, ev.lates = true, map[string]int{}, map[string]int{}, map[string]int{}
	for _, r := range reqs {
		m, err := e.rollRead(ctx, r)
		if err != nil {
			return err
		}
		met, late := orgroll.HistCounts(m, max(1, ev.ind.Rule.MinCount))
		addCounts(ev.met, met, 1)
		addCounts(ev.lates, late, 1)
	}
	return nil
}
