package auditlog

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/errs"
)

// The service decides who reads the log and which part: a district
// officer reads its district, narrowed to a street on request, nothing of
// another district; a street officer reads nothing.
func TestServiceReadsWithinScope(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	now := time.Date(2023, 3, 1, 8, 0, 0, 0, time.UTC)
	for i, scope := range []string{"440106008007", "440106008", "440106013001", "440104001001", "4401"} {
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			return audit.Record(ctx, tx, now.Add(time.Duration(i)*time.Second), audit.Actor{Username: "x"},
				audit.Entry{Action: "test", ObjectType: "t", ObjectID: scope, ScopeCode: scope})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	s := &Service{DB: d}
	district := &auth.User{Role: auth.DistrictOfficer, ScopeCode: "440106"}
	for within, want := range map[string]int{"": 3, "4401": 3, "440106008": 2, "440106013001": 1, "440104": 0} {
		rows, err := s.List(ctx, district, audit.Filter{Scope: within})
		if err != nil || len(rows) != want {
			t.Errorf("within %q: %d rows, want %d (%v)", within, len(rows), want, err)
		}
		for _, r := range rows {
			if !district.InScope(r.ScopeCode) {
				t.Errorf("within %q: a row of %s", within, r.ScopeCode)
			}
		}
	}
	if _, err := s.List(ctx, &auth.User{Role: auth.StreetOfficer, ScopeCode: "440106008"}, audit.Filter{}); errs.Code(err) != errs.Forbidden {
		t.Errorf("a street officer reads the log: %v", err)
	}
}
