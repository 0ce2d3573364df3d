package app_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"linli/internal/app/apptest"
	"linli/internal/app/browsertest"
	"linli/internal/civic"
	"linli/internal/platform/auth"
)

// On a phone, a district officer defines a survey in the form: a first
// try without a title is refused with the field named and the rows kept;
// then the survey of 五山 with the default questions and one of their own
// is saved and shows on its page; the API reads the same instrument.
func TestBrowserSurveyForm(t *testing.T) {
	ctx := browser(t)
	a := apptest.New(t)
	district := a.CreateUser("form-district", auth.DistrictOfficer, tianhe, 0)
	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, a, "form-district")
	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844))
	browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+"/surveys"), chromedp.WaitVisible(chromedp.ID("new-survey")))
	status(t, ctx, chromedp.Click(chromedp.ID("new-survey")))
	browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.ID("survey-form")))
	narrow(t, ctx, "/surveys/new")
	// the default instrument is offered, then blank rows
	if v := browsertest.Run(t, ctx, chromedp.Evaluate[string](`document.getElementById("q0_key").value`)); v != "knows" {
		t.Fatalf("the first row holds %q", v)
	}
	browsertest.Do(t, ctx,
		chromedp.SetValue(chromedp.ID("unit_code"), wushan),
		chromedp.SetValue(chromedp.ID("opens_on"), "2023-06-01"),
		chromedp.SetValue(chromedp.ID("closes_on"), "2023-06-30"),
		chromedp.SendKeys(chromedp.ID("q4_key"), "pet"),
		chromedp.SendKeys(chromedp.ID("q4_text_zh"), "您家里养宠物吗？"),
		chromedp.SetValue(chromedp.ID("q4_scale"), "yes_no"))
	if s := status(t, ctx, chromedp.Click(chromedp.ID("survey-save"))); s != 422 {
		t.Fatalf("without a title: %d", s)
	}
	if msg := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("title-error"))); !strings.Contains(msg, "必填") {
		t.Fatalf("the title's error reads %q", msg)
	}
	if v := browsertest.Run(t, ctx, chromedp.Evaluate[string](`document.getElementById("q4_text_zh").value`)); v != "您家里养宠物吗？" {
		t.Fatalf("the refused form lost a row: %q", v)
	}
	narrow(t, ctx, "/surveys (refused)")
	browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("title"), "五山街居民认可度调查"))
	if s := status(t, ctx, chromedp.Click(chromedp.ID("survey-save"))); s != 200 {
		t.Fatalf("saving the survey: %d", s)
	}
	if h := browsertest.Run(t, ctx, chromedp.Text(chromedp.CSS("h1"))); h != "五山街居民认可度调查" {
		t.Fatalf("landed on %q", h)
	}
	var list struct{ Items []civic.Survey }
	a.As(district).Do("GET", "/api/v1/surveys", nil).Decode(&list)
	if len(list.Items) != 1 {
		t.Fatalf("%d surveys", len(list.Items))
	}
	sv := list.Items[0]
	want := append(civic.DefaultQuestions(), civic.Question{Key: "pet", TextZH: "您家里养宠物吗？", Scale: "yes_no"})
	if sv.UnitCode != wushan || sv.OpensOn != "2023-06-01" || sv.ClosesOn != "2023-06-30" || len(sv.Questions) != len(want) {
		t.Fatalf("saved %+v", sv)
	}
	for i := range want {
		if !reflect.DeepEqual(sv.Questions[i], want[i]) {
			t.Errorf("question %d: %+v, want %+v", i, sv.Questions[i], want[i])
		}
	}
}
