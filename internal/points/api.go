package points

import (
	"context"
	"net/http"
	"strconv"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
)

func (h *Handlers) apiRoutes(rt *web.Router) {
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/demonstration-points", Summary: "Demonstration points in scope, cancelled ones included",
		Tag: "demonstration-points", Query: []web.Param{{Name: "within", Description: "division code"},
			{Name: "year", Type: "integer", Description: "only this plan year"}}, Response: "PointList"}, h.S.API(h.apiList))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/demonstration-points", Summary: "Record a demonstration point (district officers; the city)",
		Tag: "demonstration-points", Body: "PointInput", Response: "Point", Status: 201}, h.S.API(h.apiCreate))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/demonstration-points/{id}/cancel", Summary: "Cancel a point; it is kept, marked",
		Tag: "demonstration-points", Body: "PointCancel", Response: "Point"}, h.S.API(h.apiCancel))
	rt.Schemas(schemas())
}

func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	year := 0
	if s := q.Get("year"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			h.S.JSONError(w, r, errs.Field("year", "err.bad_number"))
			return
		}
		year = n
	}
	items, err := h.Svc.List(r.Context(), u, q.Get("within"), year)
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": items}, err)
}

func (h *Handlers) apiCreate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	web.Create(h.S, func(p *Point) string { return "/api/v1/demonstration-points/" + strconv.FormatInt(p.ID, 10) }, h.Svc.Create)(w, r, u)
}

type cancelReq struct {
	Reason string `json:"reason"`
}

func (h *Handlers) apiCancel(w http.ResponseWriter, r *http.Request, u *auth.User) {
	web.WriteID(h.S, http.StatusOK, "id", func(ctx context.Context, u *auth.User, id int64, req cancelReq) (*Point, error) {
		return h.Svc.Cancel(ctx, u, id, req.Reason)
	})(w, r, u)
}

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums a type cannot tell.
func schemas() map[string]any {
	kind := web.Enum(KindPoint, KindProvincialPilot)
	point := web.SchemaOf(Point{}, map[string]any{"kind": kind, "status": web.Enum(StatusActive, StatusCancelled)})
	return map[string]any{
		"Point":       point,
		"PointList":   web.ItemList(web.Ref("Point")),
		"PointInput":  web.SchemaOf(Input{}, map[string]any{"kind": kind}, "district_code", "year", "reason"),
		"PointCancel": web.SchemaOf(cancelReq{}, nil, "reason"),
	}
}
