package civic

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/upload"
	"linli/internal/platform/web"
)

func (h *Handlers) apiRoutes(rt *web.Router) {
	doc := func(d web.Doc, fn http.HandlerFunc) {
		d.Tag = "civic"
		rt.API(d, fn)
	}
	doc(web.Doc{Method: "POST", Path: "/api/v1/residents", Summary: "A resident signs up: username, password, community (optional phone, kept only as a keyed hash); then POST /api/v1/session",
		Body: "ResidentSignUp", Response: "Resident", Status: 201, Public: true}, web.Public(web.WriteParsed(h.S, http.StatusCreated, h.clientIP, h.apiSignUp)))
	doc(web.Doc{Method: "GET", Path: "/api/v1/residents/me", Summary: "The signed-in resident's profile, followed organizations and sign-ups",
		Response: "ResidentHome", Resident: true}, h.S.API(h.apiMe))
	doc(web.Doc{Method: "POST", Path: "/api/v1/orgs/{id}/follow", Summary: "A resident follows an active organization",
		Status: 204, Resident: true}, h.S.API(h.apiFollow(true)))
	doc(web.Doc{Method: "DELETE", Path: "/api/v1/orgs/{id}/follow", Summary: "A resident stops following an organization",
		Status: 204, Resident: true}, h.S.API(h.apiFollow(false)))
	doc(web.Doc{Method: "POST", Path: "/api/v1/activities/{id}/signups", Summary: "A resident signs up for an activity that accepts sign-ups, within its capacity",
		Status: 204, Resident: true}, h.S.API(h.S.WithID("id", h.apiSignUpFor)))
	doc(web.Doc{Method: "POST", Path: "/api/v1/activities/{id}/signup-settings", Summary: "Open or close an activity to residents' sign-ups (who records its host's activities)",
		Body: "SignupSettings", Status: 204}, h.S.API(web.WriteID(h.S, http.StatusNoContent, "id", noContent(h.Svc.SetSignups))))
	doc(web.Doc{Method: "POST", Path: "/api/v1/orgs/{id}/ratings", Summary: "A resident rates an organization they took part with: 1–5 stars and a comment the community committee moderates; one per organization per year (409)",
		Body: "RatingInput", Response: "Rating", Status: 201, Resident: true}, h.S.API(web.WriteID(h.S, http.StatusCreated, "id", h.Svc.Rate)))
	doc(web.Doc{Method: "GET", Path: "/api/v1/ratings", Summary: "Ratings: a resident's own; an organization's; those of the officer's place (status=pending: the comments to moderate)",
		Query: []web.Param{{Name: "status", Description: "pending | published | rejected"}}, Response: "RatingList", Resident: true}, h.S.API(web.QueryItems(h.S, "status", h.Svc.Ratings)))
	doc(web.Doc{Method: "POST", Path: "/api/v1/ratings/{id}/moderation", Summary: "Publish or reject a rating's comment (community committee or street)",
		Body: "Moderation", Response: "Rating"}, h.S.API(web.WriteID(h.S, http.StatusOK, "id", h.Svc.Moderate)))
	doc(web.Doc{Method: "POST", Path: "/api/v1/ratings/{id}/answer", Summary: "The organization answers a rating",
		Body: "Answer", Response: "Rating"}, h.S.API(web.WriteID(h.S, http.StatusOK, "id", h.Svc.AnswerRating)))
	doc(web.Doc{Method: "GET", Path: "/api/v1/surveys", Summary: "Recognition surveys: a resident's open ones; an officer's in scope",
		Response: "SurveyList", Resident: true}, h.S.API(web.Items(h.S, h.Svc.Surveys)))
	doc(web.Doc{Method: "POST", Path: "/api/v1/surveys", Summary: "Run a recognition survey (感知度和认可度) in a district or street for a period; the instrument as data (default: awareness, participation, satisfaction); a question of scale choice lists its own 2–10 options (labels; answered by number, 1 for the first; errors questions.N.options.M)",
		Body: "SurveyInput", Response: "Survey", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.CreateSurvey)))
	doc(web.Doc{Method: "PUT", Path: "/api/v1/surveys/{id}", Summary: "Change a survey (as POST /api/v1/surveys); once residents answered it, only its title and period (its questions and place: 422)",
		Body: "SurveyInput", Response: "Survey"}, h.S.API(web.WriteID(h.S, http.StatusOK, "id", h.Svc.UpdateSurvey)))
	doc(web.Doc{Method: "POST", Path: "/api/v1/surveys/{id}/answers", Summary: "A resident answers a survey, once (a second answer is 409)",
		Body: "AnswerInput", Status: 204, Resident: true}, h.S.API(web.WriteID(h.S, http.StatusNoContent, "id", noContent(h.Svc.AnswerSurvey))))
	doc(web.Doc{Method: "GET", Path: "/api/v1/surveys/{id}/results", Summary: "A survey's awareness, participation and satisfaction, and ratings, by place",
		Response: "SurveyResults"}, h.S.API(web.Read(h.S, "id", h.Svc.SurveyResults)))
	doc(web.Doc{Method: "GET", Path: "/api/v1/surveys/{id}/results.xlsx", Summary: "A survey's results as a spreadsheet: each question's answers (counts and shares), then each place's readings",
		Response: "results.xlsx"}, h.S.API(h.S.WithID("id", h.sendResults)))
	doc(web.Doc{Method: "POST", Path: "/api/v1/surveys/{id}/publication", Summary: "The survey's owner (an officer of its unit or above) publishes its results on the portal, or withdraws them",
		Body: "PublicationInput", Response: "Survey"}, h.S.API(web.WriteID(h.S, http.StatusOK, "id", h.Svc.PublishResults)))
	doc(web.Doc{Method: "GET", Path: "/api/v1/public/surveys/{id}", Summary: "A survey's published results (404 until the owner publishes them, and after a withdrawal); free-text answers only counted",
		Response: "SurveyResults", Public: true}, h.S.PublicID("id", h.apiPublicResults))
	doc(web.Doc{Method: "GET", Path: "/api/v1/cases", Summary: "Typical cases and experience write-ups the user writes or decides",
		Response: "CaseList"}, h.S.API(web.Items(h.S, h.Svc.Cases)))
	doc(web.Doc{Method: "POST", Path: "/api/v1/cases", Summary: "Write a draft case (an organization's leader, a hub or a street); outcomes computed from the linked activities and projects",
		Body: "CaseInput", Response: "Case", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.CreateCase)))
	doc(web.Doc{Method: "GET", Path: "/api/v1/cases/{id}", Summary: "One case", Response: "Case"}, h.S.API(web.Read(h.S, "id", h.Svc.Case)))
	doc(web.Doc{Method: "POST", Path: "/api/v1/cases/{id}/decision", Summary: "submit (author); approve or return (street, then district; the district's approval publishes); feature or unfeature (city)",
		Body: "CivicDecision", Response: "Case"}, h.S.API(web.WriteID(h.S, http.StatusOK, "id", h.Svc.Decide)))
	doc(web.Doc{Method: "POST", Path: "/api/v1/cases/{id}/photos", Summary: "Add a photo (JPEG or PNG, at most 2 MB, 9 a case) to a draft",
		Body: "multipart", Response: "PhotoID", Status: 201}, h.S.API(h.S.WithID("id", h.apiPhoto)))
	doc(web.Doc{Method: "GET", Path: "/api/v1/cases/{id}/photos/{photo}", Summary: "A photo of a case the user may see (GET /api/v1/cases/{id}), published or not; not kept by shared caches",
		Response: "binary"}, h.S.API(h.S.WithPair("id", "photo", h.casePhotoFile)))
	doc(web.Doc{Method: "GET", Path: "/api/v1/public/cases", Summary: "Published cases within a place, featured first",
		Query:    []web.Param{{Name: "within", Description: "division code"}, {Name: "featured", Description: "1: featured only"}},
		Response: "CaseList", Public: true}, h.apiPublicCases)
	rt.Schemas(schemas())
}

// noContent is a change that answers nothing, as web.WriteID takes it.
func noContent[In any](fn func(ctx context.Context, u *auth.User, id int64, in In) error) func(context.Context, *auth.User, int64, In) (any, error) {
	return func(ctx context.Context, u *auth.User, id int64, in In) (any, error) { return nil, fn(ctx, u, id, in) }
}

// clientIP is the address a request came from (a sign-up is rate-limited
// by it), as WriteParsed takes it.
func (h *Handlers) clientIP(r *http.Request) (string, error) { return h.S.ClientIP(r), nil }

// apiSignUp registers a resident (no user signed in) from the address ip.
func (h *Handlers) apiSignUp(ctx context.Context, _ *auth.User, ip string, in SignUp) (*Resident, error) {
	return h.Svc.SignUp(ctx, in, ip)
}

// residentHome is a resident's own: who, what they follow, what they
// signed up for (the fields in the order of their names, as the map
// answered before).
type residentHome struct {
	Follows  []OrgLine      `json:"follows"`
	Resident *Resident      `json:"resident"`
	Signups  []ActivityLine `json:"signups"`
}

func (h *Handlers) apiMe(w http.ResponseWriter, r *http.Request, u *auth.User) {
	home, err := h.me(r.Context(), u)
	h.S.Respond(w, r, http.StatusOK, home, err)
}

// me reads the signed-in resident's own.
func (h *Handlers) me(ctx context.Context, u *auth.User) (*residentHome, error) {
	var home residentHome
	var err error
	if home.Resident, err = h.Svc.Me(ctx, u); err != nil {
		return nil, err
	}
	if home.Follows, err = h.Svc.Followed(ctx, u); err != nil {
		return nil, err
	}
	home.Signups, err = h.Svc.MySignups(ctx, u)
	return &home, err
}

func (h *Handlers) apiFollow(on bool) web.Handler {
	return h.S.WithID("id", func(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
		h.S.Respond(w, r, http.StatusNoContent, nil, h.Svc.Follow(r.Context(), u, id, on))
	})
}

func (h *Handlers) apiSignUpFor(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.S.Respond(w, r, http.StatusNoContent, nil, h.Svc.SignUpFor(r.Context(), u, id))
}

// readPhoto reads the "file" part, refusing a body far over the limit.
func readPhoto(w http.ResponseWriter, r *http.Request) (*upload.File, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxPhoto+1<<20)
	tooLarge := errs.Field("file", "upload.err.too_large", MaxPhoto>>20)
	if err := r.ParseMultipartForm(MaxPhoto + 1<<20); err != nil {
		return nil, tooLarge
	}
	file, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return &upload.File{}, nil
	}
	if err != nil {
		return nil, tooLarge
	}
	defer file.Close()
	return upload.Read(file, hdr.Filename, MaxPhoto)
}

func (h *Handlers) apiPhoto(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	pid, err := h.addPhoto(w, r, u, id)
	h.S.Respond(w, r, http.StatusCreated, map[string]int64{"id": pid}, err)
}

// addPhoto adds the request's photo to the case id, a case the user sees
// (checked before the upload is read), and gives the photo's id.
func (h *Handlers) addPhoto(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) (int64, error) {
	if _, err := h.Svc.Case(r.Context(), u, id); err != nil {
		return 0, err
	}
	f, err := readPhoto(w, r)
	if err != nil {
		return 0, err
	}
	return h.Svc.AddPhoto(r.Context(), u, id, f)
}

func (h *Handlers) apiPublicCases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("n"))
	if n == 0 {
		n = 50
	}
	list, err := h.Svc.PublicCases(r.Context(), q.Get("within"), q.Get("featured") == "1", n)
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": list}, err)
}

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums a type cannot tell.
func schemas() map[string]any {
	question := web.SchemaOf(Question{}, map[string]any{"scale": web.Enum(Scales...), "reading": web.Enum(Readings...),
		"options": web.Arr(web.SchemaOf(Choice{}, nil, "label"))}, "key", "text_zh", "scale")
	qs := map[string]any{"questions": web.Arr(question)}
	cs := web.SchemaOf(Case{}, map[string]any{"kind": web.Enum(Kinds...),
		"status": web.Enum(CaseDraft, CaseStreet, CaseDistrict, CasePublished)})
	rating := web.SchemaOf(Rating{}, map[string]any{"comment_status": web.Enum("", CommentPending, CommentPublished, CommentRejected)})
	survey := web.SchemaOf(Survey{}, qs)
	return map[string]any{
		"ResidentSignUp": web.SchemaOf(SignUp{}, nil, "username", "password", "community_code"),
		"Resident":       web.SchemaOf(Resident{}, nil),
		"ResidentHome": web.Obj(map[string]any{"resident": web.SchemaOf(Resident{}, nil),
			"follows": web.Arr(web.SchemaOf(OrgLine{}, nil)), "signups": web.Arr(web.SchemaOf(ActivityLine{}, nil))}),
		"SignupSettings":   web.SchemaOf(SignupSettings{}, nil, "accepts_signups"),
		"RatingInput":      web.SchemaOf(RatingInput{}, nil, "stars"),
		"Rating":           rating,
		"RatingList":       web.ItemList(rating),
		"Moderation":       web.SchemaOf(Moderation{}, map[string]any{"decision": web.Enum("publish", "reject")}, "decision"),
		"Answer":           web.SchemaOf(Answer{}, nil, "answer"),
		"SurveyInput":      web.SchemaOf(SurveyInput{}, qs, "title", "unit_code", "opens_on", "closes_on"),
		"Survey":           survey,
		"SurveyList":       web.ItemList(survey),
		"AnswerInput":      web.SchemaOf(AnswerInput{}, nil, "answers"),
		"SurveyResults":    web.SchemaOf(Results{}, map[string]any{"survey": survey, "questions": web.Arr(web.SchemaOf(QuestionResult{}, map[string]any{"scale": web.Enum(Scales...)}))}),
		"PublicationInput": web.SchemaOf(PublicationInput{}, nil, "published"),
		"CaseInput":        web.SchemaOf(CaseInput{}, map[string]any{"kind": web.Enum(Kinds...)}, "title", "story"),
		"Case":             cs,
		"CaseList":         web.ItemList(cs),
		"CivicDecision":    web.SchemaOf(Decision{}, map[string]any{"decision": web.Enum(Decisions...)}, "decision"),
		"PhotoID":          web.Obj(map[string]any{"id": web.Int()}),
	}
}
