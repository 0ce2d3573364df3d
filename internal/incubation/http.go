package incubation

import (
	"context"
	"embed"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the bases' pages and API over the same service.
type Handlers web.Room[*Service]

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /bases", h.S.Page(h.listPage))
	rt.HandleFunc("GET /bases/coverage", h.S.Page(h.coveragePage))
	rt.HandleFunc("GET /bases/new", h.S.Page(h.newPage))
	rt.HandleFunc("POST /bases", h.S.Page(h.createSubmit))
	rt.HandleFunc("GET /bases/{base_id}", h.S.PageOn("base_id", h.showPage))
	rt.HandleFunc("GET /bases/{base_id}/edit", h.S.PageOn("base_id", h.editPage))
	rt.HandleFunc("POST /bases/{base_id}", h.S.PageOn("base_id", h.editSubmit))
	rt.HandleFunc("POST /bases/{base_id}/rooms", h.S.PageOn("base_id", h.roomSubmit))
	rt.HandleFunc("POST /bases/{base_id}/bookings", h.S.PageOn("base_id", h.bookSubmit))
	rt.HandleFunc("POST /bases/{base_id}/bookings/{id}/cancel", h.S.PagePair("base_id", "id", h.cancelSubmit))
	rt.HandleFunc("POST /bases/{base_id}/incubatees", h.S.PageOn("base_id", h.enterSubmit))
	rt.HandleFunc("POST /bases/{base_id}/incubatees/{id}/leave", h.S.PagePair("base_id", "id", h.leaveSubmit))
	h.apiRoutes(rt)
}

type listData struct {
	Bases  []*Base
	CanNew bool
	Today  string
	Within string
}

func (h *Handlers) listPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	within := r.URL.Query().Get("within")
	bases, err := h.Svc.List(r.Context(), u, within)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "base_list", web.View{Title: h.S.T(r, "base.list_title"),
		Data: listData{Bases: bases, CanNew: canCreate(u), Today: h.Svc.today(), Within: within}})
}

func (h *Handlers) coveragePage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	c, err := h.Svc.Coverage(r.Context(), u, r.URL.Query().Get("within"), r.URL.Query().Get("on"))
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "base_coverage", web.View{Title: h.S.T(r, "base.coverage_title"), Data: c})
}

type formData struct {
	Base      *Base
	Form      BaseInput
	HostTypes []string
	Services  []string
	Levels    []string
	Has       map[string]bool
	// Operator is the operator picker's text: "name #id" or what was typed.
	Operator string
}

func (h *Handlers) renderForm(w http.ResponseWriter, r *http.Request, status int, b *Base, in BaseInput, operator string, fail error) {
	title := h.S.T(r, "base.new")
	if b != nil {
		title = h.S.T(r, "base.edit")
	}
	has := map[string]bool{}
	for _, s := range in.Services {
		has[s] = true
	}
	v := web.View{Title: title, Data: formData{Base: b, Form: in, HostTypes: HostTypes, Services: Services, Levels: Levels, Has: has, Operator: operator}}
	h.S.WithErrors(r, &v, fail)
	if fail != nil {
		v.Message = h.S.T(r, "common.fix_errors")
	}
	h.S.Render(w, r, status, "base_form", v)
}

func (h *Handlers) newPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !canCreate(u) {
		h.S.PageError(w, r, errs.E(errs.Forbidden, "err.forbidden"))
		return
	}
	h.renderForm(w, r, http.StatusOK, nil, BaseInput{DivisionCode: u.ScopeCode, OpenedOn: h.Svc.today(),
		HostType: HostTypes[0], Services: []string{"incubation"}}, "", nil)
}

// baseForm reads the base form, and the operator as the organization
// picker names it (operator resolves it).
func baseForm(r *http.Request) (BaseInput, string) {
	r.ParseForm()
	in := BaseInput{Name: r.PostFormValue("name"), HostType: r.PostFormValue("host_type"), Address: r.PostFormValue("address"),
		DivisionCode: r.PostFormValue("division_code"), OpeningHours: r.PostFormValue("opening_hours"),
		Services: r.PostForm["services"], OpenedOn: r.PostFormValue("opened_on"), ClosedOn: r.PostFormValue("closed_on"),
		Level: r.PostFormValue("level"), LateReason: r.PostFormValue("late_reason")}
	return in, strings.TrimSpace(r.PostFormValue("operator_org_id"))
}

// operator is the organization the operator picker names (none when
// empty).
func (h *Handlers) operator(r *http.Request, u *auth.User, op string) (int64, error) {
	if op == "" {
		return 0, nil
	}
	return registry.Resolve(r.Context(), h.Svc.Orgs, u, "operator_org_id", op, registry.PickFilter{Live: true})
}

func (h *Handlers) createSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	in, op := baseForm(r)
	b, err := h.create(r, u, in, op)
	h.S.DoneAt(w, r, err, func() string { return fmt.Sprintf("/bases/%d?flash=common.saved", b.ID) },
		func(status int, fail error) { h.renderForm(w, r, status, nil, in, op, fail) })
}

// create creates the base of the form in, run by the operator op names.
func (h *Handlers) create(r *http.Request, u *auth.User, in BaseInput, op string) (*Base, error) {
	var err error
	if in.OperatorOrgID, err = h.operator(r, u, op); err != nil {
		return nil, err
	}
	return h.Svc.Create(r.Context(), u, in)
}

// update saves the base id as the form in has it, run by the operator op
// names.
func (h *Handlers) update(r *http.Request, u *auth.User, id int64, in BaseInput, op string) error {
	var err error
	if in.OperatorOrgID, err = h.operator(r, u, op); err != nil {
		return err
	}
	_, err = h.Svc.Update(r.Context(), u, id, in)
	return err
}

// edits: who may edit a base on its form (canEdit of its division).
func edits(u *auth.User, b *Base) bool { return canEdit(u, b.DivisionCode) }

func (h *Handlers) editPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	b, err := h.Svc.Get(r.Context(), u, id)
	if b, err = auth.Permit(u, b, err, edits); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.renderForm(w, r, http.StatusOK, b, InputOf(b), registry.PickValue(b.OperatorName, b.OperatorOrgID), nil)
}

func (h *Handlers) editSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	b, err := h.Svc.Get(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	in, op := baseForm(r)
	h.S.Done(w, r, h.update(r, u, id, in, op), fmt.Sprintf("/bases/%d?flash=common.saved", id),
		func(status int, fail error) { h.renderForm(w, r, status, b, in, op, fail) })
}

// Detail is a base with its rooms, bookings and incubated organizations.
type Detail struct {
	Base       *Base       `json:"base"`
	Rooms      []Room      `json:"rooms"`
	Bookings   []Booking   `json:"bookings"`
	Incubatees []Incubatee `json:"incubatees"`
}

// Detail gathers a base's page.
func (s *Service) Detail(ctx context.Context, u *auth.User, id int64) (*Detail, error) {
	b, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d := &Detail{Base: b}
	if d.Rooms, err = s.Rooms(ctx, id); err != nil {
		return nil, err
	}
	if d.Bookings, err = s.Bookings(ctx, id, s.now()); err != nil {
		return nil, err
	}
	d.Incubatees, err = s.Incubatees(ctx, id)
	return d, err
}

type showData struct {
	*Detail
	CanEdit, CanOperate, CanBook bool
	Orgs                         []*registry.Org
	Today                        string
	// CanCancel holds the bookings the viewer may cancel, by id.
	CanCancel map[int64]bool
}

func (h *Handlers) showPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.renderShow(w, r, u, id, http.StatusOK, nil)
}

func (h *Handlers) renderShow(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, status int, fail error) {
	d, err := h.Svc.Detail(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	sd := showData{Detail: d, CanEdit: canEdit(u, d.Base.DivisionCode), CanOperate: canOperate(u, d.Base),
		Today: h.Svc.today(), CanCancel: map[int64]bool{}}
	for i := range d.Bookings {
		if k := &d.Bookings[i]; canCancel(u, d.Base, k) {
			sd.CanCancel[k.ID] = true
		}
	}
	if canBookSome(u) && d.Base.OpenOn(sd.Today) {
		// A short list stays a select; a longer one is the searchable
		// picker (no list is cut at a fixed length).
		p, err := h.Svc.Orgs.List(r.Context(), u, registry.Filter{Within: d.Base.DivisionCode, PerPage: bookSelectMax, Sort: "name"})
		if err == nil && p.Total > len(p.Items) && booksOnlyOwn(u) {
			var o *registry.Org
			if o, err = h.Svc.Orgs.Lookup(r.Context(), u.OrgID); err == nil {
				p = &registry.Page{Items: []*registry.Org{o}, Total: 1}
			}
		}
		if err != nil {
			h.S.PageError(w, r, err)
			return
		}
		for _, o := range p.Items {
			if serves(d.Base, o) && canBook(u, d.Base, o) {
				sd.Orgs = append(sd.Orgs, o)
			}
		}
		long := p.Total > len(p.Items)
		if long {
			sd.Orgs = nil
		}
		sd.CanBook = (len(sd.Orgs) > 0 || long) && slices.ContainsFunc(d.Rooms, func(r Room) bool { return r.Active })
	}
	v := web.View{Title: d.Base.Name, Data: sd}
	h.S.WithErrors(r, &v, fail)
	h.S.Render(w, r, status, "base_show", v)
}

func (h *Handlers) after(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, err error, flash string) {
	h.S.Done(w, r, err, fmt.Sprintf("/bases/%d?flash=%s", id, flash),
		func(status int, fail error) { h.renderShow(w, r, u, id, status, fail) })
}

func (h *Handlers) roomSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	capacity, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("capacity")))
	_, err := h.Svc.AddRoom(r.Context(), u, id, RoomInput{Name: r.PostFormValue("name"), Capacity: capacity,
		Facilities: r.PostFormValue("facilities")})
	h.after(w, r, u, id, err, "base.room_added")
}

// bookSelectMax: a base with at most this many organizations offers them
// in a select; more, and the form has the searchable picker.
const bookSelectMax = 50

// pickIn narrows a typed organization name to the base's division (the
// base itself is checked by the service).
func (h *Handlers) pickIn(r *http.Request, u *auth.User, id int64) registry.PickFilter {
	f := registry.PickFilter{Live: true}
	if b, err := h.Svc.Get(r.Context(), u, id); err == nil {
		f.Within = b.DivisionCode
	}
	return f
}

// parseLocal reads a datetime-local value in China time.
func parseLocal(s string) time.Time {
	t, err := clock.Parse("2006-01-02T15:04", strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t
}

func (h *Handlers) bookSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.after(w, r, u, id, h.book(r, u, id), "base.booked")
}

// book books a room of the base id for the organization the form's
// picker names.
func (h *Handlers) book(r *http.Request, u *auth.User, id int64) error {
	room, _ := strconv.ParseInt(r.PostFormValue("room_id"), 10, 64)
	org, err := registry.Resolve(r.Context(), h.Svc.Orgs, u, "org_id", r.PostFormValue("org_id"), h.pickIn(r, u, id))
	if err != nil {
		return err
	}
	_, err = h.Svc.Book(r.Context(), u, id, BookingInput{RoomID: room, OrgID: org, StartsAt: parseLocal(r.PostFormValue("starts_at")),
		EndsAt: parseLocal(r.PostFormValue("ends_at")), Purpose: r.PostFormValue("purpose")})
	return err
}

func (h *Handlers) cancelSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id, bid int64) {
	_, err := h.Svc.CancelBooking(r.Context(), u, id, bid)
	h.after(w, r, u, id, err, "base.booking_cancelled")
}

func (h *Handlers) enterSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.after(w, r, u, id, h.enter(r, u, id), "base.entered")
}

// enter takes the organization the form's picker names into the base id.
func (h *Handlers) enter(r *http.Request, u *auth.User, id int64) error {
	org, err := registry.Resolve(r.Context(), h.Svc.Orgs, u, "org_id", r.PostFormValue("org_id"), h.pickIn(r, u, id))
	if err != nil {
		return err
	}
	_, err = h.Svc.Enter(r.Context(), u, id, IncubateeInput{OrgID: org, EnteredOn: r.PostFormValue("entered_on"),
		Note: r.PostFormValue("note")})
	return err
}

func (h *Handlers) leaveSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id, iid int64) {
	_, err := h.Svc.Leave(r.Context(), u, id, iid, r.PostFormValue("status"), r.PostFormValue("left_on"))
	h.after(w, r, u, id, err, "base.left")
}
