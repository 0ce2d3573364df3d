package activity_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/registry"
)

// The officers' pages of beneficiaries, consultations and associations:
// what the pages write goes through the API's rules (the same records, the
// same refusals), phones are masked on every page, tables keep their
// labels for a phone's screen, and another street sees none of it (404).
func TestPeoplePages(t *testing.T) {
	f := newFixture(t)
	st, other := f.street[wushan], f.street[yuancun]
	page := func(cl *apptest.Client, path string, want int, has ...string) string {
		t.Helper()
		r := cl.Do("GET", path, nil)
		if r.Status != want {
			t.Fatalf("GET %s: %d, want %d: %.300s", path, r.Status, want, r.Body)
		}
		for _, h := range has {
			if !strings.Contains(r.String(), h) {
				t.Errorf("GET %s lacks %q", path, h)
			}
		}
		return r.String()
	}
	c, far := f.a.As(st), f.a.As(other)

	// beneficiaries: registered by the page's form, masked on list and detail
	r := c.Do("POST", "/beneficiaries", url.Values{"name": {"李婆婆"}, "phone": {"13900001111"}, "community_code": {wushanComm},
		"groups": {"empty_nest_elderly"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	loc := r.Header.Get("Location")
	if r := c.Do("POST", "/beneficiaries", url.Values{"name": {""}, "community_code": {wushanComm}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a nameless beneficiary: %d", r.Status)
	} else if strings.Contains(r.String(), "name：") || strings.Contains(r.String(), "phone：") {
		// the refusal reads as every page's does (web.FieldMessage), never
		// a raw field key before its message
		t.Errorf("a nameless beneficiary's refusal names raw field keys: %.500s", r.Body)
	}
	if r := c.Do("POST", "/beneficiaries", url.Values{"name": {"海珠人"}, "community_code": {haizhuComm}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a beneficiary outside the street: %d", r.Status)
	}
	if n := f.a.Count("beneficiaries"); n != 1 {
		t.Fatalf("%d beneficiaries, want 1", n)
	}
	id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/beneficiaries/")
	for _, body := range []string{page(c, "/beneficiaries", 200, "李婆婆", "139****1111", `data-label=`, `href="/consultations"`),
		page(c, "/beneficiaries/"+id, 200, "李婆婆", "139****1111")} {
		if strings.Contains(body, "13900001111") {
			t.Error("a page shows the whole phone")
		}
	}
	leader := f.a.CreateUser("wushan-leader", "org_leader", wushanComm, f.org("五山长者服务队", wushanComm, registry.TierStreet).ID)
	if body := page(f.a.As(leader), "/beneficiaries/"+id, 200); strings.Contains(body, "13900001111") {
		t.Error("a leader's page shows the whole phone")
	}
	page(far, "/beneficiaries/"+id, 404)
	if strings.Contains(page(far, "/beneficiaries", 200), "李婆婆") {
		t.Error("another street lists the beneficiary")
	}

	// consultations: the page opens the survey and records answers, once per resident
	o := f.org("五山议事会", wushanComm, registry.TierStreet)
	var cons activity.Consultation
	f.post(t, st, "/api/v1/consultations", map[string]any{"topic": "加装电梯", "topic_kind": "elevator", "community_code": wushanComm,
		"raised_by": "residents", "org_ids": []int64{o.ID}, "meetings": []map[string]any{{"held_on": "2023-04-02", "residents": 20}}}, 201).Decode(&cons)
	cp := "/consultations/" + strconv.FormatInt(cons.ID, 10)
	page(c, "/consultations", 200, "加装电梯")
	page(c, cp, 200, "加装电梯", `id="survey-form"`)
	if r := c.Do("POST", cp+"/survey", url.Values{"question": {"是否同意加装电梯？"}, "options": {"同意\n不同意\n"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("open the survey: %d %s", r.Status, r.Body)
	}
	for i, x := range []struct{ phone, choice string }{{"13800001111", "0"}, {"13800002222", "0"}, {"13800003333", "1"}} {
		if r := c.Do("POST", cp+"/survey/answers", url.Values{"phone": {x.phone}, "choice": {x.choice}}); r.Status != http.StatusSeeOther {
			t.Fatalf("answer %d: %d %s", i, r.Status, r.Body)
		}
	}
	if r := c.Do("POST", cp+"/survey/answers", url.Values{"phone": {"138-0000-1111"}, "choice": {"1"}}); r.Status != http.StatusConflict {
		t.Errorf("a second answer of a resident: %d", r.Status)
	}
	body := page(c, cp, 200, "是否同意加装电梯？", "66.6%", "33.3%", `id="answer-form"`)
	if strings.Contains(body, "13800001111") {
		t.Error("the consultation page shows a phone")
	}
	page(far, cp, 404)
	if r := far.Do("POST", cp+"/survey/answers", url.Values{"phone": {"13800009999"}, "choice": {"0"}}); r.Status != http.StatusNotFound {
		t.Errorf("another street answers: %d", r.Status)
	}

	// associations: named and joined by the page's forms
	assoc := f.org("五山街社会工作与志愿服务协会", wushanComm, registry.TierStreet)
	in := apptest.ActiveInput("五山青年志愿服务队", wushanComm)
	in.Tier, in.Types = registry.TierStreet, []string{"volunteer"}
	vol := f.a.CreateOrg(f.district, in)
	ap := "/associations/" + wushan
	page(c, ap, 200, `id="association-none"`, `id="association-form"`)
	page(f.a.As(f.district), "/associations", 200, `href="/associations/`+wushan+`"`)
	if r := far.Do("POST", ap, url.Values{"org_id": {strconv.FormatInt(assoc.ID, 10)}}); r.Status != http.StatusNotFound {
		t.Errorf("another street names the association: %d", r.Status)
	}
	if r := c.Do("POST", ap, url.Values{"org_id": {strconv.FormatInt(assoc.ID, 10)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("name the association: %d %s", r.Status, r.Body)
	}
	if r := c.Do("POST", ap+"/members", url.Values{"org_id": {strconv.FormatInt(o.ID, 10)}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a team that is not a volunteer team: %d", r.Status)
	}
	if r := c.Do("POST", ap+"/members", url.Values{"org_id": {strconv.FormatInt(vol.ID, 10)}, "joined_on": {"2023-03-01"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("take in a member: %d %s", r.Status, r.Body)
	}
	page(c, ap, 200, "五山街社会工作与志愿服务协会", "五山青年志愿服务队", "2023-03-01")
	page(c, "/associations", 200, "五山街社会工作与志愿服务协会")
	page(far, ap, 404)
	if n := f.a.Count("audit_log WHERE action IN ('beneficiary.create', 'survey.open', 'survey.answer', 'association.put', 'association.member')"); n != 1+1+3+1+1 {
		t.Errorf("%d audit rows for the pages' writes, want 7", n)
	}
}
