package geo

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/pick"
	"linli/internal/platform/web"
)

// The place picker: every form that names a community (a demonstration
// point, an activity, a pilot, a civic case) or a street to look within is
// a plain text input carrying a name, "街道 · 社区", "name #code" or the
// 12-digit code. With script (static/app.js, input[data-pick]) it fills a
// <datalist> from GET /api/v1/places/pick; without script the server
// resolves the typed name within the user's own scope (ResolvePlace).

// PlaceWords are what a place picker says of a name that fits no place or
// several (the account form's messages, shared by every place field).
var PlaceWords = pick.Words{None: "users.err.place_none", Many: "users.err.place_many"}

// Levels a picker may be limited to.
var pickLevels = map[string]int{"": 0, "district": District, "street": Street, "community": Community}

func (h *Handlers) pickRoutes(rt *web.Router) {
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/places/pick", Summary: "The place picker: divisions within the user's own scope whose name contains q, at most 20, the exact name first (value is \"name #code\", place the parent's name)",
		Tag: "divisions", Query: []web.Param{{Name: "q", Description: "any part of the name"}, {Name: "level", Description: "community, street or district; every level when empty"}},
		Response: "PlacePicks"}, h.S.API(h.apiPick))
	rt.Schemas(map[string]any{"PlacePicks": web.Obj(map[string]any{"items": web.Arr(web.SchemaOf(pick.Item{}, nil))}, "items")})
}

func (h *Handlers) apiPick(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	level, ok := pickLevels[q.Get("level")]
	if !ok {
		h.S.JSONError(w, r, pick.FieldErr("level", errs.M("err.unknown_value", q.Get("level"))))
		return
	}
	items, err := PickFor(r.Context(), h.Store, u, q.Get("q"), level)
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": items}, err)
}

// Picker is the search a place picker needs (the Store).
type Picker interface {
	PickAt(ctx context.Context, within, q string, level int) ([]pick.Item, error)
}

// PickFor searches the places within the user's own scope; a user without
// a scope finds none.
func PickFor(ctx context.Context, p Picker, u *auth.User, q string, level int) ([]pick.Item, error) {
	if u == nil || u.ScopeCode == "" {
		return []pick.Item{}, nil
	}
	return p.PickAt(ctx, u.ScopeCode, q, level)
}

// ResolvePlace reads a place picker field: "name #code" or a bare code
// gives the code (the room's own rules then check scope and level); a
// name, or "parent · name", is looked up within the user's scope at the
// level, the exact name first. No match, or several, is a field error
// naming the candidates. An empty field is "".
func ResolvePlace(ctx context.Context, p Picker, u *auth.User, field, text string, level int) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", nil
	}
	parent, name := "", text
	if i := strings.LastIndex(text, "·"); i >= 0 && !strings.Contains(text, "#") {
		parent, name = strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+len("·"):])
	}
	id, err := pick.Resolve(ctx, field, name, func(ctx context.Context, q string) ([]pick.Item, error) {
		items, err := PickFor(ctx, p, u, q, level)
		if err != nil || parent == "" {
			return items, err
		}
		kept := items[:0]
		for _, it := range items {
			if it.Place == parent {
				kept = append(kept, it)
			}
		}
		return kept, nil
	}, PlaceWords)
	if err != nil {
		return "", err
	}
	code := strconv.FormatInt(id, 10)
	if lv := LevelOf(code); lv == 0 {
		return "", pick.FieldErr(field, errs.M(PlaceWords.None, text))
	}
	return code, nil
}

// PlaceText is a place as a picker field shows it: "name #code"; the code
// alone when it has no name.
func PlaceText(ctx context.Context, n Names, code string) string {
	code = strings.TrimSpace(code)
	if n == nil || LevelOf(code) == 0 {
		return code
	}
	names, err := n.Names(ctx, []string{code})
	if err != nil || names[code] == "" {
		return code
	}
	id, _ := strconv.ParseInt(code, 10, 64)
	return pick.Value(names[code], id)
}

// Names is the name lookup PlaceText needs (the Store).
type Names interface {
	Names(ctx context.Context, codes []string) (map[string]string, error)
}

// Check is the rule for a division code a form names as a unit of one
// level: it must name a division (err.unknown_division), of that level
// (levelMsg, the room's own words for the level it wants), inside the
// user's scope (err.outside_scope). The first reason that applies is
// added to f under field and the division is nil; otherwise the division
// is returned. err is only a failed lookup.
func (s *Store) Check(ctx context.Context, u *auth.User, f errs.Fields, field, code string, level int, levelMsg string) (*Node, error) {
	n, err := s.Get(ctx, code)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	found := err == nil
	if !Unit(f, field, found, found && n.Level == level, found && u.InScope(n.Code), levelMsg) {
		return nil, nil
	}
	return n, nil
}

// Unit is Check's rule once the code is looked up, for a room whose rules
// are pure (its service looks the code up) or that takes a unit of more
// than one level or by a narrower scope: the code must name a division
// (exists, else err.unknown_division), of a level the room takes (levelOK,
// else levelMsg), that the user may act for (mayAct, else
// err.outside_scope). The first reason that applies is added to f under
// field, in that order in every room; true when none does.
func Unit(f errs.Fields, field string, exists, levelOK, mayAct bool, levelMsg string) bool {
	switch {
	case !exists:
		f.Add(field, "err.unknown_division")
	case !levelOK:
		f.Add(field, levelMsg)
	case !mayAct:
		f.Add(field, "err.outside_scope")
	default:
		return true
	}
	return false
}
