package registry

import (
	"context"
	"strings"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
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
	target := func(old *Org) (string, bool, error) { return old.CommunityCode, on, nil }
	return s.apply(ctx, u, id, "", target, func(old *Org, now time.Time, lk lookups) (*change, errs.Fields, error) {
		return planHub(u, old, on, reason, now, lk)
	})
}
