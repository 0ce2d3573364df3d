package account

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/pick"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

// The create-account form names the account's place and organization, not
// their codes: two searchable pickers under /api/v1/users (the paths the
// security administrator, who sees no business data, may use), each
// offering only names within the administrator's own scope. Without script
// a typed name is resolved the same way (pick.Resolve).

// Places is the division hierarchy as the place picker searches it.
type Places interface {
	Pick(ctx context.Context, within, q string) ([]pick.Item, error)
	Names(ctx context.Context, codes []string) (map[string]string, error)
}

func (h *Handlers) pickRoutes(rt *web.Router) {
	q := []web.Param{{Name: "q", Description: "any part of the name"}}
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/users/places", Summary: "Places for an account's scope: divisions within the administrator's scope by name, at most 20 (account administrators only)",
		Tag: "users", Query: q, Response: "PlaceChoices"}, h.S.API(h.apiPlaces))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/users/orgs", Summary: "Organizations for a leader's or hub staff's account: names within the administrator's scope, at most 20 (account administrators only)",
		Tag: "users", Query: q, Response: "PlaceChoices"}, h.S.API(h.apiOrgs))
	rt.Schemas(map[string]any{"PlaceChoices": web.Obj(map[string]any{"items": web.Arr(web.SchemaOf(pick.Item{}, nil))}, "items")})
}

func (h *Handlers) apiPlaces(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !u.CanManageUsers() || h.Places == nil {
		h.S.JSONError(w, r, errs.E(errs.Forbidden, "err.forbidden"))
		return
	}
	items, err := h.Places.Pick(r.Context(), u.ScopeCode, r.URL.Query().Get("q"))
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": items}, err)
}

func (h *Handlers) apiOrgs(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !u.CanManageUsers() || h.Orgs == nil {
		h.S.JSONError(w, r, errs.E(errs.Forbidden, "err.forbidden"))
		return
	}
	cs, err := registry.Pick(r.Context(), h.Orgs, u, registry.PickFilter{Q: r.URL.Query().Get("q"), Live: true})
	items := make([]pick.Item, len(cs))
	for i, c := range cs {
		items[i] = pick.Item{ID: c.ID, Name: c.Name, Value: c.Value, Place: c.CommunityCode}
	}
	if err == nil && h.Places != nil {
		codes := make([]string, len(cs))
		for i, c := range cs {
			codes[i] = c.CommunityCode
		}
		var names map[string]string
		if names, err = h.Places.Names(r.Context(), codes); err == nil {
			for i := range items {
				if n := names[items[i].Place]; n != "" {
					items[i].Place = n
				}
			}
		}
	}
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": items}, err)
}

// scopeOf reads the form's place: a code as is, else a name within the
// administrator's scope.
func (h *Handlers) scopeOf(ctx context.Context, u *auth.User, text string) (string, error) {
	text = strings.TrimSpace(text)
	if h.Places == nil || text == "" {
		return text, nil
	}
	code, err := pick.Resolve(ctx, "scope_code", text, func(ctx context.Context, q string) ([]pick.Item, error) {
		return h.Places.Pick(ctx, u.ScopeCode, q)
	}, geo.PlaceWords)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(code, 10), nil
}

// orgOf reads the form's organization: "name #id", an id, or a name within
// the administrator's scope; none when empty.
func (h *Handlers) orgOf(ctx context.Context, u *auth.User, text string) (int64, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, nil
	}
	if h.Orgs == nil {
		id, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return 0, pick.FieldErr("org_id", errs.M("err.bad_number"))
		}
		return id, nil
	}
	return registry.Resolve(ctx, h.Orgs, u, "org_id", text, registry.PickFilter{Live: true})
}
