package ledger

import (
	"context"
	"database/sql"
	"fmt"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// RecordGrant posts a tranche of a grant as income into the custody account
// of an organization at its hub. The funding room has already decided that
// the caller may pay it (the officer who manages the call); the ledger
// checks only that the caller sees the organization and may write. then
// runs in the same transaction after the posting (the funding room's own
// record), and its result is what an Idempotency-Key replays.
func (s *Service) RecordGrant(ctx context.Context, u *auth.User, orgID int64, in IncomeInput,
	then func(tx *sql.Tx, p *Posting) (any, error)) (*Posting, error) {
	c, err := s.custodyOf(ctx, s.DB.Read, orgID)
	if err != nil {
		return nil, err
	}
	if !canView(u, c.Org, c.HubID) {
		return nil, errs.Missing()
	}
	if !canGrant(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	return s.postIncome(ctx, u, c, orgID, in, nil, then)
}

// HubOf returns the hub holding an organization's money in custody (its
// open funds account), or 0 when none does.
func (s *Service) HubOf(ctx context.Context, orgID int64) (int64, error) {
	var hub int64
	err := s.DB.Read.QueryRowContext(ctx, `SELECT hub_org_id FROM ledger_accounts WHERE org_id = $1 AND kind = $2 AND status = 'open'`,
		orgID, KindFunds).Scan(&hub)
	return hub, db.Optional(err, "ledger: hub of")
}

// ProjectSpent sums the paid expenses tagged with a project, by budget line.
func (s *Service) ProjectSpent(ctx context.Context, projectID int64) (map[string]Fen, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT budget_line, SUM(amount_fen) FROM expenses
		WHERE project_id = $1 AND status = $2 GROUP BY budget_line`, projectID, ExpensePaid)
	if err != nil {
		return nil, fmt.Errorf("ledger: project spent: %w", err)
	}
	out := map[string]Fen{}
	if err := db.EachPair(rows, func(line string, n int64) { out[line] = Fen(n) }); err != nil {
		return nil, err
	}
	return out, nil
}

// HubsOf is HubOf for many organizations at once: the hub holding each
// one's money, for those that have one.
func (s *Service) HubsOf(ctx context.Context, orgIDs []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(orgIDs))
	for start := 0; start < len(orgIDs); start += 500 {
		chunk := orgIDs[start:min(start+500, len(orgIDs))]
		in, args := db.InList(chunk, []any{KindFunds})
		rows, err := s.DB.Read.QueryContext(ctx, `SELECT org_id, hub_org_id FROM ledger_accounts
			WHERE kind = $1 AND status = 'open' AND org_id IN `+in, args...)
		if err != nil {
			return nil, fmt.Errorf("ledger: hubs of: %w", err)
		}
		if err := db.Pairs(rows, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}
