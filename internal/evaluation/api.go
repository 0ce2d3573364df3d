package evaluation

import (
	"context"
	"net/http"
	"strconv"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
)

func (h *Handlers) apiRoutes(rt *web.Router) {
	api := func(method, path, summary, body, resp string, status int, q []web.Param, fn web.Handler) {
		rt.API(web.Doc{Method: method, Path: path, Summary: summary, Tag: "evaluation", Body: body, Response: resp, Status: status, Query: q},
			h.S.API(fn))
	}
	within := web.Param{Name: "within", Description: "division code (default: the user's scope)"}
	on := web.Param{Name: "on", Description: "day (YYYY-MM-DD, default today)"}
	api("GET", "/api/v1/orgs/{id}/grades", "An organization's grades (等级评估), newest first; valid marks the one that counts today", "", "GradeList", 0, nil, web.ReadItems(h.S, "id", h.Svc.Grades))
	api("POST", "/api/v1/orgs/{id}/grades", "Award a grade 1A–5A to a registered organization (district officer or city); valid_until defaults to five years", "GradeInput", "Grade", 201, nil, web.WriteID(h.S, http.StatusCreated, "id", h.Svc.AwardGrade))
	api("GET", "/api/v1/grades", "Grades valid on a day in a place", "", "GradeList", 0, []web.Param{within, on}, h.apiGradesIn)
	api("GET", "/api/v1/orgs/{id}/party", "An organization's party organization form today and its dated timeline", "", "PartyState", 0, nil, web.Read(h.S, "id", h.Svc.Party))
	api("POST", "/api/v1/orgs/{id}/party", "Record the party organization form from a date (the registry's party organization follows)", "FormInput", "PartyState", 201, nil, web.WriteID(h.S, http.StatusCreated, "id", h.apiSetForm))
	api("GET", "/api/v1/party-contacts", "Contacts between the community party organization and its organizations, newest first", "", "PartyContactList", 0,
		[]web.Param{within, {Name: "org_id", Description: "one organization"}}, web.Parsed(h.S, placeQueryOf("org_id"), h.apiContacts))
	api("POST", "/api/v1/party-contacts", "Record a contact", "PartyContactInput", "PartyContact", 201, nil, web.Write(h.S, http.StatusCreated, h.Svc.AddContact))
	api("GET", "/api/v1/party-coverage", "Party building on a day by child unit: active organizations, with a party organization or instructor, contacted in the quarter", "", "PartyCoverage", 0, []web.Param{within, on}, h.apiCoverage)
	api("GET", "/api/v1/appraisals", "Appraisals (评估评议) of a place", "", "AppraisalList", 0, []web.Param{within, {Name: "year", Description: "one year"}}, web.Parsed(h.S, placeQueryOf("year"), h.apiAppraisals))
	api("POST", "/api/v1/appraisals", "Record a year's appraisal: the 两委 members' forms and the residents' paper ballots", "AppraisalInput", "Appraisal", 201, nil, web.Write(h.S, http.StatusCreated, h.Svc.Appraise))
	api("GET", "/api/v1/evaluation-trees", "Indicator trees of the scope and above, with the evidence keys available", "", "TreeList", 0, nil, h.apiTrees)
	api("POST", "/api/v1/evaluation-trees", "Build a tree (without nodes: the default tree), or a new version of one (based_on)", "TreeInput", "Tree", 201, nil, web.Write(h.S, http.StatusCreated, h.Svc.SaveTree))
	api("GET", "/api/v1/evaluation-trees/{id}", "A tree version", "", "Tree", 0, nil, web.Read(h.S, "id", h.Svc.Tree))
	api("PUT", "/api/v1/evaluation-trees/{id}", "Change a version's nodes; refused (409) once a round has used it", "TreeEdit", "Tree", 0, nil, web.WriteID(h.S, http.StatusOK, "id", h.apiEditTree))
	api("GET", "/api/v1/evaluation-rounds", "Evaluation rounds the user sees", "", "RoundList", 0, nil, web.Items(h.S, h.Svc.Rounds))
	api("POST", "/api/v1/evaluation-rounds", "Open a round: a tree version (frozen from then on), organizations, scorers (conflicts refused); automatic leaves filled in", "RoundInput", "Round", 201, nil, web.Write(h.S, http.StatusCreated, h.Svc.CreateRound))
	api("GET", "/api/v1/evaluation-rounds/{id}", "A round", "", "Round", 0, nil, web.Read(h.S, "id", h.Svc.Round))
	api("POST", "/api/v1/evaluation-rounds/{id}/scores", "A scorer's scores of one organization's manual leaves", "EvaluationScoreInput", "Result", 0, nil, web.WriteID(h.S, http.StatusOK, "id", h.Svc.Score))
	api("GET", "/api/v1/evaluation-rounds/{id}/results", "The round's results, ranked", "", "ResultList", 0, nil, web.ReadItems(h.S, "id", h.Svc.Results))
	api("POST", "/api/v1/evaluation-rounds/{id}/publish", "Publish the results to the organizations (no score changes after)", "", "Round", 0, nil, web.Read(h.S, "id", h.Svc.Publish))
	rt.Schemas(schemas())
}

func items[T any](v []T) map[string]any { return map[string]any{"items": v} }

func (h *Handlers) apiGradesIn(w http.ResponseWriter, r *http.Request, u *auth.User) {
	gs, err := h.Svc.GradesIn(r.Context(), u, r.URL.Query().Get("within"), r.URL.Query().Get("on"))
	h.S.Respond(w, r, http.StatusOK, items(gs), err)
}

func (h *Handlers) apiSetForm(ctx context.Context, u *auth.User, id int64, in FormInput) (*PartyState, error) {
	in.OrgID = id
	return h.Svc.SetForm(ctx, u, in)
}

// queryID reads an optional id parameter.
func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, errs.Field(name, "err.bad_number")
	}
	return n, nil
}

// placeQuery is a list's query: its place (within) and one optional id
// (an organization, a year), 0 when absent.
type placeQuery struct {
	within string
	id     int64
}

// placeQueryOf reads a placeQuery whose id is the parameter name.
func placeQueryOf(name string) func(*http.Request) (placeQuery, error) {
	return func(r *http.Request) (placeQuery, error) {
		id, err := queryID(r, name)
		return placeQuery{within: r.URL.Query().Get("within"), id: id}, err
	}
}

func (h *Handlers) apiContacts(ctx context.Context, u *auth.User, q placeQuery) (map[string]any, error) {
	cs, err := h.Svc.Contacts(ctx, u, q.within, q.id)
	return items(cs), err
}

func (h *Handlers) apiCoverage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	c, err := h.Svc.Coverage(r.Context(), u, r.URL.Query().Get("within"), r.URL.Query().Get("on"))
	h.S.Respond(w, r, http.StatusOK, c, err)
}

func (h *Handlers) apiAppraisals(ctx context.Context, u *auth.User, q placeQuery) (map[string]any, error) {
	as, err := h.Svc.Appraisals(ctx, u, q.within, int(q.id))
	return items(as), err
}

func (h *Handlers) apiTrees(w http.ResponseWriter, r *http.Request, u *auth.User) {
	ts, err := h.Svc.Trees(r.Context(), u)
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": ts, "evidence": h.Svc.EvidenceKeys()}, err)
}

// TreeEdit is a change of a version's nodes.
type TreeEdit struct {
	Nodes []Node `json:"nodes"`
}

func (h *Handlers) apiEditTree(ctx context.Context, u *auth.User, id int64, in TreeEdit) (*Tree, error) {
	return h.Svc.EditTree(ctx, u, id, in.Nodes)
}

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums a type cannot tell.
func schemas() map[string]any {
	grade := web.SchemaOf(Grade{}, map[string]any{"grade": web.Enum(Grades...)})
	form := web.SchemaOf(FormEvent{}, map[string]any{"form": web.Enum(Forms...), "source": web.Enum("form", "registry")})
	kind := map[string]any{"kind": web.Enum(ContactKinds...)}
	contact := web.SchemaOf(Contact{}, kind)
	scores := map[string]any{}
	for _, it := range AppraisalItems {
		scores[it.Key] = web.Int()
	}
	forms := map[string]any{"forms": web.Arr(web.SchemaOf(MemberForm{}, map[string]any{"scores": web.Obj(scores)}))}
	appraisal := web.SchemaOf(Appraisal{}, map[string]any{"band": web.Enum(Bands...), "forms": forms["forms"]})
	node := web.SchemaOf(Node{}, nil)
	node["description"] = "a group (children) or a leaf (max, guide, evidence, full)"
	nodes := map[string]any{"nodes": web.Arr(node)}
	tree := web.SchemaOf(Tree{}, nodes)
	round := web.SchemaOf(Round{}, nil)
	result := web.SchemaOf(Result{}, nil)
	formIn := web.SchemaOf(FormInput{}, map[string]any{"form": web.Enum(Forms...)}, "form")
	delete(formIn["properties"].(map[string]any), "org_id") // the path names the organization
	return map[string]any{
		"GradeInput":           web.SchemaOf(GradeInput{}, map[string]any{"grade": web.Enum(Grades...)}, "grade", "awarded_on", "evaluator"),
		"Grade":                grade,
		"GradeList":            web.ItemList(grade),
		"FormInput":            formIn,
		"PartyState":           web.SchemaOf(PartyState{}, map[string]any{"form": form, "history": web.Arr(form)}),
		"PartyContactInput":    web.SchemaOf(ContactInput{}, kind, "org_id", "on", "kind", "topic"),
		"PartyContact":         contact,
		"PartyContactList":     web.ItemList(contact),
		"PartyCoverage":        web.SchemaOf(PartyCoverage{}, nil),
		"AppraisalInput":       web.SchemaOf(AppraisalInput{}, forms, "org_id", "year", "forms"),
		"Appraisal":            appraisal,
		"AppraisalList":        web.ItemList(appraisal),
		"TreeInput":            web.SchemaOf(TreeInput{}, nodes, "name"),
		"TreeEdit":             web.SchemaOf(TreeEdit{}, nodes, "nodes"),
		"Tree":                 tree,
		"TreeList":             web.Obj(map[string]any{"items": web.Arr(tree), "evidence": web.Arr(web.Str())}),
		"RoundInput":           web.SchemaOf(RoundInput{}, nil, "tree_id", "name", "year", "org_ids"),
		"Round":                round,
		"RoundList":            web.ItemList(round),
		"EvaluationScoreInput": web.SchemaOf(ScoreInput{}, nil, "org_id", "scores"),
		"Result":               result,
		"ResultList":           web.ItemList(result),
	}
}
