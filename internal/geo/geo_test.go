package geo_test

import (
	"context"
	"strings"
	"testing"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/errs"
)

func TestLevelsParentsAndKinds(t *testing.T) {
	cases := []struct {
		code, parent, kind string
		level              int
	}{
		{"44", "", "", geo.Province},
		{"4401", "44", "", geo.City},
		{"440106", "4401", "", geo.District},
		{"440106001", "440106", "", geo.Street},
		{"440106001001", "440106001", geo.Urban, geo.Community},
		{"440114101201", "440114101", geo.Rural, geo.Community},
		{"440114101401", "440114101", geo.Other, geo.Community},
		{"4401x6", "", "", 0},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			if got := geo.LevelOf(c.code); got != c.level {
				t.Errorf("level %d, want %d", got, c.level)
			}
			if c.level == 0 {
				return
			}
			if got := geo.ParentOf(c.code); got != c.parent {
				t.Errorf("parent %q, want %q", got, c.parent)
			}
			if got := geo.KindOf(c.code); got != c.kind {
				t.Errorf("kind %q, want %q", got, c.kind)
			}
		})
	}
}

func TestLoadGuangzhouIsCompleteAndIdempotent(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	st := &geo.Store{DB: d}
	im := &geo.Importer{Store: st}
	res, err := im.LoadGuangzhou(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 1+1+11+178+2851 || res.Written != res.Read {
		t.Fatalf("first load: %+v", res)
	}
	again, err := im.LoadGuangzhou(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again.Written != 0 {
		t.Fatalf("second load wrote %d rows, want 0", again.Written)
	}
	counts, err := st.Count(ctx, "4401")
	if err != nil {
		t.Fatal(err)
	}
	if counts[geo.District] != 11 || counts[geo.Street] != 178 || counts[geo.Community] != 2851 {
		t.Fatalf("counts %v", counts)
	}
	kids, err := st.Children(ctx, "440106")
	if err != nil {
		t.Fatal(err)
	}
	if len(kids) == 0 || !strings.HasPrefix(kids[0].Code, "440106") || kids[0].Level != geo.Street {
		t.Fatalf("children of 天河区: %+v", kids)
	}
	path, err := st.Path(ctx, "440106001001")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range path {
		names = append(names, n.Name)
	}
	if got := strings.Join(names, "/"); !strings.HasPrefix(got, "广东省/广州市/天河区/") || len(path) != 5 {
		t.Fatalf("path %s", got)
	}
}

func TestImportRejectsBadCodesAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	im := &geo.Importer{Store: &geo.Store{DB: d}}
	_, err := im.Read(ctx, strings.NewReader("code,name\n44,广东省\n44x,坏\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("want error naming line 3, got %v", err)
	}
	if ok, _ := (&geo.Store{DB: d}).Exists(ctx, "44"); ok {
		t.Fatal("half-imported: 44 was written")
	}
}

// TestCountedCondIsCounted holds the SQL form of the counted-unit rule to
// the Go one: for codes of every length, on the test's engine, the
// condition on the first n characters keeps a code exactly when Counted
// counts its unit of length n (the district and city levels included:
// their last digits are no special area, whatever they are).
func TestCountedCondIsCounted(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	codes := []string{"44", "4401", "4405", "4409", "440106", "440511", "440983", "110105",
		"440106001", "440106399", "440106400", "440511450", "440106001001", "440106001199",
		"440106001200", "440106001399", "440106001400", "440106001000", "440511100499", "440106400001"}
	checked := 0
	for _, code := range codes {
		for _, n := range []int{2, 4, 6, 9, 12} {
			if len(code) < n {
				continue
			}
			var got bool
			if err := d.Read.QueryRowContext(ctx, `SELECT CASE WHEN `+geo.CountedCond("c.code", n)+` THEN 1 ELSE 0 END = 1 FROM (SELECT $1 AS code) c`, code).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if want := geo.Counted(code[:n]); got != want {
				t.Errorf("%s at length %d: SQL %v, Counted %v", code, n, got, want)
			}
			checked++
		}
	}
	if checked < 50 {
		t.Fatalf("only %d checks", checked)
	}
}

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

// TestUnitOrder: the unit rule names the first reason that applies, in
// one order for every room (no division, then the level, then the scope),
// and only that one; a unit that passes adds nothing.
func TestUnitOrder(t *testing.T) {
	for _, c := range []struct {
		exists, levelOK, mayAct bool
		key                     string
	}{
		{false, false, false, "err.unknown_division"},
		{false, true, true, "err.unknown_division"},
		{true, false, false, "room.err.level"},
		{true, true, false, "err.outside_scope"},
		{true, true, true, ""},
	} {
		f := errs.Fields{}
		ok := geo.Unit(f, "unit_code", c.exists, c.levelOK, c.mayAct, "room.err.level")
		if got := f["unit_code"].Key; got != c.key || ok != (c.key == "") || len(f) > 1 {
			t.Errorf("%+v: %v (ok %v), want %q", c, f, ok, c.key)
		}
	}
}
