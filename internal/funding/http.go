package funding

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/idem"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// pageRoutes mounts the pages: every form calls the service method the API
// calls, so a rule lives in one place.
func (h *Handlers) pageRoutes(rt *web.Router) {
	rt.HandleFunc("GET /calls", h.S.Page(h.listPage))
	rt.HandleFunc("GET /calls/new", h.S.Page(h.newCallPage))
	rt.HandleFunc("POST /calls", h.S.Page(h.createCallSubmit))
	rt.HandleFunc("GET /calls/{id}", h.S.PageID(h.showPage))
	rt.HandleFunc("GET /calls/{id}/apply", h.S.PageID(h.applyPage))
	rt.HandleFunc("POST /calls/{id}/apply", h.S.PageID(h.applySubmit))
	rt.HandleFunc("POST /calls/{id}/reviewers", h.S.PageID(h.reviewersSubmit))
	rt.HandleFunc("POST /calls/{id}/awards", h.S.PageID(h.awardsSubmit))
	rt.HandleFunc("GET /applications/{id}", h.S.PageID(h.applicationPage))
	rt.HandleFunc("POST /applications/{id}/submit", h.S.PageID(h.appStep(h.Svc.Submit, "fund.flash.submitted")))
	rt.HandleFunc("POST /applications/{id}/withdraw", h.S.PageID(h.appStep(h.Svc.Withdraw, "fund.flash.withdrawn")))
	rt.HandleFunc("POST /applications/{id}/scores", h.S.PageID(h.scoreSubmit))
	rt.HandleFunc("GET /projects/{id}", h.S.PageID(h.projectPage))
	rt.HandleFunc("GET /projects/{id}/files/{file}", h.S.PagePair("id", "file", h.projectFile))
	rt.HandleFunc("POST /projects/{id}/tranches", h.S.PageID(h.trancheSubmit))
	rt.HandleFunc("POST /projects/{id}/milestones", h.S.PageID(h.milestoneSubmit))
	rt.HandleFunc("POST /projects/{id}/milestones/{m}/report", h.S.PagePair("id", "m", h.reportSubmit))
	rt.HandleFunc("POST /projects/{id}/milestones/{m}/accept", h.S.PagePair("id", "m", h.acceptSubmit))
	rt.HandleFunc("POST /projects/{id}/brand", h.S.PageID(h.brandSubmit))
	rt.HandleFunc("POST /projects/{id}/suballocations", h.S.PageID(h.suballocateSubmit))
	rt.HandleFunc("POST /projects/{id}/suballocations/{s}/tranches", h.S.PagePair("id", "s", h.subTrancheSubmit))
	rt.HandleFunc("POST /projects/{id}/suballocations/{s}/reverse", h.S.PagePair("id", "s", h.subReverseSubmit))
}

// yuan formats fen as yuan with two decimals.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// parseYuan reads an amount typed in yuan (at most two decimals) as fen;
// ok is false when it is not a number of that form.
func parseYuan(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" && frac == "" {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > MaxFen/100 {
		return 0, false
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	return w*100 + f, true
}

// yuanField reads a form's amount in yuan as fen; one that is not such an
// amount is the field's error (err.fund.yuan) and reads as 0.
func yuanField(s, field string, fe errs.Fields) int64 {
	fen, ok := parseYuan(s)
	if !ok {
		fe.Add(field, "err.fund.yuan")
	}
	return fen
}

// formError is a refusal of what the form says, before any service call
// (an amount that is not a number).
func formError(f errs.Fields) error { return f.Err() }

// problems names each refused field in the page's language, sorted.
func (h *Handlers) problems(r *http.Request, fe map[string]string) []string {
	out := make([]string, 0, len(fe))
	for k, m := range fe {
		if k == "_" {
			out = append(out, m)
			continue
		}
		label := "fund.f." + k
		if strings.HasPrefix(k, "scores.") {
			label = "fund.f.scores"
		}
		out = append(out, h.S.T(r, label)+"："+m)
	}
	slices.Sort(out)
	return out
}

// render shows a page: at 200 without err; the page again with a refusal
// of input, its messages by field and the list naming them (Refill: at
// the refusal's status, an ineligible organization's as an invalid input);
// any other err is the error page.
func (h *Handlers) render(w http.ResponseWriter, r *http.Request, name, title string, data any, err error) {
	if err == nil {
		h.S.Render(w, r, http.StatusOK, name, web.View{Title: title, Data: data})
		return
	}
	h.S.Refill(w, r, err, func(status int, fe map[string]string) {
		h.S.Render(w, r, status, name, web.View{Title: title, Data: data, Errors: fe, Message: strings.Join(h.problems(r, fe), "；")})
	})
}

// formKey is a fresh key a form carries so that sending it twice pays once.
func formKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// keyed returns ctx carrying the form's idempotency key, if it has one.
func keyed(r *http.Request, u *auth.User, status int) context.Context {
	k := strings.TrimSpace(r.PostFormValue("idem"))
	if k == "" || len(k) > idem.MaxKeyLen {
		return r.Context()
	}
	vals := url.Values{}
	for n, v := range r.PostForm {
		if n != "idem" {
			vals[n] = v
		}
	}
	return idem.With(r.Context(), &idem.Key{UserID: u.ID, Key: "form-" + k, Hash: r.Method + " " + r.URL.Path + " " + vals.Encode(), Status: status})
}

// calls

type callRow struct {
	*Call
	Budget, Awarded string
}

type listData struct {
	Rows    []callRow
	CanOpen bool
}

func (h *Handlers) listPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	list, _, err := h.Svc.Calls(r.Context(), u, 1, 200)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	rows := make([]callRow, 0, len(list))
	for _, c := range list {
		rows = append(rows, callRow{Call: c, Budget: yuan(c.BudgetFen), Awarded: yuan(c.AwardedFen)})
	}
	h.S.Render(w, r, http.StatusOK, "fund_calls", web.View{Title: h.S.T(r, "fund.calls"), Data: listData{Rows: rows, CanOpen: canOpenSome(u)}})
}

type callFormData struct {
	Form     url.Values
	Channels []string
	Fields   []string
	Tiers    []string
	Rows     []int
}

func (h *Handlers) renderCallForm(w http.ResponseWriter, r *http.Request, form url.Values, err error) {
	h.render(w, r, "fund_call_new", h.S.T(r, "fund.new_call"), callFormData{Form: form, Channels: Channels, Fields: Fields, Tiers: registry.Tiers,
		Rows: []int{1, 2, 3, 4, 5}}, err)
}

func (h *Handlers) newCallPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !canOpenSome(u) {
		h.S.PageError(w, r, errs.E(errs.Forbidden, "err.forbidden"))
		return
	}
	form := url.Values{"unit_code": {u.ScopeCode}, "statuses": {registry.StatusActive},
		"key_1": {"need"}, "name_1": {"需求契合"}, "weight_1": {"40"}, "max_1": {"10"},
		"key_2": {"design"}, "name_2": {"方案设计"}, "weight_2": {"30"}, "max_2": {"10"},
		"key_3": {"capacity"}, "name_3": {"执行能力"}, "weight_3": {"30"}, "max_3": {"10"}}
	h.renderCallForm(w, r, form, nil)
}

// callOfForm reads the call form; bad numbers are field errors.
func callOfForm(f url.Values) (CallInput, errs.Fields) {
	fe := errs.Fields{}
	in := CallInput{Title: f.Get("title"), Channel: f.Get("channel"), UnitCode: f.Get("unit_code"), Fields: f["fields"],
		OpensOn: f.Get("opens_on"), ClosesOn: f.Get("closes_on"), ReviewOn: f.Get("review_on"), AwardOn: f.Get("award_on"),
		Eligibility: Eligibility{Tiers: f["tiers"], Statuses: f["statuses"], PartyOrgRequired: f.Get("party_org_required") == "1",
			CustodyRequired: f.Get("custody_required") == "1", PairingRequired: f.Get("pairing_required") == "1"}}
	in.BudgetFen = yuanField(f.Get("budget"), "budget_fen", fe)
	for i := 1; i <= 5; i++ {
		n := strconv.Itoa(i)
		key, name := strings.TrimSpace(f.Get("key_"+n)), strings.TrimSpace(f.Get("name_"+n))
		if key == "" && name == "" {
			continue
		}
		wt, err1 := strconv.Atoi(strings.TrimSpace(f.Get("weight_" + n)))
		mx, err2 := strconv.Atoi(strings.TrimSpace(f.Get("max_" + n)))
		if err1 != nil || err2 != nil {
			fe.Add("criteria", "err.fund.criterion_scale")
		}
		in.Criteria = append(in.Criteria, Criterion{Key: key, Name: name, Weight: wt, Max: mx})
	}
	for _, rule := range []string{RuleParty, RuleWellRun} {
		s := strings.TrimSpace(f.Get("bonus_" + rule))
		if s == "" || s == "0" {
			continue
		}
		pts, err := strconv.ParseFloat(s, 64)
		if err != nil {
			fe.Add("bonus", "err.fund.bonus_rule")
		}
		in.Bonus = append(in.Bonus, Bonus{Rule: rule, Points: pts})
	}
	in.TieBreaks = f["tie_breaks"]
	return in, fe
}

func (h *Handlers) createCallSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	r.ParseForm()
	in, fe := callOfForm(r.PostForm)
	var c *Call
	err := fe.Then(func() (err error) {
		c, err = h.Svc.CreateCall(r.Context(), u, in)
		return err
	})
	h.S.DoneAt(w, r, err, func() string { return fmt.Sprintf("/calls/%d?flash=fund.flash.call_created", c.ID) },
		func(_ int, fail error) { h.renderCallForm(w, r, r.PostForm, fail) })
}

type rankRow struct {
	Ranked
	Request, Award string
	Amount, Reason string // the award form's values
	Checked        bool
}

type appRow struct {
	*Application
	Request string
}

type showData struct {
	callRow
	Ranking    []rankRow
	ShowRank   bool
	Manage     bool
	CanApply   bool
	Apps       []appRow
	Reviewers  string
	Results    []PublicResult
	ResultFens []string
	Projects   []*Project
	Form       url.Values
}

func (h *Handlers) renderCall(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, form url.Values, err error) {
	c, perr := h.Svc.Call(r.Context(), u, id)
	if perr != nil {
		h.S.PageError(w, r, perr)
		return
	}
	ctx := r.Context()
	d := showData{callRow: callRow{Call: c, Budget: yuan(c.BudgetFen), Awarded: yuan(c.AwardedFen)}, Form: form,
		Manage: canManageCall(u, &c.CallInput)}
	if orgs, _ := h.Svc.ApplicantOrgs(ctx, u); len(orgs) > 0 && c.State == StateOpen {
		d.CanApply = true
	}
	if rk, err := h.Svc.Ranking(ctx, u, id); err == nil {
		d.ShowRank = true
		for _, x := range rk {
			row := rankRow{Ranked: x, Request: yuan(x.RequestFen), Award: yuan(x.AwardFen), Amount: yuan(x.RequestFen)}
			if form != nil {
				k := strconv.FormatInt(x.ApplicationID, 10)
				row.Checked = slices.Contains(form["award"], k)
				row.Amount, row.Reason = form.Get("amount_"+k), form.Get("reason_"+k)
			}
			d.Ranking = append(d.Ranking, row)
		}
	}
	if apps, err := h.Svc.Applications(ctx, u, id); err == nil {
		for _, a := range apps {
			d.Apps = append(d.Apps, appRow{Application: a, Request: yuan(a.RequestFen)})
		}
	}
	if d.Manage {
		if ids, err := reviewersOf(ctx, h.Svc.DB.Read, id); err == nil {
			var names []string
			for _, rid := range ids {
				if rv, err := h.Svc.Users.UserByID(ctx, nil, rid); err == nil {
					names = append(names, rv.Username)
				}
			}
			d.Reviewers = strings.Join(names, "、")
		}
		// the links only: one read, not each project's spending (Results)
		if ps, err := callProjects(ctx, h.Svc.DB.Read, id); err == nil {
			d.Projects = ps
		}
	}
	pub, perr := h.Svc.Public(ctx, id)
	if perr != nil {
		h.S.PageError(w, r, perr)
		return
	}
	d.Results = pub.Results
	for _, x := range pub.Results {
		d.ResultFens = append(d.ResultFens, yuan(x.AmountFen))
	}
	h.render(w, r, "fund_call", c.Title, d, err)
}

func (h *Handlers) showPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.renderCall(w, r, u, id, nil, nil)
}

// reviewersSubmit assigns reviewers named by their accounts.
func (h *Handlers) reviewersSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	r.ParseForm()
	fe := errs.Fields{}
	var ids []int64
	names := strings.FieldsFunc(r.PostFormValue("usernames"), func(c rune) bool { return c == ',' || c == '，' || c == '、' || c == ' ' || c == '\n' })
	for _, n := range names {
		rv, err := h.Svc.Users.UserByName(r.Context(), n)
		if err != nil || !u.InScope(rv.ScopeCode) {
			fe.Add("usernames", "err.fund.reviewer_name", n)
			continue
		}
		ids = append(ids, rv.ID)
	}
	if len(names) == 0 {
		fe.Add("usernames", "err.required")
	}
	err := fe.Then(func() error {
		_, err := h.Svc.AssignReviewers(r.Context(), u, id, ids, nil)
		return err
	})
	h.callDone(w, r, u, id, "fund.flash.reviewers#review", formField(err, "user_ids", "usernames"))
}

// callDone answers a form of the call's page: back to the page with the
// flash (and anchor) when it was done, else the page again with the
// refusal and what was typed.
func (h *Handlers) callDone(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, flash string, err error) {
	if err != nil {
		h.renderCall(w, r, u, id, r.PostForm, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/calls/%d?flash=%s", id, flash), http.StatusSeeOther)
}

// formField names a refused field as the form names it (field, the
// service's name, becomes as).
func formField(err error, field, as string) error {
	if e, ok := errs.As(err); ok && e.Fields[field].Key != "" {
		e.Fields[as] = e.Fields[field]
		delete(e.Fields, field)
	}
	return err
}

// awardsSubmit awards the ticked applications at the amounts typed.
func (h *Handlers) awardsSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	r.ParseForm()
	fe := errs.Fields{}
	var in []AwardInput
	for _, k := range r.PostForm["award"] {
		aid, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			continue
		}
		fen, ok := parseYuan(r.PostFormValue("amount_" + k))
		if !ok {
			fe.Add("awards", "err.fund.award_amount", aid)
		}
		in = append(in, AwardInput{ApplicationID: aid, AmountFen: fen, Reason: r.PostFormValue("reason_" + k)})
	}
	err := fe.Then(func() error {
		_, err := h.Svc.Award(r.Context(), u, id, in)
		return err
	})
	h.callDone(w, r, u, id, "fund.flash.awarded#results", err)
}

// applications

type applyData struct {
	Call     *Call
	Orgs     []*registry.Org
	Form     url.Values
	Reasons  []string
	Checked  bool // eligibility was checked for the chosen organization
	Lines    []int
	Pairings []*Pairing
}

func (h *Handlers) renderApply(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, form url.Values, err error) {
	c, perr := h.Svc.Call(r.Context(), u, id)
	var orgs []*registry.Org
	if perr == nil {
		orgs, perr = h.Svc.ApplicantOrgs(r.Context(), u)
	}
	if perr == nil && len(orgs) == 0 {
		perr = errs.E(errs.Forbidden, "err.forbidden")
	}
	if perr != nil {
		h.S.PageError(w, r, perr)
		return
	}
	d := applyData{Call: c, Orgs: orgs, Form: form, Lines: []int{1, 2, 3, 4, 5}}
	if form.Get("org_id") == "" {
		form.Set("org_id", strconv.FormatInt(orgs[0].ID, 10))
	}
	org, _ := strconv.ParseInt(form.Get("org_id"), 10, 64)
	pairing, _ := strconv.ParseInt(form.Get("pairing_org_id"), 10, 64)
	var ie *IneligibleError
	if errors.As(err, &ie) {
		d.Checked = true
		for _, m := range ie.Reasons {
			d.Reasons = append(d.Reasons, h.S.Cat.Msg(i18n.FromRequest(r), m))
		}
	} else if reasons, rerr := h.Svc.Eligibility(r.Context(), u, id, org, pairing); rerr == nil {
		d.Checked = true
		for _, m := range reasons {
			d.Reasons = append(d.Reasons, h.S.Cat.Msg(i18n.FromRequest(r), m))
		}
	}
	if c.Eligibility.PairingRequired {
		d.Pairings, _ = h.Svc.Pairings(r.Context(), u)
	}
	h.render(w, r, "fund_apply", h.S.T(r, "fund.apply_title")+"："+c.Title, d, err)
}

func (h *Handlers) applyPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	form := url.Values{}
	if o := r.URL.Query().Get("org_id"); o != "" {
		form.Set("org_id", o)
	}
	h.renderApply(w, r, u, id, form, nil)
}

// applicationOfForm reads the application form; amounts in yuan.
func applicationOfForm(f url.Values) (ApplicationInput, errs.Fields) {
	fe := errs.Fields{}
	org, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
	pairing, _ := strconv.ParseInt(f.Get("pairing_org_id"), 10, 64)
	in := ApplicationInput{OrgID: org, Title: f.Get("title"), Need: f.Get("need"), TargetGroups: f.Get("target_groups"),
		Activities: f.Get("activities"), Partners: f.Get("partners"), PairingOrgID: pairing, Budget: []BudgetLine{}}
	if s := strings.TrimSpace(f.Get("beneficiaries")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			fe.Add("beneficiaries", "err.bad_number")
		}
		in.Beneficiaries = n
	}
	in.RequestFen = yuanField(f.Get("request"), "request_fen", fe)
	for i := 1; i <= 5; i++ {
		n := strconv.Itoa(i)
		item, amount := strings.TrimSpace(f.Get("item_"+n)), strings.TrimSpace(f.Get("amount_"+n))
		if item == "" && amount == "" {
			continue
		}
		fen := yuanField(amount, "budget", fe)
		in.Budget = append(in.Budget, BudgetLine{Item: item, AmountFen: fen})
	}
	return in, fe
}

// applySubmit drafts an application, and submits it when asked: the
// eligibility is told first, so an ineligible organization's application is
// refused with its reasons and nothing is written.
func (h *Handlers) applySubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	r.ParseForm()
	in, fe := applicationOfForm(r.PostForm)
	submit := r.PostFormValue("action") == "submit"
	a, err := h.apply(r.Context(), u, id, in, fe, submit)
	if err != nil {
		h.renderApply(w, r, u, id, r.PostForm, err)
		return
	}
	flash := "fund.flash.drafted"
	if submit {
		if _, err := h.Svc.Submit(r.Context(), u, a.ID); err != nil {
			h.renderApplication(w, r, u, a.ID, nil, err)
			return
		}
		flash = "fund.flash.submitted"
	}
	http.Redirect(w, r, fmt.Sprintf("/applications/%d?flash=%s", a.ID, flash), http.StatusSeeOther)
}

// apply drafts the application of a form, its fields' refusal first; one
// to be submitted is told its eligibility before anything is written (an
// ineligible organization's is refused with its reasons).
func (h *Handlers) apply(ctx context.Context, u *auth.User, id int64, in ApplicationInput, fe errs.Fields, submit bool) (*Application, error) {
	if err := formError(fe); err != nil {
		return nil, err
	}
	if submit {
		reasons, err := h.Svc.Eligibility(ctx, u, id, in.OrgID, in.PairingOrgID)
		if err != nil {
			return nil, err
		}
		if len(reasons) > 0 {
			return nil, &IneligibleError{Reasons: reasons}
		}
	}
	return h.Svc.Apply(ctx, u, id, in)
}

type applicationData struct {
	A        *Application
	Call     *Call
	Request  string
	Lines    []string
	Mine     bool // the viewer may submit or withdraw it
	Score    bool // the viewer may score it
	Abstain  bool // the viewer reviews it but is conflicted (the service refuses their scores)
	Criteria []Criterion
	Scores   map[string]string
	Reasons  []string
}

func (h *Handlers) renderApplication(w http.ResponseWriter, r *http.Request, u *auth.User, appID int64, form url.Values, err error) {
	ctx := r.Context()
	a, c, hub, perr := h.Svc.application(ctx, u, appID)
	if perr != nil {
		h.S.PageError(w, r, perr)
		return
	}
	d := applicationData{A: a, Call: c, Request: yuan(a.RequestFen), Mine: canApply(u, a.OrgID, hub) && c.State == StateOpen,
		Criteria: c.Criteria, Scores: map[string]string{}}
	for _, l := range a.Budget {
		d.Lines = append(d.Lines, yuan(l.AmountFen))
	}
	// the form scores as the viewer, so only an assigned reviewer gets it
	if rev, _ := isReviewer(ctx, h.Svc.DB.Read, c.ID, u.ID); rev && canScore(u, &c.CallInput, u.ID, rev) && scoreRefusal(a, c) == nil {
		dec, derr := declared(ctx, h.Svc.DB.Read, a.ID, u.ID)
		d.Abstain = derr == nil && conflicted(ReviewerFacts{UserID: u.ID, OrgID: u.OrgID, Declared: dec}, a.OrgID, hub)
		d.Score = derr == nil && !d.Abstain
	}
	if d.Score {
		if form == nil {
			if mine, err := reviewerScores(ctx, h.Svc.DB.Read, a.ID, u.ID); err == nil {
				for k, v := range mine {
					d.Scores[k] = strconv.Itoa(v)
				}
			}
		}
	}
	for _, cr := range c.Criteria {
		if form != nil {
			d.Scores[cr.Key] = form.Get("score_" + cr.Key)
		}
	}
	var ie *IneligibleError
	if errors.As(err, &ie) {
		for _, m := range ie.Reasons {
			d.Reasons = append(d.Reasons, h.S.Cat.Msg(i18n.FromRequest(r), m))
		}
	}
	h.render(w, r, "fund_application", a.Title, d, err)
}

func (h *Handlers) applicationPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.renderApplication(w, r, u, id, nil, nil)
}

func (h *Handlers) appStep(fn func(ctx context.Context, u *auth.User, id int64) (*Application, error), flash string) web.IDHandler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
		if _, err := fn(r.Context(), u, id); err != nil {
			if !web.Fixable(err) {
				h.S.PageError(w, r, err)
				return
			}
			h.renderApplication(w, r, u, id, nil, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/applications/%d?flash=%s", id, flash), http.StatusSeeOther)
	}
}

// scoreSubmit records the signed-in reviewer's scores.
func (h *Handlers) scoreSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	r.ParseForm()
	a, c, _, err := h.Svc.application(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	fe := errs.Fields{}
	in := ScoreInput{Scores: map[string]int{}}
	for _, cr := range c.Criteria {
		s := strings.TrimSpace(r.PostFormValue("score_" + cr.Key))
		if s == "" {
			continue // the service names it as missing
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			fe.Add("scores."+cr.Key, "err.fund.score_range", cr.Max)
			continue
		}
		in.Scores[cr.Key] = n
	}
	err = fe.Then(func() error {
		_, err := h.Svc.Score(r.Context(), u, a.ID, in)
		return err
	})
	h.S.Done(w, r, err, fmt.Sprintf("/calls/%d?flash=fund.flash.scored#applications", c.ID),
		func(_ int, fail error) { h.renderApplication(w, r, u, id, r.PostForm, fail) })
}
