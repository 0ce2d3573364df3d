package db_test

import (
	"slices"
	"testing"

	"linli/internal/platform/db"
)

func TestMaskRoundTrip(t *testing.T) {
	all := []string{"a", "b", "c", "d"}
	if m := db.Mask(all, []string{"c", "a", "zz"}); m != 0b101 {
		t.Fatalf("Mask = %b, want 101 (a unknown name sets no bit)", m)
	}
	for m := range int64(16) {
		got := db.Unmask(all, m)
		if db.Mask(all, got) != m {
			t.Fatalf("db.Mask(db.Unmask(%b)) = %b", m, db.Mask(all, got))
		}
		if !slices.IsSorted(got) { // in all's order
			t.Fatalf("db.Unmask(%b) = %v, not in all's order", m, got)
		}
	}
	if got := db.Unmask(all, 0); got == nil || len(got) != 0 {
		t.Fatalf("db.Unmask(0) = %#v, want an empty, non-nil list", got)
	}
}

func TestNullIDAndBoolInt(t *testing.T) {
	if db.NullID(0) != nil || db.NullID(7) != int64(7) {
		t.Fatalf("db.NullID(0), db.NullID(7) = %v, %v", db.NullID(0), db.NullID(7))
	}
	if db.BoolInt(true) != 1 || db.BoolInt(false) != 0 {
		t.Fatal("BoolInt is not 1/0")
	}
}
