package db

import (
	"reflect"
	"testing"
)

func TestListColumns(t *testing.T) {
	for _, ids := range [][]int64{{}, {7}, {3, 14, 15}} {
		if got := SplitIDs(JoinIDs(ids)); !reflect.DeepEqual(got, ids) {
			t.Errorf("SplitIDs(JoinIDs(%v)) = %v", ids, got)
		}
	}
	if got := SplitIDs("4,x,5"); !reflect.DeepEqual(got, []int64{4, 5}) {
		t.Errorf(`SplitIDs("4,x,5") = %v, want [4 5]`, got)
	}
	if got := SplitList(""); got == nil || len(got) != 0 {
		t.Errorf(`SplitList("") = %#v, want an empty, non-nil list`, got)
	}
	if got := SplitList("a,b"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf(`SplitList("a,b") = %v`, got)
	}
}
