package effective

import (
	"testing"

	"linli/internal/platform/errs"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		day, notBefore string
		late           bool
		field          bool
	}{
		{"2024-03-01", "", false, false},
		{"2024-01-31", "", false, false}, // 30 days
		{"2024-01-30", "", true, false},  // 31 days
		{"2024-03-02", "", false, true},  // future
		{"2024-02-30", "", false, true},
		{"2023-01-01", "2023-02-01", false, true},
		{"1999-12-31", "", false, true},
	} {
		f := errs.Fields{}
		late := Check(f, "on", c.day, "2024-03-01", c.notBefore, "")
		if late != c.late || (len(f) > 0) != c.field {
			t.Errorf("%s (not before %q): late %v fields %v", c.day, c.notBefore, late, f)
		}
	}
	f := errs.Fields{}
	if Reason(f, true, "  "); f["late_reason"].Key == "" {
		t.Fatalf("a late entry without a reason: %v", f)
	}
	f = errs.Fields{}
	if r := Reason(f, false, "x"); r != "" || len(f) > 0 {
		t.Fatal("not late: no reason kept")
	}
}

func TestDay(t *testing.T) {
	// each day, entered on 2024-03-01, and the message it earns ("" none)
	want := map[string]string{
		"2024-03-01": "", "2023-12-31": "",
		"2024-03-02": "room.future",
		"2024-02-30": "room.bad", "2024-3-1": "room.bad", "": "room.bad",
	}
	for day, msg := range want {
		f := errs.Fields{}
		ok := Day(f, "on", day, "2024-03-01", "room.bad", "room.future")
		if ok != (msg == "") || f["on"].Key != msg {
			t.Errorf("Day(%q) = %v with %q, want %q", day, ok, f["on"].Key, msg)
		}
	}
}
