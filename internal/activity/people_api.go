package activity

import (
	"context"
	"net/http"

	"linli/internal/platform/auth"
	"linli/internal/platform/web"
)

// peopleRoutes mounts the registered beneficiaries, the consultations'
// surveys and the streets' volunteer associations.
func (h *Handlers) peopleRoutes(rt *web.Router) {
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/beneficiaries", Summary: "Registered beneficiaries in scope by id, a page at a time with the total (phones masked for officers)",
		Tag: "activities", Query: pagingParams(true), Response: "BeneficiaryList"}, h.S.API(h.apiBeneficiaries))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/beneficiaries", Summary: "Register a person served again and again (counted once per period)",
		Tag: "activities", Body: "BeneficiaryInput", Response: "Beneficiary", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.CreateBeneficiary)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/activities/{id}/beneficiaries", Summary: "Record which registered people an activity served (among its beneficiaries)",
		Tag: "activities", Body: "ServedInput", Response: "Activity", Status: 201}, h.S.API(web.WriteID(h.S, http.StatusCreated, "id", h.served)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/consultations/{id}/survey", Summary: "A consultation's resident survey and its tally",
		Tag: "activities", Response: "ActivitySurvey"}, h.S.API(web.Read(h.S, "id", h.Svc.Survey)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/consultations/{id}/survey", Summary: "Open a consultation's resident survey (one question, 2–10 choices)",
		Tag: "activities", Body: "ActivitySurveyInput", Response: "ActivitySurvey", Status: 201}, h.S.API(web.WriteID(h.S, http.StatusCreated, "id", h.Svc.OpenSurvey)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/consultations/{id}/survey/answers", Summary: "Record a resident's answer: one per resident (told by phone), a second is a 409",
		Tag: "activities", Body: "ActivityAnswerInput", Response: "ActivitySurvey", Status: 201}, h.S.API(web.WriteID(h.S, http.StatusCreated, "id", h.Svc.Answer)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/volunteer-associations/{street}", Summary: "A street's social-work and volunteer-service association and its member teams (C7)",
		Tag: "activities", Response: "Association"}, h.S.API(h.apiAssociation))
	rt.API(web.Doc{Method: "PUT", Path: "/api/v1/volunteer-associations/{street}", Summary: "Name the organization that is the street's association",
		Tag: "activities", Body: "AssociationInput", Response: "Association"}, h.S.API(web.WriteParsed(h.S, http.StatusOK, web.PathValue("street"), h.putAssociation)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/volunteer-associations/{street}/members", Summary: "Take a volunteer-service team of the street in as a group member",
		Tag: "activities", Body: "ActivityMemberInput", Response: "Association", Status: 201}, h.S.API(web.WriteParsed(h.S, http.StatusCreated, web.PathValue("street"), h.addMember)))
	rt.Schemas(peopleSchemas())
}

func (h *Handlers) apiBeneficiaries(w http.ResponseWriter, r *http.Request, u *auth.User) {
	l, err := h.Svc.Beneficiaries(r.Context(), u, PagingOf(r.URL.Query()))
	h.S.Respond(w, r, http.StatusOK, l, err)
}

// servedInput is the body of a call recording who an activity served.
type servedInput struct {
	IDs []int64 `json:"beneficiary_ids"`
}

// served records the beneficiaries an activity served and answers the
// activity as it now is.
func (h *Handlers) served(ctx context.Context, u *auth.User, id int64, in servedInput) (*Activity, error) {
	if _, err := h.Svc.AddServed(ctx, u, id, in.IDs); err != nil {
		return nil, err
	}
	return h.Svc.Get(ctx, u, id)
}

func (h *Handlers) apiAssociation(w http.ResponseWriter, r *http.Request, u *auth.User) {
	a, err := h.Svc.Association(r.Context(), u, r.PathValue("street"))
	h.S.Respond(w, r, http.StatusOK, a, err)
}

// associationInput is the body naming a street's association.
type associationInput struct {
	OrgID int64 `json:"org_id"`
}

func (h *Handlers) putAssociation(ctx context.Context, u *auth.User, street string, in associationInput) (*Association, error) {
	return h.Svc.PutAssociation(ctx, u, street, in.OrgID)
}

// memberInput is the body taking a team into a street's association.
type memberInput struct {
	OrgID    int64  `json:"org_id"`
	JoinedOn string `json:"joined_on"`
}

func (h *Handlers) addMember(ctx context.Context, u *auth.User, street string, in memberInput) (*Association, error) {
	return h.Svc.AddMember(ctx, u, street, in.OrgID, in.JoinedOn)
}

func peopleSchemas() map[string]any {
	return map[string]any{
		"Beneficiary":         web.SchemaOf(Beneficiary{}, nil),
		"BeneficiaryList":     listSchema("Beneficiary", true),
		"BeneficiaryInput":    web.SchemaOf(BeneficiaryInput{}, nil, "name", "community_code"),
		"ServedInput":         web.SchemaOf(servedInput{}, nil, "beneficiary_ids"),
		"ActivitySurveyInput": web.SchemaOf(SurveyInput{}, nil, "question", "options"),
		"ActivitySurvey":      web.SchemaOf(Survey{}, nil),
		"ActivityAnswerInput": web.SchemaOf(AnswerInput{}, nil, "phone", "choice"),
		"Association":         web.SchemaOf(Association{}, nil),
		"AssociationInput":    web.Obj(map[string]any{"org_id": web.Int()}, "org_id"),
		"ActivityMemberInput": web.Obj(map[string]any{"org_id": web.Int(), "joined_on": map[string]any{"type": "string", "format": "date"}}, "org_id"),
	}
}
