package app_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"

	"github.com/xuri/excelize/v2"
)

// TestFormsTakeNames: the demonstration points form and the activity
// list's filter name the organization, as typed without script; a name
// the picker cannot place is said on the field, and the list then shows
// nothing rather than everything.
func TestFormsTakeNames(t *testing.T) {
	a := apptest.New(t)
	street := a.User(auth.StreetOfficer, wushan)
	district := a.As(a.User(auth.DistrictOfficer, tianhe))
	mk := func(name string) int64 {
		return a.ActiveOrg(street, name, wushanComm).ID
	}
	choir, dance := mk("五山长者合唱团"), mk("五山青年舞蹈队")

	page := district.Do("GET", "/demonstration-points", nil)
	if !strings.Contains(page.String(), `<option value="440106" selected>天河区</option>`) || !strings.Contains(page.String(), `data-pick="/api/v1/orgs/pick?status=active"`) {
		t.Errorf("the points form lacks the district by name or the organization picker")
	}
	r := district.Do("POST", "/demonstration-points", url.Values{"kind": {"point"}, "district_code": {tianhe}, "year": {"2023"},
		"org_id": {"五山长者合唱团"}, "reason": {"长者服务示范"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("a point by organization name: %d %s", r.Status, r.Body)
	}
	var got int64
	if err := a.DB.Read.QueryRow(`SELECT org_id FROM demonstration_points`).Scan(&got); err != nil || got != choir {
		t.Errorf("the point's organization %d %v, want %d", got, err, choir)
	}
	if r := district.Do("POST", "/demonstration-points", url.Values{"kind": {"point"}, "district_code": {tianhe}, "year": {"2023"},
		"org_id": {"五山"}, "reason": {"x"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), "对应多个组织") {
		t.Errorf("an ambiguous name: %d", r.Status)
	}

	for _, id := range []int64{choir, dance} {
		if _, err := a.Activity.Create(context.Background(), street, activity.Input{OrgIDs: []int64{id}, Title: "活动" + itoa64(id),
			Theme: "neighbourly_watch", Kind: "service", Fields: []string{"companionship"},
			StartsAt: "2023-05-06T09:00:00+08:00", EndsAt: "2023-05-06T12:00:00+08:00", CommunityCode: wushanComm,
			TargetGroups: []string{"elderly"}, Participants: 12, Beneficiaries: activity.Beneficiaries{Total: 8, ByGroup: map[string]int{"elderly": 8}}}); err != nil {
			t.Fatal(err)
		}
	}
	c := a.As(street)
	list := c.Do("GET", "/activities?org_id="+url.QueryEscape("五山青年舞蹈队"), nil).String()
	if !strings.Contains(list, "活动"+itoa64(dance)) || strings.Contains(list, "活动"+itoa64(choir)) {
		t.Errorf("the filter by name does not keep the dance troupe's activity only")
	}
	list = c.Do("GET", "/activities?org_id="+url.QueryEscape("不存在的队"), nil).String()
	if !strings.Contains(list, "找不到名为“不存在的队”的组织") || strings.Contains(list, "活动"+itoa64(dance)) {
		t.Errorf("an unknown name: no field error, or the list is not empty")
	}
	// the export behind the list's link takes the same typed name
	for name, want := range map[string][]string{"五山青年舞蹈队": {"活动" + itoa64(dance)}, "不存在的队": nil} {
		r := c.Do("GET", "/activities/export.xlsx?org_id="+url.QueryEscape(name), nil)
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("export for %q: %d %v", name, r.Status, err)
		}
		rows, err := x.GetRows(x.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, row := range rows[1:] {
			got = append(got, row[1])
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("export filtered by %q holds %v, want %v", name, got, want)
		}
	}
}
