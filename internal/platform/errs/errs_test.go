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

// TestSeen: a read the user sees comes back; one they do not is the
// not-found answer, as no row would be; a failed read keeps its error and
// is not shown to sees.
func TestSeen(t *testing.T) {
	yes := func(int) bool { return true }
	no := func(int) bool { return false }
	if v, err := Seen(7, nil, yes); v != 7 || err != nil {
		t.Fatalf("seen: %d %v", v, err)
	}
	if v, err := Seen(7, nil, no); v != 0 || !Is(err, NotFound) || err.Error() != "not_found: err.not_found" {
		t.Fatalf("unseen: %d %v", v, err)
	}
	boom := E(Internal, "boom")
	if v, err := Seen(7, error(boom), func(int) bool { t.Fatal("sees asked after a failed read"); return true }); v != 0 || err != boom {
		t.Fatalf("failed: %d %v", v, err)
	}
	if Missing() == Missing() {
		t.Fatal("Missing shares one error between callers")
	}
}
