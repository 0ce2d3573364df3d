package geo

import (
	"context"
	"embed"
	"net/http"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Counter counts the organizations a user may see under each child of a
// division; declared here, implemented by the registry.
type Counter interface {
	ChildCounts(ctx context.Context, u *auth.User, code string, childLen int) (map[string]int, error)
}

// Handlers serves the division tree.
type Handlers struct {
	S      *web.Server
	Store  *Store
	Counts Counter
}

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /divisions", h.S.Page(h.rootPage))
	rt.HandleFunc("GET /divisions/{code}", h.S.Page(h.nodePage))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/divisions", Summary: "The signed-in user's scope node with its children", Tag: "divisions",
		Response: "DivisionNode"}, h.S.API(h.apiRoot))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/divisions/{code}", Summary: "A division, its children and their organization counts", Tag: "divisions",
		Response: "DivisionNode"}, h.S.API(h.apiNode))
	h.pickRoutes(rt)
	node := web.SchemaOf(CountedNode{}, map[string]any{"kind": web.Enum(Urban, Rural, Other, "")})
	rt.Schemas(map[string]any{
		"Division":     node,
		"DivisionNode": web.SchemaOf(Tree{}, map[string]any{"node": web.Ref("Division"), "path": web.Arr(web.Ref("Division")), "children": web.Arr(web.Ref("Division"))}),
	})
}

// CountedNode is a node with the number of organizations under it, and
// whether it is one of the units the plan's coverage figures count
// (Counted).
type CountedNode struct {
	Node
	OrgCount int  `json:"org_count"`
	Unit     bool `json:"unit"`
}

// Tree is a node, its path from the root and its counted children.
type Tree struct {
	Node     Node          `json:"node"`
	Path     []Node        `json:"path"`
	Children []CountedNode `json:"children"`
	OrgCount int           `json:"org_count"`
	// Units is how many of the children are units the plan's coverage
	// figures count (the denominator of a coverage at this node).
	Units int `json:"units"`
}

// tree builds a node's view for a user; outside the user's scope it is not found.
func (h *Handlers) tree(ctx context.Context, u *auth.User, code string) (*Tree, error) {
	if !u.InScope(code) {
		return nil, errs.Missing()
	}
	n, err := h.Store.Get(ctx, code)
	if err != nil {
		return nil, err
	}
	path, err := h.Store.Path(ctx, code)
	if err != nil {
		return nil, err
	}
	kids, err := h.Store.Children(ctx, code)
	if err != nil {
		return nil, err
	}
	counts, err := h.Counts.ChildCounts(ctx, u, code, ChildLen(code))
	if err != nil {
		return nil, err
	}
	t := &Tree{Node: *n, Path: path, Children: make([]CountedNode, 0, len(kids))}
	for _, k := range kids {
		c := CountedNode{Node: k, OrgCount: counts[k.Code], Unit: Counted(k.Code)}
		t.Children = append(t.Children, c)
		t.OrgCount += counts[k.Code]
		if c.Unit {
			t.Units++
		}
	}
	if len(kids) == 0 {
		own, err := h.Counts.ChildCounts(ctx, u, code, len(code))
		if err != nil {
			return nil, err
		}
		t.OrgCount = own[code]
	}
	return t, nil
}

func (h *Handlers) rootPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	http.Redirect(w, r, "/divisions/"+u.ScopeCode, http.StatusSeeOther)
}

func (h *Handlers) nodePage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	t, err := h.tree(r.Context(), u, r.PathValue("code"))
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "divisions", web.View{Title: t.Node.Name + " · " + h.S.Cat.T(i18n.FromRequest(r), "nav.divisions"), Data: t})
}

func (h *Handlers) apiRoot(w http.ResponseWriter, r *http.Request, u *auth.User) {
	t, err := h.tree(r.Context(), u, u.ScopeCode)
	h.S.Respond(w, r, http.StatusOK, t, err)
}

func (h *Handlers) apiNode(w http.ResponseWriter, r *http.Request, u *auth.User) {
	t, err := h.tree(r.Context(), u, r.PathValue("code"))
	h.S.Respond(w, r, http.StatusOK, t, err)
}
