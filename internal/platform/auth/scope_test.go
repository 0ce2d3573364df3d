package auth

import (
	"testing"

	"linli/internal/platform/errs"
)

func TestNarrowAndOverlaps(t *testing.T) {
	street := &User{Role: StreetOfficer, ScopeCode: "440106008"}
	for _, c := range []struct {
		within, code string
		ok           bool
	}{
		{"", "440106008", true},                // no filter: the scope
		{"4401", "440106008", true},            // a filter enclosing the scope: the scope
		{"440106008", "440106008", true},       // the scope itself
		{"440106008007", "440106008007", true}, // inside: the filter
		{"440106013", "", false},               // a sibling street: nothing
		{"440106013001", "", false},            // a community of a sibling street
	} {
		code, ok := street.Narrow(c.within)
		if code != c.code || ok != c.ok {
			t.Errorf("Narrow(%q) = %q %v, want %q %v", c.within, code, ok, c.code, c.ok)
		}
	}
	for code, want := range map[string]bool{
		"": true, "4401": true, "440106": true, "440106008": true, "440106008007": true,
		"440106013": false, "440106013001": false, "440104": false,
	} {
		if got := street.Overlaps(code); got != want {
			t.Errorf("Overlaps(%q) = %v, want %v", code, got, want)
		}
	}
	for _, c := range []struct {
		within, code string
		found        bool
	}{
		{"", "440106008", true},
		{"440106008", "440106008", true},
		{"440106008007", "440106008007", true},
		{"4401", "", false}, // enclosing the scope: not found (Narrow reads it as the scope)
		{"440106013", "", false},
		{"440106013001", "", false},
	} {
		code, err := street.Within(c.within)
		if code != c.code || (err == nil) != c.found || (err != nil && !errs.Is(err, errs.NotFound)) {
			t.Errorf("Within(%q) = %q %v, want %q found %v", c.within, code, err, c.code, c.found)
		}
	}
	var nobody *User
	if _, err := nobody.Within(""); err == nil {
		t.Error("a nil user's view is found")
	}
	if _, ok := nobody.Narrow(""); ok || nobody.Overlaps("4401") {
		t.Error("a nil user sees something")
	}
	if (&User{}).Overlaps("4401") {
		t.Error("a user without a scope overlaps a division")
	}
}
