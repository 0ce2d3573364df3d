package ledger_test

import "testing"

// TestRoundTripsPerPosting pins how many times an income posting waits for
// the database (db.DB.RoundTrips: round trips on the wire on PostgreSQL,
// statements with arguments on SQLite), its statements prepared. Hub staff
// record at their own hub, so nothing is read before the posting's
// transaction (incomeAtOwnHub). On SQLite, in one transaction: both
// accounts found, locked and moved in one statement, the organization's
// place (registry.OrgLines), the chain head, the posting, its lines, the
// audit chain's head and row. On PostgreSQL: one call of ledger_post_income_at
// (migration 061), which is its own transaction.
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

// measured 2026-12-06 (8 and 3 before issue 19's second step)
const wantTripsSQLite, wantTripsPG = 7, 1
