package kpi

import (
	"context"

	"linli/internal/platform/auth"
	"linli/internal/platform/i18n"
)

// PublicRow is one indicator as the public portal shows it: the
// dashboard's result, its text, and how to read it.
type PublicRow struct {
	Result  *Result
	Row     Row
	Target  string // what the target is, in words
	Reading string // how the plan's sentence is read, where a rule chooses a reading
}

// Public evaluates the dashboard of a place for the public portal (issue
// 17): the same evaluation and cache as the signed-in dashboard, read as a
// city-wide viewer, so the numbers are the dashboard's for the same place
// and date.
func (s *Service) Public(ctx context.Context, code, asOf string, cat *i18n.Catalog, lang string) (*Dashboard, []PublicRow, error) {
	city := code
	if len(city) > 4 {
		city = city[:4]
	}
	u := &auth.User{Username: "portal", Role: auth.Auditor, ScopeCode: city}
	d, err := s.Dashboard(ctx, u, code, asOf)
	if err != nil {
		return nil, nil, err
	}
	x := newTexts(cat, lang)
	byKey := map[string]*Indicator{}
	for _, ind := range d.inds {
		byKey[ind.Key] = ind
	}
	rows := make([]PublicRow, 0, len(d.Results))
	for _, r := range d.Results {
		ind := byKey[r.Key]
		if ind == nil {
			continue
		}
		rows = append(rows, PublicRow{Result: r, Row: x.row(ind, r), Target: x.target(ind), Reading: x.reading(ind)})
	}
	return d, rows, nil
}
