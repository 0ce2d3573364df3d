package kpi

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"linli/internal/effective"
	"linli/internal/geo"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// PilotRural is the one kind of pilot the plan asks for (C7).
const PilotRural = "rural"

const pilotColumns = `p.id, p.community_code, v.name, p.street_code, p.district_code, p.kind, p.designated_on,
	p.revoked_on, p.note, p.revoke_reason, p.late_reason, COALESCE(p.designated_by, 0), p.created_at`

func scanPilot(sc interface{ Scan(...any) error }) (*Pilot, error) {
	var p Pilot
	if err := sc.Scan(&p.ID, &p.CommunityCode, &p.CommunityName, &p.StreetCode, &p.DistrictCode, &p.Kind,
		&p.DesignatedOn, &p.RevokedOn, &p.Note, &p.RevokeReason, &p.LateReason, &p.DesignatedBy, &p.CreatedAt); err != nil {
		return nil, err
	}
	p.CreatedAt = p.CreatedAt.UTC()
	return &p, nil
}

func getPilot(ctx context.Context, q db.Querier, id int64) (*Pilot, error) {
	return db.One(ctx, q, "get pilot", scanPilot, `SELECT `+pilotColumns+` FROM pilots p
		JOIN divisions v ON v.code = p.community_code WHERE p.id = $1`, id)
}

// Pilots lists the pilots in the user's scope (below within, if set), current
// ones first.
func (s *Service) Pilots(ctx context.Context, u *auth.User, within string) ([]*Pilot, error) {
	if within == "" {
		within = u.ScopeCode
	}
	if !u.InScope(within) {
		return nil, errs.Missing()
	}
	in, args := db.ScopeCond("p.community_code", within, nil)
	return db.ListPtrs(ctx, s.DB.Read, "list pilots", scanPilot, `SELECT `+pilotColumns+` FROM pilots p
		JOIN divisions v ON v.code = p.community_code
		WHERE `+in+`
		ORDER BY CASE WHEN p.revoked_on = '' THEN 0 ELSE 1 END, p.community_code, p.id LIMIT 1000`, args...)
}

// Designate makes a rural community a pilot from a date.
func (s *Service) Designate(ctx context.Context, u *auth.User, in PilotInput) (*Pilot, error) {
	if !designatesPilots(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	in.CommunityCode = strings.TrimSpace(in.CommunityCode)
	in.Note = strings.TrimSpace(in.Note)
	if in.Kind == "" {
		in.Kind = PilotRural
	}
	today := s.Today()
	if in.DesignatedOn == "" {
		in.DesignatedOn = today
	}
	f := errs.Fields{}
	if in.Kind != PilotRural {
		f.Add("kind", "err.choose_one")
	}
	switch {
	case !effective.Day(f, "designated_on", in.DesignatedOn, today, "kpi.err.date", "err.date_future"):
	case in.DesignatedOn < "2021-01-01":
		f.Add("designated_on", "kpi.err.date_before_plan")
	}
	f.Length("note", in.Note, 0, 500)
	in.LateReason = effective.Reason(f, f["designated_on"].Key == "" && effective.IsLate(in.DesignatedOn, today), in.LateReason)
	n, err := s.Geo.Check(ctx, u, f, "community_code", in.CommunityCode, geo.Community, "err.community_code")
	switch {
	case err != nil:
		return nil, err
	case n != nil && geo.KindOf(n.Code) != geo.Rural:
		f.Add("community_code", "kpi.err.not_rural")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	var out *Pilot
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO pilots (community_code, street_code, district_code, kind,
			designated_on, note, designated_by, created_at, updated_at, late_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id`,
			n.Code, n.Code[:9], n.Code[:6], in.Kind, in.DesignatedOn, in.Note, db.NullID(u.ID), now, in.LateReason).Scan(&id)
		if s.DB.Dialect.IsUniqueViolation(err) {
			return errs.FieldConflict("community_code", "kpi.err.already_pilot")
		}
		if err != nil {
			return fmt.Errorf("designate pilot: %w", err)
		}
		if out, err = getPilot(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "pilot.designate", ObjectType: "pilot",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: n.Code, Detail: in})
	})
	return out, err
}

// Revoke ends a pilot from a date (it counts up to the day before).
func (s *Service) Revoke(ctx context.Context, u *auth.User, id int64, on, reason string) (*Pilot, error) {
	return s.RevokeLate(ctx, u, id, on, reason, "")
}

// RevokeLate ends a pilot from a date, with the late entry's reason when
// the date is over 30 days past.
func (s *Service) RevokeLate(ctx context.Context, u *auth.User, id int64, on, reason, lateReason string) (*Pilot, error) {
	if !designatesPilots(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	reason = strings.TrimSpace(reason)
	today := s.Today()
	if on == "" {
		on = today
	}
	now := s.now()
	var out *Pilot
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		p, err := getPilot(ctx, tx, id)
		if err != nil {
			return err
		}
		if !u.InScope(p.CommunityCode) {
			return errs.Missing()
		}
		if p.RevokedOn != "" {
			return errs.E(errs.Conflict, "kpi.err.already_revoked")
		}
		f := errs.Fields{}
		switch {
		case !effective.Day(f, "revoked_on", on, today, "kpi.err.date", "err.date_future"):
		case on <= p.DesignatedOn:
			f.Add("revoked_on", "kpi.err.revoke_after_designation")
		}
		lateReason = effective.Reason(f, f["revoked_on"].Key == "" && effective.IsLate(on, today), lateReason)
		if reason == "" {
			f.Add("reason", "err.reason_required")
		}
		f.Length("reason", reason, 0, 500)
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pilots SET revoked_on = $1, revoke_reason = $2, updated_at = $3,
			late_reason = CASE WHEN $5 <> '' THEN $5 ELSE late_reason END WHERE id = $4`,
			on, reason, now, id, lateReason); err != nil {
			return fmt.Errorf("revoke pilot: %w", err)
		}
		if out, err = getPilot(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "pilot.revoke", ObjectType: "pilot",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: p.CommunityCode,
			Detail: map[string]string{"revoked_on": on, "reason": reason, "late_reason": lateReason}})
	})
	return out, err
}
