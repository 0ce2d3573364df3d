package kpi

import (
	"context"
	"fmt"
	"math"
	"time"

	"linli/internal/geo"
)

// correction compares an indicator's value at its deadline as linli
// answered it on the deadline (from the records entered by then) with the
// value for the same date now. A difference is a correction made after the
// deadline passed (补录), shown beside the number. Nothing is compared
// before the deadline, for a known-on answer, or when linli held no record
// yet on the deadline.
func (s *Service) correction(ctx context.Context, e *evaluator, ind *Indicator, node geo.Node, w when, r *Result) (*Correction, error) {
	if w.Known != "" || w.Day < ind.Deadline || ind.Deadline >= s.Today() || r.Status == StateNoData || r.Status == StateNotApplicable {
		return nil, nil
	}
	first, err := s.firstEntry(ctx)
	if err != nil || first == "" || ind.Deadline < first {
		return nil, err
	}
	d, err := time.Parse(time.DateOnly, ind.Deadline)
	if err != nil {
		return nil, nil
	}
	now := whenOf(d, s.now())
	then := now
	then.Known, then.KnownCut = ind.Deadline, now.Cut
	if same, err := e.knownSame(ctx, ind, then); err != nil || same {
		return nil, err
	}
	evNow, err := s.evaluation(ctx, e, ind, node, now)
	if err != nil {
		return nil, err
	}
	evThen, err := s.evaluation(ctx, e, ind, node, then)
	if err != nil {
		return nil, err
	}
	a, b := evThen.result().Value, evNow.result().Value
	if a == nil || b == nil || math.Abs(*a-*b) < eps {
		return nil, nil
	}
	month, err := s.lastEntryAfter(ctx, ind.Rule.Source, spansAt(ind, node.Code), now.Cut)
	if err != nil {
		return nil, err
	}
	return &Correction{Deadline: ind.Deadline, Was: a, Now: b, Month: month}, nil
}

// lastEntryAfter is the month (in China) of the latest entry, made after a
// cut, of a fact in effect before it, under the spans.
func (s *Service) lastEntryAfter(ctx context.Context, src string, spans []span, cut time.Time) (string, error) {
	q := &query{}
	c := q.arg(cut)
	var sql string
	switch src {
	case SourceOrgs, SourceHubs:
		sql = `SELECT MAX(h.entered_at) FROM org_history h JOIN orgs o ON o.id = h.org_id WHERE h.at < ` + c +
			` AND h.entered_at >= ` + c + ` AND ` + rangeCond(q, func(n int) string {
			if n >= 12 {
				return "o.community_code"
			}
			return "o.street_code"
		}, spans)
	case SourceBases, SourcePilots, SourcePoints:
		t, col, eff := "bases b", "b.district_code", "b.opened_on"
		switch src {
		case SourcePilots:
			t, col, eff = "pilots b", "b.district_code", "b.designated_on"
		case SourcePoints:
			t, col, eff = "demonstration_points b", "b.district_code", "b.approved_on"
		}
		sql = `SELECT MAX(b.created_at) FROM ` + t + ` WHERE b.created_at >= ` + c + ` AND ` + eff + ` < ` +
			q.arg(cut.In(chinaTime).Format(time.DateOnly)) + ` AND ` + rangeCond(q, func(int) string { return col }, districtSpans(spans))
	default:
		return "", nil
	}
	var v any
	if err := s.DB.Read.QueryRowContext(ctx, sql, q.args...).Scan(&v); err != nil {
		return "", fmt.Errorf("kpi last entry: %w", err)
	}
	t, ok := timeOf(v)
	if !ok {
		return "", nil
	}
	return t.In(chinaTime).Format("2006-01"), nil
}

// districtSpans widens spans to whole districts (a table keyed by its
// district code only).
func districtSpans(spans []span) []span {
	out := make([]span, 0, len(spans))
	for _, sp := range spans {
		if len(sp.lo) > 6 {
			out = append(out, spanOf(sp.lo[:6]))
		} else {
			out = append(out, sp)
		}
	}
	return out
}
