package app_test

import (
	"net/url"
	"strings"
	"testing"

	"linli/internal/app/apptest"
)

// The organization picker in the scope walk: an intruder searching for 五山's
// organization by its name, its pinyin or below 五山 finds nothing of it, and
// a form naming it by name is refused as "not found in your scope".
func init() {
	hides := func(t *testing.T, w *world, who string, r *apptest.Response) {
		if strings.Contains(r.String(), w.org.Name) {
			t.Errorf("%s picks %s", who, w.org.Name)
		}
	}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /api/v1/orgs/pick", path: "/api/v1/orgs/pick?q=" + url.QueryEscape("舞蹈"), want: 200, check: hides},
		scopeCase{pattern: "GET /api/v1/orgs/pick", path: "/api/v1/orgs/pick?q=wushan", want: 200, check: hides},
		scopeCase{pattern: "GET /api/v1/orgs/pick", path: "/api/v1/orgs/pick?within=" + wushan, want: 200, check: hides},
		scopeCase{pattern: "POST /hubs", path: "/hubs", body: form("org_id", "五山夕阳红舞蹈队", "reason", "入侵"), want: 422},
	)
}
