// Package ledger is the custody ledger (资金代管): hub organizations hold the
// money of the community organizations they serve, in double entry and in
// integer fen. Every posting is a set of lines summing to zero, appended to a
// hash chain and never edited or deleted; a mistake is corrected by a
// reversal. Expenses are submitted with a receipt and approved or returned by
// hub staff. Statements, a public disclosure and `linli ledger verify` show
// and check where every fen came from and went.
package ledger

import (
	"time"
)

// Account kinds. Debit-normal kinds count up with positive lines;
// credit-normal ones with negative lines.
const (
	KindCash       = "cash"        // 银行存款: the hub's money at the bank (debit-normal)
	KindFunds      = "funds"       // 代管资金: money the hub holds for one organization (credit-normal)
	KindOwnIncome  = "own_income"  // the hub's own income, by source (credit-normal)
	KindOwnExpense = "own_expense" // the hub's own spending (debit-normal)
)

// Sources of income.
var Sources = []string{"government_purchase", "venture_philanthropy", "donation", "community_fund", "fees", "other"}

// Posting kinds.
const (
	PostIncome   = "income"
	PostExpense  = "expense"
	PostReversal = "reversal"
)

// Expense statuses.
const (
	ExpensePending  = "pending"
	ExpenseReturned = "returned"
	ExpensePaid     = "paid"
	ExpenseReversed = "reversed"
)

// MaxAmount bounds one posting: 100 million yuan.
const MaxAmount Fen = 100_000_000_00

// creditNormal reports the kinds whose natural balance is minus the sum of lines.
func creditNormal(kind string) bool { return kind == KindFunds || kind == KindOwnIncome }

// natural turns a raw sum of lines (debit positive) into the account's
// natural balance, positive in the normal case.
func natural(kind string, raw int64) int64 {
	if creditNormal(kind) {
		return -raw
	}
	return raw
}

// Account is one ledger account at a hub.
type Account struct {
	ID      int64  `json:"id"`
	HubID   int64  `json:"hub_org_id"`
	OrgID   int64  `json:"org_id"`
	Kind    string `json:"kind"`
	Source  string `json:"source,omitempty"`
	Raw     int64  `json:"-"`
	Balance Fen    `json:"balance_fen"`
	Status  string `json:"status"`
}

// Line is one line of a posting: debit positive, credit negative.
type Line struct {
	AccountID int64 `json:"account_id"`
	Amount    Fen   `json:"amount_fen"`
}

// Posting is one balanced, append-only entry.
type Posting struct {
	ID           int64     `json:"id"`
	HubID        int64     `json:"hub_org_id"`
	OrgID        int64     `json:"org_id"`
	Kind         string    `json:"kind"`
	Source       string    `json:"source,omitempty"`
	Voucher      string    `json:"voucher,omitempty"`
	Memo         string    `json:"memo,omitempty"`
	Payee        string    `json:"payee,omitempty"`
	OccurredOn   string    `json:"occurred_on"`
	ReversesID   int64     `json:"reverses_id,omitempty"`
	ExpenseID    int64     `json:"expense_id,omitempty"`
	AttachmentID int64     `json:"attachment_id,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	CreatedBy    int64     `json:"created_by,omitempty"`
	Username     string    `json:"username"`
	PrevHash     string    `json:"-"`
	Hash         string    `json:"hash"`
	Lines        []Line    `json:"lines"`
}

// Expense is a spending request against an organization's money.
type Expense struct {
	ID            int64      `json:"id"`
	HubID         int64      `json:"hub_org_id"`
	OrgID         int64      `json:"org_id"`
	OrgName       string     `json:"org_name,omitempty"`
	Amount        Fen        `json:"amount_fen"`
	Purpose       string     `json:"purpose"`
	Payee         string     `json:"payee"`
	SpentOn       string     `json:"spent_on"`
	ReceiptID     int64      `json:"receipt_id"`
	Status        string     `json:"status"`
	ReturnReason  string     `json:"return_reason,omitempty"`
	SubmittedBy   int64      `json:"submitted_by"`
	SubmittedName string     `json:"submitted_name"`
	SubmittedAt   time.Time  `json:"submitted_at"`
	DecidedBy     int64      `json:"decided_by,omitempty"`
	DecidedName   string     `json:"decided_name,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	PostingID     int64      `json:"posting_id,omitempty"`
	ProjectID     int64      `json:"project_id,omitempty"`
	BudgetLine    string     `json:"budget_line,omitempty"`
}

// Receipt is an uploaded receipt or attachment.
type Receipt struct {
	ID          int64     `json:"id"`
	HubID       int64     `json:"hub_org_id"`
	OrgID       int64     `json:"org_id"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size_bytes"`
	SHA256      string    `json:"sha256"`
	Filename    string    `json:"filename"`
	CreatedAt   time.Time `json:"created_at"`
	Data        []byte    `json:"-"`
}
