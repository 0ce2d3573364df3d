package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"linli/internal/platform/db"
)

// Problem is the first thing found wrong with the ledger.
type Problem struct {
	PostingID int64  `json:"posting_id,omitempty"`
	AccountID int64  `json:"account_id,omitempty"`
	HubID     int64  `json:"hub_org_id,omitempty"`
	Reason    string `json:"reason"`
}

func (p *Problem) Error() string {
	switch {
	case p.PostingID != 0:
		return fmt.Sprintf("posting %d: %s", p.PostingID, p.Reason)
	case p.AccountID != 0:
		return fmt.Sprintf("account %d: %s", p.AccountID, p.Reason)
	case p.HubID != 0:
		return fmt.Sprintf("hub %d: %s", p.HubID, p.Reason)
	}
	return p.Reason
}

// Report is what Verify checked.
type Report struct {
	Postings int64    `json:"postings"`
	Lines    int64    `json:"lines"`
	Accounts int      `json:"accounts"`
	Hubs     int      `json:"hubs"`
	Problem  *Problem `json:"problem,omitempty"`
}

// Verify checks the whole ledger in one consistent snapshot: every posting
// is in the hash chain with nothing removed or changed, every posting
// balances and touches only its hub's accounts, every account's balance
// equals the sum of its lines and is not below zero, and each hub's cash
// equals what it holds for others plus its own. It stops at the first problem.
func Verify(ctx context.Context, d *db.DB) (*Report, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if d.Engine == db.Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := d.Read.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("ledger verify: begin: %w", err)
	}
	defer tx.Rollback()
	accts, err := loadAccounts(ctx, tx)
	if err != nil {
		return nil, err
	}
	rep := &Report{Accounts: len(accts)}
	sums := make(map[int64]int64, len(accts))
	if rep.Problem, err = walkChain(ctx, tx, d.Engine, accts, sums, rep); err != nil || rep.Problem != nil {
		return rep, err
	}
	var lines int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM posting_lines`).Scan(&lines); err != nil {
		return rep, fmt.Errorf("ledger verify: count lines: %w", err)
	}
	if lines != rep.Lines {
		rep.Problem = &Problem{Reason: fmt.Sprintf("%d posting lines belong to no posting", lines-rep.Lines)}
		return rep, nil
	}
	rep.Problem, rep.Hubs = checkAccounts(accts, sums)
	return rep, nil
}

func loadAccounts(ctx context.Context, q db.Querier) (map[int64]*Account, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+accountColumns+` FROM ledger_accounts`)
	if err != nil {
		return nil, fmt.Errorf("ledger verify: accounts: %w", err)
	}
	defer rows.Close()
	out := map[int64]*Account{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out[a.ID] = a
	}
	return out, rows.Err()
}

// chainReader yields postings in id order, each with its lines.
type chainReader interface {
	next() (*Posting, error) // nil at the end
	close()
}

// joinedReader reads postings joined to their lines in one query: for
// PostgreSQL, whose connection serves one result set at a time.
type joinedReader struct {
	rows    *sql.Rows
	pending *Posting
	done    bool
}

const verifyPostingColumns = `p.id, p.hub_org_id, p.org_id, p.kind, p.source, p.voucher, p.memo, p.payee,
	p.occurred_on, COALESCE(p.reverses_id, 0), COALESCE(p.expense_id, 0), COALESCE(p.attachment_id, 0), p.created_at,
	COALESCE(p.created_by, 0), p.username, p.prev_hash, p.hash`

func (r *joinedReader) next() (*Posting, error) {
	for !r.done {
		if !r.rows.Next() {
			r.done = true
			if err := r.rows.Err(); err != nil {
				return nil, err
			}
			break
		}
		var p Posting
		var l Line
		if err := r.rows.Scan(&p.ID, &p.HubID, &p.OrgID, &p.Kind, &p.Source, &p.Voucher, &p.Memo, &p.Payee, &p.OccurredOn,
			&p.ReversesID, &p.ExpenseID, &p.AttachmentID, &p.CreatedAt, &p.CreatedBy, &p.Username, &p.PrevHash, &p.Hash,
			&l.AccountID, &l.Amount); err != nil {
			return nil, fmt.Errorf("ledger verify: scan: %w", err)
		}
		var out *Posting
		if r.pending == nil || r.pending.ID != p.ID {
			out = r.pending
			p.CreatedAt = p.CreatedAt.UTC()
			r.pending = &p
		}
		if l.AccountID != 0 {
			r.pending.Lines = append(r.pending.Lines, l)
		}
		if out != nil {
			return out, nil
		}
	}
	out := r.pending
	r.pending = nil
	return out, nil
}

func (r *joinedReader) close() { r.rows.Close() }

// mergedReader reads postings and lines as two ordered streams on one
// connection and merges them: for SQLite, where that reads each posting's
// columns once instead of once per line.
type mergedReader struct {
	postings, lines *sql.Rows
	line            *Line
	lineOf          int64
	linesDone       bool
}

func (r *mergedReader) nextLine() error {
	r.line = nil
	if r.linesDone {
		return nil
	}
	if !r.lines.Next() {
		r.linesDone = true
		return r.lines.Err()
	}
	var l Line
	if err := r.lines.Scan(&r.lineOf, &l.AccountID, &l.Amount); err != nil {
		return fmt.Errorf("ledger verify: scan line: %w", err)
	}
	r.line = &l
	return nil
}

func (r *mergedReader) next() (*Posting, error) {
	if !r.postings.Next() {
		return nil, r.postings.Err()
	}
	var p Posting
	if err := r.postings.Scan(&p.ID, &p.HubID, &p.OrgID, &p.Kind, &p.Source, &p.Voucher, &p.Memo, &p.Payee, &p.OccurredOn,
		&p.ReversesID, &p.ExpenseID, &p.AttachmentID, &p.CreatedAt, &p.CreatedBy, &p.Username, &p.PrevHash, &p.Hash); err != nil {
		return nil, fmt.Errorf("ledger verify: scan: %w", err)
	}
	p.CreatedAt = p.CreatedAt.UTC()
	// lines of postings that do not exist are skipped here and counted by
	// the caller, which compares the number of lines read with the table's
	for r.line != nil && r.lineOf < p.ID {
		if err := r.nextLine(); err != nil {
			return nil, err
		}
	}
	for r.line != nil && r.lineOf == p.ID {
		p.Lines = append(p.Lines, *r.line)
		if err := r.nextLine(); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

func (r *mergedReader) close() { r.postings.Close(); r.lines.Close() }

func openChain(ctx context.Context, tx *sql.Tx, engine string) (chainReader, error) {
	if engine == db.Postgres {
		rows, err := tx.QueryContext(ctx, `SELECT `+verifyPostingColumns+`, COALESCE(l.account_id, 0), COALESCE(l.amount_fen, 0)
			FROM postings p LEFT JOIN posting_lines l ON l.posting_id = p.id ORDER BY p.id, l.id`)
		if err != nil {
			return nil, fmt.Errorf("ledger verify: postings: %w", err)
		}
		return &joinedReader{rows: rows}, nil
	}
	ps, err := tx.QueryContext(ctx, `SELECT `+verifyPostingColumns+` FROM postings p ORDER BY p.id`)
	if err != nil {
		return nil, fmt.Errorf("ledger verify: postings: %w", err)
	}
	ls, err := tx.QueryContext(ctx, `SELECT posting_id, account_id, amount_fen FROM posting_lines ORDER BY posting_id, id`)
	if err != nil {
		ps.Close()
		return nil, fmt.Errorf("ledger verify: lines: %w", err)
	}
	r := &mergedReader{postings: ps, lines: ls}
	if err := r.nextLine(); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

// walkChain reads every posting with its lines in order.
func walkChain(ctx context.Context, tx *sql.Tx, engine string, accts map[int64]*Account, sums map[int64]int64, rep *Report) (*Problem, error) {
	rd, err := openChain(ctx, tx, engine)
	if err != nil {
		return nil, err
	}
	defer rd.close()
	var want int64 = 1
	prev := ""
	for {
		cur, err := rd.next()
		if err != nil {
			return nil, err
		}
		if cur == nil {
			break
		}
		var sum Fen
		for _, l := range cur.Lines {
			sum += l.Amount
			a := accts[l.AccountID]
			switch {
			case a == nil:
				return &Problem{PostingID: cur.ID, Reason: fmt.Sprintf("line on unknown account %d", l.AccountID)}, nil
			case a.HubID != cur.HubID:
				return &Problem{PostingID: cur.ID, Reason: fmt.Sprintf("line on account %d of another hub", l.AccountID)}, nil
			}
			sums[l.AccountID] += int64(l.Amount)
		}
		switch {
		case cur.ID != want:
			return &Problem{PostingID: want, Reason: fmt.Sprintf("missing (the next posting present is %d)", cur.ID)}, nil
		case cur.PrevHash != prev:
			return &Problem{PostingID: cur.ID, Reason: "link to the previous posting broken (a posting before it was changed or removed)"}, nil
		case len(cur.Lines) < 2:
			return &Problem{PostingID: cur.ID, Reason: fmt.Sprintf("has %d lines; a posting needs at least 2", len(cur.Lines))}, nil
		case sum != 0:
			return &Problem{PostingID: cur.ID, Reason: fmt.Sprintf("does not balance: its lines sum to %d fen", sum)}, nil
		case cur.hash() != cur.Hash:
			return &Problem{PostingID: cur.ID, Reason: "content does not match its hash (the posting or its lines were changed)"}, nil
		}
		rep.Postings++
		rep.Lines += int64(len(cur.Lines))
		prev, want = cur.Hash, want+1
	}
	var headSeq int64
	var headHash string
	if err := tx.QueryRowContext(ctx, `SELECT seq, last_hash FROM ledger_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return nil, fmt.Errorf("ledger verify: head: %w", err)
	}
	if headSeq != rep.Postings || headHash != prev {
		return &Problem{PostingID: rep.Postings + 1, Reason: fmt.Sprintf(
			"the chain ends at posting %d but %d postings were written (postings removed from the end)", rep.Postings, headSeq)}, nil
	}
	return nil, nil
}

// checkAccounts compares balances with their lines and checks each hub's cash.
func checkAccounts(accts map[int64]*Account, sums map[int64]int64) (*Problem, int) {
	ids := make([]int64, 0, len(accts))
	for id := range accts {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	type hubTotals struct{ cash, held, own int64 }
	hubs := map[int64]*hubTotals{}
	var hubIDs []int64
	for _, id := range ids {
		a := accts[id]
		if a.Raw != sums[id] {
			return &Problem{AccountID: id, Reason: fmt.Sprintf("balance column says %d fen but its lines sum to %d", a.Raw, sums[id])}, 0
		}
		if natural(a.Kind, a.Raw) < 0 {
			return &Problem{AccountID: id, Reason: fmt.Sprintf("%s account is below zero (%s)", a.Kind, Fen(natural(a.Kind, a.Raw)))}, 0
		}
		h := hubs[a.HubID]
		if h == nil {
			h = &hubTotals{}
			hubs[a.HubID] = h
			hubIDs = append(hubIDs, a.HubID)
		}
		switch a.Kind {
		case KindCash:
			h.cash += a.Raw
		case KindFunds:
			h.held -= a.Raw
		case KindOwnIncome, KindOwnExpense:
			h.own -= a.Raw
		default:
			return &Problem{AccountID: id, Reason: fmt.Sprintf("unknown account kind %q", a.Kind)}, 0
		}
	}
	sort.Slice(hubIDs, func(i, j int) bool { return hubIDs[i] < hubIDs[j] })
	for _, id := range hubIDs {
		h := hubs[id]
		if h.own < 0 {
			return &Problem{HubID: id, Reason: fmt.Sprintf("the hub's own funds are below zero (%s)", Fen(h.own))}, 0
		}
		if h.cash != h.held+h.own {
			return &Problem{HubID: id, Reason: fmt.Sprintf("cash %s does not equal what it holds for others %s plus its own %s",
				Fen(h.cash), Fen(h.held), Fen(h.own))}, 0
		}
	}
	return nil, len(hubIDs)
}
