package kpi

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/orgroll"
)

const eps = 1e-9

// unit is a division with its name.
type unit struct{ code, name string }

// evaluation is everything known about one indicator at one unit on one
// date. The result, the units behind it and the records behind it are all
// read from here, so they cannot disagree.
type evaluation struct {
	ind         *Indicator
	node        geo.Node
	w           when
	available   bool
	applicable  bool
	spans       []span
	g           int                    // code length the counts are grouped at
	counts      map[string]int         // matching records per group
	lates       map[string]int         // of them, records counted by a late entry (补录)
	nums        map[string]int         // record_share: numerator records per group
	years       map[string]map[int]int // count_per_year: records per group per year
	cur         int                    // count_per_year: the period the value is for
	started     []int                  // count_per_year: the periods begun by the date
	units       []UnitRow              // the units behind the number
	unitsSorted bool                   // units are in code order (see below)
	children    []unit
	// hist: a unit_share rule read from the units' histograms (see
	// histReqs): met holds, per parent unit, how many units counted enough,
	// and units are the counted units unjudged (their count unread)
	hist bool
	met  map[string]int
}

// evaluator answers one request; it remembers division lists between
// indicators.
type evaluator struct {
	s       *Service
	units   map[string][]unit
	ver     map[string]int64                         // unit code → the version of its records, read once per request (see changes)
	late    map[string]*lateOrgs                     // a when's cut and known cut and a unit → the organizations entered late (see enteredLate)
	entries map[string]string                        // lastEntryAfter's answers (see lastEntries)
	staffed map[string]bool                          // workersEnteredAfter's answers
	counts  map[string]*countAns                     // count statements' answers (see counted)
	rolls   map[string]map[orgroll.Key]orgroll.Count // the rollup's answers (see rollRead)
	// the unit's kept known-then answers and months (nil: none kept,
	// outside a dashboard), kpi_then's floor and the late entries'
	// counters under the unit, summed, as read with them (then.go)
	then  *thenKept
	floor time.Time
	recs  int64
	facts int64            // the other dated facts' counters (kpi_facts) under the unit and of '', summed, as read with them
	unit  string           // the dashboard's unit ("" outside a dashboard)
	dver  map[string]int64 // the late entries' counters of the districts under the unit (kpi_late), read once when needed (then.go)
}

func (s *Service) newEvaluator() *evaluator {
	return &evaluator{s: s, units: map[string][]unit{}, ver: map[string]int64{}, late: map[string]*lateOrgs{}, entries: map[string]string{},
		staffed: map[string]bool{}, counts: map[string]*countAns{}, rolls: map[string]map[orgroll.Key]orgroll.Count{}}
}

// unitsAt lists the divisions of a code length inside the spans.
func (e *evaluator) unitsAt(ctx context.Context, spans []span, n int) ([]unit, error) {
	if err := e.unitLists(ctx, map[int][]span{n: spans}); err != nil {
		return nil, err
	}
	var out []unit
	for _, sp := range spans {
		if sp.n <= n {
			out = append(out, e.units[strconv.Itoa(n)+"|"+sp.lo]...)
		}
	}
	return out, nil
}

// unitLists reads the divisions of each code length inside each of its
// spans not yet read (several lists in one statement), keeping them for
// the request.
func (e *evaluator) unitLists(ctx context.Context, lists map[int][]span) error {
	q := &query{}
	var parts, keys []string
	for _, n := range slices.Sorted(maps.Keys(lists)) {
		for _, sp := range lists[n] {
			k := strconv.Itoa(n) + "|" + sp.lo
			if _, ok := e.units[k]; ok || sp.n > n || slices.Contains(keys, k) {
				continue
			}
			parts = append(parts, "SELECT "+strconv.Itoa(len(keys))+", code, name FROM divisions WHERE level = "+
				q.arg(geo.LevelOf(strings.Repeat("4", n)))+" AND code >= "+q.arg(sp.lo)+" AND code < "+q.arg(sp.hi))
			keys = append(keys, k)
		}
	}
	rows, err := e.s.unionAll(ctx, "kpi units", q, parts)
	if err != nil || rows == nil {
		return err
	}
	defer rows.Close()
	got := make([][]unit, len(keys))
	for rows.Next() {
		var i int
		var u unit
		if err := rows.Scan(&i, &u.code, &u.name); err != nil {
			return err
		}
		if countedUnit(u.code) {
			got[i] = append(got[i], u)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("kpi units: %w", err)
	}
	for i, k := range keys {
		slices.SortFunc(got[i], func(a, b unit) int { return strings.Compare(a.code, b.code) })
		e.units[k] = got[i]
	}
	return nil
}

// unionAll runs the parts (questions tagged by their first column) as one
// statement, planned once per connection (see queryGeneric); no rows (nil)
// when there is none.
func (s *Service) unionAll(ctx context.Context, what string, q *query, parts []string) (*sql.Rows, error) {
	if len(parts) == 0 {
		return nil, nil
	}
	rows, err := s.queryGeneric(ctx, strings.Join(parts, " UNION ALL "), q.args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return rows, nil
}

// countedUnit leaves out the street-level divisions that are not streets or
// towns (codes …400 and up: reservoirs, forest farms, development zones)
// and the communities that are neither residents' nor villagers'
// committees: the plan counts 街道（乡镇） and 村（居）.
func countedUnit(code string) bool { return geo.Counted(code) }

// spansAt restricts an indicator to a unit: the unit's subtree, or, for an
// indicator judged only in some units, those of them inside the unit.
func spansAt(ind *Indicator, code string) []span {
	if len(ind.Rule.Units) == 0 {
		return []span{spanOf(code)}
	}
	var out []span
	for _, u := range ind.Rule.Units {
		switch {
		case strings.HasPrefix(code, u):
			return []span{spanOf(code)}
		case strings.HasPrefix(u, code):
			out = append(out, spanOf(u))
		}
	}
	return out
}

func inSpans(code string, spans []span) bool {
	for _, s := range spans {
		if code >= s.lo && code < s.hi {
			return true
		}
		if strings.HasPrefix(s.lo, code) {
			return true // an ancestor of a span
		}
	}
	return false
}

// evaluate reads the counts an indicator needs at a unit.
func (e *evaluator) evaluate(ctx context.Context, ind *Indicator, node geo.Node, w when) (*evaluation, error) {
	ev := &evaluation{ind: ind, node: node, w: w}
	kids, err := e.unitsAt(ctx, []span{spanOf(node.Code)}, geo.ChildLen(node.Code))
	if err != nil {
		return nil, err
	}
	if geo.ChildLen(node.Code) == 0 {
		kids = nil
	}
	ev.children = kids
	if ev.available, err = e.s.available(ctx, ind.Rule.Source); err != nil || !ev.available {
		return ev, err
	}
	if ev.spans, ev.g, ev.applicable = reach(ind, node); !ev.applicable {
		return ev, nil
	}
	m := e.s.matchFor(ind, ev.spans, w)
	rq, roll := rollable(ind, w)
	hreqs, hist := e.histReqs(ind, node, w)
	switch {
	case hist:
		err = e.histEvaluate(ctx, ev, hreqs)
	case roll && !e.s.records.Load():
		err = e.rollEvaluate(ctx, ev, m, rq)
	case ind.Rule.Source == SourceCoverage:
		ev.counts, err = e.s.coverageCounts(ctx, ind, ev.spans, w, ev.g)
	case ind.Rule.Kind == KindCountPerYear:
		ev.cur, ev.started = periods(ind.Rule.Years, w.Day)
		ev.years, ev.lates, err = e.countByYear(ctx, m, ev.g, ev.started)
	case ind.Rule.Kind == KindRecordShare:
		if ev.counts, ev.lates, err = e.count(ctx, m, ev.g); err == nil {
			ev.nums, _, err = e.count(ctx, numerator(ind, m), ev.g)
		}
	default:
		ev.counts, ev.lates, err = e.count(ctx, m, ev.g)
	}
	if err != nil {
		return nil, err
	}
	return ev, e.fillUnits(ctx, ev)
}

// reach is where an indicator is evaluated at a unit: its spans (see
// spansAt), the code length its counts are grouped at, and whether it
// applies there at all.
func reach(ind *Indicator, node geo.Node) (spans []span, g int, applicable bool) {
	spans = spansAt(ind, node.Code)
	if len(spans) == 0 {
		return nil, 0, false
	}
	ul, jl := len(node.Code), levelLen[ind.Level]
	g = max(ul, geo.ChildLen(node.Code), jl)
	if ind.Rule.Kind == KindUnitShare {
		g = levelLen[ind.Rule.UnitLevel]
		if ul > g {
			return spans, g, false
		}
	}
	return spans, min(g, 12), true
}

// numerator is a record share's match for its numerator.
func numerator(ind *Indicator, m *match) *match {
	n := *m
	n.Extra = ind.Rule.NumeratorFilter
	return &n
}

// prefetch reads, in one statement for the rollup and one for the
// records, what evaluate will read for each of a dashboard's indicators
// at a unit on a date (the records' and the rollup's reads of each
// indicator, built by the same functions evaluate calls, kept for the
// request): the per-indicator statements become two. What it does not
// foresee (the corrections' evaluations at a deadline, the late
// organizations' counts) is read when asked, as before.
func (e *evaluator) prefetch(ctx context.Context, inds []*Indicator, node geo.Node, w when) error {
	var rolls []orgroll.ReadReq
	var counts []countReq
	records := e.s.records.Load()
	// the division lists: the unit's children, and the units each
	// indicator judges below it (see fillUnits)
	if err := e.unitLists(ctx, dashboardLists(inds, node)); err != nil {
		return err
	}
	for _, ind := range inds {
		if ind.Rule.Source == SourceCoverage {
			continue
		}
		if ok, err := e.s.available(ctx, ind.Rule.Source); err != nil || !ok {
			continue
		}
		spans, g, ok := reach(ind, node)
		if !ok {
			continue
		}
		m := e.s.matchFor(ind, spans, w)
		rq, roll := rollable(ind, w)
		switch {
		case roll && !records:
			if hreqs, ok := e.histReqs(ind, node, w); ok {
				rolls = append(rolls, hreqs...)
				continue
			}
			if w.Known != "" {
				continue // (the late organizations first: see rollEvaluate)
			}
			rolls = append(rolls, rollReqs(rq, spans, w, g, m.UnitLen)...)
			if wq, ok := rq.workersQuery(ind.Rule.NumeratorFilter); ok && ind.Rule.Kind == KindRecordShare {
				rolls = append(rolls, rollReqs(wq, spans, w, g, m.UnitLen)...)
			}
		case ind.Rule.Kind == KindCountPerYear:
			if _, started := periods(ind.Rule.Years, w.Day); len(started) > 0 {
				counts = append(counts, countReq{m, g, started})
			}
		case ind.Rule.Kind == KindRecordShare:
			counts = append(counts, countReq{m, g, nil}, countReq{numerator(ind, m), g, nil})
		default:
			counts = append(counts, countReq{m, g, nil})
		}
	}
	if err := e.rollMany(ctx, rolls); err != nil {
		return err
	}
	return e.countMany(ctx, counts)
}

// dashboardLists are the division lists a dashboard's indicators at a
// unit read: the unit's children, and the units each indicator judges
// below it (see fillUnits).
func dashboardLists(inds []*Indicator, node geo.Node) map[int][]span {
	lists := map[int][]span{}
	if n := geo.ChildLen(node.Code); n > 0 {
		lists[n] = []span{spanOf(node.Code)}
	}
	for _, ind := range inds {
		if spans, _, ok := reach(ind, node); ok && len(node.Code) < judgedLen(ind) {
			lists[judgedLen(ind)] = append(lists[judgedLen(ind)], spans...)
		}
	}
	return lists
}

// matchFor is the match of an indicator's records.
func (s *Service) matchFor(ind *Indicator, spans []span, w when) *match {
	m := &match{Source: ind.Rule.Source, Filter: ind.Rule.Filter, Spans: spans, When: w, YearField: ind.Rule.YearField}
	if ind.Rule.Kind == KindUnitShare {
		m.UnitLen = levelLen[ind.Rule.UnitLevel]
	}
	return m
}

// countAns is the answer of a count or countByYear statement.
type countAns struct {
	counts, lates map[string]int
	years         map[string]map[int]int
}

// countStmt is the statement of count (years nil) or of countByYear: the
// matching records grouped by the first g characters of their code (and,
// by year, their year), with how many of them were counted by a late
// entry; its columns are the group, the year (” by code alone), the count
// and the late ones.
func countStmt(q *query, m *match, g int, years []int) string {
	rel := m.relation(q)
	sub := "substr(m.ucode, 1, " + strconv.Itoa(g) + ")"
	if years == nil {
		return `SELECT ` + sub + ` AS c, '' AS y, COUNT(*) AS n, SUM(m.late) AS l FROM (` + rel + `) m WHERE ` + m.counted() + ` GROUP BY 1`
	}
	ys := make([]string, len(years))
	for i, y := range years {
		ys[i] = strconv.Itoa(y)
	}
	in := q.in(ys)
	return `SELECT ` + sub + ` AS c, m.ryear AS y, COUNT(*) AS n, SUM(m.late) AS l FROM (` + rel +
		`) m WHERE m.ryear IN ` + in + ` AND ` + m.counted() + ` GROUP BY 1, 2`
}

// countKey identifies a count statement in the request's answers.
func countKey(m *match, g int, years []int) string {
	q := &query{}
	return countKeyOf(countStmt(q, m, g, years), q.args)
}

// countKeyOf is countKey of a count statement built with its own
// placeholders ($1 on) and their arguments.
func countKeyOf(text string, args []any) string {
	return text + "\x00" + fmt.Sprint(args...)
}

// renumber shifts a statement's placeholders ($1 on, as db.Arg writes
// them) by off, so that a statement built with its own arguments joins
// others in one statement after theirs. The statements kpi builds hold no
// '$' but their placeholders: every value is an argument.
func renumber(text string, off int) string {
	if off == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + len(text)/16)
	for {
		i := strings.IndexByte(text, '$')
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		j := i + 1
		for j < len(text) && text[j] >= '0' && text[j] <= '9' {
			j++
		}
		b.WriteString(text[:i+1])
		if n, err := strconv.Atoi(text[i+1 : j]); err == nil {
			b.WriteString(strconv.Itoa(n + off))
		} else {
			b.WriteString(text[i+1 : j])
		}
		text = text[j:]
	}
}

// count groups the matching records by the first g characters of their
// code, with how many of them were counted by a late entry.
func (e *evaluator) count(ctx context.Context, m *match, g int) (counts, lates map[string]int, err error) {
	a, err := e.counted(ctx, m, g, nil)
	if err != nil {
		return nil, nil, err
	}
	return a.counts, a.lates, nil
}

// countByYear groups the matching records by code prefix and year, with
// how many of each group's records (all years) were counted by a late entry.
func (e *evaluator) countByYear(ctx context.Context, m *match, g int, years []int) (map[string]map[int]int, map[string]int, error) {
	if len(years) == 0 {
		return map[string]map[int]int{}, map[string]int{}, nil
	}
	a, err := e.counted(ctx, m, g, years)
	if err != nil {
		return nil, nil, err
	}
	return a.years, a.lates, nil
}

// counted answers a count statement, from the request's answers when a
// prefetch (see prefetch) read it with others.
func (e *evaluator) counted(ctx context.Context, m *match, g int, years []int) (*countAns, error) {
	k := countKey(m, g, years)
	if a, ok := e.counts[k]; ok {
		return a, nil
	}
	err := e.countMany(ctx, []countReq{{m, g, years}})
	return e.counts[k], err
}

// countReq is one count (years nil) or countByYear question.
type countReq struct {
	m     *match
	g     int
	years []int
}

// countMany answers count statements in one statement (a UNION ALL of
// them, each row tagged with its question), keeping the answers for the
// request.
func (e *evaluator) countMany(ctx context.Context, reqs []countReq) error {
	q := &query{}
	var parts, keys []string
	var byYear []bool
	for _, r := range reqs {
		// (each statement built once: its key, then its part of the
		// whole, its placeholders after the parts' before it)
		qr := &query{}
		text := countStmt(qr, r.m, r.g, r.years)
		k := countKeyOf(text, qr.args)
		if _, ok := e.counts[k]; ok || slices.Contains(keys, k) {
			continue
		}
		parts = append(parts, "SELECT "+strconv.Itoa(len(keys))+" AS i, x.c, x.y, x.n, x.l FROM ("+renumber(text, len(q.args))+") x")
		q.args = append(q.args, qr.args...)
		keys = append(keys, k)
		byYear = append(byYear, r.years != nil)
	}
	rows, err := e.s.unionAll(ctx, "kpi count", q, parts)
	if err != nil || rows == nil {
		return err
	}
	defer rows.Close()
	ans := make([]*countAns, len(keys))
	for i := range ans {
		ans[i] = &countAns{counts: map[string]int{}, lates: map[string]int{}}
		if byYear[i] {
			ans[i].years = map[string]map[int]int{}
		}
	}
	for rows.Next() {
		var i, n, l int
		var c, y string
		if err := rows.Scan(&i, &c, &y, &n, &l); err != nil {
			return err
		}
		a := ans[i]
		if l > 0 {
			a.lates[c] += l
		}
		if a.years == nil {
			a.counts[c] += n
			continue
		}
		yr, _ := strconv.Atoi(y)
		if a.years[c] == nil {
			a.years[c] = map[int]int{}
		}
		a.years[c][yr] += n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("kpi count: %w", err)
	}
	for i, k := range keys {
		e.counts[k] = ans[i]
	}
	return nil
}

// periods returns the year a count_per_year value is for on a day, and the
// years begun by then.
func periods(years []int, day string) (cur int, started []int) {
	ys := slices.Clone(years)
	slices.Sort(ys)
	if len(ys) == 0 {
		return 0, nil
	}
	dy, _ := strconv.Atoi(day[:4])
	cur = min(max(dy, ys[0]), ys[len(ys)-1])
	for _, y := range ys {
		if y <= dy {
			started = append(started, y)
		}
	}
	return cur, started
}

// sum adds the groups under a code prefix. Groups are codes cut to ev.g
// characters (or shorter), so a prefix that long is one group.
func (ev *evaluation) sum(m map[string]int, prefix string) int {
	if len(prefix) >= ev.g {
		return m[prefix]
	}
	n := 0
	for k, v := range m {
		if strings.HasPrefix(k, prefix) {
			n += v
		}
	}
	return n
}

func sumYears(m map[string]map[int]int, prefix string) map[int]int {
	out := map[int]int{}
	for k, ys := range m {
		if strings.HasPrefix(k, prefix) {
			for y, n := range ys {
				out[y] += n
			}
		}
	}
	return out
}

// fillUnits lists the units behind the number: the counted units of a
// unit_share rule, or else the judged units in the unit.
func (e *evaluator) fillUnits(ctx context.Context, ev *evaluation) error {
	ind := ev.ind
	n := judgedLen(ind)
	var us []unit
	switch {
	case len(ev.node.Code) > n:
		return nil // below the level it is judged at: no units to judge
	case len(ev.node.Code) == n && !countedUnit(ev.node.Code):
		us = nil // a special area: not a unit the plan counts
	case len(ev.node.Code) == n:
		us = []unit{{ev.node.Code, ev.node.Name}}
	default:
		var err error
		if us, err = e.unitsAt(ctx, ev.spans, n); err != nil {
			return err
		}
	}
	us = coverageUnits(ind, us)
	ev.units = make([]UnitRow, 0, len(us))
	for _, u := range us {
		if ev.hist {
			ev.units = append(ev.units, UnitRow{Unit: u.code, Name: u.name})
			continue
		}
		row, ok := ev.judge(u)
		if ok {
			ev.units = append(ev.units, row)
		}
	}
	ev.unitsSorted = slices.IsSortedFunc(ev.units, func(a, b UnitRow) int { return strings.Compare(a.Unit, b.Unit) })
	return nil
}

// judgedLen is the code length of the units an indicator judges (a
// unit_share rule: the units it counts).
func judgedLen(ind *Indicator) int {
	if ind.Rule.Kind == KindUnitShare {
		return levelLen[ind.Rule.UnitLevel]
	}
	return levelLen[ind.Level]
}

// judge evaluates one unit from the grouped counts; ok is false when the
// unit has nothing to judge (a record share with no records).
func (ev *evaluation) judge(u unit) (UnitRow, bool) {
	ind := ev.ind
	row := UnitRow{Unit: u.code, Name: u.name, Target: ind.Target}
	switch ind.Rule.Kind {
	case KindUnitShare:
		row.Count = ev.sum(ev.counts, u.code)
		row.Value = float64(row.Count)
		row.Met = row.Count >= max(1, ind.Rule.MinCount)
		row.Target = float64(max(1, ind.Rule.MinCount))
		row.Shortfall = math.Max(0, row.Target-row.Value)
	case KindCount:
		row.Count = ev.sum(ev.counts, u.code)
		row.Value = float64(row.Count)
		row.Met, _, row.Shortfall = judgeCount(row.Value, ind.Target, ev.w.Day, ind.StartOn, ind.Deadline)
	case KindCountPerYear:
		ys := sumYears(ev.years, u.code)
		row.Count = ys[ev.cur]
		row.Value = float64(row.Count)
		row.Met, _, row.Shortfall, row.Periods = ev.judgeYears(ys)
	case KindRecordShare:
		den, num := ev.sum(ev.counts, u.code), ev.sum(ev.nums, u.code)
		if den == 0 {
			return row, false
		}
		row.Count = num
		row.Value = float64(num) / float64(den)
		row.Met, _ = judgeShare(row.Value, ind.Target, ev.w.Day, ind.StartOn, ind.Deadline)
		row.Shortfall = math.Max(0, math.Ceil(ind.Target*float64(den)-eps)-float64(num))
	}
	return row, true
}
