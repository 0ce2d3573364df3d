package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
)

// The targets dashboard, the indicators and the rural pilots in the scope
// walk. The foreign objects: 天河区's own indicator (C3), which the 海珠
// officer must not see (the 员村 street officer, inside 天河, may read it
// but changes nothing), and a rural pilot in 白云区, outside both intruders'
// scopes.
func init() {
	scopeSetups = append(scopeSetups, func(t *testing.T, w *world) {
		ctx := context.Background()
		th := w.a.CreateUser("tianhe-kpi", auth.DistrictOfficer, tianhe, 0)
		if _, err := w.a.KPI.Create(ctx, th, kpi.Input{Key: "tianhe_goal", NameZH: "天河区自定目标", Level: kpi.LevelStreet,
			Rule: kpi.Rule{Kind: kpi.KindCount, Source: kpi.SourceOrgs}, Target: 2, Deadline: "2023-12-31"}); err != nil {
			t.Fatal(err)
		}
		city := w.a.CreateUser("city-kpi", auth.CityAdmin, "4401", 0)
		p, err := w.a.KPI.Designate(ctx, city, kpi.PilotInput{CommunityCode: "440111020200", DesignatedOn: "2022-05-01", Note: "白云试点", LateReason: "补录"})
		if err != nil {
			t.Fatal(err)
		}
		w.IDs["{indicator}"] = "tianhe_goal"
		w.Missing["{indicator}"] = "no_such_goal"
		w.IDs["{pilot}"] = strconv.FormatInt(p.ID, 10)
	})
	scopeSnapshots = append(scopeSnapshots, func(t *testing.T, w *world) string {
		var version, active int
		var revoked string
		w.scan(t, `SELECT version, active FROM indicators WHERE key = 'tianhe_goal'`, nil, &version, &active)
		w.scan(t, `SELECT revoked_on FROM pilots WHERE id = $1`, []any{w.IDs["{pilot}"]}, &revoked)
		return fmt.Sprintf("tianhe_goal v%d active %d; pilot revoked %q; indicators %d; pilots %d", version, active, revoked,
			w.a.Count("indicators"), w.a.Count("pilots"))
	})
	nf, ok, fb := http.StatusNotFound, http.StatusOK, http.StatusForbidden
	hides := func(s ...string) func(t *testing.T, w *world, who string, r *apptest.Response) {
		return func(t *testing.T, w *world, who string, r *apptest.Response) {
			for _, x := range s {
				if who == "haizhu-district" && strings.Contains(r.String(), x) {
					t.Errorf("%s sees %s", who, x)
				}
			}
			if strings.Contains(r.String(), "白云试点") {
				t.Errorf("%s sees the 白云 pilot", who)
			}
		}
	}
	indicatorForm := form("key", "intruder_goal", "name_zh", "入侵", "scope_code", tianhe, "level", "district", "kind", "count",
		"source", "orgs", "target", "1", "deadline", "2023-12-31", "active", "1")
	indicatorJSON := map[string]any{"key": "intruder_goal", "name_zh": "入侵", "scope_code": tianhe, "level": "district",
		"rule": map[string]string{"kind": "count", "source": "orgs"}, "target": 1, "deadline": "2023-12-31"}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /static/kpi/", path: "/static/kpi/kpi.css", want: ok},
		scopeCase{pattern: "GET /dashboard", path: "/dashboard", want: http.StatusSeeOther},
		scopeCase{pattern: "GET /dashboard/{code}", path: "/dashboard/{code}", want: nf},
		scopeCase{pattern: "GET /dashboard/{code}", path: "/dashboard/" + tianhe, want: nf},
		scopeCase{pattern: "GET /dashboard/{code}/report", path: "/dashboard/{code}/report", want: nf},
		scopeCase{pattern: "GET /dashboard/{code}/export.xlsx", path: "/dashboard/{code}/export.xlsx", want: nf},
		scopeCase{pattern: "GET /api/v1/dashboard/{code}", path: "/api/v1/dashboard/{code}", want: nf},
		scopeCase{pattern: "GET /api/v1/dashboard/{code}/export", path: "/api/v1/dashboard/{code}/export", want: nf},
		scopeCase{pattern: "GET /indicators", path: "/indicators", want: ok, check: hides("tianhe_goal")},
		scopeCase{pattern: "POST /indicators", path: "/indicators", body: indicatorForm, want: 422, wantStreet: fb},
		scopeCase{pattern: "GET /indicators/{key}", path: "/indicators/{indicator}", want: nf, wantStreet: ok},
		scopeCase{pattern: "GET /indicators/{key}", path: "/indicators/hub_coverage?unit={code}", want: nf},
		scopeCase{pattern: "GET /indicators/{key}/edit", path: "/indicators/{indicator}/edit", want: nf, wantStreet: fb},
		scopeCase{pattern: "POST /indicators/{key}", path: "/indicators/{indicator}", body: indicatorForm, want: nf, wantStreet: fb},
		scopeCase{pattern: "GET /api/v1/indicators", path: "/api/v1/indicators", want: ok, check: hides("tianhe_goal")},
		scopeCase{pattern: "POST /api/v1/indicators", path: "/api/v1/indicators", body: indicatorJSON, want: 422, wantStreet: fb},
		scopeCase{pattern: "GET /api/v1/indicators/{key}", path: "/api/v1/indicators/{indicator}", want: nf, wantStreet: ok},
		scopeCase{pattern: "GET /api/v1/indicators/{key}", path: "/api/v1/indicators/hub_coverage?unit={code}", want: nf},
		scopeCase{pattern: "GET /api/v1/indicators/{key}/definition", path: "/api/v1/indicators/{indicator}/definition", want: nf, wantStreet: ok},
		scopeCase{pattern: "PATCH /api/v1/indicators/{key}", path: "/api/v1/indicators/{indicator}", body: map[string]any{"target": 9}, want: nf, wantStreet: fb},
		scopeCase{pattern: "GET /api/v1/indicators/{key}/units", path: "/api/v1/indicators/{indicator}/units", want: nf, wantStreet: ok},
		scopeCase{pattern: "GET /api/v1/indicators/{key}/units", path: "/api/v1/indicators/hub_coverage/units?unit={code}", want: nf},
		scopeCase{pattern: "GET /api/v1/indicators/{key}/records", path: "/api/v1/indicators/{indicator}/records", want: nf, wantStreet: ok},
		scopeCase{pattern: "GET /api/v1/indicators/{key}/records", path: "/api/v1/indicators/brand_orgs/records?unit={code}", want: nf},
		scopeCase{pattern: "GET /pilots", path: "/pilots", want: ok, check: hides()},
		scopeCase{pattern: "POST /pilots", path: "/pilots", body: form("community_code", "440111020201"), want: 422, wantStreet: fb},
		scopeCase{pattern: "POST /pilots/{id}/revoke", path: "/pilots/{pilot}/revoke", body: form("reason", "入侵"), want: nf, wantStreet: fb},
		scopeCase{pattern: "GET /api/v1/pilots", path: "/api/v1/pilots", want: ok, check: hides()},
		scopeCase{pattern: "POST /api/v1/pilots", path: "/api/v1/pilots", body: map[string]string{"community_code": "440111020201"}, want: 422, wantStreet: fb},
		scopeCase{pattern: "POST /api/v1/pilots/{id}/revoke", path: "/api/v1/pilots/{pilot}/revoke", body: map[string]string{"reason": "入侵"}, want: nf, wantStreet: fb},
	)
}
