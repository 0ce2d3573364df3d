package funding

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
	"linli/internal/platform/upload"
	"linli/internal/platform/web"
)

// The project page: budget against spending per line, tranches, milestones
// with their reports (attachments, linked activities), acceptance, the
// brand designation and the 统一承接 sub-allocations, each form through the
// service method the API calls.

type lineRow struct {
	ProjectLine
	Amount, Spent string
}

type trancheRow struct {
	Tranche
	Amount string
}

type subRow struct {
	Suballocation
	Amount, Paid string
}

type projectData struct {
	P          *Project
	Award      string
	Paid       string
	Spent      string
	Lines      []lineRow
	Tranches   []trancheRow
	Manage     bool // the call's managers: tranches, milestones, acceptance
	Report     bool // the organization or its hub: reports
	Sub        bool // the lead organization's people and the call's managers: parts for members (canSuballocate)
	Brand      bool // the district: brand designation
	Activities []LinkedActivity
	Form       url.Values
	FormFor    string // which form the refusal belongs to ("tranche", "milestone", "report-<id>", "brand", "sub")
	Key        string
	Today      string
	Subs       []subRow
	SubTotal   string
	Members    []OrgName
}

// OrgName is an organization offered in a picker.
type OrgName struct {
	ID   int64
	Name string
}

func (h *Handlers) renderProject(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, formFor string, form url.Values, err error) {
	ctx := r.Context()
	p, c, hub, perr := h.Svc.project(ctx, u, id)
	if perr == nil {
		perr = h.Svc.fill(ctx, p)
	}
	if perr != nil {
		h.S.PageError(w, r, perr)
		return
	}
	d := projectData{P: p, Award: yuan(p.AwardFen), Paid: yuan(p.PaidFen), Spent: yuan(p.SpentFen),
		Manage: canManageCall(u, &c.CallInput) && p.Status == ProjectActive, Report: canReport(u, p.OrgID, hub) && p.Status == ProjectActive,
		Sub:   canSuballocate(u, &c.CallInput, p.OrgID) && p.Status == ProjectActive,
		Brand: canBrand(u, p.CommunityCode) && p.Brand == nil, Form: form, FormFor: formFor, Key: formKey(), Today: clock.Day(h.Svc.now())}
	if d.Form == nil {
		d.Form = url.Values{}
	}
	for _, l := range p.Lines {
		d.Lines = append(d.Lines, lineRow{ProjectLine: l, Amount: yuan(l.AmountFen), Spent: yuan(l.SpentFen)})
	}
	for _, t := range p.Tranches {
		d.Tranches = append(d.Tranches, trancheRow{Tranche: t, Amount: yuan(t.AmountFen)})
	}
	if d.Report {
		if d.Activities, perr = h.Svc.ReportableActivities(ctx, u, p.ID); perr != nil {
			h.S.PageError(w, r, perr)
			return
		}
	}
	subs, perr := h.Svc.Suballocations(ctx, u, p.ID)
	if perr != nil {
		h.S.PageError(w, r, perr)
		return
	}
	var total int64
	for _, s := range subs {
		d.Subs = append(d.Subs, subRow{Suballocation: *s, Amount: yuan(s.AmountFen), Paid: yuan(s.PaidFen)})
		total += s.AmountFen
	}
	d.SubTotal = yuan(total)
	if d.Sub {
		d.Members, _ = h.Svc.Members(ctx, p.OrgID)
	}
	h.render(w, r, "fund_project", p.Title, d, err)
}

func (h *Handlers) projectPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.renderProject(w, r, u, id, "", nil, nil)
}

// done answers a project form: back to the page, or the page again with
// the refusal and what was typed.
func (h *Handlers) done(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, formFor, flash string, err error) {
	if _, replay := idem.AsReplay(err); err == nil || replay {
		// done, or the same form sent twice: the first one did it
		http.Redirect(w, r, fmt.Sprintf("/projects/%d?flash=%s", id, flash), http.StatusSeeOther)
		return
	}
	if !web.Fixable(err) {
		h.S.PageError(w, r, err)
		return
	}
	h.renderProject(w, r, u, id, formFor, r.PostForm, err)
}

func (h *Handlers) trancheSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	in, fe := trancheForm(r)
	err := fe.Then(func() error {
		_, err := h.Svc.PayTranche(keyed(r, u, http.StatusCreated), u, id, in)
		return err
	})
	h.done(w, r, u, id, "tranche", "fund.flash.paid", err)
}

// trancheForm reads a form paying a tranche, the project's or a
// member's: the amount in yuan and the day it was paid, and the fields'
// refusals.
func trancheForm(r *http.Request) (TrancheInput, errs.Fields) {
	r.ParseForm()
	fe := errs.Fields{}
	fen := yuanField(r.PostFormValue("amount"), "amount_fen", fe)
	return TrancheInput{AmountFen: fen, PaidOn: r.PostFormValue("paid_on")}, fe
}

func (h *Handlers) milestoneSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	r.ParseForm()
	_, err := h.Svc.AddMilestone(keyed(r, u, http.StatusCreated), u, id, MilestoneInput{Kind: r.PostFormValue("kind"),
		Title: r.PostFormValue("title"), DueOn: r.PostFormValue("due_on")})
	h.done(w, r, u, id, "milestone", "fund.flash.milestone", err)
}

// reportSubmit files a milestone's report with an attachment and the
// activities ticked.
func (h *Handlers) reportSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id, mid int64) {
	h.done(w, r, u, id, "report-"+strconv.FormatInt(mid, 10), "fund.flash.reported", h.report(w, r, u, id, mid))
}

// report records the milestone mid's report of a multipart form, with the
// file it attaches, if any.
func (h *Handlers) report(w http.ResponseWriter, r *http.Request, u *auth.User, id, mid int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxAttachment+1<<20)
	if err := r.ParseMultipartForm(MaxAttachment + 1<<20); err != nil {
		return errs.Field("file", "upload.err.too_large", MaxAttachment>>20)
	}
	file, err := attachment(r)
	if err != nil {
		return err
	}
	in := ReportInput{Report: r.PostFormValue("report"), ReportedOn: r.PostFormValue("reported_on")}
	for _, s := range r.PostForm["activity_ids"] {
		if n, perr := strconv.ParseInt(strings.TrimSpace(s), 10, 64); perr == nil {
			in.ActivityIDs = append(in.ActivityIDs, n)
		}
	}
	_, err = h.Svc.ReportWithFile(r.Context(), u, id, mid, in, file)
	return err
}

// attachment is the multipart form's `file`, nil when it attaches none.
func attachment(r *http.Request) (*upload.File, error) {
	f, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return upload.Read(f, hdr.Filename, MaxAttachment)
}

func (h *Handlers) acceptSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id, mid int64) {
	_, err := h.Svc.Accept(r.Context(), u, id, mid)
	h.done(w, r, u, id, "accept", "fund.flash.accepted", err)
}

func (h *Handlers) brandSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	r.ParseForm()
	_, err := h.Svc.Brand(r.Context(), u, id, DesignationInput{Reason: r.PostFormValue("reason"), EffectiveOn: r.PostFormValue("effective_on")})
	h.done(w, r, u, id, "brand", "fund.flash.brand", err)
}

// projectFile sends a report's attachment.
func (h *Handlers) projectFile(w http.ResponseWriter, r *http.Request, u *auth.User, id, fid int64) {
	f, data, err := h.Svc.MilestoneFile(r.Context(), u, id, fid)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename*=UTF-8''%s`, url.PathEscape(f.Filename)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
}

func (h *Handlers) suballocateSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	r.ParseForm()
	fe := errs.Fields{}
	fen := yuanField(r.PostFormValue("amount"), "amount_fen", fe)
	org, _ := strconv.ParseInt(r.PostFormValue("org_id"), 10, 64)
	err := fe.Then(func() error {
		_, err := h.Svc.Suballocate(keyed(r, u, http.StatusCreated), u, id, SuballocationInput{OrgID: org, Part: r.PostFormValue("part"),
			AmountFen: fen, EffectiveOn: r.PostFormValue("effective_on")})
		return err
	})
	h.done(w, r, u, id, "sub", "fund.flash.suballocated", formField(err, "org_id", "member"))
}

func (h *Handlers) subTrancheSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id, sid int64) {
	in, fe := trancheForm(r)
	err := fe.Then(func() error {
		_, err := h.Svc.PaySubTranche(keyed(r, u, http.StatusCreated), u, id, sid, in)
		return err
	})
	h.done(w, r, u, id, "sub-"+strconv.FormatInt(sid, 10), "fund.flash.paid", err)
}

func (h *Handlers) subReverseSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id, sid int64) {
	r.ParseForm()
	_, err := h.Svc.ReverseSuballocation(r.Context(), u, id, sid, r.PostFormValue("reason"))
	h.done(w, r, u, id, "rev-"+strconv.FormatInt(sid, 10), "fund.flash.reversed", formField(err, "reason", "reverse_reason"))
}
