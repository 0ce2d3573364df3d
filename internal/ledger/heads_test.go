package ledger_test

import (
	"testing"

	"linli/internal/platform/audit"
	"linli/internal/platform/db"
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
		if err := audit.Record(f.ctx, tx, f.clock.now(), f.staff1.Actor(), audit.Entry{Action: "test.other",
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
	if err := audit.Record(f.ctx, tx, f.clock.now(), f.staff1.Actor(), audit.Entry{Action: "test.after",
		ObjectType: "test", ObjectID: "2", Detail: map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	var moved bool
	if err := tx.QueryRowContext(f.ctx, `SELECT h.last_hash = l.hash FROM audit_head h, audit_log l
		WHERE h.id = 1 AND l.seq = h.seq`).Scan(&moved); err != nil || !moved {
		t.Fatalf("the audit head after the function, in its transaction: moved %v, %v", moved, err)
	}
}
