package training

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
)

func (h *Handlers) apiRoutes(rt *web.Router) {
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/trainings", Summary: "Training sessions in scope and those run above it",
		Tag: "training", Query: []web.Param{{Name: "year", Description: "calendar year (China) the session starts in"}}, Response: "TrainingList"}, h.S.API(web.QueryItems(h.S, "year", h.Svc.List)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/trainings", Summary: "Record a session (city, district, street or hub staff)",
		Tag: "training", Body: "TrainingInput", Response: "Training", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.Create)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/trainings/{id}", Summary: "A session", Tag: "training", Response: "Training"}, h.S.API(web.Read(h.S, "id", h.Svc.Get)))
	rt.API(web.Doc{Method: "PATCH", Path: "/api/v1/trainings/{id}", Summary: "Change the fields named (organizer only)",
		Tag: "training", Body: "TrainingInput", Response: "Training"}, h.S.API(web.PatchID[TrainingInput](h.S, "id", h.Svc.Update)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/trainings/{id}/enrolments", Summary: "Enrol a person of one's scope, within capacity; an organization's leader enrols themself with {\"self\": true}",
		Tag: "training", Body: "EnrolmentInput", Response: "Person", Status: 201}, h.S.API(web.WriteID(h.S, http.StatusCreated, "id", h.apiEnrol)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/trainings/{id}/checkin-code", Summary: "The session's check-in code and its QR code (organizer only)",
		Tag: "training", Response: "CheckinCode"}, h.S.API(h.S.WithID("id", h.apiCode)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/checkin", Summary: "A trainee checks in with the session's code and their phone, during the session (no sign-in)",
		Tag: "training", Body: "Checkin", Response: "CheckedIn", Public: true}, web.Public(web.Write(h.S, http.StatusOK, h.checkIn)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/trainings/{id}/attendance", Summary: "Who was present",
		Tag: "training", Response: "AttendanceList"}, h.S.API(web.ReadItems(h.S, "id", h.Svc.Attendance)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/trainings/{id}/attendance", Summary: "Correct attendance, with a reason (organizer only)",
		Tag: "training", Body: "AttendanceEdit", Response: "AttendanceList"}, h.S.API(web.WriteID(h.S, http.StatusOK, "id", h.apiEditAttendance)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/trainings/{id}/certificates", Summary: "Issue a completion certificate to a person who attended (organizer only)",
		Tag: "training", Body: "Enrolment", Response: "Certificate", Status: 201}, h.S.API(web.WriteID(h.S, http.StatusCreated, "id", h.apiIssue)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/certificates/{file}", Summary: "A certificate as PDF: /api/v1/certificates/{serial}.pdf",
		Tag: "training"}, h.S.API(h.apiPDF))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/certificates/{serial}/revoke", Summary: "Revoke a certificate, with a reason (organizer only)",
		Tag: "training", Body: "Reason", Response: "Certificate"}, h.S.API(web.WriteParsed(h.S, http.StatusOK, web.PathValue("serial"), h.revoke)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/public/certificates/{serial}", Summary: "Whether a certificate is genuine, revoked or not found, and what it certifies (no sign-in; HTML for browsers)",
		Tag: "training", Response: "Verification", Public: true}, h.apiVerify)
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/people", Summary: "Key personnel in scope (phones and ID numbers masked), with training hours",
		Tag: "training", Query: []web.Param{{Name: "within", Description: "division code"}, {Name: "year", Description: "hours of this year"}},
		Response: "PersonList"}, h.S.API(h.apiPeople))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/people/pick", Summary: "Key personnel to choose from: the person picker's search by name, in scope, exact name first, at most 20",
		Tag: "training", Query: []web.Param{{Name: "q", Description: "any part of the name"}}, Response: "PersonChoices"}, h.S.API(web.QueryItems(h.S, "q", h.Svc.PickPeople)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/people", Summary: "Record a key person (骨干人才)",
		Tag: "training", Body: "PersonInput", Response: "Person", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.CreatePerson)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/training-hours", Summary: "Per audience: sessions run in scope in a year, attendances and person-hours",
		Tag: "training", Query: []web.Param{{Name: "year", Description: "calendar year"}}, Response: "HoursList"}, h.S.API(web.QueryItems(h.S, "year", h.Svc.Hours)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/exam-support", Summary: "Social-work exam support per district and year: registered, helped (fen), passed",
		Tag: "training", Response: "ExamSupportList"}, h.S.API(web.Items(h.S, h.Svc.ExamSupport)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/exam-entries", Summary: "Register a person for the national social-work exam, with the help given and, later, the result",
		Tag: "training", Body: "ExamInput", Response: "ExamEntry", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.RegisterExam)))
	rt.Schemas(schemas())
}

type enrolment struct {
	PersonID int64 `json:"person_id"`
	// Self enrols the signed-in organization leader (self-enrolment).
	Self bool `json:"self"`
}

func (h *Handlers) apiEnrol(ctx context.Context, u *auth.User, id int64, in enrolment) (*Person, error) {
	if in.Self && in.PersonID == 0 {
		return h.Svc.EnrolSelf(ctx, u, id)
	}
	return h.Svc.Enrol(ctx, u, id, in.PersonID)
}

// baseURL is the address the request came to, for links in QR codes.
func (h *Handlers) baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || h.S.SecureCookies || (h.S.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *Handlers) apiCode(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	c, err := h.Svc.Code(r.Context(), u, id, h.baseURL(r))
	h.S.Respond(w, r, http.StatusOK, c, err)
}

type checkin struct {
	Code  string `json:"code"`
	Phone string `json:"phone"`
}

// checkIn is a trainee's check-in by the session's code (no sign-in).
func (h *Handlers) checkIn(ctx context.Context, _ *auth.User, in checkin) (*CheckedIn, error) {
	return h.Svc.Checkin(ctx, strings.ToUpper(strings.TrimSpace(in.Code)), in.Phone)
}

func (h *Handlers) apiEditAttendance(ctx context.Context, u *auth.User, id int64, in AttendanceEdit) (map[string]any, error) {
	list, err := h.Svc.EditAttendance(ctx, u, id, in)
	return map[string]any{"items": list}, err
}

func (h *Handlers) apiIssue(ctx context.Context, u *auth.User, id int64, in enrolment) (*Certificate, error) {
	return h.Svc.Issue(ctx, u, id, in.PersonID)
}

func (h *Handlers) apiPDF(w http.ResponseWriter, r *http.Request, u *auth.User) {
	serial, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
	if !ok || serial == "" {
		h.S.JSONError(w, r, errs.Missing())
		return
	}
	var buf bytes.Buffer
	if err := h.Svc.PDF(r.Context(), u, serial, h.baseURL(r), &buf); err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+serial+`.pdf"`)
	_, _ = io.Copy(w, &buf)
}

type reasonReq struct {
	Reason string `json:"reason"`
}

func (h *Handlers) revoke(ctx context.Context, u *auth.User, serial string, in reasonReq) (*Certificate, error) {
	return h.Svc.Revoke(ctx, u, serial, in.Reason)
}

// apiVerify answers JSON, or the page when a browser (a phone scanning the
// certificate's QR code) asks for HTML.
func (h *Handlers) apiVerify(w http.ResponseWriter, r *http.Request) {
	v, err := h.Svc.Verify(r.Context(), r.PathValue("serial"))
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		h.S.Render(w, r, http.StatusOK, "training_verify", web.View{Title: h.S.T(r, "training.verify_title"), Data: v})
		return
	}
	web.JSON(w, http.StatusOK, v)
}

func (h *Handlers) apiPeople(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	list, err := h.Svc.People(r.Context(), u, q.Get("within"), q.Get("year"))
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": list}, err)
}

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums a type cannot tell.
func schemas() map[string]any {
	input := map[string]any{"form": web.Enum(Forms...), "topics": web.Arr(web.Enum(Topics...)), "audiences": web.Arr(web.Enum(Audiences...))}
	person := map[string]any{"qualification": web.Enum(Qualifications...)}
	exam := map[string]any{"level": web.Enum(Qualifications...), "help": web.Arr(web.Enum(ExamHelp...))}
	return map[string]any{
		"TrainingInput":  web.SchemaOf(TrainingInput{}, input, "title", "programme", "form", "topics", "audiences", "unit_code", "starts_at", "ends_at", "capacity"),
		"Training":       web.SchemaOf(Training{}, input),
		"TrainingList":   web.ItemList(web.Ref("Training")),
		"Enrolment":      web.Obj(map[string]any{"person_id": web.Int()}, "person_id"),
		"EnrolmentInput": web.SchemaOf(enrolment{}, nil),
		"CheckinCode":    web.SchemaOf(CheckinCode{}, nil),
		"Checkin":        web.SchemaOf(checkin{}, nil, "code", "phone"),
		"CheckedIn":      web.SchemaOf(CheckedIn{}, nil),
		"AttendanceList": web.ItemList(web.SchemaOf(Attendance{}, map[string]any{"source": web.Enum("code", "organizer")})),
		"AttendanceEdit": web.SchemaOf(AttendanceEdit{}, nil, "person_id", "present", "reason"),
		"Certificate":    web.SchemaOf(Certificate{}, nil),
		"Reason":         web.SchemaOf(reasonReq{}, nil, "reason"),
		"Verification": web.SchemaOf(Verification{}, map[string]any{"status": web.Enum(CertGenuine, CertRevoked, CertNotFound),
			"date": map[string]any{"type": "string", "format": "date"}}),
		"PersonInput":     web.SchemaOf(PersonInput{}, person, "name", "phone", "role", "community_code"),
		"Person":          web.SchemaOf(Person{}, person),
		"PersonList":      web.ItemList(web.Ref("Person")),
		"PersonChoices":   pickSchema(),
		"HoursList":       web.ItemList(web.SchemaOf(AudienceHours{}, map[string]any{"audience": web.Enum(Audiences...)})),
		"ExamSupportList": web.ItemList(web.SchemaOf(ExamSupport{}, nil)),
		"ExamInput":       web.SchemaOf(ExamInput{}, exam, "person_id", "year", "level"),
		"ExamEntry":       web.SchemaOf(ExamEntry{}, exam),
	}
}
