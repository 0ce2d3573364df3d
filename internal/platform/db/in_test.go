package db_test

import (
	"slices"
	"testing"

	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

// TestInList: the list's placeholders continue the parameters already
// there, and the values follow them.
func TestInList(t *testing.T) {
	in, args := db.InList([]int64{7, 8}, []any{"x"})
	if in != "($2, $3)" || !slices.Equal(args, []any{"x", int64(7), int64(8)}) {
		t.Errorf("InList = %q %v", in, args)
	}
	if in, args := db.InList([]string{"440106"}, nil); in != "($1)" || len(args) != 1 {
		t.Errorf("InList = %q %v", in, args)
	}
}

// TestWhere: each ? takes the next placeholder after the parameters
// already there, a condition built over Args joins with no values, and an
// empty filter matches everything.
func TestWhere(t *testing.T) {
	var w db.Where
	if !w.Empty() || w.String() != "1=1" || len(w.Args) != 0 {
		t.Errorf("empty Where = %q %v", w.String(), w.Args)
	}
	w = db.Where{Args: []any{"x"}}
	w.Add("a = $1")
	w.Add("(b = ? OR c = ?)", 2, 3)
	var in string
	in, w.Args = db.InList([]int64{9}, w.Args)
	w.Add("d IN " + in)
	w.Add("e = 1")
	w.Add("f < ?", "z")
	want := "a = $1 AND (b = $2 OR c = $3) AND d IN ($4) AND e = 1 AND f < $5"
	if w.Empty() || w.String() != want || !slices.Equal(w.Args, []any{"x", 2, 3, int64(9), "z"}) {
		t.Errorf("Where = %q %v, want %q", w.String(), w.Args, want)
	}
}

// TestValuesAndParams: rows of parameters numbered on through the rows, in
// the engine's own style ($n for PostgreSQL and for none, ? for SQLite); a
// parameter list is one such row.
func TestValuesAndParams(t *testing.T) {
	if v := db.Values(nil, 2, 3); v != "($1,$2,$3),($4,$5,$6)" {
		t.Errorf("Values(nil, 2, 3) = %q", v)
	}
	d := dbtest.Open(t)
	want := map[string]string{db.SQLite: "(?,?,?)", db.Postgres: "($1,$2,$3)"}[d.Engine]
	if p := db.Params(d.Dialect, 3); p != want {
		t.Errorf("Params on %s = %q, want %q", d.Engine, p, want)
	}
}
