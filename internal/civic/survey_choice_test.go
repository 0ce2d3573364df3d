package civic_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/civic"
	"linli/internal/platform/auth"
)

// A question with its own options (2 to 10, each labelled) through the
// form and the API alike: a faulty option is named by question and option
// (questions.N.options.M) and nothing is written; PUT changes the options
// before any answer; a resident answers by the option's number on the
// answer page (a number out of range is refused); the results count each
// option under its label; the three readings stay as they are.
func TestSurveyChoiceQuestions(t *testing.T) {
	a := apptest.New(t)
	district := a.CreateUser("ch-district", auth.DistrictOfficer, tianhe, 0)
	c := a.As(district)
	in := civic.SurveyInput{Title: "五山街宣传渠道调查", UnitCode: wushan, OpensOn: "2023-06-01", ClosesOn: "2023-06-30",
		Questions: append(civic.DefaultQuestions()[:3], civic.Question{Key: "channel", TextZH: "您从哪里得知社区社会组织？", Scale: civic.ScaleChoice,
			Options: []civic.Choice{{Label: "微信群"}, {Label: "社区公告栏"}, {Label: "邻居介绍"}}})}

	// the form and the API make the same survey
	_, sv, fromAPI := formAndAPI(t, c, in)
	if len(fromAPI.Questions[3].Options) != 3 {
		t.Fatalf("the survey has %d options, want 3: %+v", len(fromAPI.Questions[3].Options), fromAPI)
	}
	if r := c.Do("GET", fmt.Sprintf("/surveys/%d/edit", sv.ID), nil); !strings.Contains(r.String(), "微信群\n社区公告栏\n邻居介绍</textarea>") {
		t.Errorf("the edit form lacks the options, one a line: %.300s", r.Body)
	}

	// faulty options: named, nothing written
	before := a.Count("surveys")
	bad := in
	bad.Questions = append([]civic.Question{}, in.Questions...)
	bad.Questions[3].Options = []civic.Choice{{Label: "微信群"}, {Label: "社区公告栏"}, {Label: " "}, {Label: "微信群"}}
	bad.Questions = append(bad.Questions,
		civic.Question{Key: "one", TextZH: "只有一个选项", Scale: civic.ScaleChoice, Options: []civic.Choice{{Label: "是"}}},
		civic.Question{Key: "yn", TextZH: "是否题带选项", Scale: "yes_no", Options: []civic.Choice{{Label: "甲"}, {Label: "乙"}}})
	bad.Questions[2] = civic.Question{Key: "happy", TextZH: "满意吗", Scale: civic.ScaleChoice, Reading: "satisfaction",
		Options: []civic.Choice{{Label: "满意"}, {Label: "不满意"}}}
	r := c.Do("POST", "/api/v1/surveys", bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad options: %d %s", r.Status, r.Body)
	}
	fields := r.Error().Fields
	for _, f := range []string{"questions", "questions.3.options.2", "questions.3.options.3", "questions.4.options", "questions.5.options", "questions.2.reading"} {
		if _, ok := fields[f]; !ok {
			t.Errorf("API error lacks field %s: %v", f, fields)
		}
	}
	if _, ok := fields["questions.3.options.0"]; ok {
		t.Errorf("a good option named: %v", fields)
	}
	form := surveyValues(bad)
	r = c.Do("POST", "/surveys", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.Status)
	}
	// the form leaves blank lines out: the repeated label is its 3rd option
	for _, want := range []string{`id="q3_options-error"`, "第 3 个选项：该选项已列出", `id="q4_options-error"`, "2 到 10 个选项"} {
		if !strings.Contains(r.String(), want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if a.Count("surveys") != before {
		t.Fatal("refused options wrote a survey")
	}

	// PUT before any answer changes the options
	edit := in
	edit.Questions = append([]civic.Question{}, in.Questions...)
	edit.Questions[3].Options = []civic.Choice{{Label: "微信群"}, {Label: "社区公告栏"}, {Label: "邻居介绍"}, {Label: "居委会上门"}}
	if r := c.Do("PUT", fmt.Sprintf("/api/v1/surveys/%d", sv.ID), edit); r.Status != http.StatusOK {
		t.Fatalf("PUT: %d %s", r.Status, r.Body)
	}

	// residents answer on their page by the option's number
	res := []*apptest.Client{signUp(t, a, "ch-res0", wushanC, ""), signUp(t, a, "ch-res1", wushanC, ""), signUp(t, a, "ch-res2", wushanC, "")}
	if page := res[0].Do("GET", civic.Home, nil).String(); !strings.Contains(page, `name="q_channel" value="4"> 居委会上门`) {
		t.Fatalf("the answer page lacks the options: %.600s", page)
	}
	answer := func(i int, channel string) int {
		v := url.Values{"q_knows": {"yes"}, "q_took_part": {"no"}, "q_satisfaction": {"4"}, "q_channel": {channel}}
		return res[i].Do("POST", fmt.Sprintf("/resident/surveys/%d", sv.ID), v).Status
	}
	if st := answer(0, "5"); st != http.StatusUnprocessableEntity {
		t.Fatalf("option 5 of 4: %d", st)
	}
	for i, ch := range []string{"4", "1", "4"} {
		if st := answer(i, ch); st != http.StatusSeeOther {
			t.Fatalf("answer %d: %d", i, st)
		}
	}
	var out civic.Results
	r = c.Do("GET", fmt.Sprintf("/api/v1/surveys/%d/results", sv.ID), nil)
	r.Decode(&out)
	var got []string
	for _, q := range out.Questions {
		if q.Key == "channel" {
			for _, o := range q.Options {
				got = append(got, fmt.Sprintf("%s:%s:%d", o.Value, o.Label, o.Count))
			}
		}
	}
	if want := []string{"1:微信群:1", "2:社区公告栏:0", "3:邻居介绍:0", "4:居委会上门:2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("channel tally %v, want %v", got, want)
	}
	if out.Total.Answers != 3 || out.Total.Aware != 3 || out.Total.Satisfied != 3 {
		t.Errorf("readings: %+v", out.Total)
	}
	if page := c.Do("GET", fmt.Sprintf("/surveys/%d", sv.ID), nil).String(); !strings.Contains(page, "居委会上门") {
		t.Error("the results page lacks the options' labels")
	}
}
