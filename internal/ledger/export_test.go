package ledger

import (
	"context"

	"linli/internal/platform/auth"
)

// HashPosting exposes the chain hash to the tests' bulk loader.
func HashPosting(p *Posting) string { return p.hash() }

// IncomeAfter records income as the API does, with the custody looked up
// first and between run after the lookup: a change in between (the account
// closed) must still be refused inside the posting's transaction.
func (s *Service) IncomeAfter(ctx context.Context, u *auth.User, orgID int64, in IncomeInput, between func()) (*Posting, error) {
	c, err := s.custodyOf(ctx, s.DB.Read, orgID)
	if err != nil {
		return nil, err
	}
	between()
	return s.recordIncome(ctx, u, c, orgID, in, nil)
}
