package ledger

import (
	"embed"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	xsheet "linli/internal/platform/sheet"
	"linli/internal/platform/upload"
	"linli/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the ledger's pages and API over the same service.
type Handlers web.Room[*Service]

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /custody/{org_id}", h.S.PageOn("org_id", h.custodyPage))
	rt.HandleFunc("POST /custody/{org_id}/income", h.S.PageOn("org_id", h.incomeSubmit))
	rt.HandleFunc("POST /custody/{org_id}/expenses", h.S.PageOn("org_id", h.expenseSubmit))
	rt.HandleFunc("GET /custody/{org_id}/statement.xlsx", h.S.PageOn("org_id", h.statementXLSX))
	rt.HandleFunc("GET /expenses/{id}", h.S.PageID(h.expensePage))
	rt.HandleFunc("POST /expenses/{id}/approve", h.S.PageID(h.approveSubmit))
	rt.HandleFunc("POST /expenses/{id}/return", h.S.PageID(h.returnSubmit))
	rt.HandleFunc("POST /postings/{id}/reverse", h.S.PageID(h.reverseSubmit))
	rt.HandleFunc("GET /receipts/{id}", h.S.PageID(h.receipt))
	rt.HandleFunc("GET /hubs/{hub_id}/statement", h.S.PageOn("hub_id", h.hubStatementPage))
	rt.HandleFunc("GET /hubs/{hub_id}/statement.xlsx", h.S.PageOn("hub_id", h.hubStatementXLSX))
	rt.HandleFunc("GET /public/orgs/{org_id}/disclosure", h.S.PublicID("org_id", h.disclosurePage))
	h.apiRoutes(rt)
}

func (h *Handlers) t(r *http.Request) T {
	lang := i18n.FromRequest(r)
	return func(key string, args ...any) string { return h.S.Cat.T(lang, key, args...) }
}

// forms holds what was typed into the custody page's forms.
type forms struct {
	Which                                     string // the form whose errors are shown
	Amount, Source, Voucher, ReceivedOn, Memo string
	XAmount, Purpose, Payee, SpentOn          string
}

type custodyData struct {
	*Overview
	OrgID   int64
	Sources []string
	Today   string
	Form    forms
}

func (h *Handlers) custodyPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.renderCustody(w, r, u, id, http.StatusOK, forms{}, nil)
}

func (h *Handlers) renderCustody(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, status int, f forms, fields map[string]string) {
	per, err := h.period(r)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	ov, err := h.Svc.Overview(r.Context(), u, id, per)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	today := Today(h.Svc.now())
	if f.ReceivedOn == "" {
		f.ReceivedOn = today
	}
	if f.SpentOn == "" {
		f.SpentOn = today
	}
	v := web.View{Title: h.t(r)("ledger.title", ov.Statement.OrgName),
		Data: custodyData{Overview: ov, OrgID: id, Sources: Sources, Today: today, Form: f}}
	if fields != nil {
		v.Errors = fields
		v.Message = h.t(r)("common.fix_errors")
		if m, ok := fields["_"]; ok {
			v.Message = m
		}
	}
	h.S.Render(w, r, status, "ledger_custody", v)
}

// custodyForm begins a custody form's POST: the organization named in the
// path reachable by the user, and the (multipart) body read within the
// receipt limit; otherwise an error page and false.
func (h *Handlers) custodyForm(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) bool {
	if err := h.Svc.Reachable(r.Context(), u, id); err != nil {
		h.S.PageError(w, r, err)
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.Svc.maxReceipt()+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		h.S.PageError(w, r, errs.E(errs.Invalid, "upload.err.too_large", h.Svc.maxReceipt()>>20))
		return false
	}
	return true
}

// badAmount refuses an amount that is not yuan with at most two decimals.
func badAmount() error {
	return errs.Field("amount_fen", "err.amount_yuan")
}

func (h *Handlers) incomeSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	if !h.custodyForm(w, r, u, id) {
		return
	}
	f := forms{Which: "income", Amount: r.FormValue("amount"), Source: r.FormValue("source"), Voucher: r.FormValue("voucher"),
		ReceivedOn: r.FormValue("received_on"), Memo: r.FormValue("memo")}
	h.S.Saved(w, r, h.recordIncome(r, u, id, f), fmt.Sprintf("/custody/%d?flash=ledger.income_recorded", id), func(status int, fields map[string]string) {
		h.renderCustody(w, r, u, id, status, f, fields)
	})
}

// recordIncome records the income form f with its attachment.
func (h *Handlers) recordIncome(r *http.Request, u *auth.User, id int64, f forms) error {
	amount, att, err := h.formMoney(r, f.Amount, "attachment")
	if err != nil {
		return err
	}
	_, err = h.Svc.RecordIncome(r.Context(), u, id, IncomeInput{Amount: amount, Source: f.Source, Voucher: f.Voucher,
		ReceivedOn: f.ReceivedOn, Memo: f.Memo}, att)
	return err
}

// formMoney reads a custody form's amount in yuan and its file (a bad
// file refused before a bad amount).
func (h *Handlers) formMoney(r *http.Request, yuan, file string) (Fen, *Upload, error) {
	up, err := h.formFile(r, file)
	if err != nil {
		return 0, nil, err
	}
	amount, ok := ParseYuan(yuan)
	if !ok {
		return 0, nil, badAmount()
	}
	return amount, up, nil
}

func (h *Handlers) expenseSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	if !h.custodyForm(w, r, u, id) {
		return
	}
	f := forms{Which: "expense", XAmount: r.FormValue("amount"), Purpose: r.FormValue("purpose"), Payee: r.FormValue("payee"),
		SpentOn: r.FormValue("spent_on")}
	h.S.Saved(w, r, h.submitExpenseForm(r, u, id, f), fmt.Sprintf("/custody/%d?flash=ledger.expense_submitted", id), func(status int, fields map[string]string) {
		h.renderCustody(w, r, u, id, status, f, fields)
	})
}

// submitExpenseForm submits the expense form f with its receipt.
func (h *Handlers) submitExpenseForm(r *http.Request, u *auth.User, id int64, f forms) error {
	amount, receipt, err := h.formMoney(r, f.XAmount, "receipt")
	if err != nil {
		return err
	}
	_, err = h.Svc.SubmitExpense(r.Context(), u, id, ExpenseInput{Amount: amount, Purpose: f.Purpose, Payee: f.Payee,
		SpentOn: f.SpentOn}, receipt)
	return err
}

// formFile reads an optional uploaded file; nil when none was sent.
func (h *Handlers) formFile(r *http.Request, name string) (*Upload, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	file, hdr, err := r.FormFile(name)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.E(errs.Invalid, "err.receipt_required")
	}
	defer file.Close()
	return ReadUpload(file, hdr.Filename, h.Svc.maxReceipt())
}

func (h *Handlers) statementXLSX(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	var st *Statement
	per, err := h.period(r)
	if err == nil {
		st, err = h.Svc.OrgStatement(r.Context(), u, id, per)
	}
	var b []byte
	if err == nil {
		b, err = StatementXLSX(st, h.t(r))
	}
	if err != nil {
		h.S.Error(w, r, err)
		return
	}
	xsheet.Send(w, fmt.Sprintf("statement-%d-%s-%s.xlsx", id, per.From, per.To), b)
}

type expenseData struct {
	E         *Expense
	OrgName   string
	HubName   string
	CanDecide bool
}

func (h *Handlers) expensePage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.renderExpense(w, r, u, id, http.StatusOK, nil)
}

func (h *Handlers) renderExpense(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, status int, fail error) {
	e, err := h.Svc.Expense(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := expenseData{E: e, CanDecide: CanDecide(u, e)}
	if o, err := h.Svc.Orgs.Lookup(r.Context(), e.OrgID); err == nil {
		d.OrgName = o.Name
	}
	if o, err := h.Svc.Orgs.Lookup(r.Context(), e.HubID); err == nil {
		d.HubName = o.Name
	}
	v := web.View{Title: h.t(r)("ledger.expense_title", e.ID), Data: d}
	h.S.WithErrors(r, &v, fail)
	h.S.Render(w, r, status, "ledger_expense", v)
}

func (h *Handlers) approveSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.ApproveExpense(r.Context(), u, id)
	h.afterDecision(w, r, u, id, err, "ledger.expense_approved")
}

func (h *Handlers) returnSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.ReturnExpense(r.Context(), u, id, r.PostFormValue("reason"))
	h.afterDecision(w, r, u, id, err, "ledger.expense_returned")
}

// afterDecision ends a decision on an expense: its page with a flash, or
// the page again with the refusal (web.Done).
func (h *Handlers) afterDecision(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, err error, flash string) {
	h.S.Done(w, r, err, fmt.Sprintf("/expenses/%d?flash=%s", id, flash),
		func(status int, fail error) { h.renderExpense(w, r, u, id, status, fail) })
}

// reverseSubmit reverses a posting from its organization's custody page:
// that page with a flash, or again with the refusal (web.Saved).
func (h *Handlers) reverseSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	p, err := h.Svc.Posting(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	_, err = h.Svc.Reverse(r.Context(), u, id, r.PostFormValue("reason"))
	h.S.Saved(w, r, err, fmt.Sprintf("/custody/%d?flash=ledger.reversed", p.OrgID), func(status int, fields map[string]string) {
		h.renderCustody(w, r, u, p.OrgID, status, forms{}, fields)
	})
}

func (h *Handlers) receipt(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	rc, err := h.Svc.Receipt(r.Context(), u, id)
	if err != nil {
		h.S.Error(w, r, err)
		return
	}
	upload.Send(w, rc.ContentType, rc.Filename, rc.Data)
}

type hubStatementData struct {
	St       *HubStatement
	Pending  []*Expense
	CanAct   bool
	Download string
}

func (h *Handlers) hubStatementPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	var st *HubStatement
	var pending []*Expense
	per, err := h.period(r)
	if err == nil {
		st, err = h.Svc.HubStatementFor(r.Context(), u, id, per)
	}
	if err == nil {
		pending, err = h.Svc.HubExpenses(r.Context(), u, id, ExpensePending)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	q := url.Values{"from": {per.From}, "to": {per.To}}
	h.S.Render(w, r, http.StatusOK, "ledger_hub", web.View{Title: st.HubName + " · " + h.t(r)("ledger.hub_statement"),
		Data: hubStatementData{St: st, Pending: pending, CanAct: canRecord(u, id),
			Download: fmt.Sprintf("/hubs/%d/statement.xlsx?%s", id, q.Encode())}})
}

func (h *Handlers) hubStatementXLSX(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	var st *HubStatement
	var b []byte
	per, err := h.period(r)
	if err == nil {
		st, err = h.Svc.HubStatementFor(r.Context(), u, id, per)
	}
	if err == nil {
		b, err = HubStatementXLSX(st, h.t(r))
	}
	if err != nil {
		h.S.Error(w, r, err)
		return
	}
	xsheet.Send(w, fmt.Sprintf("hub-%d-%s-%s.xlsx", id, per.From, per.To), b)
}

// disclose is the public disclosure of the organization id for the
// period the query names.
func (h *Handlers) disclose(r *http.Request, id int64) (*Disclosure, error) {
	per, err := h.period(r)
	if err != nil {
		return nil, err
	}
	return h.Svc.Disclose(r.Context(), id, per)
}

func (h *Handlers) disclosurePage(w http.ResponseWriter, r *http.Request, id int64) {
	d, err := h.disclose(r, id)
	if err != nil {
		if errs.Is(err, errs.Unauthenticated) {
			err = errs.Missing()
		}
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "ledger_disclosure", web.View{Title: h.t(r)("ledger.disclosure_title", d.OrgName), Data: d})
}

// Query is the period as a query string, for links.
func (p Period) Query() string {
	return "from=" + url.QueryEscape(p.From) + "&to=" + url.QueryEscape(p.To)
}
