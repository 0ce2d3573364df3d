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
		Tag: "custody", Query: periodQuery, Response: "Statement"}, h.S.API(web.ParsedID(h.S, "org_id", h.period, h.Svc.OrgStatement)))
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
		Tag:     "custody", Response: "Expense"}, h.S.API(idem.HandleID(h.S, http.StatusOK, "id", h.apiApprove)))
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
		Tag: "custody", Query: periodQuery, Response: "HubStatement"}, h.S.API(web.ParsedID(h.S, "hub_id", h.period, h.Svc.HubStatementFor)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/hubs/{hub_id}/statement.xlsx", Summary: "The same hub statement as a spreadsheet",
		Tag: "custody", Query: periodQuery, Response: "hub-statement.xlsx"}, h.S.API(h.S.WithID("hub_id", h.hubStatementXLSX)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/hubs/{hub_id}/expenses", Summary: "A hub's expenses",
		Tag: "custody", Query: []web.Param{{Name: "status", Description: "pending | returned | paid | reversed"}},
		Response: "ExpenseList"}, h.S.API(h.S.WithID("hub_id", h.apiHubExpenses)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/public/orgs/{org_id}/disclosure",
		Summary: "Public disclosure: income by source and every expense for a period, no personal data", Tag: "public",
		Query: periodQuery, Response: "Disclosure", Public: true}, web.Public(web.ParsedID(h.S, "org_id", h.period, h.apiDisclosure)))
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

// multipartIn parses a multipart body bounded by the receipt limit.
func (h *Handlers) multipartIn(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, h.Svc.maxReceipt()+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return errs.Field("receipt", "upload.err.too_large", h.Svc.maxReceipt()>>20)
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

// apiIncome records an income (income), answered with the posting's
// address.
func (h *Handlers) apiIncome(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	p, err := h.income(w, r, u, id)
	web.Locate(w, postingAt, p, err)
	h.respond(w, r, http.StatusCreated, p, err)
}

func postingAt(p *Posting) string { return fmt.Sprintf("/api/v1/postings/%d", p.ID) }

func expenseAt(e *Expense) string { return fmt.Sprintf("/api/v1/expenses/%d", e.ID) }

// income records an income. Hub staff sending JSON post at their own hub
// without reading the custody first (incomeAtOwnHub: one round trip on
// PostgreSQL); the custody is read only when that does not answer, or a
// request is refused before it, so a foreign organization still answers
// exactly like a missing one, before anything about the body.
func (h *Handlers) income(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) (*Posting, error) {
	multipart := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/")
	if !multipart && canRecord(u, u.OrgID) {
		return h.ownHubIncome(w, r, u, id)
	}
	c, err := h.Svc.reachable(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	ctx, in, att, err := h.incomeIn(w, r, u, multipart)
	if err != nil {
		return nil, err
	}
	return h.Svc.recordIncome(ctx, u, c, id, in, att) // the custody reachable found
}

// ownHubIncome is income sent as JSON by hub staff: posted at their own
// hub in one round trip when that answers (a non-answer carries no
// error); otherwise the long way, the custody read first; a refused body
// is answered only once the custody is found (not found comes first).
func (h *Handlers) ownHubIncome(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) (*Posting, error) {
	ctx, in, att, err := h.incomeIn(w, r, u, false)
	if err != nil {
		if _, rerr := h.Svc.reachable(r.Context(), u, id); rerr != nil {
			return nil, rerr
		}
		return nil, err
	}
	if p, answered, err := h.Svc.incomeAtOwnHub(ctx, u, id, in, att); answered {
		return p, err
	}
	c, err := h.Svc.reachable(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	return h.Svc.recordIncome(ctx, u, c, id, in, att) // the custody reachable found
}

// incomeIn reads an income's body, a multipart form with its attachment
// or JSON, and returns the request's context with its idempotency key.
func (h *Handlers) incomeIn(w http.ResponseWriter, r *http.Request, u *auth.User, multipart bool) (context.Context, IncomeInput, *Upload, error) {
	var in IncomeInput
	var att *Upload
	if multipart {
		if err := h.multipartIn(w, r); err != nil {
			return nil, in, nil, err
		}
		f := errs.Fields{}
		in = IncomeInput{Amount: formFen(r, "amount_fen", f), Source: r.FormValue("source"), Voucher: r.FormValue("voucher"),
			ReceivedOn: r.FormValue("received_on"), Memo: r.FormValue("memo")}
		if err := f.Err(); err != nil {
			return nil, in, nil, err
		}
		var err error
		if att, err = h.formFile(r, "attachment"); err != nil {
			return nil, in, nil, err
		}
	} else if err := web.DecodeJSON(w, r, &in); err != nil {
		return nil, in, nil, err
	}
	ctx, err := keyed(r, u, http.StatusCreated, in, uploadBytes(att))
	return ctx, in, att, err
}

// apiExpenseSubmit submits an expense (submitExpense), answered with its
// address.
func (h *Handlers) apiExpenseSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	e, err := h.submitExpense(w, r, u, id)
	web.Locate(w, expenseAt, e, err)
	h.respond(w, r, http.StatusCreated, e, err)
}

// submitExpense submits an expense: the custody reachable first, then the
// multipart body with its receipt.
func (h *Handlers) submitExpense(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) (*Expense, error) {
	if err := h.Svc.Reachable(r.Context(), u, id); err != nil {
		return nil, err
	}
	ctx, in, receipt, err := h.expenseIn(w, r, u)
	if err != nil {
		return nil, err
	}
	return h.Svc.SubmitExpense(ctx, u, id, in, receipt)
}

// expenseIn reads an expense's multipart body with its receipt (a bad
// file refused before bad fields) and returns the request's context with
// its idempotency key.
func (h *Handlers) expenseIn(w http.ResponseWriter, r *http.Request, u *auth.User) (context.Context, ExpenseInput, *Upload, error) {
	if err := h.multipartIn(w, r); err != nil {
		return nil, ExpenseInput{}, nil, err
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
	if err != nil {
		return nil, in, nil, err
	}
	if err := f.Err(); err != nil {
		return nil, in, nil, err
	}
	ctx, err := keyed(r, u, http.StatusCreated, in, uploadBytes(receipt))
	return ctx, in, receipt, err
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

func (h *Handlers) apiApprove(ctx context.Context, u *auth.User, id int64, _ idem.NoBody) (*Expense, error) {
	return h.Svc.ApproveExpense(ctx, u, id)
}

func (h *Handlers) apiReturn(ctx context.Context, u *auth.User, id int64, rr reasonReq) (*Expense, error) {
	return h.Svc.ReturnExpense(ctx, u, id, rr.Reason)
}

func (h *Handlers) apiReverse(ctx context.Context, u *auth.User, id int64, rr reasonReq) (*Posting, error) {
	return h.Svc.Reverse(ctx, u, id, rr.Reason)
}

// apiDisclosure is the public disclosure, read by anyone (no user).
func (h *Handlers) apiDisclosure(ctx context.Context, _ *auth.User, id int64, per Period) (*Disclosure, error) {
	return h.Svc.Disclose(ctx, id, per)
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
		"ExpenseList": web.ItemList(web.Ref("Expense")),
		"Statement": web.SchemaOf(Statement{}, map[string]any{"from": date, "to": date,
			"balance_fen":      map[string]any{"type": "integer", "description": "balance now, fen"},
			"income_by_source": bySource, "entries": web.Arr(entry)}),
		"HubStatement": web.SchemaOf(HubStatement{}, map[string]any{"from": date, "to": date,
			"accounts": web.Arr(account), "entries": web.Arr(entry)}),
		"Disclosure": web.SchemaOf(Disclosure{}, map[string]any{"from": date, "to": date, "income_by_source": bySource,
			"expenses": web.Arr(web.SchemaOf(DisclosedExpense{}, map[string]any{"date": date}))}),
	}
}
