package training

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Exam help kinds (教材, 考前培训, 考试费用补贴).
var ExamHelp = []string{"materials", "prep_course", "fee_subsidy"}

// ExamInput registers a person for the national social-work exam.
type ExamInput struct {
	PersonID int64    `json:"person_id"`
	Year     int      `json:"year"`
	Level    string   `json:"level"`
	Help     []string `json:"help"`
	HelpFen  int64    `json:"help_fen"`
	Passed   *bool    `json:"passed"`
}

// ExamEntry is a registration with its help and result: the input as
// stored, with its id.
type ExamEntry struct {
	ID int64 `json:"id"`
	ExamInput
}

// planExam validates a registration; thisYear bounds the year (a result
// cannot be known for a later year).
func planExam(in *ExamInput, thisYear int) error {
	f := errs.Fields{}
	if in.Year < 2008 || in.Year > thisYear+1 {
		f.Add("year", "training.err.qual_year", 2008, thisYear+1)
	}
	f.OneOf("level", in.Level, Qualifications, "err.choose_one")
	for _, h := range in.Help {
		f.OneOf("help", h, ExamHelp, "err.unknown_value", h)
	}
	if in.HelpFen < 0 || in.HelpFen > 10_000_00 {
		f.Add("help_fen", "training.err.range", 0, 1000000)
	}
	if in.Passed != nil && in.Year > thisYear {
		f.Add("passed", "training.err.qual_year_future")
	}
	return f.Err()
}

// rank orders the qualifications.
func rank(q string) int { return slices.Index(Qualifications, q) }

// RegisterExam records a person's exam registration, help and result; a pass
// raises the person's qualification.
func (s *Service) RegisterExam(ctx context.Context, u *auth.User, in ExamInput) (*ExamEntry, error) {
	p, err := s.person(ctx, s.DB.Read, u, in.PersonID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Field("person_id", "err.not_found")
	}
	if err != nil {
		return nil, err
	}
	if !canKeepPeople(u, p.CommunityCode) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	now := s.now()
	if err := planExam(&in, clock.Year(now)); err != nil {
		return nil, err
	}
	out := &ExamEntry{ExamInput: in}
	if out.Help == nil {
		out.Help = []string{}
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var passed any
		if in.Passed != nil {
			passed = db.BoolInt(*in.Passed)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO exam_entries (person_id, district_code, year, level, help, help_fen, passed, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, in.PersonID, p.CommunityCode[:6], in.Year, in.Level,
			strings.Join(in.Help, ","), in.HelpFen, passed, now).Scan(&out.ID)
		if s.DB.Dialect.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "training.err.exam_registered")
		}
		if err != nil {
			return fmt.Errorf("training: exam: %w", err)
		}
		if in.Passed != nil && *in.Passed && rank(in.Level) > rank(p.Qualification) {
			if _, err := tx.ExecContext(ctx, `UPDATE people SET qualification = $1, qual_year = $2 WHERE id = $3`,
				in.Level, in.Year, in.PersonID); err != nil {
				return fmt.Errorf("training: qualification: %w", err)
			}
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "training.exam_register", ObjectType: "person",
			ObjectID: strconv.FormatInt(in.PersonID, 10), ScopeCode: p.CommunityCode, Detail: in})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ExamSupport is one district's exam support in a year.
type ExamSupport struct {
	District   string `json:"district_code"`
	Year       int    `json:"year"`
	Registered int    `json:"registered"`
	Helped     int    `json:"helped"`
	HelpFen    int64  `json:"help_fen"`
	Passed     int    `json:"passed"`
}

// ExamSupport sums the registrations per district and year in the user's scope.
func (s *Service) ExamSupport(ctx context.Context, u *auth.User) ([]ExamSupport, error) {
	if u.OwnOrgOnly() {
		return []ExamSupport{}, nil
	}
	in, args := db.ScopeCond("p.community_code", u.ScopeCode, nil)
	// people carry the community; the entry's district is its first six digits
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT e.district_code, e.year, COUNT(*),
		SUM(CASE WHEN e.help <> '' OR e.help_fen > 0 THEN 1 ELSE 0 END), COALESCE(SUM(e.help_fen), 0),
		SUM(CASE WHEN e.passed = 1 THEN 1 ELSE 0 END)
		FROM exam_entries e JOIN people p ON p.id = e.person_id
		WHERE `+in+` GROUP BY e.district_code, e.year ORDER BY e.district_code, e.year`, args...)
	if err != nil {
		return nil, fmt.Errorf("training: exam support: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*ExamSupport, error) {
		var x ExamSupport
		return &x, r.Scan(&x.District, &x.Year, &x.Registered, &x.Helped, &x.HelpFen, &x.Passed)
	})
}

// AudienceHours is the training given to one audience in a year.
type AudienceHours struct {
	Audience    string  `json:"audience"`
	Sessions    int     `json:"sessions"`
	Attendances int     `json:"attendances"`
	Hours       float64 `json:"person_hours"`
}

// Hours sums, per audience, the sessions run in the user's subtree in a
// year, who attended and their hours (a session for two audiences counts
// for each).
func (s *Service) Hours(ctx context.Context, u *auth.User, year string) ([]AudienceHours, error) {
	n, err := strconv.Atoi(year)
	if err != nil || n < 2000 || n > 2100 {
		return nil, errs.Field("year", "err.bad_number")
	}
	in, args := db.ScopeCond("t.unit_code", u.ScopeCode, []any{year + "-01-01", year + "-12-31"})
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT t.audiences, t.minutes,
		(SELECT COUNT(*) FROM training_attendance a WHERE a.training_id = t.id)
		FROM trainings t WHERE t.start_day >= $1 AND t.start_day <= $2 AND `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("training: hours: %w", err)
	}
	defer rows.Close()
	by := map[string]*AudienceHours{}
	minutes := map[string]int{}
	for rows.Next() {
		var aud string
		var m, att int
		if err := rows.Scan(&aud, &m, &att); err != nil {
			return nil, err
		}
		for _, a := range db.SplitList(aud) {
			x := by[a]
			if x == nil {
				x = &AudienceHours{Audience: a}
				by[a] = x
			}
			x.Sessions++
			x.Attendances += att
			minutes[a] += m * att
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []AudienceHours{}
	for _, a := range Audiences {
		if x := by[a]; x != nil {
			x.Hours = hours(minutes[a])
			out = append(out, *x)
		}
	}
	return out, nil
}
