package readiness_test

import (
	"net/http"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
)

// For every role whose scope holds community A (authtest.Community), the
// readiness page shows the drill form iff the service records the drill.
func TestDrillFormAgreesWithService(t *testing.T) {
	a := apptest.New(t)
	allowedRoles := 0
	for _, role := range auth.Roles {
		c := a.As(a.User(role, authtest.Scope(role)))
		page := c.Do("GET", "/readiness", nil)
		shown := page.Status == http.StatusOK && strings.Contains(page.String(), `id="drill-form"`)
		r := c.Do("POST", "/api/v1/drills", map[string]any{"community_code": commA, "scenario": "高层住宅火灾疏散",
			"held_on": "2023-05-12", "participants": 20})
		allowed := r.Status == http.StatusCreated
		if shown != allowed {
			t.Errorf("%s: the page shows the drill form %v, the service answers %d", role, shown, r.Status)
		}
		if allowed {
			allowedRoles++
		}
	}
	if allowedRoles != 4 {
		t.Errorf("%d roles record drills, want the four officers", allowedRoles)
	}
}
