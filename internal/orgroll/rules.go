// Package orgroll keeps the dated rollup of organizations (issues 19 and
// 20): for every district (lvl 3), street (lvl 4) and community (lvl 5),
// how many organizations were active on any day, in total and by target
// group, type, tier, volunteer mark, hub and brand flag and party
// organization, and how many of them were counted by a late entry (补录).
//
// Each organization's timeline (org_segs: the spans of days it was active
// and how it stood in each) is derived from its current row and its dated
// history (org_history, effective dates) by one pure function; the rollup
// (org_roll) holds, per key, the count from each day a count changed, so a
// date's count is one indexed read per key. Whoever writes history calls
// Refresh in the same transaction: the organization's old timeline is
// subtracted and its new one added, so a move between communities or a
// correction entered late (an effective date before other changes) lands
// on the right days. Rebuild derives everything from the records.
//
// known_on (what had been entered by a day) is not kept here: readers fall
// back to the records for it.
package orgroll

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/clock"
)

// Fields are the historized fields a timeline reads, in state order.
var Fields = []string{"community", "status", "tier", "types", "groups", "volunteer_mark", "hub", "brand", "party_org"}

const (
	fCommunity = iota
	fStatus
	fTier
	fTypes
	fGroups
	fMark
	fHub
	fBrand
	fParty
	nFields
)

// Dimensions of the rollup's keys.
const (
	DimAll   = "all"   // k ''
	DimGroup = "group" // k the bit number of a target group (registry.TargetGroups)
	DimType  = "type"  // k the bit number of a type (registry.Types)
	DimTier  = "tier"  // k the tier
	DimMark  = "mark"  // k '' (志愿服务组织标识)
	DimHub   = "hub"   // k ''
	DimBrand = "brand" // k ''
	DimParty = "party" // k the party organization form
)

// WorkersDim is the dimension counting the hubs with at least n hub social
// workers in post on the day (qualified ones, if qualified): the numerator
// of the hubs' record share (kpi's workerCounts), k empty. A hub with n
// workers, q of them qualified, counts under WorkersDim(i, false) for i
// from 1 to n and WorkersDim(i, true) for i from 1 to q, so that a rule's
// numerator reads one key per unit and area (issue 19: the national city's
// dashboard read 77 keys of how many workers where 22 now answer).
func WorkersDim(n int, qualified bool) string {
	if qualified {
		return workersQual + strconv.Itoa(n)
	}
	return workersAny + strconv.Itoa(n)
}

const workersAny, workersQual = "workers", "qworkers"

// IsWorkersDim reports whether a dimension is a WorkersDim.
func IsWorkersDim(dim string) bool {
	n, ok := strings.CutPrefix(dim, workersQual)
	if !ok {
		n, ok = strings.CutPrefix(dim, workersAny)
	}
	i, err := strconv.Atoi(n)
	return ok && err == nil && i >= 1 && strconv.Itoa(i) == n
}

// Day is the day in China of a time, as the rollup keys it.
func Day(t time.Time) string { return clock.Day(t) }

// Current is an organization's row as it stands now.
type Current struct {
	ID                             int64
	Community, Status, Tier, Party string
	Types, Groups                  int64
	Mark, Hub, Brand               bool
}

// Change is one history row of a field the timeline reads.
type Change struct {
	Field, Value, Old string
	Day               string // effective day in China
	Late              bool   // entered late, with a reason (补录)
}

// State is how an active organization stood over a span of days.
type State struct {
	Community, Tier, Party string
	Types, Groups          int64
	Mark, Hub, Brand       bool
	// Late holds a bit per field (1 << fStatus …) whose late entry is in
	// effect: a record counted by such a field is counted by a late entry.
	Late int
	// Workers and Qualified are how many of the hub's social workers
	// (hub_workers, see WithWorkers), and of them qualified, were in post.
	Workers, Qualified int
}

// Seg is a span [From, To) of days (To "" is open) an organization was
// active in a state.
type Seg struct {
	From, To string
	State
}

// Timeline derives an organization's active spans from its current row and
// its changes in order of effect (day, then entry). A field's value on a day
// is that of its last change in effect, else the value its first later
// change replaced, else the current column; no status in effect means not
// yet filed. These are the rules of the coverage report's record path.
func Timeline(cur Current, chs []Change) []Seg {
	if len(chs) == 0 {
		return nil
	}
	idx := map[string]int{}
	for i, f := range Fields {
		idx[f] = i
	}
	// the first later change's old value: the value before any change
	var first [nFields]string
	var hasFirst [nFields]bool
	lateFrom := [nFields]string{}
	var days []string
	for _, c := range chs {
		i, ok := idx[c.Field]
		if !ok {
			continue
		}
		if !hasFirst[i] {
			first[i], hasFirst[i] = c.Old, true
		}
		if c.Late && (lateFrom[i] == "" || c.Day < lateFrom[i]) {
			lateFrom[i] = c.Day
		}
		days = append(days, c.Day)
	}
	curVals := [nFields]string{cur.Community, cur.Status, cur.Tier, strconv.FormatInt(cur.Types, 10),
		strconv.FormatInt(cur.Groups, 10), b01(cur.Mark), b01(cur.Hub), b01(cur.Brand), cur.Party}
	var val [nFields]string
	var set [nFields]bool
	for i := range val {
		switch {
		case hasFirst[i] && first[i] != "":
			val[i] = first[i]
		case hasFirst[i] && (i == fMark || i == fHub || i == fBrand):
			val[i] = "0" // a flag first set by a change had none before it
		case i != fStatus:
			val[i] = curVals[i]
		}
	}
	slices.Sort(days)
	days = slices.Compact(days)
	var out []Seg
	j := 0
	for _, d := range days {
		for ; j < len(chs) && chs[j].Day <= d; j++ {
			if i, ok := idx[chs[j].Field]; ok {
				val[i], set[i] = chs[j].Value, true
			}
		}
		active := set[fStatus] && val[fStatus] == "active"
		var st State
		if active {
			st = State{Community: val[fCommunity], Tier: val[fTier], Party: val[fParty], Mark: val[fMark] == "1",
				Hub: val[fHub] == "1", Brand: val[fBrand] == "1"}
			st.Types, _ = strconv.ParseInt(val[fTypes], 10, 64)
			st.Groups, _ = strconv.ParseInt(val[fGroups], 10, 64)
			for i, l := range lateFrom {
				if l != "" && l <= d {
					st.Late |= 1 << i
				}
			}
		}
		n := len(out)
		if n > 0 && out[n-1].To == "" {
			if active && out[n-1].State == st {
				continue
			}
			out[n-1].To = d
		}
		if active {
			out = append(out, Seg{From: d, State: st})
		}
	}
	// (a late entry is a change, so the days its lateness starts are
	// change days: no other day splits a span)
	return out
}

// Worker is one hub social worker's time in post: [Started, Ended), Ended
// "" while in post (hub_workers' started_on and ended_on).
type Worker struct {
	Started, Ended string
	Qualified      bool
}

// WithWorkers sets on an organization's timeline how many of its social
// workers were in post each day (State.Workers, State.Qualified): a span
// is split on the days one started or left within it, and spans left
// alike are joined. These are kpi's rules for a worker on a date
// (started_on <= date < ended_on).
func WithWorkers(segs []Seg, ws []Worker) []Seg {
	if len(ws) == 0 || len(segs) == 0 {
		return segs
	}
	var out []Seg
	for _, s := range segs {
		cuts := []string{s.From}
		for _, w := range ws {
			for _, d := range []string{w.Started, w.Ended} {
				if d != "" && d > s.From && (s.To == "" || d < s.To) {
					cuts = append(cuts, d)
				}
			}
		}
		slices.Sort(cuts)
		cuts = slices.Compact(cuts)
		for i, from := range cuts {
			to := s.To
			if i+1 < len(cuts) {
				to = cuts[i+1]
			}
			st := s.State
			st.Workers, st.Qualified = 0, 0
			for _, w := range ws {
				if w.Started <= from && (w.Ended == "" || w.Ended > from) {
					st.Workers++
					if w.Qualified {
						st.Qualified++
					}
				}
			}
			if n := len(out); n > 0 && out[n-1].To == from && out[n-1].State == st {
				out[n-1].To = to
				continue
			}
			out = append(out, Seg{From: from, To: to, State: st})
		}
	}
	return out
}

func b01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// Key is one rollup key: a unit at a level, its area (the committee kind
// of the organization's community), a dimension and its value.
type Key struct {
	Lvl             int
	Dim, Code, Area string
	K               string
}

// String is the key as stored: ordered by level, dimension, code, so a
// code range is a key range.
func (k Key) String() string {
	return strconv.Itoa(k.Lvl) + "|" + k.Dim + "|" + k.Code + "|" + k.Area + "|" + k.K
}

// ParseKey reads a stored key.
func ParseKey(s string) (Key, bool) {
	var p [5]string
	for i := range 4 {
		var ok bool
		if p[i], s, ok = strings.Cut(s, "|"); !ok {
			return Key{}, false
		}
	}
	if strings.Contains(s, "|") {
		return Key{}, false
	}
	l, err := strconv.Atoi(p[0])
	return Key{Lvl: l, Dim: p[1], Code: p[2], Area: p[3], K: s}, err == nil
}

// KeyRange is the stored keys' range of a level, dimension and code range.
func KeyRange(lvl int, dim, lo, hi string) (string, string) {
	p := strconv.Itoa(lvl) + "|" + dim + "|"
	return p + lo, p + hi
}

// Levels are the rollup's levels and the code length of each.
var Levels = []struct{ Lvl, Len int }{{3, 6}, {4, 9}, {5, 12}}

// LevelFor is the rollup level whose codes are at least n long (cut to n).
func LevelFor(n int) int {
	switch {
	case n >= 12:
		return 5
	case n >= 9:
		return 4
	}
	return 3
}

// Count is a key's count on a day and how many of them were counted by a
// late entry.
type Count struct{ N, Late int }

// dimLate is the bit of the field a dimension reads besides the status and
// the community (an organization is counted by where it is and whether it
// is active).
// (the hubs' workers, WorkersDim, read the hub flag: a worker's own dates
// are not history fields)
var dimLate = map[string]int{DimAll: 0, DimGroup: 1 << fGroups, DimType: 1 << fTypes, DimTier: 1 << fTier,
	DimMark: 1 << fMark, DimHub: 1 << fHub, DimBrand: 1 << fBrand, DimParty: 1 << fParty}

// lateBits is dimLate of a dimension.
func lateBits(dim string) int {
	if IsWorkersDim(dim) {
		return 1 << fHub
	}
	return dimLate[dim]
}

// keys calls fn with every key a state counts under at a level (0: at
// every level) and whether it counts there by a late entry.
func (st State) keys(lvl int, fn func(Key, bool)) {
	c := st.Community
	if len(c) != 12 {
		return
	}
	area := geo.KindOf(c)
	for _, l := range Levels {
		if lvl != 0 && l.Lvl != lvl {
			continue
		}
		code := c[:l.Len]
		add := func(dim, k string) {
			fn(Key{Lvl: l.Lvl, Dim: dim, Code: code, Area: area, K: k}, st.Late&(1<<fStatus|1<<fCommunity|lateBits(dim)) != 0)
		}
		add(DimAll, "")
		add(DimTier, st.Tier)
		add(DimParty, st.Party)
		if st.Mark {
			add(DimMark, "")
		}
		if st.Hub {
			add(DimHub, "")
			for i := 1; i <= st.Workers; i++ {
				add(WorkersDim(i, false), "")
			}
			for i := 1; i <= st.Qualified; i++ {
				add(WorkersDim(i, true), "")
			}
		}
		if st.Brand {
			add(DimBrand, "")
		}
		for b := 0; b < 63; b++ {
			if st.Groups&(1<<b) != 0 {
				add(DimGroup, strconv.Itoa(b))
			}
			if st.Types&(1<<b) != 0 {
				add(DimType, strconv.Itoa(b))
			}
		}
	}
}

// Deltas are changes of counts: key → day → change from that day on.
type Deltas map[string]map[string]Count

func (d Deltas) add(k Key, day string, n, late int) {
	s := k.String()
	m := d[s]
	if m == nil {
		m = map[string]Count{}
		d[s] = m
	}
	c := m[day]
	c.N += n
	c.Late += late
	if c == (Count{}) {
		delete(m, day)
		if len(m) == 0 {
			delete(d, s)
		}
		return
	}
	m[day] = c
}

// Add adds (sign 1) or subtracts (-1) a timeline's counts.
func (d Deltas) Add(segs []Seg, sign int) { d.AddUnder(segs, sign, "") }

// AddUnder is Add restricted to the keys whose codes start with a prefix
// (a rebuild, one district at a time).
func (d Deltas) AddUnder(segs []Seg, sign int, prefix string) {
	for _, s := range segs {
		if !strings.HasPrefix(s.Community, prefix) {
			continue
		}
		s.keys(0, func(k Key, late bool) {
			l := 0
			if late {
				l = sign
			}
			d.add(k, s.From, sign, l)
			if s.To != "" {
				d.add(k, s.To, -sign, -l)
			}
		})
	}
}

// Encode writes a timeline as stored in org_segs.
func Encode(segs []Seg) string {
	var b strings.Builder
	for i, s := range segs {
		if i > 0 {
			b.WriteByte(';')
		}
		flags := 0
		for j, f := range []bool{s.Mark, s.Hub, s.Brand} {
			if f {
				flags |= 1 << j
			}
		}
		b.WriteString(strings.Join([]string{s.From, s.To, s.Community, s.Tier, s.Party,
			strconv.FormatInt(s.Types, 10), strconv.FormatInt(s.Groups, 10), strconv.Itoa(flags), strconv.Itoa(s.Late)}, ","))
		if s.Workers != 0 || s.Qualified != 0 { // (a span without workers is stored as before they were kept)
			b.WriteString("," + strconv.Itoa(s.Workers) + "," + strconv.Itoa(s.Qualified))
		}
	}
	return b.String()
}

// Decode reads a stored timeline.
func Decode(s string) []Seg {
	if s == "" {
		return nil
	}
	var out []Seg
	for _, part := range strings.Split(s, ";") {
		p := strings.Split(part, ",")
		if len(p) != 9 && len(p) != 11 {
			continue
		}
		sg := Seg{From: p[0], To: p[1], State: State{Community: p[2], Tier: p[3], Party: p[4]}}
		sg.Types, _ = strconv.ParseInt(p[5], 10, 64)
		sg.Groups, _ = strconv.ParseInt(p[6], 10, 64)
		flags, _ := strconv.Atoi(p[7])
		sg.Mark, sg.Hub, sg.Brand = flags&1 != 0, flags&2 != 0, flags&4 != 0
		sg.Late, _ = strconv.Atoi(p[8])
		if len(p) == 11 {
			sg.Workers, _ = strconv.Atoi(p[9])
			sg.Qualified, _ = strconv.Atoi(p[10])
		}
		out = append(out, sg)
	}
	return out
}

// On is the state a timeline holds on a day, if the organization was
// active then.
func On(segs []Seg, day string) (State, bool) {
	for _, s := range segs {
		if s.From <= day && (s.To == "" || day < s.To) {
			return s.State, true
		}
	}
	return State{}, false
}

// Keys calls fn with every key the state counts under at a level and
// whether it counts there by a late entry: an organization's part of the
// rollup's counts on a day it stood so.
func (st State) Keys(lvl int, fn func(Key, bool)) {
	st.keys(lvl, fn)
}
