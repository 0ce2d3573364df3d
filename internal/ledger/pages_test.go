package ledger_test

import (
	"context"
	"slices"
	"testing"

	"linli/internal/hub"
	"linli/internal/ledger"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

// migrateBefore applies the migrations before version v, as Migrate would.
func migrateBefore(t *testing.T, d *db.DB, v int) {
	t.Helper()
	ctx := context.Background()
	ms, err := db.Migrations(d.Engine)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version >= v {
			break
		}
		if _, err := d.Write.ExecContext(ctx, m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := d.Write.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at)
			VALUES ($1, $2, CURRENT_TIMESTAMP)`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
}

// migrationsFrom counts the migrations at version v and after: what
// Migrate applies to a database migrateBefore left at v.
func migrationsFrom(t *testing.T, d *db.DB, v int) int {
	t.Helper()
	ms, err := db.Migrations(d.Engine)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range ms {
		if m.Version >= v {
			n++
		}
	}
	return n
}

type storedLine struct{ posting, account, amount int64 }

func storedLines(t *testing.T, f *fixture) []storedLine {
	t.Helper()
	rows, err := f.db.Read.QueryContext(f.ctx, `SELECT posting_id, account_id, amount_fen FROM posting_lines ORDER BY posting_id, id`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := db.Collect(rows, func(r interface{ Scan(...any) error }) (*storedLine, error) {
		var l storedLine
		return &l, r.Scan(&l.posting, &l.account, &l.amount)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A ledger written before migration 054 (lines with ids of their own, in
// a rowid table on SQLite; postings indexed by organization and hub) reads
// the same after it: every posting's lines in their order, so the chain
// still verifies; the hub's statement adds up; and postings and reversals
// go on through the service.
func TestPostingPagesMigrationKeepsTheLedger(t *testing.T) {
	ctx := context.Background()
	dbURL := dbtest.URL(t)
	d, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	migrateBefore(t, d, 54)
	if d.Engine == db.Postgres {
		// The fixtures are written by today's registry, which sends the
		// search vectors that migration 058 makes plain columns: make them
		// plain first (058 then finds them so).
		if _, err := d.Write.ExecContext(ctx, `ALTER TABLE org_search ALTER COLUMN chars_tsv DROP EXPRESSION,
			ALTER COLUMN py_tsv DROP EXPRESSION`); err != nil {
			t.Fatal(err)
		}
	}
	f := setupOn(t, d, dbURL)
	// a posting through the service on the old schema, then bulk ones whose
	// lines take the table's ids: income lines cash first, expenses funds first
	first := f.income(t, f.staff1, f.orgA.ID, 5000)
	const n = 120
	loadPostingsAs(t, f, n, false)
	before := storedLines(t, f)
	if len(before) != 2*(n+1) {
		t.Fatalf("%d lines before, want %d", len(before), 2*(n+1))
	}
	if applied, err := d.Migrate(ctx); err != nil || applied != migrationsFrom(t, d, 54) {
		t.Fatalf("migrate: %d applied, want %d, %v", applied, migrationsFrom(t, d, 54), err)
	}
	if after := storedLines(t, f); !slices.Equal(before, after) {
		t.Fatalf("lines changed by the migration:\nbefore %v\nafter  %v", before[:4], after[:4])
	}
	if rep := f.verify(t); rep.Postings != n+1 {
		t.Fatalf("verified %d postings, want %d", rep.Postings, n+1)
	}
	p := f.income(t, f.staff1, f.orgB.ID, 700)
	got, err := f.led.Reverse(ctx, f.staff1, first.ID, "录错")
	if err != nil {
		t.Fatal(err)
	}
	if got.ReversesID != first.ID {
		t.Fatalf("reversal %+v", got)
	}
	if _, err := f.led.Reverse(ctx, f.staff2, first.ID, "again"); err == nil {
		t.Fatal("a posting was reversed twice after the migration")
	}
	if rep := f.verify(t); rep.Postings != n+3 {
		t.Fatalf("verified %d postings, want %d", rep.Postings, n+3)
	}
	hs, err := f.led.HubStatementFor(ctx, f.staff1, f.hubOrg.ID, ledger.Period{From: "2000-01-01", To: "2099-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hs.Entries) != n+3 || hs.Entries[len(hs.Entries)-1].PostingID != got.ID || !slices.ContainsFunc(hs.Entries,
		func(e ledger.Entry) bool { return e.PostingID == p.ID && e.Amount == 700 }) {
		t.Fatalf("hub statement: %d cash entries, want %d, the new income and the reversal last", len(hs.Entries), n+3)
	}
}

// The hub's cash entries come from its cash account's lines (migration 054
// dropped postings_hub): another hub's postings never show, a period keeps
// only its dates, and the entries add up to the closing cash.
func TestHubCashEntriesFromTheCashAccount(t *testing.T) {
	f := setup(t)
	a := f.income(t, f.staff1, f.orgA.ID, 10000)
	f.clock.Advance(24 * 60 * 60 * 1e9)
	b := f.income(t, f.staff1, f.orgB.ID, 3000)
	e := f.expense(t, f.leaderA, f.orgA.ID, 2500, "物资")
	paid, err := f.led.ApproveExpense(f.ctx, f.staff2, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	// the other hub takes an organization into custody and records income
	other := f.org(t, f.otherOfficer, "猎德舞蹈队", liede)
	if _, err := f.hubs.TakeIntoCustody(f.ctx, f.otherStaff, f.otherHub.ID, hub.MemberInput{OrgID: other.ID}); err != nil {
		t.Fatal(err)
	}
	f.income(t, f.otherStaff, other.ID, 99900)
	day1, day2 := a.OccurredOn, b.OccurredOn
	if day1 == day2 {
		t.Fatalf("both postings on %s", day1)
	}
	for _, c := range []struct {
		from, to string
		want     []int64
		cash     ledger.Fen
	}{
		{"2000-01-01", "2099-12-31", []int64{a.ID, b.ID, paid.PostingID}, 10500},
		{day1, day1, []int64{a.ID}, 10000},
		{day2, day2, []int64{b.ID, paid.PostingID}, 10500},
	} {
		hs, err := f.led.HubStatementFor(f.ctx, f.staff1, f.hubOrg.ID, ledger.Period{From: c.from, To: c.to})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, e := range hs.Entries {
			ids = append(ids, e.PostingID)
		}
		if !slices.Equal(ids, c.want) || hs.CashClosing != c.cash {
			t.Errorf("%s..%s: entries %v, cash %s; want %v, %s", c.from, c.to, ids, hs.CashClosing, c.want, c.cash)
		}
	}
}
