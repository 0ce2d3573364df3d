package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"linli/internal/app/apptest"
	"linli/internal/app/browsertest"
	"linli/internal/platform/auth"
)

// shotsDir receives screenshots for people to look at; it is not in the repository.
const shotsDir = "/tmp/linli-shots"

// browser gives the test a fresh browser context (its own cookies and
// storage, like a new profile) in the one headless Chromium that every
// browser test of this package shares; the context ends with the test.
// Without Chromium the test is skipped, unless LINLI_REQUIRE_BROWSER=1 makes
// that a failure (CI sets it).
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserWithin(t, 3*time.Minute)
}

// browserWithin is browser with a longer guard, for a test that visits
// many pages.
func browserWithin(t *testing.T, guard time.Duration) context.Context {
	t.Helper()
	chromium := browsertest.Need(t)
	shared.once.Do(func() { shared.ctx, shared.stop, shared.err = startChromium(chromium) })
	if shared.err != nil {
		t.Fatalf("start Chromium: %v", shared.err)
	}
	tab, cancelTab := chromedp.NewContext(shared.ctx, chromedp.WithNewBrowserContext())
	// A guard against a hung browser, not a timed assertion.
	ctx, cancelTimeout := context.WithTimeout(tab, guard)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a browser context: %v", err)
	}
	return ctx
}

// shared is the package's one Chromium, started by the first browser test
// and stopped by TestMain.
var shared struct {
	once sync.Once
	ctx  context.Context
	stop func()
	err  error
}

func startChromium(chromium string) (context.Context, func(), error) {
	dir, err := os.MkdirTemp("", "linli-chromium-")
	if err != nil {
		return nil, nil, err
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	stop := func() {
		cancelCtx()
		cancelAlloc()
		os.RemoveAll(dir)
	}
	if err := chromedp.Do(ctx); err != nil {
		stop()
		return nil, nil, err
	}
	return ctx, stop, nil
}

// TestMain stops the shared Chromium after the package's tests and removes
// the demonstration's template (apptest.NewDemo).
func TestMain(m *testing.M) {
	code := m.Run()
	if shared.stop != nil {
		shared.stop()
	}
	if err := apptest.CloseDemo(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// status navigates (or clicks) and returns the document's HTTP status.
func status(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return resp.Status
}

func signIn(t *testing.T, ctx context.Context, a *apptest.App, username string) {
	t.Helper()
	browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+"/login"),
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), apptest.Password))
	if s := status(t, ctx, chromedp.Click(chromedp.ID("login-submit"))); s != 200 {
		t.Fatalf("sign in as %s: landed with %d", username, s)
	}
	// the roles with a second factor are asked for the code next
	if browsertest.Run(t, ctx, chromedp.Evaluate[bool](`document.getElementById("totp") !== null`)) {
		browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("totp"), a.With(t).TOTPCode(username)))
		if s := status(t, ctx, chromedp.Click(chromedp.ID("totp-submit"))); s != 200 {
			t.Fatalf("second step as %s: landed with %d", username, s)
		}
	}
	if who := browsertest.Run(t, ctx, chromedp.Text(chromedp.CSS(".who"))); !strings.Contains(who, username) {
		t.Fatalf("signed in as %q, want %s", who, username)
	}
}

func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	status(t, ctx, chromedp.Submit(chromedp.CSS(`form[action="/logout"]`)))
	if loc := browsertest.Run(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/login") {
		t.Fatalf("after sign-out at %s, want /login", loc)
	}
}

// fillOrg fills the new-organization form; the street officer's community
// select is already populated, the cascade starting below the street.
func fillOrg(t *testing.T, ctx context.Context, base, name, phone string) {
	t.Helper()
	browsertest.Do(t, ctx, chromedp.Navigate(base+"/orgs/new"), chromedp.WaitVisible(chromedp.ID("org-form")))
	n := browsertest.Run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#community_code option[value^="`+wushan+`"]').length`))
	if n < 10 {
		t.Fatalf("community select has %d communities of 五山, want them all", n)
	}
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SetValue(chromedp.ID("tier"), "community"),
		chromedp.Click(chromedp.CSS(`input[name="types"][value="culture_sports"]`)),
		chromedp.Click(chromedp.CSS(`input[name="target_groups"][value="elderly"]`)),
		chromedp.SetValue(chromedp.ID("community_code"), wushanComm),
		chromedp.SendKeys(chromedp.ID("leader_name"), "黄小梅"),
		chromedp.SendKeys(chromedp.ID("leader_phone"), phone),
	)
}

// TestBrowserFileAndFind: a street officer files an organization in the
// browser and finds it by two characters of its name; the officer of
// another street can neither find it nor open it.
func TestBrowserFileAndFind(t *testing.T) {
	ctx := browser(t)
	a := apptest.New(t)
	base := a.URL()
	mine := a.CreateUser("wushan-officer", auth.StreetOfficer, wushan, 0)
	other := a.CreateUser("yuancun-officer", auth.StreetOfficer, yuancun, 0)
	for _, n := range []string{"五山合唱团", "五山邻里互助会", "五山青少年足球队", "五山长者饭堂志愿队"} {
		a.CreateOrg(mine, apptest.OrgInput(n, wushanComm))
	}
	const name = "五山木棉花舞蹈队"

	signIn(t, ctx, a, mine.Username)
	fillOrg(t, ctx, base, name, "13812345678")
	if s := status(t, ctx, chromedp.Click(chromedp.ID("org-submit"))); s != 200 {
		t.Fatalf("after filing: %d", s)
	}
	orgURL := browsertest.Run(t, ctx, chromedp.Location())
	if !strings.HasPrefix(orgURL, base+"/orgs/") {
		t.Fatalf("landed on %s, want the organization page", orgURL)
	}
	orgURL, _, _ = strings.Cut(orgURL, "?")
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("org-status"))); got != "待审核" {
		t.Errorf("status %q, want 待审核", got)
	}
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("org-name"))); !strings.Contains(got, name) {
		t.Errorf("heading %q, want %s", got, name)
	}

	browsertest.Do(t, ctx, chromedp.Navigate(base+"/orgs"), chromedp.SendKeys(chromedp.ID("q"), "木棉"))
	status(t, ctx, chromedp.Click(chromedp.ID("filter-submit")))
	rows := browsertest.Run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#org-table tbody tr td:first-child a')].map(a => a.textContent.trim())`))
	if len(rows) != 1 || rows[0] != name {
		t.Errorf("search 木棉 lists %q, want only %s", rows, name)
	}

	screenshots(t, ctx, base)

	signOut(t, ctx)
	signIn(t, ctx, a, other.Username)
	if s := status(t, ctx, chromedp.Navigate(base+"/orgs?q="+"木棉")); s != 200 {
		t.Fatalf("list as the other street: %d", s)
	}
	if n := browsertest.Run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#org-table tbody tr').length`)); n != 0 {
		t.Errorf("the other street's officer finds %d organizations", n)
	}
	browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.ID("org-none")))
	if s := status(t, ctx, chromedp.Navigate(orgURL)); s != 404 {
		t.Errorf("the other street's officer opens %s: %d, want 404", orgURL, s)
	}
	if body := browsertest.Run(t, ctx, chromedp.Text(chromedp.CSS("main"))); strings.Contains(body, name) || !strings.Contains(body, "404") {
		t.Errorf("404 page shows %q", body)
	}
}

// screenshots saves the list page at phone and desktop widths, and checks
// that the phone layout does not scroll sideways.
func screenshots(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	if err := os.MkdirAll(shotsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		name string
		w, h int64
	}{{"orgs-phone", 390, 844}, {"orgs-desktop", 1366, 900}} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(v.w, v.h), chromedp.Navigate(base+"/orgs"), chromedp.WaitVisible(chromedp.ID("org-table")))
		if v.w < 500 {
			if sw := browsertest.Run(t, ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)); sw > v.w {
				t.Errorf("at %dpx the list page is %dpx wide: it scrolls sideways", v.w, sw)
			}
		}
		png := browsertest.Run(t, ctx, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(shotsDir, v.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
}

// TestBrowserFormErrors: a bad phone comes back beside its field with what
// was typed kept, and nothing is filed.
func TestBrowserFormErrors(t *testing.T) {
	ctx := browser(t)
	a := apptest.New(t)
	u := a.CreateUser("wushan-officer", auth.StreetOfficer, wushan, 0)
	signIn(t, ctx, a, u.Username)
	const name = "五山太极拳队"
	fillOrg(t, ctx, a.URL(), name, "12345")
	if s := status(t, ctx, chromedp.Click(chromedp.ID("org-submit"))); s != 422 {
		t.Fatalf("bad phone: %d, want 422", s)
	}
	browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.ID("err-leader_phone")))
	beside := browsertest.Run(t, ctx, chromedp.Evaluate[bool](`document.getElementById('err-leader_phone').parentElement.contains(document.getElementById('leader_phone'))`))
	if !beside {
		t.Errorf("the phone message is not beside the phone field")
	}
	if got := browsertest.Run(t, ctx, chromedp.Value(chromedp.ID("name"))); got != name {
		t.Errorf("name field holds %q, want the typed %q", got, name)
	}
	if got := browsertest.Run(t, ctx, chromedp.Value(chromedp.ID("leader_phone"))); got != "12345" {
		t.Errorf("phone field holds %q, want the typed 12345", got)
	}
	if got := browsertest.Run(t, ctx, chromedp.Value(chromedp.ID("community_code"))); got != wushanComm {
		t.Errorf("community %q, want the chosen %s", got, wushanComm)
	}
	if n := a.Count("orgs"); n != 0 {
		t.Errorf("%d organizations filed, want none", n)
	}
}
