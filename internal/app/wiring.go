package app

import (
	"context"
	"strconv"

	"linli/internal/civic"
	"linli/internal/evaluation"
	"linli/internal/governance"
	"linli/internal/portal"
)

// The rooms that read each other's facts, wired here (each room names only
// the small interface it needs; the app gives it the other room's service).

// civicExtras gives the public portal residents' ratings and published
// typical cases from the civic room.
type civicExtras struct{ c *civic.Service }

func (x civicExtras) OrgRatings(ctx context.Context, orgID int64) (*portal.Ratings, error) {
	r, err := x.c.OrgRatings(ctx, orgID)
	if err != nil || r == nil {
		return nil, err
	}
	return &portal.Ratings{Count: r.Count, Average: r.Average}, nil
}

func (x civicExtras) PlaceCases(ctx context.Context, code string, n int) ([]portal.Case, error) {
	cs, err := x.c.PlaceCases(ctx, code, n)
	if err != nil {
		return nil, err
	}
	out := make([]portal.Case, 0, len(cs))
	for _, c := range cs {
		summary := []rune(c.Story)
		if len(summary) > 80 {
			summary = append(summary[:80], '…')
		}
		out = append(out, portal.Case{ID: c.ID, Title: c.Title, Summary: string(summary), Link: "/p/cases/" + strconv.FormatInt(c.ID, 10)})
	}
	return out, nil
}

// wireRooms connects the portal to the civic and evaluation rooms, and the
// evaluation system to the governance room's evidence (charter adopted,
// work reports on time).
func wireRooms(p *portal.Service, c *civic.Service, eval *evaluation.Service, gov *governance.Service) {
	p.Extras = civicExtras{c}
	p.Surveys = func(ctx context.Context, code string, n int) ([]portal.SurveyRef, error) {
		svs, err := c.PublishedSurveys(ctx, code, n)
		if err != nil {
			return nil, err
		}
		out := make([]portal.SurveyRef, 0, len(svs))
		for _, sv := range svs {
			out = append(out, portal.SurveyRef{ID: sv.ID, Title: sv.Title, Place: sv.UnitName, Period: sv.OpensOn + " – " + sv.ClosesOn,
				Answers: sv.Answers, Link: "/p/surveys/" + strconv.FormatInt(sv.ID, 10)})
		}
		return out, nil
	}
	p.Grade = func(ctx context.Context, orgID int64) (string, error) {
		g, _, err := eval.CurrentGrade(ctx, orgID)
		return g, err
	}
	eval.RegisterEvidence("charter_adopted", evaluation.EvidenceFunc(func(ctx context.Context, orgIDs []int64, year int) (map[int64]float64, error) {
		adopted, err := gov.CharterAdopted(ctx, orgIDs, strconv.Itoa(year)+"-12-31")
		if err != nil {
			return nil, err
		}
		out := make(map[int64]float64, len(orgIDs))
		for _, id := range orgIDs {
			if adopted[id] {
				out[id] = 1
			} else {
				out[id] = 0
			}
		}
		return out, nil
	}))
	eval.RegisterEvidence("reports_on_time", evaluation.EvidenceFunc(gov.ReportsOnTime))
}
