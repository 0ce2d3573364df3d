package training

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

// The forms of the room's pages. Each submits through the same service
// method as the API; a refused submit re-renders the form with what was
// typed and the field errors.

// Choice is an option of a form's select.
type Choice = db.Pair

// trainingForm is the create form's values as typed.
type trainingForm struct {
	Title, Programme, Form, UnitCode, Starts, Ends, Capacity, Trainer, Place, Link string
	Topics, Audiences                                                              []string
}

// Enums lists what the create form offers.
type formEnums struct {
	Forms, Topics, Audiences, Qualifications []string
}

var enums = formEnums{Forms: Forms, Topics: Topics, Audiences: Audiences, Qualifications: Qualifications}

// localLayout is how a datetime-local input sends its value.
const localLayout = "2006-01-02T15:04"

// units lists the units a user may run a session for: their own and, for
// the city and a district, the levels below down to the streets.
func (s *Service) units(ctx context.Context, u *auth.User) ([]Choice, error) {
	if !organizerRole(u) {
		return nil, nil
	}
	code := u.ScopeCode
	if len(code) > 9 {
		code = code[:9]
	}
	names, err := s.Geo.Names(ctx, []string{code})
	if err != nil {
		return nil, err
	}
	out := []Choice{{Value: code, Label: names[code]}}
	if len(code) >= 9 || runsAsHub(u) {
		return out, nil
	}
	kids, err := s.Geo.Children(ctx, code)
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		out = append(out, Choice{Value: k.Code, Label: k.Name})
	}
	return out, nil
}

func parseLocal(v string) time.Time {
	t, err := clock.Parse(localLayout, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

type listForm struct {
	F          trainingForm
	Units      []Choice
	Programmes []Programme
	Enums      formEnums
}

func (h *Handlers) listRender(w http.ResponseWriter, r *http.Request, u *auth.User, status int, f trainingForm, msgs map[string]string) {
	year := r.URL.Query().Get("year")
	list, err := h.Svc.List(r.Context(), u, year)
	var d listData
	if err == nil {
		d = listData{Items: list, Year: year}
		if organizerRole(u) {
			var units []Choice
			var progs []Programme
			units, err = h.Svc.units(r.Context(), u)
			if err == nil {
				progs, err = h.Svc.Programmes(r.Context(), u)
			}
			d.New = &listForm{F: f, Units: units, Programmes: progs, Enums: enums}
		}
	}
	if err == nil {
		d.Names, err = h.Svc.Geo.Names(r.Context(), unitCodes(list))
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, status, "training_list", web.View{Title: h.S.T(r, "training.list_title"), User: u, Data: d, Errors: msgs})
}

func unitCodes(list []Training) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range list {
		if !seen[t.UnitCode] {
			seen[t.UnitCode] = true
			out = append(out, t.UnitCode)
		}
	}
	return out
}

func (h *Handlers) createSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if err := r.ParseForm(); err != nil {
		h.S.PageError(w, r, errs.E(errs.Invalid, "err.invalid_input"))
		return
	}
	p := r.PostForm
	f := trainingForm{Title: p.Get("title"), Programme: p.Get("programme"), Form: p.Get("form"), UnitCode: p.Get("unit_code"),
		Starts: p.Get("starts_at"), Ends: p.Get("ends_at"), Capacity: p.Get("capacity"), Trainer: p.Get("trainer"),
		Place: p.Get("place"), Link: p.Get("link"), Topics: p["topics"], Audiences: p["audiences"]}
	in := TrainingInput{Title: f.Title, Programme: f.Programme, Form: f.Form, Topics: f.Topics, Audiences: f.Audiences,
		UnitCode: f.UnitCode, StartsAt: parseLocal(f.Starts), EndsAt: parseLocal(f.Ends), Trainer: f.Trainer, Place: f.Place, Link: f.Link}
	in.Capacity, _ = strconv.Atoi(strings.TrimSpace(f.Capacity))
	t, err := h.Svc.Create(r.Context(), u, in)
	if err != nil {
		h.S.Refill(w, r, err, func(status int, msgs map[string]string) { h.listRender(w, r, u, status, f, msgs) })
		return
	}
	http.Redirect(w, r, "/trainings/"+strconv.FormatInt(t.ID, 10)+"?flash=training.created", http.StatusSeeOther)
}

// backTo redirects to the session's page with a flash message, or
// re-renders it with the error.
func (h *Handlers) backTo(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, flash string, err error) {
	h.S.Saved(w, r, err, "/trainings/"+strconv.FormatInt(id, 10)+"?flash="+url.QueryEscape(flash), func(status int, msgs map[string]string) {
		h.showRender(w, r, u, id, status, msgs)
	})
}

func formID(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue(name)), 10, 64)
	return n
}

func (h *Handlers) enrolSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.backTo(w, r, u, id, "training.enrolled_ok", h.enrol(r, u, id))
}

// enrol enrols the person the form's picker names in the training id.
func (h *Handlers) enrol(r *http.Request, u *auth.User, id int64) error {
	person, err := h.Svc.ResolvePerson(r.Context(), u, "person_id", r.PostFormValue("person_id"))
	if err != nil {
		return err
	}
	_, err = h.Svc.Enrol(r.Context(), u, id, person)
	return err
}

func (h *Handlers) selfSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.EnrolSelf(r.Context(), u, id)
	h.backTo(w, r, u, id, "training.self_enrolled", err)
}

func (h *Handlers) attendanceSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.EditAttendance(r.Context(), u, id, AttendanceEdit{PersonID: formID(r, "person_id"),
		Present: r.PostFormValue("present") == "1", Reason: r.PostFormValue("reason")})
	h.backTo(w, r, u, id, "training.attendance_saved", err)
}

func (h *Handlers) issueSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.Issue(r.Context(), u, id, formID(r, "person_id"))
	h.backTo(w, r, u, id, "training.issued", err)
}

// peopleData is the key-personnel page.
type peopleData struct {
	Items       []Person
	Year        string
	CanAdd      bool
	F           PersonInput
	Org         string // the organization picker's text
	Enums       formEnums
	Communities []Choice
}

func (h *Handlers) peopleRender(w http.ResponseWriter, r *http.Request, u *auth.User, status int, f PersonInput, org string, msgs map[string]string) {
	year := r.URL.Query().Get("year")
	list, err := h.Svc.People(r.Context(), u, r.URL.Query().Get("within"), year)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := peopleData{Items: list, Year: year, F: f, Org: org, Enums: enums, CanAdd: keeperRole(u)}
	if d.CanAdd {
		if d.Communities, err = choices(r.Context(), h.Svc.DB.Read, communitiesSQL, u.ScopeCode, 3000); err != nil {
			h.S.PageError(w, r, err)
			return
		}
	}
	h.S.Render(w, r, status, "training_people", web.View{Title: h.S.T(r, "training.people_title"), User: u, Data: d, Errors: msgs})
}

func (h *Handlers) peoplePage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.peopleRender(w, r, u, http.StatusOK, PersonInput{}, "", nil)
}

func (h *Handlers) personSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if err := r.ParseForm(); err != nil {
		h.S.PageError(w, r, errs.E(errs.Invalid, "err.invalid_input"))
		return
	}
	p := r.PostForm
	in := PersonInput{Name: p.Get("name"), Phone: p.Get("phone"), IDNumber: p.Get("id_number"), Role: p.Get("role"),
		CommunityCode: p.Get("community_code"), Qualification: p.Get("qualification")}
	org := strings.TrimSpace(p.Get("org_id"))
	in.QualYear, _ = strconv.Atoi(strings.TrimSpace(p.Get("qualification_year")))
	h.S.Saved(w, r, h.createPerson(r, u, &in, org), "/people?flash=training.person_added", func(status int, msgs map[string]string) {
		h.peopleRender(w, r, u, status, in, org, msgs)
	})
}

// createPerson records the person in, of the organization the picker's
// text org names (optional: a person need not belong to one).
func (h *Handlers) createPerson(r *http.Request, u *auth.User, in *PersonInput, org string) error {
	if org != "" {
		var err error
		if in.OrgID, err = registry.Resolve(r.Context(), h.Svc.Orgs, u, "org_id", org, registry.PickFilter{Status: registry.StatusActive}); err != nil {
			return err
		}
	}
	_, err := h.Svc.CreatePerson(r.Context(), u, *in)
	return err
}
