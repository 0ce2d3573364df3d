package registry

import (
	"context"
	"embed"
	"net/http"
	"strconv"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the registry's pages and API over the same service.
type Handlers struct {
	S   *web.Server
	Svc *Service
	// Grade, when set, tells the grade (等级评估) that counts today and its
	// last valid day, shown on the organization page.
	Grade func(ctx context.Context, orgID int64) (grade, validUntil string, err error)
}

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /orgs", h.S.Page(h.listPage))
	rt.HandleFunc("GET /orgs/new", h.S.Page(h.newPage))
	rt.HandleFunc("POST /orgs", h.S.Page(h.createSubmit))
	rt.HandleFunc("GET /orgs/{id}", h.S.PageID(h.showPage))
	rt.HandleFunc("GET /orgs/{id}/edit", h.S.PageID(h.editPage))
	rt.HandleFunc("POST /orgs/{id}", h.S.PageID(h.editSubmit))
	rt.HandleFunc("POST /orgs/{id}/transitions", h.S.PageID(h.transitionSubmit))
	h.apiRoutes(rt)
}

// enums is what forms and filters offer.
type enums struct {
	Tiers, Types, TargetGroups, PartyOrgs, Statuses, Sorts []string
}

var allEnums = enums{Tiers: Tiers, Types: Types, TargetGroups: TargetGroups, PartyOrgs: PartyOrgs, Statuses: Statuses,
	Sorts: []string{"relevance", "newest", "oldest", "name", "founded_on", "members", "code"}}

type listData struct {
	Page    *Page
	Filter  Filter
	Pickers []Picker
	Enums   enums
	Names   map[string]string
	CanFile bool
}

func (h *Handlers) listPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	f, fe := filterFromQuery(r.URL.Query())
	if err := fe.Err(); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	p, err := h.Svc.List(r.Context(), u, f)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	pickers, err := h.Svc.cascade(r.Context(), u, f.Within, "community")
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	names, err := h.communityNames(r, p.Items)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "org_list", web.View{Title: h.S.Cat.T(i18n.FromRequest(r), "orgs.title"),
		Data: listData{Page: p, Filter: f, Pickers: pickers, Enums: allEnums, Names: names, CanFile: files(u)}})
}

func (h *Handlers) communityNames(r *http.Request, orgs []*Org) (map[string]string, error) {
	var codes []string
	for _, o := range orgs {
		codes = append(codes, o.CommunityCode, o.StreetCode, o.DistrictCode)
	}
	return h.Svc.Geo.Names(r.Context(), codes)
}

type formData struct {
	Org       *Org
	Form      Input
	Pickers   []Picker
	Enums     enums
	CanFlags  map[string]bool
	CanActive bool
	IsNew     bool
}

func (h *Handlers) formView(r *http.Request, u *auth.User, o *Org, in Input, errors map[string]string) (web.View, error) {
	pickers, err := h.Svc.cascade(r.Context(), u, in.CommunityCode, "community_code")
	if err != nil {
		return web.View{}, err
	}
	lang := i18n.FromRequest(r)
	title := h.S.Cat.T(lang, "orgs.new")
	if o != nil {
		title = h.S.Cat.T(lang, "orgs.edit")
	}
	flags := map[string]bool{}
	for _, f := range []string{"hub", "brand", "volunteer_mark", "demonstration_year"} {
		flags[f] = setsFlag(u, f)
	}
	v := web.View{Title: title, Errors: errors, Data: formData{Org: o, Form: in, Pickers: pickers, Enums: allEnums,
		CanFlags: flags, CanActive: activates(u), IsNew: o == nil}}
	if len(errors) > 0 {
		v.Message = h.S.Cat.T(lang, "common.fix_errors")
	}
	return v, nil
}

func (h *Handlers) newPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !files(u) {
		h.S.PageError(w, r, errs.E(errs.Forbidden, "err.forbidden"))
		return
	}
	in := Input{Tier: TierCommunity, PartyOrg: PartyNone}
	if len(u.ScopeCode) == 12 {
		in.CommunityCode = u.ScopeCode
	}
	v, err := h.formView(r, u, nil, in, nil)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "org_form", v)
}

// renderFormErrors shows the form again with what was typed and each error
// beside its field; anything else is an error page.
func (h *Handlers) renderFormErrors(w http.ResponseWriter, r *http.Request, u *auth.User, o *Org, in Input, err error) {
	h.S.Refill(w, r, err, func(status int, fields map[string]string) {
		v, verr := h.formView(r, u, o, in, fields)
		if verr != nil {
			h.S.PageError(w, r, verr)
			return
		}
		h.S.Render(w, r, status, "org_form", v)
	})
}

func (h *Handlers) createSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	in, fe := inputFromForm(r)
	if err := fe.Err(); err != nil {
		h.renderFormErrors(w, r, u, nil, in, err)
		return
	}
	o, err := h.Svc.Create(r.Context(), u, in)
	if err != nil {
		h.renderFormErrors(w, r, u, nil, in, err)
		return
	}
	http.Redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10)+"?flash=orgs.filed", http.StatusSeeOther)
}

type showData struct {
	Org     *Org
	History []Event
	Actions []string
	Path    []geo.Node
	CanEdit bool
	// Grade and GradeUntil: the grade that counts today ("" if none).
	Grade, GradeUntil string
}

func (h *Handlers) showPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.renderShow(w, r, u, id, http.StatusOK, nil)
}

func (h *Handlers) renderShow(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, status int, errors map[string]string) {
	o, err := h.Svc.Get(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	hist, err := h.Svc.history(r.Context(), o.ID) // o is visible to u (Get)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	path, err := h.Svc.Geo.Path(r.Context(), o.CommunityCode)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := showData{Org: o, History: hist, Actions: Allowed(u, o), Path: path,
		CanEdit: edits(u, o)}
	if h.Grade != nil {
		if d.Grade, d.GradeUntil, err = h.Grade(r.Context(), o.ID); err != nil {
			h.S.PageError(w, r, err)
			return
		}
	}
	v := web.View{Title: o.Name, Errors: errors, Data: d}
	if len(errors) > 0 {
		v.Message = h.S.Cat.T(i18n.FromRequest(r), "common.fix_errors")
	}
	h.S.Render(w, r, status, "org_show", v)
}

// editsOnPage: who is shown an organization's form: a manager, while it
// is not deregistered (edits without the read-only check, which refuses
// the form's submission).
func editsOnPage(u *auth.User, o *Org) bool { return manages(u, o) && o.Status != StatusDeregistered }

func (h *Handlers) editPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	o, err := h.Svc.Get(r.Context(), u, id)
	if o, err = auth.Permit(u, o, err, editsOnPage); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	in := InputOf(o)
	in.Version = o.Version
	v, err := h.formView(r, u, o, in, nil)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "org_form", v)
}

func (h *Handlers) editSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	o, err := h.Svc.Get(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	in, fe := inputFromForm(r)
	if err := fe.Err(); err != nil {
		h.renderFormErrors(w, r, u, o, in, err)
		return
	}
	in.Status = ""
	if _, err := h.Svc.Update(r.Context(), u, id, in); err != nil {
		h.renderFormErrors(w, r, u, o, in, err)
		return
	}
	http.Redirect(w, r, "/orgs/"+strconv.FormatInt(id, 10)+"?flash=common.saved", http.StatusSeeOther)
}

func (h *Handlers) transitionSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.Move(r.Context(), u, id, Move{Action: r.PostFormValue("action"), Reason: r.PostFormValue("reason"),
		EffectiveOn: r.PostFormValue("effective_on"), LateReason: r.PostFormValue("late_reason")})
	if err != nil {
		h.S.Refill(w, r, err, func(status int, fields map[string]string) { h.renderShow(w, r, u, id, status, fields) })
		return
	}
	http.Redirect(w, r, "/orgs/"+strconv.FormatInt(id, 10)+"?flash=orgs.changed", http.StatusSeeOther)
}
