package ledger

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"linli/internal/effective"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
	"linli/internal/registry"
)

// IncomeInput is money received for an organization (or for the hub itself).
type IncomeInput struct {
	Amount     Fen    `json:"amount_fen"`
	Source     string `json:"source"`
	Voucher    string `json:"voucher"`
	ReceivedOn string `json:"received_on"`
	Memo       string `json:"memo,omitempty"`
}

func (in *IncomeInput) validate(now time.Time) errs.Fields {
	in.Source, in.Voucher, in.ReceivedOn, in.Memo = strings.TrimSpace(in.Source), strings.TrimSpace(in.Voucher),
		strings.TrimSpace(in.ReceivedOn), strings.TrimSpace(in.Memo)
	f := errs.Fields{}
	checkAmount(in.Amount, "amount_fen", f)
	f.OneOf("source", in.Source, Sources, "err.choose_one")
	f.Length("voucher", in.Voucher, 1, 64)
	f.Length("memo", in.Memo, 0, 200)
	checkPastDate(in.ReceivedOn, "received_on", now, f)
	return f
}

func checkAmount(a Fen, field string, f errs.Fields) {
	switch {
	case a <= 0:
		f.Add(field, "err.amount_positive")
	case a > MaxAmount:
		f.Add(field, "err.amount_too_large", MaxAmount.String())
	}
}

func checkReason(reason string, maxLen int, f errs.Fields) {
	if reason == "" {
		f.Add("reason", "err.reason_required")
	}
	f.Length("reason", reason, 0, maxLen)
}

// checkPastDate accepts a date from 2000 up to today (China time).
func checkPastDate(s, field string, now time.Time, f errs.Fields) {
	switch {
	case s == "":
		f.Add(field, "err.required")
	case !effective.Day(f, field, s, Today(now), "err.date_format", "err.date_future"):
	case s < "2000-01-01":
		f.Add(field, "err.date_too_early")
	}
}

// RecordIncome records money received for an organization in custody (or
// for a hub's own funds): cash at the hub up, the organization's account up.
func (s *Service) RecordIncome(ctx context.Context, u *auth.User, orgID int64, in IncomeInput, att *Upload) (*Posting, error) {
	if p, ok, err := s.incomeAtOwnHub(ctx, u, orgID, in, att); ok {
		return p, err
	}
	c, err := s.custodyOf(ctx, s.DB.Read, orgID)
	if err != nil {
		return nil, err
	}
	return s.recordIncome(ctx, u, c, orgID, in, att)
}

// recordIncome is RecordIncome for a custody already looked up (by
// reachable, which the API handler calls before reading the body).
func (s *Service) recordIncome(ctx context.Context, u *auth.User, c *custody, orgID int64, in IncomeInput, att *Upload) (*Posting, error) {
	if !canView(u, c.Org, c.HubID) {
		return nil, errs.Missing()
	}
	if !canRecord(u, c.HubID) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	return s.postIncome(ctx, u, c, orgID, in, att, nil)
}

// postIncome validates and posts an income for a custody the caller may
// record in; then, when given, runs in the same transaction after the
// posting and its result is the stored idempotent response. A custody
// without its organization (c.Org nil) is the user's own hub, as
// incomeAtOwnHub assumes it: the transaction finds the accounts there and
// the organization's place, or fails with errLongWay, nothing written.
func (s *Service) postIncome(ctx context.Context, u *auth.User, c *custody, orgID int64, in IncomeInput, att *Upload,
	then func(tx *sql.Tx, p *Posting) (any, error)) (*Posting, error) {
	now := s.now()
	f := in.validate(now)
	ct := ""
	if att != nil && len(att.Data) > 0 {
		ct = s.checkUpload(att, "attachment", f)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	assumed := c.Org == nil
	var out *Posting
	err := idem.Tx(ctx, s.DB, now, func(tx *sql.Tx) (any, error) {
		var applied []*Account // the posting's accounts, locked and already moved
		var cash, credit int64
		var err error
		if !c.Own {
			applied, cash, credit, err = s.creditCustody(ctx, tx, c.HubID, orgID, in.Amount)
			if err != nil {
				return nil, err
			}
			if assumed {
				if applied == nil {
					return nil, errLongWay
				}
				if c.Org, err = s.placeOf(db.WithTx(ctx, tx), orgID); err != nil {
					return nil, err
				}
			}
		}
		if cash == 0 {
			if cash, err = ensureAccount(ctx, tx, now, c.HubID, c.HubID, KindCash, ""); err != nil {
				return nil, err
			}
		}
		if c.Own {
			credit, err = ensureAccount(ctx, tx, now, c.HubID, c.HubID, KindOwnIncome, in.Source)
		} else if credit == 0 {
			credit, err = fundsAccount(ctx, tx, c.HubID, orgID)
		}
		if err != nil {
			return nil, err
		}
		p := &Posting{HubID: c.HubID, OrgID: orgID, Kind: PostIncome, Source: in.Source, Voucher: in.Voucher,
			Memo: in.Memo, OccurredOn: in.ReceivedOn,
			Lines: []Line{{AccountID: cash, Amount: in.Amount}, {AccountID: credit, Amount: -in.Amount}}}
		if ct != "" {
			if p.AttachmentID, err = storeReceipt(ctx, tx, u, now, c.HubID, orgID, ct, att); err != nil {
				return nil, err
			}
		}
		if err := s.postLocked(ctx, tx, u, now, p, applied); err != nil {
			if _, refused := errs.As(err); refused && assumed {
				return nil, errLongWay
			}
			return nil, err
		}
		out = p
		if err := audit.Record(ctx, tx, now, u.Actor(), incomeEntry(c, orgID, in, p.ID)); err != nil {
			return nil, err
		}
		if then != nil {
			return then(tx, p)
		}
		return p, nil
	})
	return out, err
}

// creditCustody is the first statement of an income posting to an
// organization in custody: it locks the hub's cash account and the
// organization's funds account at the hub, in id order (FOR UPDATE on
// PostgreSQL; SQLite's writer is already exclusive), and moves both
// balances by the amount, returning the two accounts as they were before
// (Raw) for post's checks, which refuse the posting (and so roll the change
// back) exactly as before. One statement instead of a lookup per account,
// a lock and a balance update; the IN lists let the accounts' key find the
// two exactly instead of every account at the hub. When one is missing the
// change is undone here and nil is returned with the ids found: the caller
// then goes the long way (opening the cash account if needed).
func (s *Service) creditCustody(ctx context.Context, tx *sql.Tx, hubID, orgID int64, amount Fen) ([]*Account, int64, int64, error) {
	rows, err := tx.QueryContext(ctx, `UPDATE ledger_accounts
		SET balance_fen = balance_fen + CASE WHEN kind = $2 THEN CAST($5 AS BIGINT) ELSE CAST($6 AS BIGINT) END
		WHERE id IN (SELECT id FROM ledger_accounts
			WHERE hub_org_id = $1 AND org_id IN ($1, $3) AND kind IN ($2, $4) AND source = ''
				AND ((org_id = $1 AND kind = $2) OR (org_id = $3 AND kind = $4))
			ORDER BY id`+s.DB.Dialect.ForUpdate()+`)
		RETURNING `+accountColumns, hubID, KindCash, orgID, KindFunds, int64(amount), -int64(amount))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("ledger: credit custody: %w", err)
	}
	defer rows.Close()
	var out []*Account
	var cash, funds int64
	delta := map[int64]int64{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, 0, 0, err
		}
		d := -int64(amount)
		if a.Kind == KindCash {
			d = int64(amount)
		}
		a.Raw -= d
		a.Balance = Fen(natural(a.Kind, a.Raw))
		delta[a.ID] = d
		out = append(out, a)
		switch {
		case a.OrgID == hubID && a.Kind == KindCash:
			cash = a.ID
		case a.OrgID == orgID && a.Kind == KindFunds:
			funds = a.ID
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, 0, err
	}
	rows.Close()
	if cash != 0 && funds != 0 && len(out) == 2 {
		slices.SortFunc(out, func(a, b *Account) int { return cmp.Compare(a.ID, b.ID) })
		return out, cash, funds, nil
	}
	if len(out) > 0 { // undo: the posting goes the long way
		ids := make([]int64, 0, len(out))
		for _, a := range out {
			ids = append(ids, a.ID)
			delta[a.ID] = -delta[a.ID]
		}
		slices.Sort(ids)
		if err := updateBalances(ctx, tx, ids, delta); err != nil {
			return nil, 0, 0, err
		}
	}
	return nil, cash, funds, nil
}

// fundsAccount is the organization's account at the hub; it must be open.
func fundsAccount(ctx context.Context, tx *sql.Tx, hubID, orgID int64) (int64, error) {
	a, err := account(ctx, tx, hubID, orgID, KindFunds, "")
	if err != nil {
		return 0, err
	}
	if a == nil {
		return 0, errs.E(errs.Conflict, "err.not_in_custody")
	}
	return a.ID, nil
}

// placeOf is the organization as an audit row needs it (its id and
// community), read through the registry in the transaction ctx carries;
// errLongWay when there is none.
func (s *Service) placeOf(ctx context.Context, orgID int64) (*registry.Org, error) {
	lines, err := s.Orgs.OrgLines(ctx, []int64{orgID})
	if err != nil {
		return nil, err
	}
	if len(lines) != 1 {
		return nil, errLongWay
	}
	return &registry.Org{ID: orgID, CommunityCode: lines[0].Community}, nil
}
