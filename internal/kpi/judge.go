package kpi

import (
	"math"
	"strconv"
	"time"
)

// How a value is judged on a date: met when it reaches the target; else on
// track when it is at or above where a straight line from the start to the
// deadline says it should be by then; else, or once the deadline has
// passed, behind.

// progress is how far a day is along [from, to], from 0 to 1.
func progress(day, from, to string) float64 {
	d, err1 := time.Parse(time.DateOnly, day)
	f, err2 := time.Parse(time.DateOnly, from)
	t, err3 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || err3 != nil || !t.After(f) {
		return 1
	}
	return math.Min(1, math.Max(0, d.Sub(f).Hours()/t.Sub(f).Hours()))
}

// judgeCount is the state of one judged unit's count.
func judgeCount(v, target float64, day, from, to string) (bool, string, float64) {
	if v >= target-eps {
		return true, StateMet, 0
	}
	short := target - v
	if day >= to {
		return false, StateBehind, short
	}
	if v >= math.Floor(target*progress(day, from, to)+eps) {
		return false, StateOnTrack, short
	}
	return false, StateBehind, short
}

// judgeShare is the state of a share.
func judgeShare(v, target float64, day, from, to string) (bool, string) {
	if v >= target-eps {
		return true, StateMet
	}
	if day >= to || v < target*progress(day, from, to)-eps {
		return false, StateBehind
	}
	return false, StateOnTrack
}

// judgeYears is the state of one judged unit of a count_per_year indicator:
// every year begun must reach the target; a year over and missed is behind.
func (ev *evaluation) judgeYears(counts map[int]int) (bool, string, float64, []Period) {
	ind := ev.ind
	var ps []Period
	met, state, short := len(ev.started) > 0, StateMet, 0.0
	for _, y := range ev.started {
		end := strconv.Itoa(y) + "-12-31"
		p := Period{Year: y, Value: counts[y], Ended: ev.w.Day >= end}
		p.Met = float64(p.Value) >= ind.Target-eps
		ps = append(ps, p)
		if p.Met {
			continue
		}
		met = false
		short += ind.Target - float64(p.Value)
		_, st, _ := judgeCount(float64(p.Value), ind.Target, ev.w.Day, strconv.Itoa(y)+"-01-01", end)
		if st == StateBehind {
			state = StateBehind
		} else if state == StateMet {
			state = StateOnTrack
		}
	}
	if len(ev.started) == 0 {
		state = StateOnTrack
	}
	return met, state, short, ps
}
