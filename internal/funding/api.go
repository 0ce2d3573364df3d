package funding

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/idem"
	"linli/internal/platform/sheet"
	"linli/internal/platform/web"
)

// Handlers mounts the funding routes.
type Handlers web.Room[*Service]

// Routes registers the JSON API.
func (h *Handlers) Routes(rt *web.Router) {
	h.pageRoutes(rt)
	key := "; accepts Idempotency-Key"
	api := func(method, path, summary, body, resp string, status int, fn web.Handler, q ...web.Param) {
		rt.API(web.Doc{Method: method, Path: path, Summary: summary, Tag: "funding", Body: body, Response: resp, Status: status,
			Query: q}, h.S.API(fn))
	}
	api("GET", "/api/v1/calls", "Calls for projects inside the viewer's place and above it", "", "CallPage", 0, h.apiCalls,
		web.Param{Name: "page", Type: "integer"}, web.Param{Name: "per_page", Type: "integer", Description: "at most 200"})
	api("POST", "/api/v1/calls", "Open a call (a district officer or the city; a street for a micro_venture)"+key, "CallInput", "Call", 201, idem.Create(h.S, callAt, h.Svc.CreateCall))
	api("GET", "/api/v1/calls/{id}", "One call with its terms, timetable and scoring form", "", "Call", 0, web.Read(h.S, "id", h.Svc.Call))
	api("PATCH", "/api/v1/calls/{id}", "Change a call (the whole call; its unit stays; the form is fixed once scored)"+key, "CallInput", "Call", 0, h.S.WithID("id", change(h, http.StatusOK, h.seenCall, h.Svc.UpdateCall)))
	api("POST", "/api/v1/calls/{id}/applications", "Draft an application to an open call (the organization's leader or its hub)"+key,
		"ApplicationInput", "Application", 201, h.S.WithID("id", create(h, h.seenCall, applicationAt, h.Svc.Apply)))
	api("GET", "/api/v1/calls/{id}/applications", "A call's applications the viewer may see", "", "ApplicationList", 0, web.ReadItems(h.S, "id", h.Svc.Applications))
	api("GET", "/api/v1/applications/{id}", "One application", "", "Application", 0, web.Read(h.S, "id", h.Svc.Application))
	api("POST", "/api/v1/applications/{id}/submit", "Submit a draft; an ineligible organization gets 422 with \"reasons\""+key, "", "Application", 0, h.S.WithID("id", change(h, http.StatusOK, h.seenApplication, noBody(h.Svc.Submit))))
	api("POST", "/api/v1/applications/{id}/withdraw", "Withdraw an application before the call closes"+key, "", "Application", 0, h.S.WithID("id", change(h, http.StatusOK, h.seenApplication, noBody(h.Svc.Withdraw))))
	api("POST", "/api/v1/calls/{id}/reviewers", "Assign reviewers, with conflicts they declared"+key, "ReviewersInput", "Reviewers", 0, h.S.WithID("id", change(h, http.StatusOK, h.seenCall, h.assignReviewers)))
	api("POST", "/api/v1/applications/{id}/scores", "A reviewer's scores of an application (reviewer_id defaults to the caller)"+key,
		"ScoreInput", "ScoreAnswer", 0, h.S.WithID("id", change(h, http.StatusOK, h.seenApplication, h.Svc.Score)))
	api("GET", "/api/v1/calls/{id}/ranking", "The ranking, computed from the scores (weighted mean plus bonus points)", "", "Ranking", 0, web.ReadItems(h.S, "id", h.Svc.Ranking))
	api("POST", "/api/v1/calls/{id}/awards", "Award within the budget; a departure from the ranking needs a reason; each award creates a project"+key,
		"AwardsInput", "ProjectList", 201, h.S.WithID("id", change(h, http.StatusCreated, h.seenCall, h.award)))
	api("GET", "/api/v1/calls/{id}/results.xlsx", "The call's awards, paid and spent, as a spreadsheet", "", "results.xlsx", 0, h.S.WithID("id", h.apiResultsXLSX))
	api("GET", "/api/v1/calls/{id}/overdue", "The call's milestones past due without a report", "", "MilestoneList", 0, web.ReadItems(h.S, "id", h.Svc.Overdue))
	api("GET", "/api/v1/projects/{id}", "A project: budget lines and spent per line (the ledger's paid expenses), tranches, milestones",
		"", "Project", 0, web.Read(h.S, "id", h.Svc.Project))
	api("POST", "/api/v1/projects/{id}/tranches", "Pay a tranche: income into the custody account, or paid directly to a registered organization"+key,
		"TrancheInput", "Tranche", 201, h.S.WithID("id", change(h, http.StatusCreated, h.seenProject, h.Svc.PayTranche)))
	api("POST", "/api/v1/projects/{id}/milestones", "Add a milestone"+key, "MilestoneInput", "Milestone", 201, h.S.WithID("id", change(h, http.StatusCreated, h.seenProject, h.Svc.AddMilestone)))
	api("POST", "/api/v1/projects/{id}/milestones/{m}/report", "Report on a milestone (the organization or its hub)"+key,
		"FundingReportInput", "Milestone", 0, h.S.WithPair("id", "m", changePart(h, http.StatusOK, h.seenProject, h.Svc.Report)))
	api("POST", "/api/v1/projects/{id}/milestones/{m}/accept", "Accept a reported milestone; the closing report closes the project"+key,
		"", "Milestone", 0, h.S.WithPair("id", "m", changePart(h, http.StatusOK, h.seenProject, h.accept)))
	api("POST", "/api/v1/projects/{id}/brand", "Designate a brand project (品牌项目), dated, with the reason (district or city)"+key,
		"DesignationInput", "Designation", 201, h.S.WithID("id", change(h, http.StatusCreated, h.seenProject, h.Svc.Brand)))
	api("GET", "/api/v1/projects/{id}/suballocations", "统一承接: the parts of a project's award given to member organizations, net of reversals, with what was paid",
		"", "SuballocationList", 0, web.ReadItems(h.S, "id", h.Svc.Suballocations))
	api("POST", "/api/v1/projects/{id}/suballocations", "Give a part of the award to a member organization in custody (the parts never exceed the award)"+key,
		"SuballocationInput", "Suballocation", 201, h.S.WithID("id", change(h, http.StatusCreated, h.seenProject, h.Svc.Suballocate)))
	api("POST", "/api/v1/projects/{id}/suballocations/{s}/tranches", "Pay a part into the member's custody account (within the part and what the lead received)"+key,
		"TrancheInput", "Tranche", 201, h.S.WithPair("id", "s", changePart(h, http.StatusCreated, h.seenProject, h.Svc.PaySubTranche)))
	api("POST", "/api/v1/projects/{id}/suballocations/{s}/reverse", "Reverse what of a part is unpaid: a new entry with its reason"+key,
		"ReverseInput", "Suballocation", 0, h.S.WithPair("id", "s", changePart(h, http.StatusOK, h.seenProject, h.reverseShare)))
	api("GET", "/api/v1/needs", "Residents' needs in the viewer's place", "", "NeedList", 0, h.apiNeeds)
	api("POST", "/api/v1/needs", "Record a residents' need with its community (a resident: their own)"+key, "Need", "Need", 201, idem.Handle(h.S, http.StatusCreated, h.Svc.RecordNeed))
	rt.ForResidents("POST /api/v1/needs")
	api("GET", "/api/v1/pairings", "Pairings (结对共建) in the viewer's place", "", "PairingList", 0, h.apiPairings)
	api("POST", "/api/v1/pairings", "Record a pairing with a registered organization, dated, with its purpose"+key, "Pairing", "Pairing", 201, idem.Handle(h.S, http.StatusCreated, h.Svc.Pair))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/public/calls/{id}", Summary: "A call as published: terms and results (organization, project, amount, score), no person's name or bank detail",
		Tag: "public", Response: "PublicCall", Public: true}, h.S.PublicID("id", h.apiPublic))
	rt.Schemas(schemas())
}

// respond writes a result, a replayed result, or an error (an ineligible
// submission with its reasons).
func (h *Handlers) respond(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	var ie *IneligibleError
	if errors.As(err, &ie) {
		lang := i18n.FromRequest(r)
		reasons := make([]string, 0, len(ie.Reasons))
		for _, m := range ie.Reasons {
			reasons = append(reasons, h.S.Cat.Msg(lang, m))
		}
		web.JSON(w, http.StatusUnprocessableEntity, map[string]any{
			"error":   web.APIErrorBody{Code: errs.Invalid, Message: h.S.Cat.T(lang, "err.fund.ineligible")},
			"reasons": reasons})
		return
	}
	idem.Respond(h.S, w, r, status, v, err)
}

func decode(w http.ResponseWriter, r *http.Request, u *auth.User, status int, v any) (context.Context, error) {
	return idem.Decode(w, r, u, status, v)
}

func (h *Handlers) apiCalls(w http.ResponseWriter, r *http.Request, u *auth.User) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	page, per = max(page, 1), min(max(per, 0), 200)
	if per == 0 {
		per = 50
	}
	list, total, err := h.Svc.Calls(r.Context(), u, page, per)
	h.respond(w, r, http.StatusOK, map[string]any{"items": list, "total": total, "page": page, "per_page": per}, err)
}

// callAt and applicationAt are the addresses of what a create made.
func callAt(c *Call) string { return fmt.Sprintf("/api/v1/calls/%d", c.ID) }

func applicationAt(a *Application) string { return fmt.Sprintf("/api/v1/applications/%d", a.ID) }

// seenCall, seenApplication and seenProject are the visibility checks
// made before a call's body is read (not found, not a refused body).
func (h *Handlers) seenCall(ctx context.Context, u *auth.User, id int64) error {
	_, err := h.Svc.Call(ctx, u, id)
	return err
}

func (h *Handlers) seenApplication(ctx context.Context, u *auth.User, id int64) error {
	_, err := h.Svc.Application(ctx, u, id)
	return err
}

func (h *Handlers) seenProject(ctx context.Context, u *auth.User, id int64) error {
	_, _, _, err := h.Svc.project(ctx, u, id)
	return err
}

// seenFunc is a visibility check made before a call's body is read.
type seenFunc func(ctx context.Context, u *auth.User, id int64) error

// change is the funding API's one ending of a change on the object {id}:
// the object checked visible (seen), the body read into an In (none for
// idem.NoBody) with its idempotency key on the context, then fn; its
// answer with status, the first answer replayed, or its error (respond:
// an ineligible application's reasons).
func change[In, Out any](h *Handlers, status int, seen seenFunc, fn func(ctx context.Context, u *auth.User, id int64, in In) (Out, error)) web.IDHandler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
		changeRun(h, w, r, u, status, id, seen, nil, func(ctx context.Context, in In) (Out, error) { return fn(ctx, u, id, in) })
	}
}

// create is change for a call that makes an object under {id} (an
// application to a call): 201, with the new object's address (location
// of it) in the Location header.
func create[In, Out any](h *Handlers, seen seenFunc, location func(Out) string, fn func(ctx context.Context, u *auth.User, id int64, in In) (Out, error)) web.IDHandler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
		changeRun(h, w, r, u, http.StatusCreated, id, seen, location, func(ctx context.Context, in In) (Out, error) { return fn(ctx, u, id, in) })
	}
}

// changePart is change on a part of the object {id} (a project's milestone
// or share): the object is the one checked visible.
func changePart[In, Out any](h *Handlers, status int, seen seenFunc, fn func(ctx context.Context, u *auth.User, id, part int64, in In) (Out, error)) web.PairHandler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User, id, part int64) {
		changeRun(h, w, r, u, status, id, seen, nil, func(ctx context.Context, in In) (Out, error) { return fn(ctx, u, id, part, in) })
	}
}

func changeRun[In, Out any](h *Handlers, w http.ResponseWriter, r *http.Request, u *auth.User, status int, id int64,
	seen seenFunc, location func(Out) string, fn func(ctx context.Context, in In) (Out, error)) {
	var in In
	ctx, err := body(w, r, u, id, status, idem.Target(&in), seen)
	if err != nil {
		h.respond(w, r, status, nil, err)
		return
	}
	out, err := fn(ctx, in)
	web.Locate(w, location, out, err)
	h.respond(w, r, status, out, err)
}

// noBody is an action without a body (an application's submission or
// withdrawal) as change takes it.
func noBody[Out any](fn func(ctx context.Context, u *auth.User, id int64) (Out, error)) func(context.Context, *auth.User, int64, idem.NoBody) (Out, error) {
	return func(ctx context.Context, u *auth.User, id int64, _ idem.NoBody) (Out, error) { return fn(ctx, u, id) }
}

type reverseIn struct {
	Reason string `json:"reason"`
}

// assignReviewers, award, accept and reverseShare are the service's calls
// in the shape change and changePart take.
func (h *Handlers) assignReviewers(ctx context.Context, u *auth.User, id int64, in reviewersIn) (map[string]any, error) {
	ids, err := h.Svc.AssignReviewers(ctx, u, id, in.UserIDs, in.Conflicts)
	return map[string]any{"user_ids": ids}, err
}

func (h *Handlers) award(ctx context.Context, u *auth.User, id int64, in awardsIn) (map[string]any, error) {
	ps, err := h.Svc.Award(ctx, u, id, in.Awards)
	return map[string]any{"items": ps}, err
}

func (h *Handlers) accept(ctx context.Context, u *auth.User, id, mid int64, _ idem.NoBody) (*Milestone, error) {
	return h.Svc.Accept(ctx, u, id, mid)
}

func (h *Handlers) reverseShare(ctx context.Context, u *auth.User, id, sid int64, in reverseIn) (*Suballocation, error) {
	return h.Svc.ReverseSuballocation(ctx, u, id, sid, in.Reason)
}

// body checks the object id is one the user sees (seen), then reads the
// body into v with its idempotency key on the context.
func body(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, status int, v any, seen seenFunc) (context.Context, error) {
	if err := seen(r.Context(), u, id); err != nil {
		return nil, err
	}
	return decode(w, r, u, status, v)
}

type reviewersIn struct {
	UserIDs   []int64    `json:"user_ids"`
	Conflicts []Conflict `json:"conflicts"`
}

type awardsIn struct {
	Awards []AwardInput `json:"awards"`
}

func (h *Handlers) apiResultsXLSX(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	c, ps, err := h.Svc.Results(r.Context(), u, id)
	var b []byte
	if err == nil {
		lang := i18n.FromRequest(r)
		b, err = resultsXLSX(c, ps, func(k string) string { return h.S.Cat.Msg(lang, errs.M(k)) })
	}
	if err != nil {
		h.respond(w, r, 0, nil, err)
		return
	}
	sheet.Send(w, fmt.Sprintf("call-%d-results.xlsx", c.ID), b)
}

// resultsXLSX writes a call's awards as one sheet.
func resultsXLSX(c *Call, ps []*Project, t func(string) string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	rows := [][]any{{c.Title}, {t("fund.col.rank"), t("fund.col.org"), t("fund.col.project"), t("fund.col.score"),
		t("fund.col.award"), t("fund.col.paid"), t("fund.col.spent"), t("fund.col.status"), t("fund.col.departure")}}
	yuan := func(fen int64) float64 {
		v, _ := strconv.ParseFloat(fmt.Sprintf("%d.%02d", fen/100, fen%100), 64)
		return v
	}
	for _, p := range ps {
		rows = append(rows, []any{p.Rank, p.OrgName, p.Title, p.Score, yuan(p.AwardFen), yuan(p.PaidFen), yuan(p.SpentFen),
			p.Status, p.DepartureReason})
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &row); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (h *Handlers) apiNeeds(w http.ResponseWriter, r *http.Request, u *auth.User) {
	list, err := h.Svc.Needs(r.Context(), u)
	h.respond(w, r, http.StatusOK, map[string]any{"items": list}, err)
}

func (h *Handlers) apiPairings(w http.ResponseWriter, r *http.Request, u *auth.User) {
	list, err := h.Svc.Pairings(r.Context(), u)
	h.respond(w, r, http.StatusOK, map[string]any{"items": list}, err)
}

func (h *Handlers) apiPublic(w http.ResponseWriter, r *http.Request, id int64) {
	c, err := h.Svc.Public(r.Context(), id)
	h.respond(w, r, http.StatusOK, c, err)
}

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums a type cannot tell.
func schemas() map[string]any {
	criterion := web.SchemaOf(Criterion{}, nil, "key", "name", "weight", "max")
	elig := web.SchemaOf(Eligibility{}, map[string]any{"min_appraisal_band": web.Enum(appraisalBands...)})
	bonus := web.SchemaOf(Bonus{}, map[string]any{"rule": web.Enum(RuleParty, RuleWellRun)})
	callEnums := map[string]any{"channel": web.Enum(Channels...), "fields": web.Arr(web.Enum(Fields...)), "eligibility": elig,
		"criteria": web.Arr(criterion), "bonus": web.Arr(bonus), "tie_breaks": web.Arr(web.Enum(RuleParty, RuleWellRun, RuleRequestLow))}
	call := maps.Clone(callEnums)
	call["state"] = web.Enum(StateUpcoming, StateOpen, StateClosed)
	line := web.SchemaOf(BudgetLine{}, nil, "item", "amount_fen")
	app := map[string]any{"budget": web.Arr(line), "status": web.Enum(AppDraft, AppSubmitted, AppWithdrawn)}
	milestone := map[string]any{"kind": web.Enum(MilestonePlain, MilestoneMidterm, MilestoneClosing)}
	return map[string]any{
		"CallInput":        web.SchemaOf(CallInput{}, callEnums, "title", "channel", "unit_code", "budget_fen", "opens_on", "closes_on", "criteria"),
		"Call":             web.SchemaOf(Call{}, call),
		"CallPage":         web.Obj(map[string]any{"items": web.Arr(web.Ref("Call")), "total": web.Int(), "page": web.Int(), "per_page": web.Int()}),
		"ApplicationInput": web.SchemaOf(ApplicationInput{}, map[string]any{"budget": web.Arr(line)}, "org_id", "title", "request_fen", "budget"),
		"Application":      web.SchemaOf(Application{}, app),
		"ApplicationList":  web.ItemList(web.Ref("Application")),
		"ReviewersInput":   web.SchemaOf(reviewersIn{}, nil, "user_ids"),
		"Reviewers":        web.Obj(map[string]any{"user_ids": web.Arr(web.Int())}),
		"ScoreInput":       web.SchemaOf(ScoreInput{}, nil, "scores"),
		"ScoreAnswer": web.Obj(map[string]any{"application_id": web.Int(), "reviewer_id": web.Int(),
			"scores": map[string]any{"type": "object", "additionalProperties": web.Int()}}),
		"Ranking":     web.ItemList(web.SchemaOf(Ranked{}, nil)),
		"AwardsInput": web.SchemaOf(awardsIn{}, map[string]any{"awards": web.Arr(web.SchemaOf(AwardInput{}, nil, "application_id", "amount_fen"))}, "awards"),
		"Project": web.SchemaOf(Project{}, map[string]any{"channel": web.Enum(Channels...), "status": web.Enum(ProjectActive, ProjectClosed),
			"tranches": web.Arr(web.Ref("Tranche")), "milestones": web.Arr(web.Ref("Milestone")), "brand": web.Ref("Designation")}),
		"ProjectList":        web.ItemList(web.Ref("Project")),
		"Tranche":            web.SchemaOf(Tranche{}, nil),
		"TrancheInput":       web.SchemaOf(TrancheInput{}, nil, "amount_fen", "paid_on"),
		"Milestone":          web.SchemaOf(Milestone{}, milestone),
		"MilestoneList":      web.ItemList(web.Ref("Milestone")),
		"MilestoneInput":     web.SchemaOf(MilestoneInput{}, milestone, "title", "due_on"),
		"FundingReportInput": web.SchemaOf(ReportInput{}, nil, "report"),
		"SuballocationInput": web.SchemaOf(SuballocationInput{}, nil, "org_id", "part", "amount_fen"),
		"Suballocation":      web.SchemaOf(Suballocation{}, nil),
		"SuballocationList":  web.ItemList(web.Ref("Suballocation")),
		"ReverseInput":       web.SchemaOf(reverseIn{}, nil, "reason"),
		"DesignationInput":   web.SchemaOf(DesignationInput{}, nil, "reason"),
		"Designation":        web.SchemaOf(Designation{}, map[string]any{"kind": web.Enum("project", "org")}),
		"Need":               web.SchemaOf(Need{}, nil, "community_code", "title"),
		"NeedList":           web.ItemList(web.Ref("Need")),
		"Pairing":            web.SchemaOf(Pairing{}, nil, "org_id", "partner_org_id", "purpose", "started_on"),
		"PairingList":        web.ItemList(web.Ref("Pairing")),
		"PublicCall": web.SchemaOf(PublicCall{}, map[string]any{"channel": web.Enum(Channels...), "eligibility": elig,
			"criteria": web.Arr(criterion), "bonus": web.Arr(bonus)}),
	}
}
