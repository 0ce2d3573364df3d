package governance

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"linli/internal/ledger"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// Every statement on the room's tables.

// Version is one stored version of a charter.
type Version struct {
	ID        int64     `json:"-"`
	OrgID     int64     `json:"org_id"`
	Version   int       `json:"version"`
	Status    string    `json:"status"`
	Chapters  []Chapter `json:"chapters,omitempty"`
	MeetingOn string    `json:"meeting_on,omitempty"`
	Present   int       `json:"present"`
	For       int       `json:"for"`
	Against   int       `json:"against"`
	Abstain   int       `json:"abstain"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Charter statuses; a charter never saved is the model text.
const (
	CharterModel      = "model"
	CharterDraft      = "draft"
	CharterAdopted    = "adopted"
	CharterSuperseded = "superseded"
)

const versionColumns = `id, org_id, version, chapters, status, meeting_on, present, votes_for, votes_against, votes_abstain, updated_at`

func scanVersion(sc interface{ Scan(...any) error }) (*Version, error) {
	var v Version
	var chs string
	if err := sc.Scan(&v.ID, &v.OrgID, &v.Version, &chs, &v.Status, &v.MeetingOn, &v.Present, &v.For, &v.Against,
		&v.Abstain, &v.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(chs), &v.Chapters); err != nil {
		return nil, fmt.Errorf("governance: charter %d chapters: %w", v.ID, err)
	}
	v.UpdatedAt = v.UpdatedAt.UTC()
	return &v, nil
}

// versions lists an organization's charter versions, newest first.
func versions(ctx context.Context, q db.Querier, orgID int64) ([]*Version, error) {
	return db.ListPtrs(ctx, q, "governance: charters", scanVersion, `SELECT `+versionColumns+` FROM charters WHERE org_id = $1 ORDER BY version DESC`, orgID)
}

// latestVersion locks and reads an organization's newest version (nil: none).
func latestVersion(ctx context.Context, tx *sql.Tx, d db.Dialect, orgID int64) (*Version, error) {
	return db.Maybe(ctx, tx, "governance: latest charter", scanVersion, `SELECT `+versionColumns+` FROM charters WHERE org_id = $1
		AND version = (SELECT MAX(version) FROM charters WHERE org_id = $1)`+d.ForUpdate(), orgID)
}

func insertVersion(ctx context.Context, tx *sql.Tx, now time.Time, orgID int64, version int, chs []Chapter, by int64) error {
	b, _ := json.Marshal(chs)
	_, err := tx.ExecContext(ctx, `INSERT INTO charters (org_id, version, chapters, status, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, orgID, version, string(b), CharterDraft, by, now)
	if err != nil {
		return fmt.Errorf("governance: insert charter: %w", err)
	}
	return nil
}

func updateDraft(ctx context.Context, tx *sql.Tx, now time.Time, id int64, chs []Chapter) error {
	b, _ := json.Marshal(chs)
	_, err := tx.ExecContext(ctx, `UPDATE charters SET chapters = $1, updated_at = $2 WHERE id = $3 AND status = 'draft'`, string(b), now, id)
	if err != nil {
		return fmt.Errorf("governance: update charter: %w", err)
	}
	return nil
}

func adoptVersion(ctx context.Context, tx *sql.Tx, now time.Time, v *Version, vote Vote, by int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE charters SET status = 'superseded', updated_at = $1
		WHERE org_id = $2 AND status = 'adopted'`, now, v.OrgID); err != nil {
		return fmt.Errorf("governance: supersede charter: %w", err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE charters SET status = 'adopted', meeting_on = $1, present = $2, votes_for = $3,
		votes_against = $4, votes_abstain = $5, adopted_by = $6, adopted_at = $7, updated_at = $7 WHERE id = $8`,
		vote.MeetingOn, vote.Present, vote.For, vote.Against, vote.Abstain, by, now, v.ID)
	if err != nil {
		return fmt.Errorf("governance: adopt charter: %w", err)
	}
	return nil
}

// reportPlace restricts work reports to a division's subtree through the
// column of the division's level (each indexed with the period).
func reportPlace(code string, args []any) (string, []any) {
	col := map[int]string{6: "r.district_code", 9: "r.street_code", 12: "r.community_code"}[len(code)]
	if col == "" {
		return db.ScopeCond("r.community_code", code, args)
	}
	args = append(args, code)
	return col + " = $" + strconv.Itoa(len(args)), args
}

// yearWhere restricts work reports to the periods of a year: their keys
// begin with it.
func yearWhere(year int, args []any) (string, []any) {
	args = append(args, strconv.Itoa(year), strconv.Itoa(year+1))
	return " AND r.period >= $" + strconv.Itoa(len(args)-1) + " AND r.period < $" + strconv.Itoa(len(args)), args
}

// Election is an election with its candidates.
type Election struct {
	ID         int64       `json:"id"`
	OrgID      int64       `json:"org_id"`
	HeldOn     string      `json:"held_on"`
	Present    int         `json:"present"`
	TermYears  int         `json:"term_years"`
	TermEndsOn string      `json:"term_ends_on"`
	Note       string      `json:"note"`
	Candidates []Candidate `json:"candidates"`
}

func insertElection(ctx context.Context, tx *sql.Tx, now time.Time, orgID int64, community string, in ElectionInput, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO elections (org_id, held_on, present, term_years, term_ends_on, note, community_code,
		created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		orgID, in.HeldOn, in.Present, in.TermYears, TermEnd(in.HeldOn, in.TermYears), in.Note, community, by, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("governance: insert election: %w", err)
	}
	for _, c := range in.Candidates {
		if _, err := tx.ExecContext(ctx, `INSERT INTO election_candidates (election_id, name, post, votes, elected)
			VALUES ($1, $2, $3, $4, $5)`, id, strings.TrimSpace(c.Name), c.Post, c.Votes, db.BoolInt(c.Elected)); err != nil {
			return 0, fmt.Errorf("governance: insert candidate: %w", err)
		}
	}
	return id, nil
}

// elections lists an organization's elections, latest first.
func elections(ctx context.Context, q db.Querier, orgID int64) ([]*Election, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.org_id, e.held_on, e.present, e.term_years, e.term_ends_on, e.note,
		c.name, c.post, c.votes, c.elected FROM elections e JOIN election_candidates c ON c.election_id = e.id
		WHERE e.org_id = $1 ORDER BY e.held_on DESC, e.id DESC, c.elected DESC, c.votes DESC, c.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("governance: elections: %w", err)
	}
	defer rows.Close()
	out := []*Election{}
	var cur *Election
	for rows.Next() {
		var e Election
		var c Candidate
		var elected int
		if err := rows.Scan(&e.ID, &e.OrgID, &e.HeldOn, &e.Present, &e.TermYears, &e.TermEndsOn, &e.Note,
			&c.Name, &c.Post, &c.Votes, &elected); err != nil {
			return nil, err
		}
		c.Elected = elected == 1
		if cur == nil || cur.ID != e.ID {
			e.Candidates = []Candidate{}
			cur = &e
			out = append(out, cur)
		}
		cur.Candidates = append(cur.Candidates, c)
	}
	return out, rows.Err()
}

// OverdueTerm is an organization whose officers' term ended without a
// later election.
type OverdueTerm struct {
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	Community  string `json:"community_code"`
	HeldOn     string `json:"held_on"`
	TermEndsOn string `json:"term_ends_on"`
}

// overdueTerms lists active organizations of a place (or one
// organization) whose latest election's term ended before today, by the
// term's end, at most limit: the elections are this room's, the
// organizations' status, name and community the registry's (OrgLines),
// read a page of elections at a time until limit active ones are found.
func overdueTerms(ctx context.Context, q db.Querier, reg Orgs, scope string, orgID int64, today string, limit int) ([]OverdueTerm, error) {
	args := []any{today}
	var where string
	if orgID != 0 {
		args = append(args, orgID)
		where = "e.org_id = $2"
	} else {
		where, args = db.ScopeCond("e.community_code", scope, args)
	}
	out := []OverdueTerm{}
	for offset := 0; ; offset += limit {
		page, err := db.List(ctx, q, "governance: overdue terms", func(r interface{ Scan(...any) error }) (*OverdueTerm, error) {
			var t OverdueTerm
			return &t, r.Scan(&t.OrgID, &t.HeldOn, &t.TermEndsOn)
		}, `SELECT e.org_id, e.held_on, e.term_ends_on FROM elections e
			WHERE `+where+` AND e.term_ends_on < $1
			AND NOT EXISTS (SELECT 1 FROM elections x WHERE x.org_id = e.org_id AND (x.held_on > e.held_on OR (x.held_on = e.held_on AND x.id > e.id)))
			ORDER BY e.term_ends_on, e.org_id LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(offset), args...)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(page))
		for i, t := range page {
			ids[i] = t.OrgID
		}
		lines, err := reg.OrgLines(ctx, ids)
		if err != nil {
			return nil, err
		}
		org := make(map[int64]registry.OrgLine, len(lines))
		for _, l := range lines {
			org[l.ID] = l
		}
		for _, t := range page {
			if o, ok := org[t.OrgID]; ok && o.Status == registry.StatusActive {
				t.OrgName, t.Community = o.Name, o.Community
				out = append(out, t)
				if len(out) == limit {
					return out, nil
				}
			}
		}
		if len(page) < limit {
			return out, nil
		}
	}
}

// Decision is a recorded major decision.
type Decision struct {
	ID     int64 `json:"id"`
	OrgID  int64 `json:"org_id"`
	Passed bool  `json:"passed"`
	DecisionInput
}

func insertDecision(ctx context.Context, tx *sql.Tx, now time.Time, orgID int64, in DecisionInput, passed bool, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO decisions (org_id, meeting_on, title, kind, detail, members, quorum, present,
		votes_for, votes_against, votes_abstain, passed, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		orgID, in.MeetingOn, strings.TrimSpace(in.Title), in.Kind, in.Detail, in.Members, in.Quorum, in.Present,
		in.For, in.Against, in.Abstain, db.BoolInt(passed), by, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("governance: insert decision: %w", err)
	}
	return id, nil
}

func decisions(ctx context.Context, q db.Querier, orgID int64) ([]Decision, error) {
	return db.List(ctx, q, "governance: decisions", func(r interface{ Scan(...any) error }) (*Decision, error) {
		var d Decision
		var passed int
		err := r.Scan(&d.ID, &d.OrgID, &d.MeetingOn, &d.Title, &d.Kind, &d.Detail, &d.Members, &d.Quorum, &d.Present,
			&d.For, &d.Against, &d.Abstain, &passed)
		d.Passed = passed == 1
		return &d, err
	}, `SELECT id, org_id, meeting_on, title, kind, detail, members, quorum, present,
		votes_for, votes_against, votes_abstain, passed FROM decisions WHERE org_id = $1 ORDER BY meeting_on DESC, id DESC`, orgID)
}

// Cycle is the reporting cycle of a community.
type Cycle struct {
	CommunityCode string `json:"community_code"`
	Cycle         string `json:"cycle"`
	EffectiveOn   string `json:"effective_on"`
}

func cycleOf(ctx context.Context, q db.Querier, community string) (*Cycle, error) {
	var c Cycle
	err := q.QueryRowContext(ctx, `SELECT community_code, cycle, effective_on FROM report_cycles WHERE community_code = $1`,
		community).Scan(&c.CommunityCode, &c.Cycle, &c.EffectiveOn)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("governance: cycle: %w", err)
	}
	return &c, nil
}

func cycles(ctx context.Context, q db.Querier, scope string) ([]Cycle, error) {
	where, args := db.ScopeCond("community_code", scope, nil)
	rows, err := q.QueryContext(ctx, `SELECT community_code, cycle, effective_on FROM report_cycles WHERE `+where+
		` ORDER BY community_code LIMIT 2000`, args...)
	if err != nil {
		return nil, fmt.Errorf("governance: cycles: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*Cycle, error) {
		var c Cycle
		return &c, r.Scan(&c.CommunityCode, &c.Cycle, &c.EffectiveOn)
	})
}

func upsertCycle(ctx context.Context, tx *sql.Tx, now time.Time, c Cycle, by int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO report_cycles (community_code, cycle, effective_on, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (community_code) DO UPDATE SET cycle = excluded.cycle,
		effective_on = excluded.effective_on, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		c.CommunityCode, c.Cycle, c.EffectiveOn, by, now)
	if err != nil {
		return fmt.Errorf("governance: set cycle: %w", err)
	}
	return nil
}

// Figures are what linli's own records say of an organization in a period.
type Figures struct {
	Activities       int   `json:"activities"`
	Participants     int   `json:"participants"`
	Beneficiaries    int   `json:"beneficiaries"`
	VolunteerMinutes int   `json:"volunteer_minutes"`
	IncomeFen        int64 `json:"income_fen"`
	ExpenseFen       int64 `json:"expense_fen"`
}

// Report is a work report.
type Report struct {
	ID            int64  `json:"id"`
	OrgID         int64  `json:"org_id"`
	OrgName       string `json:"org_name"`
	CommunityCode string `json:"community_code"`
	Period        string `json:"period"`
	PeriodStart   string `json:"period_start"`
	PeriodEnd     string `json:"period_end"`
	DueOn         string `json:"due_on"`
	Figures
	Body             string    `json:"body"`
	Status           string    `json:"status"`
	Comment          string    `json:"comment"`
	FirstSubmittedOn string    `json:"first_submitted_on"`
	SubmittedOn      string    `json:"submitted_on"`
	Submissions      int       `json:"submissions"`
	Late             bool      `json:"late"`
	UpdatedAt        time.Time `json:"updated_at"`
	CanReview        bool      `json:"-"`
	submittedBy      int64     // the account that last submitted it (0: not known, as in the demo's)
}

const reportColumns = `r.id, r.org_id, o.name, r.community_code, r.period, r.period_start, r.period_end, r.due_on, r.activities,
	r.participants, r.beneficiaries, r.volunteer_minutes, r.income_fen, r.expense_fen, r.body, r.status, r.comment,
	r.first_submitted_on, r.submitted_on, r.submissions, r.updated_at, COALESCE(r.submitted_by, 0)`

func scanReport(sc interface{ Scan(...any) error }) (*Report, error) {
	var r Report
	err := sc.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.CommunityCode, &r.Period, &r.PeriodStart, &r.PeriodEnd, &r.DueOn,
		&r.Activities, &r.Participants, &r.Beneficiaries, &r.VolunteerMinutes, &r.IncomeFen, &r.ExpenseFen, &r.Body,
		&r.Status, &r.Comment, &r.FirstSubmittedOn, &r.SubmittedOn, &r.Submissions, &r.UpdatedAt, &r.submittedBy)
	if err != nil {
		return nil, err
	}
	r.Late = r.FirstSubmittedOn > r.DueOn
	r.UpdatedAt = r.UpdatedAt.UTC()
	return &r, nil
}

func getReport(ctx context.Context, q db.Querier, id int64, lock string) (*Report, error) {
	return db.One(ctx, q, "governance: report", scanReport, `SELECT `+reportColumns+` FROM work_reports r JOIN orgs o ON o.id = r.org_id
		WHERE r.id = $1`+lock, id)
}

func reportFor(ctx context.Context, q db.Querier, orgID int64, period, lock string) (*Report, error) {
	return db.Maybe(ctx, q, "governance: report", scanReport, `SELECT `+reportColumns+` FROM work_reports r JOIN orgs o ON o.id = r.org_id
		WHERE r.org_id = $1 AND r.period = $2`+lock, orgID, period)
}

// ReportFilter narrows a list of reports.
type ReportFilter struct {
	Scope  string // a division code
	OrgID  int64  // or one organization
	Year   int
	Status string
}

func listReports(ctx context.Context, q db.Querier, f ReportFilter, limit int) ([]*Report, error) {
	args := []any{}
	var where string
	if f.OrgID != 0 {
		args = append(args, f.OrgID)
		where = "r.org_id = $1"
	} else {
		where, args = reportPlace(f.Scope, args)
	}
	if f.Year != 0 {
		var y string
		y, args = yearWhere(f.Year, args)
		where += y
	}
	if f.Status != "" {
		args = append(args, f.Status)
		where += " AND r.status = $" + strconv.Itoa(len(args))
	}
	return db.ListPtrs(ctx, q, "governance: reports", scanReport, `SELECT `+reportColumns+` FROM work_reports r JOIN orgs o ON o.id = r.org_id
		WHERE `+where+` ORDER BY r.period_end DESC, r.id DESC LIMIT `+strconv.Itoa(limit), args...)
}

// owingOrg is an active organization of a community with a cycle.
type owingOrg struct {
	ID        int64
	Name      string
	Community string
	Cycle     Cycle
}

// owingOrgs lists the active organizations under a reporting cycle, in a
// place or one of them, in id order: the cycles are this room's, the
// organizations the registry's named reads (OrgLines, OrgsIn).
func owingOrgs(ctx context.Context, q db.Querier, reg Orgs, scope string, orgIDs []int64) ([]owingOrg, error) {
	var where string
	var args []any
	var orgs []registry.OrgLine
	if orgIDs != nil {
		if len(orgIDs) == 0 {
			return nil, nil
		}
		var err error
		if orgs, err = reg.OrgLines(ctx, orgIDs); err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		var comms []string
		for _, o := range orgs {
			if o.Status == registry.StatusActive && !seen[o.Community] {
				seen[o.Community] = true
				comms = append(comms, o.Community)
			}
		}
		if len(comms) == 0 {
			return nil, nil
		}
		var in string
		in, args = db.InList(comms, nil)
		where = "community_code IN " + in
	} else {
		where, args = db.ScopeCond("community_code", scope, nil)
	}
	list, err := db.List(ctx, q, "governance: owing orgs", func(r interface{ Scan(...any) error }) (*Cycle, error) {
		var c Cycle
		return &c, r.Scan(&c.CommunityCode, &c.Cycle, &c.EffectiveOn)
	}, `SELECT community_code, cycle, effective_on FROM report_cycles WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	cycles := make(map[string]Cycle, len(list))
	communities := make([]string, 0, len(list))
	for _, c := range list {
		cycles[c.CommunityCode] = c
		communities = append(communities, c.CommunityCode)
	}
	if orgIDs == nil {
		if orgs, err = reg.OrgsIn(ctx, communities); err != nil {
			return nil, err
		}
	}
	var out []owingOrg
	for _, o := range orgs {
		if c, ok := cycles[o.Community]; ok && o.Status == registry.StatusActive {
			out = append(out, owingOrg{ID: o.ID, Name: o.Name, Community: o.Community, Cycle: c})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// submitted maps org id → period → first submission day, for a year.
func submitted(ctx context.Context, q db.Querier, scope string, orgIDs []int64, year int) (map[int64]map[string]string, error) {
	var where string
	var args []any
	if orgIDs != nil {
		if len(orgIDs) == 0 {
			return map[int64]map[string]string{}, nil
		}
		var in string
		in, args = db.InList(orgIDs, nil)
		where = "r.org_id IN " + in
	} else {
		where, args = reportPlace(scope, nil)
	}
	y, args := yearWhere(year, args)
	rows, err := q.QueryContext(ctx, `SELECT r.org_id, r.period, r.first_submitted_on FROM work_reports r WHERE `+where+y, args...)
	if err != nil {
		return nil, fmt.Errorf("governance: submitted: %w", err)
	}
	defer rows.Close()
	out := map[int64]map[string]string{}
	for rows.Next() {
		var id int64
		var p, on string
		if err := rows.Scan(&id, &p, &on); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[string]string{}
		}
		out[id][p] = on
	}
	return out, rows.Err()
}

func insertReport(ctx context.Context, tx *sql.Tx, now time.Time, o orgPlace, p Period, f Figures, body, today string, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO work_reports (org_id, period, period_start, period_end, due_on, community_code,
		street_code, district_code, activities, participants, beneficiaries, volunteer_minutes, income_fen, expense_fen, body,
		status, first_submitted_on, submitted_on, submitted_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'submitted', $16, $16, $17, $18, $18) RETURNING id`,
		o.ID, p.Key, p.Start, p.End, p.DueOn, o.Community, o.Street, o.District, f.Activities, f.Participants, f.Beneficiaries,
		f.VolunteerMinutes, f.IncomeFen, f.ExpenseFen, strings.TrimSpace(body), today, by, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("governance: insert report: %w", err)
	}
	return id, nil
}

func resubmitReport(ctx context.Context, tx *sql.Tx, now time.Time, id int64, f Figures, body, today string, by int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE work_reports SET activities = $1, participants = $2, beneficiaries = $3,
		volunteer_minutes = $4, income_fen = $5, expense_fen = $6, body = $7, status = 'submitted', submitted_on = $8,
		submissions = submissions + 1, submitted_by = $9, updated_at = $10 WHERE id = $11 AND status = 'returned'`,
		f.Activities, f.Participants, f.Beneficiaries, f.VolunteerMinutes, f.IncomeFen, f.ExpenseFen, strings.TrimSpace(body),
		today, by, now, id)
	if err != nil {
		return fmt.Errorf("governance: resubmit report: %w", err)
	}
	return nil
}

func reviewReport(ctx context.Context, tx *sql.Tx, now time.Time, id int64, status, comment string, by int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE work_reports SET status = $1, comment = $2, reviewed_by = $3, reviewed_at = $4,
		updated_at = $4 WHERE id = $5`, status, strings.TrimSpace(comment), by, now, id)
	if err != nil {
		return fmt.Errorf("governance: review report: %w", err)
	}
	return nil
}

// orgPlace is where an organization sits.
type orgPlace struct {
	ID                          int64
	Community, Street, District string
}

// IncomeYuan and ExpenseYuan format the money figures for pages.
func (f Figures) IncomeYuan() string { return ledger.Fen(f.IncomeFen).String() }

// ExpenseYuan formats the expense figure.
func (f Figures) ExpenseYuan() string { return ledger.Fen(f.ExpenseFen).String() }
