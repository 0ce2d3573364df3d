package civic

import (
	"net/http"
	"strconv"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/sheet"
	"linli/internal/platform/web"
)

// The survey results: officers of the survey's scope read them by place and
// question and export them; the owner publishes them on the portal.

func (h *Handlers) surveyRoutes(rt *web.Router) {
	rt.HandleFunc("GET /surveys", h.S.Page(h.surveysPage))
	h.surveyFormRoutes(rt)
	rt.HandleFunc("GET /surveys/{id}", h.S.PageID(h.surveyPage))
	rt.HandleFunc("GET /surveys/{id}/results.xlsx", h.S.PageID(h.sendResults))
	rt.HandleFunc("POST /surveys/{id}/publication", h.S.PageID(h.publishSubmit))
	rt.HandleFunc("GET /p/surveys/{id}", h.S.PublicID("id", h.publicSurveyPage))
}

// Pct is a share as a percentage for the pages ("37.5%").
func Pct(share float64) string {
	return strconv.FormatFloat(share*100, 'f', -1, 64) + "%"
}

// Pct is the option's share as a percentage.
func (o OptionCount) Pct() string { return Pct(o.Share) }

// AwarenessPct, ParticipationPct: the place's readings as percentages.
func (p PlaceResult) AwarenessPct() string { return Pct(p.Awareness) }

// ParticipationPct is the place's participation as a percentage.
func (p PlaceResult) ParticipationPct() string { return Pct(p.Participation) }

// Text is the question in the reader's language.
func (q QuestionResult) Text(lang string) string {
	if lang == i18n.EN && q.TextEN != "" {
		return q.TextEN
	}
	return q.TextZH
}

func (h *Handlers) surveysPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	list, err := h.Svc.Surveys(r.Context(), u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := struct {
		List      []*Survey
		CanCreate bool
	}{list, canRunSurvey(u, u.ScopeCode)}
	h.S.Render(w, r, http.StatusOK, "civic_surveys", web.View{Title: h.tr(r, "civic.surveys_title"), Data: d})
}

func (h *Handlers) surveyPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	res, err := h.Svc.SurveyResults(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "civic_survey", web.View{Title: res.Survey.Title, Data: res})
}

func (h *Handlers) publishSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.PublishResults(r.Context(), u, id, PublicationInput{Published: r.PostFormValue("published") == "1"})
	h.done(w, r, err, "/surveys/"+itoa(id), "civic.saved")
}

// sendResults sends the results of the survey id as a spreadsheet, or
// the error (the error page, or JSON under /api/): the page and its API
// twin are both mounted on it.
func (h *Handlers) sendResults(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	res, err := h.Svc.SurveyResults(r.Context(), u, id)
	var b []byte
	if err == nil {
		b, err = h.resultsXLSX(r, res)
	}
	if err != nil {
		h.S.Error(w, r, err)
		return
	}
	sheet.Send(w, "survey-"+itoa(id)+".xlsx", b)
}

func (h *Handlers) apiPublicResults(w http.ResponseWriter, r *http.Request, id int64) {
	out, err := h.Svc.PublicResults(r.Context(), id)
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	web.JSON(w, http.StatusOK, out)
}

func (h *Handlers) publicSurveyPage(w http.ResponseWriter, r *http.Request, id int64) {
	res, err := h.Svc.PublicResults(r.Context(), id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	// a withdrawal shows at once: no shared cache keeps the page
	w.Header().Set("Cache-Control", "no-cache")
	og := OG{Title: res.Survey.Title, Description: h.S.Cat.Msg(i18n.FromRequest(r), errs.M("civic.survey_og", res.Survey.UnitName, res.Total.Answers)),
		URL: h.base(r) + "/p/surveys/" + itoa(id)}
	h.S.Render(w, r, http.StatusOK, "civic_public_survey", web.View{Title: res.Survey.Title, Data: publicView{OG: og, Data: res}})
}

// resultsXLSX writes the results: the questions' tallies, then the places.
func (h *Handlers) resultsXLSX(r *http.Request, res *Results) ([]byte, error) {
	lang := i18n.FromRequest(r)
	t := func(k string) string { return h.S.Cat.Msg(lang, errs.M(k)) }
	qs := [][]any{{t("civic.question"), t("civic.answer_value"), t("civic.count"), t("civic.share"), t("civic.answered_col"), t("civic.mean")}}
	for _, q := range res.Questions {
		if len(q.Options) == 0 {
			qs = append(qs, []any{q.Text(lang), "", "", "", q.Answered, ""})
		}
		for _, o := range q.Options {
			var mean any = ""
			if q.Scale == "stars5" {
				mean = q.Mean
			}
			v := o.Label
			if v == "" {
				v = t("civic.value." + o.Value)
			}
			qs = append(qs, []any{q.Text(lang), v, o.Count, o.Share, q.Answered, mean})
		}
	}
	ps := [][]any{{t("civic.place"), t("civic.answers"), t("civic.awareness"), t("civic.participation"), t("civic.satisfaction"), t("civic.ratings"), t("civic.rating_average")}}
	for _, p := range append([]PlaceResult{res.Total}, res.Places...) {
		ps = append(ps, []any{p.Name, p.Answers, p.Awareness, p.Participation, p.Satisfaction, p.Ratings, p.RatingAverage})
	}
	return sheet.Book([]string{t("civic.by_question"), t("civic.by_place")}, [][][]any{qs, ps})
}

// AllPlaces is the whole unit's row followed by its places' rows.
func (r *Results) AllPlaces() []PlaceResult { return append([]PlaceResult{r.Total}, r.Places...) }
