package civic

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"linli/internal/funding"
	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Home is a resident's page, where "/" sends a signed-in resident.
const Home = "/resident"

// Handlers serves the room's pages and API over the same service.
type Handlers web.Room[*Service]

// Routes mounts the routes; the resident's own are opened to residents.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /residents/signup", h.signupPage)
	rt.HandleFunc("POST /residents/signup", h.signupSubmit)
	rt.HandleFunc("GET "+Home, h.S.Page(h.homePage))
	rt.HandleFunc("POST /resident/follows", h.S.Page(h.followSubmit))
	rt.HandleFunc("POST /resident/signups", h.S.Page(h.signupForSubmit))
	rt.HandleFunc("POST /resident/needs", h.S.Page(h.needSubmit))
	rt.HandleFunc("POST /resident/ratings", h.S.Page(h.rateSubmit))
	rt.HandleFunc("POST /resident/surveys/{id}", h.S.PageID(h.answerSubmit))
	rt.ForResidents("GET /residents/signup", "POST /residents/signup", "GET "+Home, "POST /resident/follows", "POST /resident/signups",
		"POST /resident/needs", "POST /resident/ratings", "POST /resident/surveys/{id}")
	rt.HandleFunc("GET /cases", h.S.Page(h.casesPage))
	rt.HandleFunc("POST /cases", h.S.Page(h.caseCreate))
	rt.HandleFunc("GET /cases/{id}", h.S.PageID(h.casePage))
	rt.HandleFunc("POST /cases/{id}/decision", h.S.PageID(h.caseDecide))
	rt.HandleFunc("POST /cases/{id}/photos", h.S.PageID(h.casePhoto))
	rt.HandleFunc("GET /cases/{id}/photos/{photo}", h.S.PagePair("id", "photo", h.casePhotoFile))
	rt.HandleFunc("GET /ratings", h.S.Page(h.ratingsPage))
	rt.HandleFunc("POST /ratings/{id}/moderation", h.S.PageID(h.moderateSubmit))
	rt.HandleFunc("POST /ratings/{id}/answer", h.S.PageID(h.answerRatingSubmit))
	rt.HandleFunc("GET /p/cases", h.publicCasesPage)
	rt.HandleFunc("GET /p/cases/{id}", h.S.PublicID("id", h.publicCasePage))
	rt.HandleFunc("GET /p/cases/{id}/photos/{photo}", h.S.PublicPair("id", "photo", h.photo))
	rt.HandleFunc("GET /p/digest/{code}", h.digestPage)
	h.surveyRoutes(rt)
	h.apiRoutes(rt)
}

func (h *Handlers) tr(r *http.Request, key string, args ...any) string {
	return h.S.Cat.T(i18n.FromRequest(r), key, args...)
}

// flashed is the address path with the flash message key flash.
func flashed(path, flash string) string {
	return path + "?flash=" + url.QueryEscape(flash)
}

// formError shows a form's error on a page of its own (the fields' messages).
func (h *Handlers) formError(w http.ResponseWriter, r *http.Request, err error) {
	h.S.RefusalPage(w, r, err, "civic.refused")
}

// done ends a resident's or an officer's form (web.Done): back to path
// with the flash, or the refusal on a page of its own (formError).
func (h *Handlers) done(w http.ResponseWriter, r *http.Request, err error, path, flash string) {
	h.S.Done(w, r, err, flashed(path, flash), func(_ int, fail error) { h.formError(w, r, fail) })
}

type signupData struct {
	Username, Community, District, Street string
	Districts, Streets, Communities       []Option
	Errors                                map[string]string
}

// Option is a choice of a select.
type Option struct{ Code, Name string }

func (h *Handlers) children(r *http.Request, code string) []Option {
	out := []Option{}
	ns, err := h.Svc.Geo.Children(r.Context(), code)
	if err != nil {
		return out
	}
	for _, n := range ns {
		out = append(out, Option{Code: n.Code, Name: n.Name})
	}
	return out
}

// chooser fills the place chooser of the sign-up page: district, then
// street, then community, each a plain GET form (no JavaScript).
func (h *Handlers) chooser(r *http.Request, d *signupData) {
	q := r.URL.Query()
	if d.Community != "" && len(d.Community) == 12 {
		d.District, d.Street = d.Community[:6], d.Community[:9]
	}
	if d.District == "" {
		d.District = q.Get("district")
	}
	if d.Street == "" {
		d.Street = q.Get("street")
	}
	if len(d.Street) == 9 && d.District == "" {
		d.District = d.Street[:6]
	}
	d.Districts = h.children(r, h.Svc.City)
	if len(d.District) == 6 {
		d.Streets = h.children(r, d.District)
	}
	if len(d.Street) == 9 && strings.HasPrefix(d.Street, d.District) {
		d.Communities = h.children(r, d.Street)
	}
}

func (h *Handlers) signupPage(w http.ResponseWriter, r *http.Request) {
	d := signupData{Community: r.URL.Query().Get("community")}
	h.chooser(r, &d)
	h.S.Render(w, r, http.StatusOK, "civic_signup", web.View{Title: h.tr(r, "civic.signup_title"), Data: d})
}

func (h *Handlers) signupSubmit(w http.ResponseWriter, r *http.Request) {
	in := SignUp{Username: r.PostFormValue("username"), Password: r.PostFormValue("password"),
		CommunityCode: r.PostFormValue("community_code"), Phone: r.PostFormValue("phone")}
	h.S.Saved(w, r, h.signUp(w, r, in), flashed(Home, "civic.welcome"), func(status int, fe map[string]string) {
		d := signupData{Username: in.Username, Community: in.CommunityCode, Errors: fe}
		h.chooser(r, &d)
		h.S.Render(w, r, status, "civic_signup", web.View{Title: h.tr(r, "civic.signup_title"), Errors: fe, Data: d})
	})
}

// signUp registers a resident and signs them in: the session is set
// before the redirect that ends the form.
func (h *Handlers) signUp(w http.ResponseWriter, r *http.Request, in SignUp) error {
	if _, err := h.Svc.SignUp(r.Context(), in, h.S.ClientIP(r)); err != nil {
		return err
	}
	_, token, err := h.S.Auth.Login(r.Context(), strings.TrimSpace(in.Username), in.Password, h.S.ClientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	h.S.SetSession(w, r, token)
	return nil
}

type homeData struct {
	Me       *Resident
	Follows  []OrgLine
	Nearby   []OrgLine
	Open     []ActivityLine
	Mine     []ActivityLine
	Ratings  []*Rating
	Surveys  []*Survey
	Fields   []string
	RateOrgs []ActivityLine
}

func (h *Handlers) homePage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	ctx := r.Context()
	d := homeData{Fields: funding.Fields}
	var err error
	d.Me, err = h.Svc.Me(ctx, u)
	if err == nil {
		d.Follows, err = h.Svc.Followed(ctx, u)
	}
	if err == nil {
		d.Nearby, err = h.Svc.Nearby(ctx, u)
	}
	if err == nil {
		d.Open, err = h.Svc.OpenActivities(ctx, u)
	}
	if err == nil {
		d.Mine, err = h.Svc.MySignups(ctx, u)
	}
	if err == nil {
		d.Ratings, err = h.Svc.Ratings(ctx, u, "")
	}
	if err == nil {
		d.Surveys, err = h.Svc.Surveys(ctx, u)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	followed := map[int64]bool{}
	for _, f := range d.Follows {
		followed[f.ID] = true
	}
	for i := range d.Nearby {
		d.Nearby[i].Followed = followed[d.Nearby[i].ID]
	}
	seen := map[int64]bool{}
	for _, a := range d.Mine {
		if a.Past && !seen[a.OrgID] {
			seen[a.OrgID] = true
			d.RateOrgs = append(d.RateOrgs, a)
		}
	}
	h.S.Render(w, r, http.StatusOK, "civic_home", web.View{Title: h.tr(r, "civic.home_title"), Data: d})
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	return id
}

func (h *Handlers) followSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.done(w, r, h.Svc.Follow(r.Context(), u, formID(r, "org_id"), r.PostFormValue("on") != "0"), Home, "civic.saved")
}

func (h *Handlers) signupForSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.done(w, r, h.Svc.SignUpFor(r.Context(), u, formID(r, "activity_id")), Home, "civic.signed_up")
}

func (h *Handlers) needSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if h.Svc.Needs == nil {
		h.S.PageError(w, r, errs.Missing())
		return
	}
	_, err := h.Svc.Needs.RecordNeed(r.Context(), u, funding.Need{Title: r.PostFormValue("title"), Field: r.PostFormValue("field"),
		Detail: r.PostFormValue("detail")})
	h.done(w, r, err, Home, "civic.need_saved")
}

func (h *Handlers) rateSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	stars, _ := strconv.Atoi(r.PostFormValue("stars"))
	_, err := h.Svc.Rate(r.Context(), u, formID(r, "org_id"), RatingInput{Stars: stars, Comment: r.PostFormValue("comment")})
	h.done(w, r, err, Home, "civic.rated")
}

func (h *Handlers) answerSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	r.ParseForm()
	in := AnswerInput{Answers: map[string]string{}}
	for k, v := range r.PostForm {
		if key, ok := strings.CutPrefix(k, "q_"); ok && len(v) > 0 {
			in.Answers[key] = v[0]
		}
	}
	h.done(w, r, h.Svc.AnswerSurvey(r.Context(), u, id, in), Home, "civic.answered")
}

type casesData struct {
	Items  []*Case
	Themes []string
	Kinds  []string
}

func (h *Handlers) casesPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	list, err := h.Svc.Cases(r.Context(), u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "civic_cases", web.View{Title: h.tr(r, "civic.cases_title"),
		Data: casesData{Items: list, Themes: themes(), Kinds: Kinds}})
}

func ids(s string) []int64 {
	out := []int64{}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '，' }) {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func (h *Handlers) caseCreate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	c, err := h.createCase(r, u)
	h.S.DoneAt(w, r, err, func() string { return flashed("/cases/"+itoa(c.ID), "civic.saved") },
		func(_ int, fail error) { h.formError(w, r, fail) })
}

// createCase creates the case of the form, in the place it names: the
// street or community by name, "街道 · 社区", "name #code" or its code;
// empty is the author's own.
func (h *Handlers) createCase(r *http.Request, u *auth.User) (*Case, error) {
	r.ParseForm()
	unit, err := geo.ResolvePlace(r.Context(), h.Svc.Geo, u, "unit_code", r.PostFormValue("unit_code"), 0)
	if err != nil {
		return nil, err
	}
	return h.Svc.CreateCase(r.Context(), u, CaseInput{Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"),
		Story: r.PostFormValue("story"), UnitCode: unit, Themes: r.PostForm["themes"],
		ActivityIDs: ids(r.PostFormValue("activity_ids")), ProjectIDs: ids(r.PostFormValue("project_ids"))})
}

type caseData struct {
	C         *Case
	CanSubmit bool
	CanDecide bool
	CanPhoto  bool
	CanFeat   bool
}

func (h *Handlers) casePage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	c, err := h.Svc.Case(r.Context(), u, id)
	if c, err = auth.Visible(u, c, err, worksOnCase); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := caseData{C: c, CanSubmit: mayDecideCase(u, c, "submit"), CanPhoto: mayAddCasePhoto(u, c),
		CanDecide: mayDecideCase(u, c, "approve"), CanFeat: mayDecideCase(u, c, "feature")}
	h.S.Render(w, r, http.StatusOK, "civic_case", web.View{Title: c.Title, Data: d})
}

func (h *Handlers) caseDecide(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.Decide(r.Context(), u, id, Decision{Decision: r.PostFormValue("decision"), Reason: r.PostFormValue("reason")})
	h.done(w, r, err, "/cases/"+itoa(id), "civic.decided")
}

func (h *Handlers) casePhoto(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.addPhoto(w, r, u, id)
	h.done(w, r, err, "/cases/"+itoa(id), "civic.saved")
}

func (h *Handlers) ratingsPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	status := r.URL.Query().Get("status")
	list, err := h.Svc.Ratings(r.Context(), u, status)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	type row struct {
		*Rating
		CanModerate, CanAnswer bool
	}
	rows := []row{}
	for _, x := range list {
		rows = append(rows, row{Rating: x, CanModerate: x.CommentStatus == CommentPending && canModerate(u, x.CommunityCode), CanAnswer: canAnswer(u, x.OrgID)})
	}
	h.S.Render(w, r, http.StatusOK, "civic_ratings", web.View{Title: h.tr(r, "civic.ratings_title"), Data: rows})
}

func (h *Handlers) moderateSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.Moderate(r.Context(), u, id, Moderation{Decision: r.PostFormValue("decision")})
	h.done(w, r, err, "/ratings", "civic.decided")
}

func (h *Handlers) answerRatingSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.AnswerRating(r.Context(), u, id, Answer{Answer: r.PostFormValue("answer")})
	h.done(w, r, err, "/ratings", "civic.saved")
}

// publicView is what the public pages receive: their Open Graph facts.
type publicView struct {
	OG   OG
	Data any
}

// OG is a page's share preview (Open Graph).
type OG struct {
	Title, Description, URL, Image string
}

func (h *Handlers) base(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || h.S.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func clip(s string, n int) string {
	rs := []rune(strings.Join(strings.Fields(s), " "))
	if len(rs) <= n {
		return string(rs)
	}
	return string(rs[:n]) + "…"
}

func publicCache(w http.ResponseWriter) {
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
}

type publicCasesData struct {
	Items  []*Case
	Within string
	Name   string
}

func (h *Handlers) publicCasesPage(w http.ResponseWriter, r *http.Request) {
	within := r.URL.Query().Get("within")
	list, err := h.Svc.PublicCases(r.Context(), within, r.URL.Query().Get("featured") == "1", 100)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	name := ""
	if within != "" {
		if n, err := h.Svc.Geo.Get(r.Context(), within); err == nil {
			name = n.Name
		}
	}
	title := h.tr(r, "civic.public_cases_title")
	publicCache(w)
	h.S.Render(w, r, http.StatusOK, "civic_public_cases", web.View{Title: title,
		Data: publicView{OG: OG{Title: title, Description: h.tr(r, "civic.public_cases_desc"), URL: h.base(r) + r.URL.RequestURI()},
			Data: publicCasesData{Items: list, Within: within, Name: name}}})
}

func (h *Handlers) publicCasePage(w http.ResponseWriter, r *http.Request, id int64) {
	c, err := h.Svc.Case(r.Context(), nil, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	og := OG{Title: c.Title, Description: clip(c.Story, 100), URL: h.base(r) + "/p/cases/" + itoa(c.ID)}
	if len(c.Photos) > 0 {
		og.Image = h.base(r) + "/p/cases/" + itoa(c.ID) + "/photos/" + itoa(c.Photos[0])
	}
	publicCache(w)
	h.S.Render(w, r, http.StatusOK, "civic_public_case", web.View{Title: c.Title, Data: publicView{OG: og, Data: c}})
}

// photo sends a published case's photo, which any cache may keep.
func (h *Handlers) photo(w http.ResponseWriter, r *http.Request, id, pid int64) {
	ct, data, err := h.Svc.Photo(r.Context(), id, pid)
	h.sendPhoto(w, r, "public, max-age=86400", ct, data, err)
}

// casePhotoFile sends a photo of a case the user may see, published or
// not, kept out of shared caches.
func (h *Handlers) casePhotoFile(w http.ResponseWriter, r *http.Request, u *auth.User, id, pid int64) {
	ct, data, err := h.Svc.CasePhoto(r.Context(), u, id, pid)
	h.sendPhoto(w, r, "private, no-store", ct, data, err)
}

// sendPhoto sends a case's photo read (of type ct), kept by caches as
// cache says, or the read's error (JSON under /api/, else the error page).
func (h *Handlers) sendPhoto(w http.ResponseWriter, r *http.Request, cache, ct string, data []byte, err error) {
	if err != nil {
		h.S.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", cache)
	w.Write(data)
}

func (h *Handlers) digestPage(w http.ResponseWriter, r *http.Request) {
	month := r.URL.Query().Get("month")
	if _, err := time.Parse("2006-01", month); err != nil {
		month = clock.Month(h.Svc.now())
	}
	d, err := h.Svc.Digest(r.Context(), r.PathValue("code"), month)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	title := fmt.Sprintf(h.tr(r, "civic.digest_title"), d.Name, d.Month)
	publicCache(w)
	h.S.Render(w, r, http.StatusOK, "civic_digest", web.View{Title: title,
		Data: publicView{OG: OG{Title: title, Description: fmt.Sprintf(h.tr(r, "civic.digest_desc"), len(d.Orgs), len(d.Activities), len(d.Cases)),
			URL: h.base(r) + r.URL.RequestURI()}, Data: d}})
}
