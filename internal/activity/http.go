package activity

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var static embed.FS

// Templates are the activities' pages.
var Templates = web.Templates{FS: templateFS, Dir: "templates"}

func (h *Handlers) pageRoutes(rt *web.Router) {
	rt.Assets("/static/activity/", static, "static")
	rt.HandleFunc("GET /activities", h.S.Page(h.listPage))
	rt.HandleFunc("GET /activities/new", h.S.Page(h.newPage))
	rt.HandleFunc("POST /activities", h.S.Page(h.createSubmit))
	rt.HandleFunc("GET /activities/export.xlsx", h.S.Page(h.exportXLSX))
	rt.HandleFunc("GET /activities/import", h.S.Page(h.importPage))
	rt.HandleFunc("POST /activities/import", h.S.Page(h.importSubmit))
	rt.HandleFunc("GET /activities/import/template.xlsx", h.S.Page(h.templateXLSX))
	rt.HandleFunc("GET /activities/{id}", h.S.PageID(h.showPage))
	rt.HandleFunc("GET /activities/{id}/files/{file_id}", h.S.PagePair("id", "file_id", h.fileBytes))
	rt.HandleFunc("POST /activities/{id}/report", h.S.PageID(h.reportSubmit))
	rt.HandleFunc("GET /campaigns/{theme}", h.S.Page(h.campaignPage))
	rt.HandleFunc("GET /major-reports", h.S.Page(h.inboxPage))
	rt.HandleFunc("POST /major-reports/{id}/decision", h.S.PageID(h.decideSubmit))
	rt.HandleFunc("GET /volunteers/{id}/certificate", h.S.PageID(h.certificatePage))
	rt.HandleFunc("GET /volunteers/{id}/hours.xlsx", h.S.PageID(h.hoursXLSX))
	h.peoplePages(rt)
}

type enums struct {
	Themes, Kinds, Groups, Statuses []string
	Fields                          map[string][]string
}

var allEnums = enums{Themes: Themes, Kinds: Kinds, Groups: registry.TargetGroups,
	Statuses: []string{StatusRecorded, StatusAwaiting, StatusRefused}, Fields: ThemeFields}

type listData struct {
	Page     *Page
	Filter   Filter
	E        enums
	Calendar []calDay
	Month    string
	Prev     string
	Next     string
	CanAdd   bool
	// the organization filter as typed, and why it named none
	Org, OrgErr string
}

type calDay struct {
	Day   string
	Items []*Activity
}

// pageFilter is the list page's filter, shared by its export: an
// organization typed by name without script is resolved by the picker's
// search in the user's scope; a name that places no single organization is
// a field error and lists none (never everything).
func (h *Handlers) pageFilter(r *http.Request, u *auth.User) (Filter, string, error) {
	f := FilterOf(r.URL.Query())
	org := strings.TrimSpace(r.URL.Query().Get("org_id"))
	if org == "" || f.OrgID != 0 {
		return f, "", nil
	}
	id, err := registry.Resolve(r.Context(), h.Svc.Orgs, u, "org_id", org, registry.PickFilter{})
	if err != nil {
		fe, ok := h.S.FieldErrors(r, err)
		if !ok {
			return f, "", err
		}
		f.OrgID = -1
		return f, fe["org_id"], nil
	}
	f.OrgID = id
	return f, "", nil
}

func (h *Handlers) listPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	f, orgErr, err := h.pageFilter(r, u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := listData{Filter: f, E: allEnums, CanAdd: recordsAny(u), Org: strings.TrimSpace(r.URL.Query().Get("org_id")), OrgErr: orgErr}
	if r.URL.Query().Get("view") == "calendar" {
		month := r.URL.Query().Get("month")
		m, err := time.Parse("2006-01", month)
		if err != nil {
			m, _ = time.Parse("2006-01", clock.Month(h.Svc.now()))
		}
		d.Month, d.Prev, d.Next = m.Format("2006-01"), m.AddDate(0, -1, 0).Format("2006-01"), m.AddDate(0, 1, 0).Format("2006-01")
		f.From, f.To, f.PerPage, f.Page = m.Format(time.DateOnly), m.AddDate(0, 1, -1).Format(time.DateOnly), 200, 1
	}
	p, err := h.Svc.List(r.Context(), u, f)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d.Page = p
	if d.Month != "" {
		byDay := map[string][]*Activity{}
		for _, a := range p.Items {
			byDay[a.StartsOn] = append(byDay[a.StartsOn], a)
		}
		m, _ := time.Parse("2006-01", d.Month)
		for day := m; day.Month() == m.Month(); day = day.AddDate(0, 0, 1) {
			k := day.Format(time.DateOnly)
			if items := byDay[k]; len(items) > 0 {
				slices.Reverse(items)
				d.Calendar = append(d.Calendar, calDay{Day: k, Items: items})
			}
		}
	}
	h.S.Render(w, r, http.StatusOK, "activities", web.View{Title: h.S.T(r, "act.list_title"), Data: d})
}

type formData struct {
	Orgs  []*registry.Org
	E     enums
	Form  url.Values
	Today string
}

func (h *Handlers) recordable(ctx context.Context, u *auth.User) ([]*registry.Org, error) {
	if h.Svc.OrgList == nil {
		return nil, nil
	}
	p, err := h.Svc.OrgList(ctx, u, registry.Filter{Status: registry.StatusActive, PerPage: 200})
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}

func (h *Handlers) renderForm(w http.ResponseWriter, r *http.Request, u *auth.User, status int, form url.Values, fe map[string]string) {
	orgs, lerr := h.recordable(r.Context(), u)
	if lerr != nil {
		h.S.PageError(w, r, lerr)
		return
	}
	v := web.View{Title: h.S.T(r, "act.new_title"), Data: formData{Orgs: orgs, E: allEnums, Form: form,
		Today: clock.Day(h.Svc.now())}}
	if fe != nil {
		v.Errors, v.Message = fe, h.S.T(r, "err.invalid_input")
	}
	h.S.Render(w, r, status, "activity_new", v)
}

func (h *Handlers) newPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !recordsAny(u) {
		h.S.PageError(w, r, errs.E(errs.Forbidden, "err.forbidden"))
		return
	}
	h.renderForm(w, r, u, http.StatusOK, url.Values{}, nil)
}

// inputOfForm reads the recording form: a day and two times in China time.
func inputOfForm(ctx context.Context, svc *Service, f url.Values) Input {
	atoi := func(k string) int { n, _ := strconv.Atoi(strings.TrimSpace(f.Get(k))); return n }
	org, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
	in := Input{Title: f.Get("title"), Theme: f.Get("theme"), Kind: f.Get("kind"), Fields: f["fields"],
		CommunityCode: strings.TrimSpace(f.Get("community_code")), Address: f.Get("address"), TargetGroups: f["target_groups"],
		Participants: atoi("participants"), WriteUp: f.Get("write_up")}
	if org != 0 {
		in.OrgIDs = []int64{org}
		if in.CommunityCode == "" {
			if o, err := svc.Orgs.Lookup(ctx, org); err == nil {
				in.CommunityCode = o.CommunityCode
			}
		}
	}
	day := f.Get("day")
	if day != "" && f.Get("start") != "" {
		in.StartsAt = day + "T" + f.Get("start") + ":00+08:00"
	}
	if day != "" && f.Get("end") != "" {
		in.EndsAt = day + "T" + f.Get("end") + ":00+08:00"
	}
	total := atoi("beneficiaries")
	in.Beneficiaries = Beneficiaries{Total: total, Other: total}
	return in
}

func (h *Handlers) createSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	a, err := h.create(w, r, u)
	h.S.SavedAt(w, r, err, func() string { return fmt.Sprintf("/activities/%d?flash=act.recorded", a.ID) },
		func(status int, fe map[string]string) { h.renderForm(w, r, u, status, r.Form, fe) })
}

// create records the recording form's activity, with its file.
func (h *Handlers) create(w http.ResponseWriter, r *http.Request, u *auth.User) (*Activity, error) {
	up, err := h.readFile(w, r)
	if err != nil {
		return nil, err
	}
	// the community by name, "街道 · 社区", "name #code" or its code; the
	// form keeps what was typed
	f := maps.Clone(r.Form)
	if h.Places != nil {
		code, err := geo.ResolvePlace(r.Context(), h.Places, u, "community_code", f.Get("community_code"), geo.Community)
		if err != nil {
			return nil, err
		}
		f.Set("community_code", code)
	}
	return h.Svc.CreateWithFile(r.Context(), u, inputOfForm(r.Context(), h.Svc, f), up)
}

type showData struct {
	CanReport bool
	A         *Activity
	Hours     []HoursEntry
	Report    *Report
	Images    []File
	Others    []File
	Members   map[int64]string
}

func (h *Handlers) showPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	a, err := h.Svc.Get(r.Context(), u, id)
	var hs []HoursEntry
	if err == nil {
		hs, err = activityHours(r.Context(), h.Svc.DB.Read, id)
	}
	var rp *Report
	if err == nil {
		rp, err = reportOf(r.Context(), h.Svc, id)
	}
	d := showData{A: a, Hours: hs, Report: rp}
	if err == nil {
		d.CanReport, err = h.Svc.mayReport(r.Context(), u, a, rp != nil)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	for _, f := range a.Files {
		if strings.HasPrefix(f.ContentType, "image/") {
			d.Images = append(d.Images, f)
		} else {
			d.Others = append(d.Others, f)
		}
	}
	h.S.Render(w, r, http.StatusOK, "activity", web.View{Title: a.Title, Data: d})
}

// reportSubmit reports a major activity from its page.
func (h *Handlers) reportSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	if _, err := h.Svc.Submit(r.Context(), u, id); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/activities/%d?flash=act.reported", id), http.StatusSeeOther)
}

func reportOf(ctx context.Context, s *Service, activityID int64) (*Report, error) {
	var id int64
	err := s.DB.Read.QueryRowContext(ctx, `SELECT id FROM major_reports WHERE activity_id = $1`, activityID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return getReport(ctx, s.DB.Read, id, "")
}

type campaignData struct {
	C      *Campaign
	Chart  template.JS
	Themes []string
	Recent *Page
}

func (h *Handlers) campaignPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	theme := r.PathValue("theme")
	c, err := h.Svc.Campaign(r.Context(), u, theme, q.Get("unit"), q.Get("from"), q.Get("to"))
	var recent *Page
	if err == nil {
		recent, err = h.Svc.List(r.Context(), u, Filter{Within: c.Unit, Theme: theme, From: c.From, To: c.To, PerPage: 20})
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	chart := map[string]any{"months": []string{}, "activities": []int{}, "beneficiaries": []int{}, "hours": []float64{},
		"labels": []string{h.S.T(r, "act.activities"), h.S.T(r, "act.beneficiaries"), h.S.T(r, "act.volunteer_hours")}}
	for _, m := range c.ByMonth {
		chart["months"] = append(chart["months"].([]string), m.Key)
		chart["activities"] = append(chart["activities"].([]int), m.Activities)
		chart["beneficiaries"] = append(chart["beneficiaries"].([]int), m.Beneficiaries)
		chart["hours"] = append(chart["hours"].([]float64), m.VolunteerHours)
	}
	js, _ := json.Marshal(chart)
	h.S.Render(w, r, http.StatusOK, "campaign", web.View{Title: h.S.T(r, "theme."+theme),
		Data: campaignData{C: c, Chart: template.JS(js), Themes: Themes, Recent: recent}})
}

type inboxData struct {
	L     *ReportList
	Today string
}

func (h *Handlers) inboxPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.renderInbox(w, r, u, http.StatusOK, "")
}

func (h *Handlers) renderInbox(w http.ResponseWriter, r *http.Request, u *auth.User, status int, msg string) {
	l, err := h.Svc.Reports(r.Context(), u, r.URL.Query().Get("status"), pageOf(r))
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, status, "major_reports", web.View{Title: h.S.T(r, "act.inbox_title"), Message: msg,
		Data: inboxData{L: l, Today: clock.Day(h.Svc.now())}})
}

func (h *Handlers) decideSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.Decide(r.Context(), u, id, r.FormValue("decision"), r.FormValue("reason"))
	h.S.DoneLine(w, r, err, "/major-reports?flash=act.decided", func(status int, msg string) { h.renderInbox(w, r, u, status, msg) })
}

// hours are the volunteer's hours the request names: the path's id, over
// the query's from and to.
func (h *Handlers) hours(r *http.Request, u *auth.User, id int64) (*Hours, error) {
	return h.Svc.VolunteerHours(r.Context(), u, id, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
}

func (h *Handlers) certificatePage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	hs, err := h.hours(r, u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "volunteer_certificate", web.View{Title: h.S.T(r, "act.certificate"), Data: hs})
}
