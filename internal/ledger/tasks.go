package ledger

import (
	"context"
	"fmt"
	"strconv"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// What the home board shows of the custody ledger, counted by the ledger's
// own rules so that the board holds no copy of them.

// ExpensesAwaiting counts the expenses submitted at the user's hub that the
// user decides (decidesAtHub, then canDecide on each), with the hub's page;
// link "" for a user who decides none.
func (s *Service) ExpensesAwaiting(ctx context.Context, u *auth.User) (n int, link string, err error) {
	if !decidesAtHub(u) {
		return 0, "", nil
	}
	es, err := s.HubExpenses(ctx, u, u.OrgID, ExpensePending)
	if err != nil {
		return 0, "", fmt.Errorf("ledger: hub expenses: %w", err)
	}
	for _, e := range es {
		if canDecide(u, e) {
			n++
		}
	}
	return n, "/hubs/" + strconv.FormatInt(u.OrgID, 10), nil
}

// ExpensesReturned counts a leader's organization's expenses returned for
// changes (auth's LeadsAnOrg), with its custody page; none for an organization
// whose money is not in custody, link "" for a user who resubmits none.
func (s *Service) ExpensesReturned(ctx context.Context, u *auth.User) (n int, link string, err error) {
	if !u.LeadsAnOrg() {
		return 0, "", nil
	}
	link = "/custody/" + strconv.FormatInt(u.OrgID, 10)
	es, err := s.OrgExpenses(ctx, u, u.OrgID, ExpenseReturned)
	if errs.Is(err, errs.NotFound) {
		return 0, link, nil // no custody account: none
	}
	if err != nil {
		return 0, "", fmt.Errorf("ledger: returned expenses: %w", err)
	}
	return len(es), link, nil
}
