package census_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"linli/internal/census"
	"linli/internal/platform/audit"
	"linli/internal/registry"
)

// bigCSV is a census file of n organizations spread over three communities
// of 天河区, every 50th one registered with a credit code; change, if set,
// may alter a row's cells (0-based row index, cells in header order).
func bigCSV(t *testing.T, n int, change func(i int, cells []string)) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("name,credit_code,tier,types,community_code,members,leader_name,leader_phone,status\n")
	comms := []string{yulei, zhijie, liede}
	for i := range n {
		tier, cc := "community", ""
		if i%50 == 0 {
			tier, cc = "registered", credit(fmt.Sprintf("51440106MJ%07d", i))
		}
		cells := []string{fmt.Sprintf("批量互助队%05d", i), cc, tier, "mutual_aid", comms[i%3], "10", "陈丽",
			fmt.Sprintf("138%08d", i), "active"}
		if change != nil {
			change(i, cells)
		}
		b.WriteString(strings.Join(cells, ",") + "\n")
	}
	return write(t, fmt.Sprintf("big-%d.csv", n), []byte(b.String()))
}

func verifyAudit(t *testing.T, f *fixture) {
	t.Helper()
	if _, p, err := audit.Verify(f.ctx, f.db.Read); err != nil || p != nil {
		t.Fatalf("audit chain: %v %v", p, err)
	}
}

// A file larger than a batch (1,000 rows) and than one multi-row INSERT
// (400): every row is created once with its search document, history and
// audit row; the same file with a few rows changed and a few added gives
// created, updated and unchanged rows, each written once.
func TestImportOverBatchBoundaries(t *testing.T) {
	f := setup(t)
	const n = 2345
	audits := count(t, f, "audit_log")
	rep := report(t, f, f.tianhe, bigCSV(t, n, nil), "big.csv", false)
	if len(rep.Errors) != 0 || !rep.Committed || rep.Created != n || rep.Rows != n {
		t.Fatalf("first import: %+v %s", rep, errorLines(rep))
	}
	if got := count(t, f, "orgs"); got != n {
		t.Errorf("%d organizations, want %d", got, n)
	}
	if got := count(t, f, "org_search"); got != n {
		t.Errorf("%d search documents, want %d", got, n)
	}
	// status, tier, party_org, types and groups for each new organization
	if got := count(t, f, "org_history"); got != 5*n {
		t.Errorf("%d history rows, want %d", got, 5*n)
	}
	if got := count(t, f, "audit_log"); got != audits+n+1 {
		t.Errorf("%d audit rows, want %d", got-audits, n+1)
	}
	verifyAudit(t, f)
	// every organization is found by its own name, with the right id
	var misses int
	if err := f.db.Read.QueryRow(`SELECT COUNT(*) FROM orgs o JOIN org_search s ON s.org_id = o.id
		WHERE o.name LIKE '批量互助队%' AND s.chars NOT LIKE '批 量 互 助 队%'`).Scan(&misses); err != nil {
		t.Fatal(err)
	}
	if misses != 0 {
		t.Errorf("%d search documents do not belong to their organization", misses)
	}

	// Again, with rows 7, 1000 (a batch's first) and 2344 (the last) changed,
	// 1999 promoted to street tier, and 30 new rows.
	audits = count(t, f, "audit_log")
	hist := count(t, f, "org_history")
	again := bigCSV(t, n+30, func(i int, c []string) {
		switch i {
		case 7, 1000, 2344:
			c[5] = "42"
		case 1999:
			c[2] = "street"
		}
	})
	rep = report(t, f, f.tianhe, again, "again.csv", false)
	if len(rep.Errors) != 0 || !rep.Committed || rep.Created != 30 || rep.Updated != 4 || rep.Unchanged != n-4 {
		t.Fatalf("second import: created %d updated %d unchanged %d, errors %s", rep.Created, rep.Updated, rep.Unchanged, errorLines(rep))
	}
	if got := count(t, f, "orgs"); got != n+30 {
		t.Errorf("%d organizations, want %d", got, n+30)
	}
	if got := count(t, f, "audit_log") - audits; got != 30+4+1 {
		t.Errorf("%d audit rows, want %d", got, 35)
	}
	if got := count(t, f, "org_history") - hist; got != 5*30+1 {
		t.Errorf("%d history rows, want %d (the new organizations' and one tier change)", got, 5*30+1)
	}
	var members int
	if err := f.db.Read.QueryRow(`SELECT members FROM orgs WHERE name = '批量互助队01000'`).Scan(&members); err != nil || members != 42 {
		t.Errorf("row 1000 not updated: %d %v", members, err)
	}
	verifyAudit(t, f)
}

// An error in the very last row of a file of several batches leaves
// nothing written, though the earlier batches were valid.
func TestErrorInLastRowWritesNothing(t *testing.T) {
	f := setup(t)
	const n = 2100
	audits := count(t, f, "audit_log")
	path := bigCSV(t, n, func(i int, c []string) {
		if i == n-1 {
			c[7] = "12345"
		}
	})
	rep := report(t, f, f.tianhe, path, "bad.csv", false)
	if rep.Committed || len(rep.Errors) != 1 || rep.Errors[0].Row != n+1 || rep.Errors[0].Column != "leader_phone" {
		t.Fatalf("committed %v, errors %s", rep.Committed, errorLines(rep))
	}
	for _, table := range []string{"orgs", "org_search", "org_history"} {
		if got := count(t, f, table); got != 0 {
			t.Errorf("%d rows in %s from a rejected file", got, table)
		}
	}
	if got := count(t, f, "audit_log"); got != audits {
		t.Errorf("audit rows written from a rejected file: %d → %d", audits, got)
	}
	verifyAudit(t, f)
}

// Text the spreadsheet format would read as an escape (_x0041_) and markup
// characters survive the export and its re-import; a line break survives
// the export (the import folds it into a space, as it does any run of
// spaces).
func TestExportKeepsAwkwardText(t *testing.T) {
	f := setup(t)
	in := registry.Input{Name: "互助_x0041_队<&>", Tier: registry.TierCommunity, Types: []string{"mutual_aid"},
		CommunityCode: yulei, Address: "天河南 1号 <2楼>", LeaderName: "陈丽", LeaderPhone: "13812345678", Status: registry.StatusActive}
	if _, err := f.reg.Create(f.ctx, f.tianhe, in); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.census.Export(f.ctx, f.tianhe, registry.Filter{}, census.FormatXLSX, &buf); err != nil {
		t.Fatal(err)
	}
	rows := readBack(t, census.FormatXLSX, buf.Bytes())
	if len(rows) != 2 || rows[1][0] != "互助_x0041_队<&>" {
		t.Fatalf("rows %q", rows)
	}
	var stored string
	if err := f.db.Read.QueryRow(`SELECT address FROM orgs`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if rows[1][7] != stored {
		t.Errorf("address %q, stored %q", rows[1][7], stored)
	}
	rep := report(t, f, f.tianhe, write(t, "export.xlsx", buf.Bytes()), "export.xlsx", false)
	if len(rep.Errors) != 0 || rep.Unchanged != 1 {
		t.Fatalf("re-import: %+v %s", rep, errorLines(rep))
	}
	if _, err := f.db.Write.Exec(`UPDATE orgs SET address = $1`, "一楼\r\n二楼\t"); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := f.census.Export(f.ctx, f.tianhe, registry.Filter{}, census.FormatXLSX, &buf); err != nil {
		t.Fatal(err)
	}
	if rows := readBack(t, census.FormatXLSX, buf.Bytes()); rows[1][7] != "一楼\r\n二楼\t" {
		t.Errorf("address with line break and tab: %q", rows[1][7])
	}
}
