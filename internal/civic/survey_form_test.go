package civic_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/civic"
	"linli/internal/platform/auth"
)

// surveyValues is the survey form filled with a survey's fields, its
// questions in rows q0…, and a blank row after them.
func surveyValues(in civic.SurveyInput) url.Values {
	v := url.Values{"title": {in.Title}, "unit_code": {in.UnitCode}, "opens_on": {in.OpensOn}, "closes_on": {in.ClosesOn}}
	for i, q := range append(in.Questions, civic.Question{Scale: "yes_no"}) {
		p := "q" + strconv.Itoa(i) + "_"
		v.Set(p+"key", q.Key)
		v.Set(p+"text_zh", q.TextZH)
		v.Set(p+"text_en", q.TextEN)
		v.Set(p+"scale", q.Scale)
		v.Set(p+"reading", q.Reading)
		ls := []string{}
		for _, o := range q.Options {
			ls = append(ls, o.Label)
		}
		v.Set(p+"options", strings.Join(ls, "\r\n"))
	}
	return v
}

// formAndAPI makes survey in through the form, as a browser posts it (a
// redirect to the survey's page), and through POST /api/v1/surveys, and
// fails the test unless both are the same survey; it returns the form's
// survey's id, the API's answer and the survey as listed.
func formAndAPI(t *testing.T, c *apptest.Client, in civic.SurveyInput) (formID int64, api, listed civic.Survey) {
	t.Helper()
	r := c.Do("POST", "/surveys", surveyValues(in))
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/surveys/") {
		t.Fatalf("form: %d %q %.300s", r.Status, loc, r.Body)
	}
	formID, err := strconv.ParseInt(strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/surveys/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	api = postSurvey(t, c, in)
	fromForm, fromAPI := surveyOf(t, c, formID), surveyOf(t, c, api.ID)
	fromForm.ID, fromAPI.ID = 0, 0
	if !reflect.DeepEqual(fromForm, fromAPI) {
		t.Fatalf("the form's survey\n%+v\ndiffers from the API's\n%+v", fromForm, fromAPI)
	}
	return formID, api, fromAPI
}

// postSurvey runs a survey through POST /api/v1/surveys and fails the test
// unless it is created.
func postSurvey(t *testing.T, c *apptest.Client, in any) civic.Survey {
	t.Helper()
	var sv civic.Survey
	c.Do("POST", "/api/v1/surveys", in).Expect(http.StatusCreated).Decode(&sv)
	return sv
}

func surveyOf(t *testing.T, c *apptest.Client, id int64) civic.Survey {
	t.Helper()
	var list struct{ Items []civic.Survey }
	c.Do("GET", "/api/v1/surveys", nil).Decode(&list)
	for _, s := range list.Items {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("survey %d not listed", id)
	return civic.Survey{}
}

// A survey defined through the officer's form equals the same survey
// posted to POST /api/v1/surveys; the form names a faulty field and
// writes nothing; once a resident answered, the questions cannot change
// (the form and PUT say so) while the title and period can; an officer of
// another district finds neither the form of the survey nor a way to
// move it into their district.
func TestSurveyForm(t *testing.T) {
	a := apptest.New(t)
	district := a.CreateUser("sf-district", auth.DistrictOfficer, tianhe, 0)
	c := a.As(district)
	in := civic.SurveyInput{Title: "2024 年五山街满意度调查", UnitCode: wushan, OpensOn: "2023-06-01", ClosesOn: "2023-06-30",
		Questions: []civic.Question{
			{Key: "heard", TextZH: "您听说过社区社会组织吗？", TextEN: "Have you heard of community organizations?", Scale: "yes_no", Reading: "awareness"},
			{Key: "joined", TextZH: "您参加过它们的活动吗？", Scale: "yes_no", Reading: "participation"},
			{Key: "happy", TextZH: "您满意吗？", TextEN: "Are you satisfied?", Scale: "stars5", Reading: "satisfaction"},
			{Key: "pet", TextZH: "您养宠物吗？", Scale: "yes_no"},
			{Key: "idea", TextZH: "建议", Scale: "text"},
		}}

	// the form, as a browser posts it: a redirect to the survey's page
	if r := c.Do("GET", "/surveys/new", nil); r.Status != http.StatusOK || !strings.Contains(r.String(), `name="q0_key"`) ||
		!strings.Contains(r.String(), `value="`+wushan+`"`) {
		t.Fatalf("new survey form: %d %.400s", r.Status, r.Body)
	}
	formID, apiSv, _ := formAndAPI(t, c, in)
	var rows [2]string
	for i, id := range []int64{formID, apiSv.ID} {
		if err := a.DB.Read.QueryRow(`SELECT title || unit_code || district_code || opens_on || closes_on || questions FROM surveys WHERE id = $1`, id).Scan(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if rows[0] != rows[1] {
		t.Fatalf("stored differently:\n%s\n%s", rows[0], rows[1])
	}
	if n := count(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'survey.create'`); n != 2 {
		t.Fatalf("%d audit rows", n)
	}

	// a faulty form: each field named, nothing written
	before := a.Count("surveys")
	bad := in
	bad.Title, bad.ClosesOn = "", "2023-05-01"
	bad.Questions = append([]civic.Question{}, in.Questions...)
	bad.Questions[1] = civic.Question{Key: "heard", TextZH: "重复", Scale: "yes_no", Reading: "awareness"}
	bad.Questions[2] = civic.Question{Key: "happy", TextZH: "", Scale: "yes_no", Reading: "satisfaction"}
	r := c.Do("POST", "/surveys", surveyValues(bad))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.Status)
	}
	page := r.String()
	for _, want := range []string{`id="title-error"`, `id="closes_on-error"`, "题目代码重复", "每项测量", "必填", `value="重复"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if a.Count("surveys") != before {
		t.Fatal("a refused form wrote a survey")
	}
	// the API names the same fields
	r = c.Do("POST", "/api/v1/surveys", bad)
	fields := r.Error().Fields
	for _, f := range []string{"title", "closes_on", "questions", "questions.1.key", "questions.1.reading", "questions.2.text_zh", "questions.2.reading"} {
		if _, ok := fields[f]; !ok {
			t.Errorf("API error lacks field %s: %v", f, fields)
		}
	}

	// edit before any answer: everything may change
	edit := in
	edit.Title = "2024 年五山街满意度调查（修订）"
	edit.Questions = in.Questions[:3]
	if r := c.Do("POST", fmt.Sprintf("/surveys/%d", formID), surveyValues(edit)); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d %.300s", r.Status, r.Body)
	}
	if s := surveyOf(t, c, formID); s.Title != edit.Title || len(s.Questions) != 3 {
		t.Fatalf("edited: %+v", s)
	}
	// another district's officer: no form, no change
	other := a.As(a.CreateUser("sf-haizhu", auth.DistrictOfficer, "440105", 0))
	if r := other.Do("GET", fmt.Sprintf("/surveys/%d/edit", formID), nil); r.Status != http.StatusNotFound {
		t.Fatalf("another district's edit form: %d", r.Status)
	}
	if r := other.Do("PUT", fmt.Sprintf("/api/v1/surveys/%d", formID), edit); r.Status != http.StatusNotFound {
		t.Fatalf("another district's PUT: %d", r.Status)
	}

	// a resident answers: the questions are locked
	res := signUp(t, a, "sf-res", wushanC, "")
	if r := res.Do("POST", fmt.Sprintf("/api/v1/surveys/%d/answers", formID), map[string]any{"answers": map[string]string{"heard": "yes", "joined": "no", "happy": "4"}}); r.Status != http.StatusNoContent {
		t.Fatalf("answer: %d %s", r.Status, r.Body)
	}
	changed := edit
	changed.Questions = in.Questions
	r = c.Do("PUT", fmt.Sprintf("/api/v1/surveys/%d", formID), changed)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), "questions") {
		t.Fatalf("questions changed after an answer: %d %s", r.Status, r.Body)
	}
	r = c.Do("POST", fmt.Sprintf("/surveys/%d", formID), surveyValues(changed))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), "题目不能再修改") {
		t.Fatalf("form, questions changed after an answer: %d %.300s", r.Status, r.Body)
	}
	// the locked form shows the questions as text and keeps them
	r = c.Do("GET", fmt.Sprintf("/surveys/%d/edit", formID), nil)
	if !strings.Contains(r.String(), `id="locked-note"`) || strings.Contains(r.String(), `name="q0_key"`) {
		t.Fatalf("locked form: %.600s", r.Body)
	}
	locked := url.Values{"locked": {"1"}, "title": {"五山街满意度调查（延期）"}, "opens_on": {"2023-06-01"}, "closes_on": {"2023-07-31"}}
	if r := c.Do("POST", fmt.Sprintf("/surveys/%d", formID), locked); r.Status != http.StatusSeeOther {
		t.Fatalf("locked edit: %d %.300s", r.Status, r.Body)
	}
	s := surveyOf(t, c, formID)
	if s.Title != "五山街满意度调查（延期）" || s.ClosesOn != "2023-07-31" || !reflect.DeepEqual(s.Questions, edit.Questions) || s.UnitCode != wushan {
		t.Fatalf("after the locked edit: %+v", s)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'survey.update'`); n != 2 {
		t.Fatalf("%d update audit rows", n)
	}
}
