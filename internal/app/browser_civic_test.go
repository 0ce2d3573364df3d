package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/app/browsertest"
	"linli/internal/civic"
	"linli/internal/platform/auth"
)

// narrow checks that page is no wider than a 390 px phone's screen.
func narrow(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if w := browsertest.Run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("%s is %d px wide on a 390 px screen", page, w)
	}
}

// On a phone: a resident finds an organization near home (district →
// street → community on the portal, then a 2-character search), signs up choosing their community, signs up for
// an activity, states a need, rates the organization after the activity
// (a script in the comment stays text) and answers the district's survey;
// then a typical case goes from the leader's draft through the street and
// the district to the public page.
func TestBrowserResidentAndCase(t *testing.T) {
	ctx := browser(t)
	a := apptest.New(t)
	bg := context.Background()
	street := a.CreateUser("civic-street", auth.StreetOfficer, wushan, 0)
	district := a.CreateUser("civic-district", auth.DistrictOfficer, tianhe, 0)
	org := a.ActiveOrg(street, "五山长者健步队", wushanComm)
	a.CreateUser("civic-leader", auth.OrgLeader, wushanComm, org.ID)
	start := a.Clock.Now().Add(time.Hour)
	act, err := a.Activity.Create(bg, street, activity.Input{OrgIDs: []int64{org.ID}, Title: "长者健步走", Theme: "culture", Kind: "sports",
		StartsAt: start.Format(time.RFC3339), EndsAt: start.Add(time.Hour).Format(time.RFC3339), CommunityCode: wushanComm,
		Address: "五山公园", Participants: 20, Beneficiaries: activity.Beneficiaries{Total: 20, Other: 20}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Activity.SetSignups(bg, street, act.ID, true, 30); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Civic.CreateSurvey(bg, district, civic.SurveyInput{Title: "天河区认可度调查", UnitCode: tianhe, OpensOn: "2023-06-01", ClosesOn: "2023-06-30"}); err != nil {
		t.Fatal(err)
	}

	a.ActiveOrg(street, "五山书画社", wushanComm)

	// near home: the district's page, the street, the community, then "健步"
	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(a.URL()+"/p/"+tianhe), chromedp.WaitVisible(chromedp.ID("near-me")))
	status(t, ctx, chromedp.Click(chromedp.CSS(`#near-me a[href="/p/`+wushan+`"]`)))
	status(t, ctx, chromedp.Click(chromedp.CSS(`#near-me a[href="/p/`+wushanComm+`"]`)))
	if loc := browsertest.Run(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/p/"+wushanComm) {
		t.Fatalf("near home at %s", loc)
	}
	browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "健步"))
	status(t, ctx, chromedp.Click(chromedp.CSS(`#search button[type="submit"]`)))
	narrow(t, ctx, "/p/"+wushanComm+"?q=健步")
	found := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("orgs")))
	if !strings.Contains(found, "五山长者健步队") || strings.Contains(found, "五山书画社") {
		t.Fatalf("a 2-character search near home found %q", found)
	}
	status(t, ctx, chromedp.Click(chromedp.CSS(`#org-`+strconv.FormatInt(org.ID, 10)+` a`)))
	if got := browsertest.Run(t, ctx, chromedp.Title()); !strings.Contains(got, "五山长者健步队") {
		t.Fatalf("the organization's page is titled %q", got)
	}
	narrow(t, ctx, "/p/orgs/{id}")

	browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+"/residents/signup?street="+wushan),
		chromedp.WaitVisible(chromedp.ID("signup-form")))
	narrow(t, ctx, "/residents/signup")
	browsertest.Do(t, ctx, chromedp.SetValue(chromedp.ID("community_code"), wushanComm), chromedp.SendKeys(chromedp.ID("username"), "li-xiaoyan"),
		chromedp.SendKeys(chromedp.ID("password"), apptest.Password), chromedp.SendKeys(chromedp.ID("phone"), "13911112222"))
	if s := status(t, ctx, chromedp.Click(chromedp.ID("signup-submit"))); s != 200 {
		t.Fatalf("sign-up landed with %d", s)
	}
	if loc := browsertest.Run(t, ctx, chromedp.Location()); !strings.Contains(loc, civic.Home) {
		t.Fatalf("after sign-up at %s", loc)
	}
	narrow(t, ctx, civic.Home)
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("my-community"))); !strings.Contains(got, "社区") {
		t.Errorf("community line %q", got)
	}
	// sign up for the activity
	status(t, ctx, chromedp.Click(chromedp.CSS(`#activities form button`)))
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("activities"))); !strings.Contains(got, "已报名") {
		t.Errorf("activities after sign-up: %q", got)
	}
	// state a need
	browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("need-title"), "希望增加长者健步活动"), chromedp.SetValue(chromedp.ID("need-field"), "elderly"))
	status(t, ctx, chromedp.Click(chromedp.ID("need-submit")))
	if n := a.Count("fund_needs"); n != 1 {
		t.Errorf("needs %d, want 1", n)
	}
	// after the activity: rate it
	a.Clock.Advance(90 * time.Minute)
	browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+civic.Home), chromedp.WaitVisible(chromedp.ID("rate-form")))
	browsertest.Do(t, ctx, chromedp.SetValue(chromedp.ID("stars"), "4"), chromedp.SendKeys(chromedp.ID("comment"), `<script>alert(1)</script>走得开心`))
	status(t, ctx, chromedp.Click(chromedp.ID("rate-submit")))
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("my-ratings"))); !strings.Contains(got, "<script>alert(1)</script>走得开心") || !strings.Contains(got, "待审核") {
		t.Errorf("my ratings: %q", got)
	}
	if n := a.Count("org_ratings"); n != 1 {
		t.Errorf("ratings %d, want 1", n)
	}
	// answer the survey
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="q_knows"][value="yes"]`)), chromedp.Click(chromedp.CSS(`input[name="q_took_part"][value="yes"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="q_satisfaction"]`), "5"))
	status(t, ctx, chromedp.Click(chromedp.CSS(`#surveys form button`)))
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("surveys"))); !strings.Contains(got, "已提交") {
		t.Errorf("surveys after answering: %q", got)
	}
	var knows, took, sat int
	if err := a.DB.Read.QueryRow(`SELECT knows, took_part, satisfaction FROM survey_answers`).Scan(&knows, &took, &sat); err != nil || knows != 1 || took != 1 || sat != 5 {
		t.Errorf("answer %d %d %d %v", knows, took, sat, err)
	}
	narrow(t, ctx, civic.Home)
	// an officer's page is not there for a resident
	if s := status(t, ctx, chromedp.Navigate(a.URL()+"/orgs")); s != 404 {
		t.Errorf("a resident on /orgs: %d", s)
	}
	signOut(t, ctx)

	// the case: the leader drafts and submits, the street then the district approve
	step := func(user string, then func()) {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
		signIn(t, ctx, a, user)
		browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844))
		then()
		browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
		signOut(t, ctx)
	}
	var caseURL string
	step("civic-leader", func() {
		browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+"/cases"), chromedp.WaitVisible(chromedp.ID("case-form")))
		narrow(t, ctx, "/cases")
		browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("case-title"), "健步走出好邻里"), chromedp.SendKeys(chromedp.ID("story"), "长者每周健步，结识了新邻居。"),
			chromedp.Click(chromedp.CSS(`input[name="themes"][value="culture"]`)), chromedp.SendKeys(chromedp.ID("activity_ids"), itoa64(act.ID)))
		status(t, ctx, chromedp.Click(chromedp.ID("case-save")))
		caseURL = browsertest.Run(t, ctx, chromedp.Location())
		narrow(t, ctx, "the case")
		status(t, ctx, chromedp.Click(chromedp.ID("case-submit")))
		if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("case-status"))); !strings.Contains(got, "待街道审核") {
			t.Errorf("after submit: %q", got)
		}
	})
	path := caseURL[strings.Index(caseURL, "/cases/"):]
	if i := strings.Index(path, "?"); i > 0 {
		path = path[:i]
	}
	for _, x := range []struct{ user, want string }{{"civic-street", "待区审核"}, {"civic-district", "已发布"}} {
		step(x.user, func() {
			browsertest.Do(t, ctx, chromedp.Navigate(a.URL()+path), chromedp.WaitVisible(chromedp.ID("decide-form")))
			status(t, ctx, chromedp.Click(chromedp.ID("case-approve")))
			if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("case-status"))); !strings.Contains(got, x.want) {
				t.Errorf("after %s: %q", x.user, got)
			}
		})
	}
	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844))
	if s := status(t, ctx, chromedp.Navigate(a.URL()+"/p"+path)); s != 200 {
		t.Fatalf("public case: %d", s)
	}
	narrow(t, ctx, "/p"+path)
	if got := browsertest.Run(t, ctx, chromedp.Text(chromedp.ID("case"))); !strings.Contains(got, "健步走出好邻里") || !strings.Contains(got, "20") {
		t.Errorf("public case: %q", got)
	}
}
