package activity

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Rule returns the rule in force for a street or district the user sees.
func (s *Service) Rule(ctx context.Context, u *auth.User, unit string) (*Rule, error) {
	if !seesRule(u, unit) {
		return nil, errs.Missing()
	}
	if ok, err := s.Exists(ctx, unit); err != nil || !ok {
		return nil, errs.Missing()
	}
	r, ok, err := getRule(ctx, s.DB.Read, unit)
	if err != nil {
		return nil, err
	}
	if !ok && len(unit) == 9 {
		r, ok, err = getRule(ctx, s.DB.Read, unit[:6])
		if err != nil {
			return nil, err
		}
	}
	if !ok {
		r = DefaultRule()
	}
	r.UnitCode = unit
	return &r, nil
}

// PutRule sets a street's or district's rule. It applies to activities
// entered from now on; those already entered keep the rule they were
// judged by.
func (s *Service) PutRule(ctx context.Context, u *auth.User, unit string, r Rule) (*Rule, error) {
	if (len(unit) != 6 && len(unit) != 9) || !u.InScope(unit) {
		return nil, errs.Missing()
	}
	if ok, err := s.Exists(ctx, unit); err != nil || !ok {
		return nil, errs.Missing()
	}
	if !canEditRule(u, unit) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if err := checkRule(r); err != nil {
		return nil, err
	}
	r.UnitCode, r.Default = unit, false
	slices.Sort(r.Kinds)
	r.Kinds = slices.Compact(r.Kinds)
	now := s.now()
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := putRule(ctx, tx, r, u.ID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "major_rule.put", ObjectType: "major_rule",
			ObjectID: unit, ScopeCode: unit, Detail: r})
	})
	if err != nil {
		return nil, err
	}
	return s.Rule(ctx, u, unit)
}

// Submit reports a major activity; it is late after the due day.
func (s *Service) Submit(ctx context.Context, u *auth.User, activityID int64) (*Report, error) {
	now := s.now()
	var out *Report
	err := s.recording(ctx, u, activityID, func(tx *sql.Tx, a *Activity) error {
		if !a.Major {
			return errs.E(errs.Conflict, "err.report_not_major")
		}
		if st, err := reportStatus(ctx, tx, a.ID); err != nil {
			return err
		} else if st != "" {
			return errs.E(errs.Conflict, "err.report_exists")
		}
		today := clock.Day(now)
		r := &Report{ActivityID: a.ID, ActivityTitle: a.Title, StartsAt: a.StartsAt, Status: ReportPending, AckLevel: a.AckLevel,
			CommunityCode: a.CommunityCode, StreetCode: a.StreetCode, DueOn: a.ReportDueOn, Late: today > a.ReportDueOn}
		if err := insertReport(ctx, tx, r, u.ID, now); err != nil {
			return err
		}
		out = r
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "major_report.submit", ObjectType: "major_report",
			ObjectID: itoa(r.ID), ScopeCode: a.CommunityCode, Detail: map[string]any{"activity_id": a.ID, "late": r.Late}})
	})
	return out, err
}

// Decide acknowledges or refuses a report: only the acknowledging level.
// Acknowledged, the activity is recorded; refused, it is blocked.
func (s *Service) Decide(ctx context.Context, u *auth.User, id int64, decision, reason string) (*Report, error) {
	now := s.now()
	reason = strings.TrimSpace(reason)
	return db.Do(ctx, s.DB, func(tx *sql.Tx) (*Report, error) {
		r, err := getReport(ctx, tx, id, s.DB.Dialect.ForUpdate())
		if err != nil {
			return nil, err
		}
		if !u.InScope(r.CommunityCode) {
			return nil, errs.Missing()
		}
		if !canDecide(u, r) {
			return nil, errs.E(errs.Forbidden, "err.report_not_level")
		}
		f := errs.Fields{}
		status := map[string]string{"acknowledge": ReportAcknowledged, "refuse": ReportRefused}[decision]
		if status == "" {
			f.Add("decision", "err.choose_one")
		}
		if status == ReportRefused && reason == "" {
			f.Add("reason", "err.required")
		}
		f.Length("reason", reason, 0, 500)
		if err := f.Err(); err != nil {
			return nil, err
		}
		if r.Status != ReportPending {
			return nil, errs.E(errs.Conflict, "err.report_decided")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE major_reports SET status = $1, decided_by = $2, decided_at = $3, reason = $4 WHERE id = $5`,
			status, db.NullID(u.ID), now, reason, id); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activities SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3`,
			statusOf(true, status), now, r.ActivityID); err != nil {
			return nil, err
		}
		r.Status, r.Reason, r.DecidedAt = status, reason, &now
		return r, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "major_report." + decision, ObjectType: "major_report",
			ObjectID: itoa(id), ScopeCode: r.CommunityCode, Detail: map[string]any{"activity_id": r.ActivityID, "reason": reason}})
	})
}

// ReportList is a page of the reports in scope, with the streets'
// reporting counts and how many in all await the user's decision.
type ReportList struct {
	Items     []*Report         `json:"items"`
	Total     int               `json:"total"`
	Page      int               `json:"page"`
	PerPage   int               `json:"per_page"`
	ByStreet  []StreetReporting `json:"by_street"`
	AwaitMine int               `json:"awaiting_my_decision"`
}

// Reports lists a page of the major-activity reports in the user's scope;
// with status "pending", the inbox of those awaiting a decision by due day.
func (s *Service) Reports(ctx context.Context, u *auth.User, status string, p Paging) (*ReportList, error) {
	p = p.bounded()
	out := &ReportList{Items: []*Report{}, ByStreet: []StreetReporting{}, Page: p.Page, PerPage: p.PerPage}
	hub, ok := reportsOf(u)
	if !ok {
		return out, nil
	}
	l, err := listReports(ctx, s.DB.Read, u.ScopeCode, hub, status, p)
	if err != nil {
		return nil, err
	}
	out.Items, out.Total = l.Items, l.Total
	for _, r := range out.Items {
		r.CanDecide = canDecide(u, r) && r.Status == ReportPending
	}
	if out.AwaitMine, err = s.AwaitingDecision(ctx, u); err != nil {
		return nil, err
	}
	if out.ByStreet, err = reportingByStreet(ctx, s.DB.Read, u.ScopeCode); err != nil {
		return nil, err
	}
	return out, nil
}

// AwaitingDecision counts the pending reports in the user's scope that the
// user decides: every one of them read (streamed), each judged by
// canDecide; none read for a user who decides none (decidesAny).
func (s *Service) AwaitingDecision(ctx context.Context, u *auth.User) (int, error) {
	hub, ok := reportsOf(u)
	if !ok || !decidesAny(u) { // no report to read: the count is 0
		return 0, nil
	}
	n := 0
	err := eachReport(ctx, s.DB.Read, u.ScopeCode, hub, ReportPending, func(r *Report) {
		if canDecide(u, r) {
			n++
		}
	})
	return n, err
}
