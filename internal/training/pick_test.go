package training_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/pick"
)

// TestPersonPicker: the enrolment form names a person by name. The picker
// offers the people of the user's subtree only, best first, with no cap
// (a search narrows); a typed full name enrols without script; a name two
// people share is a field error listing both; one outside the scope is not
// found. The people form names the organization by name through the
// registry's picker.
func TestPersonPicker(t *testing.T) {
	a := apptest.New(t)
	street := a.CreateUser("wushan-pick", auth.StreetOfficer, wushan, 0)
	other := a.CreateUser("other-pick", auth.StreetOfficer, "440106002", 0)
	c, o := a.As(street), a.As(other)
	org := a.ActiveOrg(street, "五山骨干培育队", wushanC)
	n := 0
	add := func(c *apptest.Client, name, community, orgText string) *apptest.Response {
		n++
		return c.Do("POST", "/people", url.Values{"name": {name}, "phone": {"137123456" + strconv.Itoa(10+n)}, "role": {"骨干"},
			"community_code": {community}, "org_id": {orgText}})
	}
	if r := add(c, "欧阳明", wushanC, "五山骨干培育队"); r.Status != http.StatusSeeOther {
		t.Fatalf("person with the organization by name: %d %s", r.Status, r.Body)
	}
	if r := add(c, "欧阳明", wushanC, ""); r.Status != http.StatusSeeOther {
		t.Fatalf("a second person of the same name: %d %s", r.Status, r.Body)
	}
	if r := add(c, "欧阳明华", wushanC, "没有这个组织"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "没有这个组织") {
		t.Errorf("an unknown organization: %d", r.Status)
	}
	if r := add(o, "欧阳明亮", "440106002008", ""); r.Status != http.StatusSeeOther {
		t.Fatalf("person of another street: %d %s", r.Status, r.Body)
	}
	var orgOf int64
	if err := a.DB.Read.QueryRow(`SELECT COUNT(*) FROM people WHERE org_id = $1`, org.ID).Scan(&orgOf); err != nil || orgOf != 1 {
		t.Errorf("people of the organization chosen by name: %d %v", orgOf, err)
	}
	picks := func(c *apptest.Client, q string) []pick.Item {
		var out struct{ Items []pick.Item }
		c.Do("GET", "/api/v1/people/pick?q="+url.QueryEscape(q), nil).Expect(http.StatusOK).Decode(&out)
		return out.Items
	}
	got := picks(c, "欧阳")
	if len(got) != 2 || got[0].Name != "欧阳明" || !strings.Contains(got[0].Place, "骨干") || got[0].Value != pick.Value(got[0].Name, got[0].ID) {
		t.Errorf("wushan picks %+v, want its two 欧阳明 with their role and place", got)
	}
	if got := picks(o, "欧阳"); len(got) != 1 || got[0].Name != "欧阳明亮" {
		t.Errorf("the other street picks %+v, want its own person only", got)
	}
	if got := picks(a.As(a.User(auth.OrgLeader, wushanC)), "欧阳"); len(got) != 0 {
		t.Errorf("a leader picks %+v", got)
	}
	if got := picks(c, "%"); len(got) != 0 {
		t.Errorf("a wildcard matches %+v", got)
	}

	tr := create(t, c, session("骨干能力提升班", wushan, time.Now().Add(48*time.Hour), 30))
	enrol := func(text string) *apptest.Response {
		return c.Do("POST", "/trainings/"+itoa(tr.ID)+"/enrol", url.Values{"person_id": {text}})
	}
	r := enrol("欧阳明")
	if r.Status != http.StatusUnprocessableEntity || strings.Count(string(r.Body), "欧阳明 #") != 2 {
		t.Errorf("an ambiguous name: %d, want both candidates listed: %s", r.Status, r.Body)
	}
	if r := enrol("欧阳明亮"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "找不到") {
		t.Errorf("a person of another street: %d", r.Status)
	}
	if r := enrol(got[1].Value); r.Status != http.StatusSeeOther {
		t.Errorf("the picker's value: %d %s", r.Status, r.Body)
	}
	if n := a.Count("training_enrolments"); n != 1 {
		t.Errorf("%d enrolments, want 1", n)
	}
}
