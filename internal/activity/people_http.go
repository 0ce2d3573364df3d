package activity

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

// The officers' pages of what was API only: registered beneficiaries,
// consultations with their resident surveys, and the streets' volunteer
// associations with their member teams. Every write goes through the same
// service method as the API.

func (h *Handlers) peoplePages(rt *web.Router) {
	rt.HandleFunc("GET /beneficiaries", h.S.Page(h.beneficiariesPage))
	rt.HandleFunc("POST /beneficiaries", h.S.Page(h.beneficiarySubmit))
	rt.HandleFunc("GET /beneficiaries/{id}", h.S.PageID(h.beneficiaryPage))
	rt.HandleFunc("GET /consultations", h.S.Page(h.consultationsPage))
	rt.HandleFunc("GET /consultations/{id}", h.S.PageID(h.consultationPage))
	rt.HandleFunc("POST /consultations/{id}/survey", h.S.PageID(h.surveySubmit))
	rt.HandleFunc("POST /consultations/{id}/survey/answers", h.S.PageID(h.answerSubmit))
	rt.HandleFunc("GET /associations", h.S.Page(h.associationsPage))
	rt.HandleFunc("GET /associations/{street}", h.S.Page(h.associationPage))
	rt.HandleFunc("POST /associations/{street}", h.S.Page(h.associationSubmit))
	rt.HandleFunc("POST /associations/{street}/members", h.S.Page(h.memberSubmit))
}

// Share is an option's share of the answers, as a percentage.
func (s *Survey) Share(i int) string {
	if s == nil || s.Answers == 0 || i < 0 || i >= len(s.Counts) {
		return "0%"
	}
	return strconv.FormatFloat(float64(s.Counts[i]*1000/s.Answers)/10, 'f', -1, 64) + "%"
}

// refused shows a refused form's messages on a page of its own, in one
// line as every page does (web.FieldMessage; the API answers the same
// errors as JSON, by field).
func (h *Handlers) refused(w http.ResponseWriter, r *http.Request, err error) {
	h.S.RefusalPage(w, r, err, "ppl.refused")
}

func seeOther(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, path+"?flash="+url.QueryEscape("ppl.saved"), http.StatusSeeOther)
}

type beneficiariesData struct {
	L      *List[*Beneficiary]
	Groups []string
	CanAdd bool
}

// pageOf is a page's paging: by page number only (the links say page=).
func pageOf(r *http.Request) Paging {
	p := PagingOf(r.URL.Query())
	p.After = 0
	return p
}

func (h *Handlers) beneficiariesPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	l, err := h.Svc.Beneficiaries(r.Context(), u, pageOf(r))
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	for _, b := range l.Items { // the pages mask every phone
		b.maskFor(nil)
	}
	h.S.Render(w, r, http.StatusOK, "beneficiaries", web.View{Title: h.S.T(r, "ppl.beneficiaries"),
		Data: beneficiariesData{L: l, Groups: registry.TargetGroups, CanAdd: addsBeneficiaries(u)}})
}

func (h *Handlers) beneficiarySubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	r.ParseForm()
	b, err := h.createBeneficiary(r, u)
	if err != nil {
		h.refused(w, r, err)
		return
	}
	seeOther(w, r, "/beneficiaries/"+itoa(b.ID))
}

// createBeneficiary records the beneficiary of the form, in the community
// its place picker names.
func (h *Handlers) createBeneficiary(r *http.Request, u *auth.User) (*Beneficiary, error) {
	// the community by name, "街道 · 社区", "name #code" or its code (the
	// place picker, as the activity form)
	community := r.PostFormValue("community_code")
	if h.Places != nil {
		var err error
		if community, err = geo.ResolvePlace(r.Context(), h.Places, u, "community_code", community, geo.Community); err != nil {
			return nil, err
		}
	}
	return h.Svc.CreateBeneficiary(r.Context(), u, BeneficiaryInput{PersonInput: PersonInput{Name: r.PostFormValue("name"),
		Phone: r.PostFormValue("phone"), CommunityCode: community}, Groups: r.PostForm["groups"]})
}

type beneficiaryData struct {
	B      *Beneficiary
	Served []ServedEntry
}

func (h *Handlers) beneficiaryPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	var d beneficiaryData
	var err error
	if d.B, d.Served, err = h.Svc.Beneficiary(r.Context(), u, id); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "beneficiary", web.View{Title: d.B.Name, Data: d})
}

func (h *Handlers) consultationsPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	l, err := h.Svc.Consultations(r.Context(), u, "", pageOf(r))
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "consultations", web.View{Title: h.S.T(r, "ppl.consultations"), Data: consultationsData{L: l}})
}

type consultationsData struct {
	L *List[*Consultation]
}

type consultationData struct {
	C        *Consultation
	Survey   *Survey
	CanWrite bool
}

func (h *Handlers) consultationPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	var d consultationData
	var err error
	if d.C, d.Survey, err = h.Svc.Consultation(r.Context(), u, id); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	_, werr := h.Svc.consultationActivity(r.Context(), u, id, true)
	d.CanWrite = werr == nil
	h.S.Render(w, r, http.StatusOK, "consultation", web.View{Title: d.C.Topic, Data: d})
}

func (h *Handlers) surveySubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	opts := []string{}
	for _, o := range strings.Split(r.PostFormValue("options"), "\n") {
		if o = strings.TrimSpace(o); o != "" {
			opts = append(opts, o)
		}
	}
	if _, err := h.Svc.OpenSurvey(r.Context(), u, id, SurveyInput{Question: r.PostFormValue("question"), Options: opts}); err != nil {
		h.refused(w, r, err)
		return
	}
	seeOther(w, r, "/consultations/"+itoa(id))
}

func (h *Handlers) answerSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	choice, err := strconv.Atoi(r.PostFormValue("choice"))
	if err != nil {
		choice = -1
	}
	if _, err := h.Svc.Answer(r.Context(), u, id, AnswerInput{Phone: r.PostFormValue("phone"), Choice: choice}); err != nil {
		h.refused(w, r, err)
		return
	}
	seeOther(w, r, "/consultations/"+itoa(id))
}

type associationsData struct {
	L         *List[Association]
	Streets   []PlaceChoice
	Districts []PlaceChoice
	District  string
}

func (h *Handlers) associationsPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !readsPlace(u) {
		h.S.PageError(w, r, errs.Missing())
		return
	}
	d := associationsData{District: r.URL.Query().Get("district")}
	var err error
	if d.L, err = h.Svc.Associations(r.Context(), u, pageOf(r)); err == nil {
		if d.Streets, err = h.Svc.Streets(r.Context(), u, d.District); err == nil {
			d.Districts, err = h.Svc.Districts(r.Context(), u)
		}
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "associations", web.View{Title: h.S.T(r, "ppl.associations"), Data: d})
}

type associationData struct {
	Street    string
	A         *Association
	Orgs      []OrgChoice
	CanManage bool
}

func (h *Handlers) associationPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	street := r.PathValue("street")
	a, err := h.Svc.StreetAssociation(r.Context(), u, street)
	d := associationData{Street: street, A: a, CanManage: canManageAssociation(u, street)}
	if err == nil && d.CanManage {
		d.Orgs, err = h.Svc.StreetOrgs(r.Context(), u, street)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "association", web.View{Title: h.S.T(r, "ppl.association"), Data: d})
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	return id
}

func (h *Handlers) associationSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	street := r.PathValue("street")
	if _, err := h.Svc.PutAssociation(r.Context(), u, street, formID(r, "org_id")); err != nil {
		h.refused(w, r, err)
		return
	}
	seeOther(w, r, "/associations/"+street)
}

func (h *Handlers) memberSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	street := r.PathValue("street")
	if _, err := h.Svc.AddMember(r.Context(), u, street, formID(r, "org_id"), r.PostFormValue("joined_on")); err != nil {
		h.refused(w, r, err)
		return
	}
	seeOther(w, r, "/associations/"+street)
}
