package ledger_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linli/internal/ledger"
)

// TestStatementNeutralizesFormulas reproduces issue 18's failure 11: the
// custody statement.xlsx wrote a voucher or memo starting with "=" as is,
// which a spreadsheet may run as a formula; the organization export
// already prefixed an apostrophe.
func TestStatementNeutralizesFormulas(t *testing.T) {
	f := setup(t)
	in := incomeInput(1)
	in.Voucher, in.Memo = "=HYPERLINK(\"http://x.test\",\"a\")", "+1+1"
	if _, err := f.led.RecordIncome(f.ctx, f.staff1, f.orgA.ID, in, nil); err != nil {
		t.Fatal(err)
	}
	st, err := f.led.OrgStatement(f.ctx, f.leaderA, f.orgA.ID, ledger.Period{From: "2023-01-01", To: "2023-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	rows := statementRows(t, st)
	found := 0
	for _, r := range rows {
		for _, c := range r {
			if strings.Contains(c, "HYPERLINK") || strings.Contains(c, "+1+1") {
				found++
				if !strings.HasPrefix(c, "'") {
					t.Errorf("cell %q is not neutralized", c)
				}
			}
		}
	}
	if found == 0 {
		t.Fatalf("the voucher is not in the statement: %q", rows)
	}
}

// statementRows writes the statement's .xlsx (messages as their keys) and
// reads its sheet back with excelize, raw values.
func statementRows(t *testing.T, st *ledger.Statement) [][]string {
	t.Helper()
	b, err := ledger.StatementXLSX(st, func(k string, a ...any) string { return k })
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("ledger.sheet_statement", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
