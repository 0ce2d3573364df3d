package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/civic"
	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// TestBrowserPeoplePages walks the officers' pages of registered
// beneficiaries, consultations, street associations and survey results as a
// street officer, at 1366 and 390 px: titles, no CSP violation, every
// table cell labelled, nothing wider than the phone, no code without its
// name.
func TestBrowserPeoplePages(t *testing.T) {
	ctx := browserWithin(t, 5*time.Minute)
	a := apptest.New(t)
	bg := context.Background()
	officer := a.CreateUser("people-street", auth.StreetOfficer, wushan, 0)
	district := a.CreateUser("people-district", auth.DistrictOfficer, tianhe, 0)
	in := apptest.ActiveInput("五山议事会", wushanComm)
	in.Tier = registry.TierStreet
	org := a.CreateOrg(officer, in)
	b, err := a.Activity.CreateBeneficiary(bg, officer, activity.BeneficiaryInput{PersonInput: activity.PersonInput{Name: "李婆婆", Phone: "13900001111",
		CommunityCode: wushanComm}, Groups: []string{"empty_nest_elderly"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Activity.CreateConsultation(bg, officer, activity.ConsultationInput{Topic: "加装电梯", TopicKind: "elevator", CommunityCode: wushanComm,
		RaisedBy: "residents", OrgIDs: []int64{org.ID}, Meetings: []activity.Meeting{{HeldOn: "2023-04-02", Residents: 20, Decisions: "同意"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Activity.OpenSurvey(bg, officer, c.ID, activity.SurveyInput{Question: "是否同意加装电梯？", Options: []string{"同意", "不同意"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Activity.PutAssociation(bg, officer, wushan, org.ID); err != nil {
		t.Fatal(err)
	}
	sv, err := a.Civic.CreateSurvey(bg, district, civic.SurveyInput{Title: "天河区认可度调查", UnitCode: tianhe, OpensOn: "2023-06-01", ClosesOn: "2023-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	probeCSP(t, ctx)
	signIn(t, ctx, a, officer.Username)
	walkPages(t, ctx, a.URL(), "street officer", (&geo.Namer{S: a.Geo}).Name, []string{"/beneficiaries", "/beneficiaries/" + strconv.FormatInt(b.ID, 10),
		"/consultations", "/consultations/" + strconv.FormatInt(c.ID, 10), "/associations", "/associations/" + wushan,
		"/surveys", "/surveys/" + strconv.FormatInt(sv.ID, 10), "/activities"})
}
