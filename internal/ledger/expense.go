package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
	"linli/internal/registry"
)

// ExpenseInput is an expense as submitted.
type ExpenseInput struct {
	Amount  Fen    `json:"amount_fen"`
	Purpose string `json:"purpose"`
	Payee   string `json:"payee"`
	SpentOn string `json:"spent_on"`
	// ProjectID and BudgetLine tag spending on a funded project's budget
	// line (checked by Service.ProjectCheck); zero and "" otherwise.
	ProjectID  int64  `json:"project_id,omitempty"`
	BudgetLine string `json:"budget_line,omitempty"`
}

func (in *ExpenseInput) validate(now time.Time) errs.Fields {
	in.Purpose, in.Payee, in.SpentOn = strings.TrimSpace(in.Purpose), strings.TrimSpace(in.Payee), strings.TrimSpace(in.SpentOn)
	f := errs.Fields{}
	checkAmount(in.Amount, "amount_fen", f)
	f.Length("purpose", in.Purpose, 1, 200)
	f.Length("payee", in.Payee, 1, 100)
	checkPastDate(in.SpentOn, "spent_on", now, f)
	return f
}

const expenseColumns = `id, hub_org_id, org_id, amount_fen, purpose, payee, spent_on, receipt_id, status, return_reason,
	submitted_by, submitted_name, submitted_at, COALESCE(decided_by, 0), decided_name, decided_at, COALESCE(posting_id, 0),
	project_id, budget_line`

func scanExpense(sc interface{ Scan(...any) error }) (*Expense, error) {
	var e Expense
	var decided sql.NullTime
	err := sc.Scan(&e.ID, &e.HubID, &e.OrgID, &e.Amount, &e.Purpose, &e.Payee, &e.SpentOn, &e.ReceiptID, &e.Status,
		&e.ReturnReason, &e.SubmittedBy, &e.SubmittedName, &e.SubmittedAt, &e.DecidedBy, &e.DecidedName, &decided, &e.PostingID,
		&e.ProjectID, &e.BudgetLine)
	e.SubmittedAt = e.SubmittedAt.UTC()
	if decided.Valid {
		t := decided.Time.UTC()
		e.DecidedAt = &t
	}
	return &e, err
}

func getExpense(ctx context.Context, q db.Querier, id int64, suffix string) (*Expense, error) {
	return db.One(ctx, q, "ledger: expense", scanExpense, `SELECT `+expenseColumns+` FROM expenses WHERE id = $1`+suffix, id)
}

// SubmitExpense files an expense with its receipt; it waits for the hub.
func (s *Service) SubmitExpense(ctx context.Context, u *auth.User, orgID int64, in ExpenseInput, receipt *Upload) (*Expense, error) {
	c, err := s.custodyOf(ctx, s.DB.Read, orgID)
	if err != nil {
		return nil, err
	}
	if !canView(u, c.Org, c.HubID) {
		return nil, errs.Missing()
	}
	if !canSubmit(u, c) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	now := s.now()
	f := in.validate(now)
	ct := s.checkUpload(receipt, "receipt", f)
	in.BudgetLine = strings.TrimSpace(in.BudgetLine)
	if in.ProjectID != 0 || in.BudgetLine != "" {
		if s.ProjectCheck == nil {
			f.Add("project_id", "err.not_found")
		} else if err := s.ProjectCheck(ctx, orgID, in.ProjectID, in.BudgetLine); err != nil {
			return nil, err
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return idem.Do(ctx, s.DB, now, func(tx *sql.Tx) (*Expense, error) {
		if !c.Own {
			if _, err := fundsAccount(ctx, tx, c.HubID, orgID); err != nil {
				return nil, err
			}
		}
		rid, err := storeReceipt(ctx, tx, u, now, c.HubID, orgID, ct, receipt)
		if err != nil {
			return nil, err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO expenses (hub_org_id, org_id, amount_fen, purpose, payee, spent_on,
			receipt_id, status, submitted_by, submitted_name, submitted_at, updated_at, project_id, budget_line)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13) RETURNING id`,
			c.HubID, orgID, int64(in.Amount), in.Purpose, in.Payee, in.SpentOn, rid, ExpensePending, u.ID, u.Username, now,
			in.ProjectID, in.BudgetLine).Scan(&id); err != nil {
			return nil, fmt.Errorf("ledger: insert expense: %w", err)
		}
		out, err := getExpense(ctx, tx, id, "")
		if err != nil {
			return nil, err
		}
		return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "ledger.expense_submit", ObjectType: "expense",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: c.Org.CommunityCode,
			Detail: map[string]any{"org_id": orgID, "hub_org_id": c.HubID, "amount_fen": in.Amount, "purpose": in.Purpose,
				"spent_on": in.SpentOn, "receipt_id": rid}})
	})
}

// Expense returns an expense the viewer may see.
func (s *Service) Expense(ctx context.Context, u *auth.User, id int64) (*Expense, error) {
	e, _, err := s.visibleExpense(ctx, u, id)
	return e, err
}

// visibleExpense is an expense the viewer may see, with its organization;
// one the viewer may not see is not found.
func (s *Service) visibleExpense(ctx context.Context, u *auth.User, id int64) (*Expense, *registry.Org, error) {
	e, err := getExpense(ctx, s.DB.Read, id, "")
	if err != nil {
		return nil, nil, err
	}
	o, err := s.viewedOrg(ctx, u, e.OrgID, e.HubID)
	if err != nil {
		return nil, nil, err
	}
	return e, o, nil
}

// viewedOrg is the organization of a custody record the viewer asks for (a
// posting, an expense, a receipt: its organization and hub); a record the
// viewer may not see (canView) is not found.
func (s *Service) viewedOrg(ctx context.Context, u *auth.User, orgID, hubID int64) (*registry.Org, error) {
	o, err := s.Orgs.Lookup(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if !canView(u, o, hubID) {
		return nil, errs.Missing()
	}
	return o, nil
}

// CanDecide tells pages whether to offer approve and return.
func CanDecide(u *auth.User, e *Expense) bool { return e.Status == ExpensePending && canDecide(u, e) }

// decider finds an expense and its organization before the transaction (an
// expense's organization never changes), so no second connection is taken
// while the transaction holds one.
func (s *Service) decider(ctx context.Context, u *auth.User, id int64) (*registry.Org, error) {
	_, o, err := s.visibleExpense(ctx, u, id)
	return o, err
}

// decide locks a pending expense the viewer may decide on.
func (s *Service) decide(ctx context.Context, tx *sql.Tx, u *auth.User, id int64) (*Expense, error) {
	e, err := getExpense(ctx, tx, id, s.DB.Dialect.ForUpdate())
	if err != nil {
		return nil, err
	}
	if canRecord(u, e.HubID) && u.ID == e.SubmittedBy {
		return nil, errs.E(errs.Forbidden, "err.own_expense")
	}
	if !canDecide(u, e) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if e.Status != ExpensePending {
		return nil, errs.E(errs.Conflict, "err.expense_not_pending", e.Status)
	}
	return e, nil
}

// ApproveExpense approves and pays a pending expense: the organization's
// account and the hub's cash go down by the amount, in one posting, and
// never below zero.
func (s *Service) ApproveExpense(ctx context.Context, u *auth.User, id int64) (*Expense, error) {
	return s.settle(ctx, u, id, "ledger.expense_approve", nil, func(tx *sql.Tx, e *Expense, now time.Time) (map[string]any, error) {
		cash, err := ensureAccount(ctx, tx, now, e.HubID, e.HubID, KindCash, "")
		if err != nil {
			return nil, err
		}
		var debit int64
		if e.OrgID == e.HubID {
			debit, err = ensureAccount(ctx, tx, now, e.HubID, e.HubID, KindOwnExpense, "")
		} else {
			debit, err = fundsAccount(ctx, tx, e.HubID, e.OrgID)
		}
		if err != nil {
			return nil, err
		}
		p := &Posting{HubID: e.HubID, OrgID: e.OrgID, Kind: PostExpense, Memo: e.Purpose, Payee: e.Payee,
			OccurredOn: Today(now), ExpenseID: e.ID, AttachmentID: e.ReceiptID,
			Lines: []Line{{AccountID: debit, Amount: e.Amount}, {AccountID: cash, Amount: -e.Amount}}}
		if err := s.post(ctx, tx, u, now, p); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE expenses SET status = $1, decided_by = $2, decided_name = $3, decided_at = $4,
			posting_id = $5, updated_at = $4 WHERE id = $6`, ExpensePaid, u.ID, u.Username, now, p.ID, e.ID); err != nil {
			return nil, fmt.Errorf("ledger: pay expense: %w", err)
		}
		return map[string]any{"amount_fen": e.Amount, "posting_id": p.ID}, nil
	})
}

// ReturnExpense sends a pending expense back with a reason; nothing is posted.
func (s *Service) ReturnExpense(ctx context.Context, u *auth.User, id int64, reason string) (*Expense, error) {
	reason = strings.TrimSpace(reason)
	check := func() error {
		f := errs.Fields{}
		checkReason(reason, 500, f)
		return f.Err()
	}
	return s.settle(ctx, u, id, "ledger.expense_return", check, func(tx *sql.Tx, e *Expense, now time.Time) (map[string]any, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE expenses SET status = $1, return_reason = $2, decided_by = $3, decided_name = $4,
			decided_at = $5, updated_at = $5 WHERE id = $6`, ExpenseReturned, reason, u.ID, u.Username, now, e.ID); err != nil {
			return nil, fmt.Errorf("ledger: return expense: %w", err)
		}
		return map[string]any{"reason": reason}, nil
	})
}

// settle is the one frame of a decision on a pending expense: the expense
// found visible before the transaction, then check (when there is one) on
// what the decider typed, then in one transaction the expense locked and
// decidable, apply's change (which gives the audit detail beyond the
// organization and the hub), the expense read back and the action audited.
func (s *Service) settle(ctx context.Context, u *auth.User, id int64, action string, check func() error,
	apply func(tx *sql.Tx, e *Expense, now time.Time) (map[string]any, error)) (*Expense, error) {
	o, err := s.decider(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(); err != nil {
			return nil, err
		}
	}
	scope := o.CommunityCode
	now := s.now()
	return idem.Do(ctx, s.DB, now, func(tx *sql.Tx) (*Expense, error) {
		e, err := s.decide(ctx, tx, u, id)
		if err != nil {
			return nil, err
		}
		detail, err := apply(tx, e, now)
		if err != nil {
			return nil, err
		}
		out, err := getExpense(ctx, tx, id, "")
		if err != nil {
			return nil, err
		}
		detail["org_id"], detail["hub_org_id"] = e.OrgID, e.HubID
		return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: action, ObjectType: "expense",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: scope, Detail: detail})
	})
}

// ExpenseFilter selects expenses for a list.
type ExpenseFilter struct {
	OrgID  int64
	HubID  int64
	Status string
	Limit  int
}

// Expenses lists expenses newest first; the caller has checked that the
// viewer may see the organization or hub named in the filter.
func (s *Service) expenses(ctx context.Context, f ExpenseFilter) ([]*Expense, error) {
	var conds []string
	var args []any
	add := func(c string, v any) {
		args = append(args, v)
		conds = append(conds, c+" = $"+strconv.Itoa(len(args)))
	}
	if f.OrgID != 0 {
		add("org_id", f.OrgID)
	}
	if f.HubID != 0 {
		add("hub_org_id", f.HubID)
	}
	if f.Status != "" {
		add("status", f.Status)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	q := `SELECT ` + expenseColumns + ` FROM expenses`
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	out, err := db.ListPtrs(ctx, s.DB.Read, "ledger: expenses", scanExpense, q+` ORDER BY id DESC LIMIT `+strconv.Itoa(f.Limit), args...)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, e := range out {
		e.OrgName = s.orgName(ctx, names, e.OrgID)
	}
	return out, nil
}
