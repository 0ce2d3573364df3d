package kpi

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"linli/internal/geo"
	"linli/internal/orgroll"
)

// The organizations' dated rollup (internal/orgroll, issue 19): a rule
// counting active organizations by one dimension (every one, a tier, a
// type, a party organization form, the hub, brand or volunteer flag, and
// the area) reads a few rows per unit on any date, instead of the records.
// What the rollup does not keep (combined conditions, workers, training,
// grades, known_on) reads the records as before.

// FromRecords makes evaluations count from the records even where the
// rollup answers (to hold the two equal, and to measure the difference).
func (s *Service) FromRecords(on bool) {
	s.records.Store(on)
	s.NoCache(s.cache.isOff())
}

// rollQuery is what a rule asks of the rollup: one dimension and the keys
// of it that count.
type rollQuery struct {
	dim  string
	keys []string // any of ("" for a flag or every organization)
	// rural keeps (true) or drops (false) the villages' organizations
	rural *bool
}

// rollable reports whether the rollup answers an indicator's counts on a
// date, and what it reads.
func rollable(ind *Indicator, w when) (rollQuery, bool) {
	r := ind.Rule
	if w.Known != "" || (r.Kind != KindCount && r.Kind != KindUnitShare) {
		return rollQuery{}, false
	}
	if r.Kind == KindUnitShare && !slices.Contains([]int{6, 9, 12}, levelLen[r.UnitLevel]) {
		return rollQuery{}, false
	}
	f := r.Filter
	if r.Source == SourceHubs {
		if f.Hub != nil && !*f.Hub {
			return rollQuery{}, false
		}
		t := true
		f.Hub = &t
	} else if r.Source != SourceOrgs {
		return rollQuery{}, false
	}
	if (len(f.Status) > 0 && !slices.Equal(f.Status, []string{"active"})) || f.Demonstration != nil || len(f.TargetGroups) > 0 ||
		f.MinWorkers > 0 || f.QualifiedWorkers || f.TrainedPersonnel != nil || f.PartyCovered != nil || f.ContactedDays > 0 {
		return rollQuery{}, false
	}
	q := rollQuery{dim: orgroll.DimAll, keys: []string{""}, rural: f.Rural}
	n := 0
	if len(f.Tiers) > 0 {
		q.dim, q.keys, n = orgroll.DimTier, f.Tiers, n+1
	}
	if len(f.PartyOrg) > 0 {
		q.dim, q.keys, n = orgroll.DimParty, f.PartyOrg, n+1
	}
	if len(f.Types) > 0 {
		i := slices.Index(typeNames, f.Types[0])
		if len(f.Types) > 1 || i < 0 {
			return rollQuery{}, false // an organization of two types would count twice
		}
		q.dim, q.keys, n = orgroll.DimType, []string{strconv.Itoa(i)}, n+1
	}
	for _, fl := range []struct {
		v   *bool
		dim string
	}{{f.Hub, orgroll.DimHub}, {f.Brand, orgroll.DimBrand}, {f.VolunteerMark, orgroll.DimMark}} {
		if fl.v == nil {
			continue
		}
		if !*fl.v {
			return rollQuery{}, false
		}
		q.dim, q.keys, n = fl.dim, []string{""}, n+1
	}
	return q, n <= 1
}

// rollCounts groups the counts of the rollup by the first g characters of
// the units' codes, with how many were counted by a late entry, as count
// does from the records; unitLen keeps, as match.counted does, only
// organizations inside the units a unit_share rule counts.
func (s *Service) rollCounts(ctx context.Context, rq rollQuery, spans []span, w when, g, unitLen int) (counts, lates map[string]int, err error) {
	counts, lates = map[string]int{}, map[string]int{}
	lvl := orgroll.LevelFor(max(g, unitLen))
	for _, sp := range spans {
		m, err := orgroll.Read(ctx, s.DB.Read, lvl, []string{rq.dim}, sp.lo, sp.hi, w.Day)
		if err != nil {
			return nil, nil, fmt.Errorf("kpi rollup: %w", err)
		}
		for k, c := range m {
			if !slices.Contains(rq.keys, k.K) || (rq.rural != nil && (k.Area == geo.Rural) != *rq.rural) || !countedCode(k.Code, unitLen) {
				continue
			}
			code := k.Code
			if len(code) > g {
				code = code[:g]
			}
			counts[code] += c.N
			if c.Late > 0 {
				lates[code] += c.Late
			}
		}
	}
	return counts, lates, nil
}

// countedCode is match.counted's condition on a code at least unitLen long.
func countedCode(code string, unitLen int) bool {
	if unitLen == 0 {
		return true
	}
	if len(code) < unitLen || code[unitLen-3:unitLen] >= "400" {
		return false
	}
	return unitLen != 12 || code[9:12] >= "001"
}
