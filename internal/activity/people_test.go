package activity_test

import (
	"net/http"
	"strconv"
	"testing"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/registry"
)

// Registered beneficiaries served again and again count once per period:
// the campaign's people equal the anonymous beneficiaries plus the
// distinct registered people, counted here by hand, in all and per month.
func TestDistinctRegisteredBeneficiaries(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	o := f.org("五山长者服务队", wushanComm, registry.TierStreet)
	var people []int64
	for _, n := range []string{"李婆婆", "张伯", "陈姨"} {
		var b activity.Beneficiary
		f.post(t, st, "/api/v1/beneficiaries", map[string]any{"name": n, "phone": "13900001111", "community_code": wushanComm,
			"groups": []string{"empty_nest_elderly"}}, http.StatusCreated).Decode(&b)
		if b.Phone != "139****1111" || !b.PhoneMasked {
			t.Errorf("an officer sees the phone %q", b.Phone)
		}
		people = append(people, b.ID)
	}
	f.post(t, st, "/api/v1/beneficiaries", map[string]any{"name": "", "community_code": wushanComm, "groups": []string{"martians"}}, 422)
	hz := f.a.CreateUser("haizhu-officer", "district_officer", "440105", 0)
	var far activity.Beneficiary
	f.post(t, hz, "/api/v1/beneficiaries", map[string]any{"name": "海珠居民", "community_code": haizhuComm}, 201).Decode(&far)

	acts := []struct {
		day   string
		total int
		who   []int64
	}{{"2023-03-04", 5, people[:2]}, {"2023-03-18", 4, people}, {"2023-04-01", 6, people[:1]}}
	for i, x := range acts {
		a := f.create(t, st, input(o, "探访"+strconv.Itoa(i), "neighbourly_watch", "service", x.day, 9, 11, x.total, x.total))
		path := "/api/v1/activities/" + strconv.FormatInt(a.ID, 10) + "/beneficiaries"
		if i == 0 {
			f.post(t, st, path, map[string]any{"beneficiary_ids": []int64{far.ID}}, 422)                       // another district
			f.post(t, st, path, map[string]any{"beneficiary_ids": []int64{people[0], people[0]}}, 422)         // twice
			f.post(t, st, path, map[string]any{"beneficiary_ids": []int64{people[0], people[1], 999999}}, 422) // unknown
		}
		f.post(t, st, path, map[string]any{"beneficiary_ids": x.who}, 201)
		if i == 1 {
			f.post(t, st, path, map[string]any{"beneficiary_ids": []int64{people[0]}}, 422) // already there
		}
	}
	small := f.create(t, st, input(o, "小活动", "neighbourly_watch", "service", "2023-05-01", 9, 11, 1, 1))
	f.post(t, st, "/api/v1/activities/"+strconv.FormatInt(small.ID, 10)+"/beneficiaries", map[string]any{"beneficiary_ids": people[:2]}, 422)
	// by hand: 5+4+6+1 beneficiaries, of whom 2+3+1 were registered people, 3 distinct
	wantAll := (5 + 4 + 6 + 1) - (2 + 3 + 1) + 3
	wantMarch := (5 + 4) - (2 + 3) + 3
	wantApril := 6 - 1 + 1
	var c activity.Campaign
	r := f.a.As(st).Do("GET", "/api/v1/campaigns/neighbourly_watch?unit="+wushan+"&from=2023-01-01&to=2023-12-31", nil)
	r.Decode(&c)
	if r.Status != 200 || c.Beneficiaries != wantAll || c.RegisteredPeople != 3 || c.Activities != 4 {
		t.Fatalf("campaign: %d beneficiaries %d (want %d), registered %d", r.Status, c.Beneficiaries, wantAll, c.RegisteredPeople)
	}
	months := map[string]int{}
	for _, m := range c.ByMonth {
		months[m.Key] = m.Beneficiaries
	}
	if months["2023-03"] != wantMarch || months["2023-04"] != wantApril || months["2023-05"] != 1 {
		t.Errorf("by month %v, want March %d April %d May 1", months, wantMarch, wantApril)
	}
	if len(c.ByDistrict) != 1 || c.ByDistrict[0].Beneficiaries != wantAll {
		t.Errorf("by district %+v", c.ByDistrict)
	}
	// a leader sees the phones of the people they serve
	leader := f.a.CreateUser("elder-leader", "org_leader", wushanComm, o.ID)
	var l struct{ Items []activity.Beneficiary }
	f.a.As(leader).Do("GET", "/api/v1/beneficiaries", nil).Decode(&l)
	if len(l.Items) != 3 || l.Items[0].Phone != "13900001111" {
		t.Errorf("the leader's list: %+v", l.Items)
	}
}

// A consultation's resident survey takes one answer per resident.
func TestConsultationSurvey(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	o := f.org("五山议事会", wushanComm, registry.TierStreet)
	var c activity.Consultation
	f.post(t, st, "/api/v1/consultations", map[string]any{"topic": "加装电梯", "topic_kind": "elevator", "community_code": wushanComm,
		"raised_by": "residents", "org_ids": []int64{o.ID}, "meetings": []map[string]any{{"held_on": "2023-04-02", "residents": 20}}}, 201).Decode(&c)
	path := "/api/v1/consultations/" + strconv.FormatInt(c.ID, 10) + "/survey"
	f.post(t, st, path, map[string]any{"question": "是否同意加装电梯？", "options": []string{"同意"}}, 422)
	f.post(t, st, path, map[string]any{"question": "是否同意加装电梯？", "options": []string{"同意", "不同意", "无所谓"}}, 201)
	f.post(t, st, path, map[string]any{"question": "再问一次", "options": []string{"是", "否"}}, 409)
	f.post(t, st, path+"/answers", map[string]any{"phone": "138-0000-1111", "choice": 0}, 201)
	f.post(t, st, path+"/answers", map[string]any{"phone": "13800001111", "choice": 1}, 409) // the same resident
	f.post(t, st, path+"/answers", map[string]any{"phone": "13800002222", "choice": 7}, 422)
	f.post(t, st, path+"/answers", map[string]any{"phone": "13800002222", "choice": 1}, 201)
	f.post(t, st, path+"/answers", map[string]any{"phone": "13800003333", "choice": 0}, 201)
	var s activity.Survey
	f.a.As(st).Do("GET", path, nil).Decode(&s)
	if s.Answers != 3 || len(s.Counts) != 3 || s.Counts[0] != 2 || s.Counts[1] != 1 || s.Counts[2] != 0 {
		t.Errorf("tally %+v", s)
	}
	var n int
	f.a.DB.Read.QueryRow(`SELECT COUNT(*) FROM consultation_answers WHERE phone_masked LIKE '138****%'`).Scan(&n)
	if n != 3 {
		t.Errorf("%d answers with a masked phone, want 3", n)
	}
	if r := f.a.As(f.street[yuancun]).Do("GET", path, nil); r.Status != 404 {
		t.Errorf("another street sees the survey: %d", r.Status)
	}
}

// A street names its social-work and volunteer-service association, and
// volunteer teams of the street join it as group members (C7).
func TestVolunteerAssociation(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	assoc := f.org("五山街社会工作与志愿服务协会", wushanComm, registry.TierStreet)
	team := func(name, community string, types ...string) *registry.Org {
		in := apptest.ActiveInput(name, community)
		in.Tier, in.Types = registry.TierStreet, types
		return f.a.CreateOrg(f.district, in)
	}
	vol := team("五山青年志愿服务队", wushanComm, "volunteer")
	dance := team("五山舞蹈队", wushanComm, "culture_sports")
	far := team("员村志愿服务队", yuancunComm, "volunteer")
	base := "/api/v1/volunteer-associations/" + wushan
	if r := f.a.As(st).Do("GET", base, nil); r.Status != 404 {
		t.Errorf("no association yet: %d", r.Status)
	}
	if r := f.a.As(st).Do("PUT", base, map[string]any{"org_id": far.ID}); r.Status != 422 {
		t.Errorf("another street's organization as the association: %d", r.Status)
	}
	if r := f.a.As(f.street[yuancun]).Do("PUT", base, map[string]any{"org_id": assoc.ID}); r.Status != 404 {
		t.Errorf("another street names Wushan's association: %d", r.Status)
	}
	if r := f.a.As(st).Do("PUT", base, map[string]any{"org_id": assoc.ID}); r.Status != 200 {
		t.Fatalf("name the association: %d %s", r.Status, r.Body)
	}
	f.post(t, st, base+"/members", map[string]any{"org_id": dance.ID}, 422)                          // not a volunteer team
	f.post(t, st, base+"/members", map[string]any{"org_id": far.ID}, 422)                            // another street
	f.post(t, st, base+"/members", map[string]any{"org_id": vol.ID, "joined_on": "2099-01-01"}, 422) // in the future
	f.post(t, st, base+"/members", map[string]any{"org_id": vol.ID, "joined_on": "2023-03-01"}, 201)
	f.post(t, st, base+"/members", map[string]any{"org_id": vol.ID}, 422) // already a member
	var a activity.Association
	f.a.As(f.district).Do("GET", base, nil).Decode(&a)
	if a.OrgID != assoc.ID || len(a.Members) != 1 || a.Members[0].OrgID != vol.ID || a.Members[0].JoinedOn != "2023-03-01" {
		t.Errorf("association %+v", a)
	}
}
