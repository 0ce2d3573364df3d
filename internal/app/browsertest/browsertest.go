// Package browsertest drives a headless Chromium for the browser tests of
// every room: where Chromium is, skipping (or, with LINLI_REQUIRE_BROWSER=1,
// failing) a test when it is missing, a browser of the test's own, and the
// steps that fail the test on an error.
package browsertest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path is Debian's Chromium, unless LINLI_CHROMIUM names another.
func Path() string {
	if p := os.Getenv("LINLI_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// Need returns Chromium's path. Without Chromium the test is skipped,
// unless LINLI_REQUIRE_BROWSER=1 makes that a failure (CI sets it).
func Need(t testing.TB) string {
	t.Helper()
	chromium := Path()
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("LINLI_REQUIRE_BROWSER") == "1" {
			t.Fatalf("LINLI_REQUIRE_BROWSER=1 but there is no Chromium at %s: %v", chromium, err)
		}
		t.Skipf("browser test skipped: no Chromium at %s (apt-get install chromium; set LINLI_REQUIRE_BROWSER=1 to make this a failure)", chromium)
	}
	return chromium
}

// Open starts a headless Chromium of the test's own, with a window of
// width × height pixels, stopped when the test ends (see Need when there is
// none).
func Open(t testing.TB, width, height int) context.Context {
	t.Helper()
	chromium := Need(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height))
	alloc, cancelTimeout := context.WithTimeout(alloc, 3*time.Minute) // a guard against a hung browser
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelTimeout(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// Run runs one action and returns its value; an error fails the test.
func Run[T any](t testing.TB, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

// Do runs the steps; an error fails the test.
func Do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}
