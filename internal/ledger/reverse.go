package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
)

// Reverse corrects a mistaken posting: a new posting with every line negated,
// pointing to the one it reverses. A posting is reversed at most once, a
// reversal is never reversed, and no account may go below zero (income that
// has been spent cannot be reversed). A reversed expense is marked so.
func (s *Service) Reverse(ctx context.Context, u *auth.User, postingID int64, reason string) (*Posting, error) {
	reason = strings.TrimSpace(reason)
	orig, err := getPosting(ctx, s.DB.Read, postingID)
	if err != nil {
		return nil, err
	}
	o, err := s.viewedOrg(ctx, u, orig.OrgID, orig.HubID)
	if err != nil {
		return nil, err
	}
	if !canRecord(u, orig.HubID) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	f := errs.Fields{}
	checkReason(reason, 200, f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if orig.Kind == PostReversal {
		return nil, errs.E(errs.Conflict, "err.reverse_reversal")
	}
	now := s.now()
	return idem.Do(ctx, s.DB, now, func(tx *sql.Tx) (*Posting, error) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM postings WHERE reverses_id = $1`, postingID).Scan(&n); err != nil {
			return nil, fmt.Errorf("ledger: reversed?: %w", err)
		}
		if n > 0 {
			return nil, errs.E(errs.Conflict, "err.already_reversed")
		}
		p := &Posting{HubID: orig.HubID, OrgID: orig.OrgID, Kind: PostReversal, Source: orig.Source, Voucher: orig.Voucher,
			Memo: reason, OccurredOn: Today(now), ReversesID: orig.ID, ExpenseID: orig.ExpenseID}
		for _, l := range orig.Lines {
			p.Lines = append(p.Lines, Line{AccountID: l.AccountID, Amount: -l.Amount})
		}
		if err := s.post(ctx, tx, u, now, p); err != nil {
			return nil, err
		}
		if orig.ExpenseID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE expenses SET status = $1, updated_at = $2 WHERE id = $3`,
				ExpenseReversed, now, orig.ExpenseID); err != nil {
				return nil, fmt.Errorf("ledger: mark expense reversed: %w", err)
			}
		}
		return p, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "ledger.reverse", ObjectType: "posting",
			ObjectID: strconv.FormatInt(p.ID, 10), ScopeCode: o.CommunityCode,
			Detail: map[string]any{"reverses_id": orig.ID, "org_id": orig.OrgID, "hub_org_id": orig.HubID, "reason": reason}})
	})
}

// Posting returns a posting the viewer may see, with its lines.
func (s *Service) Posting(ctx context.Context, u *auth.User, id int64) (*Posting, error) {
	p, err := getPosting(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.viewedOrg(ctx, u, p.OrgID, p.HubID); err != nil {
		return nil, err
	}
	return p, nil
}
