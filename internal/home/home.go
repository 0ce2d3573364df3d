// Package home is the signed-in home page (工作台): each role's work waiting
// (待办), gathered from the rooms that hold it, and the numbers of the
// user's place; and its API twin, GET /api/v1/me/tasks.
package home

import (
	"context"
	"embed"
	_ "embed"
	"net/http"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Summaries is what the page's numbers read.
type Summaries interface {
	Summarize(ctx context.Context, u *auth.User, within string) (*registry.Summary, error)
}

// Paths names the user's place.
type Paths interface {
	Path(ctx context.Context, code string) ([]geo.Node, error)
}

// Handlers serves the home page and the tasks API.
type Handlers struct {
	S     *web.Server
	Sum   Summaries
	Geo   Paths
	Board *Board
	// Anonymous serves / to a visitor who is not signed in (the public
	// portal); nil sends them to sign in.
	Anonymous http.HandlerFunc
}

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /{$}", h.root)
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/me/tasks", Summary: "The signed-in user's work waiting (待办), with counts and links",
		Tag: "home", Response: "TaskList"}, h.S.API(h.api))
	rt.Schemas(map[string]any{
		"Task":     web.SchemaOf(Task{}, nil),
		"TaskList": web.ItemList(web.Ref("Task")),
	})
}

// root is the signed-in home page, or the public portal for a visitor.
func (h *Handlers) root(w http.ResponseWriter, r *http.Request) {
	if h.Anonymous != nil && auth.UserFrom(r.Context()) == nil {
		h.Anonymous(w, r)
		return
	}
	h.S.Page(h.page)(w, r)
}

// tasks lists the user's tasks, labelled in the request's language.
func (h *Handlers) tasks(r *http.Request, u *auth.User) ([]Task, error) {
	ts, err := h.Board.For(r.Context(), u)
	if err != nil {
		return nil, err
	}
	lang := i18n.FromRequest(r)
	for i := range ts {
		ts[i].Label = h.S.Cat.T(lang, "task."+ts[i].Key, []any{}...)
	}
	return ts, nil
}

type pageData struct {
	Tasks   []Task
	Summary *registry.Summary
	Path    []geo.Node
	Leader  bool
}

func (h *Handlers) page(w http.ResponseWriter, r *http.Request, u *auth.User) {
	ts, err := h.tasks(r, u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := pageData{Tasks: ts, Leader: u.OwnOrgOnly()}
	if !d.Leader {
		if d.Summary, err = h.Sum.Summarize(r.Context(), u, ""); err != nil {
			h.S.PageError(w, r, err)
			return
		}
	}
	if d.Path, err = h.Geo.Path(r.Context(), u.ScopeCode); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "home", web.View{Title: h.S.Cat.T(i18n.FromRequest(r), "home.title"), Data: d})
}

func (h *Handlers) api(w http.ResponseWriter, r *http.Request, u *auth.User) {
	ts, err := h.tasks(r, u)
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": ts}, err)
}

//go:embed messages.json
var messagesJSON []byte

// Messages are this package's texts.
var Messages = i18n.MustLoad("home/messages.json", messagesJSON)
