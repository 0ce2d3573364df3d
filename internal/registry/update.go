package registry

import (
	"context"
	"database/sql"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// Update saves a whole new set of editable fields (planUpdate decides):
// flags may be changed only by the roles they belong to; every changed
// field is audited, and status, tier, party organization and flag changes
// enter the dated history.
func (s *Service) Update(ctx context.Context, u *auth.User, id int64, in Input) (*Org, error) {
	now := s.now()
	in.normalize()
	var out *Org
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getOrg(ctx, tx, id, s.DB.Dialect.ForUpdate())
		if err != nil {
			return err
		}
		if !visible(u, old) {
			return errs.E(errs.NotFound, "err.not_found")
		}
		lk, err := s.lookups(ctx, tx, old, in.CommunityCode, in.Hub)
		if err != nil {
			return err
		}
		c, f, err := planUpdate(u, old, in, now, lk)
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if c == nil {
			out = old
			return nil
		}
		if _, err := s.save(ctx, tx, u, now, c, false); err != nil {
			return err
		}
		out, err = getOrg(ctx, tx, id, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	maskFor(u, out)
	return out, nil
}

// Transition moves an organization through its lifecycle today.
func (s *Service) Transition(ctx context.Context, u *auth.User, id int64, action, reason string) (*Org, error) {
	return s.Move(ctx, u, id, Move{Action: action, Reason: reason})
}

// Move moves an organization through its lifecycle (planTransition
// decides), recording who, why, when it took effect and when it was
// entered.
func (s *Service) Move(ctx context.Context, u *auth.User, id int64, mv Move) (*Org, error) {
	now := s.now()
	var out *Org
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		o, err := getOrg(ctx, tx, id, s.DB.Dialect.ForUpdate())
		if err != nil {
			return err
		}
		lk, err := s.lookups(ctx, tx, o, o.CommunityCode, o.Hub)
		if err != nil {
			return err
		}
		c, f, err := planTransition(u, o, mv, now, lk)
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := s.save(ctx, tx, u, now, c, false); err != nil {
			return err
		}
		out, err = getOrg(ctx, tx, id, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	maskFor(u, out)
	return out, nil
}
