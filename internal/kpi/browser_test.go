package kpi_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"linli/internal/app/apptest"
	"linli/internal/app/browsertest"
	"linli/internal/platform/auth"
)

// browser starts a headless Chromium of the test's own (browsertest.Open).
func browser(t *testing.T) context.Context {
	t.Helper()
	return browsertest.Open(t, 1366, 900)
}

// TestBrowserDashboard: the city administrator opens the dashboard; the
// charts draw (ECharts from the binary, under the Content-Security-Policy);
// a click on a district in the ranking opens that district's dashboard.
func TestBrowserDashboard(t *testing.T) {
	ctx := browser(t)
	a := apptest.New(t)
	city := a.User(auth.CityAdmin, "4401")
	for i, c := range []string{"440106008007", "440106001001", "440117001001", "440103001101"} {
		in := apptest.ActiveInput("测试枢纽组织"+string(rune('甲'+i)), c)
		in.Hub, in.Brand = true, i%2 == 0
		a.CreateOrg(city, in)
	}
	base := a.URL()
	browsertest.Do(t, ctx, chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.ID("username"), city.Username),
		chromedp.SendKeys(chromedp.ID("password"), apptest.Password))
	follow(t, ctx, chromedp.Click(chromedp.ID("login-submit")))
	// the city administrator's second step
	browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("totp"), a.TOTPCode(city.Username)))
	follow(t, ctx, chromedp.Click(chromedp.ID("totp-submit")))
	browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".who")))
	browsertest.Do(t, ctx, chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(chromedp.ID("kpi-table")),
		chromedp.WaitVisible(chromedp.CSS("#kpi-chart-hub_coverage canvas")))
	charts := browsertest.Run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.kpi-chart canvas').length`))
	divs := browsertest.Run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.kpi-chart').length`))
	if charts < divs || divs < 4 {
		t.Fatalf("%d canvases for %d charts", charts, divs)
	}
	if n := browsertest.Run(t, ctx, chromedp.Evaluate[int](`echarts.getInstanceByDom(document.getElementById('kpi-chart-hub_coverage')).getOption().series[0].data.length`)); n != 11 {
		t.Errorf("hub coverage chart has %d bars, want 11 districts", n)
	}
	shot(t, ctx, "kpi-dashboard-city")
	// the city's page has a kpi-title too: wait for the district's page to
	// load, not for the old page's title
	follow(t, ctx, chromedp.Click(chromedp.CSS(`#kpi-ranking a[href^="/dashboard/440106"]`)))
	browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.ID("kpi-title")))
	if title := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("kpi-title"))); !strings.Contains(title, "天河区") {
		t.Fatalf("drilled into %q, want 天河区", title)
	}
	browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#kpi-chart-hub_coverage canvas")))
	shot(t, ctx, "kpi-dashboard-district")
	browsertest.Do(t, ctx, chromedp.Navigate(base+"/dashboard/4401/report"), chromedp.WaitVisible(chromedp.ID("kpi-report-table")))
	shot(t, ctx, "kpi-report")
	browsertest.Do(t, ctx, chromedp.Navigate(base+"/indicators"), chromedp.WaitVisible(chromedp.ID("kpi-form")))
	shot(t, ctx, "kpi-indicators")
}

// follow runs a step that loads a page (a click on a link or a submit
// button) and waits for that page's answer, which must be 200.
func follow(t *testing.T, ctx context.Context, step chromedp.Action[chromedp.Void]) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, step)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if resp.Status != 200 {
		t.Fatalf("browser: the page answered %d", resp.Status)
	}
}

// shot saves a full-page screenshot under /tmp/linli-shots for people to
// look at; nothing is asserted about it.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if err := os.MkdirAll("/tmp/linli-shots", 0o755); err != nil {
		t.Fatal(err)
	}
	b := browsertest.Run(t, ctx, chromedp.FullScreenshot(100))
	if err := os.WriteFile("/tmp/linli-shots/"+name+".png", b, 0o644); err != nil {
		t.Fatal(err)
	}
}
