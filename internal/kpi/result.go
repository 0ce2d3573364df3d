package kpi

import (
	"math"
	"slices"
	"strings"
)

func ptr[T any](v T) *T { return &v }

// figures are the numbers and the state of one unit (the evaluated unit or
// one of its children) in an evaluation.
type figures struct {
	value, shortfall, expected *float64
	met                        *bool
	status                     string
	num, den, unitsMet, units  *int
	periods                    []Period
	behind                     []UnitRef
}

// result turns an evaluation into the answer at its unit.
func (ev *evaluation) result() *Result {
	ind := ev.ind
	r := &Result{Key: ind.Key, Name: ind.NameZH, NameEN: ind.NameEN, Kind: ind.Rule.Kind, Source: ind.Rule.Source,
		Level: ind.Level, Unit: ev.node.Code, UnitName: ev.node.Name, AsOf: ev.w.Day, KnownOn: ev.w.Known, Target: ind.Target,
		Deadline: ind.Deadline, Clause: ind.Clause, Children: []Child{}, Behind: []UnitRef{}}
	if ind.Rule.Kind == KindCountPerYear && len(ind.Rule.Years) > 0 {
		cur, _ := periods(ind.Rule.Years, ev.w.Day)
		r.Period = &cur
	}
	switch {
	case !ev.available:
		r.Status = StateNoData
	case !ev.applicable:
		r.Status = StateNotApplicable
	}
	for _, k := range ev.children {
		c := Child{Unit: k.code, Name: k.name, Status: r.Status}
		if c.Status == "" && !inSpans(k.code, ev.spans) {
			c.Status = StateNotApplicable
		}
		if c.Status == "" {
			f := ev.figures(k.code)
			c.Value, c.Met, c.Status, c.Shortfall = f.value, f.met, f.status, f.shortfall
			c.Numerator, c.Denominator, c.UnitsMet, c.UnitsTotal = f.num, f.den, f.unitsMet, f.units
		}
		r.Children = append(r.Children, c)
	}
	if r.Status != "" {
		return r
	}
	f := ev.figures(ev.node.Code)
	r.Value, r.Met, r.Status, r.Shortfall, r.Expected = f.value, f.met, f.status, f.shortfall, f.expected
	r.Numerator, r.Denominator, r.UnitsMet, r.UnitsTotal, r.Periods = f.num, f.den, f.unitsMet, f.units, f.periods
	if f.behind != nil {
		r.Behind = f.behind
	}
	r.LateEntries = ev.sum(ev.lates, ev.node.Code)
	return r
}

// figures computes a unit's numbers from the grouped counts and from the
// judged (or counted) units below it.
func (ev *evaluation) figures(code string) figures {
	below := ev.below(code)
	switch ev.ind.Rule.Kind {
	case KindUnitShare, KindRecordShare:
		return ev.shareFigures(code, below)
	}
	return ev.countFigures(code, below)
}

// below are the judged (or counted) units under a code, in their order: a
// run of ev.units when they are in code order (the usual case: one span's
// list), found by a binary search rather than a pass over every unit for
// each child of a dashboard's unit. Never appended to (capped).
func (ev *evaluation) below(code string) []UnitRow {
	us := ev.units
	if !ev.unitsSorted {
		var out []UnitRow
		for _, u := range us {
			if strings.HasPrefix(u.Unit, code) {
				out = append(out, u)
			}
		}
		return out
	}
	lo, _ := slices.BinarySearchFunc(us, code, func(u UnitRow, c string) int { return strings.Compare(u.Unit, c) })
	hi := lo
	for hi < len(us) && strings.HasPrefix(us[hi].Unit, code) {
		hi++
	}
	return us[lo:hi:hi]
}

// shareFigures: a share is judged at every level.
func (ev *evaluation) shareFigures(code string, below []UnitRow) figures {
	ind := ev.ind
	var n, d int
	if ind.Rule.Kind == KindUnitShare {
		d = len(below)
		if ev.hist {
			n = ev.sum(ev.met, code)
		}
		for _, u := range below {
			if u.Met {
				n++
			}
		}
	} else {
		n, d = ev.sum(ev.nums, code), ev.sum(ev.counts, code)
	}
	f := figures{num: ptr(n), den: ptr(d)}
	if d == 0 {
		f.status = StateNotApplicable
		return f
	}
	v := float64(n) / float64(d)
	m, st := judgeShare(v, ind.Target, ev.w.Day, ind.StartOn, ind.Deadline)
	f.value, f.met, f.status = ptr(v), ptr(m), st
	f.shortfall = ptr(math.Max(0, math.Ceil(ind.Target*float64(d)-eps)-float64(n)))
	f.expected = ptr(ind.Target * progress(ev.w.Day, ind.StartOn, ind.Deadline))
	if ind.Rule.Kind == KindRecordShare && len(code) < levelLen[ind.Level] {
		f.unitsMet, f.units, f.behind = ptr(metCount(below)), ptr(len(below)), behind(below)
	}
	return f
}

// countFigures: a count is judged at its level; above it, by how many of
// the units below meet the target; below it, not at all.
func (ev *evaluation) countFigures(code string, below []UnitRow) figures {
	ind := ev.ind
	judged := levelLen[ind.Level]
	var v int
	var ys map[int]int
	if ind.Rule.Kind == KindCount {
		v = ev.sum(ev.counts, code)
	} else {
		ys = sumYears(ev.years, code)
		v = ys[ev.cur]
	}
	f := figures{value: ptr(float64(v))}
	switch {
	case len(code) > judged:
		f.status = StateNotJudged
	case len(code) == judged && ind.Rule.Kind == KindCount:
		m, st, sf := judgeCount(float64(v), ind.Target, ev.w.Day, ind.StartOn, ind.Deadline)
		f.met, f.status, f.shortfall = ptr(m), st, ptr(sf)
		f.expected = ptr(math.Floor(ind.Target*progress(ev.w.Day, ind.StartOn, ind.Deadline) + eps))
	case len(code) == judged:
		m, st, sf, ps := ev.judgeYears(ys)
		f.met, f.status, f.shortfall, f.periods = ptr(m), st, ptr(sf), ps
	case len(below) == 0:
		f.status = StateNotApplicable
		f.value = nil
	default:
		st, sf := StateMet, 0.0
		for _, u := range below {
			sf += u.Shortfall
			if u.Met {
				continue
			}
			if _, s := ev.unitState(u); s == StateBehind {
				st = StateBehind
			} else if st == StateMet {
				st = StateOnTrack
			}
		}
		um := metCount(below)
		f.unitsMet, f.units, f.behind = ptr(um), ptr(len(below)), behind(below)
		f.met, f.status, f.shortfall = ptr(um == len(below)), st, ptr(sf)
		if ind.Rule.Kind == KindCountPerYear {
			_, _, _, f.periods = ev.judgeYears(ys)
		}
	}
	return f
}

// behind lists the units that do not meet the target.
func behind(us []UnitRow) []UnitRef {
	out := []UnitRef{}
	for _, u := range us {
		if !u.Met {
			out = append(out, UnitRef{u.Unit, u.Name})
		}
	}
	return out
}

func metCount(us []UnitRow) int {
	n := 0
	for _, u := range us {
		if u.Met {
			n++
		}
	}
	return n
}

// unitState is the state of one judged unit.
func (ev *evaluation) unitState(u UnitRow) (bool, string) {
	ind := ev.ind
	if ind.Rule.Kind == KindCountPerYear {
		m, st, _, _ := ev.judgeYears(sumYears(ev.years, u.Unit))
		return m, st
	}
	m, st, _ := judgeCount(u.Value, ind.Target, ev.w.Day, ind.StartOn, ind.Deadline)
	return m, st
}
