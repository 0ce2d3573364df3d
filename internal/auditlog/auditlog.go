// Package auditlog is the reading side of the audit log: a page and an API
// for auditors and administrators, filtered by user, object and time, within
// the reader's scope. It changes nothing.
package auditlog

import (
	"context"
	"embed"
	_ "embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

//go:embed messages.json
var messagesJSON []byte

// Messages are this package's texts.
var Messages = i18n.MustLoad("auditlog/messages.json", messagesJSON)

// Handlers serves the audit log.
type Handlers web.Room[*Service]

// Service reads the audit log for a reader: whether the reader may, and
// which part, are decided here, not by the handlers.
type Service struct {
	DB *db.DB
}

// List returns the rows of f the user may read, newest first: only
// auditors and district officers read the log, and only within their
// scope; f.Scope narrows it to a division (empty: the whole scope), and a
// division outside the scope reads nothing.
func (s *Service) List(ctx context.Context, u *auth.User, f audit.Filter) ([]audit.Row, error) {
	if !u.CanReadAudit() {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	scope, ok := u.Narrow(f.Scope)
	if !ok {
		return []audit.Row{}, nil
	}
	f.Scope = scope
	rows, err := audit.List(ctx, s.DB.Read, f)
	if rows == nil {
		rows = []audit.Row{}
	}
	return rows, err
}

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /audit", h.S.Page(h.page))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/audit", Summary: "Audit rows in scope, newest first", Tag: "audit",
		Query: []web.Param{{Name: "within", Description: "a division code inside your scope"}, {Name: "username"}, {Name: "object_type"}, {Name: "object_id"},
			{Name: "from", Description: "YYYY-MM-DD"}, {Name: "to", Description: "YYYY-MM-DD, inclusive"},
			{Name: "before", Type: "integer", Description: "rows before this seq (paging)"}, {Name: "limit", Type: "integer"}},
		Response: "AuditPage"}, h.S.API(h.api))
	rt.Schemas(map[string]any{
		"AuditRow":  web.SchemaOf(audit.Row{}, map[string]any{"detail": map[string]any{"type": "object"}}),
		"AuditPage": web.ItemList(web.Ref("AuditRow")),
	})
}

// filter reads the query; dates are whole days in China time.
func filter(u *auth.User, q url.Values) (audit.Filter, error) {
	fe := errs.Fields{}
	f := audit.Filter{Scope: strings.TrimSpace(q.Get("within")), Username: strings.TrimSpace(q.Get("username")),
		ObjectType: strings.TrimSpace(q.Get("object_type")), ObjectID: strings.TrimSpace(q.Get("object_id"))}
	day := func(name string) time.Time {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}
		}
		t, err := clock.Parse(time.DateOnly, v)
		if err != nil {
			fe.Add(name, "err.date_format")
		}
		return t
	}
	f.From = day("from")
	if to := day("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	for name, dst := range map[string]*int64{"before": &f.BeforeSeq} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				fe.Add(name, "err.bad_number")
			}
			*dst = n
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fe.Add("limit", "err.bad_number")
		}
		f.Limit = n
	}
	return f, fe.Err()
}

func (h *Handlers) rows(r *http.Request, u *auth.User) ([]audit.Row, audit.Filter, error) {
	f, err := filter(u, r.URL.Query())
	if err != nil {
		return nil, f, err
	}
	rows, err := h.Svc.List(r.Context(), u, f)
	return rows, f, err
}

type pageData struct {
	Rows   []View
	Before int64
}

func (h *Handlers) page(w http.ResponseWriter, r *http.Request, u *auth.User) {
	rows, f, err := h.rows(r, u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	label := func(key string) (string, bool) {
		if !h.S.Cat.Has(key) {
			return "", false
		}
		return h.S.Cat.T(lang, key, []any{}...), true
	}
	d := pageData{Rows: make([]View, 0, len(rows))}
	for _, row := range rows {
		d.Rows = append(d.Rows, describe(label, row))
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	if len(rows) == limit {
		d.Before = rows[len(rows)-1].Seq
	}
	h.S.Render(w, r, http.StatusOK, "audit", web.View{Title: h.S.Cat.T(lang, "audit.title"), Data: d})
}

func (h *Handlers) api(w http.ResponseWriter, r *http.Request, u *auth.User) {
	rows, _, err := h.rows(r, u)
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": rows}, err)
}
