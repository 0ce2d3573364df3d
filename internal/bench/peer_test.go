package bench

import (
	"strings"
	"testing"

	"linli/internal/registry"
)

// The peer comparison filters PocketBase with `ini~' 0T '` on the stored
// initials tokens: each initials term must be a whole token of the kind it
// was made from, and the words must be words of those names.
func TestSearchTermsMatchTheSearchDocuments(t *testing.T) {
	two, three, ini := SearchTerms()
	if len(two) == 0 || len(three) == 0 || len(ini) != len(iniKinds) {
		t.Fatalf("terms: %d, %d, %d (kinds %d)", len(two), len(three), len(ini), len(iniKinds))
	}
	for i, k := range iniKinds {
		_, _, tokens := registry.SearchDoc(k)
		if !strings.Contains(" "+tokens+" ", " 0"+ini[i]+" ") {
			t.Errorf("%s: initials %q not a token of %q", k, ini[i], tokens)
		}
	}
	for _, w := range two {
		if len([]rune(w)) != 2 {
			t.Errorf("%q is not two characters", w)
		}
	}
	for _, w := range three {
		if len([]rune(w)) != 3 {
			t.Errorf("%q is not three characters", w)
		}
	}
	if ini[0] != "wdd" { // 舞蹈队: wu dao dui
		t.Errorf("initials of %s: %q", iniKinds[0], ini[0])
	}
}
