package registry

import (
	"context"
	"net/http"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/pick"
	"linli/internal/platform/web"
)

// The organization picker: one searchable field used by every form that
// names an organization (designating a hub, taking one into custody,
// booking a room, entering an incubatee, a base's operator). The field
// is a plain text input carrying a name (or "name #id"); without script it
// still works, the server resolving the name within the user's scope. With
// script (static/app.js, input[data-pick]) it fills a <datalist> from
// GET /api/v1/orgs/pick as the user types, through the registry's Chinese
// and pinyin search, ranked by relevance: a search narrows, no list is cut
// at a fixed length.

// PickLimit is how many choices one keystroke offers.
const PickLimit = pick.Limit

// Lister is what the picker needs from the registry (the Service, or a
// capability's narrower interface over it).
type Lister interface {
	List(ctx context.Context, u *auth.User, f Filter) (*Page, error)
}

// Choice is one organization offered by the picker.
type Choice struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	CommunityCode string `json:"community_code"`
	Place         string `json:"place,omitempty"`
	Status        string `json:"status"`
	// Value is what the field holds once chosen: the name and the id, so
	// that two organizations of one name stay apart.
	Value string `json:"value"`
}

// PickFilter narrows the picker: below a division, one status, hubs in or
// out, deregistered organizations out.
type PickFilter struct {
	Q, Within, Status string
	// Hub: "1" hubs only, "0" no hubs, "" either.
	Hub string
	// Live leaves deregistered organizations out.
	Live bool
}

// PickValue is a chosen organization as the field holds it.
func PickValue(name string, id int64) string { return pick.Value(name, id) }

func (f PickFilter) keep(o *Org) bool {
	switch {
	case f.Hub == "0" && o.Hub, f.Hub == "1" && !o.Hub:
		return false
	case f.Live && o.Status == StatusDeregistered:
		return false
	}
	return true
}

// Pick lists up to PickLimit organizations in the user's scope that match
// the search, best first.
func Pick(ctx context.Context, l Lister, u *auth.User, f PickFilter) ([]Choice, error) {
	lf := Filter{Q: strings.TrimSpace(f.Q), Within: f.Within, Status: f.Status, PerPage: PickLimit * 2}
	if lf.Q == "" {
		lf.Sort = "name"
	}
	p, err := l.List(ctx, u, lf)
	if err != nil {
		return nil, err
	}
	out := []Choice{}
	for _, o := range p.Items {
		if !f.keep(o) {
			continue
		}
		out = append(out, Choice{ID: o.ID, Name: o.Name, CommunityCode: o.CommunityCode, Status: o.Status,
			Value: PickValue(o.Name, o.ID)})
		if len(out) == PickLimit {
			break
		}
	}
	return out, nil
}

// Resolve reads a picker field (pick.Resolve): "name #id" or a bare id
// gives the id (the capability's own rules then check scope and state); a
// name is looked up in the user's scope (and f), an exact name first. No
// match, or several, is a field error naming the candidates.
func Resolve(ctx context.Context, l Lister, u *auth.User, field, text string, f PickFilter) (int64, error) {
	return pick.Resolve(ctx, field, text, func(ctx context.Context, q string) ([]pick.Item, error) {
		f.Q = q
		cs, err := Pick(ctx, l, u, f)
		if err != nil {
			return nil, err
		}
		out := make([]pick.Item, len(cs))
		for i, c := range cs {
			out[i] = pick.Item{ID: c.ID, Name: c.Name, Value: c.Value}
		}
		return out, nil
	}, pick.Words{None: "err.pick_none", Many: "err.pick_many"})
}

func fieldErr(field string, m errs.Msg) error { return pick.FieldErr(field, m) }

// apiPick serves the picker: GET /api/v1/orgs/pick?q=&within=&status=&hub=&live=
func (h *Handlers) apiPick(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	f := PickFilter{Q: q.Get("q"), Within: strings.TrimSpace(q.Get("within")), Status: q.Get("status"),
		Hub: q.Get("hub"), Live: q.Get("live") == "1"}
	if f.Status != "" && indexOf(Statuses, f.Status) < 0 {
		h.S.JSONError(w, r, fieldErr("status", errs.M("err.unknown_value", f.Status)))
		return
	}
	cs, err := Pick(r.Context(), h.Svc, u, f)
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	if h.S.R != nil && h.S.R.Place != nil {
		for i := range cs {
			cs[i].Place = h.S.R.Place(cs[i].CommunityCode)
		}
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": cs})
}
