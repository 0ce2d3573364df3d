package kpi

import (
	"context"
	"fmt"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/errs"
)

// The coverage source (issue 20): a unit_share rule over it reads how many
// active organizations each unit has serving a group, of a type, of a tier
// or carrying the volunteer mark, from the coverage room's rollup, e.g.
// "share of communities with an organization for the elderly", "share of
// villages (rural) with one for the 三留守", "share of streets with a
// volunteer team carrying the 志愿服务组织标识". kpi declares what it needs;
// internal/coverage answers it.

// CoverageQuery asks how many matching active organizations each place
// has on a date.
type CoverageQuery struct {
	Ranges   [][2]string // half-open code ranges, OR-ed
	GroupLen int         // count per code cut to this length
	Filter   Filter      // TargetGroups, Types, Tiers (any of each), VolunteerMark, Rural
	Day      string      // YYYY-MM-DD
	Cut      time.Time   // the end of Day in China
	Current  bool        // Day is today or later
}

// Coverage counts active organizations by place.
type Coverage interface {
	CoverageCounts(ctx context.Context, q CoverageQuery) (map[string]int, error)
}

func (s *Service) coverageCounts(ctx context.Context, ind *Indicator, spans []span, w when, g int) (map[string]int, error) {
	q := CoverageQuery{GroupLen: g, Filter: ind.Rule.Filter, Day: w.Day, Cut: w.Cut, Current: w.Current}
	for _, sp := range spans {
		q.Ranges = append(q.Ranges, [2]string{sp.lo, sp.hi})
	}
	out, err := s.Coverage.CoverageCounts(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("kpi coverage: %w", err)
	}
	return out, nil
}

// coverageUnits keeps, for a coverage rule counting communities with a
// rural (or urban) filter, only the villages (or the residents'
// committees): "share of villages with …" counts villages.
func coverageUnits(ind *Indicator, us []unit) []unit {
	r := ind.Rule.Filter.Rural
	if ind.Rule.Source != SourceCoverage || r == nil || levelLen[ind.Rule.UnitLevel] != 12 {
		return us
	}
	out := us[:0:0]
	for _, u := range us {
		if (geo.KindOf(u.code) == geo.Rural) == *r {
			out = append(out, u)
		}
	}
	return out
}

// checkCoverageRule: a coverage rule is a share of units, and only the
// coverage source reads target groups. (Its messages are in
// internal/coverage's catalogue, to keep this package's files unchanged.)
func checkCoverageRule(r *Rule, f errs.Fields) {
	if r.Source == SourceCoverage && r.Kind != KindUnitShare {
		f.Add("rule.kind", "kpi.err.coverage_kind")
	}
	if r.Source != SourceCoverage && len(r.Filter.TargetGroups) > 0 {
		f.Add("rule.filter", "kpi.err.coverage_groups")
	}
}
