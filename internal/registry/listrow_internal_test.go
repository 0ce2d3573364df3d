package registry

import (
	"strings"
	"testing"
)

// packedFields are a packed row's values in orgPacked's order, as JSON.
var packedFields = []string{`7`, `"名"`, `"community"`, `3`, `0`, `"440106008007"`, `"440106008"`, `"440106"`, `""`,
	`"地址"`, `"2019-05-01"`, `20`, `"陈丽"`, `""`, `"none"`, `""`, `1`, `0`, `0`, `0`, `"active"`, `""`, `0`,
	`"2023-03-01 08:00:00+00:00"`, `"2023-03-01 08:00:00.5+00:00"`, `1`, `42`}

func packed(fields []string) string { return "[" + strings.Join(fields, ",") + "]" }

// TestPackedOrgReadsWhatScanReads reads packed rows value by value as
// database/sql would read the columns: integers held as text parsed, a
// number read into a string as its text, escapes undone, and anything
// else (a NULL, a missing or extra value, a broken escape) refused.
func TestPackedOrgReadsWhatScanReads(t *testing.T) {
	var total int
	o, err := packedOrg(packed(packedFields), &total)
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != 7 || o.Name != "名" || len(o.Types) != 2 || o.Members != 20 || !o.Hub || o.Version != 1 || total != 42 ||
		o.UpdatedAt.Nanosecond() != 500_000_000 {
		t.Fatalf("read %+v, total %d", o, total)
	}
	with := func(i int, v string) string {
		f := append([]string{}, packedFields...)
		f[i] = v
		return packed(f)
	}
	for _, c := range []struct {
		row, name string
		id        int64
	}{
		{with(0, `"12"`), "名", 12},
		{with(0, `-3`), "名", -3},
		{with(0, `9223372036854775807`), "名", 9223372036854775807},
		{with(1, `123`), "123", 7},
		{with(1, `"a\"b\\c\/d\b\f\n\r\t\u0001\u00e9\ud83d\ude00"`), "a\"b\\c/d\b\f\n\r\t\x01é😀", 7},
		{with(1, `"\ud83d"`), "\ufffd", 7},
		{with(1, `"引号\"在中"`), "引号\"在中", 7},
	} {
		o, err := packedOrg(c.row, &total)
		if err != nil {
			t.Fatalf("%s: %v", c.row, err)
		}
		if o.ID != c.id || o.Name != c.name {
			t.Errorf("%s: id %d name %q, want %d %q", c.row, o.ID, o.Name, c.id, c.name)
		}
	}
	for _, bad := range []string{
		with(0, `null`), with(1, `null`), with(0, `"x"`), with(0, `1.5`), with(0, `-`), with(0, ``),
		with(1, `"\x"`), with(1, `"\u12"`), with(1, `"open`), with(23, `"not a time"`),
		packed(packedFields[:len(packedFields)-1]), packed(append(append([]string{}, packedFields...), `1`)),
		packed(packedFields) + " ", strings.TrimSuffix(packed(packedFields), "]"), "", "[]",
		strings.TrimPrefix(packed(packedFields), "["),
	} {
		if o, err := packedOrg(bad, &total); err == nil {
			t.Errorf("%s: read as %+v", bad, o)
		}
	}
}

// TestPackedColumnsAreOrgColumns holds the packed select list to orgColumns
// but for the times, selected bare.
func TestPackedColumnsAreOrgColumns(t *testing.T) {
	if strings.Contains(orgPackedColumns, "COALESCE(o.created_at") || strings.Contains(orgPackedColumns, "COALESCE(o.updated_at") ||
		strings.Count(orgPackedColumns, ",") != strings.Count(orgColumns, ",")-2 {
		t.Fatalf("packed columns %q", orgPackedColumns)
	}
}
