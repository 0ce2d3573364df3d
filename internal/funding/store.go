package funding

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"linli/internal/activity"
	"linli/internal/platform/db"
	"linli/internal/platform/upload"
)

// Every statement on the funding room's tables.

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func unjs(s string, v any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// calls

const callColumns = `id, title, channel, unit_code, budget_fen, fields, need_ids, eligibility, criteria, bonus, tie_breaks,
	opens_on, closes_on, review_on, award_on, created_by, created_at, updated_at`

func scanCall(sc interface{ Scan(...any) error }) (*Call, error) {
	var c Call
	var fields, needs, elig, crit, bonus, ties string
	if err := sc.Scan(&c.ID, &c.Title, &c.Channel, &c.UnitCode, &c.BudgetFen, &fields, &needs, &elig, &crit, &bonus, &ties,
		&c.OpensOn, &c.ClosesOn, &c.ReviewOn, &c.AwardOn, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	for _, p := range []struct {
		s string
		v any
	}{{fields, &c.Fields}, {needs, &c.NeedIDs}, {elig, &c.Eligibility}, {crit, &c.Criteria}, {bonus, &c.Bonus}, {ties, &c.TieBreaks}} {
		if err := unjs(p.s, p.v); err != nil {
			return nil, fmt.Errorf("funding: call %d: %w", c.ID, err)
		}
	}
	normalizeCall(&c.CallInput)
	return &c, nil
}

func insertCalls(ctx context.Context, tx *sql.Tx, cs []*Call) error {
	for _, c := range cs {
		if err := tx.QueryRowContext(ctx, `INSERT INTO fund_calls (title, channel, unit_code, budget_fen, fields, need_ids, eligibility,
			criteria, bonus, tie_breaks, opens_on, closes_on, review_on, award_on, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
			c.Title, c.Channel, c.UnitCode, c.BudgetFen, js(c.Fields), js(c.NeedIDs), js(c.Eligibility), js(c.Criteria),
			js(c.Bonus), js(c.TieBreaks), c.OpensOn, c.ClosesOn, c.ReviewOn, c.AwardOn, c.CreatedBy, c.CreatedAt).Scan(&c.ID); err != nil {
			return fmt.Errorf("funding: insert call: %w", err)
		}
	}
	return nil
}

func updateCall(ctx context.Context, tx *sql.Tx, c *Call) error {
	_, err := tx.ExecContext(ctx, `UPDATE fund_calls SET title = $1, channel = $2, budget_fen = $3, fields = $4, need_ids = $5,
		eligibility = $6, criteria = $7, bonus = $8, tie_breaks = $9, opens_on = $10, closes_on = $11, review_on = $12,
		award_on = $13, updated_at = $14 WHERE id = $15`,
		c.Title, c.Channel, c.BudgetFen, js(c.Fields), js(c.NeedIDs), js(c.Eligibility), js(c.Criteria), js(c.Bonus),
		js(c.TieBreaks), c.OpensOn, c.ClosesOn, c.ReviewOn, c.AwardOn, c.UpdatedAt, c.ID)
	if err != nil {
		return fmt.Errorf("funding: update call: %w", err)
	}
	return nil
}

func getCall(ctx context.Context, q db.Querier, id int64, suffix string) (*Call, error) {
	return db.One(ctx, q, "funding: call", scanCall, `SELECT `+callColumns+` FROM fund_calls WHERE id = $1`+suffix, id)
}

// listCalls lists the calls inside a scope and above it, newest first.
func listCalls(ctx context.Context, q db.Querier, scope string, limit, offset int) ([]*Call, int, error) {
	cond, args := db.OverlapCond("unit_code", scope, nil)
	var total int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM fund_calls WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("funding: count calls: %w", err)
	}
	out, err := db.ListPtrs(ctx, q, "funding: calls", scanCall, `SELECT `+callColumns+` FROM fund_calls WHERE `+cond+
		` ORDER BY opens_on DESC, id DESC LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(offset), args...)
	return out, total, err
}

// awardedSums is what each of the calls awarded.
func awardedSums(ctx context.Context, q db.Querier, cs []*Call) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(cs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	in, args := db.InList(ids, nil)
	rows, err := q.QueryContext(ctx, `SELECT call_id, SUM(award_fen) FROM fund_projects WHERE call_id IN `+in+` GROUP BY call_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("funding: awarded sums: %w", err)
	}
	return out, db.Pairs(rows, out)
}

func awardedSum(ctx context.Context, q db.Querier, callID int64) (int64, error) {
	return db.Scalar[int64](ctx, q, `SELECT COALESCE(SUM(award_fen), 0) FROM fund_projects WHERE call_id = $1`, callID)
}

func hasScores(ctx context.Context, q db.Querier, callID int64) (bool, error) {
	n, err := db.Scalar[int](ctx, q, `SELECT COUNT(*) FROM (SELECT 1 FROM fund_scores WHERE call_id = $1 LIMIT 1) x`, callID)
	return n > 0, err
}

// applications

const appColumns = `a.id, a.call_id, a.org_id, o.name, a.community_code, a.title, a.need, a.target_groups, a.beneficiaries,
	a.activities, a.partners, a.pairing_org_id, a.request_fen, a.budget, a.status, a.reasons, a.submitted_at, a.created_by,
	a.created_at, a.updated_at, COALESCE(p.id, 0)`

// appFrom drives from the applications (LEFT JOINs keep the planner from
// starting at an organization with many applications and walking them all).
const appFrom = ` FROM fund_applications a LEFT JOIN fund_projects p ON p.application_id = a.id LEFT JOIN orgs o ON o.id = a.org_id`

func scanApp(sc interface{ Scan(...any) error }) (*Application, error) {
	var a Application
	var budget, reasons string
	var sub sql.NullTime
	if err := sc.Scan(&a.ID, &a.CallID, &a.OrgID, &a.OrgName, &a.CommunityCode, &a.Title, &a.Need, &a.TargetGroups,
		&a.Beneficiaries, &a.Activities, &a.Partners, &a.PairingOrgID, &a.RequestFen, &budget, &a.Status, &reasons, &sub,
		&a.CreatedBy, &a.CreatedAt, &a.UpdatedAt, &a.ProjectID); err != nil {
		return nil, err
	}
	if err := unjs(budget, &a.Budget); err != nil {
		return nil, err
	}
	if err := unjs(reasons, &a.Reasons); err != nil {
		return nil, err
	}
	if a.Reasons == nil {
		a.Reasons = []string{}
	}
	if sub.Valid {
		t := sub.Time.UTC()
		a.SubmittedAt = &t
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

func insertApplications(ctx context.Context, tx *sql.Tx, as []*Application) error {
	for _, a := range as {
		if err := tx.QueryRowContext(ctx, `INSERT INTO fund_applications (call_id, org_id, community_code, title, need, target_groups,
			beneficiaries, activities, partners, pairing_org_id, request_fen, budget, status, reasons, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
			a.CallID, a.OrgID, a.CommunityCode, a.Title, a.Need, a.TargetGroups, a.Beneficiaries, a.Activities, a.Partners,
			a.PairingOrgID, a.RequestFen, js(a.Budget), a.Status, js(a.Reasons), a.CreatedBy, a.CreatedAt).Scan(&a.ID); err != nil {
			return fmt.Errorf("funding: insert application: %w", err)
		}
	}
	return nil
}

func setApplicationStatus(ctx context.Context, tx *sql.Tx, id int64, status string, reasons []string, submitted *time.Time, now time.Time) error {
	if reasons == nil {
		reasons = []string{}
	}
	_, err := tx.ExecContext(ctx, `UPDATE fund_applications SET status = $1, reasons = $2, submitted_at = $3, updated_at = $4
		WHERE id = $5`, status, js(reasons), submitted, now, id)
	if err != nil {
		return fmt.Errorf("funding: application status: %w", err)
	}
	return nil
}

func getApplication(ctx context.Context, q db.Querier, id int64) (*Application, error) {
	return db.One(ctx, q, "funding: application", scanApp, `SELECT `+appColumns+appFrom+` WHERE a.id = $1`, id)
}

// callApplications lists a call's applications (status "" for all),
// optionally only those in a scope.
func callApplications(ctx context.Context, q db.Querier, callID int64, status, scope string) ([]*Application, error) {
	args := []any{callID}
	cond := "a.call_id = $1"
	if status != "" {
		args = append(args, status)
		cond += " AND a.status = $2"
	}
	if scope != "" {
		var in string
		in, args = db.ScopeCond("a.community_code", scope, args)
		cond += " AND " + in
	}
	return db.ListPtrs(ctx, q, "funding: applications", scanApp, `SELECT `+appColumns+appFrom+` WHERE `+cond+` ORDER BY a.id`, args...)
}

// review

func insertReviewers(ctx context.Context, tx *sql.Tx, callID int64, ids []int64, now time.Time) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO fund_reviewers (call_id, user_id, assigned_at) VALUES ($1, $2, $3)
			ON CONFLICT (call_id, user_id) DO NOTHING`, callID, id, now); err != nil {
			return fmt.Errorf("funding: insert reviewer: %w", err)
		}
	}
	return nil
}

func insertConflicts(ctx context.Context, tx *sql.Tx, cs []Conflict) error {
	for _, c := range cs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO fund_conflicts (application_id, user_id, reason) VALUES ($1, $2, $3)
			ON CONFLICT (application_id, user_id) DO NOTHING`, c.ApplicationID, c.UserID, c.Reason); err != nil {
			return fmt.Errorf("funding: insert conflict: %w", err)
		}
	}
	return nil
}

func reviewersOf(ctx context.Context, q db.Querier, callID int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT user_id FROM fund_reviewers WHERE call_id = $1 ORDER BY user_id`, callID)
	if err != nil {
		return nil, fmt.Errorf("funding: reviewers: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*int64, error) {
		var id int64
		return &id, r.Scan(&id)
	})
}

func isReviewer(ctx context.Context, q db.Querier, callID, userID int64) (bool, error) {
	n, err := db.Scalar[int](ctx, q, `SELECT COUNT(*) FROM fund_reviewers WHERE call_id = $1 AND user_id = $2`, callID, userID)
	return n > 0, err
}

func declared(ctx context.Context, q db.Querier, appID, userID int64) (bool, error) {
	n, err := db.Scalar[int](ctx, q, `SELECT COUNT(*) FROM fund_conflicts WHERE application_id = $1 AND user_id = $2`, appID, userID)
	return n > 0, err
}

// replaceScores writes one reviewer's scores of one application.
func replaceScores(ctx context.Context, tx *sql.Tx, callID, appID, reviewerID int64, scores map[string]int, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM fund_scores WHERE application_id = $1 AND reviewer_id = $2`, appID, reviewerID); err != nil {
		return fmt.Errorf("funding: clear scores: %w", err)
	}
	for k, v := range scores {
		if _, err := tx.ExecContext(ctx, `INSERT INTO fund_scores (call_id, application_id, reviewer_id, criterion, score, scored_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, callID, appID, reviewerID, k, v, now); err != nil {
			return fmt.Errorf("funding: insert score: %w", err)
		}
	}
	return nil
}

// callScores sums a call's scores per application and criterion.
func callScores(ctx context.Context, q db.Querier, callID int64) ([]ScoreSum, error) {
	return db.List(ctx, q, "funding: scores", func(r interface{ Scan(...any) error }) (*ScoreSum, error) {
		var s ScoreSum
		return &s, r.Scan(&s.ApplicationID, &s.Criterion, &s.Total, &s.Reviewers)
	}, `SELECT application_id, criterion, SUM(score), COUNT(*) FROM fund_scores
		WHERE call_id = $1 GROUP BY application_id, criterion`, callID)
}

// projects

const projectColumns = `p.id, p.call_id, c.title, c.channel, p.application_id, p.org_id, o.name, p.community_code, p.street_code,
	p.district_code, p.title, p.award_fen, p.score_x100, p.rank_at_award, p.departure_reason, p.awarded_on, p.status, p.closed_on`

const projectFrom = ` FROM fund_projects p LEFT JOIN fund_calls c ON c.id = p.call_id LEFT JOIN orgs o ON o.id = p.org_id`

func scanProject(sc interface{ Scan(...any) error }) (*Project, error) {
	var p Project
	var x100 int64
	err := sc.Scan(&p.ID, &p.CallID, &p.CallTitle, &p.Channel, &p.ApplicationID, &p.OrgID, &p.OrgName, &p.CommunityCode,
		&p.StreetCode, &p.DistrictCode, &p.Title, &p.AwardFen, &x100, &p.Rank, &p.DepartureReason, &p.AwardedOn, &p.Status, &p.ClosedOn)
	p.Score = float64(x100) / 100
	return &p, err
}

func insertProjects(ctx context.Context, tx *sql.Tx, ps []*Project, by int64, now time.Time) error {
	for _, p := range ps {
		if err := tx.QueryRowContext(ctx, `INSERT INTO fund_projects (call_id, application_id, org_id, community_code, street_code,
			district_code, title, award_fen, score_x100, rank_at_award, departure_reason, awarded_on, status, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
			p.CallID, p.ApplicationID, p.OrgID, p.CommunityCode, p.StreetCode, p.DistrictCode, p.Title, p.AwardFen,
			int64(p.Score*100+0.5), p.Rank, p.DepartureReason, p.AwardedOn, p.Status, by, now).Scan(&p.ID); err != nil {
			return fmt.Errorf("funding: insert project: %w", err)
		}
		for i, l := range p.Lines {
			if _, err := tx.ExecContext(ctx, `INSERT INTO fund_budget_lines (project_id, line_no, item, amount_fen) VALUES ($1, $2, $3, $4)`,
				p.ID, i+1, l.Item, l.AmountFen); err != nil {
				return fmt.Errorf("funding: insert budget line: %w", err)
			}
		}
	}
	return nil
}

func getProject(ctx context.Context, q db.Querier, id int64) (*Project, error) {
	return db.One(ctx, q, "funding: project", scanProject, `SELECT `+projectColumns+projectFrom+` WHERE p.id = $1`, id)
}

func callProjects(ctx context.Context, q db.Querier, callID int64) ([]*Project, error) {
	return db.ListPtrs(ctx, q, "funding: projects", scanProject, `SELECT `+projectColumns+projectFrom+` WHERE p.call_id = $1 ORDER BY p.id`, callID)
}

func budgetLines(ctx context.Context, q db.Querier, projectID int64) ([]ProjectLine, error) {
	rows, err := q.QueryContext(ctx, `SELECT item, amount_fen FROM fund_budget_lines WHERE project_id = $1 ORDER BY line_no`, projectID)
	if err != nil {
		return nil, fmt.Errorf("funding: budget lines: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*ProjectLine, error) {
		var l ProjectLine
		return &l, r.Scan(&l.Item, &l.AmountFen)
	})
}

func tranchesOf(ctx context.Context, q db.Querier, projectID int64) ([]Tranche, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, project_id, amount_fen, paid_on, posting_id, hub_org_id FROM fund_tranches
		WHERE project_id = $1 ORDER BY id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("funding: tranches: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*Tranche, error) {
		var t Tranche
		if err := r.Scan(&t.ID, &t.ProjectID, &t.AmountFen, &t.PaidOn, &t.PostingID, &t.HubID); err != nil {
			return nil, err
		}
		t.Direct = t.PostingID == 0
		return &t, nil
	})
}

func paidSum(ctx context.Context, q db.Querier, projectID int64) (int64, error) {
	return db.Scalar[int64](ctx, q, `SELECT COALESCE(SUM(amount_fen), 0) FROM fund_tranches WHERE project_id = $1`, projectID)
}

func insertTranche(ctx context.Context, tx *sql.Tx, t *Tranche, by int64, now time.Time) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO fund_tranches (project_id, amount_fen, paid_on, posting_id, hub_org_id, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, t.ProjectID, t.AmountFen, t.PaidOn, t.PostingID, t.HubID, by, now).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("funding: insert tranche: %w", err)
	}
	return nil
}

const milestoneColumns = `id, project_id, kind, title, due_on, report, reported_on, accepted_on`

func scanMilestone(sc interface{ Scan(...any) error }) (*Milestone, error) {
	var m Milestone
	err := sc.Scan(&m.ID, &m.ProjectID, &m.Kind, &m.Title, &m.DueOn, &m.Report, &m.ReportedOn, &m.AcceptedOn)
	return &m, err
}

func insertMilestones(ctx context.Context, tx *sql.Tx, projectID int64, ms []MilestoneInput) ([]int64, error) {
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO fund_milestones (project_id, kind, title, due_on) VALUES ($1, $2, $3, $4) RETURNING id`,
			projectID, m.Kind, m.Title, m.DueOn).Scan(&id); err != nil {
			return nil, fmt.Errorf("funding: insert milestone: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func milestonesOf(ctx context.Context, q db.Querier, projectID int64) ([]Milestone, error) {
	return db.List(ctx, q, "funding: milestones", scanMilestone, `SELECT `+milestoneColumns+` FROM fund_milestones WHERE project_id = $1 ORDER BY due_on, id`, projectID)
}

func getMilestone(ctx context.Context, q db.Querier, projectID, id int64) (*Milestone, error) {
	return db.One(ctx, q, "funding: milestone", scanMilestone, `SELECT `+milestoneColumns+` FROM fund_milestones WHERE id = $1 AND project_id = $2`, id, projectID)
}

// designations

const designationColumns = `id, kind, project_id, org_id, name, district_code, reason, effective_on`

func scanDesignation(sc interface{ Scan(...any) error }) (*Designation, error) {
	var d Designation
	err := sc.Scan(&d.ID, &d.Kind, &d.ProjectID, &d.OrgID, &d.Name, &d.DistrictCode, &d.Reason, &d.EffectiveOn)
	return &d, err
}

func insertDesignation(ctx context.Context, tx *sql.Tx, d *Designation, community, street string, by int64, now time.Time) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO brand_designations (kind, project_id, org_id, name, community_code, street_code,
		district_code, reason, effective_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		d.Kind, d.ProjectID, d.OrgID, d.Name, community, street, d.DistrictCode, d.Reason, d.EffectiveOn, by, now).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("funding: insert designation: %w", err)
	}
	return nil
}

func projectBrand(ctx context.Context, q db.Querier, projectID int64) (*Designation, error) {
	return db.Maybe(ctx, q, "funding: project brand", scanDesignation, `SELECT `+designationColumns+` FROM brand_designations
		WHERE kind = 'project' AND project_id = $1`, projectID)
}

// needs and pairings

func insertNeeds(ctx context.Context, tx *sql.Tx, ns []*Need, by int64, now time.Time) error {
	for _, n := range ns {
		if err := tx.QueryRowContext(ctx, `INSERT INTO fund_needs (community_code, title, field, detail, recorded_on, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, n.CommunityCode, n.Title, n.Field, n.Detail, n.RecordedOn, by, now).Scan(&n.ID); err != nil {
			return fmt.Errorf("funding: insert need: %w", err)
		}
	}
	return nil
}

func listNeeds(ctx context.Context, q db.Querier, scope string, limit int) ([]*Need, error) {
	cond, args := db.ScopeCond("community_code", scope, nil)
	return db.ListPtrs(ctx, q, "funding: needs", func(r interface{ Scan(...any) error }) (*Need, error) {
		var n Need
		return &n, r.Scan(&n.ID, &n.CommunityCode, &n.Title, &n.Field, &n.Detail, &n.RecordedOn)
	}, `SELECT id, community_code, title, field, detail, recorded_on FROM fund_needs WHERE `+cond+
		` ORDER BY recorded_on DESC, id DESC LIMIT `+strconv.Itoa(limit), args...)
}

func insertPairings(ctx context.Context, tx *sql.Tx, ps []*Pairing, by int64, now time.Time) error {
	for _, p := range ps {
		if err := tx.QueryRowContext(ctx, `INSERT INTO fund_pairings (org_id, partner_org_id, community_code, purpose, started_on,
			ended_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			p.OrgID, p.PartnerOrgID, p.CommunityCode, p.Purpose, p.StartedOn, p.EndedOn, by, now).Scan(&p.ID); err != nil {
			return fmt.Errorf("funding: insert pairing: %w", err)
		}
	}
	return nil
}

func listPairings(ctx context.Context, q db.Querier, scope string, orgID int64, limit int) ([]*Pairing, error) {
	cond, args := db.ScopeCond("f.community_code", scope, nil)
	if orgID != 0 {
		args = append(args, orgID)
		cond += " AND (f.org_id = $" + strconv.Itoa(len(args)) + " OR f.partner_org_id = $" + strconv.Itoa(len(args)) + ")"
	}
	return db.ListPtrs(ctx, q, "funding: pairings", func(r interface{ Scan(...any) error }) (*Pairing, error) {
		var p Pairing
		return &p, r.Scan(&p.ID, &p.OrgID, &p.PartnerOrgID, &p.OrgName, &p.PartnerName, &p.CommunityCode, &p.Purpose,
			&p.StartedOn, &p.EndedOn)
	}, `SELECT f.id, f.org_id, f.partner_org_id, a.name, b.name, f.community_code, f.purpose,
		f.started_on, f.ended_on FROM fund_pairings f JOIN orgs a ON a.id = f.org_id JOIN orgs b ON b.id = f.partner_org_id
		WHERE `+cond+` ORDER BY f.started_on DESC, f.id DESC LIMIT `+strconv.Itoa(limit), args...)
}

func hasPairing(ctx context.Context, q db.Querier, orgID, partnerID int64, day string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM fund_pairings WHERE org_id = $1 AND partner_org_id = $2
		AND started_on <= $3 AND (ended_on = '' OR ended_on >= $3)`, orgID, partnerID, day).Scan(&n)
	return n > 0, err
}

// overdueMilestones lists a call's milestones due before a day and not
// reported.
func overdueMilestones(ctx context.Context, q db.Querier, callID int64, day string) ([]Milestone, error) {
	return db.List(ctx, q, "funding: overdue", func(r interface{ Scan(...any) error }) (*Milestone, error) {
		m, err := scanMilestone(r)
		m.Overdue = true
		return m, err
	}, `SELECT m.id, m.project_id, m.kind, m.title, m.due_on, m.report, m.reported_on, m.accepted_on
		FROM fund_milestones m JOIN fund_projects p ON p.id = m.project_id
		WHERE p.call_id = $1 AND m.reported_on = '' AND m.due_on < $2 ORDER BY m.due_on, m.id`, callID, day)
}

// delivery: linked activities and attachments

func linkActivities(ctx context.Context, tx *sql.Tx, milestoneID int64, ids []int64) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO fund_milestone_activities (milestone_id, activity_id) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, milestoneID, id); err != nil {
			return fmt.Errorf("funding: link activity: %w", err)
		}
	}
	return nil
}

func insertMilestoneFile(ctx context.Context, tx *sql.Tx, milestoneID, projectID, by int64, now time.Time, ct string, f *upload.File) (*MilestoneFile, error) {
	sum := sha256.Sum256(f.Data)
	out := &MilestoneFile{ContentType: ct, Size: len(f.Data), SHA256: hex.EncodeToString(sum[:]), Filename: upload.CleanName(f.Filename)}
	err := tx.QueryRowContext(ctx, `INSERT INTO fund_milestone_files (milestone_id, project_id, content_type, size_bytes, sha256, filename, data,
		uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		milestoneID, projectID, ct, out.Size, out.SHA256, out.Filename, f.Data, by, now).Scan(&out.ID)
	if err != nil {
		return nil, fmt.Errorf("funding: store file: %w", err)
	}
	return out, nil
}

// deliveryOf fills milestones' linked activities and attachments.
func deliveryOf(ctx context.Context, q db.Querier, projectID int64, ms []Milestone) error {
	at := map[int64]int{}
	for i := range ms {
		at[ms[i].ID] = i
		ms[i].Activities, ms[i].Files = []LinkedActivity{}, []MilestoneFile{}
	}
	// the links are this room's; the activities' titles and days the activity room's named read
	rows, err := q.QueryContext(ctx, `SELECT l.milestone_id, l.activity_id FROM fund_milestone_activities l
		JOIN fund_milestones m ON m.id = l.milestone_id WHERE m.project_id = $1`, projectID)
	if err != nil {
		return fmt.Errorf("funding: linked activities: %w", err)
	}
	linked := map[int64][]int64{} // activity → milestones
	var ids []int64
	if err := db.EachPair(rows, func(mid, aid int64) {
		if linked[aid] == nil {
			ids = append(ids, aid)
		}
		linked[aid] = append(linked[aid], mid)
	}); err != nil {
		return err
	}
	lines, err := activity.Lines(ctx, q, ids)
	if err != nil {
		return err
	}
	for _, l := range lines { // by day, then id
		for _, mid := range linked[l.ID] {
			if i, ok := at[mid]; ok {
				ms[i].Activities = append(ms[i].Activities, LinkedActivity{ID: l.ID, Title: l.Title, StartsOn: l.StartsOn})
			}
		}
	}
	frows, err := q.QueryContext(ctx, `SELECT milestone_id, id, filename, content_type, size_bytes, sha256 FROM fund_milestone_files
		WHERE project_id = $1 ORDER BY id`, projectID)
	if err != nil {
		return fmt.Errorf("funding: milestone files: %w", err)
	}
	defer frows.Close()
	for frows.Next() {
		var mid int64
		var f MilestoneFile
		if err := frows.Scan(&mid, &f.ID, &f.Filename, &f.ContentType, &f.Size, &f.SHA256); err != nil {
			return err
		}
		if i, ok := at[mid]; ok {
			ms[i].Files = append(ms[i].Files, f)
		}
	}
	return frows.Err()
}

func milestoneFileData(ctx context.Context, q db.Querier, projectID, fileID int64) (*MilestoneFile, []byte, error) {
	var f MilestoneFile
	var data []byte
	err := q.QueryRowContext(ctx, `SELECT id, filename, content_type, size_bytes, sha256, data FROM fund_milestone_files
		WHERE id = $1 AND project_id = $2`, fileID, projectID).Scan(&f.ID, &f.Filename, &f.ContentType, &f.Size, &f.SHA256, &data)
	if err != nil {
		return nil, nil, db.Found(err, "funding: milestone file")
	}
	return &f, data, nil
}

// reviewerScores are one reviewer's scores of one application.
func reviewerScores(ctx context.Context, q db.Querier, appID, reviewerID int64) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT criterion, score FROM fund_scores WHERE application_id = $1 AND reviewer_id = $2`, appID, reviewerID)
	if err != nil {
		return nil, fmt.Errorf("funding: reviewer scores: %w", err)
	}
	out := map[string]int{}
	return out, db.Pairs(rows, out)
}
