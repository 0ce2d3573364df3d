package coverage_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"linli/internal/app/apptest"
	"linli/internal/app/browsertest"
	"linli/internal/platform/auth"
)

// TestBrowserCoverage: a district officer opens the coverage report on a
// 390 px phone: the page does not scroll sideways, empty cells are marked,
// and a street's name drills down to its communities.
func TestBrowserCoverage(t *testing.T) {
	ctx := browsertest.Open(t, 390, 844)
	a := apptest.New(t)
	city := a.User(auth.CityAdmin, "4401")
	a.ActiveOrg(city, "育蕾长者舞蹈队", "440106008007")
	officer := a.User(auth.DistrictOfficer, "440106")
	base := a.URL()
	do := func(steps ...chromedp.Action[chromedp.Void]) { t.Helper(); browsertest.Do(t, ctx, steps...) }
	eval := func(js string) any { t.Helper(); return browsertest.Run(t, ctx, chromedp.Evaluate[any](js)) }
	do(chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.ID("username"), officer.Username),
		chromedp.SendKeys(chromedp.ID("password"), apptest.Password),
		chromedp.Click(chromedp.ID("login-submit")), chromedp.WaitNotPresent(chromedp.ID("login-submit")),
		// a district officer's second step
		chromedp.SendKeys(chromedp.ID("totp"), a.TOTPCode(officer.Username)),
		chromedp.Click(chromedp.ID("totp-submit")), chromedp.WaitNotPresent(chromedp.ID("totp-submit")),
		chromedp.Navigate(base+"/coverage"), chromedp.WaitVisible(chromedp.ID("cov-table")))
	overflow := eval(`document.documentElement.scrollWidth > window.innerWidth + 1`) == true
	empty := eval(`document.querySelectorAll('td.cov-empty').length`)
	do(chromedp.Click(chromedp.CSS(`#cov-row-440106008 a`)), chromedp.WaitVisible(chromedp.ID("cov-row-440106008007")))
	title := eval(`document.getElementById('cov-title').textContent`)
	if overflow {
		t.Error("the report scrolls sideways at 390 px")
	}
	if n, _ := empty.(float64); n == 0 {
		t.Error("no empty cell is marked")
	}
	if s, _ := title.(string); s == "" {
		t.Error("the drill-down has no title")
	}
}
