package governance

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"strconv"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

func (h *Handlers) apiRoutes(rt *web.Router) {
	ver := []web.Param{{Name: "version", Description: "a stored version (default: the working text)"}}
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs/{id}/charter", Summary: "The charter: the working text (the model text filled from the record until one is saved), its check and its versions",
		Tag: "governance", Query: ver, Response: "Charter"}, h.S.API(h.S.WithID("id", h.apiCharter)))
	rt.API(web.Doc{Method: "PUT", Path: "/api/v1/orgs/{id}/charter", Summary: "Save the working text; after an adoption this begins a new version (an amendment)",
		Tag: "governance", Body: "CharterInput", Response: "Charter"}, h.S.API(web.WriteID(h.S, http.StatusOK, "id", h.apiSaveCharter)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs/{id}/charter/check", Summary: "The mandatory clauses the working text lacks",
		Tag: "governance", Response: "CharterCheck"}, h.S.API(web.Read(h.S, "id", h.Svc.CheckCharter)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/orgs/{id}/charter/adopt", Summary: "Record the meeting that adopts the working text (422 with \"missing\" while clauses are missing)",
		Tag: "governance", Body: "Vote", Response: "Charter"}, h.S.API(h.S.WithID("id", h.apiAdopt)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs/{id}/charter.pdf", Summary: "The charter as PDF (the one in force, or ?version=)",
		Tag: "governance", Query: ver}, h.S.API(h.S.WithID("id", h.apiPDF)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs/{id}/elections", Summary: "Elections, the officers in office and whether their term is overdue",
		Tag: "governance", Response: "Board"}, h.S.API(web.Read(h.S, "id", h.Svc.Elections)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/orgs/{id}/elections", Summary: "Record an election: its elected candidates take office for the term",
		Tag: "governance", Body: "ElectionInput", Response: "Board", Status: 201}, h.S.API(web.WriteID(h.S, http.StatusCreated, "id", h.Svc.Elect)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs/{id}/decisions", Summary: "Major decisions (重大事项)",
		Tag: "governance", Response: "DecisionList"}, h.S.API(web.ReadItems(h.S, "id", h.Svc.Decisions)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/orgs/{id}/decisions", Summary: "Record a major decision taken at a meeting (quorum and votes checked)",
		Tag: "governance", Body: "DecisionInput", Response: "GovernanceDecision", Status: 201}, h.S.API(web.WriteID(h.S, http.StatusCreated, "id", h.Svc.Decide)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/overdue-terms", Summary: "Organizations in scope whose officers' term ended without an election",
		Tag: "governance", Response: "OverdueTermList"}, h.S.API(web.Items(h.S, h.Svc.OverdueTerms)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/report-cycles", Summary: "Reporting cycles the community committees in scope set",
		Tag: "governance", Response: "CycleList"}, h.S.API(web.Items(h.S, h.Svc.Cycles)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/report-cycles", Summary: "Set a community's reporting cycle (its committee, or an officer above)",
		Tag: "governance", Body: "Cycle", Response: "Cycle"}, h.S.API(web.Write(h.S, http.StatusOK, h.Svc.SetCycle)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/work-reports", Summary: "Work reports to the 两委 of a year in scope, and those owed (late and overdue marked)",
		Tag: "governance", Query: []web.Param{{Name: "year", Description: "calendar year (default this year)"},
			{Name: "status", Description: "submitted | returned | received"}}, Response: "WorkReportList"}, h.S.API(web.Parsed(h.S, reportsQueryOf, h.apiReports)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/work-reports", Summary: "Submit (or resubmit a returned) work report; the activity and money figures are read from linli's records",
		Tag: "governance", Body: "WorkReportInput", Response: "WorkReport", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.Submit)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/work-reports/{id}/review", Summary: "Receive a report, or return it asking for more (comment required)",
		Tag: "governance", Body: "Review", Response: "WorkReport"}, h.S.API(web.WriteID(h.S, http.StatusOK, "id", h.apiReview)))
	rt.Schemas(schemas())
}

func version(r *http.Request) (int, error) {
	v := r.URL.Query().Get("version")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, errs.Field("version", "err.bad_number")
	}
	return n, nil
}

// charterAt reads the charter of organization id at the version the
// query asks for (none: the latest) with read.
func (h *Handlers) charterAt(r *http.Request, u *auth.User, id int64, read func(ctx context.Context, u *auth.User, id int64, v int) (*Charter, error)) (*Charter, error) {
	v, err := version(r)
	if err != nil {
		return nil, err
	}
	return read(r.Context(), u, id, v)
}

func (h *Handlers) apiCharter(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	c, err := h.charterAt(r, u, id, h.Svc.Charter)
	h.S.Respond(w, r, http.StatusOK, c, err)
}

// CharterInput is the body of a PUT.
type CharterInput struct {
	Chapters []Chapter `json:"chapters"`
}

func (h *Handlers) apiSaveCharter(ctx context.Context, u *auth.User, id int64, in CharterInput) (*Charter, error) {
	return h.Svc.SaveCharter(ctx, u, id, in.Chapters)
}

func (h *Handlers) apiAdopt(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	var in Vote
	if err := web.DecodeJSON(w, r, &in); err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	c, err := h.Svc.Adopt(r.Context(), u, id, in)
	var me *MissingError
	if errors.As(err, &me) {
		// the shared error shape, with the missing clause keys beside it
		lang := i18n.FromRequest(r)
		body := web.APIErrorBody{Code: me.Err.Code, Message: h.S.Cat.Msg(lang, me.Err.Message), Fields: map[string]string{}}
		for f, m := range me.Err.Fields {
			body.Fields[f] = h.S.Cat.Msg(lang, m)
		}
		web.JSON(w, http.StatusUnprocessableEntity, map[string]any{"error": body, "missing": me.Missing})
		return
	}
	h.S.Respond(w, r, http.StatusOK, c, err)
}

func (h *Handlers) apiPDF(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	c, err := h.charterAt(r, u, id, h.Svc.Printable)
	var buf bytes.Buffer
	if err == nil {
		err = WritePDF(&buf, c)
	}
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="charter-`+strconv.FormatInt(c.OrgID, 10)+`-v`+strconv.Itoa(c.Version)+`.pdf"`)
	_, _ = io.Copy(w, &buf)
}

func yearParam(r *http.Request) (int, error) {
	y := r.URL.Query().Get("year")
	if y == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(y)
	if err != nil {
		return 0, errs.Field("year", "err.bad_number")
	}
	return n, nil
}

// reportsQuery is the work reports' query: a year and a status.
type reportsQuery struct {
	year   int
	status string
}

func reportsQueryOf(r *http.Request) (reportsQuery, error) {
	y, err := yearParam(r)
	return reportsQuery{year: y, status: r.URL.Query().Get("status")}, err
}

func (h *Handlers) apiReports(ctx context.Context, u *auth.User, q reportsQuery) (*ReportList, error) {
	return h.Svc.Reports(ctx, u, q.year, q.status)
}

// ReviewInput is a committee's review.
type ReviewInput struct {
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
}

func (h *Handlers) apiReview(ctx context.Context, u *auth.User, id int64, in ReviewInput) (*Report, error) {
	return h.Svc.Review(ctx, u, id, in.Decision, in.Comment)
}

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums a type cannot tell.
func schemas() map[string]any {
	chapters := map[string]any{"chapters": web.Arr(web.SchemaOf(Chapter{}, nil, "key", "title", "text"))}
	statuses := web.Enum(CharterModel, CharterDraft, CharterAdopted, CharterSuperseded)
	missing := web.Arr(web.Enum(clauseKeys()...))
	candidates := map[string]any{"candidates": web.Arr(web.SchemaOf(Candidate{}, map[string]any{"post": web.Enum(Posts...)}, "name", "post", "votes"))}
	decision := map[string]any{"kind": web.Enum(DecisionKinds...), "majority": web.Enum(Majorities...)}
	period := map[string]any{"period_start": date(), "period_end": date()}
	report := maps.Clone(period)
	report["status"] = web.Enum(ReportSubmitted, ReportReturned, ReportReceived)
	return map[string]any{
		"CharterInput": web.SchemaOf(CharterInput{}, chapters, "chapters"),
		"Charter": web.SchemaOf(Charter{}, map[string]any{"status": statuses, "chapters": chapters["chapters"], "missing": missing,
			"versions": web.Arr(web.SchemaOf(Version{}, map[string]any{"status": statuses, "chapters": chapters["chapters"]}))}),
		"CharterCheck":  web.SchemaOf(Check{}, map[string]any{"missing": missing}, "complete", "missing"),
		"Vote":          web.SchemaOf(Vote{}, nil, "meeting_on", "present", "for", "against", "abstain"),
		"ElectionInput": web.SchemaOf(ElectionInput{}, candidates, "held_on", "present", "term_years", "candidates"),
		"Board": web.SchemaOf(Board{}, map[string]any{"officers": web.Arr(web.SchemaOf(Officer{}, map[string]any{"post": web.Enum(Posts...), "since": date()})),
			"items": web.Arr(web.SchemaOf(Election{}, candidates))}),
		"DecisionInput":      web.SchemaOf(DecisionInput{}, decision, "meeting_on", "title", "kind", "members", "quorum", "present", "for", "against", "abstain"),
		"GovernanceDecision": web.SchemaOf(Decision{}, decision),
		"DecisionList":       web.ItemList(web.Ref("GovernanceDecision")),
		"OverdueTermList":    web.ItemList(web.SchemaOf(OverdueTerm{}, nil)),
		"Cycle":              web.SchemaOf(Cycle{}, map[string]any{"cycle": web.Enum(Cycles...)}, "community_code", "cycle"),
		"CycleList":          web.ItemList(web.Ref("Cycle")),
		"WorkReportInput":    web.SchemaOf(ReportInput{}, nil, "org_id", "period", "body"),
		"WorkReport":         web.SchemaOf(Report{}, report),
		"WorkReportList": web.SchemaOf(ReportList{}, map[string]any{"items": web.Arr(web.Ref("WorkReport")),
			"missing": web.Arr(web.SchemaOf(Due{}, period))}),
		"Review": web.SchemaOf(ReviewInput{}, map[string]any{"decision": web.Enum(ReviewDecisions...)}, "decision"),
	}
}

func date() map[string]any { return map[string]any{"type": "string", "format": "date"} }

func clauseKeys() []string {
	out := make([]string, len(Clauses))
	for i, c := range Clauses {
		out[i] = c.Key
	}
	return out
}
