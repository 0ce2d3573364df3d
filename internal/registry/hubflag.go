package registry

import (
	"context"
	"database/sql"
	"strings"

	"linli/internal/platform/auth"
)

// Lookup returns an organization without any viewer's scope or masking: for
// other capabilities that apply their own access rules, never to be shown
// as it is.
func (s *Service) Lookup(ctx context.Context, id int64) (*Org, error) {
	return getOrg(ctx, s.DB.Read, id, "")
}

// SetHub designates an active organization as a hub of its street, or ends
// the designation, with a reason in the dated history (planHub decides:
// only the street and the officers above it, in their subtree; a hub that
// serves organizations stays one until they are released, counted in the
// transaction that would clear the flag).
func (s *Service) SetHub(ctx context.Context, u *auth.User, id int64, on bool, reason string) (*Org, error) {
	reason = strings.TrimSpace(reason)
	now := s.now()
	var out *Org
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		o, err := getOrg(ctx, tx, id, s.DB.Dialect.ForUpdate())
		if err != nil {
			return err
		}
		lk, err := s.lookups(ctx, tx, o, o.CommunityCode, on)
		if err != nil {
			return err
		}
		c, f, err := planHub(u, o, on, reason, now, lk)
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if c == nil {
			out = o
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
