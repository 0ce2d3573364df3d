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
	"linli/internal/platform/upload"
	"linli/internal/portal"
)

// The public portal in the scope walk: its pages and API answer anyone
// (and never show an unpublished leader's name or phone); the publication
// settings of a 五山 organization are not found for the intruders, and
// nothing of them changes.
func init() {
	scopeSetups = append(scopeSetups, func(t *testing.T, w *world) {
		ctx := context.Background()
		city := w.a.CreateUser("city-portal", auth.CityAdmin, "4401", 0)
		in := apptest.ActiveInput("五山公开舞蹈队", wushanComm)
		in.LeaderName, in.LeaderPhone = "上官秘密", "13511112222"
		o := w.a.CreateOrg(city, in)
		leader := w.a.CreateUser("wushan-portal-leader", auth.OrgLeader, wushanComm, o.ID)
		if _, err := w.a.Portal.PutSettings(ctx, leader, o.ID, portal.Settings{Photos: true, About: true, Description: "五山公开介绍"}); err != nil {
			t.Fatal(err)
		}
		p, err := w.a.Portal.AddPhoto(ctx, leader, o.ID, &upload.File{Filename: "p.png", Data: pngBytes}, "合影")
		if err != nil {
			t.Fatal(err)
		}
		w.IDs["{porg}"], w.IDs["{pphoto}"] = strconv.FormatInt(o.ID, 10), strconv.FormatInt(p.ID, 10)
	})
	scopeSnapshots = append(scopeSnapshots, func(t *testing.T, w *world) string {
		var v, about int
		var desc string
		w.scan(t, `SELECT version, about, description FROM portal_publications WHERE org_id = $1`, []any{w.IDs["{porg}"]}, &v, &about, &desc)
		return fmt.Sprintf("publication v%d %d %s; photos %d", v, about, desc, w.a.Count("portal_photos"))
	})
	nf, ok := http.StatusNotFound, http.StatusOK
	private := func(t *testing.T, w *world, who string, r *apptest.Response) {
		if s := r.String(); strings.Contains(s, "上官秘密") || strings.Contains(s, "13511112222") {
			t.Errorf("%s sees an unpublished leader on the portal", who)
		}
	}
	set := map[string]any{"about": false, "version": 1}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /static/portal/", path: "/static/portal/portal.css", want: ok},
		scopeCase{pattern: "GET /api/v1/public/map/{code}", path: "/api/v1/public/map/4401?count=orgs", want: ok, check: private},
		scopeCase{pattern: "GET /p/{code}", path: "/p/{code}", want: ok, check: private},
		scopeCase{pattern: "GET /p/orgs/{id}", path: "/p/orgs/{porg}", want: ok, check: private},
		scopeCase{pattern: "GET /p/orgs/{id}/photos/{pid}", path: "/p/orgs/{porg}/photos/{pphoto}", want: ok},
		scopeCase{pattern: "GET /p/activities", path: "/p/activities?within=" + wushan, want: ok, check: private},
		scopeCase{pattern: "GET /p/calls/{id}", path: "/p/calls/{fcall}", want: ok, check: private},
		scopeCase{pattern: "GET /p/orgs/{id}/settings", path: "/p/orgs/{porg}/settings", want: nf},
		scopeCase{pattern: "POST /p/orgs/{id}/settings", path: "/p/orgs/{porg}/settings", body: form("version", "1"), want: nf},
		scopeCase{pattern: "POST /p/orgs/{id}/photos", path: "/p/orgs/{porg}/photos", body: form("caption", "入侵"), want: nf},
		scopeCase{pattern: "POST /p/orgs/{id}/photos/{pid}/delete", path: "/p/orgs/{porg}/photos/{pphoto}/delete", want: nf},
		scopeCase{pattern: "GET /api/v1/public/places/{code}", path: "/api/v1/public/places/{code}", want: ok, check: private},
		scopeCase{pattern: "GET /api/v1/public/orgs", path: "/api/v1/public/orgs?within=" + wushan, want: ok, check: private},
		scopeCase{pattern: "GET /api/v1/public/orgs/{id}", path: "/api/v1/public/orgs/{porg}", want: ok, check: private},
		scopeCase{pattern: "GET /api/v1/public/activities", path: "/api/v1/public/activities?within=" + wushan, want: ok},
		scopeCase{pattern: "GET /api/v1/orgs/{id}/publication", path: "/api/v1/orgs/{porg}/publication", want: nf},
		scopeCase{pattern: "PUT /api/v1/orgs/{id}/publication", path: "/api/v1/orgs/{porg}/publication", body: set, want: nf},
	)
}
