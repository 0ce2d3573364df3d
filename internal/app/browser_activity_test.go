package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"linli/internal/app/apptest"
	"linli/internal/app/browsertest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// a 1×1 PNG
var onePixel = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// fillActivity fills the recording form on the screen it is shown on.
func fillActivity(t *testing.T, ctx context.Context, base, org, title, theme, kind, day, participants, benef, photo string) {
	t.Helper()
	browsertest.Do(t, ctx, chromedp.Navigate(base+"/activities/new"), chromedp.WaitVisible(chromedp.ID("activity-form")),
		chromedp.SetValue(chromedp.ID("org_id"), org),
		chromedp.SendKeys(chromedp.ID("title"), title),
		chromedp.SetValue(chromedp.ID("theme"), theme),
		chromedp.SetValue(chromedp.ID("kind"), kind),
		chromedp.SetValue(chromedp.ID("day"), day),
		chromedp.SetValue(chromedp.ID("start"), "09:00"),
		chromedp.SetValue(chromedp.ID("end"), "11:30"),
		chromedp.SendKeys(chromedp.ID("participants"), participants),
		chromedp.SendKeys(chromedp.ID("beneficiaries"), benef))
	if photo != "" {
		browsertest.Do(t, ctx, chromedp.SetUploadFiles(chromedp.ID("file"), []string{photo}))
	}
}

// An organization's leader records an activity with a photo on a
// phone-sized screen and finds it in the list; a major one they report is
// acknowledged by the street officer from the inbox.
func TestBrowserLeaderRecordsActivity(t *testing.T) {
	ctx := browser(t)
	a := apptest.New(t)
	officer := a.CreateUser("wushan-officer", auth.StreetOfficer, wushan, 0)
	in := apptest.ActiveInput("五山长者服务队", wushanComm)
	in.Tier = registry.TierStreet
	o := a.CreateOrg(officer, in)
	a.CreateUser("wushan-leader", auth.OrgLeader, wushanComm, o.ID)
	photo := filepath.Join(t.TempDir(), "探访.png")
	if err := os.WriteFile(photo, onePixel, 0o600); err != nil {
		t.Fatal(err)
	}
	org := itoa64(o.ID)

	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900)) // the menu folds away on a phone
	signIn(t, ctx, a, "wushan-leader")
	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844))
	fillActivity(t, ctx, a.URL(), org, "探访独居长者", "neighbourly_watch", "service", "2023-06-10", "6", "4", photo)
	narrow(t, ctx, "the form")
	if s := status(t, ctx, chromedp.Click(chromedp.ID("activity-submit"))); s != 200 {
		t.Fatalf("recording landed with %d", s)
	}
	browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#photos img")))
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("activity-title"))); !strings.Contains(got, "探访独居长者") || !strings.Contains(got, "已记录") {
		t.Errorf("activity page title %q", got)
	}
	if ok := browsertest.Run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('#photos img').naturalWidth > 0`)); !ok {
		t.Error("the photo does not load")
	}
	narrow(t, ctx, "the activity page")
	browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+"/activities"), chromedp.WaitVisible(chromedp.ID("activities")))
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("activities"))); !strings.Contains(got, "探访独居长者") {
		t.Errorf("the list does not show the activity: %q", got)
	}
	narrow(t, ctx, "the list")
	if n := a.Count("activity_files"); n != 1 {
		t.Errorf("%d files stored, want 1", n)
	}

	// a 300-person performance is held until the street acknowledges it
	fillActivity(t, ctx, a.URL(), org, "社区邻里节文艺汇演", "culture", "performance", "2023-07-20", "300", "0", "")
	if s := status(t, ctx, chromedp.Click(chromedp.ID("activity-submit"))); s != 200 {
		t.Fatalf("recording the performance landed with %d", s)
	}
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("activity-status"))); got != "待报告同意" {
		t.Errorf("the performance's status %q", got)
	}
	if s := status(t, ctx, chromedp.Click(chromedp.ID("report-submit"))); s != 200 {
		t.Fatalf("reporting landed with %d", s)
	}
	loc := browsertest.Run(t, ctx, chromedp.Location())
	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	signOut(t, ctx)
	signIn(t, ctx, a, "wushan-officer")
	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(a.URL()+"/major-reports?status=pending"), chromedp.WaitVisible(chromedp.ID("reports")))
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("reports"))); !strings.Contains(got, "社区邻里节文艺汇演") || !strings.Contains(got, "2023-07-13") {
		t.Errorf("the inbox: %q", got)
	}
	if s := status(t, ctx, chromedp.Click(chromedp.CSS(`#reports button[value="acknowledge"]`))); s != 200 {
		t.Fatalf("acknowledging landed with %d", s)
	}
	browsertest.Do(t, ctx, chromedp.Navigate(strings.Split(loc, "?")[0]), chromedp.WaitVisible(chromedp.ID("activity-status")))
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("activity-status"))); got != "已记录" {
		t.Errorf("after acknowledgement the performance is %q", got)
	}
}
