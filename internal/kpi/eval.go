package kpi

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"linli/internal/geo"
)

const eps = 1e-9

// unit is a division with its name.
type unit struct{ code, name string }

// evaluation is everything known about one indicator at one unit on one
// date. The result, the units behind it and the records behind it are all
// read from here, so they cannot disagree.
type evaluation struct {
	ind        *Indicator
	node       geo.Node
	w          when
	available  bool
	applicable bool
	spans      []span
	g          int                    // code length the counts are grouped at
	counts     map[string]int         // matching records per group
	lates      map[string]int         // of them, records counted by a late entry (补录)
	nums       map[string]int         // record_share: numerator records per group
	years      map[string]map[int]int // count_per_year: records per group per year
	cur        int                    // count_per_year: the period the value is for
	started    []int                  // count_per_year: the periods begun by the date
	units      []UnitRow              // the units behind the number
	children   []unit
}

// evaluator answers one request; it remembers division lists between
// indicators.
type evaluator struct {
	s       *Service
	units   map[string][]unit
	ver     map[string]int64     // unit code → the version of its records, read once per request (see changes)
	late    map[string]*lateOrgs // a when's cut and known cut and a unit → the organizations entered late (see enteredLate)
	entries map[string]string    // lastEntryAfter's answers (see lastEntries)
	staffed map[string]bool      // workersEnteredAfter's answers
}

func (s *Service) newEvaluator() *evaluator {
	return &evaluator{s: s, units: map[string][]unit{}, ver: map[string]int64{}, late: map[string]*lateOrgs{}, entries: map[string]string{},
		staffed: map[string]bool{}}
}

// unitsAt lists the divisions of a code length inside the spans.
func (e *evaluator) unitsAt(ctx context.Context, spans []span, n int) ([]unit, error) {
	var out []unit
	for _, sp := range spans {
		if sp.n > n {
			continue
		}
		k := strconv.Itoa(n) + "|" + sp.lo
		us, ok := e.units[k]
		if !ok {
			rows, err := e.s.query(ctx, `SELECT code, name FROM divisions WHERE level = $1 AND code >= $2 AND code < $3 ORDER BY code`,
				geo.LevelOf(strings.Repeat("4", n)), sp.lo, sp.hi)
			if err != nil {
				return nil, fmt.Errorf("kpi units: %w", err)
			}
			for rows.Next() {
				var u unit
				if err := rows.Scan(&u.code, &u.name); err != nil {
					rows.Close()
					return nil, err
				}
				if countedUnit(u.code) {
					us = append(us, u)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
			e.units[k] = us
		}
		out = append(out, us...)
	}
	return out, nil
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
	ev.spans = spansAt(ind, node.Code)
	ev.applicable = len(ev.spans) > 0
	if !ev.applicable {
		return ev, nil
	}
	ul, jl := len(node.Code), levelLen[ind.Level]
	ev.g = max(ul, geo.ChildLen(node.Code), jl)
	if ind.Rule.Kind == KindUnitShare {
		ev.g = levelLen[ind.Rule.UnitLevel]
		if ul > ev.g {
			ev.applicable = false
			return ev, nil
		}
	}
	ev.g = min(ev.g, 12)
	m := e.s.matchFor(ind, ev.spans, w)
	rq, roll := rollable(ind, w)
	switch {
	case roll && !e.s.records.Load():
		err = e.rollEvaluate(ctx, ev, m, rq)
	case ind.Rule.Source == SourceCoverage:
		ev.counts, err = e.s.coverageCounts(ctx, ind, ev.spans, w, ev.g)
	case ind.Rule.Kind == KindCountPerYear:
		ev.cur, ev.started = periods(ind.Rule.Years, w.Day)
		ev.years, ev.lates, err = e.s.countByYear(ctx, m, ev.g, ev.started)
	case ind.Rule.Kind == KindRecordShare:
		if ev.counts, ev.lates, err = e.s.count(ctx, m, ev.g); err == nil {
			m.Extra = ind.Rule.NumeratorFilter
			ev.nums, _, err = e.s.count(ctx, m, ev.g)
		}
	default:
		ev.counts, ev.lates, err = e.s.count(ctx, m, ev.g)
	}
	if err != nil {
		return nil, err
	}
	return ev, e.fillUnits(ctx, ev)
}

// matchFor is the match of an indicator's records.
func (s *Service) matchFor(ind *Indicator, spans []span, w when) *match {
	m := &match{Source: ind.Rule.Source, Filter: ind.Rule.Filter, Spans: spans, When: w, YearField: ind.Rule.YearField}
	if ind.Rule.Kind == KindUnitShare {
		m.UnitLen = levelLen[ind.Rule.UnitLevel]
	}
	return m
}

// count groups the matching records by the first g characters of their
// code, with how many of them were counted by a late entry.
func (s *Service) count(ctx context.Context, m *match, g int) (counts, lates map[string]int, err error) {
	q := &query{}
	rel := m.relation(q)
	rows, err := s.query(ctx, `SELECT substr(m.ucode, 1, `+strconv.Itoa(g)+`), COUNT(*), SUM(m.late) FROM (`+rel+`) m WHERE `+m.counted()+` GROUP BY 1`, q.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("kpi count: %w", err)
	}
	defer rows.Close()
	counts, lates = map[string]int{}, map[string]int{}
	for rows.Next() {
		var c string
		var n, l int
		if err := rows.Scan(&c, &n, &l); err != nil {
			return nil, nil, err
		}
		counts[c] += n
		if l > 0 {
			lates[c] += l
		}
	}
	return counts, lates, rows.Err()
}

// countByYear groups the matching records by code prefix and year, with
// how many of each group's records (all years) were counted by a late entry.
func (s *Service) countByYear(ctx context.Context, m *match, g int, years []int) (map[string]map[int]int, map[string]int, error) {
	out, lates := map[string]map[int]int{}, map[string]int{}
	if len(years) == 0 {
		return out, lates, nil
	}
	q := &query{}
	rel := m.relation(q)
	ys := make([]string, len(years))
	for i, y := range years {
		ys[i] = strconv.Itoa(y)
	}
	in := q.in(ys)
	rows, err := s.query(ctx, `SELECT substr(m.ucode, 1, `+strconv.Itoa(g)+`), m.ryear, COUNT(*), SUM(m.late) FROM (`+rel+
		`) m WHERE m.ryear IN `+in+` AND `+m.counted()+` GROUP BY 1, 2`, q.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("kpi count by year: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, y string
		var n, l int
		if err := rows.Scan(&c, &y, &n, &l); err != nil {
			return nil, nil, err
		}
		if l > 0 {
			lates[c] += l
		}
		yr, _ := strconv.Atoi(y)
		if out[c] == nil {
			out[c] = map[int]int{}
		}
		out[c][yr] += n
	}
	return out, lates, rows.Err()
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
	n := levelLen[ind.Level]
	if ind.Rule.Kind == KindUnitShare {
		n = levelLen[ind.Rule.UnitLevel]
	}
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
		row, ok := ev.judge(u)
		if ok {
			ev.units = append(ev.units, row)
		}
	}
	return nil
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
