package orgroll

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"linli/internal/geo"
	"linli/internal/platform/db"
)

// The units' histograms (issue 19, migration 062): for the streets of each
// district and the communities of each street, how many of them counted
// exactly c organizations of a dimension on a day (and, summed over those
// units, how many of their organizations were counted by a late entry),
// from each day that changed. A judgement of every unit ("streets with at
// least N hubs") at a unit above them then reads a few rows per child unit
// (a row per c that occurs) instead of a row per street or community.
//
// They are kept in org_roll itself, under their own levels (HistLevel:
// 14, the streets by district; 15, the communities by street), the key's
// code the parent's, its area empty (a unit's count over every area of its
// communities), its k the count c: so they are read, moved and rebuilt as
// the other keys are, in the same transaction. Only the dimensions whose
// key has no value (HistDims) are kept, and only the units the plan counts
// (geo.Counted), those a unit_share rule judges.

// HistDims are the dimensions whose units' counts are kept as histograms:
// every organization and the three flags (a key each, k ”).
var HistDims = []string{DimAll, DimBrand, DimHub, DimMark}

// HistLevel is the level of the histograms of a level's units (0: none).
func HistLevel(unitLvl int) int {
	if unitLvl == 4 || unitLvl == 5 {
		return unitLvl + 10
	}
	return 0
}

// HistParentLen is the code length of the units a histogram level is kept
// by: the streets' district, the communities' street.
func HistParentLen(histLvl int) int {
	switch histLvl {
	case 14:
		return 6
	case 15:
		return 9
	}
	return 0
}

// histAreas are the areas a unit's keys can hold (geo.KindOf of a
// community code).
var histAreas = []string{geo.Other, geo.Rural, geo.Urban}

// histGroup is a unit's count of one dimension, over every area.
type histGroup struct {
	lvl       int
	dim, code string
}

func (g histGroup) key(area string) string {
	return Key{Lvl: g.lvl, Dim: g.dim, Code: g.code, Area: area}.String()
}

// histKey is the histogram key that counts a group's unit with c.
func (g histGroup) histKey(c int) Key {
	l := HistLevel(g.lvl)
	return Key{Lvl: l, Dim: g.dim, Code: g.code[:HistParentLen(l)], K: strconv.Itoa(c)}
}

// histGroupOf is the group a unit key belongs to, if its units are kept.
func histGroupOf(ks string) (histGroup, bool) {
	k, ok := ParseKey(ks)
	if !ok || HistLevel(k.Lvl) == 0 || k.K != "" || !slices.Contains(HistDims, k.Dim) || !geo.Counted(k.Code) {
		return histGroup{}, false
	}
	return histGroup{k.Lvl, k.Dim, k.Code}, true
}

// histDeltas are the histograms' changes for the deltas d of the units'
// keys, given the rows those keys held before (old: every row of every
// area's key of each changed unit, in day order): each unit's count over
// its areas, as a step function of the day, before and after, and its
// part of the histograms (one unit, and its late ones, under its count)
// taken out as it was and put in as it becomes, from each day either
// changes.
func histDeltas(d Deltas, old map[string][]rollRow) Deltas {
	groups := map[histGroup]bool{}
	for ks := range d {
		if g, ok := histGroupOf(ks); ok {
			groups[g] = true
		}
	}
	out := Deltas{}
	for g := range groups {
		// each area key's count before (rows: the count from each day)
		// and its changes: the unit's count is their sum
		type step struct {
			day      string
			old, chg Count
		}
		var steps []step
		for _, a := range histAreas {
			ks := g.key(a)
			var prev Count
			for _, r := range old[ks] {
				steps = append(steps, step{day: r.day, old: Count{r.c.N - prev.N, r.c.Late - prev.Late}})
				prev = r.c
			}
			for day, c := range d[ks] {
				steps = append(steps, step{day: day, chg: c})
			}
		}
		slices.SortFunc(steps, func(a, b step) int { return strings.Compare(a.day, b.day) })
		var was, is, pw, pi Count // the counts before and after, on the day and before it
		put := func(c Count, day string, sign int) {
			if c.N > 0 {
				out.add(g.histKey(c.N), day, sign, sign*c.Late)
			}
		}
		for i := 0; i < len(steps); {
			day := steps[i].day
			for ; i < len(steps) && steps[i].day == day; i++ {
				was.N, was.Late = was.N+steps[i].old.N, was.Late+steps[i].old.Late
				is.N, is.Late = is.N+steps[i].old.N+steps[i].chg.N, is.Late+steps[i].old.Late+steps[i].chg.Late
			}
			// (the change of this unit's part from the day on)
			put(is, day, 1)
			put(was, day, -1)
			put(pi, day, -1)
			put(pw, day, 1)
			pw, pi = was, is
		}
	}
	return out
}

// withHist adds to deltas of the units' keys the histograms' deltas they
// cause, reading the rows the changed units' keys hold (in the writer's
// transaction, before the deltas are applied). The writer holds the
// change counters of the districts it writes in (LockOrgs, LockScope), so
// no other writer moves these units' keys meanwhile.
func withHist(ctx context.Context, tx db.Querier, d Deltas) (Deltas, error) {
	var keys []string
	seen := map[histGroup]bool{}
	for ks := range d {
		g, ok := histGroupOf(ks)
		if !ok || seen[g] {
			continue
		}
		seen[g] = true
		for _, a := range histAreas {
			keys = append(keys, g.key(a))
		}
	}
	if len(keys) == 0 {
		return d, nil
	}
	slices.Sort(keys)
	old := map[string][]rollRow{}
	for start := 0; start < len(keys); start += 500 {
		chunk := keys[start:min(len(keys), start+500)]
		in, args := db.InList(chunk, nil)
		rows, err := tx.QueryContext(ctx, `SELECT rk, day, n, nl FROM org_roll WHERE rk IN `+in+` ORDER BY rk, day`, args...)
		if err != nil {
			return nil, fmt.Errorf("org rollup histograms: %w", err)
		}
		for rows.Next() {
			var k string
			var r rollRow
			if err := rows.Scan(&k, &r.day, &r.c.N, &r.c.Late); err != nil {
				rows.Close()
				return nil, err
			}
			old[k] = append(old[k], r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	h := histDeltas(d, old)
	if len(h) == 0 {
		return d, nil
	}
	out := maps.Clone(d)
	for k, m := range h {
		out[k] = m // (histogram keys are never among the units' keys)
	}
	return out, nil
}

// HistCounts reads a histogram answer (ReadMany's, of a HistLevel): for
// each parent unit, how many units counted at least min, and how many of
// all its units' organizations were counted by a late entry.
func HistCounts(m map[Key]Count, minCount int) (met, late map[string]int) {
	met, late = map[string]int{}, map[string]int{}
	for k, c := range m {
		n, err := strconv.Atoi(k.K)
		if err != nil || HistParentLen(k.Lvl) == 0 {
			continue
		}
		if n >= minCount {
			met[k.Code] += c.N
		}
		if c.Late != 0 {
			late[k.Code] += c.Late
		}
	}
	return met, late
}
