package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// hash is the posting's place in the chain: its content, its lines and the
// hash before it.
func (p *Posting) hash() string {
	b := make([]byte, 0, 512)
	b = audit.AppendField(b, p.PrevHash)
	b = audit.AppendField(b, strconv.FormatInt(p.ID, 10))
	b = p.appendFields(b)
	b = p.appendLines(b)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// hashFields is the hash input after the previous hash and the id (which
// only the chain's head knows), before the lines: every other field, each
// as its length, a colon, the field and a newline (audit.AppendField).
func (p *Posting) hashFields() []byte { return p.appendFields(make([]byte, 0, 256)) }

func (p *Posting) appendFields(b []byte) []byte {
	for _, s := range [...]string{
		strconv.FormatInt(p.HubID, 10), strconv.FormatInt(p.OrgID, 10),
		p.Kind, p.Source, p.Voucher, p.Memo, p.Payee, p.OccurredOn, strconv.FormatInt(p.ReversesID, 10),
		strconv.FormatInt(p.ExpenseID, 10), strconv.FormatInt(p.AttachmentID, 10),
		p.CreatedAt.UTC().Format(time.RFC3339Nano), strconv.FormatInt(p.CreatedBy, 10), p.Username,
	} {
		b = audit.AppendField(b, s)
	}
	return b
}

// appendLines is the end of the hash input: each line as account=amount
// and a newline, in order (ledger_post_income_at writes its two the same
// way).
func (p *Posting) appendLines(b []byte) []byte {
	for _, l := range p.Lines {
		b = strconv.AppendInt(b, l.AccountID, 10)
		b = append(b, '=')
		b = strconv.AppendInt(b, int64(l.Amount), 10)
		b = append(b, '\n')
	}
	return b
}

// post appends a posting inside tx. It locks the accounts in id order
// (FOR UPDATE on PostgreSQL; SQLite's writer is already exclusive), refuses
// any line that would take an account below zero, advances the hash chain,
// and keeps every account's balance column equal to the sum of its lines.
func (s *Service) post(ctx context.Context, tx *sql.Tx, u *auth.User, now time.Time, p *Posting) error {
	return s.postLocked(ctx, tx, u, now, p, nil)
}

// postLocked is post for a caller that has already locked the posting's
// accounts in this transaction and moved their balances by the posting's
// lines (applied: the accounts as they were before, in id order); nil means
// post locks them and moves the balances itself. The same checks run on
// them either way, and a refused posting rolls the transaction back.
func (s *Service) postLocked(ctx context.Context, tx *sql.Tx, u *auth.User, now time.Time, p *Posting, applied []*Account) error {
	var sum Fen
	for _, l := range p.Lines {
		if l.Amount == 0 {
			return errors.New("ledger: zero line")
		}
		sum += l.Amount
	}
	if sum != 0 || len(p.Lines) < 2 {
		return fmt.Errorf("ledger: unbalanced posting (%d lines, sum %d)", len(p.Lines), sum)
	}
	ids := make([]int64, 0, len(p.Lines))
	delta := map[int64]int64{}
	for _, l := range p.Lines {
		if _, ok := delta[l.AccountID]; !ok {
			ids = append(ids, l.AccountID)
		}
		delta[l.AccountID] += int64(l.Amount)
	}
	slices.Sort(ids)
	var ownTouched bool
	var err error
	if applied == nil {
		ownTouched, err = s.lockAccounts(ctx, tx, p.HubID, ids, delta)
	} else {
		ownTouched, err = checkLocked(applied, p.HubID, ids, delta)
	}
	if err != nil {
		return err
	}
	if ownTouched {
		if err := s.checkOwnFunds(ctx, tx, p.HubID, delta); err != nil {
			return err
		}
	}
	p.CreatedAt, p.CreatedBy, p.Username = now, u.ID, u.Username
	// the head's id is an argument so that SQLite's statement cache keeps
	// the statement (statements without arguments are compiled every time)
	if err := tx.QueryRowContext(ctx, `UPDATE ledger_head SET seq = seq + 1 WHERE id = $1 RETURNING seq, last_hash`, 1).
		Scan(&p.ID, &p.PrevHash); err != nil {
		return fmt.Errorf("ledger: advance head: %w", err)
	}
	p.Hash = p.hash()
	if _, err := tx.ExecContext(ctx, `INSERT INTO postings (id, hub_org_id, org_id, kind, source, voucher, memo, payee,
		occurred_on, reverses_id, expense_id, attachment_id, created_at, created_by, username, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		p.ID, p.HubID, p.OrgID, p.Kind, p.Source, p.Voucher, p.Memo, p.Payee, p.OccurredOn, db.NullID(p.ReversesID),
		db.NullID(p.ExpenseID), db.NullID(p.AttachmentID), p.CreatedAt, db.NullID(p.CreatedBy), p.Username, p.PrevHash, p.Hash); err != nil {
		if s.DB.Dialect.IsUniqueViolation(err) && p.ReversesID != 0 {
			return errs.E(errs.Conflict, "err.already_reversed")
		}
		return fmt.Errorf("ledger: insert posting: %w", err)
	}
	if err := insertLines(ctx, tx, s.DB.Engine, p); err != nil {
		return err
	}
	// the posting's insert has set ledger_head.last_hash (trigger postings_head)
	if applied != nil {
		return nil
	}
	return updateBalances(ctx, tx, ids, delta)
}

// lockAccounts locks the accounts in id order in one statement (FOR UPDATE
// on PostgreSQL) and refuses a posting that would take one below zero. It
// reports whether the hub's own money is touched.
func (s *Service) lockAccounts(ctx context.Context, tx *sql.Tx, hubID int64, ids []int64, delta map[int64]int64) (bool, error) {
	in, args := db.InList(ids, nil)
	accts, err := db.ListPtrs(ctx, tx, "ledger: lock accounts", scanAccount, `SELECT `+accountColumns+` FROM ledger_accounts WHERE id IN `+in+
		` ORDER BY id`+s.DB.Dialect.ForUpdate(), args...)
	if err != nil {
		return false, err
	}
	return checkLocked(accts, hubID, ids, delta)
}

// checkAccounts checks a posting's locked accounts (in id order): exactly
// the accounts of its lines, all at the hub, open, none taken below zero.
// It reports whether the hub's own money is touched.
func checkLocked(accts []*Account, hubID int64, ids []int64, delta map[int64]int64) (bool, error) {
	own := false
	for _, a := range accts {
		if _, ok := delta[a.ID]; !ok {
			return false, fmt.Errorf("ledger: account %d is not one of the posting's", a.ID)
		}
		if a.HubID != hubID {
			return false, fmt.Errorf("ledger: account %d is not at hub %d", a.ID, hubID)
		}
		if a.Status != "open" {
			return false, errs.E(errs.Conflict, "err.account_closed")
		}
		if natural(a.Kind, a.Raw+delta[a.ID]) < 0 {
			return false, errs.E(errs.Conflict, "err.insufficient_funds", Fen(natural(a.Kind, a.Raw)).String())
		}
		own = own || a.Kind == KindOwnExpense || a.Kind == KindOwnIncome
	}
	if len(accts) != len(ids) {
		return false, fmt.Errorf("ledger: %d of %d accounts found", len(accts), len(ids))
	}
	return own, nil
}

// insertLines writes a posting's lines in one statement, in order. On
// SQLite the lines are keyed by (posting_id, id) in a clustered table
// (migration 054) and id is the line's place in its posting, written here;
// on PostgreSQL id comes from the sequence, in the same order.
func insertLines(ctx context.Context, tx *sql.Tx, engine string, p *Posting) error {
	var b strings.Builder
	numbered := engine == db.SQLite
	cols := 3
	b.WriteString(`INSERT INTO posting_lines (posting_id, account_id, amount_fen`)
	if numbered {
		cols = 4
		b.WriteString(`, id`)
	}
	b.WriteString(`) VALUES `)
	args := make([]any, 0, cols*len(p.Lines))
	for i, l := range p.Lines {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "($%d, $%d, $%d", cols*i+1, cols*i+2, cols*i+3)
		args = append(args, p.ID, l.AccountID, int64(l.Amount))
		if numbered {
			fmt.Fprintf(&b, ", $%d", cols*i+4)
			args = append(args, i+1)
		}
		b.WriteString(")")
	}
	if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("ledger: insert lines: %w", err)
	}
	return nil
}

// updateBalances keeps each account's balance equal to the sum of its lines.
func updateBalances(ctx context.Context, tx *sql.Tx, ids []int64, delta map[int64]int64) error {
	var b strings.Builder
	args := make([]any, 0, 2*len(ids))
	b.WriteString(`UPDATE ledger_accounts SET balance_fen = balance_fen + CASE id`)
	for i, id := range ids {
		fmt.Fprintf(&b, " WHEN $%d THEN CAST($%d AS BIGINT)", 2*i+1, 2*i+2)
		args = append(args, id, delta[id])
	}
	b.WriteString(" ELSE 0 END WHERE id IN (")
	for i := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", 2*i+1)
	}
	b.WriteString(")")
	res, err := tx.ExecContext(ctx, b.String(), args...)
	if err != nil {
		return fmt.Errorf("ledger: update balances: %w", err)
	}
	if n, _ := res.RowsAffected(); n != int64(len(ids)) {
		return fmt.Errorf("ledger: updated %d of %d balances", n, len(ids))
	}
	return nil
}

// checkOwnFunds refuses a posting that would leave the hub's own money
// (own income less own spending) below zero.
func (s *Service) checkOwnFunds(ctx context.Context, tx *sql.Tx, hubID int64, delta map[int64]int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, balance_fen FROM ledger_accounts
		WHERE hub_org_id = $1 AND org_id = $1 AND kind IN ($2, $3)`, hubID, KindOwnIncome, KindOwnExpense)
	if err != nil {
		return fmt.Errorf("ledger: own funds: %w", err)
	}
	defer rows.Close()
	var own, before int64
	for rows.Next() {
		var id, raw int64
		if err := rows.Scan(&id, &raw); err != nil {
			return err
		}
		before -= raw
		own -= raw + delta[id]
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if own < 0 {
		return errs.E(errs.Conflict, "err.insufficient_funds", Fen(before).String())
	}
	return nil
}

const postingColumns = `id, hub_org_id, org_id, kind, source, voucher, memo, payee, occurred_on, COALESCE(reverses_id, 0),
	COALESCE(expense_id, 0), COALESCE(attachment_id, 0), created_at, COALESCE(created_by, 0), username, prev_hash, hash`

func scanPosting(sc interface{ Scan(...any) error }) (*Posting, error) {
	var p Posting
	err := sc.Scan(&p.ID, &p.HubID, &p.OrgID, &p.Kind, &p.Source, &p.Voucher, &p.Memo, &p.Payee, &p.OccurredOn,
		&p.ReversesID, &p.ExpenseID, &p.AttachmentID, &p.CreatedAt, &p.CreatedBy, &p.Username, &p.PrevHash, &p.Hash)
	p.CreatedAt = p.CreatedAt.UTC()
	return &p, err
}

// getPosting reads a posting with its lines.
func getPosting(ctx context.Context, q db.Querier, id int64) (*Posting, error) {
	p, err := db.One(ctx, q, "ledger: posting", scanPosting, `SELECT `+postingColumns+` FROM postings WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT account_id, amount_fen FROM posting_lines WHERE posting_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("ledger: lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.AccountID, &l.Amount); err != nil {
			return nil, err
		}
		p.Lines = append(p.Lines, l)
	}
	return p, rows.Err()
}
