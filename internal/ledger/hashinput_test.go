package ledger_test

import (
	"testing"
	"time"

	"linli/internal/ledger"
)

// TestPostingHashInputIsFixed pins a posting's hash: the chain's stored
// hashes (and ledger_post_income_at's, computed by PostgreSQL from the
// same input) stay valid only while the input is byte for byte the same,
// however it is built.
func TestPostingHashInputIsFixed(t *testing.T) {
	p := &ledger.Posting{ID: 1234567, HubID: 12, OrgID: 345, Kind: ledger.PostIncome, Source: "donation",
		Voucher: "B-7", Memo: "捐赠 100% · 元", Payee: "", OccurredOn: "2023-06-15", ReversesID: 0, ExpenseID: 9,
		AttachmentID: 0, CreatedAt: time.Date(2023, 6, 15, 8, 30, 1, 123456000, time.FixedZone("CST", 8*3600)),
		CreatedBy: 5, Username: "staff1", PrevHash: "ab" + "cd",
		Lines: []ledger.Line{{AccountID: 1, Amount: 10050}, {AccountID: 22, Amount: -10050}}}
	const want = "63eb61725387eeace66cbb5daf7239ba846b070bb62deebff18008cd100603ac"
	if got := ledger.HashPosting(p); got != want {
		t.Errorf("posting hash %s, want %s", got, want)
	}
	p.PrevHash, p.ReversesID, p.Lines = "", 7, append(p.Lines, ledger.Line{AccountID: 3, Amount: -1})
	const want2 = "ba92ca2fd1c0c804b3b91c67638e4d7df84b6a39ee7900fec9ebf2c7771b31cd"
	if got := ledger.HashPosting(p); got != want2 {
		t.Errorf("second posting hash %s, want %s", got, want2)
	}
}
