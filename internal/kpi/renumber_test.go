package kpi

import (
	"testing"
	"time"
)

// A count statement built with its own placeholders and shifted by
// renumber is, byte for byte, the statement built after other arguments
// (as countMany built each part before): for every indicator a dashboard
// counts from the records, at the city and a district, by code alone and
// by year, at several offsets.
func TestRenumberIsBuildingAfterArgs(t *testing.T) {
	w := newWorld(t)
	inds, err := w.kpi.List(w.ctx, w.city, "", false)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, unit := range []string{cityCode, tianheCode} {
		node, err := w.geo.Get(w.ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		for _, ind := range inds {
			spans, g, ok := reach(ind, *node)
			if !ok {
				continue
			}
			m := w.kpi.matchFor(ind, spans, whenOf(time.Now(), time.Now()))
			for _, years := range [][]int{nil, {2022, 2023}} {
				own := &query{}
				text := countStmt(own, m, g, years)
				for _, off := range []int{0, 1, 9, 10, 99, 123} {
					after := &query{args: make([]any, off)}
					want := countStmt(after, m, g, years)
					if got := renumber(text, off); got != want {
						t.Fatalf("%s at %s, offset %d:\n got %s\nwant %s", ind.Key, unit, off, got, want)
					}
					if len(after.args)-off != len(own.args) {
						t.Fatalf("%s: %d arguments after %d, %d alone", ind.Key, len(after.args)-off, off, len(own.args))
					}
				}
				n++
			}
		}
	}
	if n < 10 {
		t.Fatalf("%d statements compared: too few", n)
	}
	for in, want := range map[string]string{"a = $1 AND b IN ($2, $10)": "a = $4 AND b IN ($5, $13)", "no placeholder": "no placeholder",
		"$9$10": "$12$13", "x = $": "x = $"} {
		if got := renumber(in, 3); got != want {
			t.Errorf("renumber(%q, 3) = %q, want %q", in, got, want)
		}
	}
}
