package ledger_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"linli/internal/ledger"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// TestChainHeadsFollowEveryWriter: both hash chains stay whole when their
// writers take turns: the one-trip income (on PostgreSQL
// ledger_post_income_at, which moves each head in one statement and tells
// the head-follow triggers to skip its two rows, migration 061), the long
// way (the application's statements, the triggers moving the heads) and an
// audit row written by another room. On PostgreSQL it also checks that the
// function hands the triggers back within a caller's transaction: an audit
// row written after it, in the same transaction, still moves the head.
func TestChainHeadsFollowEveryWriter(t *testing.T) {
	f := setup(t)
	other := func() {
		t.Helper()
		tx, err := f.db.Write.BeginTx(f.ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := audit.Record(f.ctx, tx, f.clock.Now(), f.staff1.Actor(), audit.Entry{Action: "test.other",
			ObjectType: "test", ObjectID: "1", Detail: map[string]any{"n": 1}}); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	f.income(t, f.staff1, f.orgA.ID, 100) // one trip
	other()
	f.income(t, f.staff1, f.hubOrg.ID, 50) // the hub's own money: the long way
	f.income(t, f.staff1, f.orgB.ID, 200)  // one trip after the long way
	f.income(t, f.staff1, f.orgA.ID, 300)
	other()
	if _, err := f.led.Reverse(f.ctx, f.staff1, f.income(t, f.staff1, f.orgB.ID, 400).ID, "录错"); err != nil {
		t.Fatal(err)
	}
	f.income(t, f.staff1, f.orgA.ID, 500)
	if rep := f.verify(t); rep.Postings != 7 {
		t.Fatalf("postings %d, want 7", rep.Postings)
	}
	if _, p, err := audit.Verify(f.ctx, f.db.Read); err != nil || p != nil {
		t.Fatalf("audit chain: %v %v", p, err)
	}
	if f.db.Engine != db.Postgres {
		return
	}
	tx, err := f.db.Write.BeginTx(f.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var outcome string
	if err := tx.QueryRowContext(f.ctx, `SELECT o_outcome FROM ledger_post_income_at(0, '', '', 0, now(), now(), $1, $2, 700,
		'income', 'donation', 'T-1', '', '2023-06-15', $3, 'staff', '\x00'::bytea, $3, 'staff', '', 'ledger.income', 'posting',
		'{}', '\x00'::bytea, '')`, f.hubOrg.ID, f.orgA.ID, f.staff1.ID).Scan(&outcome); err != nil || outcome != "posted" {
		t.Fatalf("the function in a transaction: %q %v", outcome, err)
	}
	if err := audit.Record(f.ctx, tx, f.clock.Now(), f.staff1.Actor(), audit.Entry{Action: "test.after",
		ObjectType: "test", ObjectID: "2", Detail: map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	var moved bool
	if err := tx.QueryRowContext(f.ctx, `SELECT h.last_hash = l.hash FROM audit_head h, audit_log l
		WHERE h.id = 1 AND l.seq = h.seq`).Scan(&moved); err != nil || !moved {
		t.Fatalf("the audit head after the function, in its transaction: moved %v, %v", moved, err)
	}
}

// TestConcurrentIncomesAndApprovals: one-trip incomes (on PostgreSQL the
// function, which finds, locks and moves both accounts in one statement)
// and expense approvals (the long way) at once, on the same hub's cash and
// the same organizations' funds: both lock in id order, so none waits for
// the other in a cycle; no approval overdraws, every income lands, and
// both chains stay whole.
func TestConcurrentIncomesAndApprovals(t *testing.T) {
	f := setup(t)
	orgs := []int64{f.orgA.ID, f.orgB.ID}
	leaders := []*auth.User{f.leaderA, f.leaderB}
	for _, o := range orgs {
		f.income(t, f.staff1, o, 500)
	}
	const n = 20
	var expenses []int64
	for i := range n {
		expenses = append(expenses, f.expense(t, leaders[i%2], orgs[i%2], 100, fmt.Sprintf("物资 %d", i)).ID)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	paid := map[int64]ledger.Fen{}
	for i := range 2 * n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			by := []*auth.User{f.staff1, f.staff2}[i%2]
			if i%2 == 0 { // an income of 10 to each organization in turn
				if _, err := f.led.RecordIncome(context.Background(), by, orgs[(i/2)%2], ledger.IncomeInput{Amount: 10,
					Source: "donation", Voucher: fmt.Sprintf("C-%d", i), ReceivedOn: "2023-06-15"}, nil); err != nil {
					t.Errorf("income %d: %v", i, err)
				}
				return
			}
			_, err := f.led.ApproveExpense(context.Background(), by, expenses[i/2])
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				paid[orgs[(i/2)%2]] += 100
			case !errs.Is(err, errs.Conflict):
				t.Errorf("approve %d: %v", expenses[i/2], err)
			}
		}()
	}
	wg.Wait()
	for _, o := range orgs {
		want := 500 + ledger.Fen(n/2)*10 - paid[o]
		if want < 0 || paid[o] < 500 { // 10 expenses of 100 against at least 500: at least 5 paid
			t.Fatalf("org %d: paid %d", o, paid[o])
		}
		f.wantBalance(t, o, want, "(500, ten incomes of 10, less what was paid)")
	}
	f.verify(t)
	if _, p, err := audit.Verify(f.ctx, f.db.Read); err != nil || p != nil {
		t.Fatalf("audit chain: %v %v", p, err)
	}
}
