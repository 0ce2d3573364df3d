package training

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/pii"
)

// Every statement on the room's tables.

// Training is a session: what its organizer set (TrainingInput) and what
// the room keeps of it.
type Training struct {
	ID int64 `json:"id"`
	TrainingInput
	ProgrammeID int64   `json:"programme_id"`
	Hours       float64 `json:"hours"`
	Enrolled    int     `json:"enrolled"`
	Attended    int     `json:"attended"`
	minutes     int
	code        string
}

// Input returns what a PATCH starts from.
func (t *Training) Input() TrainingInput { return t.TrainingInput }

const trainingColumns = `t.id, t.title, t.programme_id, p.name, t.form, t.topics, t.audiences, t.unit_code,
	COALESCE(t.hub_org_id, 0), t.starts_at, t.ends_at, t.minutes, t.capacity, t.trainer, t.place, t.link, t.checkin_code,
	(SELECT COUNT(*) FROM training_enrolments e WHERE e.training_id = t.id),
	(SELECT COUNT(*) FROM training_attendance a WHERE a.training_id = t.id)`

const trainingFrom = ` FROM trainings t JOIN training_programmes p ON p.id = t.programme_id`

func scanTraining(sc interface{ Scan(...any) error }) (*Training, error) {
	var t Training
	var topics, aud string
	err := sc.Scan(&t.ID, &t.Title, &t.ProgrammeID, &t.Programme, &t.Form, &topics, &aud, &t.UnitCode, &t.HubOrgID,
		&t.StartsAt, &t.EndsAt, &t.minutes, &t.Capacity, &t.Trainer, &t.Place, &t.Link, &t.code, &t.Enrolled, &t.Attended)
	if err != nil {
		return nil, err
	}
	t.Topics, t.Audiences = db.SplitList(topics), db.SplitList(aud)
	t.StartsAt, t.EndsAt = t.StartsAt.UTC(), t.EndsAt.UTC()
	t.Hours = hours(t.minutes)
	return &t, nil
}

func hours(minutes int) float64 { return float64(minutes*10/60) / 10 }

// getTraining reads one session (FOR UPDATE inside a transaction).
func getTraining(ctx context.Context, q db.Querier, d db.Dialect, id int64, lock bool) (*Training, error) {
	tail := ""
	if lock {
		tail = d.ForUpdate()
	}
	return db.One(ctx, q, "training: get", scanTraining, `SELECT `+trainingColumns+trainingFrom+` WHERE t.id = $1`+forUpdateOf(tail), id)
}

// forUpdateOf locks only the session's row (PostgreSQL refuses FOR UPDATE
// over the aggregate subqueries' tables otherwise).
func forUpdateOf(tail string) string {
	if tail == "" {
		return ""
	}
	return tail + " OF t"
}

// listTrainings reads the sessions of a code range and the units above it.
func listTrainings(ctx context.Context, q db.Querier, scope string, year string, limit int) ([]Training, error) {
	cond, args := db.OverlapCond("t.unit_code", scope, nil)
	if year != "" {
		args = append(args, year+"-01-01", year+"-12-31")
		cond += fmt.Sprintf(` AND t.start_day >= $%d AND t.start_day <= $%d`, len(args)-1, len(args))
	}
	args = append(args, limit)
	return db.List(ctx, q, "training: list", scanTraining, `SELECT `+trainingColumns+trainingFrom+` WHERE `+cond+
		fmt.Sprintf(` ORDER BY t.starts_at DESC, t.id DESC LIMIT $%d`, len(args)), args...)
}

// Row is a session as it is written.
type Row struct {
	Input       TrainingInput
	ProgrammeID int64
	Code        string
	By          int64
}

// insertTrainings writes sessions, batch-first; returns their ids.
func insertTrainings(ctx context.Context, tx *sql.Tx, now time.Time, rows []Row) ([]int64, error) {
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		in := r.Input
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO trainings (title, programme_id, form, topics, audiences, unit_code, district_code,
			hub_org_id, starts_at, ends_at, start_day, minutes, capacity, trainer, place, link, checkin_code, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19) RETURNING id`,
			in.Title, r.ProgrammeID, in.Form, strings.Join(in.Topics, ","), strings.Join(in.Audiences, ","), in.UnitCode,
			districtOf(in.UnitCode), db.NullID(in.HubOrgID), in.StartsAt.UTC(), in.EndsAt.UTC(), clock.Day(in.StartsAt),
			sessionMinutes(in.StartsAt, in.EndsAt), in.Capacity, in.Trainer, in.Place, in.Link, r.Code, db.NullID(r.By), now).Scan(&id)
		if err != nil {
			return nil, fmt.Errorf("training: insert: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func updateTraining(ctx context.Context, tx *sql.Tx, now time.Time, id, programmeID int64, in TrainingInput) error {
	_, err := tx.ExecContext(ctx, `UPDATE trainings SET title = $1, programme_id = $2, form = $3, topics = $4, audiences = $5,
		starts_at = $6, ends_at = $7, start_day = $8, minutes = $9, capacity = $10, trainer = $11, place = $12, link = $13,
		updated_at = $14 WHERE id = $15`,
		in.Title, programmeID, in.Form, strings.Join(in.Topics, ","), strings.Join(in.Audiences, ","), in.StartsAt.UTC(),
		in.EndsAt.UTC(), clock.Day(in.StartsAt), sessionMinutes(in.StartsAt, in.EndsAt), in.Capacity, in.Trainer, in.Place,
		in.Link, now, id)
	if err != nil {
		return fmt.Errorf("training: update: %w", err)
	}
	return nil
}

// programmeID finds a programme by name: the city's, or the district's own.
func programmeID(ctx context.Context, q db.Querier, name, district string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM training_programmes WHERE name = $1 AND (unit_code = '4401' OR unit_code = $2)
		ORDER BY builtin DESC, id LIMIT 1`, name, district).Scan(&id)
	return id, db.Optional(err, "training: programme")
}

func insertProgramme(ctx context.Context, tx *sql.Tx, now time.Time, name, unit string) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO training_programmes (name, unit_code, builtin, created_at) VALUES ($1, $2, 0, $3)
		RETURNING id`, name, unit, now).Scan(&id); err != nil {
		return 0, fmt.Errorf("training: insert programme: %w", err)
	}
	return id, nil
}

// Programme is a training programme.
type Programme struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	UnitCode string `json:"unit_code"`
	Builtin  bool   `json:"builtin"`
}

func listProgrammes(ctx context.Context, q db.Querier, district string) ([]Programme, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, unit_code, builtin FROM training_programmes
		WHERE unit_code = '4401' OR unit_code = $1 ORDER BY builtin DESC, id`, district)
	if err != nil {
		return nil, fmt.Errorf("training: programmes: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*Programme, error) {
		var p Programme
		var b int
		if err := r.Scan(&p.ID, &p.Name, &p.UnitCode, &b); err != nil {
			return nil, err
		}
		p.Builtin = b != 0
		return &p, nil
	})
}

// Person is a key person (骨干人才); phone and ID number are masked.
type Person struct {
	ID            int64   `json:"id"`
	Name          string  `json:"name"`
	Phone         string  `json:"phone"`
	IDNumber      string  `json:"id_number,omitempty"`
	Role          string  `json:"role"`
	OrgID         int64   `json:"org_id,omitempty"`
	CommunityCode string  `json:"community_code"`
	Qualification string  `json:"qualification,omitempty"`
	QualYear      int     `json:"qualification_year,omitempty"`
	Hours         float64 `json:"hours,omitempty"`
	phone         string
}

const personColumns = `id, name, phone, id_number, role, COALESCE(org_id, 0), community_code, qualification, qual_year`

func scanPerson(sc interface{ Scan(...any) error }) (*Person, error) {
	var p Person
	if err := sc.Scan(&p.ID, &p.Name, &p.phone, &p.IDNumber, &p.Role, &p.OrgID, &p.CommunityCode, &p.Qualification, &p.QualYear); err != nil {
		return nil, err
	}
	p.phone = pii.Open(p.phone)
	p.Phone, p.IDNumber = MaskPhone(p.phone), MaskID(pii.Open(p.IDNumber))
	return &p, nil
}

func insertPeople(ctx context.Context, tx *sql.Tx, now time.Time, in []PersonInput) ([]int64, error) {
	ids := make([]int64, 0, len(in))
	for _, p := range in {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO people (name, phone, id_number, role, org_id, community_code, qualification,
			qual_year, created_at, phone_hash, id_number_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			p.Name, pii.Seal(p.Phone), pii.Seal(p.IDNumber), p.Role, db.NullID(p.OrgID), p.CommunityCode, p.Qualification, p.QualYear, now,
			pii.Hash(p.Phone), pii.Hash(p.IDNumber)).Scan(&id); err != nil {
			return nil, fmt.Errorf("training: insert person: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func getPerson(ctx context.Context, q db.Querier, id int64) (*Person, error) {
	return db.One(ctx, q, "training: person", scanPerson, `SELECT `+personColumns+` FROM people WHERE id = $1`, id)
}

// listPeople reads the people of a subtree with their training hours in a
// year (all years if year is "").
func listPeople(ctx context.Context, q db.Querier, scope, year string, limit int) ([]Person, error) {
	y0, y1 := "0000", "9999"
	if year != "" {
		y0, y1 = year+"-01-01", year+"-12-31"
	}
	in, args := db.ScopeCond("community_code", scope, []any{y0, y1})
	rows, err := q.QueryContext(ctx, `SELECT `+personColumns+`,
		(SELECT COALESCE(SUM(t.minutes), 0) FROM training_attendance a JOIN trainings t ON t.id = a.training_id
		 WHERE a.person_id = people.id AND t.start_day >= $1 AND t.start_day <= $2)
		FROM people WHERE `+in+` ORDER BY community_code, id LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("training: people: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*Person, error) {
		var p Person
		var m int
		if err := r.Scan(&p.ID, &p.Name, &p.phone, &p.IDNumber, &p.Role, &p.OrgID, &p.CommunityCode, &p.Qualification,
			&p.QualYear, &m); err != nil {
			return nil, err
		}
		p.phone = pii.Open(p.phone)
		p.Phone, p.IDNumber, p.Hours = MaskPhone(p.phone), MaskID(pii.Open(p.IDNumber)), hours(m)
		return &p, nil
	})
}

// Attendance is one person's presence at a session.
type Attendance struct {
	PersonID    int64     `json:"person_id"`
	CheckedInAt time.Time `json:"checked_in_at"`
	Source      string    `json:"source"`
	Reason      string    `json:"reason,omitempty"`
}

func listAttendance(ctx context.Context, q db.Querier, trainingID int64) ([]Attendance, error) {
	rows, err := q.QueryContext(ctx, `SELECT person_id, checked_in_at, source, reason FROM training_attendance
		WHERE training_id = $1 ORDER BY checked_in_at, person_id`, trainingID)
	if err != nil {
		return nil, fmt.Errorf("training: attendance: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*Attendance, error) {
		var a Attendance
		if err := r.Scan(&a.PersonID, &a.CheckedInAt, &a.Source, &a.Reason); err != nil {
			return nil, err
		}
		a.CheckedInAt = a.CheckedInAt.UTC()
		return &a, nil
	})
}

// Certificate is an issued completion certificate.
type Certificate struct {
	Serial     string `json:"serial"`
	TrainingID int64  `json:"training_id"`
	PersonID   int64  `json:"person_id"`
	Minutes    int    `json:"-"`
	IssuedOn   string `json:"issued_on"`
	RevokedOn  string `json:"revoked_on,omitempty"`
	Reason     string `json:"revoke_reason,omitempty"`
}

func getCertificate(ctx context.Context, q db.Querier, serial string) (*Certificate, error) {
	var c Certificate
	err := q.QueryRowContext(ctx, `SELECT serial, training_id, person_id, minutes, issued_on, revoked_on, revoke_reason
		FROM certificates WHERE serial = $1`, serial).Scan(&c.Serial, &c.TrainingID, &c.PersonID, &c.Minutes, &c.IssuedOn, &c.RevokedOn, &c.Reason)
	if err != nil {
		return nil, db.Found(err, "training: certificate")
	}
	return &c, nil
}
