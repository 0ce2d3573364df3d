package orgroll

import (
	"slices"
	"testing"
)

// mergeKey moves every stored row from the first delta's day on by the
// deltas up to its day, gives a delta's day without a row the count before
// it plus the deltas, and leaves rows before the first delta, and rows where
// the deltas cancel, alone.
func TestMergeKey(t *testing.T) {
	old := []rollRow{{"k", "2020-01-01", Count{2, 0}}, {"k", "2020-03-01", Count{3, 1}}, {"k", "2020-06-01", Count{1, 1}}}
	ds := []delta{{"k", "2020-02-01", Count{1, 1}}, {"k", "2020-03-01", Count{1, 0}}, {"k", "2020-04-01", Count{-2, -1}},
		{"k", "2020-07-01", Count{5, 0}}}
	got := mergeKey(nil, "k", old, ds)
	// 2020-04-01: the deltas so far cancel (n +1+1−2, late +1−1), so
	// nothing moves there nor on 2020-06-01
	want := []rollRow{
		{"k", "2020-02-01", Count{3, 1}}, // 2 before it, +1 (late +1)
		{"k", "2020-03-01", Count{5, 2}}, // 3 stored, +2 so far (late +1)
		{"k", "2020-07-01", Count{6, 1}}, // 1 before it, +5
	}
	if !slices.Equal(got, want) {
		t.Fatalf("merged\n%v\nwant\n%v", got, want)
	}
	// a key without rows: each delta's day gets the running total
	got = mergeKey(nil, "n", nil, []delta{{"n", "2021-01-01", Count{1, 0}}, {"n", "2021-01-05", Count{1, 1}}})
	want = []rollRow{{"n", "2021-01-01", Count{1, 0}}, {"n", "2021-01-05", Count{2, 1}}}
	if !slices.Equal(got, want) {
		t.Fatalf("new key: %v, want %v", got, want)
	}
}
