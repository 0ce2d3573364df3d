package ledger

import (
	"context"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// Overview is an organization's custody page: its statement, where its
// money is held now, what the viewer may do, and its expenses.
type Overview struct {
	Statement  *Statement
	HubID      int64
	HubName    string
	Current    bool // a hub holds its money now
	Own        bool // the hub's own money
	CanRecord  bool
	CanSubmit  bool
	CanReverse bool
	Expenses   []*Expense
}

// Overview gathers an organization's custody page for the viewer.
func (s *Service) Overview(ctx context.Context, u *auth.User, orgID int64, per Period) (*Overview, error) {
	st, err := s.OrgStatement(ctx, u, orgID, per)
	if err != nil {
		return nil, err
	}
	ov := &Overview{Statement: st, Own: st.Own}
	c, err := s.custodyOf(ctx, s.DB.Read, orgID)
	switch {
	case errs.Is(err, errs.NotFound):
	case err != nil:
		return nil, err
	default:
		if canView(u, c.Org, c.HubID) {
			ov.Current, ov.HubID, ov.Own = true, c.HubID, c.Own
			ov.CanRecord = canRecord(u, c.HubID)
			ov.CanSubmit = canSubmit(u, c)
		}
	}
	if ov.HubID == 0 && len(st.HubIDs) > 0 {
		ov.HubID = st.HubIDs[len(st.HubIDs)-1]
	}
	if ov.HubID != 0 {
		if h, err := s.Orgs.Lookup(ctx, ov.HubID); err == nil {
			ov.HubName = h.Name
		}
		ov.CanReverse = canRecord(u, ov.HubID)
	}
	ov.Expenses, err = s.expenses(ctx, ExpenseFilter{OrgID: orgID, HubID: hubFilter(u), Limit: 100})
	return ov, err
}

// HubExpenses lists a hub's expenses (pending first on its page) for its
// staff and for the officers and auditors over it.
func (s *Service) HubExpenses(ctx context.Context, u *auth.User, hubID int64, status string) ([]*Expense, error) {
	_, err := s.hubBooks(ctx, u, hubID)
	if err != nil {
		return nil, err
	}
	return s.expenses(ctx, ExpenseFilter{HubID: hubID, Status: status})
}

// OrgExpenses lists an organization's expenses for whoever may see its account.
func (s *Service) OrgExpenses(ctx context.Context, u *auth.User, orgID int64, status string) ([]*Expense, error) {
	if _, _, err := s.visibleAccounts(ctx, u, orgID); err != nil {
		return nil, err
	}
	return s.expenses(ctx, ExpenseFilter{OrgID: orgID, HubID: hubFilter(u), Status: status})
}

// Reachable answers not found unless the organization's money is in custody
// now and the viewer may see it: handlers ask before reading a request body,
// so a foreign organization answers exactly like a missing one.
func (s *Service) Reachable(ctx context.Context, u *auth.User, orgID int64) error {
	_, err := s.reachable(ctx, u, orgID)
	return err
}

// reachable is Reachable returning the custody it found.
func (s *Service) reachable(ctx context.Context, u *auth.User, orgID int64) (*custody, error) {
	c, err := s.custodyOf(ctx, s.DB.Read, orgID)
	return errs.Seen(c, err, func(c *custody) bool { return canView(u, c.Org, c.HubID) })
}
