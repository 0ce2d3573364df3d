package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/portal"
)

// TestBrowserPortal visits the public portal as a visitor who is not
// signed in, at 1366 and 390 px, on a small world (the demonstration's
// walk in TestBrowserEveryPage does the same with the demo's data).
func TestBrowserPortal(t *testing.T) {
	ctx := browserWithin(t, 5*time.Minute)
	a := apptest.New(t)
	city := a.CreateUser("city-portal-b", auth.CityAdmin, "4401", 0)
	o := a.ActiveOrg(city, "育蕾长者舞蹈队", "440106008007")
	leader := a.CreateUser("leader-portal-b", auth.OrgLeader, "440106008007", o.ID)
	if _, err := a.Portal.PutSettings(context.Background(), leader, o.ID, portal.Settings{Contact: true, ContactName: "王老师",
		ContactPhone: "020-12345678", About: true, Description: "每周二晚上在社区广场活动。", Activities: true}); err != nil {
		t.Fatal(err)
	}
	probeCSP(t, ctx)
	walkPages(t, ctx, a.URL(), "anonymous", (&geo.Namer{S: a.Geo}).Name, []string{"/", "/p/4401", "/p/440106", "/p/440106008", "/p/440106008007",
		"/p/orgs/" + strconv.FormatInt(o.ID, 10), "/p/activities", "/p/440106?q=wudao", "/p/activities?within=440106&from=2023-06-01&to=2023-06-30"})
}
