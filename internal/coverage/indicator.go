package coverage

import (
	"context"
	"slices"
	"strconv"

	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/orgroll"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// CoverageCounts answers the indicators' coverage source (kpi.Coverage):
// how many matching active organizations each place has. A filter naming
// at most one group, type or tier and no other condition than the volunteer
// mark alone or the area reads a rollup (org_cover today, the dated one of
// internal/orgroll on a past date); anything else (several groups, "any of
// the 三留守", combined conditions) reads the records with the same rules
// as a report's record path.
func (s *Service) CoverageCounts(ctx context.Context, q kpi.CoverageQuery) (map[string]int, error) {
	out := map[string]int{}
	f := q.Filter
	area := func(code string) bool {
		if f.Rural == nil {
			return true
		}
		return (geo.KindOf(code) == geo.Rural) == *f.Rural
	}
	if d, k, ok := rollupKey(f); ok {
		for _, r := range q.Ranges {
			var ts []tally
			var err error
			if q.Current {
				ts, err = readRollup(ctx, s.DB, orgroll.LevelFor(q.GroupLen), []string{d}, r[0], r[1], q.GroupLen)
			} else {
				ts, err = readDated(ctx, s.DB, orgroll.LevelFor(q.GroupLen), []string{d}, r[0], r[1], q.GroupLen, q.Day)
			}
			if err != nil {
				return nil, err
			}
			for _, t := range ts {
				if t.k != k || (f.Rural != nil && (t.area == geo.Rural) != *f.Rural) {
					continue
				}
				out[t.code] += t.n
			}
		}
		return out, nil
	}
	gm, tm := db.Mask(registry.TargetGroups, f.TargetGroups), db.Mask(registry.Types, f.Types)
	for _, r := range q.Ranges {
		err := registry.EachActiveAt(ctx, s.DB.Read, r[0], r[1], q.Cut, func(o registry.OrgAt) {
			switch {
			case len(f.TargetGroups) > 0 && o.Groups&gm == 0,
				len(f.Types) > 0 && o.Types&tm == 0,
				len(f.Tiers) > 0 && !slices.Contains(f.Tiers, o.Tier),
				f.VolunteerMark != nil && o.Mark != *f.VolunteerMark,
				!area(o.Community):
				return
			}
			code := o.Community
			if len(code) > q.GroupLen {
				code = code[:q.GroupLen]
			}
			out[code]++
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rollupKey is the one rollup dimension and key a filter asks for.
func rollupKey(f kpi.Filter) (dim, k string, ok bool) {
	n := len(f.TargetGroups) + len(f.Types) + len(f.Tiers)
	if f.VolunteerMark != nil {
		n++
	}
	switch {
	case len(f.Status) > 0 || len(f.PartyOrg) > 0 || f.Hub != nil || f.Brand != nil || f.Demonstration != nil || n > 1:
		return "", "", false
	case n == 0:
		return "all", "", true
	case len(f.TargetGroups) == 1:
		i := slices.Index(registry.TargetGroups, f.TargetGroups[0])
		return "group", strconv.Itoa(i), i >= 0
	case len(f.Types) == 1:
		i := slices.Index(registry.Types, f.Types[0])
		return "type", strconv.Itoa(i), i >= 0
	case len(f.Tiers) == 1:
		return "tier", f.Tiers[0], true
	case *f.VolunteerMark:
		return "mark", "", true
	}
	return "", "", false
}
