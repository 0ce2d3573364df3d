package ledger_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"linli/internal/app"
	"linli/internal/ledger"
	"linli/internal/platform/db"
)

// exec runs SQL straight against the database, as someone bypassing the product.
func (f *fixture) exec(t testing.TB, q string, args ...any) error {
	t.Helper()
	_, err := f.db.Write.ExecContext(f.ctx, q, args...)
	return err
}

// bypass removes the append-only guard of a table, as a database
// administrator could.
func (f *fixture) bypass(t testing.TB, table string) {
	t.Helper()
	var err error
	if f.db.Engine == db.SQLite {
		for _, trig := range []string{table + "_no_update", table + "_no_delete"} {
			if err = f.exec(t, `DROP TRIGGER IF EXISTS `+trig); err != nil {
				break
			}
		}
	} else {
		err = f.exec(t, `ALTER TABLE `+table+` DISABLE TRIGGER USER`)
	}
	if err != nil {
		t.Fatalf("bypass %s: %v", table, err)
	}
}

func (f *fixture) someActivity(t testing.TB) {
	t.Helper()
	f.income(t, f.staff1, f.orgA.ID, 10000)
	f.income(t, f.staff1, f.orgB.ID, 20000)
	e := f.expense(t, f.leaderA, f.orgA.ID, 2500, "物资")
	if _, err := f.led.ApproveExpense(f.ctx, f.staff2, e.ID); err != nil {
		t.Fatal(err)
	}
	f.income(t, f.staff1, f.orgA.ID, 300)
}

func TestPostingsAreAppendOnly(t *testing.T) {
	f := setup(t)
	f.someActivity(t)
	for _, q := range []string{
		`UPDATE postings SET memo = 'changed' WHERE id = 1`,
		`DELETE FROM postings WHERE id = 4`,
		`UPDATE posting_lines SET amount_fen = amount_fen + 1 WHERE posting_id = 1`,
		`DELETE FROM posting_lines WHERE posting_id = 4`,
		`UPDATE ledger_accounts SET org_id = hub_org_id WHERE kind = 'funds'`,
		`DELETE FROM ledger_accounts`,
		`UPDATE receipts SET data = data`,
		`DELETE FROM receipts`,
	} {
		if err := f.exec(t, q); err == nil {
			t.Errorf("the database accepted %q", q)
		}
	}
	if f.db.Engine == db.Postgres {
		for _, tbl := range []string{"postings", "posting_lines", "ledger_accounts", "receipts"} {
			if err := f.exec(t, `TRUNCATE `+tbl+` CASCADE`); err == nil {
				t.Errorf("TRUNCATE %s accepted", tbl)
			}
		}
	}
	f.verify(t)
}

func TestVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name, table, sql, want string
	}{
		{"one line changed", "posting_lines", `UPDATE posting_lines SET amount_fen = amount_fen + 1 WHERE posting_id = 2 AND id = (SELECT MIN(id) FROM posting_lines WHERE posting_id = 2)`, "posting 2: does not balance"},
		{"both lines changed, still balanced", "posting_lines", `UPDATE posting_lines SET amount_fen = amount_fen + CASE WHEN amount_fen > 0 THEN 100 ELSE -100 END WHERE posting_id = 1`, "posting 1: content does not match its hash"},
		{"memo rewritten", "postings", `UPDATE postings SET memo = '别的用途' WHERE id = 3`, "posting 3: content does not match its hash"},
		{"balance column changed", "", `UPDATE ledger_accounts SET balance_fen = balance_fen - 100 WHERE kind = 'funds' AND balance_fen <> 0 AND id = (SELECT MIN(id) FROM ledger_accounts WHERE kind = 'funds')`, "balance column says"},
		{"last posting removed", "postings", `DELETE FROM posting_lines WHERE posting_id = 4; DELETE FROM postings WHERE id = 4`, "posting 4: the chain ends at posting 3"},
		{"a posting removed", "postings", `DELETE FROM posting_lines WHERE posting_id = 2; DELETE FROM postings WHERE id = 2`, "posting 2: missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := setup(t)
			f.someActivity(t)
			f.verify(t)
			if c.table != "" {
				f.bypass(t, c.table)
				if c.table == "postings" {
					f.bypass(t, "posting_lines")
				}
			}
			for _, q := range strings.Split(c.sql, "; ") {
				if err := f.exec(t, q); err != nil {
					t.Fatalf("tamper %q: %v", q, err)
				}
			}
			rep, err := ledger.Verify(f.ctx, f.db)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Problem == nil || !strings.Contains(rep.Problem.Error(), c.want) {
				t.Fatalf("problem %v, want %q", rep.Problem, c.want)
			}
			// The command names the same problem and fails.
			var out, errOut bytes.Buffer
			code := app.Run(context.Background(), app.Env{Args: []string{"ledger", "verify", "--db", f.url},
				Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
			if code != 1 || !strings.Contains(errOut.String(), c.want) {
				t.Fatalf("linli ledger verify: exit %d, stderr %q", code, errOut.String())
			}
		})
	}
}

func TestVerifyCommandOnIntactLedger(t *testing.T) {
	f := setup(t)
	f.someActivity(t)
	var out, errOut bytes.Buffer
	code := app.Run(context.Background(), app.Env{Args: []string{"ledger", "verify", "--db", f.url},
		Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
	if code != 0 || !strings.Contains(out.String(), "ledger intact: 4 postings, 8 lines") {
		t.Fatalf("exit %d, out %q, err %q", code, out.String(), errOut.String())
	}
}
