package training

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
)

// EnrolSelf puts the signed-in organization leader on a session's list
// (self-enrolment). The first time, their key-person record is made from
// their organization's record and tied to their account; afterwards the
// same record is used, so their hours add up in one place.
func (s *Service) EnrolSelf(ctx context.Context, u *auth.User, trainingID int64) (*Person, error) {
	t, err := s.Get(ctx, u, trainingID)
	if err != nil {
		return nil, err
	}
	if u.OrgID == 0 {
		_, err := planSelf(u, nil, t, s.now())
		return nil, err
	}
	org, err := s.Orgs.Lookup(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	in, err := planSelf(u, org, t, now)
	if err != nil {
		return nil, err
	}
	var personID int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM people WHERE user_id = $1`, u.ID).Scan(&personID)
		if errors.Is(err, sql.ErrNoRows) {
			ids, err := insertPeople(ctx, tx, now, []PersonInput{in})
			if err != nil {
				return err
			}
			personID = ids[0]
			if _, err := tx.ExecContext(ctx, `UPDATE people SET user_id = $1 WHERE id = $2`, u.ID, personID); err != nil {
				return fmt.Errorf("training: tie person to account: %w", err)
			}
			if err := audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "training.person_create", ObjectType: "person",
				ObjectID: strconv.FormatInt(personID, 10), ScopeCode: in.CommunityCode,
				Detail: map[string]any{"name": in.Name, "phone": MaskPhone(in.Phone), "role": in.Role, "org_id": in.OrgID, "self": true}}); err != nil {
				return err
			}
		} else if err != nil {
			return fmt.Errorf("training: own person: %w", err)
		}
		return s.enrolTx(ctx, tx, u, now, trainingID, personID, in.CommunityCode)
	})
	if err != nil {
		return nil, err
	}
	return getPerson(ctx, s.DB.Read, personID)
}

// SelfEnrolled reports whether the signed-in user is on a session's list
// through their own key-person record.
func (s *Service) SelfEnrolled(ctx context.Context, u *auth.User, trainingID int64) (bool, error) {
	var n int
	err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM training_enrolments e JOIN people p ON p.id = e.person_id
		WHERE e.training_id = $1 AND p.user_id = $2`, trainingID, u.ID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("training: self enrolled: %w", err)
	}
	return n > 0, nil
}
