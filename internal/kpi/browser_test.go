package kpi_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// browser starts a headless Chromium (Debian's, or LINLI_CHROMIUM), stopped
// when the test ends. Without Chromium the test is skipped unless
// LINLI_REQUIRE_BROWSER=1 makes that a failure, as the app's browser tests do.
func browser(t *testing.T) context.Context {
	t.Helper()
	chromium := os.Getenv("LINLI_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("LINLI_REQUIRE_BROWSER") == "1" {
			t.Fatalf("LINLI_REQUIRE_BROWSER=1 but there is no Chromium at %s: %v", chromium, err)
		}
		t.Skipf("browser test skipped: no Chromium at %s", chromium)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 900))
	alloc, cancelTimeout := context.WithTimeout(alloc, 3*time.Minute) // a guard against a hung browser
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelTimeout(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// TestBrowserDashboard: the city administrator opens the dashboard; the
// charts draw (ECharts from the binary, under the Content-Security-Policy);
// a click on a district in the ranking opens that district's dashboard.
func TestBrowserDashboard(t *testing.T) {
	ctx := browser(t)
	a := apptest.New(t)
	city := a.User(auth.CityAdmin, "4401")
	for i, c := range []string{"440106008007", "440106001001", "440117001001", "440103001101"} {
		in := apptest.OrgInput("测试枢纽组织"+string(rune('甲'+i)), c)
		in.Status, in.Hub, in.Brand = registry.StatusActive, true, i%2 == 0
		a.CreateOrg(city, in)
	}
	base := a.URL()
	do(t, ctx, chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.ID("username"), city.Username),
		chromedp.SendKeys(chromedp.ID("password"), apptest.Password),
		chromedp.Click(chromedp.ID("login-submit")), chromedp.WaitVisible(chromedp.ID("totp")),
		// the city administrator's second step
		chromedp.SendKeys(chromedp.ID("totp"), a.TOTPCode(city.Username)),
		chromedp.Click(chromedp.ID("totp-submit")), chromedp.WaitVisible(chromedp.CSS(".who")))
	do(t, ctx, chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(chromedp.ID("kpi-table")),
		chromedp.WaitVisible(chromedp.CSS("#kpi-chart-hub_coverage canvas")))
	charts := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.kpi-chart canvas').length`))
	divs := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.kpi-chart').length`))
	if charts < divs || divs < 4 {
		t.Fatalf("%d canvases for %d charts", charts, divs)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`echarts.getInstanceByDom(document.getElementById('kpi-chart-hub_coverage')).getOption().series[0].data.length`)); n != 11 {
		t.Errorf("hub coverage chart has %d bars, want 11 districts", n)
	}
	shot(t, ctx, "kpi-dashboard-city")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#kpi-ranking a[href^="/dashboard/440106"]`)), chromedp.WaitVisible(chromedp.ID("kpi-title")))
	if title := run(t, ctx, chromedp.Text(chromedp.ID("kpi-title"))); !strings.Contains(title, "天河区") {
		t.Fatalf("drilled into %q, want 天河区", title)
	}
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#kpi-chart-hub_coverage canvas")))
	shot(t, ctx, "kpi-dashboard-district")
	do(t, ctx, chromedp.Navigate(base+"/dashboard/4401/report"), chromedp.WaitVisible(chromedp.ID("kpi-report-table")))
	shot(t, ctx, "kpi-report")
	do(t, ctx, chromedp.Navigate(base+"/indicators"), chromedp.WaitVisible(chromedp.ID("kpi-form")))
	shot(t, ctx, "kpi-indicators")
}

// shot saves a full-page screenshot under /tmp/linli-shots for people to
// look at; nothing is asserted about it.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if err := os.MkdirAll("/tmp/linli-shots", 0o755); err != nil {
		t.Fatal(err)
	}
	b := run(t, ctx, chromedp.FullScreenshot(100))
	if err := os.WriteFile("/tmp/linli-shots/"+name+".png", b, 0o644); err != nil {
		t.Fatal(err)
	}
}
