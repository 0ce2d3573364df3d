package registry

import (
	"context"
	"database/sql"
	"time"

	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// Update saves a whole new set of editable fields (planUpdate decides):
// flags may be changed only by the roles they belong to; every changed
// field is audited, and status, tier, party organization and flag changes
// enter the dated history.
func (s *Service) Update(ctx context.Context, u *auth.User, id int64, in Input) (*Org, error) {
	in.normalize()
	target := func(old *Org) (string, bool, error) {
		if !visible(u, old) {
			return "", false, errs.Missing()
		}
		return in.CommunityCode, in.Hub, nil
	}
	return s.apply(ctx, u, id, in.CommunityCode, target, func(old *Org, now time.Time, lk lookups) (*change, errs.Fields, error) {
		return planUpdate(u, old, in, now, lk)
	})
}

// Transition moves an organization through its lifecycle today.
func (s *Service) Transition(ctx context.Context, u *auth.User, id int64, action, reason string) (*Org, error) {
	return s.Move(ctx, u, id, Move{Action: action, Reason: reason})
}

// Move moves an organization through its lifecycle (planTransition
// decides), recording who, why, when it took effect and when it was
// entered.
func (s *Service) Move(ctx context.Context, u *auth.User, id int64, mv Move) (*Org, error) {
	return s.apply(ctx, u, id, "", orgTarget, func(old *Org, now time.Time, lk lookups) (*change, errs.Fields, error) {
		return planTransition(u, old, mv, now, lk)
	})
}

// orgTarget keeps an organization's community and hub flag: the lookups of
// a change that moves neither.
func orgTarget(old *Org) (string, bool, error) { return old.CommunityCode, old.Hub, nil }

// apply makes one change to organization id, the one write path of Update,
// Move and SetHub: in a transaction it takes the change counters of the
// districts the change may touch (those the organization's timeline
// reaches and that of moveTo, a community it may move to, or ""), in code
// order, before the row (orgroll.LockOrgs), locks the row, lets target
// name the community and hub flag the change leads to (or refuse), reads
// their lookups, lets plan decide, saves what it decided (nothing: the
// organization stays as it is) and returns the organization masked for u.
// An organization moved by another writer while the counters were taken
// is tried again (orgroll.Retries), its new districts then held in order.
func (s *Service) apply(ctx context.Context, u *auth.User, id int64, moveTo string, target func(old *Org) (community string, hub bool, err error),
	plan func(old *Org, now time.Time, lk lookups) (*change, errs.Fields, error)) (*Org, error) {
	now := s.now()
	var out *Org
	err := s.moved.Run(ctx, func() error {
		return s.DB.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			out, err = s.applyIn(ctx, tx, u, id, moveTo, now, target, plan)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	maskFor(u, out)
	return out, nil
}

// applyIn is apply's transaction.
func (s *Service) applyIn(ctx context.Context, tx *sql.Tx, u *auth.User, id int64, moveTo string, now time.Time,
	target func(old *Org) (community string, hub bool, err error),
	plan func(old *Org, now time.Time, lk lookups) (*change, errs.Fields, error)) (*Org, error) {
	if _, err := orgroll.LockOrgs(ctx, tx, s.DB.Dialect, []int64{id}, moveTo); err != nil {
		return nil, err
	}
	old, err := getOrg(ctx, tx, id, s.DB.Dialect.ForUpdate())
	if err != nil {
		return nil, err
	}
	community, hub, err := target(old)
	if err != nil {
		return nil, err
	}
	lk, err := s.lookups(ctx, tx, old, community, hub)
	if err != nil {
		return nil, err
	}
	c, f, err := plan(old, now, lk)
	if err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if c == nil {
		return old, nil
	}
	if _, err := s.save(ctx, tx, u, now, c, false); err != nil {
		return nil, err
	}
	return getOrg(ctx, tx, id, "")
}
