package activity

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"strconv"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/pick"
	"linli/internal/platform/upload"
	"linli/internal/platform/web"
)

// Handlers serves the activities' pages and API.
type Handlers struct {
	S   *web.Server
	Svc *Service
	// Places resolves the form's community by name (the place picker);
	// without it the field takes a code only.
	Places geo.Picker
}

// Routes mounts the pages and the API.
func (h *Handlers) Routes(rt *web.Router) {
	h.pageRoutes(rt)
	q := func(names ...string) []web.Param {
		var ps []web.Param
		for _, n := range names {
			ps = append(ps, web.Param{Name: n})
		}
		return ps
	}
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/activities", Summary: "Activities in scope, newest first, with filters",
		Tag: "activities", Query: q("within", "theme", "field", "target_group", "org_id", "status", "from", "to", "page", "per_page"),
		Response: "ActivityPage"}, h.S.API(h.apiList))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/activities", Summary: "Record an activity (the organization's leader, its hub's staff, the community committee, officers above); a major one is held as awaiting_report",
		Tag: "activities", Body: "ActivityInput", Response: "Activity", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.Create)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/activities/import/template.xlsx", Summary: "The activities' import template: columns by name, the accepted words, the organizations you record for",
		Tag: "activities", Response: "template.xlsx"}, h.S.API(h.templateXLSX))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/activities/import", Summary: "Import activities from .xlsx (multipart field file): every row by the form's rules, in one transaction; nothing is written unless every row is valid (422 with errors by row and column)",
		Tag: "activities", Body: "multipart", Response: "ActivityImportReport",
		Query: []web.Param{{Name: "dry_run", Description: "1: check every row, write nothing"}}}, h.S.API(h.apiImport))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/activities/{id}", Summary: "An activity with its files",
		Tag: "activities", Response: "Activity"}, h.S.API(web.Read(h.S, "id", h.Svc.Get)))
	rt.API(web.Doc{Method: "PATCH", Path: "/api/v1/activities/{id}", Summary: "Change an activity's fields (JSON merge; organizations fixed; time fixed once hours are confirmed)",
		Tag: "activities", Body: "ActivityInput", Response: "Activity"}, h.S.API(web.PatchID[Input](h.S, "id", h.Svc.Update)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/activities/{id}/files", Summary: "Attach a photo or document: multipart `file` (PNG, JPEG, GIF, WebP or PDF by content, ≤5 MiB)",
		Tag: "activities", Body: "multipart", Response: "ActivityFile", Status: 201}, h.S.API(h.S.WithID("id", h.apiFile)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/activities/{id}/files/{file_id}", Summary: "A photo or document of an activity",
		Tag: "activities", Response: "binary"}, h.S.API(h.S.WithPair("id", "file_id", h.fileBytes)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/activities/{id}/volunteers", Summary: "The hour entries of an activity",
		Tag: "activities", Response: "HoursEntries"}, h.S.API(web.ReadItems(h.S, "id", h.Svc.ActivityHours)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/activities/{id}/volunteers", Summary: "Record a volunteer's hours (after confirmation: a correction with a reason)",
		Tag: "activities", Body: "HoursInput", Response: "HoursEntry", Status: 201}, h.S.API(web.WriteID(h.S, http.StatusCreated, "id", h.Svc.AddHours)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/activities/{id}/confirm", Summary: "Confirm and lock the activity's hours",
		Tag: "activities", Response: "Activity"}, h.S.API(web.Read(h.S, "id", h.Svc.Confirm)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/volunteers", Summary: "Volunteers in scope by id, a page at a time with the total (phones masked for officers)",
		Tag: "activities", Query: pagingParams(true), Response: "VolunteerList"}, h.S.API(h.apiVolunteers))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/volunteers", Summary: "Record a volunteer", Tag: "activities",
		Body: "VolunteerInput", Response: "Volunteer", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.CreateVolunteer)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/volunteers/{id}/hours", Summary: "A volunteer's hours over a period, computed from the entries",
		Tag: "activities", Query: q("from", "to"), Response: "Hours"}, h.S.API(h.S.WithID("id", h.apiVolunteerHours)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/major-reports", Summary: "Major-activity reports in scope by due day, a page at a time with the total (status=pending: the inbox), and late/unreported counts per street",
		Tag: "activities", Query: append(q("status"), pagingParams(false)...), Response: "ReportList"}, h.S.API(h.apiReports))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/major-reports", Summary: "Report a major activity", Tag: "activities",
		Body: "ReportInput", Response: "Report", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.apiSubmit)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/major-reports/{id}/decision", Summary: "Acknowledge or refuse a report (the street, or the community committee for community-tier organizations)",
		Tag: "activities", Body: "Decision", Response: "Report"}, h.S.API(web.WriteID(h.S, http.StatusOK, "id", h.decide)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/major-report-rules", Summary: "The major-activity rule in force for a street or district",
		Tag: "activities", Query: q("unit"), Response: "Rule"}, h.S.API(web.Query(h.S, "unit", h.Svc.Rule)))
	rt.API(web.Doc{Method: "PUT", Path: "/api/v1/major-report-rules", Summary: "Set a street's or district's rule (applies to activities entered from now on)",
		Tag: "activities", Query: q("unit"), Body: "Rule", Response: "Rule"}, h.S.API(web.WriteParsed(h.S, http.StatusOK, web.QueryValue("unit"), h.Svc.PutRule)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/consultations", Summary: "Consultations (议事协商) in scope with their meetings, newest first, a page at a time with the total",
		Tag: "activities", Query: append(q("within"), pagingParams(false)...), Response: "ConsultationList"}, h.S.API(h.apiConsultations))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/consultations", Summary: "Record a consultation and its co_governance activity",
		Tag: "activities", Body: "ConsultationInput", Response: "Consultation", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.CreateConsultation)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/campaigns/{theme}", Summary: "A campaign's figures: activities, beneficiaries, volunteer hours, by district and month, active organizations",
		Tag: "activities", Query: q("unit", "from", "to"), Response: "Campaign"}, h.S.API(h.apiCampaign))
	rt.Schemas(schemas())
	h.peopleRoutes(rt)
}

// FilterOf reads a list's filters from a query.
func FilterOf(q url.Values) Filter {
	f := Filter{Within: q.Get("within"), Theme: q.Get("theme"), Field: q.Get("field"), TargetGroup: q.Get("target_group"),
		Status: q.Get("status"), From: q.Get("from"), To: q.Get("to")}
	f.OrgID, _ = pick.ID(q.Get("org_id")) // an id, or the picker's "name #id"
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.PerPage, _ = strconv.Atoi(q.Get("per_page"))
	return f
}

func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request, u *auth.User) {
	p, err := h.Svc.List(r.Context(), u, FilterOf(r.URL.Query()))
	h.S.Respond(w, r, http.StatusOK, p, err)
}

// readFile reads the multipart `file`, bounded by the size limit.
func (h *Handlers) readFile(w http.ResponseWriter, r *http.Request) (*upload.File, error) {
	r.Body = http.MaxBytesReader(w, r.Body, h.Svc.maxFile()+1<<20)
	if err := r.ParseMultipartForm(h.Svc.maxFile() + 1<<20); err != nil {
		return nil, errs.Field("file", "upload.err.too_large", h.Svc.maxFile()>>20)
	}
	file, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Field("file", "err.required")
	}
	defer file.Close()
	return upload.Read(file, hdr.Filename, h.Svc.maxFile())
}

func (h *Handlers) apiFile(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	f, err := h.addFile(w, r, u, id)
	h.S.Respond(w, r, http.StatusCreated, f, err)
}

// addFile adds the multipart `file` to the activity id.
func (h *Handlers) addFile(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) (*File, error) {
	up, err := h.readFile(w, r)
	if err != nil {
		return nil, err
	}
	return h.Svc.AddFile(r.Context(), u, id, up)
}

func (h *Handlers) fileBytes(w http.ResponseWriter, r *http.Request, u *auth.User, id, fid int64) {
	f, err := h.Svc.File(r.Context(), u, id, fid)
	if err != nil {
		h.S.Error(w, r, err)
		return
	}
	upload.Send(w, f.ContentType, f.Filename, f.Data)
}

func (h *Handlers) apiVolunteers(w http.ResponseWriter, r *http.Request, u *auth.User) {
	l, err := h.Svc.Volunteers(r.Context(), u, PagingOf(r.URL.Query()))
	h.S.Respond(w, r, http.StatusOK, l, err)
}

func (h *Handlers) apiVolunteerHours(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	hs, err := h.hours(r, u, id)
	h.S.Respond(w, r, http.StatusOK, hs, err)
}

func (h *Handlers) apiReports(w http.ResponseWriter, r *http.Request, u *auth.User) {
	l, err := h.Svc.Reports(r.Context(), u, r.URL.Query().Get("status"), PagingOf(r.URL.Query()))
	h.S.Respond(w, r, http.StatusOK, l, err)
}

// reportInput is the body of a major activity's report.
type reportInput struct {
	ActivityID int64 `json:"activity_id"`
}

func (h *Handlers) apiSubmit(ctx context.Context, u *auth.User, in reportInput) (*Report, error) {
	return h.Svc.Submit(ctx, u, in.ActivityID)
}

// decisionInput is the body of a decision on a major-activity report.
type decisionInput struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

func (h *Handlers) decide(ctx context.Context, u *auth.User, id int64, in decisionInput) (*Report, error) {
	return h.Svc.Decide(ctx, u, id, in.Decision, in.Reason)
}

func (h *Handlers) apiConsultations(w http.ResponseWriter, r *http.Request, u *auth.User) {
	l, err := h.Svc.Consultations(r.Context(), u, r.URL.Query().Get("within"), PagingOf(r.URL.Query()))
	h.S.Respond(w, r, http.StatusOK, l, err)
}

func (h *Handlers) apiCampaign(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	c, err := h.Svc.Campaign(r.Context(), u, r.PathValue("theme"), q.Get("unit"), q.Get("from"), q.Get("to"))
	h.S.Respond(w, r, http.StatusOK, c, err)
}

// pagingParams are a paged list's query parameters; keyset adds after.
func pagingParams(keyset bool) []web.Param {
	ps := []web.Param{{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer", Description: "at most 200 (default 50)"}}
	if keyset {
		ps = append(ps, web.Param{Name: "after", Type: "integer", Description: "the next_after of the page before: the page after that id (page is then ignored)"})
	}
	return ps
}

// listSchema is the schema of a List of item.
func listSchema(item string, keyset bool) map[string]any {
	props := map[string]any{"items": web.Arr(web.Ref(item)), "total": web.Int(), "page": web.Int(), "per_page": web.Int()}
	if keyset {
		props["next_after"] = web.Int()
	}
	return web.Obj(props)
}

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums a type cannot tell, and the
// small bodies a handler reads into a struct of its own stay written here.
func schemas() map[string]any {
	date := map[string]any{"type": "string", "format": "date"}
	input := map[string]any{"theme": web.Enum(Themes...), "kind": web.Enum(Kinds...), "beneficiaries": web.SchemaOf(Beneficiaries{}, nil, "total")}
	act := maps.Clone(input)
	dt := map[string]any{"type": "string", "format": "date-time"}
	input["starts_at"], input["ends_at"] = dt, dt // read as text, then parsed
	act["status"], act["files"] = web.Enum(StatusRecorded, StatusAwaiting, StatusRefused), web.Arr(web.Ref("ActivityFile"))
	cin := map[string]any{"topic_kind": web.Enum(TopicKinds...), "raised_by": web.Enum(RaisedBy...),
		"meetings": web.Arr(web.SchemaOf(Meeting{}, nil, "held_on"))}
	return map[string]any{
		"ActivityInput":        web.SchemaOf(Input{}, input, "org_ids", "title", "theme", "kind", "starts_at", "ends_at", "community_code", "beneficiaries"),
		"Activity":             web.SchemaOf(Activity{}, act),
		"ActivityPage":         web.SchemaOf(Page{}, map[string]any{"items": web.Arr(web.Ref("Activity"))}),
		"ActivityImportReport": web.SchemaOf(ImportReport{}, nil),
		"ActivityFile":         web.SchemaOf(File{}, nil),
		"HoursInput":           web.SchemaOf(HoursInput{}, nil, "volunteer_id", "hours"),
		"HoursEntry":           web.SchemaOf(HoursEntry{}, nil),
		"HoursEntries":         web.ItemList(web.Ref("HoursEntry")),
		"Volunteer":            web.SchemaOf(Volunteer{}, nil),
		"VolunteerInput":       web.SchemaOf(VolunteerInput{}, nil, "name", "community_code"),
		"VolunteerList":        listSchema("Volunteer", true),
		"Hours": web.SchemaOf(Hours{}, map[string]any{"volunteer": web.Ref("Volunteer"), "from": date, "to": date,
			"entries": web.Arr(web.Ref("HoursEntry"))}),
		"Rule":              web.SchemaOf(Rule{}, map[string]any{"kinds": web.Arr(web.Enum(Kinds...))}),
		"Report":            web.SchemaOf(Report{}, map[string]any{"status": web.Enum(ReportPending, ReportAcknowledged, ReportRefused), "ack_level": web.Enum(LevelStreet, LevelCommunity)}),
		"ReportInput":       web.Obj(map[string]any{"activity_id": web.Int()}, "activity_id"),
		"Decision":          web.SchemaOf(decisionInput{}, map[string]any{"decision": web.Enum("acknowledge", "refuse")}, "decision"),
		"ReportList":        web.SchemaOf(ReportList{}, map[string]any{"items": web.Arr(web.Ref("Report"))}),
		"ConsultationInput": web.SchemaOf(ConsultationInput{}, cin, "topic", "topic_kind", "community_code", "raised_by", "org_ids", "meetings"),
		"Consultation":      web.SchemaOf(Consultation{}, cin),
		"ConsultationList":  listSchema("Consultation", false),
		"Campaign": web.SchemaOf(Campaign{}, map[string]any{"theme": web.Enum(Themes...), "from": date, "to": date,
			"active_orgs": web.SchemaOf(ActiveShare{}, map[string]any{"since": date})}),
	}
}
