package audit_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/db/dbtest"
)

func TestRecordManyKeepsTheChain(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	now := time.Date(2023, 3, 1, 8, 0, 0, 123456789, time.UTC)
	a := audit.Actor{UserID: 0, Username: "importer", IP: "127.0.0.1"}
	entries := func(n int) []audit.Entry {
		var es []audit.Entry
		for i := range n {
			es = append(es, audit.Entry{Action: "org.create", ObjectType: "org", ObjectID: fmt.Sprint(i), ScopeCode: "440106",
				Detail: map[string]int{"i": i}})
		}
		return es
	}
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if err := audit.Record(ctx, tx, now, a, audit.Entry{Action: "first", ObjectType: "x"}); err != nil {
			return err
		}
		if err := audit.RecordMany(ctx, tx, now, a, entries(61)); err != nil { // more than one chunk
			return err
		}
		if err := audit.RecordMany(ctx, tx, now, a, nil); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: "last", ObjectType: "x"})
	})
	if err != nil {
		t.Fatal(err)
	}
	n, problem, err := audit.Verify(ctx, d.Read)
	if err != nil || problem != nil || n != 63 {
		t.Fatalf("verify: %d rows, %v, %v", n, problem, err)
	}
	rows, err := audit.List(ctx, d.Read, audit.Filter{Limit: 3})
	if err != nil || len(rows) != 3 || rows[0].Action != "last" || rows[1].ObjectID != "60" || rows[1].Seq != 62 {
		t.Fatalf("rows %+v %v", rows, err)
	}
}

// RecordManyDialect writes the same chain with the engine's bulk
// parameters, over more than one of its larger statements.
func TestRecordManyDialectKeepsTheChain(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	now := time.Date(2023, 3, 1, 8, 0, 0, 0, time.UTC)
	a := audit.Actor{UserID: 0, Username: "importer", IP: "127.0.0.1"}
	var es []audit.Entry
	for i := range 601 {
		es = append(es, audit.Entry{Action: "org.create", ObjectType: "org", ObjectID: fmt.Sprint(i), ScopeCode: "440106",
			Detail: map[string]int{"i": i}})
	}
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if err := audit.Record(ctx, tx, now, a, audit.Entry{Action: "first", ObjectType: "x"}); err != nil {
			return err
		}
		if err := audit.RecordManyDialect(ctx, tx, d.Dialect, now, a, es); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: "last", ObjectType: "x"})
	})
	if err != nil {
		t.Fatal(err)
	}
	n, problem, err := audit.Verify(ctx, d.Read)
	if err != nil || problem != nil || n != 603 {
		t.Fatalf("verify: %d rows, %v, %v", n, problem, err)
	}
	rows, err := audit.List(ctx, d.Read, audit.Filter{Limit: 2})
	if err != nil || len(rows) != 2 || rows[1].ObjectID != "600" || rows[1].Seq != 602 {
		t.Fatalf("rows %+v %v", rows, err)
	}
}
