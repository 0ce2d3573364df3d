package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/points"
)

// Demonstration points in the scope walk: a point in 白云区, outside both
// intruders' scopes, that neither may see nor cancel.
func init() {
	scopeSetups = append(scopeSetups, func(t *testing.T, w *world) {
		city := w.a.CreateUser("city-points", auth.CityAdmin, "4401", 0)
		svc := w.a.Points
		p, err := svc.Create(context.Background(), city, points.Input{DistrictCode: "440111", Year: 2022,
			CommunityCode: "440111020200", Reason: "白云示范点理由"})
		if err != nil {
			t.Fatal(err)
		}
		w.IDs["{point}"] = strconv.FormatInt(p.ID, 10)
	})
	scopeSnapshots = append(scopeSnapshots, func(t *testing.T, w *world) string {
		var status string
		w.scan(t, `SELECT status FROM demonstration_points WHERE id = $1`, []any{w.IDs["{point}"]}, &status)
		return fmt.Sprintf("point %s; points %d", status, w.a.Count("demonstration_points"))
	})
	nf, ok, fb := http.StatusNotFound, http.StatusOK, http.StatusForbidden
	hides := func(t *testing.T, w *world, who string, r *apptest.Response) {
		if strings.Contains(r.String(), "白云示范点理由") {
			t.Errorf("%s sees the 白云 point", who)
		}
	}
	in := map[string]any{"district_code": "440111", "year": 2023, "community_code": "440111020200", "reason": "入侵"}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /demonstration-points", path: "/demonstration-points", want: ok, check: hides},
		scopeCase{pattern: "POST /demonstration-points", path: "/demonstration-points",
			body: form("district_code", "440111", "year", "2023", "community_code", "440111020200", "reason", "入侵"), want: 422, wantStreet: fb},
		scopeCase{pattern: "POST /demonstration-points/{id}/cancel", path: "/demonstration-points/{point}/cancel", body: form("reason", "入侵"), want: nf, wantStreet: fb},
		scopeCase{pattern: "GET /api/v1/demonstration-points", path: "/api/v1/demonstration-points", want: ok, check: hides},
		scopeCase{pattern: "POST /api/v1/demonstration-points", path: "/api/v1/demonstration-points", body: in, want: 422, wantStreet: fb},
		scopeCase{pattern: "POST /api/v1/demonstration-points/{id}/cancel", path: "/api/v1/demonstration-points/{point}/cancel",
			body: map[string]string{"reason": "入侵"}, want: nf, wantStreet: fb},
	)
}
