package orgroll

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMergeKey: merging a key's changes in one pass leaves the count of
// every day equal to the count before plus every change up to that day, as
// apply's statements do, and writes nothing before the first change.
func TestMergeKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	day := func(i int) string { return fmt.Sprintf("2023-%02d-%02d", 1+i/28, 1+i%28) }
	for round := 0; round < 500; round++ {
		var rows []rollRow
		for i := 0; i < 60; i++ {
			if rng.IntN(4) == 0 {
				rows = append(rows, rollRow{day(i), Count{rng.IntN(50), rng.IntN(5)}})
			}
		}
		ch := map[string]Count{}
		for i := 0; i < 60; i++ {
			if rng.IntN(6) == 0 {
				ch[day(i)] = Count{rng.IntN(7) - 3, rng.IntN(3) - 1}
			}
		}
		if len(ch) == 0 {
			continue
		}
		at := func(rs []rollRow, d string) Count { // the count a day reads: the last row on or before it
			var c Count
			for _, r := range rs {
				if r.day <= d {
					c = r.c
				}
			}
			return c
		}
		out := mergeKey(nil, "k", rows, ch)
		first := slices.Min(slices.Collect(maps.Keys(ch)))
		after := map[string]Count{}
		for _, r := range rows {
			after[r.day] = r.c
		}
		for _, o := range out {
			if o.key != "k" || o.day < first {
				t.Fatalf("round %d: wrote %v before the first change %s", round, o, first)
			}
			after[o.day] = o.c
		}
		var merged []rollRow
		for _, d := range slices.Sorted(maps.Keys(after)) {
			merged = append(merged, rollRow{d, after[d]})
		}
		for i := 0; i < 60; i++ {
			d := day(i)
			want := at(rows, d)
			for cd, c := range ch {
				if cd <= d {
					want.N += c.N
					want.Late += c.Late
				}
			}
			if got := at(merged, d); got != want {
				t.Fatalf("round %d, %s: %v, want %v", round, d, got, want)
			}
		}
	}
}
