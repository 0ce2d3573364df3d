package geo_test

import (
	"context"
	"testing"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/errs"
)

// TestCheck: the unit a form names is judged unknown, of another level or
// outside the user's scope, in that order, under the form's field and in
// the room's words for the level; a good one comes back as its division.
func TestCheck(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	st := &geo.Store{DB: d}
	if _, err := (&geo.Importer{Store: st}).LoadGuangzhou(ctx); err != nil {
		t.Fatal(err)
	}
	tianhe := &auth.User{ID: 1, Role: auth.DistrictOfficer, ScopeCode: "440106"}
	for _, c := range []struct {
		code  string
		level int
		want  string // the field's message; "" when the division comes back
	}{
		{"440106001001", geo.Community, ""},
		{"440106", geo.District, ""},
		{"440106001999", geo.Community, "err.unknown_division"},
		{"440106001", geo.Community, "room.err.level"},          // a street, where a community is wanted
		{"440104", geo.Community, "room.err.level"},             // the level before the scope
		{"440104", geo.District, "err.outside_scope"},           // 越秀, not the officer's
		{"440104001007", geo.Community, "err.outside_scope"},    // a community of 越秀
		{"999999999999", geo.Community, "err.unknown_division"}, // no such code at all
	} {
		f := errs.Fields{}
		n, err := st.Check(ctx, tianhe, f, "unit_code", c.code, c.level, "room.err.level")
		if err != nil {
			t.Fatalf("%s: %v", c.code, err)
		}
		if got := f["unit_code"].Key; got != c.want {
			t.Errorf("%s at level %d: %q, want %q", c.code, c.level, got, c.want)
		}
		if (n != nil) != (c.want == "") || n != nil && n.Code != c.code {
			t.Errorf("%s: division %+v with message %q", c.code, n, c.want)
		}
		if len(f) > 1 {
			t.Errorf("%s: fields %v beyond unit_code", c.code, f)
		}
	}
}
