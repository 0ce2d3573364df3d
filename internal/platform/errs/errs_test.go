package errs

import (
	"reflect"
	"strings"
	"testing"
)

func TestFieldsLength(t *testing.T) {
	for _, c := range []struct {
		s        string
		min, max int
		want     *Msg // nil: no message
	}{
		{"", 0, 5, nil},
		{"", 1, 5, &Msg{Key: "err.required"}},
		{"", 2, 5, &Msg{Key: "err.required"}},
		{"甲", 2, 5, &Msg{Key: "err.too_short", Args: []any{2}}},
		{"甲乙", 2, 5, nil},
		{"甲乙丙丁戊", 1, 5, nil}, // characters, not bytes
		{"甲乙丙丁戊己", 1, 5, &Msg{Key: "err.too_long", Args: []any{5}}},
		{strings.Repeat("a", 6), 0, 5, &Msg{Key: "err.too_long", Args: []any{5}}},
	} {
		f := Fields{}
		f.Length("x", c.s, c.min, c.max)
		got, ok := f["x"]
		switch {
		case c.want == nil && ok:
			t.Errorf("%q in [%d, %d]: got %v, want none", c.s, c.min, c.max, got)
		case c.want != nil && !reflect.DeepEqual(got, *c.want):
			t.Errorf("%q in [%d, %d]: got %v, want %v", c.s, c.min, c.max, got, *c.want)
		}
	}
	// a field's first message stands
	f := Fields{}
	f.Add("x", "err.reason_required")
	f.Length("x", "", 1, 5)
	if f["x"].Key != "err.reason_required" {
		t.Fatalf("Length replaced the field's first message: %v", f["x"])
	}
}
