package ledger

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
	"linli/internal/platform/web"
)

var periodQuery = []web.Param{{Name: "from", Description: "first day, YYYY-MM-DD (default: 1 January of this year)"},
	{Name: "to", Description: "last day, YYYY-MM-DD (default: today)"}}

func (h *Handlers) apiRoutes(rt *web.Router) {
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/custody/{org_id}", Summary: "An organization's money in custody: balance and entries for a period",
		Tag: "custody", Query: periodQuery, Response: "Statement"}, h.S.API(h.S.WithID("org_id", h.apiStatement)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/custody/{org_id}/statement.xlsx", Summary: "The same statement as a spreadsheet",
		Tag: "custody", Query: periodQuery, Response: "statement.xlsx"}, h.S.API(h.S.WithID("org_id", h.statementXLSX)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/custody/{org_id}/income",
		Summary: "Record money received for an organization (JSON, or multipart with an `attachment` file); accepts Idempotency-Key",
		Tag:     "custody", Body: "IncomeInput", Response: "Posting", Status: 201}, h.S.API(h.S.WithID("org_id", h.apiIncome)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/custody/{org_id}/expenses",
		Summary: "Submit an expense: multipart with amount_fen, purpose, payee, spent_on, optionally project_id and budget_line (a funded project's line), and a `receipt` (PNG, JPEG or PDF, ≤5 MiB); accepts Idempotency-Key",
		Tag:     "custody", Body: "multipart", Response: "Expense", Status: 201}, h.S.API(h.S.WithID("org_id", h.apiExpenseSubmit)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/custody/{org_id}/expenses", Summary: "An organization's expenses",
		Tag: "custody", Query: []web.Param{{Name: "status", Description: "pending | returned | paid | reversed"}},
		Response: "ExpenseList"}, h.S.API(h.S.WithID("org_id", h.apiOrgExpenses)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/expenses/{id}", Summary: "One expense", Tag: "custody",
		Response: "Expense"}, h.S.API(web.Read(h.S, "id", h.Svc.Expense)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/expenses/{id}/approve",
		Summary: "Approve and pay a pending expense (hub staff; not its submitter); accepts Idempotency-Key",
		Tag:     "custody", Response: "Expense"}, h.S.API(h.S.WithID("id", h.apiApprove)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/expenses/{id}/return", Summary: "Return a pending expense with a reason; accepts Idempotency-Key",
		Tag: "custody", Body: "Reason", Response: "Expense"}, h.S.API(idem.HandleID(h.S, http.StatusOK, "id", h.apiReturn)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/postings/{id}", Summary: "One posting with its lines", Tag: "custody",
		Response: "Posting"}, h.S.API(web.Read(h.S, "id", h.Svc.Posting)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/postings/{id}/reverse",
		Summary: "Reverse a posting: a new posting with every line negated; accepts Idempotency-Key",
		Tag:     "custody", Body: "Reason", Response: "Posting", Status: 201}, h.S.API(idem.HandleID(h.S, http.StatusCreated, "id", h.apiReverse)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/receipts/{id}", Summary: "A receipt or attachment file", Tag: "custody",
		Response: "binary"}, h.S.API(h.S.WithID("id", h.receipt)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/hubs/{hub_id}/statement", Summary: "A hub's accounts and cash book for a period",
		Tag: "custody", Query: periodQuery, Response: "HubStatement"}, h.S.API(h.S.WithID("hub_id", h.apiHubStatement)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/hubs/{hub_id}/statement.xlsx", Summary: "The same hub statement as a spreadsheet",
		Tag: "custody", Query: periodQuery, Response: "hub-statement.xlsx"}, h.S.API(h.S.WithID("hub_id", h.hubStatementXLSX)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/hubs/{hub_id}/expenses", Summary: "A hub's expenses",
		Tag: "custody", Query: []web.Param{{Name: "status", Description: "pending | returned | paid | reversed"}},
		Response: "ExpenseList"}, h.S.API(h.S.WithID("hub_id", h.apiHubExpenses)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/public/orgs/{org_id}/disclosure",
		Summary: "Public disclosure: income by source and every expense for a period, no personal data", Tag: "public",
		Query: periodQuery, Response: "Disclosure", Public: true}, h.S.PublicID("org_id", h.apiDisclosure))
	rt.Schemas(schemas())
}

// respond writes a result, a replayed result, or an error.
func (h *Handlers) respond(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	idem.Respond(h.S, w, r, status, v, err)
}

// keyed returns the request's context with its idempotency key, if any.
func keyed(r *http.Request, u *auth.User, status int, payload ...any) (context.Context, error) {
	return idem.Keyed(r, u, status, payload...)
}

func (h *Handlers) period(r *http.Request) (Period, error) {
	return ParsePeriod(r.URL.Query().Get("from"), r.URL.Query().Get("to"), h.Svc.now())
}

func (h *Handlers) apiStatement(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	var st *Statement
	per, err := h.period(r)
	if err == nil {
		st, err = h.Svc.OrgStatement(r.Context(), u, id, per)
	}
	h.respond(w, r, http.StatusOK, st, err)
}

// multipartIn parses a multipart body bounded by the receipt limit.
func (h *Handlers) multipartIn(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, h.Svc.maxReceipt()+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return &errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"),
				Fields: map[string]errs.Msg{"receipt": errs.M("upload.err.too_large", h.Svc.maxReceipt()>>20)}}
		}
		return errs.E(errs.Invalid, "err.bad_json", err.Error())
	}
	return nil
}

// formFen reads an integer number of fen from a form field.
func formFen(r *http.Request, name string, f errs.Fields) Fen {
	v := strings.TrimSpace(r.FormValue(name))
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		f.Add(name, "err.bad_number")
	}
	return Fen(n)
}

func uploadBytes(up *Upload) []byte {
	if up == nil {
		return nil
	}
	return up.Data
}

// apiIncome records an income. Hub staff sending JSON post at their own hub
// without reading the custody first (incomeAtOwnHub: one round trip on
// PostgreSQL); the custody is read only when that does not answer, or a
// request is refused before it, so a foreign organization still answers
// exactly like a missing one, before anything about the body.
func (h *Handlers) apiIncome(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	multipart := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/")
	ownHub := !multipart && canRecord(u, u.OrgID)
	var c *custody
	var err error
	if !ownHub {
		c, err = h.Svc.reachable(r.Context(), u, id)
	}
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	var in IncomeInput
	var att *Upload
	if multipart {
		err = h.multipartIn(w, r)
		if err == nil {
			f := errs.Fields{}
			in = IncomeInput{Amount: formFen(r, "amount_fen", f), Source: r.FormValue("source"), Voucher: r.FormValue("voucher"),
				ReceivedOn: r.FormValue("received_on"), Memo: r.FormValue("memo")}
			err = f.Err()
		}
		if err == nil {
			att, err = h.formFile(r, "attachment")
		}
	} else {
		err = web.DecodeJSON(w, r, &in)
	}
	var ctx context.Context
	if err == nil {
		ctx, err = keyed(r, u, http.StatusCreated, in, uploadBytes(att))
	}
	var p *Posting
	answered := false // by incomeAtOwnHub
	if err == nil && ownHub {
		p, answered, err = h.Svc.incomeAtOwnHub(ctx, u, id, in, att)
	}
	if ownHub && !answered { // the long way, or a refusal that must not come before not found
		var rerr error
		if c, rerr = h.Svc.reachable(r.Context(), u, id); rerr != nil {
			err = rerr
		}
	}
	if err == nil && !answered {
		p, err = h.Svc.recordIncome(ctx, u, c, id, in, att) // the custody reachable found
	}
	if err == nil {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/postings/%d", p.ID))
	}
	h.respond(w, r, http.StatusCreated, p, err)
}

func (h *Handlers) apiExpenseSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	err := h.Svc.Reachable(r.Context(), u, id)
	if err == nil {
		err = h.multipartIn(w, r)
	}
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	f := errs.Fields{}
	in := ExpenseInput{Amount: formFen(r, "amount_fen", f), Purpose: r.FormValue("purpose"), Payee: r.FormValue("payee"),
		SpentOn: r.FormValue("spent_on"), BudgetLine: r.FormValue("budget_line")}
	if v := strings.TrimSpace(r.FormValue("project_id")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			in.ProjectID = n
		} else {
			f.Add("project_id", "err.bad_number")
		}
	}
	receipt, err := h.formFile(r, "receipt")
	if err == nil {
		err = f.Err()
	}
	var ctx context.Context
	if err == nil {
		ctx, err = keyed(r, u, http.StatusCreated, in, uploadBytes(receipt))
	}
	var e *Expense
	if err == nil {
		e, err = h.Svc.SubmitExpense(ctx, u, id, in, receipt)
	}
	if err == nil {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/expenses/%d", e.ID))
	}
	h.respond(w, r, http.StatusCreated, e, err)
}

func (h *Handlers) apiOrgExpenses(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	list, err := h.Svc.OrgExpenses(r.Context(), u, id, r.URL.Query().Get("status"))
	h.respond(w, r, http.StatusOK, map[string]any{"items": list}, err)
}

func (h *Handlers) apiHubExpenses(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	list, err := h.Svc.HubExpenses(r.Context(), u, id, r.URL.Query().Get("status"))
	h.respond(w, r, http.StatusOK, map[string]any{"items": list}, err)
}

type reasonReq struct {
	Reason string `json:"reason"`
}

func (h *Handlers) apiApprove(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	ctx, err := keyed(r, u, http.StatusOK)
	var e *Expense
	if err == nil {
		e, err = h.Svc.ApproveExpense(ctx, u, id)
	}
	h.respond(w, r, http.StatusOK, e, err)
}

func (h *Handlers) apiReturn(ctx context.Context, u *auth.User, id int64, rr reasonReq) (*Expense, error) {
	return h.Svc.ReturnExpense(ctx, u, id, rr.Reason)
}

func (h *Handlers) apiReverse(ctx context.Context, u *auth.User, id int64, rr reasonReq) (*Posting, error) {
	return h.Svc.Reverse(ctx, u, id, rr.Reason)
}

func (h *Handlers) apiHubStatement(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	var st *HubStatement
	per, err := h.period(r)
	if err == nil {
		st, err = h.Svc.HubStatementFor(r.Context(), u, id, per)
	}
	h.respond(w, r, http.StatusOK, st, err)
}

func (h *Handlers) apiDisclosure(w http.ResponseWriter, r *http.Request, id int64) {
	var d *Disclosure
	per, err := h.period(r)
	if err == nil {
		d, err = h.Svc.Disclose(r.Context(), id, per)
	}
	h.respond(w, r, http.StatusOK, d, err)
}

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums, dates and descriptions a type
// cannot tell.
func schemas() map[string]any {
	date := map[string]any{"type": "string", "format": "date"}
	kind, source := web.Enum(PostIncome, PostExpense, PostReversal), web.Enum(Sources...)
	entry := web.SchemaOf(Entry{}, map[string]any{"date": date, "kind": kind, "source": source,
		"amount_fen":  map[string]any{"type": "integer", "description": "fen; money in positive, out negative"},
		"balance_fen": map[string]any{"type": "integer", "description": "running balance after the entry, fen"}})
	bySource := web.Arr(web.SchemaOf(SourceTotal{}, map[string]any{"source": source}))
	line := web.SchemaOf(Line{}, map[string]any{"amount_fen": map[string]any{"type": "integer", "description": "debit positive, credit negative"}})
	account := web.SchemaOf(AccountTotal{}, map[string]any{"kind": web.Enum(KindCash, KindFunds, KindOwnIncome, KindOwnExpense)})
	return map[string]any{
		"IncomeInput": web.SchemaOf(IncomeInput{}, map[string]any{"source": source}, "amount_fen", "source", "voucher", "received_on"),
		"Reason":      web.SchemaOf(reasonReq{}, nil, "reason"),
		"Posting":     web.SchemaOf(Posting{}, map[string]any{"kind": kind, "lines": web.Arr(line)}),
		"Expense": web.SchemaOf(Expense{}, map[string]any{
			"status": web.Enum(ExpensePending, ExpenseReturned, ExpensePaid, ExpenseReversed)}),
		"ExpenseList": web.Obj(map[string]any{"items": web.Arr(web.Ref("Expense"))}),
		"Statement": web.SchemaOf(Statement{}, map[string]any{"from": date, "to": date,
			"balance_fen":      map[string]any{"type": "integer", "description": "balance now, fen"},
			"income_by_source": bySource, "entries": web.Arr(entry)}),
		"HubStatement": web.SchemaOf(HubStatement{}, map[string]any{"from": date, "to": date,
			"accounts": web.Arr(account), "entries": web.Arr(entry)}),
		"Disclosure": web.SchemaOf(Disclosure{}, map[string]any{"from": date, "to": date, "income_by_source": bySource,
			"expenses": web.Arr(web.SchemaOf(DisclosedExpense{}, map[string]any{"date": date}))}),
	}
}
