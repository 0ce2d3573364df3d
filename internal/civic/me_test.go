package civic_test

import (
	"net/http"
	"strings"
	"testing"

	"linli/internal/app/apptest"
)

// TestResidentMe: GET /api/v1/residents/me answers the resident, what they
// follow and what they signed up for, its keys in the order the map it
// was answered from sent them (follows, resident, signups).
func TestResidentMe(t *testing.T) {
	a := apptest.New(t)
	res := signUp(t, a, "resident-me", wushanC, "")
	r := res.Do("GET", "/api/v1/residents/me", nil)
	s := r.String()
	i, j, k := strings.Index(s, `"follows":`), strings.Index(s, `"resident":{`), strings.Index(s, `"signups":`)
	if r.Status != http.StatusOK || !strings.HasPrefix(s, `{"follows":`) || !(i < j && j < k) || !strings.Contains(s, `"resident-me"`) {
		t.Fatalf("me: %d %s", r.Status, s)
	}
	if r := a.Anon().Do("GET", "/api/v1/residents/me", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("signed out: %d", r.Status)
	}
}
