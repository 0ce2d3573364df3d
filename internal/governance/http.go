package governance

import (
	"embed"
	"net/http"
	"strconv"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the room's pages and API over the same service.
type Handlers web.Room[*Service]

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /orgs/{id}/governance", h.S.PageID(h.governancePage))
	rt.HandleFunc("POST /orgs/{id}/governance/charter", h.S.PageID(h.saveSubmit))
	rt.HandleFunc("POST /orgs/{id}/governance/adopt", h.S.PageID(h.adoptSubmit))
	rt.HandleFunc("POST /orgs/{id}/governance/elections", h.S.PageID(h.electSubmit))
	rt.HandleFunc("POST /orgs/{id}/governance/decisions", h.S.PageID(h.decideSubmit))
	rt.HandleFunc("GET /orgs/{id}/charter", h.S.PageID(h.charterPage))
	rt.HandleFunc("GET /work-reports", h.S.Page(h.reportsPage))
	rt.HandleFunc("POST /work-reports", h.S.Page(h.submitReport))
	rt.HandleFunc("POST /work-reports/{id}/review", h.S.PageID(h.reviewSubmit))
	rt.HandleFunc("POST /report-cycles", h.S.Page(h.cycleSubmit))
	h.apiRoutes(rt)
}

type govData struct {
	Org        *registry.Org
	C          *Charter
	Board      *Board
	Decisions  []Decision
	CanEdit    bool
	Today      string
	Clauses    []Clause
	Posts      []string
	Kinds      []string
	Rows       []int
	ReportForm reportForm // the work-report form (CanEdit)
}

// reportForm is the work-report form both pages show (templates/_report_form.html):
// the organization it files for and the periods it may file.
type reportForm struct {
	OrgID   int64
	Periods []Period
}

func (h *Handlers) governancePage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.renderGov(w, r, u, id, http.StatusOK, "")
}

func (h *Handlers) renderGov(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, status int, msg string) {
	o, err := h.Svc.org(r.Context(), u, id)
	d := govData{Org: o, CanEdit: CanEdit(u), Today: h.Svc.today(), Clauses: Clauses, Posts: Posts, Kinds: DecisionKinds,
		Rows: []int{0, 1, 2, 3, 4}}
	if err == nil {
		d.C, err = h.Svc.charter(r.Context(), o, 0)
	}
	if err == nil {
		d.Board, err = h.Svc.board(r.Context(), id)
	}
	if err == nil {
		d.Decisions, err = decisions(r.Context(), h.Svc.DB.Read, id)
	}
	if err == nil && d.CanEdit {
		d.ReportForm.OrgID = id
		d.ReportForm.Periods, err = h.Svc.Owed(r.Context(), u, id)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, status, "governance", web.View{Title: h.S.T(r, "gov.title") + " · " + o.Name, User: u, Message: msg, Data: d})
}

// after ends a form: back to the page with a flash, or the page again with
// the errors.
func (h *Handlers) after(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, err error, flash string) {
	h.S.DoneLine(w, r, err, "/orgs/"+strconv.FormatInt(id, 10)+"/governance?flash="+flash,
		func(status int, msg string) { h.renderGov(w, r, u, id, status, msg) })
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return -1
	}
	return n
}

func (h *Handlers) saveSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_ = r.ParseForm()
	keys, titles, texts := r.PostForm["key"], r.PostForm["title"], r.PostForm["text"]
	var chs []Chapter
	for i := range keys {
		if i < len(titles) && i < len(texts) {
			chs = append(chs, Chapter{Key: keys[i], Title: titles[i], Text: strings.ReplaceAll(texts[i], "\r\n", "\n")})
		}
	}
	_, err := h.Svc.SaveCharter(r.Context(), u, id, chs)
	h.after(w, r, u, id, err, "gov.saved")
}

func (h *Handlers) adoptSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.Adopt(r.Context(), u, id, Vote{MeetingOn: r.PostFormValue("meeting_on"), Present: atoi(r.PostFormValue("present")),
		For: atoi(r.PostFormValue("for")), Against: atoi(r.PostFormValue("against")), Abstain: atoi(r.PostFormValue("abstain"))})
	h.after(w, r, u, id, err, "gov.adopted")
}

func (h *Handlers) electSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	in := ElectionInput{HeldOn: r.PostFormValue("held_on"), Present: atoi(r.PostFormValue("present")),
		TermYears: atoi(r.PostFormValue("term_years")), Note: r.PostFormValue("note")}
	for i := 0; i < 5; i++ {
		n := strconv.Itoa(i)
		name := strings.TrimSpace(r.PostFormValue("name" + n))
		if name == "" {
			continue
		}
		in.Candidates = append(in.Candidates, Candidate{Name: name, Post: r.PostFormValue("post" + n),
			Votes: atoi(r.PostFormValue("votes" + n)), Elected: r.PostFormValue("elected"+n) != ""})
	}
	_, err := h.Svc.Elect(r.Context(), u, id, in)
	h.after(w, r, u, id, err, "gov.elected")
}

func (h *Handlers) decideSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.Decide(r.Context(), u, id, DecisionInput{MeetingOn: r.PostFormValue("meeting_on"), Title: r.PostFormValue("title"),
		Kind: r.PostFormValue("kind"), Detail: r.PostFormValue("detail"), Members: atoi(r.PostFormValue("members")),
		Quorum: atoi(r.PostFormValue("quorum")), Present: atoi(r.PostFormValue("present")), For: atoi(r.PostFormValue("for")),
		Against: atoi(r.PostFormValue("against")), Abstain: atoi(r.PostFormValue("abstain")), Majority: r.PostFormValue("majority")})
	h.after(w, r, u, id, err, "gov.decided")
}

// charterPage is the printable charter.
func (h *Handlers) charterPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	c, err := h.charterAt(r, u, id, h.Svc.Printable)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "charter", web.View{Title: c.OrgName + "章程", User: u, Data: c})
}

type reportsData struct {
	L          *ReportList
	Overdue    []OverdueTerm
	Cycles     []Cycle
	Reviewer   bool
	Leader     bool
	ReportForm reportForm
	CycleKeys  []string
	Today      string
}

func (h *Handlers) reportsPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.renderReports(w, r, u, http.StatusOK, "")
}

func (h *Handlers) renderReports(w http.ResponseWriter, r *http.Request, u *auth.User, status int, msg string) {
	y, err := yearParam(r)
	d := reportsData{CycleKeys: Cycles, Today: h.Svc.today()}
	if err == nil {
		d.L, err = h.Svc.Reports(r.Context(), u, y, r.URL.Query().Get("status"))
	}
	if err == nil {
		d.Overdue, err = h.Svc.OverdueTerms(r.Context(), u)
	}
	if err == nil {
		d.Cycles, err = h.Svc.Cycles(r.Context(), u)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	switch {
	case overseesReports(u):
		d.Reviewer = true
	case u.OwnOrgOnly():
		d.Leader, d.ReportForm.OrgID = u.OrgID != 0, u.OrgID
		for _, m := range d.L.Missing {
			d.ReportForm.Periods = append(d.ReportForm.Periods, m.Period)
		}
		for _, rep := range d.L.Items {
			if rep.Status == ReportReturned {
				d.ReportForm.Periods = append(d.ReportForm.Periods, Period{Key: rep.Period, DueOn: rep.DueOn})
			}
		}
	}
	h.S.Render(w, r, status, "work_reports", web.View{Title: h.S.T(r, "gov.reports_title"), User: u, Message: msg, Data: d})
}

func (h *Handlers) reportsAfter(w http.ResponseWriter, r *http.Request, u *auth.User, err error, flash string) {
	h.S.DoneLine(w, r, err, "/work-reports?flash="+flash, func(status int, msg string) { h.renderReports(w, r, u, status, msg) })
}

func (h *Handlers) submitReport(w http.ResponseWriter, r *http.Request, u *auth.User) {
	id, _ := strconv.ParseInt(r.PostFormValue("org_id"), 10, 64)
	_, err := h.Svc.Submit(r.Context(), u, ReportInput{OrgID: id, Period: r.PostFormValue("period"), Body: r.PostFormValue("body")})
	h.reportsAfter(w, r, u, err, "gov.submitted")
}

func (h *Handlers) reviewSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.Review(r.Context(), u, id, r.PostFormValue("decision"), r.PostFormValue("comment"))
	h.reportsAfter(w, r, u, err, "gov.reviewed")
}

func (h *Handlers) cycleSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	_, err := h.Svc.SetCycle(r.Context(), u, Cycle{CommunityCode: strings.TrimSpace(r.PostFormValue("community_code")),
		Cycle: r.PostFormValue("cycle"), EffectiveOn: r.PostFormValue("effective_on")})
	h.reportsAfter(w, r, u, err, "gov.cycle_set")
}
