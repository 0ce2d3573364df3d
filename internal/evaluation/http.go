package evaluation

import (
	"embed"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the room's pages and API over the same service.
type Handlers struct {
	S   *web.Server
	Svc *Service
	// Places resolves the party page's "within" by name (the place
	// picker); without it the filter takes a code only.
	Places Places
}

// Places is the place picker's search and the names it shows.
type Places interface {
	geo.Picker
	geo.Names
}

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /grades", h.S.Page(h.gradesPage))
	rt.HandleFunc("GET /orgs/{id}/grades", h.S.PageID(h.orgGradesPage))
	rt.HandleFunc("POST /orgs/{id}/grades", h.S.PageID(h.awardSubmit))
	rt.HandleFunc("POST /orgs/{id}/party", h.S.PageID(h.formSubmit))
	rt.HandleFunc("GET /party", h.S.Page(h.partyPage))
	rt.HandleFunc("POST /party/contacts", h.S.Page(h.contactSubmit))
	rt.HandleFunc("GET /appraisals", h.S.Page(h.appraisalsPage))
	rt.HandleFunc("POST /appraisals", h.S.Page(h.appraiseSubmit))
	rt.HandleFunc("GET /evaluation-trees", h.S.Page(h.treesPage))
	rt.HandleFunc("POST /evaluation-trees", h.S.Page(h.treeSubmit))
	rt.HandleFunc("GET /evaluation-trees/{id}", h.S.PageID(h.treePage))
	rt.HandleFunc("GET /evaluation-rounds", h.S.Page(h.roundsPage))
	rt.HandleFunc("GET /evaluation-rounds/{id}", h.S.PageID(h.roundPage))
	rt.HandleFunc("POST /evaluation-rounds/{id}/scores", h.S.PageID(h.scoreSubmit))
	h.apiRoutes(rt)
}

type gradesData struct {
	Items  []Grade
	Within string
	On     string
}

func (h *Handlers) gradesPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	within, text, bad, ok := h.placeFilter(w, r, u)
	if !ok {
		return
	}
	gs, err := h.Svc.GradesIn(r.Context(), u, within, q.Get("on"))
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	status := http.StatusOK
	v := web.View{Title: h.S.T(r, "eval.grades_title"), User: u, Errors: bad,
		Data: gradesData{Items: gs, Within: text, On: q.Get("on")}}
	if len(bad) > 0 {
		status, v.Message = http.StatusUnprocessableEntity, h.S.T(r, "common.fix_errors")
	}
	h.S.Render(w, r, status, "eval_grades", v)
}

// placeFilter reads a page's "within" filter, the place picker's field: a
// name, "街道 · 社区", "name #code" or a code gives the code, and the text
// the field shows (the place by name). A name no place or several places
// have gives no code (the user's scope) and the field's error, bad. ok is
// false when it has answered the request itself (an error page).
func (h *Handlers) placeFilter(w http.ResponseWriter, r *http.Request, u *auth.User) (within, text string, bad map[string]string, ok bool) {
	text = strings.TrimSpace(r.URL.Query().Get("within"))
	if h.Places == nil || text == "" {
		return text, text, nil, true
	}
	code, err := geo.ResolvePlace(r.Context(), h.Places, u, "within", text, 0)
	if err != nil {
		msgs, fieldErr := h.S.FieldErrors(r, err)
		if !fieldErr {
			h.S.PageError(w, r, err)
			return "", "", nil, false
		}
		return "", text, msgs, true
	}
	if text == code {
		text = geo.PlaceText(r.Context(), h.Places, code)
	}
	return code, text, nil, true
}

type orgGradesData struct {
	OrgID    int64
	OrgName  string
	Items    []Grade
	CanAward bool
	Grades   []string
	In       GradeInput
	Party    *PartyState
	CanParty bool
	Forms    []string
	FormIn   FormInput
}

func (h *Handlers) orgGradesPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.renderOrgGrades(w, r, u, id, http.StatusOK, nil, GradeInput{}, FormInput{})
}

func (h *Handlers) renderOrgGrades(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, status int, errors map[string]string, in GradeInput, fin FormInput) {
	o, err := h.Svc.org(r.Context(), u, id)
	var gs []Grade
	if err == nil {
		gs, err = h.Svc.Grades(r.Context(), u, id)
	}
	var party *PartyState
	if err == nil {
		party, err = h.Svc.Party(r.Context(), u, id)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	v := web.View{Title: o.Name + " · " + h.S.T(r, "eval.grade"), User: u, Errors: errors,
		Data: orgGradesData{OrgID: id, OrgName: o.Name, Items: gs, Grades: Grades, In: in, Party: party,
			CanAward: awardsGrades(u, o.CommunityCode) && registered(o),
			CanParty: recordsParty(u, o.CommunityCode), Forms: Forms, FormIn: fin}}
	if len(errors) > 0 {
		v.Message = h.S.T(r, "common.fix_errors")
	}
	h.S.Render(w, r, status, "eval_org_grades", v)
}

func (h *Handlers) awardSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	in := GradeInput{Grade: r.PostFormValue("grade"), AwardedOn: r.PostFormValue("awarded_on"), ValidUntil: r.PostFormValue("valid_until"),
		Evaluator: r.PostFormValue("evaluator"), LateReason: r.PostFormValue("late_reason")}
	_, err := h.Svc.AwardGrade(r.Context(), u, id, in)
	h.S.Saved(w, r, err, "/orgs/"+strconv.FormatInt(id, 10)+"/grades",
		func(status int, e map[string]string) { h.renderOrgGrades(w, r, u, id, status, e, in, FormInput{}) })
}

func (h *Handlers) formSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	in := FormInput{OrgID: id, Form: r.PostFormValue("form"), LinkName: r.PostFormValue("link_name"),
		EffectiveOn: r.PostFormValue("effective_on"), LateReason: r.PostFormValue("late_reason")}
	_, err := h.Svc.SetForm(r.Context(), u, in)
	h.S.Saved(w, r, err, "/orgs/"+strconv.FormatInt(id, 10)+"/grades",
		func(status int, e map[string]string) { h.renderOrgGrades(w, r, u, id, status, e, GradeInput{}, in) })
}

type partyData struct {
	Cov      *PartyCoverage
	Contacts []Contact
	Within   string
	On       string
	Kinds    []string
	In       ContactInput
	Org      string // the organization picker's text
	CanEdit  bool
}

func (h *Handlers) partyPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.renderParty(w, r, u, http.StatusOK, nil, ContactInput{})
}

func (h *Handlers) renderParty(w http.ResponseWriter, r *http.Request, u *auth.User, status int, errors map[string]string, in ContactInput) {
	q := r.URL.Query()
	within, text, bad, ok := h.placeFilter(w, r, u)
	if !ok {
		return
	}
	if len(bad) > 0 {
		errors = maps.Clone(errors)
		if errors == nil {
			errors = map[string]string{}
		}
		maps.Copy(errors, bad)
		status = http.StatusUnprocessableEntity
	}
	cov, err := h.Svc.Coverage(r.Context(), u, within, q.Get("on"))
	var cs []Contact
	if err == nil {
		cs, err = h.Svc.Contacts(r.Context(), u, within, 0)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	if len(cs) > 100 {
		cs = cs[:100]
	}
	v := web.View{Title: h.S.T(r, "eval.party_title"), User: u, Errors: errors,
		Data: partyData{Cov: cov, Contacts: cs, Within: text, On: q.Get("on"), Kinds: ContactKinds, In: in,
			Org: r.PostFormValue("org_id"), CanEdit: recordsParty(u, u.ScopeCode)}}
	if len(errors) > 0 {
		v.Message = h.S.T(r, "common.fix_errors")
	}
	h.S.Render(w, r, status, "eval_party", v)
}

func (h *Handlers) contactSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	in := ContactInput{On: r.PostFormValue("on"), Kind: r.PostFormValue("kind"), Topic: r.PostFormValue("topic")}
	h.S.Saved(w, r, orgField(h.addContact(r, u, &in)), "/party",
		func(status int, e map[string]string) { h.renderParty(w, r, u, status, e, in) })
}

// addContact records the contact in with the organization the form's
// picker names.
func (h *Handlers) addContact(r *http.Request, u *auth.User, in *ContactInput) error {
	var err error
	if in.OrgID, err = h.pickedOrg(r, u); err != nil {
		return err
	}
	_, err = h.Svc.AddContact(r.Context(), u, *in)
	return err
}

// pickedOrg is the organization the form's picker (org_id) names.
func (h *Handlers) pickedOrg(r *http.Request, u *auth.User) (int64, error) {
	return registry.Resolve(r.Context(), h.Svc.Orgs, u, "org_id", r.PostFormValue("org_id"), registry.PickFilter{Live: true})
}

// orgField is a form's error with an organization not found as a
// refusal of its org_id field, which the form shows beside the picker.
func orgField(err error) error {
	if errs.Is(err, errs.NotFound) {
		return errs.Field("org_id", "err.not_found")
	}
	return err
}

type appraisalsData struct {
	Items  []Appraisal
	Year   string
	CanAdd bool
	Rows   []int
	Items4 []Item
	In     url.Values
}

func (h *Handlers) appraisalsPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.renderAppraisals(w, r, u, http.StatusOK, nil, url.Values{})
}

// appraiseSubmit reads the paper form: up to five members' rows
// (member.N, item.N.key) and the ballots.
func (h *Handlers) appraiseSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if err := r.ParseForm(); err != nil {
		h.S.PageError(w, r, errs.E(errs.Invalid, "err.invalid_input"))
		return
	}
	f := r.PostForm
	h.S.Saved(w, r, orgField(h.appraise(r, u, appraisalIn(f))), "/appraisals",
		func(status int, e map[string]string) { h.renderAppraisals(w, r, u, status, e, f) })
}

// appraise records the appraisal in of the organization the form's
// picker names.
func (h *Handlers) appraise(r *http.Request, u *auth.User, in AppraisalInput) error {
	var err error
	if in.OrgID, err = h.pickedOrg(r, u); err != nil {
		return err
	}
	_, err = h.Svc.Appraise(r.Context(), u, in)
	return err
}

// appraisalIn reads the paper form f (its organization apart: appraise).
func appraisalIn(f url.Values) AppraisalInput {
	num := func(k string) int { n, _ := strconv.Atoi(strings.TrimSpace(f.Get(k))); return n }
	in := AppraisalInput{Year: num("year"), AppraisedOn: f.Get("appraised_on"),
		Satisfied: num("satisfied"), Basically: num("basically"), Dissatisfied: num("dissatisfied")}
	for i := 1; i <= 5; i++ {
		name := strings.TrimSpace(f.Get("member." + strconv.Itoa(i)))
		if name == "" {
			continue
		}
		m := MemberForm{Member: name, Scores: map[string]int{}}
		for _, it := range AppraisalItems {
			m.Scores[it.Key] = num("item." + strconv.Itoa(i) + "." + it.Key)
		}
		in.Forms = append(in.Forms, m)
	}
	return in
}

// appraisals are the appraisals of the place and year the query names.
func (h *Handlers) appraisals(r *http.Request, u *auth.User) ([]Appraisal, error) {
	year, err := queryID(r, "year")
	if err != nil {
		return nil, err
	}
	return h.Svc.Appraisals(r.Context(), u, r.URL.Query().Get("within"), int(year))
}

func (h *Handlers) renderAppraisals(w http.ResponseWriter, r *http.Request, u *auth.User, status int, errors map[string]string, in url.Values) {
	as, err := h.appraisals(r, u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	v := web.View{Title: h.S.T(r, "eval.appraisals_title"), User: u, Errors: errors,
		Data: appraisalsData{Items: as, Year: r.URL.Query().Get("year"), CanAdd: appraises(u, u.ScopeCode),
			Rows: []int{1, 2, 3, 4, 5}, Items4: AppraisalItems, In: in}}
	if len(errors) > 0 {
		v.Message = h.S.T(r, "common.fix_errors")
	}
	h.S.Render(w, r, status, "eval_appraisals", v)
}

type treesData struct {
	Items    []Tree
	CanBuild bool
	Evidence []string
}

func (h *Handlers) treesPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.renderTrees(w, r, u, http.StatusOK, nil)
}

func (h *Handlers) renderTrees(w http.ResponseWriter, r *http.Request, u *auth.User, status int, errors map[string]string) {
	ts, err := h.Svc.Trees(r.Context(), u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	v := web.View{Title: h.S.T(r, "eval.trees_title"), User: u, Errors: errors,
		Data: treesData{Items: ts, CanBuild: buildsTrees(u, u.ScopeCode), Evidence: h.Svc.EvidenceKeys()}}
	if len(errors) > 0 {
		v.Message = h.S.T(r, "common.fix_errors")
	}
	h.S.Render(w, r, status, "eval_trees", v)
}

// treeSubmit builds the default tree under a name, or a new version of a
// tree (based_on).
func (h *Handlers) treeSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	base, _ := strconv.ParseInt(r.PostFormValue("based_on"), 10, 64)
	t, err := h.Svc.SaveTree(r.Context(), u, TreeInput{Name: r.PostFormValue("name"), UnitCode: u.ScopeCode, BasedOn: base})
	h.S.SavedAt(w, r, err, func() string { return "/evaluation-trees/" + strconv.FormatInt(t.ID, 10) },
		func(status int, e map[string]string) { h.renderTrees(w, r, u, status, e) })
}

// row is a tree node as a table row.
type row struct {
	Node
	Depth   int
	Share   float64 // of the total, in percent
	IsGroup bool
}

func rows(nodes []Node) []row {
	var out []row
	walkShares(nodes, func(n Node, depth int, share float64) {
		out = append(out, row{Node: n, Depth: depth, Share: round2(100 * share), IsGroup: len(n.Children) > 0})
	})
	return out
}

type treeData struct {
	T        *Tree
	Rows     []row
	CanBuild bool
}

func (h *Handlers) treePage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	t, err := h.Svc.Tree(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "eval_tree", web.View{Title: t.Name, User: u,
		Data: treeData{T: t, Rows: rows(t.Nodes), CanBuild: buildsTrees(u, t.UnitCode)}})
}

func (h *Handlers) roundsPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	rs, err := h.Svc.Rounds(r.Context(), u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "eval_rounds", web.View{Title: h.S.T(r, "eval.rounds_title"), User: u, Data: rs})
}

type roundData struct {
	R       *Round
	T       *Tree
	Results []Result
	Scorer  bool
	Manual  []Node
	OrgID   int64
}

func (h *Handlers) roundPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.renderRound(w, r, u, id, http.StatusOK, nil)
}

func (h *Handlers) renderRound(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, status int, errors map[string]string) {
	rd, err := h.Svc.Round(r.Context(), u, id)
	var res []Result
	if err == nil {
		res, err = h.Svc.Results(r.Context(), u, id)
	}
	var t *Tree
	if err == nil {
		t, err = getTree(r.Context(), h.Svc.DB.Read, rd.TreeID, "")
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := roundData{R: rd, T: t, Results: res, Scorer: scoresNow(u, rd)}
	for _, l := range Leaves(t.Nodes) {
		if l.Evidence == "" {
			d.Manual = append(d.Manual, l.Node)
		}
	}
	d.OrgID, _ = strconv.ParseInt(r.URL.Query().Get("org"), 10, 64)
	v := web.View{Title: rd.Name, User: u, Errors: errors, Data: d}
	if len(errors) > 0 {
		v.Message = h.S.T(r, "common.fix_errors")
	}
	h.S.Render(w, r, status, "eval_round", v)
}

func (h *Handlers) scoreSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	if err := r.ParseForm(); err != nil {
		h.S.PageError(w, r, errs.E(errs.Invalid, "err.invalid_input"))
		return
	}
	h.S.Saved(w, r, h.score(r, u, id), "/evaluation-rounds/"+strconv.FormatInt(id, 10),
		func(status int, e map[string]string) { h.renderRound(w, r, u, id, status, e) })
}

// score records the scores of the form (score.KEY), refusing a bad
// number before the service sees them.
func (h *Handlers) score(r *http.Request, u *auth.User, id int64) error {
	org, _ := strconv.ParseInt(r.PostFormValue("org_id"), 10, 64)
	in := ScoreInput{OrgID: org, Scores: map[string]float64{}}
	fe := errs.Fields{}
	for k, vs := range r.PostForm {
		if key, ok := strings.CutPrefix(k, "score."); ok && len(vs) > 0 && strings.TrimSpace(vs[0]) != "" {
			v, perr := strconv.ParseFloat(strings.TrimSpace(vs[0]), 64)
			if perr != nil {
				fe.Add("scores."+key, "err.bad_number")
				continue
			}
			in.Scores[key] = v
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	_, err := h.Svc.Score(r.Context(), u, id, in)
	return err
}
