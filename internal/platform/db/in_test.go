package db_test

import (
	"slices"
	"testing"

	"linli/internal/platform/db"
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
