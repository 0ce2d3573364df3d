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

// errLongWay says that a posting at the user's own hub found something it
// does not decide (no such account there, closed, the hub's own money, no
// such organization, a refusal): nothing is written and the posting goes
// the long way, where the ledger's own rules answer.
var errLongWay = errors.New("ledger: the posting goes the long way")

// incomeAtOwnHub records an income by hub staff at their own hub, the only
// hub where they may record (canRecord), without reading the organization
// and its custody first: the posting's own transaction finds the accounts
// at that hub and the organization's place. On PostgreSQL that is one call
// of ledger_post_income_at (migration 061, which completes what only the
// database knows), a transaction of its own: one round trip. ok is false, with nothing written, when the posting must go the
// long way: another user, the hub's own money, a caller's transaction, an
// attachment, an input the long way refuses (so that its refusals keep
// their order), or anything errLongWay names.
func (s *Service) incomeAtOwnHub(ctx context.Context, u *auth.User, orgID int64, in IncomeInput, att *Upload) (*Posting, bool, error) {
	if u == nil || !canRecord(u, u.OrgID) || orgID == u.OrgID || db.TxFrom(ctx) != nil || (att != nil && len(att.Data) > 0) {
		return nil, false, nil
	}
	now := s.now()
	if in.validate(now).Err() != nil {
		return nil, false, nil
	}
	c := &custody{HubID: u.OrgID} // Org nil: the posting finds the organization
	var p *Posting
	var err error
	if s.DB.Engine == db.Postgres {
		p, err = s.postOneTrip(ctx, u, c, orgID, in, now)
	} else {
		p, err = s.postIncome(ctx, u, c, orgID, in, nil, nil)
	}
	if errors.Is(err, errLongWay) {
		return nil, false, nil
	}
	return p, true, err
}

// postOneTrip is incomeAtOwnHub on PostgreSQL: one call of
// ledger_post_income_at (migration 061), which reserves the idempotency
// key, finds, locks, checks and moves both accounts and reads the
// organization's place (one statement), advances both chains (one
// statement each), writes the posting, its lines, the audit row and the
// stored answer. Everything the application knows it computes here: the posting's
// hash input but its id and lines, the audit row's but its object id, place
// and detail, the answer as a template.
func (s *Service) postOneTrip(ctx context.Context, u *auth.User, c *custody, orgID int64, in IncomeInput, now time.Time) (*Posting, error) {
	p := &Posting{HubID: c.HubID, OrgID: orgID, Kind: PostIncome, Source: in.Source, Voucher: in.Voucher,
		Memo: in.Memo, OccurredOn: in.ReceivedOn, CreatedAt: now, CreatedBy: u.ID, Username: u.Username,
		Lines: []Line{{Amount: in.Amount}, {Amount: -in.Amount}}}
	audited := incomeEntry(c, orgID, in, 0)
	a, err := audit.Prepare(now, u.Actor(), audited)
	if err != nil {
		return nil, err
	}
	var key idem.Key
	var answer string
	if k := idem.From(ctx); k != nil {
		key = *k
		var ok bool
		if answer, ok = answerTemplate(p); !ok {
			return nil, errLongWay
		}
	}
	var outcome string
	var status int
	var body string
	err = s.DB.Write.QueryRowContext(ctx, `SELECT o_outcome, o_id, o_prev, o_hash, o_cash, o_funds, o_status, o_body
		FROM ledger_post_income_at($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		$21, $22, $23, $24, $25)`,
		key.UserID, key.Key, key.Hash, key.Status, now.Add(-idem.TTL),
		now, p.HubID, p.OrgID, int64(in.Amount),
		p.Kind, p.Source, p.Voucher, p.Memo, p.OccurredOn,
		p.CreatedBy, p.Username, p.hashFields(),
		u.Actor().UserID, u.Actor().Username, u.Actor().IP, audited.Action, audited.ObjectType,
		a.Detail, a.Mid, answer).Scan(&outcome, &p.ID, &p.PrevHash, &p.Hash, &p.Lines[0].AccountID, &p.Lines[1].AccountID,
		&status, &body)
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == "LL001":
		return nil, errLongWay
	case err != nil:
		return nil, fmt.Errorf("ledger: income in one round trip: %w", err)
	case outcome == "replay":
		return nil, &idem.Replay{Status: status, Body: []byte(body)}
	case outcome == "mismatch":
		return nil, errs.E(errs.Conflict, "err.idem_mismatch")
	}
	return p, nil
}

// answerTemplate is the stored answer (the posting as idem.Marshal writes
// it, its id, accounts and hash not yet known) as a format() template for
// ledger_post_income_at: %1$s the id, %2$s and %3$s the two lines'
// accounts, %4$s the hash, every other % doubled. Every string the user
// wrote is escaped, so a quoted key can only be the key itself.
func answerTemplate(p *Posting) (string, bool) {
	body, err := idem.Marshal(p) // ID 0, accounts 0 and Hash "" as yet
	if err != nil {
		return "", false
	}
	body = bytes.ReplaceAll(body, []byte("%"), []byte("%%"))
	const idKey, hashKey, acctKey = `{"id":0,`, `,"hash":"",`, `"account_id":0,`
	if !bytes.HasPrefix(body, []byte(idKey)) || bytes.Count(body, []byte(hashKey)) != 1 ||
		bytes.Count(body, []byte(acctKey)) != len(p.Lines) || len(p.Lines) != 2 {
		return "", false
	}
	body = bytes.Replace(body, []byte(idKey), []byte(`{"id":%1$s,`), 1)
	body = bytes.Replace(body, []byte(hashKey), []byte(`,"hash":"%4$s",`), 1)
	body = bytes.Replace(body, []byte(acctKey), []byte(`"account_id":%2$s,`), 1)
	body = bytes.Replace(body, []byte(acctKey), []byte(`"account_id":%3$s,`), 1)
	return string(body), true
}

// incomeEntry is the audit entry of an income posting (its object id, the
// posting's id, filled in when known).
func incomeEntry(c *custody, orgID int64, in IncomeInput, postingID int64) audit.Entry {
	scope := ""
	if c.Org != nil {
		scope = c.Org.CommunityCode
	}
	return audit.Entry{Action: "ledger.income", ObjectType: "posting",
		ObjectID: strconv.FormatInt(postingID, 10), ScopeCode: scope,
		Detail: map[string]any{"org_id": orgID, "hub_org_id": c.HubID, "amount_fen": in.Amount, "source": in.Source,
			"voucher": in.Voucher, "received_on": in.ReceivedOn}}
}
