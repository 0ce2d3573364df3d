package app_test

import (
	"net/http"
	"strings"
	"testing"

	"linli/internal/app/apptest"
)

// The coverage report in the scope walk: 五山 (the foreign place, {code})
// is not found for either intruder, as page, spreadsheet or JSON; their
// own report names their own place only and nothing of 五山.
func init() {
	nf, ok := http.StatusNotFound, http.StatusOK
	own := func(t *testing.T, w *world, who string, r *apptest.Response) {
		if strings.Contains(r.String(), wushan) || strings.Contains(r.String(), "五山") {
			t.Errorf("%s's coverage report names 五山", who)
		}
	}
	ownJSON := func(t *testing.T, w *world, who string, r *apptest.Response) {
		own(t, w, who, r)
		var rep struct {
			Unit string `json:"unit"`
			Rows []struct {
				Unit string `json:"unit"`
			} `json:"rows"`
		}
		r.Decode(&rep)
		if rep.Unit != w.intruders[who].ScopeCode || len(rep.Rows) == 0 {
			t.Errorf("%s: coverage of %q with %d rows", who, rep.Unit, len(rep.Rows))
		}
		for _, row := range rep.Rows {
			if !strings.HasPrefix(row.Unit, rep.Unit) {
				t.Errorf("%s: a row outside the scope: %s", who, row.Unit)
			}
		}
	}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /static/coverage/", path: "/static/coverage/coverage.css", want: ok},
		scopeCase{pattern: "GET /coverage", path: "/coverage?unit={code}", want: nf},
		scopeCase{pattern: "GET /coverage", path: "/coverage?unit={code}&as_of=2022-06-30", want: nf},
		scopeCase{pattern: "GET /coverage", path: "/coverage", want: ok, check: own},
		scopeCase{pattern: "GET /coverage/export.xlsx", path: "/coverage/export.xlsx?unit={code}", want: nf},
		scopeCase{pattern: "GET /coverage/export.xlsx", path: "/coverage/export.xlsx", want: ok},
		scopeCase{pattern: "GET /api/v1/coverage", path: "/api/v1/coverage?unit={code}", want: nf},
		scopeCase{pattern: "GET /api/v1/coverage", path: "/api/v1/coverage?unit={code}&by=type&as_of=2022-06-30", want: nf},
		scopeCase{pattern: "GET /api/v1/coverage", path: "/api/v1/coverage", want: ok, check: ownJSON},
	)
}
