package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"linli/internal/app/apptest"
	"linli/internal/app/browsertest"
	"linli/internal/platform/auth"
	"linli/internal/training"
)

// A trainee checks in on a phone-sized screen: the page the trainer's QR
// code opens, with the code filled in; the phone they enrolled with.
func TestBrowserTraineeChecksIn(t *testing.T) {
	ctx := browser(t)
	a := apptest.New(t)
	officer := a.CreateUser("wushan-trainer", auth.StreetOfficer, wushan, 0)
	svc := a.Training
	bg := context.Background()
	start := a.Clock.Now().Add(-5 * time.Minute)
	tr, err := svc.Create(bg, officer, training.TrainingInput{Title: "社区志愿者应急实训", Programme: "聚善育才计划", Form: "field_visit",
		Topics: []string{"emergency"}, Audiences: []string{"volunteers"}, UnitCode: wushan, StartsAt: start,
		EndsAt: start.Add(2 * time.Hour), Capacity: 10, Place: "五山街党群服务中心"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.CreatePerson(bg, officer, training.PersonInput{Name: "冯晓彤", Phone: "13800138555", Role: "志愿者", CommunityCode: wushanComm})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Enrol(bg, officer, tr.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	code, err := svc.Code(bg, officer, tr.ID, a.URL())
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(code.URL), chromedp.WaitVisible(chromedp.ID("phone")))
	if got := browsertest.Run(t, ctx, chromedp.Value(chromedp.ID("code"))); got != code.Code {
		t.Errorf("code field %q, want %q", got, code.Code)
	}
	narrow(t, ctx, "the page")
	browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("phone"), "138 0013 8555"))
	if s := status(t, ctx, chromedp.Click(chromedp.ID("checkin-submit"))); s != 200 {
		t.Fatalf("check-in landed with %d", s)
	}
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("checked-in"))); !strings.Contains(got, "冯**") || !strings.Contains(got, "社区志愿者应急实训") {
		t.Errorf("check-in page says %q", got)
	}
	if n := a.Count("training_attendance"); n != 1 {
		t.Errorf("attendance rows %d, want 1", n)
	}
	// the trainer's screen, the list and the street's readiness page fit a phone too
	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900)) // the menu folds away on a phone
	signIn(t, ctx, a, "wushan-trainer")
	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844))
	for _, page := range []string{"/trainings/" + itoa64(tr.ID), "/trainings", "/readiness"} {
		browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+page), chromedp.WaitVisible(chromedp.CSS("main h1")))
		narrow(t, ctx, page)
	}
	browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+"/trainings/"+itoa64(tr.ID)), chromedp.WaitVisible(chromedp.CSS("img.qr")))
	if ok := browsertest.Run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('img.qr').naturalWidth > 0`)); !ok {
		t.Error("the QR code image does not load")
	}
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("attended"))); got != "1" {
		t.Errorf("attended %q", got)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
