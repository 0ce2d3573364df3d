package ledger_test

import (
	"database/sql"
	"testing"
	"time"
)

func TestZZProbe(t *testing.T) {
	f := setup(t)
	n := 300
	t0 := time.Now()
	for i := 0; i < n; i++ {
		f.db.Tx(f.ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`UPDATE ledger_head SET last_hash = last_hash WHERE id = 1`)
			return err
		})
	}
	t.Logf("%s: trivial tx %v each", f.db.Engine, time.Since(t0)/time.Duration(n))
	t0 = time.Now()
	for i := 0; i < n; i++ {
		var x int
		f.db.Read.QueryRow(`SELECT 1`).Scan(&x)
	}
	t.Logf("%s: round trip %v each", f.db.Engine, time.Since(t0)/time.Duration(n))
	t0 = time.Now()
	for i := 0; i < n; i++ {
		f.reg.Lookup(f.ctx, f.orgA.ID)
	}
	t.Logf("%s: org lookup %v each", f.db.Engine, time.Since(t0)/time.Duration(n))
	t0 = time.Now()
	for i := 0; i < 100; i++ {
		f.income(t, f.staff1, f.orgA.ID, 100)
	}
	t.Logf("%s: income %v each", f.db.Engine, time.Since(t0)/100)
}
