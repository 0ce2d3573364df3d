// Package training is capacity building (C8): training programmes and
// sessions run by the city, a district, a street or a hub; key personnel
// (骨干人才) with their social-work qualification; enrolment, check-in by a
// per-session code, attendance and hours; completion certificates as PDF
// with a public verification page.
package training

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/pii"
	"linli/internal/registry"
)

// Geo is what the room needs from the hierarchy.
type Geo interface {
	Exists(ctx context.Context, code string) (bool, error)
	Names(ctx context.Context, codes []string) (map[string]string, error)
	Children(ctx context.Context, code string) ([]geo.Node, error)
}

// Orgs is what the room needs from the registry.
type Orgs interface {
	Lookup(ctx context.Context, id int64) (*registry.Org, error)
	registry.Lister // the organization picker
}

// Service is the room's rules over its tables.
type Service struct {
	DB   *db.DB
	Geo  Geo
	Orgs Orgs
	Now  func() time.Time
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

// randomCode is n characters of an alphabet without look-alikes.
func randomCode(n int) string {
	const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Create records a session.
func (s *Service) Create(ctx context.Context, u *auth.User, in TrainingInput) (*Training, error) {
	if err := s.checkHub(ctx, u, &in); err != nil {
		return nil, err
	}
	ok, err := s.Geo.Exists(ctx, in.UnitCode)
	if err != nil {
		return nil, err
	}
	if err := planTraining(u, &in, ok); err != nil {
		return nil, err
	}
	if !organizerRole(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	now := s.now()
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		pid, err := s.programme(ctx, tx, u, now, in)
		if err != nil {
			return err
		}
		ids, err := insertTrainings(ctx, tx, now, []Row{{Input: in, ProgrammeID: pid, Code: randomCode(10), By: u.ID}})
		if err != nil {
			return err
		}
		id = ids[0]
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "training.create", ObjectType: "training",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: in.UnitCode, Detail: in})
	})
	if err != nil {
		return nil, err
	}
	return getTraining(ctx, s.DB.Read, s.DB.Dialect, id, false)
}

// checkHub: a hub's staff run sessions as their hub, in its street.
func (s *Service) checkHub(ctx context.Context, u *auth.User, in *TrainingInput) error {
	if runsAsHub(u) && in.HubOrgID == 0 {
		in.HubOrgID = u.OrgID
	}
	if in.HubOrgID == 0 {
		return nil
	}
	o, err := s.Orgs.Lookup(ctx, in.HubOrgID)
	if err != nil || !o.Hub || !namesHub(u, o.CommunityCode) {
		return errs.Field("hub_org_id", "err.not_found")
	}
	in.UnitCode = o.StreetCode
	return nil
}

// programme resolves a session's programme by name: the city's, or the
// district's own; a district (or the city) names a new one of its own.
func (s *Service) programme(ctx context.Context, tx *sql.Tx, u *auth.User, now time.Time, in TrainingInput) (int64, error) {
	d := districtOf(in.UnitCode)
	id, err := programmeID(ctx, tx, in.Programme, d)
	if err != nil || id != 0 {
		return id, err
	}
	if d == "" || !namesProgramme(u) {
		return 0, errs.Field("programme", "training.err.programme")
	}
	id, err = insertProgramme(ctx, tx, now, in.Programme, d)
	if err != nil {
		return 0, err
	}
	return id, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "training.programme_create", ObjectType: "training_programme",
		ObjectID: strconv.FormatInt(id, 10), ScopeCode: d, Detail: map[string]any{"name": in.Programme}})
}

// Get reads a session the user sees.
func (s *Service) Get(ctx context.Context, u *auth.User, id int64) (*Training, error) {
	t, err := getTraining(ctx, s.DB.Read, s.DB.Dialect, id, false)
	return errs.Seen(t, err, func(t *Training) bool { return seesSession(u, t) })
}

// organized reads a session the user runs: not found if they do not see it,
// forbidden if they see it but do not run it.
func (s *Service) organized(ctx context.Context, u *auth.User, id int64) (*Training, error) {
	t, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !canOrganize(u, t.UnitCode, t.HubOrgID) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	return t, nil
}

// List reads the sessions the user sees (of a year, if given).
func (s *Service) List(ctx context.Context, u *auth.User, year string) ([]Training, error) {
	if year != "" {
		if n, err := strconv.Atoi(year); err != nil || n < 2000 || n > 2100 {
			return nil, errs.Field("year", "err.bad_number")
		}
	}
	return listTrainings(ctx, s.DB.Read, u.ScopeCode, year, 500)
}

// Update applies a JSON patch (the fields it names) to a session the user runs.
func (s *Service) Update(ctx context.Context, u *auth.User, id int64, patch json.RawMessage) (*Training, error) {
	old, err := s.organized(ctx, u, id)
	if err != nil {
		return nil, err
	}
	in := old.Input()
	if err := json.Unmarshal(patch, &in); err != nil {
		return nil, errs.E(errs.Invalid, "err.bad_json", err.Error())
	}
	in.UnitCode, in.HubOrgID = old.UnitCode, old.HubOrgID // a session does not move
	if err := planTraining(u, &in, true); err != nil {
		return nil, err
	}
	if in.Capacity < old.Enrolled {
		return nil, errs.Field("capacity", "training.err.capacity_below", old.Enrolled)
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		pid, err := s.programme(ctx, tx, u, now, in)
		if err != nil {
			return err
		}
		if err := updateTraining(ctx, tx, now, id, pid, in); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "training.update", ObjectType: "training",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: old.UnitCode, Detail: map[string]any{"before": old.Input(), "after": in}})
	})
	if err != nil {
		return nil, err
	}
	return getTraining(ctx, s.DB.Read, s.DB.Dialect, id, false)
}

// Programmes lists the programmes a user may pick: the city's and their district's.
func (s *Service) Programmes(ctx context.Context, u *auth.User) ([]Programme, error) {
	return listProgrammes(ctx, s.DB.Read, districtOf(u.ScopeCode))
}

// CreatePerson records a key person.
func (s *Service) CreatePerson(ctx context.Context, u *auth.User, in PersonInput) (*Person, error) {
	ok, err := s.Geo.Exists(ctx, in.CommunityCode)
	if err != nil {
		return nil, err
	}
	if err := planPerson(u, &in, s.now(), ok); err != nil {
		return nil, err
	}
	if in.OrgID != 0 {
		o, err := s.Orgs.Lookup(ctx, in.OrgID)
		if err != nil || !u.InScope(o.CommunityCode) {
			return nil, errs.Field("org_id", "err.org_not_in_scope")
		}
	}
	now := s.now()
	id, err := audit.Created(ctx, s.DB, now, u.Actor(), insertPeople, in, audit.Entry{Action: "training.person_create", ObjectType: "person",
		ScopeCode: in.CommunityCode,
		Detail: map[string]any{"name": in.Name, "phone": MaskPhone(in.Phone), "role": in.Role, "org_id": in.OrgID,
			"qualification": in.Qualification, "qualification_year": in.QualYear}})
	if err != nil {
		return nil, err
	}
	return getPerson(ctx, s.DB.Read, id)
}

// People lists the key personnel of the user's subtree, with hours in a year.
func (s *Service) People(ctx context.Context, u *auth.User, within, year string) ([]Person, error) {
	scope, ok := u.Narrow(within)
	if !ok {
		return nil, errs.Missing()
	}
	if u.OwnOrgOnly() {
		return []Person{}, nil
	}
	return listPeople(ctx, s.DB.Read, scope, year, 1000)
}

// person reads a person of the user's subtree.
func (s *Service) person(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Person, error) {
	p, err := getPerson(ctx, q, id)
	return errs.Seen(p, err, func(p *Person) bool { return seesPerson(u, p.CommunityCode) })
}

// Enrol puts a person on a session's list, within its capacity.
func (s *Service) Enrol(ctx context.Context, u *auth.User, trainingID, personID int64) (*Person, error) {
	t, err := s.Get(ctx, u, trainingID)
	if err != nil {
		return nil, err
	}
	p, err := s.person(ctx, s.DB.Read, u, personID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Field("person_id", "err.not_found")
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := planEnrol(u, t, now, p.CommunityCode); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		return s.enrolTx(ctx, tx, u, now, trainingID, personID, p.CommunityCode)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// enrolTx puts a person on a session's list inside a transaction: the
// session's row is locked so two enrolments cannot both take the last place.
func (s *Service) enrolTx(ctx context.Context, tx *sql.Tx, u *auth.User, now time.Time, trainingID, personID int64, community string) error {
	t, err := getTraining(ctx, tx, s.DB.Dialect, trainingID, true)
	if err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM training_enrolments WHERE training_id = $1 AND person_id = $2`,
		trainingID, personID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errs.E(errs.Conflict, "training.err.enrolled")
	}
	if t.Enrolled >= t.Capacity {
		return errs.E(errs.Conflict, "training.err.full", t.Capacity)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO training_enrolments (training_id, person_id, enrolled_at) VALUES ($1, $2, $3)`,
		trainingID, personID, now); err != nil {
		return fmt.Errorf("training: enrol: %w", err)
	}
	return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "training.enrol", ObjectType: "training",
		ObjectID: strconv.FormatInt(trainingID, 10), ScopeCode: community, Detail: map[string]any{"person_id": personID}})
}

// CheckinCode is what the trainer's screen shows.
type CheckinCode struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
	URL       string    `json:"url"`
	QRSVG     string    `json:"qr_svg"`
}

// Code returns a session's check-in code (organizer only).
func (s *Service) Code(ctx context.Context, u *auth.User, id int64, base string) (*CheckinCode, error) {
	t, err := s.organized(ctx, u, id)
	if err != nil {
		return nil, err
	}
	url := base + "/public/checkin?code=" + t.code
	svg, err := QRSVG(url)
	if err != nil {
		return nil, err
	}
	return &CheckinCode{Code: t.code, ExpiresAt: t.EndsAt, URL: url, QRSVG: svg}, nil
}

// CheckedIn is the answer to a trainee's check-in.
type CheckedIn struct {
	Title       string    `json:"title"`
	Name        string    `json:"name"`
	CheckedInAt time.Time `json:"checked_in_at"`
}

// Checkin records the presence of the enrolled person with this phone, with
// the session's code, inside the session's window. Nobody is signed in.
func (s *Service) Checkin(ctx context.Context, code, phone string) (*CheckedIn, error) {
	phone = NormalizePhone(phone)
	f := errs.Fields{}
	if code == "" {
		f.Add("code", "err.required")
	}
	if phone == "" {
		f.Add("phone", "err.required")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	var out *CheckedIn
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		var title string
		var start, end time.Time
		err := tx.QueryRowContext(ctx, `SELECT id, title, starts_at, ends_at FROM trainings WHERE checkin_code = $1`, code).
			Scan(&id, &title, &start, &end)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Field("code", "training.err.bad_code")
		}
		if err != nil {
			return fmt.Errorf("training: checkin: %w", err)
		}
		if !checkinOpen(start, end, now) {
			return errs.Field("code", "training.err.window_closed")
		}
		var pid int64
		var name string
		match, args := pii.HashIn("p.phone_hash", phone, []any{id})
		err = tx.QueryRowContext(ctx, `SELECT p.id, p.name FROM training_enrolments e JOIN people p ON p.id = e.person_id
			WHERE e.training_id = $1 AND `+match+` ORDER BY p.id LIMIT 1`, args...).Scan(&pid, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Field("phone", "training.err.not_enrolled")
		}
		if err != nil {
			return fmt.Errorf("training: checkin person: %w", err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO training_attendance (training_id, person_id, checked_in_at, source)
			VALUES ($1, $2, $3, 'code') ON CONFLICT (training_id, person_id) DO NOTHING`, id, pid, now)
		if err != nil {
			return fmt.Errorf("training: checkin insert: %w", err)
		}
		out = &CheckedIn{Title: title, Name: MaskName(name), CheckedInAt: now}
		if n, _ := res.RowsAffected(); n == 0 {
			return tx.QueryRowContext(ctx, `SELECT checked_in_at FROM training_attendance WHERE training_id = $1 AND person_id = $2`,
				id, pid).Scan(&out.CheckedInAt)
		}
		return audit.Record(ctx, tx, now, auth.UserFrom(ctx).Actor(), audit.Entry{Action: "training.checkin", ObjectType: "training",
			ObjectID: strconv.FormatInt(id, 10), Detail: map[string]any{"person_id": pid}})
	})
	if out != nil {
		out.CheckedInAt = out.CheckedInAt.UTC()
	}
	return out, err
}

// Attendance lists who was present at a session the user sees.
func (s *Service) Attendance(ctx context.Context, u *auth.User, id int64) ([]Attendance, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	return listAttendance(ctx, s.DB.Read, id)
}

// AttendanceEdit is the organizer's correction of attendance.
type AttendanceEdit struct {
	PersonID int64  `json:"person_id"`
	Present  bool   `json:"present"`
	Reason   string `json:"reason"`
}

// EditAttendance marks an enrolled person present or absent, with a reason.
func (s *Service) EditAttendance(ctx context.Context, u *auth.User, id int64, in AttendanceEdit) ([]Attendance, error) {
	t, err := s.organized(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if err := attendanceEdit(in.Reason); err != nil {
		return nil, err
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM training_enrolments WHERE training_id = $1 AND person_id = $2`,
			id, in.PersonID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.Field("person_id", "training.err.not_enrolled")
		}
		var err error
		if in.Present {
			_, err = tx.ExecContext(ctx, `INSERT INTO training_attendance (training_id, person_id, checked_in_at, source, reason)
				VALUES ($1, $2, $3, 'organizer', $4) ON CONFLICT (training_id, person_id) DO NOTHING`, id, in.PersonID, t.StartsAt, in.Reason)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM training_attendance WHERE training_id = $1 AND person_id = $2`, id, in.PersonID)
		}
		if err != nil {
			return fmt.Errorf("training: edit attendance: %w", err)
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "training.attendance_edit", ObjectType: "training",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: t.UnitCode, Detail: in})
	})
	if err != nil {
		return nil, err
	}
	return listAttendance(ctx, s.DB.Read, id)
}
