package portal

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/upload"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var static embed.FS

// Templates are the portal's pages.
var Templates = web.Templates{FS: templateFS, Dir: "templates"}

// Handlers serves the portal's pages and API.
type Handlers web.Room[*Service]

// Routes mounts the portal: its pages under /p/, its API under
// /api/v1/public/ and the settings.
func (h *Handlers) Routes(rt *web.Router) {
	rt.Assets("/static/portal/", static, "static")
	rt.HandleFunc("GET /p/{code}", h.placePage)
	rt.HandleFunc("GET /p/orgs/{id}", h.S.PublicID("id", h.orgPage))
	rt.HandleFunc("GET /p/orgs/{id}/photos/{pid}", h.S.PublicPair("id", "pid", h.photo))
	rt.HandleFunc("GET /p/activities", h.activitiesPage)
	rt.HandleFunc("GET /p/calls/{id}", h.S.PublicID("id", h.callPage))
	rt.HandleFunc("GET /p/orgs/{id}/settings", h.S.PageID(h.settingsPage))
	rt.HandleFunc("POST /p/orgs/{id}/settings", h.S.PageID(h.settingsSubmit))
	rt.HandleFunc("POST /p/orgs/{id}/photos", h.S.PageID(h.photoSubmit))
	rt.HandleFunc("POST /p/orgs/{id}/photos/{pid}/delete", h.S.PagePair("id", "pid", h.photoDelete))
	h.apiRoutes(rt)
}

// Meta is what a page tells a sharing preview (WeChat reads Open Graph).
type Meta struct {
	Description string
	URL         string
	Type        string
}

// page is what every portal page's template receives.
type page struct {
	Meta Meta
	Body any
	// Search: the organization search's choices.
	Types, Groups []string
}

func absURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

func (h *Handlers) render(w http.ResponseWriter, r *http.Request, name, title string, m Meta, body any) {
	public(w)
	h.S.Render(w, r, http.StatusOK, name, view(r, title, m, body))
}

// view is a portal page's view.
func view(r *http.Request, title string, m Meta, body any) web.View {
	if m.URL == "" {
		m.URL = absURL(r, r.URL.RequestURI())
	}
	if m.Type == "" {
		m.Type = "website"
	}
	return web.View{Title: title, Data: page{Meta: m, Body: body, Types: registry.Types, Groups: registry.TargetGroups}}
}

// Home is the home page of a visitor who is not signed in: the portal of
// the city.
func (h *Handlers) Home(w http.ResponseWriter, r *http.Request) {
	h.place(w, r, h.Svc.homeCode(r.Context()))
}

func (h *Handlers) placePage(w http.ResponseWriter, r *http.Request) {
	h.place(w, r, r.PathValue("code"))
}

func (h *Handlers) place(w http.ResponseWriter, r *http.Request, code string) {
	oq, err := orgQuery(r)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	p, err := h.Svc.Place(r.Context(), PlaceQuery{Code: code, Orgs: oq, Month: r.URL.Query().Get("month"), Lang: i18n.FromRequest(r)})
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	title := h.S.T(r, "portal.place_title", p.Name)
	desc := h.S.T(r, "portal.place_desc", p.Name, p.Orgs.Total, len(p.Upcoming))
	pv := placeView{Place: p, Prev: prevMonth(p.Month), Next: nextMonth(p.Month),
		Searching: oq.Q != "" || oq.Type != "" || oq.TargetGroup != "", Query: oq}
	// a cached place's page as a visitor who is not signed in and asks for
	// nothing else reads it: rendered once, kept with the place's data
	if p.page != nil && r.URL.RawQuery == "" && auth.UserFrom(r.Context()) == nil {
		public(w)
		url := absURL(r, r.URL.Path)
		b := p.page.get(url)
		if b == nil {
			if b, err = h.S.RenderBytes(r, "portal_place", view(r, title, Meta{Description: desc}, pv)); err != nil {
				h.S.PageError(w, r, err)
				return
			}
			p.page.put(url, b)
		}
		web.WriteHTML(w, http.StatusOK, b)
		return
	}
	h.render(w, r, "portal_place", title, Meta{Description: desc}, pv)
}

type placeView struct {
	*Place
	Prev, Next string
	Searching  bool
	Query      OrgQuery
}

func prevMonth(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return ""
	}
	return t.AddDate(0, -1, 0).Format("2006-01")
}

func nextMonth(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 1, 0).Format("2006-01")
}

type orgView struct {
	Org       *PublicOrg
	CanManage bool
	Signed    bool
}

func (h *Handlers) orgPage(w http.ResponseWriter, r *http.Request, id int64) {
	o, err := h.Svc.Org(r.Context(), id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	u := auth.UserFrom(r.Context())
	desc := o.Description
	if desc == "" {
		desc = h.S.T(r, "portal.org_desc", o.Name, o.CommunityName)
	}
	if rs := []rune(desc); len(rs) > 120 {
		desc = string(rs[:120]) + "…"
	}
	h.render(w, r, "portal_org", o.Name, Meta{Description: desc, Type: "profile"},
		orgView{Org: o, CanManage: u != nil && h.Svc.CanManage(r.Context(), u, id), Signed: u != nil})
}

func (h *Handlers) photo(w http.ResponseWriter, r *http.Request, id, pid int64) {
	ct, data, err := h.Svc.PhotoData(r.Context(), id, pid)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(data)
}

type activitiesView struct {
	Page      *ActivityPage
	Q         ActivityQuery
	Name      string
	Month     string
	Prev      string
	Next      string
	Calendar  [][]CalDay
	Errors    map[string]string
	WithinSet bool
}

func (h *Handlers) activitiesPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fe := errs.Fields{}
	aq := ActivityQuery{Within: q.Get("within"), From: q.Get("from"), To: q.Get("to"), Page: intParam(r, "page", fe)}
	if err := fe.Err(); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	v := activitiesView{Q: aq, WithinSet: aq.Within != ""}
	if aq.Within == "" {
		aq.Within = h.Svc.homeCode(r.Context())
	}
	p, err := h.Svc.Activities(r.Context(), aq)
	if err != nil {
		if msgs, ok := h.S.FieldErrors(r, err); ok {
			v.Errors = msgs
			p = &ActivityPage{Items: []Activity{}, Page: 1, PerPage: 20}
		} else {
			h.S.PageError(w, r, err)
			return
		}
	}
	v.Page = p
	if n, err := h.Svc.Geo.Get(r.Context(), aq.Within); err == nil && n != nil {
		v.Name = n.Name
	}
	today := h.Svc.today()
	month := monthOf(q.Get("month"), today)
	if q.Get("month") == "" && aq.From != "" {
		if t, err := time.Parse(time.DateOnly, aq.From); err == nil {
			month = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		}
	}
	v.Month = month.Format("2006-01")
	v.Prev, v.Next = prevMonth(v.Month), nextMonth(v.Month)
	if validCode(aq.Within) {
		days, err := h.Svc.ActivityDays(r.Context(), aq.Within, month.Format(time.DateOnly), month.AddDate(0, 1, -1).Format(time.DateOnly))
		if err != nil {
			h.S.PageError(w, r, err)
			return
		}
		v.Calendar = calendar(month, days, today.Format(time.DateOnly))
	}
	v.Q.Within = aq.Within
	title := h.S.T(r, "portal.activities_title", v.Name)
	h.render(w, r, "portal_activities", title, Meta{Description: h.S.T(r, "portal.activities_desc", v.Name, p.Total)}, v)
}

func (h *Handlers) callPage(w http.ResponseWriter, r *http.Request, id int64) {
	c, err := h.Svc.Call(r.Context(), id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.render(w, r, "portal_call", c.Title, Meta{Description: h.S.T(r, "portal.call_desc", c.Title, len(c.Results))}, c)
}

// settings pages

type settingsView struct {
	Meta     Meta // none: the settings are not for sharing
	Org      *registry.Org
	Set      Settings
	Photos   []Photo
	Errors   map[string]string
	MaxPhoto int64
}

// settingsView shows an organization's portal settings with status: a
// refused form's messages by field (msgs), and what was typed (in) over
// the stored settings.
func (h *Handlers) settingsView(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, status int, in *Settings, msgs map[string]string) {
	set, ps, err := h.Svc.Settings(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	o, err := h.Svc.Orgs.Get(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	v := settingsView{Org: o, Set: *set, Photos: ps, MaxPhoto: h.Svc.maxPhoto() >> 20}
	if msgs != nil {
		v.Errors = msgs
		if in != nil {
			in.Version = set.Version
			v.Set = *in
		}
	}
	h.S.Render(w, r, status, "portal_settings", web.View{Title: h.S.T(r, "portal.settings_title", o.Name), Data: v})
}

func (h *Handlers) settingsPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.settingsView(w, r, u, id, http.StatusOK, nil, nil)
}

func (h *Handlers) settingsSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	if !h.S.ParsedForm(w, r) {
		return
	}
	f := r.PostForm
	on := func(k string) bool { return f.Get(k) == "1" }
	ver, _ := strconv.Atoi(f.Get("version"))
	in := Settings{Contact: on("contact"), ContactName: f.Get("contact_name"), ContactPhone: f.Get("contact_phone"),
		About: on("about"), Description: f.Get("description"), HowToJoin: f.Get("how_to_join"), Photos: on("photos"),
		Finances: on("finances"), FinancesText: f.Get("finances_text"), Charter: on("charter"), CharterText: f.Get("charter_text"),
		OfficersText: f.Get("officers_text"), Activities: on("activities"), Version: ver}
	_, err := h.Svc.PutSettings(r.Context(), u, id, in)
	h.S.Saved(w, r, err, "/p/orgs/"+strconv.FormatInt(id, 10)+"/settings?flash=portal.saved", func(status int, msgs map[string]string) {
		h.settingsView(w, r, u, id, status, &in, msgs)
	})
}

func (h *Handlers) photoSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	var f *upload.File
	if err := r.ParseMultipartForm(h.Svc.maxPhoto() + 1<<20); err == nil {
		if file, hdr, err := r.FormFile("photo"); err == nil {
			f, err = upload.Read(file, hdr.Filename, h.Svc.maxPhoto())
			file.Close()
			if err != nil {
				h.S.PageError(w, r, err)
				return
			}
		}
	}
	_, err := h.Svc.AddPhoto(r.Context(), u, id, f, strings.TrimSpace(r.FormValue("caption")))
	h.S.Saved(w, r, err, "/p/orgs/"+strconv.FormatInt(id, 10)+"/settings?flash=portal.photo_added", func(status int, msgs map[string]string) {
		h.settingsView(w, r, u, id, status, nil, msgs)
	})
}

func (h *Handlers) photoDelete(w http.ResponseWriter, r *http.Request, u *auth.User, id, pid int64) {
	if err := h.Svc.DeletePhoto(r.Context(), u, id, pid); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/p/orgs/"+strconv.FormatInt(id, 10)+"/settings?flash=portal.photo_deleted", http.StatusSeeOther)
}

// placeLink is the portal page of a place.
func placeLink(code string) string { return "/p/" + url.PathEscape(code) }
