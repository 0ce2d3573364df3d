package census

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Round statuses.
const (
	RoundOpen   = "open"
	RoundClosed = "closed"
)

// Round is a census round a district runs.
type Round struct {
	ID           int64      `json:"id"`
	DistrictCode string     `json:"district_code"`
	DistrictName string     `json:"district_name"`
	Title        string     `json:"title"`
	Deadline     string     `json:"deadline"`
	Status       string     `json:"status"`
	CreatedAt    time.Time  `json:"created_at"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	Submitted    int        `json:"submitted_streets"`
}

// RoundInput opens a round.
type RoundInput struct {
	Title    string `json:"title"`
	Deadline string `json:"deadline"`
}

// Submission is one street's file imported into a round.
type Submission struct {
	ID          int64     `json:"id"`
	StreetCode  string    `json:"street_code"`
	Username    string    `json:"username"`
	FileName    string    `json:"file_name"`
	SubmittedAt time.Time `json:"submitted_at"`
	Late        bool      `json:"late"`
	Rows        int       `json:"rows"`
	Created     int       `json:"created"`
	Updated     int       `json:"updated"`
	Unchanged   int       `json:"unchanged"`
	Summary     Summary   `json:"summary"`
}

// StreetStatus is a street of the round's district and its latest submission.
type StreetStatus struct {
	Code   string      `json:"code"`
	Name   string      `json:"name"`
	Latest *Submission `json:"latest,omitempty"`
}

// RoundView is a round with its streets, submissions and district summary.
type RoundView struct {
	Round       Round          `json:"round"`
	Streets     []StreetStatus `json:"streets"`
	Submissions []Submission   `json:"submissions"`
	Summary     Summary        `json:"summary"`
}

// OpenRound opens a census round for the officer's district.
func (s *Service) OpenRound(ctx context.Context, u *auth.User, in RoundInput) (*Round, error) {
	if !canOpenRound(u) {
		return nil, errs.E(errs.Forbidden, "census.err.round_forbidden")
	}
	now := s.now()
	in.Title = strings.TrimSpace(in.Title)
	in.Deadline = strings.TrimSpace(in.Deadline)
	f := errs.Fields{}
	f.Length("title", in.Title, 1, 100)
	// A deadline is a day in China, today at the earliest.
	d, err := clock.Start(in.Deadline)
	if err != nil || d.Before(clock.Midnight(now)) {
		f.Add("deadline", "census.err.deadline")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO census_rounds (district_code, title, deadline, status, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.ScopeCode, in.Title, in.Deadline, RoundOpen, u.ID, now).Scan(&id); err != nil {
			return fmt.Errorf("open round: %w", err)
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "census.open", ObjectType: "census_round",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: u.ScopeCode, Detail: in})
	})
	if err != nil {
		return nil, err
	}
	return s.round(ctx, u, id)
}

// CloseRound ends a round: streets submit no more.
func (s *Service) CloseRound(ctx context.Context, u *auth.User, id int64) (*Round, error) {
	r, err := s.round(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !canRun(u, r.DistrictCode) {
		return nil, errs.E(errs.Forbidden, "census.err.round_forbidden")
	}
	if r.Status == RoundClosed {
		return r, nil
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE census_rounds SET status = $1, closed_at = $2 WHERE id = $3`, RoundClosed, now, id); err != nil {
			return fmt.Errorf("close round: %w", err)
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "census.close", ObjectType: "census_round",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: r.DistrictCode})
	})
	if err != nil {
		return nil, err
	}
	return s.round(ctx, u, id)
}

const roundColumns = `r.id, r.district_code, r.title, r.deadline, r.status, r.created_at, r.closed_at,
	(SELECT COUNT(DISTINCT s.street_code) FROM census_submissions s WHERE s.round_id = r.id)`

func scanRound(sc interface{ Scan(...any) error }) (*Round, error) {
	var r Round
	var closed sql.NullTime
	if err := sc.Scan(&r.ID, &r.DistrictCode, &r.Title, &r.Deadline, &r.Status, &r.CreatedAt, &closed, &r.Submitted); err != nil {
		return nil, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	if closed.Valid {
		t := closed.Time.UTC()
		r.ClosedAt = &t
	}
	return &r, nil
}

func (s *Service) round(ctx context.Context, u *auth.User, id int64) (*Round, error) {
	r, err := db.One(ctx, s.DB.Read, "get round", scanRound, `SELECT `+roundColumns+` FROM census_rounds r WHERE r.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if !seesRound(u, r.DistrictCode) {
		return nil, errs.Missing()
	}
	names, err := s.Geo.Names(ctx, []string{r.DistrictCode})
	if err != nil {
		return nil, err
	}
	r.DistrictName = names[r.DistrictCode]
	return r, nil
}

// Rounds lists the rounds the user sees, newest first: the city sees every
// district's, a district its own, a street or community its district's.
func (s *Service) Rounds(ctx context.Context, u *auth.User) ([]Round, error) {
	district := u.ScopeCode
	if len(district) > 6 {
		district = district[:6]
	}
	in, args := db.ScopeCond("r.district_code", u.ScopeCode, []any{district})
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT `+roundColumns+` FROM census_rounds r
		WHERE (`+in+`) OR r.district_code = $1 ORDER BY r.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list rounds: %w", err)
	}
	out, err := db.Collect(rows, scanRound)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(out))
	for i, r := range out {
		codes[i] = r.DistrictCode
	}
	names, err := s.Geo.Names(ctx, codes)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].DistrictName = names[out[i].DistrictCode]
	}
	return out, nil
}

// RoundView returns a round with every street of its district, what each
// submitted, and the district's summary from each street's latest file.
func (s *Service) RoundView(ctx context.Context, u *auth.User, id int64) (*RoundView, error) {
	r, err := s.round(ctx, u, id)
	if err != nil {
		return nil, err
	}
	v := &RoundView{Round: *r, Submissions: []Submission{}, Summary: newSummary()}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, street_code, username, file_name, submitted_at, late, row_count,
		created, updated, unchanged, summary FROM census_submissions WHERE round_id = $1 ORDER BY id DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("round submissions: %w", err)
	}
	defer rows.Close()
	latest := map[string]*Submission{}
	for rows.Next() {
		var sub Submission
		var late int
		var summary string
		if err := rows.Scan(&sub.ID, &sub.StreetCode, &sub.Username, &sub.FileName, &sub.SubmittedAt, &late, &sub.Rows,
			&sub.Created, &sub.Updated, &sub.Unchanged, &summary); err != nil {
			return nil, err
		}
		sub.SubmittedAt, sub.Late = sub.SubmittedAt.UTC(), late != 0
		sub.Summary = newSummary()
		if err := json.Unmarshal([]byte(summary), &sub.Summary); err != nil {
			return nil, fmt.Errorf("submission %d summary: %w", sub.ID, err)
		}
		v.Submissions = append(v.Submissions, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range v.Submissions {
		if sub := &v.Submissions[i]; latest[sub.StreetCode] == nil {
			latest[sub.StreetCode] = sub
			v.Summary.Merge(sub.Summary)
		}
	}
	streets, err := s.Geo.Children(ctx, r.DistrictCode)
	if err != nil {
		return nil, err
	}
	for _, st := range streets {
		if st.Level == geo.Street {
			v.Streets = append(v.Streets, StreetStatus{Code: st.Code, Name: st.Name, Latest: latest[st.Code]})
		}
	}
	return v, nil
}

// Submit imports a street's file into a round: the import and the record of
// the submission commit together, or neither does.
func (s *Service) Submit(ctx context.Context, u *auth.User, id int64, path, name string, opts Options) (*Report, error) {
	r, err := s.round(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !submitsTo(u, r) {
		return nil, errs.E(errs.Forbidden, "census.err.not_your_round")
	}
	if r.Status != RoundOpen {
		return nil, errs.E(errs.Conflict, "census.err.round_closed")
	}
	now := s.now()
	deadline, _ := clock.Parse(time.DateOnly, r.Deadline)
	late := now.After(deadline.Add(24 * time.Hour))
	if opts.DryRun {
		return s.Import(ctx, u, path, name, opts)
	}
	// The import and the submission commit together, or neither: the
	// import writes in this transaction, and a file with an invalid row
	// rolls back what it wrote before that row.
	var rep *Report
	err = s.DB.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var open string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM census_rounds WHERE id = $1`+s.DB.Dialect.ForUpdate(), id).Scan(&open); err != nil {
			return fmt.Errorf("census round: %w", err)
		}
		if open != RoundOpen {
			return errs.E(errs.Conflict, "census.err.round_closed")
		}
		var err error
		if rep, err = s.Import(ctx, u, path, name, opts); err != nil {
			return err
		}
		if !rep.Committed {
			return errNotWritten
		}
		summary, err := json.Marshal(rep.Summary)
		if err != nil {
			return err
		}
		var sid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO census_submissions (round_id, street_code, user_id, username, file_name,
			submitted_at, late, row_count, created, updated, unchanged, summary)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			id, u.ScopeCode, u.ID, u.Username, name, now, db.BoolInt(late), rep.Rows, rep.Created, rep.Updated, rep.Unchanged,
			string(summary)).Scan(&sid); err != nil {
			return fmt.Errorf("record submission: %w", err)
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "census.submit", ObjectType: "census_round",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: u.ScopeCode,
			Detail: map[string]any{"submission": sid, "file": name, "rows": rep.Rows, "created": rep.Created,
				"updated": rep.Updated, "unchanged": rep.Unchanged, "late": late}})
	})
	if errors.Is(err, errNotWritten) {
		return rep, nil // the file's problems are in the report; nothing is written
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// errNotWritten rolls back a submission whose file had problems.
var errNotWritten = errors.New("census: the file was not imported")

// CensusCounts tells the home page the census work waiting: for a street
// officer, the open rounds of its district it has not submitted to (overdue
// past the deadline); for a district officer, the streets yet to submit to
// its open rounds (overdue likewise); for a community committee, the open
// rounds its street has not yet submitted to, in which the committee checks
// its community's organizations (the community-tier groups it supports)
// before the street's file goes in. Others have none.
func (s *Service) CensusCounts(ctx context.Context, u *auth.User) (count, overdue int, err error) {
	today := clock.Day(s.now())
	var q string
	var args []any
	switch {
	case waitsOnOwnStreet(u):
		q = `SELECT r.deadline FROM census_rounds r WHERE r.district_code = $1 AND r.status = $2
			AND NOT EXISTS (SELECT 1 FROM census_submissions s WHERE s.round_id = r.id AND s.street_code = $3)`
		args = []any{u.ScopeCode[:6], RoundOpen, u.ScopeCode[:9]}
	case waitsOnStreets(u):
		var streets string
		streets, args = db.ScopeCond("d.code", u.ScopeCode, []any{u.ScopeCode, RoundOpen})
		q = `SELECT r.deadline FROM census_rounds r JOIN divisions d ON ` + streets + ` AND length(d.code) = 9
			WHERE r.district_code = $1 AND r.status = $2
			AND NOT EXISTS (SELECT 1 FROM census_submissions s WHERE s.round_id = r.id AND s.street_code = d.code)`
	default:
		return 0, 0, nil
	}
	rows, err := s.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, 0, fmt.Errorf("census: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var deadline string
		if err := rows.Scan(&deadline); err != nil {
			return 0, 0, err
		}
		count++
		if deadline < today {
			overdue++
		}
	}
	return count, overdue, rows.Err()
}
