// Package coverage is the coverage report (C2, issue 20): for any place and
// date, how many active organizations each unit one level down has serving
// each target group, of each type or of each tier; which units have none;
// and the same figures as an indicator source.
//
// Today's answers read org_cover, a rollup kept by triggers on orgs
// (migration 015); a past date's answers read the dated rollup of
// internal/orgroll (migration 035), one indexed read per key. The record
// path (the records and their dated history) stays, for the indicators'
// combined filters and for the tests that hold the rollups equal to it.
// All produce the same tallies and one pure function turns them into a
// report, so the paths cannot disagree on anything but counts.
package coverage

import (
	"sort"
	"strconv"
	"strings"

	"linli/internal/geo"
	"linli/internal/registry"
)

// Dimensions a report's columns may show.
const (
	ByGroup = "target_group"
	ByType  = "type"
	ByTier  = "tier"
)

// Dimensions lists the dimensions in display order.
var Dimensions = []string{ByGroup, ByType, ByTier}

// Areas a report may keep: the committees' kinds (geo.Urban, geo.Rural).
var Areas = []string{geo.Urban, geo.Rural}

// dim is the rollup's name of a report dimension.
func dim(by string) string {
	switch by {
	case ByType:
		return "type"
	case ByTier:
		return "tier"
	}
	return "group"
}

// Columns are the column keys of a dimension, read from the registry's
// lists so a group appended there is a column here.
func Columns(by string) []string {
	switch by {
	case ByType:
		return registry.Types
	case ByTier:
		return registry.Tiers
	}
	return registry.TargetGroups
}

// LabelKey is the message key of a column's label (the registry's).
func LabelKey(by, col string) string {
	switch by {
	case ByType:
		return "type." + col
	case ByTier:
		return "tier." + col
	}
	return "group." + col
}

// columnOf maps a rollup key (a bit number, or a tier) to its column key;
// ok is false for a bit the registry does not (yet) name.
func columnOf(by, k string) (string, bool) {
	if by == ByTier {
		return k, true
	}
	cols := Columns(by)
	i, err := strconv.Atoi(k)
	if err != nil || i < 0 || i >= len(cols) {
		return "", false
	}
	return cols[i], true
}

// tally is one count: the active organizations of a unit (cut to the row
// level), in an area, for one rollup dimension and key.
type tally struct {
	code, area, dim, k string
	n                  int
}

// unitInfo is a unit one level down.
type unitInfo struct {
	code, name string
}

// community is one community of the place, for the list of those without
// any organization.
type community struct {
	code, name, street string
}

// Report is the coverage of one place on one date.
type Report struct {
	Unit    string             `json:"unit"`
	Name    string             `json:"name"`
	By      string             `json:"by"`
	AsOf    string             `json:"as_of"`
	Area    string             `json:"area,omitempty"`
	Columns []string           `json:"columns"`
	Rows    []Row              `json:"rows"`
	Covered map[string]float64 `json:"covered"`
	// Totals are each column's organizations in the place; Total all of
	// them (an organization serving two groups counts once here).
	Totals map[string]int `json:"totals"`
	Total  int            `json:"total"`
	// CoveredAny is the share of counted units with any organization.
	CoveredAny float64 `json:"covered_any"`
	// Counted is how many units the shares count.
	Counted int `json:"counted"`
	// Empty lists the communities with no active organization at all.
	Empty []Place `json:"empty_communities"`
	// Communities is how many (counted) communities the place has.
	Communities int `json:"communities"`
	// FromRecords tells an answer read from the records (not a rollup).
	FromRecords bool `json:"from_records"`
}

// Row is one unit one level down.
type Row struct {
	Unit  string         `json:"unit"`
	Name  string         `json:"name"`
	Cells map[string]int `json:"cells"`
	Total int            `json:"total"`
	// Kind is a community's committee kind (urban, rural, other).
	Kind string `json:"kind,omitempty"`
	// NotCounted marks a unit the shares leave out (see Counted).
	NotCounted bool `json:"not_counted,omitempty"`
}

// Place is a community on the list of those without organizations.
type Place struct {
	Unit   string `json:"unit"`
	Name   string `json:"name"`
	Street string `json:"street"`
	Kind   string `json:"kind"`
}

// places is what a report needs of the place's communities: how many of
// each area every unit one level down holds, how many the shares count
// (by area), and those without any active organization.
type places struct {
	areas   map[string]map[string]int // unit → area → communities
	counted map[string]int            // area → counted communities
	empty   []community
}

// shape is the part of places only the divisions change: the place's
// communities, how many of each area every unit one level down holds and
// how many the shares count. It is kept between reports (Service.shapes).
type shape struct {
	comms   []community
	areas   map[string]map[string]int
	counted map[string]int
}

// shapeOf derives a place's shape from its communities, for rows of code
// length n.
func shapeOf(comms []community, n int) *shape {
	sh := &shape{comms: comms, areas: map[string]map[string]int{}, counted: map[string]int{}}
	for _, c := range comms {
		k := geo.KindOf(c.code)
		u := c.code[:n]
		if sh.areas[u] == nil {
			sh.areas[u] = map[string]int{}
		}
		sh.areas[u][k]++
		if geo.Counted(c.code) {
			sh.counted[k]++
		}
	}
	return sh
}

// placesIn is a place's places given each community's organizations: the
// counted communities without any are the empty ones.
func placesIn(sh *shape, totals map[string]int) places {
	p := places{areas: sh.areas, counted: sh.counted}
	for _, c := range sh.comms {
		if geo.Counted(c.code) && totals[c.code] == 0 {
			p.empty = append(p.empty, c)
		}
	}
	return p
}

// placesOf derives places from the full community list and each
// community's organizations (the record path, which counts them itself).
func placesOf(comms []community, totals map[string]int, n int) places {
	return placesIn(shapeOf(comms, n), totals)
}

// build turns the tallies of the units one level down (rows) and the
// place's communities into a report. area, if set, keeps one committee
// kind: tallies of other areas are dropped and units without a community
// of that kind are left out.
func build(r *Report, units []unitInfo, tallies []tally, pl places) {
	r.Columns = Columns(r.By)
	r.Covered = map[string]float64{}
	r.Totals = map[string]int{}
	byUnit := map[string]*Row{}
	for _, u := range units {
		if r.Area != "" && pl.areas[u.code][r.Area] == 0 {
			continue
		}
		row := Row{Unit: u.code, Name: u.name, Cells: map[string]int{}, NotCounted: !geo.Counted(u.code)}
		if len(u.code) == 12 {
			row.Kind = geo.KindOf(u.code)
		}
		for _, c := range r.Columns {
			row.Cells[c] = 0
		}
		r.Rows = append(r.Rows, row)
	}
	for i := range r.Rows {
		byUnit[r.Rows[i].Unit] = &r.Rows[i]
	}
	want := dim(r.By)
	for _, t := range tallies {
		row := byUnit[t.code]
		if row == nil || (r.Area != "" && t.area != r.Area) {
			continue
		}
		switch t.dim {
		case "all":
			row.Total += t.n
		case want:
			if c, ok := columnOf(r.By, t.k); ok {
				row.Cells[c] += t.n
			}
		}
	}
	covered := map[string]int{}
	anyCovered := 0
	for _, row := range r.Rows {
		r.Total += row.Total
		for _, c := range r.Columns {
			r.Totals[c] += row.Cells[c]
		}
		if row.NotCounted {
			continue
		}
		r.Counted++
		if row.Total > 0 {
			anyCovered++
		}
		for _, c := range r.Columns {
			if row.Cells[c] > 0 {
				covered[c]++
			}
		}
	}
	for _, c := range r.Columns {
		r.Covered[c] = share(covered[c], r.Counted)
	}
	r.CoveredAny = share(anyCovered, r.Counted)
	r.Empty = []Place{}
	for a, n := range pl.counted {
		if r.Area == "" || a == r.Area {
			r.Communities += n
		}
	}
	for _, c := range pl.empty {
		k := geo.KindOf(c.code)
		if !geo.Counted(c.code) || (r.Area != "" && k != r.Area) {
			continue
		}
		r.Empty = append(r.Empty, Place{Unit: c.code, Name: c.name, Street: c.street, Kind: k})
	}
	sort.Slice(r.Empty, func(i, j int) bool { return r.Empty[i].Unit < r.Empty[j].Unit })
}

func share(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// counter tallies organizations the way the rollup does: at the rows'
// code length, and every community's total.
type counter struct {
	n     int
	m     map[tally]int
	comms map[string]int
}

func newCounter(n int) *counter { return &counter{n: n, m: map[tally]int{}, comms: map[string]int{}} }

func (c *counter) add(o registry.OrgAt) {
	code := o.Community
	if len(code) > c.n {
		code = code[:c.n]
	}
	c.comms[o.Community]++
	area := geo.KindOf(o.Community)
	add := func(d, k string) { c.m[tally{code: code, area: area, dim: d, k: k}]++ }
	add("all", "")
	add("tier", o.Tier)
	if o.Mark {
		add("mark", "")
	}
	for b := 0; b < 63; b++ {
		if o.Groups&(1<<b) != 0 {
			add("group", strconv.Itoa(b))
		}
		if o.Types&(1<<b) != 0 {
			add("type", strconv.Itoa(b))
		}
	}
}

func (c *counter) tallies() []tally {
	out := make([]tally, 0, len(c.m))
	for t, n := range c.m {
		t.n = n
		out = append(out, t)
	}
	return out
}

// rowLen is the code length of a report's rows at a place: the level
// below it, or a community itself.
func rowLen(code string) int {
	if n := geo.ChildLen(code); n > 0 {
		return n
	}
	return len(code)
}

// Neutral makes text safe for a spreadsheet cell: a leading =, +, -, @,
// tab or carriage return would make it a formula.
func Neutral(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
