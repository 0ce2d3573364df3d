package ledger

import (
	"context"
	"fmt"
	"slices"
	"time"

	"linli/internal/effective"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// Period is an inclusive range of dates, YYYY-MM-DD.
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// ParsePeriod reads from and to; empty means the start of this year and today.
func ParsePeriod(from, to string, now time.Time) (Period, error) {
	today := Today(now)
	p := Period{From: from, To: to}
	if p.From == "" {
		p.From = today[:4] + "-01-01"
	}
	if p.To == "" {
		p.To = today
	}
	f := errs.Fields{}
	if !effective.Valid(p.From) {
		f.Add("from", "err.date_format")
	}
	if !effective.Valid(p.To) {
		f.Add("to", "err.date_format")
	}
	if len(f) == 0 && p.From > p.To {
		f.Add("to", "err.period_order")
	}
	return p, f.Err()
}

// Entry is one posting as an organization (or a hub's cash) sees it.
type Entry struct {
	PostingID    int64  `json:"posting_id"`
	Date         string `json:"date"`
	Kind         string `json:"kind"`
	OrgID        int64  `json:"org_id,omitempty"`
	OrgName      string `json:"org_name,omitempty"`
	Source       string `json:"source,omitempty"`
	Voucher      string `json:"voucher,omitempty"`
	Memo         string `json:"memo,omitempty"`
	Payee        string `json:"payee,omitempty"`
	ReversesID   int64  `json:"reverses_id,omitempty"`
	ReversedBy   int64  `json:"reversed_by,omitempty"`
	ExpenseID    int64  `json:"expense_id,omitempty"`
	AttachmentID int64  `json:"attachment_id,omitempty"`
	Username     string `json:"username"`
	// Amount is signed: money in positive, money out negative.
	Amount  Fen `json:"amount_fen"`
	Balance Fen `json:"balance_fen"`
	// origMemo is what a reversal's original said (an expense's purpose).
	origMemo string
}

// IsIncome tells income (and reversals of income) from spending (and its reversals).
func (e *Entry) IsIncome() bool { return e.Source != "" }

// SourceTotal is the income of one source in a period.
type SourceTotal struct {
	Source string `json:"source"`
	Amount Fen    `json:"amount_fen"`
}

// Statement is an organization's money for a period.
type Statement struct {
	OrgID   int64   `json:"org_id"`
	OrgName string  `json:"org_name"`
	HubIDs  []int64 `json:"hub_org_ids"`
	Own     bool    `json:"own_funds"`
	Period
	Opening        Fen           `json:"opening_fen"`
	Income         Fen           `json:"income_fen"`
	Expense        Fen           `json:"expense_fen"`
	Closing        Fen           `json:"closing_fen"`
	Balance        Fen           `json:"balance_fen"` // now, whatever the period
	IncomeBySource []SourceTotal `json:"income_by_source"`
	Entries        []Entry       `json:"entries"`
}

// OrgStatement returns an organization's statement for a period. Hub staff
// see only what their own hub holds.
func (s *Service) OrgStatement(ctx context.Context, u *auth.User, orgID int64, per Period) (*Statement, error) {
	o, accts, err := s.visibleAccounts(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	return s.statement(ctx, s.DB.Read, o.ID, o.Name, accts, hubFilter(u), per)
}

// visibleAccounts returns an organization and the accounts of its money the
// viewer may see; none answers not found.
func (s *Service) visibleAccounts(ctx context.Context, u *auth.User, orgID int64) (*registry.Org, []*Account, error) {
	o, err := s.Orgs.Lookup(ctx, orgID)
	if errs.Is(err, errs.NotFound) {
		return nil, nil, errs.Missing()
	}
	if err != nil {
		return nil, nil, err
	}
	accts, err := orgAccounts(ctx, s.DB.Read, orgID, hubFilter(u))
	if err != nil {
		return nil, nil, err
	}
	visible := false
	for _, h := range hubsOf(accts) {
		visible = visible || canView(u, o, h)
	}
	if !visible {
		return nil, nil, errs.Missing()
	}
	return o, accts, nil
}

func (s *Service) statement(ctx context.Context, q db.Querier, orgID int64, name string, accts []*Account, hub int64, per Period) (*Statement, error) {
	st := &Statement{OrgID: orgID, OrgName: name, HubIDs: hubsOf(accts), Period: per, Balance: held(accts),
		Entries: []Entry{}, IncomeBySource: []SourceTotal{}}
	for _, a := range accts {
		st.Own = st.Own || a.Kind == KindOwnIncome || a.Kind == KindOwnExpense
	}
	args := []any{orgID, per.To, KindCash}
	hubCond := ""
	if hub != 0 {
		args = append(args, hub)
		hubCond = " AND a.hub_org_id = $4"
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.occurred_on, p.kind, p.source, p.voucher, p.memo, p.payee,
		COALESCE(p.reverses_id, 0), COALESCE(p.expense_id, 0), COALESCE(p.attachment_id, 0), p.username,
		COALESCE(MAX(r.id), 0), COALESCE(MAX(o.memo), ''), CAST(SUM(l.amount_fen) AS BIGINT)
		FROM postings p JOIN posting_lines l ON l.posting_id = p.id JOIN ledger_accounts a ON a.id = l.account_id
		LEFT JOIN postings r ON r.reverses_id = p.id LEFT JOIN postings o ON o.id = p.reverses_id
		WHERE a.org_id = $1 AND a.kind <> $3 AND p.occurred_on <= $2`+hubCond+`
		GROUP BY p.id, p.occurred_on, p.kind, p.source, p.voucher, p.memo, p.payee, p.reverses_id, p.expense_id,
			p.attachment_id, p.username
		ORDER BY p.occurred_on, p.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: statement: %w", err)
	}
	defer rows.Close()
	bySource := map[string]Fen{}
	var running Fen
	for rows.Next() {
		var e Entry
		var raw int64
		if err := rows.Scan(&e.PostingID, &e.Date, &e.Kind, &e.Source, &e.Voucher, &e.Memo, &e.Payee, &e.ReversesID,
			&e.ExpenseID, &e.AttachmentID, &e.Username, &e.ReversedBy, &e.origMemo, &raw); err != nil {
			return nil, err
		}
		e.Amount = Fen(-raw)
		running += e.Amount
		if e.Date < per.From {
			st.Opening += e.Amount
			continue
		}
		e.Balance = running
		if e.IsIncome() {
			st.Income += e.Amount
			bySource[e.Source] += e.Amount
		} else {
			st.Expense -= e.Amount
		}
		st.Entries = append(st.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	st.Closing = st.Opening + st.Income - st.Expense
	if st.Closing != running {
		return nil, fmt.Errorf("ledger: statement of org %d does not add up (%d vs %d)", orgID, st.Closing, running)
	}
	for _, src := range Sources {
		if v, ok := bySource[src]; ok {
			st.IncomeBySource = append(st.IncomeBySource, SourceTotal{Source: src, Amount: v})
		}
	}
	return st, nil
}

// DisclosedExpense is one expense as the public sees it: no payee, no names.
type DisclosedExpense struct {
	Date     string `json:"date"`
	Purpose  string `json:"purpose"`
	Amount   Fen    `json:"amount_fen"`
	Reversal bool   `json:"reversal,omitempty"`
}

// Disclosure is the public account of an organization's money for a period.
type Disclosure struct {
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	Period
	Opening        Fen                `json:"opening_fen"`
	Income         Fen                `json:"income_fen"`
	Expense        Fen                `json:"expense_fen"`
	Closing        Fen                `json:"closing_fen"`
	IncomeBySource []SourceTotal      `json:"income_by_source"`
	Expenses       []DisclosedExpense `json:"expenses"`
}

// Disclose returns the public disclosure of an organization whose money a
// hub holds or held; no sign-in, no personal data. It is built from the same
// statement, so the numbers agree to the fen.
func (s *Service) Disclose(ctx context.Context, orgID int64, per Period) (*Disclosure, error) {
	o, err := s.Orgs.Lookup(ctx, orgID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Missing()
	}
	if err != nil {
		return nil, err
	}
	accts, err := orgAccounts(ctx, s.DB.Read, orgID, 0)
	if err != nil {
		return nil, err
	}
	if len(accts) == 0 {
		return nil, errs.Missing()
	}
	st, err := s.statement(ctx, s.DB.Read, o.ID, o.Name, accts, 0, per)
	if err != nil {
		return nil, err
	}
	d := &Disclosure{OrgID: o.ID, OrgName: o.Name, Period: per, Opening: st.Opening, Income: st.Income,
		Expense: st.Expense, Closing: st.Closing, IncomeBySource: st.IncomeBySource, Expenses: []DisclosedExpense{}}
	for _, e := range st.Entries {
		if e.IsIncome() {
			continue
		}
		x := DisclosedExpense{Date: e.Date, Purpose: e.Memo, Amount: -e.Amount}
		if e.Kind == PostReversal {
			x.Purpose, x.Reversal = e.origMemo, true
		}
		d.Expenses = append(d.Expenses, x)
	}
	return d, nil
}

// AccountTotal is one account of a hub over a period, in its natural sign.
type AccountTotal struct {
	AccountID int64  `json:"account_id"`
	Kind      string `json:"kind"`
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	Source    string `json:"source,omitempty"`
	Status    string `json:"status"`
	Opening   Fen    `json:"opening_fen"`
	In        Fen    `json:"in_fen"`
	Out       Fen    `json:"out_fen"`
	Closing   Fen    `json:"closing_fen"`
}

// HubStatement is a hub's accounts and cash movements over a period.
type HubStatement struct {
	HubID   int64  `json:"hub_org_id"`
	HubName string `json:"hub_name"`
	Period
	Accounts    []AccountTotal `json:"accounts"`
	CashOpening Fen            `json:"cash_opening_fen"`
	CashIn      Fen            `json:"cash_in_fen"`
	CashOut     Fen            `json:"cash_out_fen"`
	CashClosing Fen            `json:"cash_closing_fen"`
	// HeldClosing is what the hub holds for others at the end of the
	// period, OwnClosing its own; together they make the cash.
	HeldClosing Fen     `json:"held_closing_fen"`
	OwnClosing  Fen     `json:"own_closing_fen"`
	Entries     []Entry `json:"entries"`
}

// hubBooks is a hub whose books the user may read: its staff, and the
// officers and auditors over it; any other is not found.
func (s *Service) hubBooks(ctx context.Context, u *auth.User, hubID int64) (*registry.Org, error) {
	h, err := s.Orgs.Lookup(ctx, hubID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Missing()
	}
	if err != nil {
		return nil, err
	}
	if !ReadsHubBooks(u, h) {
		return nil, errs.Missing()
	}
	return h, nil
}

// HubStatementFor returns a hub's statement: for its staff and for the
// officers and auditors whose subtree holds the hub.
func (s *Service) HubStatementFor(ctx context.Context, u *auth.User, hubID int64, per Period) (*HubStatement, error) {
	h, err := s.hubBooks(ctx, u, hubID)
	if err != nil {
		return nil, err
	}
	st := &HubStatement{HubID: hubID, HubName: h.Name, Period: per, Accounts: []AccountTotal{}, Entries: []Entry{}}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT a.id, a.kind, a.org_id, a.source, a.status,
		CAST(COALESCE(SUM(CASE WHEN p.occurred_on < $2 THEN l.amount_fen END), 0) AS BIGINT),
		CAST(COALESCE(SUM(CASE WHEN p.occurred_on >= $2 AND l.amount_fen > 0 THEN l.amount_fen END), 0) AS BIGINT),
		CAST(COALESCE(SUM(CASE WHEN p.occurred_on >= $2 AND l.amount_fen < 0 THEN l.amount_fen END), 0) AS BIGINT)
		FROM ledger_accounts a LEFT JOIN posting_lines l ON l.account_id = a.id
		LEFT JOIN postings p ON p.id = l.posting_id AND p.occurred_on <= $3
		WHERE a.hub_org_id = $1 GROUP BY a.id, a.kind, a.org_id, a.source, a.status ORDER BY a.id`, hubID, per.From, per.To)
	if err != nil {
		return nil, fmt.Errorf("ledger: hub statement: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t AccountTotal
		var before, debits, credits int64
		if err := rows.Scan(&t.AccountID, &t.Kind, &t.OrgID, &t.Source, &t.Status, &before, &debits, &credits); err != nil {
			return nil, err
		}
		t.Opening = Fen(natural(t.Kind, before))
		t.In, t.Out = Fen(debits), Fen(-credits)
		if creditNormal(t.Kind) {
			t.In, t.Out = t.Out, t.In
		}
		t.Closing = t.Opening + t.In - t.Out
		switch t.Kind {
		case KindCash:
			st.CashOpening, st.CashIn, st.CashOut, st.CashClosing = t.Opening, t.In, t.Out, t.Closing
		case KindFunds:
			st.HeldClosing += t.Closing
		case KindOwnIncome:
			st.OwnClosing += t.Closing
		case KindOwnExpense:
			st.OwnClosing -= t.Closing
		}
		st.Accounts = append(st.Accounts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if err := s.cashEntries(ctx, st); err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for i := range st.Accounts {
		st.Accounts[i].OrgName = s.orgName(ctx, names, st.Accounts[i].OrgID)
	}
	for i := range st.Entries {
		st.Entries[i].OrgName = s.orgName(ctx, names, st.Entries[i].OrgID)
	}
	slices.SortStableFunc(st.Accounts, func(a, b AccountTotal) int { return kindOrder(a.Kind) - kindOrder(b.Kind) })
	return st, nil
}

func kindOrder(k string) int {
	return slices.Index([]string{KindCash, KindFunds, KindOwnIncome, KindOwnExpense}, k)
}

func (s *Service) orgName(ctx context.Context, cache map[int64]string, id int64) string {
	if n, ok := cache[id]; ok {
		return n
	}
	n := ""
	if o, err := s.Orgs.Lookup(ctx, id); err == nil {
		n = o.Name
	}
	cache[id] = n
	return n
}

// cashEntries lists the hub's cash movements in the period with a running
// balance: the lines of the hub's cash account (a posting's accounts are
// all at its hub), as the statement's totals read them.
func (s *Service) cashEntries(ctx context.Context, st *HubStatement) error {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT p.id, p.occurred_on, p.kind, p.org_id, p.source, p.voucher, p.memo,
		p.payee, COALESCE(p.reverses_id, 0), COALESCE(p.expense_id, 0), COALESCE(p.attachment_id, 0), p.username, l.amount_fen
		FROM ledger_accounts a JOIN posting_lines l ON l.account_id = a.id JOIN postings p ON p.id = l.posting_id
		WHERE a.hub_org_id = $1 AND a.kind = $2 AND p.occurred_on >= $3 AND p.occurred_on <= $4
		ORDER BY p.occurred_on, p.id`, st.HubID, KindCash, st.From, st.To)
	if err != nil {
		return fmt.Errorf("ledger: cash entries: %w", err)
	}
	defer rows.Close()
	running := st.CashOpening
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.PostingID, &e.Date, &e.Kind, &e.OrgID, &e.Source, &e.Voucher, &e.Memo, &e.Payee,
			&e.ReversesID, &e.ExpenseID, &e.AttachmentID, &e.Username, &e.Amount); err != nil {
			return err
		}
		running += e.Amount
		e.Balance = running
		st.Entries = append(st.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if running != st.CashClosing {
		return fmt.Errorf("ledger: hub %d cash entries do not add up (%d vs %d)", st.HubID, running, st.CashClosing)
	}
	return nil
}
