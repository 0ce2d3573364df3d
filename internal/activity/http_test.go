package activity_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// The pages: a leader records an activity with a photo through the form;
// the list, calendar, campaign page, inbox, certificate and spreadsheets
// show the same figures as the API.
func TestPages(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	o := f.org("五山书法社", wushanComm, registry.TierStreet)
	leader := f.a.CreateUser("leader", auth.OrgLeader, wushanComm, o.ID)
	lc := f.a.As(leader)
	if r := lc.Do("GET", "/activities/new", nil); r.Status != 200 || !strings.Contains(r.String(), "五山书法社") {
		t.Fatalf("form: %d", r.Status)
	}
	form := map[string]string{"org_id": strconv.FormatInt(o.ID, 10), "title": "春联义写", "theme": "culture", "kind": "service",
		"fields": "calligraphy", "day": "2023-02-01", "start": "09:00", "end": "08:00", "beneficiaries": "30", "participants": "12"}
	r := lc.Do("POST", "/activities", apptest.Upload{Field: "file", Filename: "photo.png", Data: png, Fields: form})
	if r.Status != 422 || f.a.Count("activities") != 0 || f.a.Count("activity_files") != 0 {
		t.Fatalf("an activity ending before it starts: %d, %d written", r.Status, f.a.Count("activities"))
	}
	form["end"] = "11:30"
	r = lc.Do("POST", "/activities", apptest.Upload{Field: "file", Filename: "photo.png", Data: []byte("text"), Fields: form})
	if r.Status != 422 || f.a.Count("activities") != 0 {
		t.Fatalf("a photo that is not an image: %d, %d written", r.Status, f.a.Count("activities"))
	}
	r = lc.Do("POST", "/activities", apptest.Upload{Field: "file", Filename: "photo.png", Data: png, Fields: form})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("record: %d %s", r.Status, r.Body)
	}
	loc := r.Header.Get("Location")
	page := lc.Do("GET", loc, nil)
	if page.Status != 200 || !strings.Contains(page.String(), "春联义写") || !strings.Contains(page.String(), "<img src=\"/activities/") {
		t.Fatalf("activity page: %d", page.Status)
	}
	id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/activities/")
	v := f.volunteer(t, st, "赵书法", wushanComm)
	f.post(t, leader, "/api/v1/activities/"+id+"/volunteers", map[string]any{"volunteer_id": v, "hours": 2.5}, 201)
	for _, p := range []string{"/activities", "/activities?view=calendar&month=2023-02", "/activities?theme=culture&field=calligraphy"} {
		if r := f.a.As(st).Do("GET", p, nil); r.Status != 200 || !strings.Contains(r.String(), "春联义写") {
			t.Errorf("%s: %d", p, r.Status)
		}
	}
	var c activity.Campaign
	f.a.As(st).Do("GET", "/api/v1/campaigns/culture?unit="+wushan+"&from=2023-01-01&to=2023-12-31", nil).Decode(&c)
	cp := f.a.As(st).Do("GET", "/campaigns/culture?unit="+wushan+"&from=2023-01-01&to=2023-12-31", nil)
	if cp.Status != 200 || !strings.Contains(cp.String(), `id="c-activities">1<`) || !strings.Contains(cp.String(), `id="c-beneficiaries">30<`) ||
		!strings.Contains(cp.String(), `id="c-hours">2.5<`) || c.Activities != 1 || c.VolunteerHours != 2.5 {
		t.Errorf("campaign page: %d %+v", cp.Status, c)
	}
	if strings.Contains(cp.String(), " style=") || strings.Contains(cp.String(), "<script>") {
		t.Error("inline style or script on the campaign page")
	}
	cert := f.a.As(st).Do("GET", "/volunteers/"+strconv.FormatInt(v, 10)+"/certificate?from=2023-01-01&to=2023-12-31", nil)
	if cert.Status != 200 || !strings.Contains(cert.String(), `id="total-hours">2.5<`) {
		t.Errorf("certificate: %d", cert.Status)
	}
	x := f.a.As(st).Do("GET", "/volunteers/"+strconv.FormatInt(v, 10)+"/hours.xlsx?from=2023-01-01&to=2023-12-31", nil)
	book, err := excelize.OpenReader(strings.NewReader(x.String()))
	if err != nil {
		t.Fatal(err)
	}
	total, _ := book.GetCellValue(book.GetSheetName(0), "B3")
	if total != "2.5" {
		t.Errorf("hours.xlsx total %q", total)
	}
	x = f.a.As(st).Do("GET", "/activities/export.xlsx?theme=culture", nil)
	if book, err = excelize.OpenReader(strings.NewReader(x.String())); err != nil {
		t.Fatal(err)
	}
	rows, _ := book.GetRows(book.GetSheetName(0))
	if len(rows) != 2 || rows[1][1] != "春联义写" {
		t.Errorf("export: %v", rows)
	}
	// the inbox: a pending report with its deadline, decided from the page
	show := f.create(t, leader, input(o, "书法大赛", "culture", "sports", "2023-07-01", 9, 12, 150, 0))
	var rp activity.Report
	f.post(t, leader, "/api/v1/major-reports", map[string]any{"activity_id": show.ID}, 201).Decode(&rp)
	inbox := f.a.As(st).Do("GET", "/major-reports?status=pending", nil)
	if !strings.Contains(inbox.String(), "书法大赛") || !strings.Contains(inbox.String(), "2023-06-24") {
		t.Errorf("inbox: %d", inbox.Status)
	}
	if r := f.a.As(st).Do("POST", "/major-reports/"+strconv.FormatInt(rp.ID, 10)+"/decision", map[string]string{}); r.Status == http.StatusSeeOther {
		t.Error("a decision without a choice was accepted")
	}
	r = f.a.As(st).Do("POST", "/major-reports/"+strconv.FormatInt(rp.ID, 10)+"/decision", apptest.Upload{Fields: map[string]string{"decision": "acknowledge"}})
	if r.Status != http.StatusSeeOther || get(t, f, st, show.ID).Status != activity.StatusRecorded {
		t.Errorf("decide from the page: %d", r.Status)
	}
	en := f.a.As(st).Do("GET", "/activities?lang=en", nil)
	if !strings.Contains(en.String(), "Record an activity") {
		t.Error("English list page")
	}
}
