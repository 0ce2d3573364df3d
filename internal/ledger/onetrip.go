package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
)

// postOneTrip records an income to an organization in custody on
// PostgreSQL in one round trip: one call of ledger_post_income (migration
// 040), outside any transaction, which reserves the idempotency key, locks
// and moves both accounts, advances both chains, writes the posting, its
// lines, the audit row and the stored answer. Everything the application
// knows it computes here: the posting's hash input after its id, the audit
// row's around its object id, the answer around the id and the hash. ok is
// false when the posting must go the long way (another engine, a caller's
// transaction, an attachment, the hub's own money, an account the lookup
// did not find, or one the function refused: closed, moved, or that would
// go below zero), with nothing written.
func (s *Service) postOneTrip(ctx context.Context, u *auth.User, c *custody, orgID int64, in IncomeInput, now time.Time,
	audited audit.Entry) (p *Posting, ok bool, err error) {
	if s.DB.Engine != db.Postgres || db.TxFrom(ctx) != nil || c.Own || c.CashID == 0 || c.FundsID == 0 {
		return nil, false, nil
	}
	p = &Posting{HubID: c.HubID, OrgID: orgID, Kind: PostIncome, Source: in.Source, Voucher: in.Voucher,
		Memo: in.Memo, OccurredOn: in.ReceivedOn, CreatedAt: now, CreatedBy: u.ID, Username: u.Username,
		Lines: []Line{{AccountID: c.CashID, Amount: in.Amount}, {AccountID: c.FundsID, Amount: -in.Amount}}}
	a, err := audit.Prepare(now, u.Actor(), audited)
	if err != nil {
		return nil, true, err
	}
	k := idem.From(ctx)
	var key idem.Key
	var head, mid, tail string
	if k != nil {
		key = *k
		if head, mid, tail, ok = answerParts(p); !ok {
			return nil, false, nil
		}
	}
	var outcome string
	var status int
	var body string
	err = s.DB.Write.QueryRowContext(ctx, `SELECT o_outcome, o_id, o_prev, o_hash, o_status, o_body FROM ledger_post_income(
		$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31)`,
		key.UserID, key.Key, key.Hash, key.Status, now.Add(-idem.TTL),
		now, p.HubID, p.OrgID, c.CashID, c.FundsID, int64(in.Amount),
		p.Kind, p.Source, p.Voucher, p.Memo, p.OccurredOn,
		p.CreatedBy, p.Username, p.hashTail(),
		u.Actor().UserID, u.Actor().Username, u.Actor().IP, audited.Action, audited.ObjectType, audited.ScopeCode,
		a.Detail, a.Mid, a.Tail,
		head, mid, tail).Scan(&outcome, &p.ID, &p.PrevHash, &p.Hash, &status, &body)
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == "LL001":
		return nil, false, nil
	case err != nil:
		return nil, true, fmt.Errorf("ledger: income in one round trip: %w", err)
	case outcome == "replay":
		return nil, true, &idem.Replay{Status: status, Body: []byte(body)}
	case outcome == "mismatch":
		return nil, true, errs.E(errs.Conflict, "err.idem_mismatch")
	}
	return p, true, nil
}

// answerParts splits the stored answer (the posting as idem.Marshal writes
// it) around its id and its hash, which the database fills in. Every string
// the user wrote is escaped, so `,"hash":""` can only be the hash's own key.
func answerParts(p *Posting) (head, mid, tail string, ok bool) {
	body, err := idem.Marshal(p) // ID 0 and Hash "" as yet
	if err != nil {
		return "", "", "", false
	}
	const idKey, hashKey = `{"id":0`, `,"hash":"`
	rest, found := bytes.CutPrefix(body, []byte(idKey))
	if !found {
		return "", "", "", false
	}
	before, after, found := bytes.Cut(rest, []byte(hashKey+`"`))
	if !found || bytes.Contains(after, []byte(hashKey)) {
		return "", "", "", false
	}
	return `{"id":`, string(before) + hashKey, `"` + string(after), true
}

// incomeEntry is the audit entry of an income posting (its object id, the
// posting's id, filled in when known).
func incomeEntry(c *custody, orgID int64, in IncomeInput, postingID int64) audit.Entry {
	return audit.Entry{Action: "ledger.income", ObjectType: "posting",
		ObjectID: strconv.FormatInt(postingID, 10), ScopeCode: c.Org.CommunityCode,
		Detail: map[string]any{"org_id": orgID, "hub_org_id": c.HubID, "amount_fen": in.Amount, "source": in.Source,
			"voucher": in.Voucher, "received_on": in.ReceivedOn}}
}
