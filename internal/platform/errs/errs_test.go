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

// OneOf refuses a value outside the choice with the key and its
// arguments, keeps a field's first message, and passes an allowed value.
func TestFieldsOneOf(t *testing.T) {
	f := Fields{}
	f.OneOf("kind", "drill", []string{"drill", "patrol"}, "err.choose_one")
	if len(f) != 0 {
		t.Fatalf("an allowed value refused: %v", f)
	}
	f.OneOf("kind", "party", []string{"drill", "patrol"}, "err.unknown_value", "party")
	f.OneOf("kind", "", []string{"drill"}, "err.choose_one")
	f.OneOf("level", "", nil, "err.choose_one")
	if m := f["kind"]; m.Key != "err.unknown_value" || len(m.Args) != 1 || m.Args[0] != "party" {
		t.Fatalf("kind: %+v", m)
	}
	if m := f["level"]; m.Key != "err.choose_one" || len(f) != 2 {
		t.Fatalf("level: %+v (%d fields)", m, len(f))
	}
}

// TestField: the refusal of one field is what Fields.Err answers for that
// field alone: Invalid, "err.invalid_input", the field's key and args.
func TestField(t *testing.T) {
	err := Field("capacity", "training.err.capacity_below", 3)
	e, ok := As(err)
	if !ok || e.Code != Invalid || e.Message.Key != "err.invalid_input" || len(e.Fields) != 1 {
		t.Fatalf("got %#v", err)
	}
	if m := e.Fields["capacity"]; m.Key != "training.err.capacity_below" || fmt.Sprint(m.Args) != "[3]" {
		t.Fatalf("field message %#v", m)
	}
}

// TestFieldConflict: a conflict on one field carries its message twice, as
// the error's and the field's.
func TestFieldConflict(t *testing.T) {
	err := FieldConflict("year", "eval.err.appraised", 2023)
	e, ok := As(err)
	if !ok || e.Code != Conflict || e.Message.Key != "eval.err.appraised" || fmt.Sprint(e.Message.Args) != "[2023]" || len(e.Fields) != 1 {
		t.Fatalf("got %#v", err)
	}
	if m := e.Fields["year"]; m.Key != "eval.err.appraised" || fmt.Sprint(m.Args) != "[2023]" {
		t.Fatalf("field message %#v", m)
	}
}
