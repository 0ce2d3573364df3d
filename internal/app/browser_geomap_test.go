package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"linli/internal/app/apptest"
	"linli/internal/app/browsertest"
	"linli/internal/platform/auth"
)

// The maps (internal/geomap) on the city's dashboard and coverage page, on
// a desktop and a phone: the districts are drawn from the vendored
// boundaries (a canvas in the box, no CSP violation, nothing fetched from
// elsewhere), the layer menu redraws the map with an indicator, and a
// district, whose streets have no boundaries, keeps its table and shows
// the city's map with itself outlined (dashboard and portal alike).
func TestBrowserMaps(t *testing.T) {
	ctx := browserWithin(t, 6*time.Minute)
	a := apptest.New(t)
	a.CreateUser("maps-city", auth.CityAdmin, "4401", 0)
	probeCSP(t, ctx)
	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, a, "maps-city")
	drawn := func(sel string) { // the map element once drawn, with a canvas
		t.Helper()
		browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(sel+" canvas")))
	}
	check := func(where string, width int64) {
		t.Helper()
		f := browsertest.Run(t, ctx, chromedp.Evaluate[pageFacts](pageCheck))
		for _, v := range f.CSP {
			t.Errorf("%s: Content-Security-Policy violation: %s", where, v)
		}
		if width < 500 && f.Overflow > 0 {
			t.Errorf("%s: the page is %d px wide on a %d px screen", where, f.Overflow, width)
		}
		off := browsertest.Run(t, ctx, chromedp.Evaluate[[]string](`performance.getEntriesByType("resource").map(function (e) { return e.name; }).filter(function (n) { return n.indexOf(location.origin) !== 0; })`))
		if len(off) > 0 {
			t.Errorf("%s: fetched from elsewhere: %v", where, off)
		}
	}
	shots := os.Getenv("LINLI_MAP_SHOTS") != ""
	shot := func(name, box string) {
		if !shots {
			return
		}
		os.MkdirAll(shotsDir, 0o755)
		png := browsertest.Run(t, ctx, chromedp.Screenshot(chromedp.CSS(box)))
		os.WriteFile(filepath.Join(shotsDir, name+".png"), png, 0o644)
	}
	for _, w := range []int64{1366, 390} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(w, 844))
		browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+"/dashboard/4401"))
		drawn(`#kpi-map[data-drawn="count:orgs"]`)
		check("dashboard", w)
		if n := browsertest.Run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#kpi-map-layer option").length`)); n < 5 {
			t.Errorf("the dashboard map offers %d layers, want the 4 counts and the indicators", n)
		}
		browsertest.Run(t, ctx, chromedp.Evaluate[bool](`(function () { var s = document.getElementById("kpi-map-layer");
			s.value = s.options[4].value; s.dispatchEvent(new Event("change")); return true; })()`))
		drawn(`#kpi-map[data-drawn^="indicator:"]`)
		if note := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("kpi-map-note"))); strings.TrimSpace(note) == "" {
			t.Error("the map says nothing of what it shows")
		}
		shot("map-dashboard-"+itoa64(w), "#kpi-map-box")

		browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+"/coverage?unit=4401"))
		drawn(`#cov-map[data-drawn="coverage:all"]`)
		check("coverage", w)
		browsertest.Run(t, ctx, chromedp.Evaluate[bool](`(function () { var s = document.getElementById("cov-map-col");
			s.value = s.options[1].value; s.dispatchEvent(new Event("change")); return true; })()`))
		drawn(`#cov-map[data-drawn^="coverage:"]:not([data-drawn="coverage:all"])`)
		shot("map-coverage-"+itoa64(w), "#cov-map-box")

		// a district: its streets have no boundaries, so its table only
		browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+"/coverage?unit=440106"), chromedp.WaitVisible(chromedp.ID("cov-map")))
		if n := browsertest.Run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".geomap canvas").length`)); n != 0 {
			t.Errorf("a district's coverage page draws %d maps without boundaries", n)
		}
		browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+"/dashboard/440106"), chromedp.WaitVisible(chromedp.ID("kpi-ranking")))
		if n := browsertest.Run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#kpi-map").length`)); n != 0 {
			t.Error("a district's dashboard offers a map without boundaries")
		}
		// but shows where it lies: the city's map, the district outlined
		drawn(`#kpi-locator[data-drawn="count:orgs"]`)
		check("district dashboard", w)
		// the portal likewise: a district's page draws the city's map and
		// ranks its streets in a table
		browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+"/p/440106"), chromedp.WaitVisible(chromedp.ID("ranking")))
		drawn(`#locator[data-drawn="count:orgs"]`)
		check("district portal page", w)
		if n := browsertest.Run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#pmap").length`)); n != 0 {
			t.Error("a district's portal page draws a map of streets without boundaries")
		}
		browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+"/p/4401"))
		drawn(`#pmap[data-drawn="count:orgs"]`)
		check("city portal page", w)
	}
}
