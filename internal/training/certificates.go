package training

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
)

// Issue certifies that an enrolled person attended a session the user runs.
func (s *Service) Issue(ctx context.Context, u *auth.User, trainingID, personID int64) (*Certificate, error) {
	t, err := s.organized(ctx, u, trainingID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	issued := clock.Day(now)
	c := &Certificate{TrainingID: trainingID, PersonID: personID, Minutes: t.minutes, IssuedOn: issued}
	c.Serial = "LL" + issued[:4] + "-" + randomCode(12)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM training_attendance WHERE training_id = $1 AND person_id = $2`,
			trainingID, personID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.Field("person_id", "training.err.not_attended")
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificates WHERE training_id = $1 AND person_id = $2`,
			trainingID, personID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.E(errs.Conflict, "training.err.certified")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO certificates (serial, training_id, person_id, minutes, issued_on, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.Serial, trainingID, personID, c.Minutes, c.IssuedOn, now); err != nil {
			return fmt.Errorf("training: issue: %w", err)
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "training.certificate_issue", ObjectType: "certificate",
			ObjectID: c.Serial, ScopeCode: t.UnitCode, Detail: map[string]any{"training_id": trainingID, "person_id": personID}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// certificate reads a certificate of a session the user sees.
func (s *Service) certificate(ctx context.Context, u *auth.User, serial string) (*Certificate, *Training, error) {
	c, err := getCertificate(ctx, s.DB.Read, serial)
	if err != nil {
		return nil, nil, err
	}
	t, err := s.Get(ctx, u, c.TrainingID)
	if err != nil {
		return nil, nil, err
	}
	return c, t, nil
}

// Revoke withdraws a certificate, with a reason.
func (s *Service) Revoke(ctx context.Context, u *auth.User, serial, reason string) (*Certificate, error) {
	c, t, err := s.certificate(ctx, u, serial)
	if err != nil {
		return nil, err
	}
	if !canOrganize(u, t.UnitCode, t.HubOrgID) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if err := attendanceEdit(reason); err != nil {
		return nil, err
	}
	if c.RevokedOn != "" {
		return nil, errs.E(errs.Conflict, "training.err.revoked")
	}
	now := s.now()
	c.RevokedOn, c.Reason = clock.Day(now), strings.TrimSpace(reason)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE certificates SET revoked_on = $1, revoke_reason = $2 WHERE serial = $3 AND revoked_on = ''`,
			c.RevokedOn, c.Reason, serial); err != nil {
			return fmt.Errorf("training: revoke: %w", err)
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "training.certificate_revoke", ObjectType: "certificate",
			ObjectID: serial, ScopeCode: t.UnitCode, Detail: map[string]any{"reason": c.Reason}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// VerifyURL is the public verification address of a serial.
func VerifyURL(base, serial string) string { return base + "/api/v1/public/certificates/" + serial }

// doc gathers what a certificate shows.
func (s *Service) doc(ctx context.Context, c *Certificate, t *Training, base string) (CertificateDoc, error) {
	p, err := getPerson(ctx, s.DB.Read, c.PersonID)
	if err != nil {
		return CertificateDoc{}, err
	}
	d := CertificateDoc{Serial: c.Serial, Name: p.Name, Programme: t.Programme, Title: t.Title, Hours: hours(c.Minutes),
		Start: t.StartsAt, End: t.EndsAt, IssuedOn: c.IssuedOn, VerifyURL: VerifyURL(base, c.Serial), Revoked: c.RevokedOn != ""}
	names, err := s.Geo.Names(ctx, []string{t.UnitCode})
	if err != nil {
		return d, err
	}
	d.Issuer = issuerName(names[t.UnitCode], len(t.UnitCode))
	if t.HubOrgID != 0 {
		if o, err := s.Orgs.Lookup(ctx, t.HubOrgID); err == nil {
			d.Issuer = o.Name
		}
	}
	if p.OrgID != 0 {
		if o, err := s.Orgs.Lookup(ctx, p.OrgID); err == nil {
			d.Org = o.Name
		}
	}
	return d, nil
}

// issuerName names the office of a unit: a city's or district's civil
// affairs bureau, a street's office.
func issuerName(name string, n int) string {
	switch n {
	case 4, 6:
		return name + "民政局"
	}
	return name + "办事处"
}

// PDF writes a certificate of a session the user sees.
func (s *Service) PDF(ctx context.Context, u *auth.User, serial, base string, w io.Writer) error {
	c, t, err := s.certificate(ctx, u, serial)
	if err != nil {
		return err
	}
	d, err := s.doc(ctx, c, t, base)
	if err != nil {
		return err
	}
	return WritePDF(w, d)
}

// Verification is what the public page says about a serial: whether it is
// genuine and what it certifies, with the holder's family name only.
type Verification struct {
	Serial    string  `json:"serial"`
	Status    string  `json:"status"`
	Holder    string  `json:"holder,omitempty"`
	Programme string  `json:"programme,omitempty"`
	Title     string  `json:"title,omitempty"`
	Hours     float64 `json:"hours,omitempty"`
	Date      string  `json:"date,omitempty"`
	Issuer    string  `json:"issuer,omitempty"`
	IssuedOn  string  `json:"issued_on,omitempty"`
	RevokedOn string  `json:"revoked_on,omitempty"`
}

// Verify answers the public verification of a serial. An unknown serial
// takes the same path (one indexed read) and answers in the same shape.
func (s *Service) Verify(ctx context.Context, serial string) (*Verification, error) {
	if len(serial) > 40 {
		serial = serial[:40]
	}
	v := &Verification{Serial: serial, Status: CertNotFound}
	c, err := getCertificate(ctx, s.DB.Read, serial)
	if errs.Is(err, errs.NotFound) {
		return v, nil
	}
	if err != nil {
		return nil, err
	}
	t, err := getTraining(ctx, s.DB.Read, s.DB.Dialect, c.TrainingID, false)
	if err != nil {
		return nil, err
	}
	d, err := s.doc(ctx, c, t, "")
	if err != nil {
		return nil, err
	}
	v.Status = CertGenuine
	if c.RevokedOn != "" {
		v.Status, v.RevokedOn = CertRevoked, c.RevokedOn
	}
	v.Holder, v.Programme, v.Title, v.Hours = MaskName(d.Name), d.Programme, d.Title, d.Hours
	v.Date, v.Issuer, v.IssuedOn = clock.Day(t.StartsAt), d.Issuer, c.IssuedOn
	return v, nil
}

// itoa formats an id.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
