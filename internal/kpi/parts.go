package kpi

import (
	"context"
	"strconv"

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
// the city not under one of its counted districts (the gaps between them:
// a record placed at the city itself, a development zone) are parts too,
// each under the sum of the counters inside it. The row '' (changes that
// may touch any unit) is in every part's version. After a change in one
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
// off (NoCache: every evaluation from the records). The corrections'
// statements (lastEntryAfter, enteredLate) still read the whole city.

// part is one district of a city (or a gap between its districts): a
// range of codes and its version.
type part struct {
	lo, hi string
	ver    int64
}

const partsSize = 16384 // kept parts, all cities and dates (see resultCache.put)

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
	c, err := orgroll.ChangesIn(ctx, e.s.DB, code)
	if err != nil {
		return nil, err
	}
	e.cnt[code] = c
	if _, ok := e.ver[code]; !ok {
		e.ver[code] = sumCounters(c)
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

// partsOf splits a city into its counted districts and the gaps between
// them, each with its version.
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
	var ps []part
	lo := whole.lo
	for _, k := range kids {
		sp := spanOf(k.code)
		if lo < sp.lo {
			ps = append(ps, part{lo: lo, hi: sp.lo})
		}
		ps = append(ps, part{lo: sp.lo, hi: sp.hi})
		lo = sp.hi
	}
	if lo < whole.hi {
		ps = append(ps, part{lo: lo, hi: whole.hi})
	}
	for i := range ps {
		ps[i].ver = c[""]
		for d, n := range c {
			if d != "" && d >= ps[i].lo && d < ps[i].hi {
				ps[i].ver += n
			}
		}
	}
	e.parts[node.Code] = ps
	return ps, nil
}

// clip is the spans inside a part, each keeping its code length (so that
// the records are found by the same column as the whole unit's).
func clip(spans []span, p part) []span {
	var out []span
	for _, sp := range spans {
		lo, hi := max(sp.lo, p.lo), min(sp.hi, p.hi)
		if lo < hi {
			out = append(out, span{lo, hi, sp.n})
		}
	}
	return out
}

// partKey is a part's key in the parts' cache.
func (e *evaluator) partKey(ind *Indicator, node geo.Node, w when, g int, p part) string {
	return ind.Key + "|" + strconv.Itoa(ind.Version) + "|" + node.Code + "|" + w.key() + "|" + strconv.Itoa(g) + "|" + p.lo + "|" + p.hi +
		"|" + strconv.FormatBool(e.s.records.Load())
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
	var out [][]span
	for _, p := range ps {
		sp := clip(spans, p)
		if len(sp) == 0 {
			continue
		}
		if _, ok := e.s.parts.get(e.partKey(ind, node, w, g, p), p.ver, e.s.now()); !ok {
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
	var parts []*evaluation
	for _, p := range ps {
		sp := clip(ev.spans, p)
		if len(sp) == 0 {
			continue
		}
		k := e.partKey(ind, node, w, ev.g, p)
		pe, ok := e.s.parts.get(k, p.ver, e.s.now())
		if !ok {
			pe = e.partEval(ev, sp)
			if err := e.read(ctx, pe); err != nil {
				return nil, err
			}
			e.s.parts.putMax(k, p.ver, e.s.now(), pe, partsSize)
		}
		parts = append(parts, pe)
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
