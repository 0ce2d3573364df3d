package activity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
		Tag: "activities", Body: "ActivityInput", Response: "Activity"}, h.S.API(h.S.WithID("id", h.apiPatch)))
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
		Tag: "activities", Query: q("unit"), Body: "Rule", Response: "Rule"}, h.S.API(h.apiPutRule))
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

func (h *Handlers) apiPatch(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	var raw json.RawMessage
	err := web.DecodeJSON(w, r, &raw)
	var a *Activity
	if err == nil {
		// refuse unknown fields the way a create does
		var probe Input
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if derr := dec.Decode(&probe); derr != nil {
			err = errs.E(errs.Invalid, "err.bad_json", derr.Error())
		}
	}
	if err == nil {
		a, err = h.Svc.Update(r.Context(), u, id, raw)
	}
	h.S.Respond(w, r, http.StatusOK, a, err)
}

// readFile reads the multipart `file`, bounded by the size limit.
func (h *Handlers) readFile(w http.ResponseWriter, r *http.Request) (*upload.File, error) {
	r.Body = http.MaxBytesReader(w, r.Body, h.Svc.maxFile()+1<<20)
	if err := r.ParseMultipartForm(h.Svc.maxFile() + 1<<20); err != nil {
		return nil, &errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"),
			Fields: map[string]errs.Msg{"file": errs.M("upload.err.too_large", h.Svc.maxFile()>>20)}}
	}
	file, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, &errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"), Fields: map[string]errs.Msg{"file": errs.M("err.required")}}
	}
	defer file.Close()
	return upload.Read(file, hdr.Filename, h.Svc.maxFile())
}

func (h *Handlers) apiFile(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	up, err := h.readFile(w, r)
	var f *File
	if err == nil {
		f, err = h.Svc.AddFile(r.Context(), u, id, up)
	}
	h.S.Respond(w, r, http.StatusCreated, f, err)
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

func (h *Handlers) apiPutRule(w http.ResponseWriter, r *http.Request, u *auth.User) {
	var in Rule
	err := web.DecodeJSON(w, r, &in)
	var rl *Rule
	if err == nil {
		rl, err = h.Svc.PutRule(r.Context(), u, r.URL.Query().Get("unit"), in)
	}
	h.S.Respond(w, r, http.StatusOK, rl, err)
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

func schemas() map[string]any {
	dt := map[string]any{"type": "string", "format": "date-time"}
	date := map[string]any{"type": "string", "format": "date"}
	num := map[string]any{"type": "number"}
	ints := web.Arr(web.Int())
	benef := web.Obj(map[string]any{"total": web.Int(), "by_group": map[string]any{"type": "object", "additionalProperties": web.Int()},
		"other": web.Int()}, "total")
	input := map[string]any{"org_ids": ints, "title": web.Str(), "theme": web.Enum(Themes...), "kind": web.Enum(Kinds...),
		"fields": web.Arr(web.Str()), "starts_at": dt, "ends_at": dt, "community_code": web.Str(), "address": web.Str(),
		"target_groups": web.Arr(web.Str()), "participants": web.Int(), "beneficiaries": benef, "fund_raising": web.Bool(),
		"minors": web.Bool(), "overnight": web.Bool(), "write_up": web.Str()}
	act := map[string]any{"id": web.Int(), "status": web.Enum(StatusRecorded, StatusAwaiting, StatusRefused), "org_names": web.Arr(web.Str()),
		"starts_on": date, "street_code": web.Str(), "district_code": web.Str(), "major": web.Bool(), "ack_level": web.Str(),
		"report_due_on": date, "volunteer_hours": num, "hours_confirmed": web.Bool(), "files": web.Arr(web.Ref("ActivityFile")),
		"created_at": dt, "updated_at": dt, "version": web.Int()}
	for k, v := range input {
		act[k] = v
	}
	entry := web.Obj(map[string]any{"id": web.Int(), "activity_id": web.Int(), "activity_title": web.Str(), "volunteer_id": web.Int(),
		"served_on": date, "hours": num, "correction": web.Bool(), "reason": web.Str(), "created_at": dt})
	vol := web.Obj(map[string]any{"id": web.Int(), "name": web.Str(), "phone": web.Str(), "phone_masked": web.Bool(),
		"community_code": web.Str(), "district_code": web.Str(), "org_ids": ints, "created_at": dt})
	rule := web.Obj(map[string]any{"unit_code": web.Str(), "kinds": web.Arr(web.Enum(Kinds...)), "min_participants": web.Int(),
		"outside_home": web.Bool(), "fund_raising": web.Bool(), "minors": web.Bool(), "overnight": web.Bool(),
		"community_ack_tier": web.Bool(), "days_ahead": web.Int(), "default": web.Bool(), "version": web.Int()})
	report := web.Obj(map[string]any{"id": web.Int(), "activity_id": web.Int(), "activity_title": web.Str(), "starts_at": dt,
		"status": web.Enum(ReportPending, ReportAcknowledged, ReportRefused), "ack_level": web.Enum(LevelStreet, LevelCommunity),
		"community_code": web.Str(), "street_code": web.Str(), "due_on": date, "late": web.Bool(), "submitted_at": dt,
		"decided_at": dt, "reason": web.Str()})
	meeting := web.Obj(map[string]any{"held_on": date, "residents": web.Int(), "committee": web.Int(), "organizations": web.Int(),
		"property_mgmt": web.Int(), "minutes": web.Str(), "decisions": web.Str()}, "held_on")
	cin := map[string]any{"topic": web.Str(), "topic_kind": web.Enum(TopicKinds...), "community_code": web.Str(),
		"raised_by": web.Enum(RaisedBy...), "raised_by_org_id": web.Int(), "raised_note": web.Str(), "org_ids": ints,
		"meetings": web.Arr(meeting), "follow_up": web.Str()}
	cons := map[string]any{"id": web.Int(), "activity_id": web.Int(), "created_at": dt}
	for k, v := range cin {
		cons[k] = v
	}
	row := web.Obj(map[string]any{"key": web.Str(), "activities": web.Int(), "beneficiaries": web.Int(), "volunteer_hours": num})
	return map[string]any{
		"ActivityInput": web.Obj(input, "org_ids", "title", "theme", "kind", "starts_at", "ends_at", "community_code", "beneficiaries"),
		"Activity":      web.Obj(act),
		"ActivityPage":  web.Obj(map[string]any{"items": web.Arr(web.Ref("Activity")), "total": web.Int(), "page": web.Int(), "per_page": web.Int()}),
		"ActivityImportReport": web.Obj(map[string]any{"rows": web.Int(), "created": web.Int(), "hour_entries": web.Int(),
			"committed": web.Bool(), "dry_run": web.Bool(), "error_count": web.Int(), "ids": ints,
			"errors": web.Arr(web.Obj(map[string]any{"row": web.Int(), "column": web.Str(), "message": web.Str()}))}),
		"ActivityFile": web.Obj(map[string]any{"id": web.Int(), "content_type": web.Str(), "size_bytes": web.Int(), "sha256": web.Str(),
			"filename": web.Str(), "created_at": dt}),
		"HoursInput":     web.Obj(map[string]any{"volunteer_id": web.Int(), "hours": num, "reason": web.Str()}, "volunteer_id", "hours"),
		"HoursEntry":     entry,
		"HoursEntries":   web.Obj(map[string]any{"items": web.Arr(web.Ref("HoursEntry"))}),
		"Volunteer":      vol,
		"VolunteerInput": web.Obj(map[string]any{"name": web.Str(), "phone": web.Str(), "community_code": web.Str(), "org_ids": ints}, "name", "community_code"),
		"VolunteerList":  listSchema("Volunteer", true),
		"Hours": web.Obj(map[string]any{"volunteer": web.Ref("Volunteer"), "from": date, "to": date, "hours": num,
			"entries": web.Arr(web.Ref("HoursEntry"))}),
		"Rule":        rule,
		"Report":      report,
		"ReportInput": web.Obj(map[string]any{"activity_id": web.Int()}, "activity_id"),
		"Decision":    web.Obj(map[string]any{"decision": web.Enum("acknowledge", "refuse"), "reason": web.Str()}, "decision"),
		"ReportList": web.Obj(map[string]any{"items": web.Arr(web.Ref("Report")), "total": web.Int(), "page": web.Int(), "per_page": web.Int(), "awaiting_my_decision": web.Int(),
			"by_street": web.Arr(web.Obj(map[string]any{"street_code": web.Str(), "major": web.Int(), "late": web.Int(), "unreported": web.Int()}))}),
		"ConsultationInput": web.Obj(cin, "topic", "topic_kind", "community_code", "raised_by", "org_ids", "meetings"),
		"Consultation":      web.Obj(cons),
		"ConsultationList":  listSchema("Consultation", false),
		"Campaign": web.Obj(map[string]any{"theme": web.Enum(Themes...), "unit": web.Str(), "from": date, "to": date,
			"activities": web.Int(), "beneficiaries": web.Int(), "registered_people": web.Int(), "volunteer_hours": num, "by_district": web.Arr(row), "by_month": web.Arr(row),
			"active_orgs": web.Obj(map[string]any{"since": date, "orgs": web.Int(), "active": web.Int(), "share": num})}),
	}
}
