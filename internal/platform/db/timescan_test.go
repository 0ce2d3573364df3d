package db_test

import (
	"context"
	"testing"
	"time"

	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

// TestTimeReadsWhatTheDriverWrote: db.Time reads a TimeExpr as the driver
// reads the bare column, and text in each layout the SQLite driver reads.
func TestTimeReadsWhatTheDriverWrote(t *testing.T) {
	d, ctx := dbtest.Open(t), context.Background()
	typ := "DATETIME"
	if d.Engine == db.Postgres {
		typ = "TIMESTAMPTZ"
	}
	if _, err := d.Write.ExecContext(ctx, `CREATE TABLE times (id INTEGER PRIMARY KEY, at `+typ+` NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	want := []time.Time{
		time.Date(2021, 9, 1, 9, 0, 0, 0, time.UTC),
		time.Date(2023, 12, 31, 23, 59, 59, 123456000, time.UTC),
		time.Date(2024, 2, 29, 8, 0, 0, 500000000, cst),
		time.Date(2019, 1, 2, 3, 4, 5, 7000, time.FixedZone("", -(5*3600+30*60))),
	}
	for i, w := range want {
		if _, err := d.Write.ExecContext(ctx, `INSERT INTO times (id, at) VALUES ($1, $2)`, i, w); err != nil {
			t.Fatal(err)
		}
	}
	var got []time.Time
	err := d.Each(ctx, `SELECT `+db.TimeExpr("at")+`, at FROM times ORDER BY id`, nil, func(r db.Scanner) error {
		var v, bare time.Time
		if err := r.Scan(db.Time{T: &v}, &bare); err != nil {
			return err
		}
		if !v.Equal(bare) {
			t.Errorf("db.Time %v, the driver %v", v, bare)
		}
		got = append(got, v)
		return nil
	})
	if err != nil || len(got) != len(want) {
		t.Fatalf("%d rows, %v", len(got), err)
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("row %d: %v, want %v", i, got[i], want[i])
		}
	}
	texts := map[string]time.Time{
		"2019-11-30 22:53:56+00:00":            time.Date(2019, 11, 30, 22, 53, 56, 0, time.UTC),
		"2019-11-30T22:53:56.25-07:00":         time.Date(2019, 11, 30, 22, 53, 56, 250000000, time.FixedZone("", -7*3600)),
		"2019-11-30 22:53:56.123456789Z":       time.Date(2019, 11, 30, 22, 53, 56, 123456789, time.UTC),
		"2019-11-30 22:53:56":                  time.Date(2019, 11, 30, 22, 53, 56, 0, time.UTC),
		"2019-11-30 22:53":                     time.Date(2019, 11, 30, 22, 53, 0, 0, time.UTC),
		"2019-11-30":                           time.Date(2019, 11, 30, 0, 0, 0, 0, time.UTC),
		"2019-11-30 22:53:56 +0800 CST m=+1.5": time.Date(2019, 11, 30, 22, 53, 56, 0, cst),
	}
	for s, w := range texts {
		var v time.Time
		if err := (db.Time{T: &v}).Scan(s); err != nil || !v.Equal(w) {
			t.Errorf("%q: %v %v, want %v", s, v, err, w)
		}
	}
	var v time.Time
	for _, bad := range []string{"2019-02-31 10:00:00+00:00", "yesterday", "2019-11-30 25:00:00+00:00"} {
		if err := (db.Time{T: &v}).Scan(bad); err == nil {
			t.Errorf("%q read as %v", bad, v)
		}
	}
}
