package incubation

import (
	"context"
	"maps"
	"net/http"

	"linli/internal/platform/auth"
	"linli/internal/platform/idem"
	"linli/internal/platform/web"
)

func (h *Handlers) apiRoutes(rt *web.Router) {
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/bases", Summary: "Incubation bases serving the scope (or a division in it)",
		Tag: "bases", Query: []web.Param{{Name: "within", Description: "division code"}}, Response: "BaseList"}, h.S.API(web.QueryItems(h.S, "within", h.Svc.List)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/bases", Summary: "Record an incubation base (street officers and above); accepts Idempotency-Key",
		Tag: "bases", Body: "BaseInput", Response: "Base", Status: 201}, h.S.API(idem.Handle(h.S, http.StatusCreated, h.Svc.Create)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/bases/coverage",
		Summary: "Streets covered by an open street- or community-level base on a day, by district or by street",
		Tag:     "bases", Query: []web.Param{{Name: "within", Description: "division code (default: the scope)"},
			{Name: "on", Description: "YYYY-MM-DD (default: today)"}}, Response: "BaseCoverage"}, h.S.API(h.apiCoverage))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/bases/{base_id}", Summary: "A base with its rooms, coming bookings and incubated organizations",
		Tag: "bases", Response: "BaseDetail"}, h.S.API(web.Read(h.S, "base_id", h.Svc.Detail)))
	rt.API(web.Doc{Method: "PUT", Path: "/api/v1/bases/{base_id}", Summary: "Save all fields of a base (closing it sets closed_on)",
		Tag: "bases", Body: "BaseInput", Response: "Base"}, h.S.API(idem.HandleID(h.S, http.StatusOK, "base_id", h.Svc.Update)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/bases/{base_id}/rooms", Summary: "Add a room; accepts Idempotency-Key",
		Tag: "bases", Body: "RoomInput", Response: "Room", Status: 201}, h.S.API(idem.HandleID(h.S, http.StatusCreated, "base_id", h.Svc.AddRoom)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/bases/{base_id}/bookings", Summary: "Book a room for an organization; an overlap is refused (409); accepts Idempotency-Key",
		Tag: "bases", Body: "BookingInput", Response: "Booking", Status: 201}, h.S.API(idem.HandleID(h.S, http.StatusCreated, "base_id", h.Svc.Book)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/bases/{base_id}/bookings/{id}/cancel", Summary: "Cancel a booking; accepts Idempotency-Key",
		Tag: "bases", Response: "Booking"}, h.S.API(idem.HandleIDs(h.S, http.StatusOK, "base_id", "id", h.apiCancel)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/bases/{base_id}/incubatees", Summary: "Start incubating an organization; accepts Idempotency-Key",
		Tag: "bases", Body: "IncubateeInput", Response: "Incubatee", Status: 201}, h.S.API(idem.HandleID(h.S, http.StatusCreated, "base_id", h.Svc.Enter)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/bases/{base_id}/incubatees/{id}/leave", Summary: "Graduation or exit of an incubated organization; accepts Idempotency-Key",
		Tag: "bases", Body: "IncubationEnd", Response: "Incubatee"}, h.S.API(idem.HandleIDs(h.S, http.StatusOK, "base_id", "id", h.apiLeave)))
	rt.Schemas(schemas())
}

func (h *Handlers) apiCoverage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	c, err := h.Svc.Coverage(r.Context(), u, r.URL.Query().Get("within"), r.URL.Query().Get("on"))
	h.S.Respond(w, r, http.StatusOK, c, err)
}

func (h *Handlers) apiCancel(ctx context.Context, u *auth.User, id, bid int64, _ idem.NoBody) (*Booking, error) {
	return h.Svc.CancelBooking(ctx, u, id, bid)
}

type leaveReq struct {
	Status string `json:"status"`
	LeftOn string `json:"left_on"`
}

func (h *Handlers) apiLeave(ctx context.Context, u *auth.User, id, iid int64, in leaveReq) (*Incubatee, error) {
	return h.Svc.Leave(ctx, u, id, iid, in.Status, in.LeftOn)
}

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums and descriptions a type cannot
// tell.
func schemas() map[string]any {
	date := map[string]any{"type": "string", "format": "date"}
	input := map[string]any{"host_type": web.Enum(HostTypes...),
		"division_code": map[string]any{"type": "string", "description": "the area served: a district (6), street (9) or community (12) code"},
		"services":      web.Arr(web.Enum(Services...)),
		"closed_on":     map[string]any{"type": "string", "description": "YYYY-MM-DD, empty while open"},
		"level":         map[string]any{"type": "string", "enum": Levels, "description": "who the base serves (default: the division's level)"},
		"late_reason":   map[string]any{"type": "string", "description": "required when opened_on or a new closed_on is more than 30 days past"}}
	base := maps.Clone(input)
	base["closed_on"] = map[string]any{"type": "string", "format": "date", "description": "absent while open"}
	room := web.SchemaOf(Room{}, nil)
	booking := web.SchemaOf(Booking{}, map[string]any{"status": web.Enum(Booked, Cancelled)})
	incubatee := web.SchemaOf(Incubatee{}, map[string]any{"status": web.Enum(Incubating, Graduated, Exited)})
	return map[string]any{
		"Base":      web.SchemaOf(Base{}, base),
		"BaseInput": web.SchemaOf(BaseInput{}, input, "name", "host_type", "division_code", "opened_on"),
		"BaseList":  web.ItemList(web.Ref("Base")),
		"BaseDetail": web.SchemaOf(Detail{}, map[string]any{"base": web.Ref("Base"), "rooms": web.Arr(room),
			"bookings": web.Arr(booking), "incubatees": web.Arr(incubatee)}),
		"Room":           room,
		"RoomInput":      web.SchemaOf(RoomInput{}, nil, "name"),
		"Booking":        booking,
		"BookingInput":   web.SchemaOf(BookingInput{}, nil, "room_id", "org_id", "starts_at", "ends_at", "purpose"),
		"Incubatee":      incubatee,
		"IncubateeInput": web.SchemaOf(IncubateeInput{}, nil, "org_id"),
		"IncubationEnd":  web.SchemaOf(leaveReq{}, map[string]any{"status": web.Enum(Graduated, Exited)}, "status"),
		"BaseCoverage":   web.SchemaOf(Coverage{}, map[string]any{"on": date}),
	}
}
