package ledger_test

import "testing"

// TestRoundTripsPerPosting pins how many times an income posting waits for
// the database (db.DB.RoundTrips: round trips on the wire on PostgreSQL,
// statements with arguments on SQLite), its statements prepared. On
// SQLite: the organization and the custody read, then in one transaction
// both accounts locked and moved in one statement, the chain head, the
// posting, its lines, the audit chain's head and row (the two heads take
// their id as an argument since issue 19, so they are counted, and kept
// compiled, like the rest). On
// PostgreSQL: the organization, the custody read (which finds both
// accounts), then the posting in one call of ledger_post_income (migration
// 040), which is its own transaction.
func TestRoundTripsPerPosting(t *testing.T) {
	f := setup(t)
	f.income(t, f.staff1, f.orgA.ID, 100)
	f.income(t, f.staff1, f.orgA.ID, 100)
	before := f.db.RoundTrips()
	f.income(t, f.staff1, f.orgA.ID, 100)
	got := f.db.RoundTrips() - before
	want := map[string]int64{"sqlite": wantTripsSQLite, "postgres": wantTripsPG}[f.db.Engine]
	t.Logf("%s: %d round trips per posting", f.db.Engine, got)
	if got != want {
		t.Errorf("%s: %d round trips per posting, want %d", f.db.Engine, got, want)
	}
}

// measured 2026-12-05
const wantTripsSQLite, wantTripsPG = 8, 3
