package kpi

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"linli/internal/geo"
	"linli/internal/orgroll"
)

// A city's evaluation composed from its districts' parts (issue 19). An
// evaluation is its grouped counts (the records', the rollup's or the
// coverage keys'; counts, lates, nums, years), then the units judged from
// them. At a city the counts are grouped at a district's code length or
// longer (reach: at least the children's), and each is a COUNT or a SUM
// over the records inside the city's spans: split the spans by district,
// and the city's counts are the sums of each part's, exactly, whatever
// the rule. So each process keeps, per indicator and date, each district's
// part of the city's counts (Service.parts), valid while that district's
// own change counter (kpi_changes) stands: the counter the district's own
// evaluations are kept under, which every write of a record the district's
// span reads advances (the same invariant the district's cached
// evaluations hold to; moves advance the district left too). The codes of
// the city not under one of its counted districts (the ranges between
// them: a record placed at the city itself, a development zone) are one
// more part, under the sum of the counters inside them. The row '' (changes
// that may touch any unit) is in every part's version. After a change in one
// district a city's dashboard so reads that district's records (one
// statement for all its indicators, as prefetch does), the others' parts
// from memory, and every part's version in one statement (ChangesIn, which
// also gives the city's own version as their sum). The judging, the
// figures, the ranking and the answer are made from the summed counts as
// before, so the answer is the records' answer byte for byte.
//
// Not composed, evaluated whole as before: a known-on evaluation (the
// value linli gave on a deadline: its late organizations are found under
// the whole unit, see rollEvaluate), units other than a city (a district's
// counters are not kept by street), and every evaluation with the cache
// off (NoCache: every evaluation from the records). A correction's
// evaluations at the deadline are whole too (corrections.go), and its
// statements (lastEntryAfter, enteredLate) read the whole city. An
// indicator's parts at a city on a date are kept together (partSet, one
// look-up), all within a budget of 16 MiB (partCache).

// part is one district of a city, or the rest of it (the ranges of codes
// between its districts): ranges of codes and their version.
type part struct {
	ranges [][2]string
	ver    int64
}

// composes reports whether an evaluation at a unit on a date is composed
// from its districts' parts.
func composes(node geo.Node, w when) bool {
	return composedAt(node.Code) && w.Known == ""
}

// composedAt reports whether a unit's evaluations are composed from its
// districts' parts (on dates not known on a day): a city's.
func composedAt(code string) bool { return len(code) == 4 }

// counters are the change counters of the districts under a unit (and
// ”) in one statement, once per request: the dashboard reads them in
// place of the unit's version (their sum, see Changes).
func (e *evaluator) counters(ctx context.Context, code string) (map[string]int64, error) {
	if c, ok := e.cnt[code]; ok {
		return c, nil
	}
	c, err := e.s.counters(ctx, code)
	if err != nil {
		return nil, err
	}
	e.cnt[code] = c
	if _, ok := e.ver[code]; !ok {
		e.ver[code] = sumCounters(c)
	}
	return c, nil
}

// counters reads the change counters of the districts under a unit, and
// ” (orgroll.ChangesIn's, through database/sql: one round trip).
func (s *Service) counters(ctx context.Context, code string) (map[string]int64, error) {
	q, args := orgroll.ChangesInSQL(code)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("kpi change counters: %w", err)
	}
	defer rows.Close()
	c := map[string]int64{}
	for rows.Next() {
		if err := orgroll.ScanChange(rows, c); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("kpi change counters: %w", err)
	}
	return c, nil
}

func sumCounters(c map[string]int64) int64 {
	var n int64
	for _, v := range c {
		n += v
	}
	return n
}

// partsOf splits a city into its counted districts and the rest (the
// ranges between them), each with its version: the district's counters
// (any under its code) plus ”, and for the rest whatever the districts'
// leave of the city's.
func (e *evaluator) partsOf(ctx context.Context, node geo.Node) ([]part, error) {
	if ps, ok := e.parts[node.Code]; ok {
		return ps, nil
	}
	c, err := e.counters(ctx, node.Code)
	if err != nil {
		return nil, err
	}
	kids, err := e.unitsAt(ctx, []span{spanOf(node.Code)}, 6)
	if err != nil {
		return nil, err
	}
	whole := spanOf(node.Code)
	rest := part{ver: sumCounters(c)}
	var ps []part
	lo := whole.lo
	for _, k := range kids {
		sp := spanOf(k.code)
		if lo < sp.lo {
			rest.ranges = append(rest.ranges, [2]string{lo, sp.lo})
		}
		p := part{ranges: [][2]string{{sp.lo, sp.hi}}, ver: c[""]}
		for d, n := range c {
			if d != "" && d >= sp.lo && d < sp.hi {
				p.ver += n
			}
		}
		rest.ver -= p.ver - c[""]
		ps = append(ps, p)
		lo = sp.hi
	}
	if lo < whole.hi {
		rest.ranges = append(rest.ranges, [2]string{lo, whole.hi})
	}
	if len(rest.ranges) > 0 {
		ps = append(ps, rest)
	}
	e.parts[node.Code] = ps
	return ps, nil
}

// clip is the spans inside a part, each keeping its code length (so that
// the records are found by the same column as the whole unit's).
func clip(spans []span, p part) []span {
	var out []span
	for _, sp := range spans {
		for _, r := range p.ranges {
			lo, hi := max(sp.lo, r[0]), min(sp.hi, r[1])
			if lo < hi {
				out = append(out, span{lo, hi, sp.n})
			}
		}
	}
	return out
}

// setKey is the key of an indicator's parts at a city on a date.
func (e *evaluator) setKey(ind *Indicator, node geo.Node, w when, g int) string {
	return ind.Key + "|" + strconv.Itoa(ind.Version) + "|" + node.Code + "|" + w.key() + "|" + strconv.Itoa(g) +
		"|" + strconv.FormatBool(e.s.records.Load())
}

// partSet is an indicator's parts at a city on a date, kept together (one
// look-up per indicator, not one per district): each part's counts with
// the version and the time it was read at. Never changed once kept: a
// request that reads parts again keeps a new set.
type partSet struct {
	los  []string      // the parts' first codes, in the city's order
	vers []int64       // each part's version when read
	ats  []time.Time   // when each was read
	evs  []*evaluation // each part's counts (nil: none read)
	size int           // bytes, for the budget
}

// kept is part i's counts if they were read at its version p.ver no longer
// than cacheTTL before now.
func (ps *partSet) kept(i int, p part, now time.Time) (*evaluation, bool) {
	if ps == nil || i >= len(ps.los) || ps.los[i] != p.ranges[0][0] || ps.vers[i] != p.ver || ps.evs[i] == nil ||
		now.Sub(ps.ats[i]) > cacheTTL || now.Before(ps.ats[i]) {
		return nil, false
	}
	return ps.evs[i], true
}

// partBudget bounds the kept parts' sizes: when a set would pass it, the
// cache starts again empty (as resultCache does at its size).
const partBudget = 16 << 20

// partCache is the process's kept parts, by setKey.
type partCache struct {
	mu    sync.Mutex
	m     map[string]*partSet
	bytes int
}

func (c *partCache) get(k string) *partSet {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *partCache) put(k string, ps *partSet) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[k]; ok {
		c.bytes -= old.size
	}
	if c.m == nil || c.bytes+ps.size > partBudget {
		c.m, c.bytes = map[string]*partSet{}, 0
	}
	c.m[k] = ps
	c.bytes += ps.size
}

func (c *partCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m, c.bytes = nil, 0
}

// partEval is the evaluation of one part: its spans and counts only.
func (e *evaluator) partEval(ev *evaluation, spans []span) *evaluation {
	return &evaluation{ind: ev.ind, node: ev.node, w: ev.w, available: true, applicable: true, spans: spans, g: ev.g,
		cur: ev.cur, started: ev.started}
}

// staleParts are the parts of an indicator's evaluation at a city not kept
// under their version, with their spans: what a dashboard reads (see
// prefetch).
func (e *evaluator) staleParts(ctx context.Context, ind *Indicator, node geo.Node, w when, spans []span, g int) ([][]span, error) {
	ps, err := e.partsOf(ctx, node)
	if err != nil {
		return nil, err
	}
	set, now := e.s.parts.get(e.setKey(ind, node, w, g)), e.s.now()
	var out [][]span
	for i, p := range ps {
		sp := clip(spans, p)
		if len(sp) == 0 {
			continue
		}
		if _, ok := set.kept(i, p, now); !ok {
			out = append(out, sp)
		}
	}
	return out, nil
}

// composed is an indicator's evaluation at a city from its districts'
// parts: each kept under its district's version, or read.
func (e *evaluator) composed(ctx context.Context, ind *Indicator, node geo.Node, w when) (*evaluation, error) {
	ev, err := e.head(ctx, ind, node, w)
	if err != nil || !ev.available || !ev.applicable {
		return ev, err
	}
	ps, err := e.partsOf(ctx, node)
	if err != nil {
		return nil, err
	}
	// the parts not kept, read together (a dashboard's own date is read
	// with its other indicators' by prefetch)
	stale, err := e.staleParts(ctx, ind, node, w, ev.spans, ev.g)
	if err != nil {
		return nil, err
	}
	var rolls []orgroll.ReadReq
	var counts []countReq
	for _, sp := range stale {
		r, c := e.reads(ind, sp, ev.g, w)
		rolls, counts = append(rolls, r...), append(counts, c...)
	}
	if err := e.rollMany(ctx, rolls); err != nil {
		return nil, err
	}
	if err := e.countMany(ctx, counts); err != nil {
		return nil, err
	}
	k, now := e.setKey(ind, node, w, ev.g), e.s.now()
	set := e.s.parts.get(k)
	next := &partSet{los: make([]string, len(ps)), vers: make([]int64, len(ps)), ats: make([]time.Time, len(ps)),
		evs: make([]*evaluation, len(ps)), size: 256}
	var parts []*evaluation
	for i, p := range ps {
		next.los[i], next.vers[i] = p.ranges[0][0], p.ver
		sp := clip(ev.spans, p)
		if len(sp) == 0 {
			continue
		}
		pe, ok := set.kept(i, p, now)
		if ok {
			next.ats[i] = set.ats[i]
		} else {
			pe = e.partEval(ev, sp)
			if err := e.read(ctx, pe); err != nil {
				return nil, err
			}
			next.ats[i] = now
		}
		next.evs[i] = pe
		next.size += pe.partSize()
		parts = append(parts, pe)
	}
	if len(stale) > 0 || set == nil {
		e.s.parts.put(k, next)
	}
	ev.counts, ev.lates, ev.nums, ev.years = sumParts(parts)
	return ev, e.fillUnits(ctx, ev)
}

// sumParts adds the parts' grouped counts.
func sumParts(parts []*evaluation) (counts, lates, nums map[string]int, years map[string]map[int]int) {
	n := 0
	for _, p := range parts {
		n += len(p.counts)
	}
	counts, lates = make(map[string]int, n), map[string]int{}
	for _, p := range parts {
		add(counts, p.counts)
		add(lates, p.lates)
		if p.nums != nil {
			if nums == nil {
				nums = map[string]int{}
			}
			add(nums, p.nums)
		}
		for c, ys := range p.years {
			if years == nil {
				years = map[string]map[int]int{}
			}
			if years[c] == nil {
				years[c] = map[int]int{}
			}
			for y, v := range ys {
				years[c][y] += v
			}
		}
	}
	return counts, lates, nums, years
}

// add adds counts by group (a zero stays: a group read is kept, as read).
func add(dst, src map[string]int) {
	for k, v := range src {
		dst[k] += v
	}
}

// partSize is a part's size in bytes, for the cache's budget: its grouped
// counts.
func (ev *evaluation) partSize() int {
	n := 256
	for _, m := range []map[string]int{ev.counts, ev.lates, ev.nums} {
		for k := range m {
			n += len(k) + 48
		}
	}
	for k, ys := range ev.years {
		n += len(k) + 48 + 48*len(ys)
	}
	return n
}
