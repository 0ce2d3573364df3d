package activity

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Residents' sign-ups (issue 17): an activity may accept residents'
// sign-ups, up to a capacity (0: no limit). The sign-ups themselves are
// the civic room's; these are the activity's two columns.

// SignupFacts is what a resident's sign-up needs to know of an activity.
type SignupFacts struct {
	ID             int64
	Title          string
	OrgIDs         []int64
	CommunityCode  string
	DistrictCode   string
	StartsAt       time.Time
	Status         string
	AcceptsSignups bool
	Capacity       int
}

// Signups returns an activity's sign-up facts (no viewer: the caller
// applies its own rules).
func Signups(ctx context.Context, q db.Querier, id int64) (*SignupFacts, error) {
	a, err := getActivity(ctx, q, id, "")
	if err != nil {
		return nil, err
	}
	f := &SignupFacts{ID: a.ID, Title: a.Title, OrgIDs: a.OrgIDs, CommunityCode: a.CommunityCode, DistrictCode: a.DistrictCode,
		StartsAt: a.StartsAt, Status: a.Status}
	var accepts int
	if err := q.QueryRowContext(ctx, `SELECT accepts_signups, signup_capacity FROM activities WHERE id = $1`, id).Scan(&accepts, &f.Capacity); err != nil {
		return nil, fmt.Errorf("activity: signups: %w", err)
	}
	f.AcceptsSignups = accepts != 0
	return f, nil
}

// SetSignups opens or closes an activity to residents' sign-ups; whoever
// may record the host organization's activities decides (hidesSignups).
func (s *Service) SetSignups(ctx context.Context, u *auth.User, id int64, accepts bool, capacity int) error {
	if hidesSignups(u) {
		return errs.Missing()
	}
	if capacity < 0 || capacity > 100000 {
		f := errs.Fields{}
		f.Add("capacity", "err.bad_number")
		return f.Err()
	}
	now := s.now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		a, err := getActivity(ctx, tx, id, "")
		if err != nil {
			return err
		}
		if !s.sees(ctx, u, a) {
			return errs.Missing()
		}
		refs, err := s.orgRefs(ctx, a.OrgIDs[:1])
		if err != nil {
			return err
		}
		if len(refs) == 0 {
			return errs.Missing()
		}
		if err := s.mayRecord(ctx, u, refs[0]); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activities SET accepts_signups = $1, signup_capacity = $2, updated_at = $3 WHERE id = $4`,
			db.BoolInt(accepts), capacity, now, id); err != nil {
			return fmt.Errorf("activity: set signups: %w", err)
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "activity.signups", ObjectType: "activity",
			ObjectID: itoa(id), ScopeCode: a.CommunityCode, Detail: map[string]any{"accepts_signups": accepts, "capacity": capacity}})
	})
}

// Figures sums what linli recorded of some activities: their number,
// participants, beneficiaries and volunteer minutes.
func Figures(ctx context.Context, q db.Querier, ids []int64) (n, participants, beneficiaries, minutes int64, err error) {
	for _, id := range ids {
		var p, b, m int64
		err = q.QueryRowContext(ctx, `SELECT participants, beneficiaries, volunteer_minutes FROM activities WHERE id = $1`, id).Scan(&p, &b, &m)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return 0, 0, 0, 0, fmt.Errorf("activity: figures: %w", err)
		}
		n, participants, beneficiaries, minutes = n+1, participants+p, beneficiaries+b, minutes+m
	}
	return n, participants, beneficiaries, minutes, nil
}
