package errs

import (
	"fmt"
	"testing"
)

func TestFieldsLength(t *testing.T) {
	// length is the message Length gives a text within [min, max].
	length := func(s string, min, max int) string {
		f := Fields{}
		f.Length("x", s, min, max)
		if m, ok := f["x"]; ok {
			return fmt.Sprintf("%s %v", m.Key, m.Args)
		}
		return "none"
	}
	for i, c := range [][2]string{
		{length("", 0, 5), "none"},
		{length("", 1, 5), "err.required []"},
		{length("", 2, 5), "err.required []"},
		{length("甲", 2, 5), "err.too_short [2]"},
		{length("甲乙", 2, 5), "none"},
		{length("甲乙丙丁戊", 1, 5), "none"}, // characters, not bytes
		{length("甲乙丙丁戊己", 1, 5), "err.too_long [5]"},
		{length("abcdef", 0, 5), "err.too_long [5]"},
	} {
		if c[0] != c[1] {
			t.Errorf("case %d: %s, want %s", i, c[0], c[1])
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
