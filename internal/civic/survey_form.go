package civic

import (
	"net/http"
	"strconv"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

// The survey form: an officer who may run a survey (city, district or
// street) defines one — title, place, period and the instrument, question
// by question — through CreateSurvey and UpdateSurvey, the service path of
// POST and PUT /api/v1/surveys. No JavaScript: the form offers the
// questions stored and a few blank rows; a row left blank is no question.

// formRows is how many blank question rows the form adds.
const formRows = 3

// QuestionRow is one question row of the form, with its errors.
type QuestionRow struct {
	N int
	Question
	Errors map[string]string // key | text_zh | text_en | scale | reading | options
}

// OptionLines are a choice question's options, one a line (the form's
// text area).
func (q QuestionRow) OptionLines() string {
	ls := make([]string, len(q.Options))
	for i, o := range q.Options {
		ls[i] = o.Label
	}
	return strings.Join(ls, "\n")
}

// surveyForm is the form's data.
type surveyForm struct {
	ID       int64 // 0: a new survey
	In       SurveyInput
	Answers  int // residents who answered (questions locked when > 0)
	Places   []PlaceGroup
	Rows     []QuestionRow
	Scales   []string
	Readings []string
}

// PlaceGroup is a district and the streets below it, for the place menu.
type PlaceGroup struct {
	Option
	Streets []Option
}

// Locked tells whether the questions and place can no longer change.
func (f surveyForm) Locked() bool { return f.Answers > 0 }

func (h *Handlers) surveyFormRoutes(rt *web.Router) {
	rt.HandleFunc("GET /surveys/new", h.S.Page(h.surveyNew))
	rt.HandleFunc("POST /surveys", h.S.Page(h.surveyCreate))
	rt.HandleFunc("GET /surveys/{id}/edit", h.S.PageID(h.surveyEdit))
	rt.HandleFunc("POST /surveys/{id}", h.S.PageID(h.surveyUpdate))
}

// places lists the districts and streets the user may run a survey in.
func (h *Handlers) places(r *http.Request, u *auth.User) []PlaceGroup {
	out := []PlaceGroup{}
	code := u.ScopeCode
	var districts []Option
	switch len(code) {
	case 4:
		districts = h.children(r, code)
	case 6, 9:
		if n, err := h.Svc.Geo.Get(r.Context(), code[:6]); err == nil && n != nil {
			districts = []Option{{Code: n.Code, Name: n.Name}}
		}
	}
	for _, d := range districts {
		g := PlaceGroup{Option: d, Streets: []Option{}}
		for _, s := range h.children(r, d.Code) {
			if canRunSurvey(u, s.Code) {
				g.Streets = append(g.Streets, s)
			}
		}
		out = append(out, g)
	}
	return out
}

// rows makes the form's question rows: the questions, then blank rows,
// with each row's errors (fields questions.N.x, N the question's index;
// an option's error, questions.N.options.M, under the row's options as
// option(M, message)).
func rows(qs []Question, fe map[string]string, locked bool, option func(m int, msg string) string) []QuestionRow {
	out := make([]QuestionRow, 0, len(qs)+formRows)
	for i, q := range qs {
		out = append(out, QuestionRow{N: i, Question: q, Errors: map[string]string{}})
	}
	if !locked {
		for i := 0; i < formRows && len(out) < maxQuestions; i++ {
			out = append(out, QuestionRow{N: len(out), Question: Question{Scale: "yes_no"}, Errors: map[string]string{}})
		}
	}
	for k, m := range fe {
		rest, ok := strings.CutPrefix(k, "questions.")
		if !ok {
			continue
		}
		n, field, ok := strings.Cut(rest, ".")
		if o, ok := strings.CutPrefix(field, "options."); ok {
			if j, err := strconv.Atoi(o); err == nil {
				field, m = "options", option(j+1, m)
			}
		}
		if i, err := strconv.Atoi(n); ok && err == nil && i < len(out) {
			if prev := out[i].Errors[field]; prev != "" && field == "options" {
				m = prev + " " + m
			}
			out[i].Errors[field] = m
		}
	}
	return out
}

// maxQuestions bounds an instrument (validateSurvey refuses more).
const maxQuestions = 30

// readForm reads the survey form. Rows with neither a key nor a text are
// left out; the others are numbered in order, so that an error's
// questions.N names the Nth row kept (rows re-renders them in that order).
func readForm(r *http.Request) SurveyInput {
	in := SurveyInput{Title: r.PostFormValue("title"), UnitCode: r.PostFormValue("unit_code"),
		OpensOn: r.PostFormValue("opens_on"), ClosesOn: r.PostFormValue("closes_on"), Questions: []Question{}}
	for i := 0; i < maxQuestions+formRows; i++ {
		p := "q" + strconv.Itoa(i) + "_"
		if !r.PostForm.Has(p + "key") {
			continue
		}
		q := Question{Key: strings.TrimSpace(r.PostFormValue(p + "key")), TextZH: strings.TrimSpace(r.PostFormValue(p + "text_zh")),
			TextEN: strings.TrimSpace(r.PostFormValue(p + "text_en")), Scale: r.PostFormValue(p + "scale"), Reading: r.PostFormValue(p + "reading")}
		// a choice question's options, one a line (blank lines left out);
		// another scale's text area is not read
		if q.Scale == ScaleChoice {
			for l := range strings.Lines(r.PostFormValue(p + "options")) {
				if l = strings.TrimSpace(l); l != "" {
					q.Options = append(q.Options, Choice{Label: l})
				}
			}
		}
		if q.Key == "" && q.TextZH == "" && q.TextEN == "" {
			continue
		}
		in.Questions = append(in.Questions, q)
	}
	return in
}

func (h *Handlers) renderSurveyForm(w http.ResponseWriter, r *http.Request, u *auth.User, status int, f surveyForm, fe map[string]string) {
	f.Places, f.Scales, f.Readings = h.places(r, u), Scales, Readings
	f.Rows = rows(f.In.Questions, fe, f.Locked(), func(m int, msg string) string {
		return h.S.Cat.Msg(i18n.FromRequest(r), errs.M("civic.option_n", m, msg))
	})
	title := h.tr(r, "civic.survey_new")
	if f.ID != 0 {
		title = h.tr(r, "civic.survey_edit")
	}
	h.S.Render(w, r, status, "civic_survey_form", web.View{Title: title, Data: f, Errors: fe})
}

func (h *Handlers) surveyNew(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !canRunSurvey(u, u.ScopeCode) {
		h.S.PageError(w, r, errs.E(errs.Forbidden, "err.forbidden"))
		return
	}
	day := clock.Day(h.Svc.now())
	in := SurveyInput{OpensOn: day, ClosesOn: day, Questions: DefaultQuestions()}
	if len(u.ScopeCode) >= 6 {
		in.UnitCode = u.ScopeCode[:min(len(u.ScopeCode), 9)]
	}
	h.renderSurveyForm(w, r, u, http.StatusOK, surveyForm{In: in}, nil)
}

func (h *Handlers) surveyCreate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	in := readForm(r)
	sv, err := h.Svc.CreateSurvey(r.Context(), u, in)
	h.S.SavedAt(w, r, err, func() string { return flashed("/surveys/"+itoa(sv.ID), "civic.saved") },
		h.refillSurvey(w, r, u, surveyForm{In: in}))
}

// ownSurvey reads the survey of the path for its officers, or answers
// the error page (nil).
func (h *Handlers) ownSurvey(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) *Survey {
	sv, err := h.Svc.Survey(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return nil
	}
	return sv
}

func (h *Handlers) surveyEdit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	sv := h.ownSurvey(w, r, u, id)
	if sv == nil {
		return
	}
	in := SurveyInput{Title: sv.Title, UnitCode: sv.UnitCode, OpensOn: sv.OpensOn, ClosesOn: sv.ClosesOn, Questions: sv.Questions}
	h.renderSurveyForm(w, r, u, http.StatusOK, surveyForm{ID: id, In: in, Answers: sv.Answers}, nil)
}

func (h *Handlers) surveyUpdate(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	sv := h.ownSurvey(w, r, u, id)
	if sv == nil {
		return
	}
	in := readForm(r)
	if sv.Answers > 0 && r.PostFormValue("locked") == "1" {
		// the locked form shows the questions and place without fields:
		// they are the stored ones
		in.UnitCode, in.Questions = sv.UnitCode, sv.Questions
	}
	_, err := h.Svc.UpdateSurvey(r.Context(), u, id, in)
	h.S.Saved(w, r, err, flashed("/surveys/"+itoa(id), "civic.saved"), h.refillSurvey(w, r, u, surveyForm{ID: id, In: in, Answers: sv.Answers}))
}

// refillSurvey shows the survey form f again with a refusal's messages.
func (h *Handlers) refillSurvey(w http.ResponseWriter, r *http.Request, u *auth.User, f surveyForm) func(status int, fe map[string]string) {
	return func(status int, fe map[string]string) { h.renderSurveyForm(w, r, u, status, f, fe) }
}
