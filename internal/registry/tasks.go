package registry

import (
	"context"
	"fmt"
	"strconv"

	"linli/internal/platform/auth"
)

// What the home board shows of the registry, counted by the registry's own
// rules so that the board holds no copy of them.

// PendingForDecision counts the filings awaiting the user's decision
// (decidesTier: every tier for the street and above, the community tier for
// a community committee) in their scope, with the organizations list's link
// that shows them; link "" for a user who decides none.
func (s *Service) PendingForDecision(ctx context.Context, u *auth.User) (n int, link string, err error) {
	tier, ok := decidesTier(u)
	if !ok {
		return 0, "", nil
	}
	p, err := s.List(ctx, u, Filter{Status: StatusPending, Tier: tier, PerPage: 1})
	if err != nil {
		return 0, "", fmt.Errorf("registry: pending filings: %w", err)
	}
	link = "/orgs?status=" + StatusPending
	if tier != "" {
		link += "&tier=" + tier
	}
	return p.Total, link, nil
}

// ReturnedToFiler counts a leader's own filing returned for changes (0 or
// 1), with the link to its page; link "" for a user who resubmits none
// (auth's LeadsAnOrg).
func (s *Service) ReturnedToFiler(ctx context.Context, u *auth.User) (n int, link string, err error) {
	if !u.LeadsAnOrg() {
		return 0, "", nil
	}
	o, err := s.Get(ctx, u, u.OrgID)
	if err != nil {
		return 0, "", fmt.Errorf("registry: own organization: %w", err)
	}
	link = "/orgs/" + strconv.FormatInt(o.ID, 10)
	if o.Status == StatusReturned {
		return 1, link, nil
	}
	return 0, link, nil
}
