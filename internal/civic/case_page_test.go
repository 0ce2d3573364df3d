package civic_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/civic"
	"linli/internal/platform/auth"
)

var casePNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// For every role and every stage of a case, the case page offers an action
// (submit, approve or return, feature, add a photo) exactly when the
// service then accepts it: both read mayDecideCase and mayAddCasePhoto.
func TestCasePageOffersWhatTheServiceAccepts(t *testing.T) {
	a := apptest.New(t)
	street := a.CreateUser("cp-street", auth.StreetOfficer, wushan, 0)
	org := a.ActiveOrg(street, "五山邻里互助队", wushanC)
	org2 := a.ActiveOrg(street, "五山书法社", wushanC)
	author := a.CreateUser("cp-author", auth.OrgLeader, wushanC, org.ID)
	district := a.CreateUser("cp-district", auth.DistrictOfficer, tianhe, 0)
	users := []*auth.User{author, a.CreateUser("cp-leader", auth.OrgLeader, wushanC, org2.ID),
		a.CreateUser("cp-committee", auth.CommunityCommittee, wushanC, 0), street,
		a.CreateUser("cp-other-street", auth.StreetOfficer, yuancun, 0), district,
		a.CreateUser("cp-city", auth.CityAdmin, "4401", 0), a.CreateUser("cp-auditor", auth.Auditor, "4401", 0)}
	n := 0
	// caseAt brings a new case of the author's to a stage.
	caseAt := func(stage string) string {
		t.Helper()
		n++
		var c civic.Case
		a.As(author).Do("POST", "/api/v1/cases", map[string]any{"title": fmt.Sprintf("案例%d", n), "story": "正文"}).
			Expect(http.StatusCreated).Decode(&c)
		path := fmt.Sprintf("/cases/%d", c.ID)
		steps := map[string][]*auth.User{civic.CaseDraft: nil, civic.CaseStreet: {author},
			civic.CaseDistrict: {author, street}, civic.CasePublished: {author, street, district}}[stage]
		for i, u := range steps {
			d := map[bool]string{true: "submit", false: "approve"}[i == 0]
			a.As(u).Do("POST", "/api/v1"+path+"/decision", map[string]string{"decision": d}).Expect(http.StatusOK)
		}
		return path
	}
	marks := map[string]string{"submit": `id="case-submit"`, "approve": `id="decide-form"`, "return": `id="decide-form"`,
		"feature": `name="decision" value="feature"`, "photo": `id="photo"`}
	offeredAny := map[string]bool{}
	for _, stage := range []string{civic.CaseDraft, civic.CaseStreet, civic.CaseDistrict, civic.CasePublished} {
		for _, u := range users {
			cl := a.As(u)
			path := caseAt(stage)
			page := cl.Do("GET", path, nil)
			for _, action := range []string{"submit", "approve", "return", "feature", "photo"} {
				offered := page.Status == http.StatusOK && strings.Contains(page.String(), marks[action])
				var r *apptest.Response
				if action == "photo" {
					r = cl.Do("POST", "/api/v1"+path+"/photos", apptest.Upload{Field: "file", Filename: "p.png", Data: casePNG})
				} else {
					r = cl.Do("POST", "/api/v1"+path+"/decision", map[string]string{"decision": action, "reason": "请补充照片"})
				}
				accepted := r.Status == http.StatusOK || r.Status == http.StatusCreated
				if offered != accepted {
					t.Errorf("%s, %s case, %s: page %d offers it %v, the service answers %d %.120s",
						u.Username, stage, action, page.Status, offered, r.Status, r.Body)
				}
				offeredAny[action] = offeredAny[action] || offered
				if accepted { // the case moved on: the next action starts from a new one at this stage
					path = caseAt(stage)
					page = cl.Do("GET", path, nil)
				}
			}
		}
	}
	for action := range marks {
		if !offeredAny[action] {
			t.Errorf("%s is offered to nobody: the page's marker %q is stale", action, marks[action])
		}
	}
}

// A case and its photos are seen, at each stage, exactly by those who may
// see the case (canSeeCase): another's draft, new or returned, by its
// author alone (the officers' list leaves it out too); a case waiting for
// the street or the district by its author and the officers of its
// place; once published, by everyone, photos on the public address too
// (its page, and the officers' list of cases worked on, stay with those
// whose scope holds it and its author: another street reads it on the
// portal).
func TestCaseAndPhotosSeenByWhoMaySee(t *testing.T) {
	a := apptest.New(t)
	street := a.CreateUser("cv-street", auth.StreetOfficer, wushan, 0)
	other := a.CreateUser("cv-other-street", auth.StreetOfficer, yuancun, 0)
	district := a.CreateUser("cv-district", auth.DistrictOfficer, tianhe, 0)
	org := a.ActiveOrg(street, "五山邻里互助队", wushanC)
	author := a.CreateUser("cv-author", auth.OrgLeader, wushanC, org.ID)
	org2 := a.ActiveOrg(street, "五山书法社", wushanC)
	leader := a.CreateUser("cv-leader", auth.OrgLeader, wushanC, org2.ID)
	var c civic.Case
	a.As(author).Do("POST", "/api/v1/cases", map[string]any{"title": "照片案例", "story": "正文"}).Expect(http.StatusCreated).Decode(&c)
	path := fmt.Sprintf("/cases/%d", c.ID)
	var added struct{ ID int64 }
	a.As(author).Do("POST", "/api/v1"+path+"/photos", apptest.Upload{Field: "file", Filename: "p.png", Data: casePNG}).
		Expect(http.StatusCreated).Decode(&added)
	if added.ID == 0 {
		t.Fatal("the photo's id is not answered")
	}
	photo := fmt.Sprintf("%s/photos/%d", path, added.ID)
	listed := func(u *auth.User) bool {
		var l struct{ Items []civic.Case }
		a.As(u).Do("GET", "/api/v1/cases", nil).Expect(http.StatusOK).Decode(&l)
		for _, x := range l.Items {
			if x.ID == c.ID {
				return true
			}
		}
		return false
	}
	check := func(stage string, sees map[*auth.User]bool) {
		t.Helper()
		for _, u := range []*auth.User{author, street, other, district, leader} {
			want := sees[u]
			works := want && (stage != civic.CasePublished || u != other)
			api := a.As(u).Do("GET", "/api/v1"+path, nil)
			page := a.As(u).Do("GET", path, nil)
			img := a.As(u).Do("GET", photo, nil)
			apiImg := a.As(u).Do("GET", "/api/v1"+photo, nil)
			if (api.Status == http.StatusOK) != want || (img.Status == http.StatusOK) != want || (page.Status == http.StatusOK) != works {
				t.Errorf("%s, %s: case %d, photo %d, page %d; want seen %v, page %v", stage, u.Username, api.Status, img.Status, page.Status, want, works)
			}
			if apiImg.Status != img.Status {
				t.Errorf("%s, %s: the API's photo %d, the page's %d", stage, u.Username, apiImg.Status, img.Status)
			}
			for _, got := range []*apptest.Response{img, apiImg} {
				if want && (string(got.Body) != string(casePNG) || got.Header.Get("Content-Type") != "image/png" ||
					!strings.Contains(got.Header.Get("Cache-Control"), "no-store")) {
					t.Errorf("%s, %s: photo %q %q", stage, u.Username, got.Header.Get("Content-Type"), got.Header.Get("Cache-Control"))
				}
			}
			if !want && !strings.Contains(apiImg.Header.Get("Content-Type"), "json") {
				t.Errorf("%s, %s: the API's refusal is %q, not JSON", stage, u.Username, apiImg.Header.Get("Content-Type"))
			}
			if works && !strings.Contains(page.String(), photo) {
				t.Errorf("%s, %s: the page does not show the photo", stage, u.Username)
			}
			if !want && img.Status != http.StatusNotFound {
				t.Errorf("%s, %s: photo %d, want 404", stage, u.Username, img.Status)
			}
			if u != leader && listed(u) != works {
				t.Errorf("%s, %s: listed %v, page %v", stage, u.Username, listed(u), works)
			}
		}
		pub := a.Anon().Do("GET", "/p"+photo, nil)
		if (pub.Status == http.StatusOK) != (stage == civic.CasePublished) {
			t.Errorf("%s: public photo %d", stage, pub.Status)
		}
	}
	decide := func(u *auth.User, d string) {
		t.Helper()
		a.As(u).Do("POST", "/api/v1"+path+"/decision", map[string]string{"decision": d, "reason": "请补充说明"}).Expect(http.StatusOK)
	}
	onlyAuthor := map[*auth.User]bool{author: true}
	check(civic.CaseDraft, onlyAuthor)
	decide(author, "submit")
	check(civic.CaseStreet, map[*auth.User]bool{author: true, street: true, district: true})
	decide(street, "return")
	check("returned", onlyAuthor)
	decide(author, "submit")
	decide(street, "approve")
	check(civic.CaseDistrict, map[*auth.User]bool{author: true, street: true, district: true})
	decide(district, "approve")
	check(civic.CasePublished, map[*auth.User]bool{author: true, street: true, other: true, district: true, leader: true})
}
