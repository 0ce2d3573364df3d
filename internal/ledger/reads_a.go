package ledger

import (
	"context"
	"strconv"

	"linli/internal/platform/db"
)

// Held is a named read for the other rooms (issue 10): the organizations
// whose money a hub holds in an open custody account, the hub itself
// aside, in id order, at most limit (0: all). It reads in the transaction
// ctx carries, if any; the caller applies its own rules.
func (s *Service) Held(ctx context.Context, hubID int64, limit int) ([]int64, error) {
	lim := ""
	if limit > 0 {
		lim = " LIMIT " + strconv.Itoa(limit)
	}
	return db.ListColumn[int64](ctx, s.DB.Q(ctx), "ledger: held", `SELECT org_id FROM ledger_accounts WHERE hub_org_id = $1 AND kind = $2
		AND status = 'open' AND org_id <> $1 ORDER BY org_id`+lim, hubID, KindFunds)
}
