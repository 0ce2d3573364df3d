package app_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"linli/internal/app/apptest"
	"linli/internal/app/browsertest"
)

// TestHomeScreens regenerates docs/screens/: each role's home page in the
// demonstration at 1366 and 390 px. Not in CI: it runs only when
// LINLI_SCREENS names the folder to write, e.g.
//
//	LINLI_SCREENS=$PWD/docs/screens go test ./internal/app/ -run TestHomeScreens
func TestHomeScreens(t *testing.T) {
	dir := os.Getenv("LINLI_SCREENS")
	if dir == "" {
		t.Skip("LINLI_SCREENS unset: screenshots are made on request, not in CI")
	}
	a, res := apptest.NewDemo(t)
	seen := map[string]bool{}
	for _, acct := range res.Accounts {
		if seen[acct.Role] {
			continue
		}
		seen[acct.Role] = true
		t.Run(acct.Username, func(t *testing.T) {
			ctx := browserWithin(t, 5*time.Minute)
			code := ""
			if acct.TOTPSecret != "" {
				a.RememberTOTP(acct.Username, acct.TOTPSecret)
				code = a.With(t).TOTPCode(acct.Username)
			}
			demoSignIn(t, ctx, a.URL(), acct.Username, res.Password, code)
			for _, w := range []int64{1366, 390} {
				browsertest.Do(t, ctx, chromedp.EmulateViewport(w, 844), chromedp.Navigate(a.URL()+"/"),
					chromedp.WaitVisible(chromedp.CSS("main")))
				img := browsertest.Run(t, ctx, chromedp.FullScreenshot(80))
				name := filepath.Join(dir, "home-"+acct.Username+"-"+itoa64(w)+".jpg")
				if err := os.WriteFile(name, img, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			signOut(t, ctx)
		})
	}
}
