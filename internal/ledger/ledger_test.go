package ledger_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"linli/internal/ledger"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
)

func TestIncomeExpenseApproveFlow(t *testing.T) {
	f := setup(t)
	in := f.income(t, f.staff1, f.orgA.ID, 100000)
	if in.Kind != ledger.PostIncome || len(in.Lines) != 2 || in.Lines[0].Amount+in.Lines[1].Amount != 0 {
		t.Fatalf("income posting %+v", in)
	}
	e := f.expense(t, f.leaderA, f.orgA.ID, 30050, "重阳节活动物资")
	if e.Status != ledger.ExpensePending || e.ReceiptID == 0 {
		t.Fatalf("submitted %+v", e)
	}
	f.wantBalance(t, f.orgA.ID, 100000, "(a pending expense moved money)")
	t.Run("the leader cannot approve", func(t *testing.T) {
		_, err := f.led.ApproveExpense(f.ctx, f.leaderA, e.ID)
		wantCode(t, err, errs.Forbidden, "")
	})
	t.Run("the auditor changes nothing", func(t *testing.T) {
		_, err := f.led.ApproveExpense(f.ctx, f.auditor, e.ID)
		wantCode(t, err, errs.Forbidden, "")
		_, err = f.led.RecordIncome(f.ctx, f.auditor, f.orgA.ID, ledger.IncomeInput{Amount: 1, Source: "donation", Voucher: "x", ReceivedOn: "2023-06-01"}, nil)
		wantCode(t, err, errs.Forbidden, "")
	})
	paid, err := f.led.ApproveExpense(f.ctx, f.staff1, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if paid.Status != ledger.ExpensePaid || paid.PostingID == 0 || paid.DecidedBy != f.staff1.ID {
		t.Fatalf("approved %+v", paid)
	}
	f.wantBalance(t, f.orgA.ID, 100000-30050, "")
	t.Run("decided once", func(t *testing.T) {
		_, err := f.led.ApproveExpense(f.ctx, f.staff2, e.ID)
		wantCode(t, err, errs.Conflict, "err.expense_not_pending")
	})
	rep := f.verify(t)
	if rep.Postings != 2 || rep.Lines != 4 {
		t.Fatalf("report %+v", rep)
	}
}

func TestReturnNeedsReasonAndPostsNothing(t *testing.T) {
	f := setup(t)
	f.income(t, f.staff1, f.orgA.ID, 5000)
	e := f.expense(t, f.leaderA, f.orgA.ID, 1000, "茶水")
	_, err := f.led.ReturnExpense(f.ctx, f.staff1, e.ID, "  ")
	wantCode(t, err, errs.Invalid, "err.reason_required")
	r, err := f.led.ReturnExpense(f.ctx, f.staff1, e.ID, "票据不清晰，请重新拍照")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != ledger.ExpenseReturned || r.ReturnReason == "" || r.PostingID != 0 {
		t.Fatalf("returned %+v", r)
	}
	f.wantBalance(t, f.orgA.ID, 5000, "")
	_, err = f.led.ApproveExpense(f.ctx, f.staff1, e.ID)
	wantCode(t, err, errs.Conflict, "err.expense_not_pending")
}

func TestSubmitterCannotApprove(t *testing.T) {
	f := setup(t)
	f.income(t, f.staff1, f.orgA.ID, 5000)
	e := f.expense(t, f.staff1, f.orgA.ID, 1000, "代购物资")
	_, err := f.led.ApproveExpense(f.ctx, f.staff1, e.ID)
	wantCode(t, err, errs.Forbidden, "err.own_expense")
	if _, err := f.led.ApproveExpense(f.ctx, f.staff2, e.ID); err != nil {
		t.Fatalf("another staff member approves: %v", err)
	}
}

func TestNoAccountGoesBelowZero(t *testing.T) {
	f := setup(t)
	f.income(t, f.staff1, f.orgA.ID, 1000)
	f.income(t, f.staff1, f.orgB.ID, 50000)
	e := f.expense(t, f.leaderA, f.orgA.ID, 1001, "超出余额")
	_, err := f.led.ApproveExpense(f.ctx, f.staff1, e.ID)
	wantCode(t, err, errs.Conflict, "err.insufficient_funds")
	got, err := f.led.Expense(f.ctx, f.staff1, e.ID)
	if err != nil || got.Status != ledger.ExpensePending {
		t.Fatalf("after refusal: %+v %v", got, err)
	}
	f.wantBalance(t, f.orgA.ID, 1000, "(B's money must not pay A's expense)")
	f.verify(t)
}

func TestConcurrentApprovalsNeverOverdraw(t *testing.T) {
	f := setup(t)
	f.income(t, f.staff1, f.orgA.ID, 1000)
	f.income(t, f.staff1, f.orgB.ID, 1000)
	const n = 30
	var ids []int64
	for i := range n {
		org, by := f.orgA.ID, f.leaderA
		if i%2 == 1 {
			org, by = f.orgB.ID, f.leaderB
		}
		ids = append(ids, f.expense(t, by, org, 100, fmt.Sprintf("物资 %d", i)).ID)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	paid, refused := 0, 0
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			by := f.staff1
			if i%3 == 0 {
				by = f.staff2
			}
			_, err := f.led.ApproveExpense(context.Background(), by, id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				paid++
			case errs.Is(err, errs.Conflict):
				refused++
			default:
				t.Errorf("approve %d: %v", id, err)
			}
		}()
	}
	wg.Wait()
	if paid != 20 || refused != 10 {
		t.Fatalf("%d paid, %d refused; want 20 and 10 (1000 fen each, 15 expenses of 100 each)", paid, refused)
	}
	for _, o := range []int64{f.orgA.ID, f.orgB.ID} {
		f.wantBalance(t, o, 0, "")
	}
	f.verify(t)
}

func TestIdempotentIncome(t *testing.T) {
	f := setup(t)
	in := ledger.IncomeInput{Amount: 88800, Source: "venture_philanthropy", Voucher: "GY-2023-01", ReceivedOn: "2023-06-10"}
	key := func(k, hash string) context.Context {
		return idem.With(f.ctx, &idem.Key{UserID: f.staff1.ID, Key: k, Hash: hash, Status: 201})
	}
	first, err := f.led.RecordIncome(key("k1", "h1"), f.staff1, f.orgA.ID, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.led.RecordIncome(key("k1", "h1"), f.staff1, f.orgA.ID, in, nil)
	rp, ok := idem.AsReplay(err)
	if !ok {
		t.Fatalf("retry: %v", err)
	}
	want, _ := idem.Marshal(first)
	if !bytes.Equal(rp.Body, want) || rp.Status != 201 {
		t.Fatalf("replay %d %s, want %s", rp.Status, rp.Body, want)
	}
	_, err = f.led.RecordIncome(key("k1", "other payload"), f.staff1, f.orgA.ID, in, nil)
	wantCode(t, err, errs.Conflict, "err.idem_mismatch")
	t.Run("concurrent retries post once", func(t *testing.T) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		posted, replayed := 0, 0
		for range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.led.RecordIncome(key("k2", "h2"), f.staff1, f.orgA.ID, in, nil)
				mu.Lock()
				defer mu.Unlock()
				if _, ok := idem.AsReplay(err); ok {
					replayed++
				} else if err == nil {
					posted++
				} else {
					t.Errorf("retry: %v", err)
				}
			}()
		}
		wg.Wait()
		if posted != 1 || replayed != 11 {
			t.Fatalf("%d posted, %d replayed", posted, replayed)
		}
	})
	f.wantBalance(t, f.orgA.ID, 2*88800, "(two postings' worth)")
	f.verify(t)
}

func TestReversals(t *testing.T) {
	f := setup(t)
	wrong := f.income(t, f.staff1, f.orgA.ID, 20000)
	right := f.income(t, f.staff1, f.orgA.ID, 2000)
	rev, err := f.led.Reverse(f.ctx, f.staff1, wrong.ID, "金额录错，应为 200 元")
	if err != nil {
		t.Fatal(err)
	}
	if rev.ReversesID != wrong.ID || rev.Lines[0].Amount != -wrong.Lines[0].Amount {
		t.Fatalf("reversal %+v", rev)
	}
	_, err = f.led.Reverse(f.ctx, f.staff2, wrong.ID, "again")
	wantCode(t, err, errs.Conflict, "err.already_reversed")
	_, err = f.led.Reverse(f.ctx, f.staff1, rev.ID, "undo")
	wantCode(t, err, errs.Conflict, "err.reverse_reversal")
	_, err = f.led.Reverse(f.ctx, f.leaderA, right.ID, "not mine")
	wantCode(t, err, errs.Forbidden, "")
	e := f.expense(t, f.leaderA, f.orgA.ID, 1500, "横幅")
	if _, err := f.led.ApproveExpense(f.ctx, f.staff1, e.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.led.Reverse(f.ctx, f.staff1, right.ID, "spent income cannot go")
	wantCode(t, err, errs.Conflict, "err.insufficient_funds")
	e, _ = f.led.Expense(f.ctx, f.staff1, e.ID)
	if _, err := f.led.Reverse(f.ctx, f.staff1, e.PostingID, "重复支付"); err != nil {
		t.Fatal(err)
	}
	e, _ = f.led.Expense(f.ctx, f.staff1, e.ID)
	if e.Status != ledger.ExpenseReversed {
		t.Fatalf("expense status %s", e.Status)
	}
	f.wantBalance(t, f.orgA.ID, 2000, "")
	f.verify(t)
}

func TestHubOwnFunds(t *testing.T) {
	f := setup(t)
	f.income(t, f.staff1, f.hubOrg.ID, 10000)
	f.income(t, f.staff1, f.orgA.ID, 50000)
	e := f.expense(t, f.staff1, f.hubOrg.ID, 10001, "办公用品")
	_, err := f.led.ApproveExpense(f.ctx, f.staff2, e.ID)
	wantCode(t, err, errs.Conflict, "err.insufficient_funds")
	e = f.expense(t, f.staff1, f.hubOrg.ID, 4000, "办公用品")
	if _, err := f.led.ApproveExpense(f.ctx, f.staff2, e.ID); err != nil {
		t.Fatal(err)
	}
	hs, err := f.led.HubStatementFor(f.ctx, f.staff1, f.hubOrg.ID, ledger.Period{From: "2023-01-01", To: "2023-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if hs.CashClosing != 56000 || hs.HeldClosing != 50000 || hs.OwnClosing != 6000 {
		t.Fatalf("hub statement cash %d held %d own %d", hs.CashClosing, hs.HeldClosing, hs.OwnClosing)
	}
	_, err = f.led.SubmitExpense(f.ctx, f.leaderA, f.hubOrg.ID, ledger.ExpenseInput{Amount: 1, Purpose: "x", Payee: "y",
		SpentOn: "2023-06-01"}, &ledger.Upload{Data: png})
	wantCode(t, err, errs.NotFound, "")
	f.verify(t)
}

func TestScope(t *testing.T) {
	f := setup(t)
	f.income(t, f.staff1, f.orgA.ID, 1000)
	all := ledger.Period{From: "2000-01-01", To: "2099-12-31"}
	for _, c := range []struct {
		name string
		err  error
	}{
		{"another hub's staff", second(f.led.OrgStatement(f.ctx, f.otherStaff, f.orgA.ID, all))},
		{"another organization's leader", second(f.led.OrgStatement(f.ctx, f.leaderB, f.orgA.ID, all))},
		{"another street's officer", second(f.led.OrgStatement(f.ctx, f.otherOfficer, f.orgA.ID, all))},
		{"an organization not in custody", second(f.led.OrgStatement(f.ctx, f.district, f.orgC.ID, all))},
		{"another hub's staff recording", second(f.led.RecordIncome(f.ctx, f.otherStaff, f.orgA.ID,
			ledger.IncomeInput{Amount: 1, Source: "donation", Voucher: "x", ReceivedOn: "2023-06-01"}, nil))},
		{"another hub's books", second(f.led.HubStatementFor(f.ctx, f.otherStaff, f.hubOrg.ID, all))},
		{"a leader reading the hub's books", second(f.led.HubStatementFor(f.ctx, f.leaderA, f.hubOrg.ID, all))},
	} {
		t.Run(c.name, func(t *testing.T) { wantCode(t, c.err, errs.NotFound, "") })
	}
	for _, u := range []struct {
		name string
		err  error
	}{
		{"hub staff", second(f.led.OrgStatement(f.ctx, f.staff2, f.orgA.ID, all))},
		{"the leader", second(f.led.OrgStatement(f.ctx, f.leaderA, f.orgA.ID, all))},
		{"the street", second(f.led.OrgStatement(f.ctx, f.officer, f.orgA.ID, all))},
		{"the district", second(f.led.OrgStatement(f.ctx, f.district, f.orgA.ID, all))},
		{"the auditor", second(f.led.OrgStatement(f.ctx, f.auditor, f.orgA.ID, all))},
	} {
		t.Run(u.name+" sees", func(t *testing.T) {
			if u.err != nil {
				t.Fatal(u.err)
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

func TestReceiptsAreCheckedByContent(t *testing.T) {
	f := setup(t)
	f.led.MaxReceipt = 1024
	submit := func(up *ledger.Upload) error {
		_, err := f.led.SubmitExpense(f.ctx, f.leaderA, f.orgA.ID, ledger.ExpenseInput{Amount: 100, Purpose: "x", Payee: "y",
			SpentOn: "2023-06-01"}, up)
		return err
	}
	wantCode(t, submit(&ledger.Upload{Filename: "receipt.png", Data: []byte("just text pretending to be a png")}), errs.Invalid, "upload.err.type_text")
	wantCode(t, submit(&ledger.Upload{Filename: "receipt.pdf", Data: append(append([]byte{}, pdf...), make([]byte, 2000)...)}), errs.Invalid, "upload.err.too_large")
	wantCode(t, submit(nil), errs.Invalid, "err.receipt_required")
	if err := submit(&ledger.Upload{Filename: "scan.txt", Data: pdf}); err != nil {
		t.Fatalf("a PDF named .txt is a PDF: %v", err)
	}
	list, err := f.led.OrgExpenses(f.ctx, f.leaderA, f.orgA.ID, "")
	if err != nil || len(list) != 1 {
		t.Fatalf("%v %v", list, err)
	}
	r, err := f.led.Receipt(f.ctx, f.staff1, list[0].ReceiptID)
	if err != nil || r.ContentType != "application/pdf" || !bytes.Equal(r.Data, pdf) {
		t.Fatalf("receipt %+v %v", r, err)
	}
	_, err = f.led.Receipt(f.ctx, f.leaderB, list[0].ReceiptID)
	wantCode(t, err, errs.NotFound, "")
}

func TestStatementDisclosureAndXLSXAgree(t *testing.T) {
	f := setup(t)
	f.clock.Set(f.clock.Now().AddDate(0, -2, 0)) // 2023-04-15
	f.income(t, f.staff1, f.orgA.ID, 5000)       // before the period
	f.clock.Advance(30 * 24 * 3600e9)            // 2023-05-15
	p := f.income(t, f.staff1, f.orgA.ID, 123456)
	if _, err := f.led.RecordIncome(f.ctx, f.staff1, f.orgA.ID, ledger.IncomeInput{Amount: 7001, Source: "donation",
		Voucher: "JZ-9", ReceivedOn: "2023-05-15"}, &ledger.Upload{Data: png}); err != nil {
		t.Fatal(err)
	}
	for _, amt := range []ledger.Fen{1999, 45050} {
		e := f.expense(t, f.leaderA, f.orgA.ID, amt, fmt.Sprintf("活动支出 %d", amt))
		if _, err := f.led.ApproveExpense(f.ctx, f.staff1, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	e := f.expense(t, f.leaderA, f.orgA.ID, 300, "误付")
	e, _ = f.led.ApproveExpense(f.ctx, f.staff1, e.ID)
	if _, err := f.led.Reverse(f.ctx, f.staff1, e.PostingID, "误付冲回"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.led.Reverse(f.ctx, f.staff1, p.ID, "部分退回"); err == nil {
		t.Fatal("spent income reversed")
	}
	per := ledger.Period{From: "2023-05-01", To: "2023-05-31"}
	st, err := f.led.OrgStatement(f.ctx, f.leaderA, f.orgA.ID, per)
	if err != nil {
		t.Fatal(err)
	}
	if st.Opening != 5000 || st.Income != 123456+7001 || st.Expense != 1999+45050 || st.Closing != 5000+123456+7001-1999-45050 {
		t.Fatalf("statement %+v", st)
	}
	d, err := f.led.Disclose(f.ctx, f.orgA.ID, per)
	if err != nil {
		t.Fatal(err)
	}
	if d.Opening != st.Opening || d.Income != st.Income || d.Expense != st.Expense || d.Closing != st.Closing {
		t.Fatalf("disclosure %+v differs from statement %+v", d, st)
	}
	var disclosed ledger.Fen
	for _, x := range d.Expenses {
		disclosed += x.Amount
		if strings.Contains(x.Purpose, "某某文具店") {
			t.Fatal("payee disclosed")
		}
	}
	if disclosed != d.Expense || len(d.Expenses) != 4 {
		t.Fatalf("disclosed expenses %+v sum %d, want %d", d.Expenses, disclosed, d.Expense)
	}
	rows := statementRows(t, st)
	cells := map[string]ledger.Fen{}
	var in, out ledger.Fen
	header := false
	for _, r := range rows {
		if len(r) >= 2 && !header {
			if r[0] == "ledger.col_posting" {
				header = true
				continue
			}
			if strings.HasPrefix(r[0], "ledger.") && r[0] != "ledger.statement_of" && r[0] != "ledger.period" {
				cells[r[0]] = fen(t, r[1])
			}
			continue
		}
		if header && len(r) >= 9 {
			in += fen(t, r[7])
			out += fen(t, r[8])
		}
	}
	if cells["ledger.opening"] != st.Opening || cells["ledger.income"] != st.Income || cells["ledger.expense"] != st.Expense ||
		cells["ledger.closing"] != st.Closing || in-out != st.Income-st.Expense {
		t.Fatalf("xlsx %v in %d out %d, statement %+v", cells, in, out, st)
	}
	f.verify(t)
}

// fen reads a spreadsheet cell of yuan exactly.
func fen(t testing.TB, s string) ledger.Fen {
	t.Helper()
	if s == "" {
		return 0
	}
	v, ok := ledger.ParseYuan(s)
	if !ok {
		if strings.HasPrefix(s, "-") {
			v, ok = ledger.ParseYuan(s[1:])
			v = -v
		}
		if !ok {
			t.Fatalf("cell %q is not an amount", s)
		}
	}
	return v
}

func TestParseAndFormatYuan(t *testing.T) {
	for _, c := range []struct {
		in   string
		want ledger.Fen
		ok   bool
	}{{"12", 1200, true}, {"12.3", 1230, true}, {"1,234.56", 123456, true}, {"0.05", 5, true}, {"¥8", 800, true},
		{"-1", 0, false}, {"1.234", 0, false}, {"abc", 0, false}, {"", 0, false}, {".5", 0, false}} {
		got, ok := ledger.ParseYuan(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseYuan(%q) = %d %v", c.in, got, ok)
		}
	}
	for f, want := range map[ledger.Fen]string{0: "0.00", 5: "0.05", 123456: "1,234.56", -100000001: "-1,000,000.01"} {
		if got := f.String(); got != want {
			t.Errorf("%d → %q, want %q", f, got, want)
		}
	}
}

// Income whose account was closed after the custody check is refused in
// the posting's transaction, and nothing of it stays: balances and chain.
func TestIncomeIntoAccountClosedMeanwhile(t *testing.T) {
	f := setup(t)
	f.income(t, f.staff1, f.orgA.ID, 1000)
	in := ledger.IncomeInput{Amount: 500, Source: "donation", Voucher: "late", ReceivedOn: ledger.Today(f.clock.Now())}
	_, err := f.led.IncomeAfter(f.ctx, f.staff1, f.orgA.ID, in, func() {
		if _, err := f.db.Write.ExecContext(f.ctx, `UPDATE ledger_accounts SET status = 'closed' WHERE org_id = $1 AND kind = $2`,
			f.orgA.ID, ledger.KindFunds); err != nil {
			t.Fatal(err)
		}
	})
	wantCode(t, err, errs.Conflict, "err.account_closed")
	var cash, funds int64
	if err := f.db.Read.QueryRowContext(f.ctx, `SELECT
		(SELECT SUM(balance_fen) FROM ledger_accounts WHERE kind = $1),
		(SELECT balance_fen FROM ledger_accounts WHERE org_id = $2 AND kind = $3)`,
		ledger.KindCash, f.orgA.ID, ledger.KindFunds).Scan(&cash, &funds); err != nil {
		t.Fatal(err)
	}
	if cash != 1000 || funds != -1000 {
		t.Fatalf("balances after a refused income: cash %d, funds %d; want 1000 and -1000", cash, funds)
	}
	if rep := f.verify(t); rep.Postings != 1 {
		t.Fatalf("report %+v", rep)
	}
}

// TestIncomeAtOwnHub: hub staff's income posts without the custody read
// before it (incomeAtOwnHub; on PostgreSQL ledger_post_income_at fills in what
// only the database knows), and whatever it does not decide answers as the
// long way does.
func TestIncomeAtOwnHub(t *testing.T) {
	f := setup(t)
	// text the stored answer's template must keep as it is
	in := ledger.IncomeInput{Amount: 4321, Source: "donation", Voucher: `50% "account_id":0, %1$s`,
		ReceivedOn: "2023-06-10", Memo: `{"id":0, ,"hash":"", 100%`}
	key := idem.With(f.ctx, &idem.Key{UserID: f.staff1.ID, Key: "own-1", Hash: "h", Status: 201})
	first, err := f.led.RecordIncome(key, f.staff1, f.orgA.ID, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == 0 || first.Hash == "" || len(first.Lines) != 2 || first.Lines[0].AccountID == 0 ||
		first.Lines[1].AccountID == 0 || first.Lines[0].AccountID == first.Lines[1].AccountID || first.Memo != in.Memo {
		t.Fatalf("posting %+v", first)
	}
	_, err = f.led.RecordIncome(key, f.staff1, f.orgA.ID, in, nil)
	rp, ok := idem.AsReplay(err)
	if !ok {
		t.Fatalf("retry: %v", err)
	}
	if want, _ := idem.Marshal(first); !bytes.Equal(rp.Body, want) {
		t.Fatalf("stored answer\n%s\nwant\n%s", rp.Body, want)
	}
	f.wantBalance(t, f.orgA.ID, 4321, "")
	bad := ledger.IncomeInput{Amount: -1, Source: "donation", Voucher: "x", ReceivedOn: "2023-06-01"}
	good := ledger.IncomeInput{Amount: 1, Source: "donation", Voucher: "x", ReceivedOn: "2023-06-01"}
	_, err = f.led.RecordIncome(f.ctx, f.otherStaff, f.orgA.ID, bad, nil)
	wantCode(t, err, errs.NotFound, "") // not found before anything about the input
	_, err = f.led.RecordIncome(f.ctx, f.staff1, f.orgC.ID, good, nil)
	wantCode(t, err, errs.NotFound, "err.not_in_custody")
	_, err = f.led.RecordIncome(f.ctx, f.staff1, f.orgA.ID, bad, nil)
	wantCode(t, err, errs.Invalid, "err.amount_positive")
	if _, err := f.hubs.Release(f.ctx, f.staff1, f.hubOrg.ID, f.orgB.ID, "离开"); err != nil {
		t.Fatal(err)
	}
	_, err = f.led.RecordIncome(f.ctx, f.staff1, f.orgB.ID, good, nil)
	wantCode(t, err, errs.NotFound, "err.not_in_custody") // the account is closed: the long way says why
	if p, err := f.led.RecordIncome(f.ctx, f.staff1, f.hubOrg.ID, good, nil); err != nil || p.OrgID != f.hubOrg.ID {
		t.Fatalf("the hub's own money: %+v %v", p, err)
	}
	f.verify(t)
}

// TestAccountIdentityFixed: the database refuses to change an account's
// identity or delete it, while balances move (the guard fires only for the
// identity's columns, on both engines).
func TestAccountIdentityFixed(t *testing.T) {
	f := setup(t)
	f.income(t, f.staff1, f.orgA.ID, 100)
	var id int64
	if err := f.db.Read.QueryRowContext(f.ctx, `SELECT id FROM ledger_accounts WHERE org_id = $1 AND kind = $2`,
		f.orgA.ID, ledger.KindFunds).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE ledger_accounts SET org_id = org_id + 1 WHERE id = $1`,
		`UPDATE ledger_accounts SET kind = 'cash' WHERE id = $1`,
		`DELETE FROM ledger_accounts WHERE id = $1`,
	} {
		if _, err := f.db.Write.ExecContext(f.ctx, q, id); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
	if _, err := f.db.Write.ExecContext(f.ctx, `UPDATE ledger_accounts SET status = status WHERE id = $1`, id); err != nil {
		t.Errorf("an update of another column: %v", err)
	}
	f.wantBalance(t, f.orgA.ID, 100, "")
}
