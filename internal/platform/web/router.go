package web

import (
	"io/fs"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Router is a ServeMux that remembers every pattern, and documents the JSON
// API routes so the OpenAPI document is built from the routes themselves.
type Router struct {
	Mux      *http.ServeMux
	patterns []string
	docs     []Doc
	schemas  map[string]any
	// clashes are schema names two rooms defined differently (the later
	// one wins in the document; SchemaClashes lists them for a test).
	clashes []string
	// residents are the patterns a resident may use (ForResidents, or a
	// Doc that is Public or Resident); every other route is not found to one.
	residents map[string]bool
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	return &Router{Mux: http.NewServeMux(), schemas: map[string]any{}}
}

// Param documents a query parameter.
type Param struct {
	Name, Type, Description string
}

// Doc documents one API route.
type Doc struct {
	Method, Path string
	Summary      string
	Tag          string
	Body         string // schema name of the request body; "multipart" for uploads
	Response     string // schema name of the success body; "" for none
	Status       int    // success status; 200 if 0
	Query        []Param
	Public       bool // no sign-in needed
	Resident     bool // open to a resident account
}

// Handle registers a page or asset route.
func (rt *Router) Handle(pattern string, h http.Handler) {
	rt.patterns = append(rt.patterns, pattern)
	rt.Mux.Handle(pattern, h)
}

// HandleFunc registers a page route.
func (rt *Router) HandleFunc(pattern string, h http.HandlerFunc) { rt.Handle(pattern, h) }

// Assets serves a room's embedded folder dir under prefix (such as
// "/static/kpi/"), cached for a day.
func (rt *Router) Assets(prefix string, fsys fs.FS, dir string) {
	sub, _ := fs.Sub(fsys, dir)
	files := http.StripPrefix(prefix, http.FileServerFS(sub))
	rt.Handle("GET "+prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	}))
}

// API registers a documented JSON route.
func (rt *Router) API(d Doc, h http.HandlerFunc) {
	rt.docs = append(rt.docs, d)
	rt.Handle(d.Method+" "+d.Path, h)
	if d.Public || d.Resident {
		rt.ForResidents(d.Method + " " + d.Path)
	}
}

// residentPatterns are the shared routes open to a resident: signing in and
// out, their own account, assets and the public pages.
var residentPatterns = []string{"GET /login", "POST /login", "POST /logout", "POST /api/v1/session",
	"DELETE /api/v1/session", "GET /api/v1/me", "GET /healthz", "GET /static/"}

// ForResidents opens registered patterns to resident accounts.
func (rt *Router) ForResidents(patterns ...string) {
	if rt.residents == nil {
		rt.residents = map[string]bool{}
	}
	for _, p := range patterns {
		rt.residents[p] = true
	}
}

// ResidentMay reports whether a resident may use a route pattern: the shared
// ones, those opened with ForResidents, and every public page (/p/, /public/).
func (rt *Router) ResidentMay(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return rt.residents[pattern] || slices.Contains(residentPatterns, pattern) ||
		strings.HasPrefix(path, "/p/") || strings.HasPrefix(path, "/public/") || strings.HasPrefix(path, "/api/v1/public/")
}

// Schemas adds named JSON schemas for the OpenAPI document.
func (rt *Router) Schemas(m map[string]any) {
	for k, v := range m {
		if old, ok := rt.schemas[k]; ok && !reflect.DeepEqual(old, v) {
			rt.clashes = append(rt.clashes, k)
		}
		rt.schemas[k] = v
	}
}

// SchemaClashes lists the schema names registered twice with different
// definitions: one room's answer documented with another room's schema.
func (rt *Router) SchemaClashes() []string { return append([]string(nil), rt.clashes...) }

// Patterns returns every registered pattern.
func (rt *Router) Patterns() []string { return append([]string(nil), rt.patterns...) }

var pathParam = regexp.MustCompile(`\{([a-z_]+)\.{0,3}\}`)

// OpenAPI builds the OpenAPI 3 document of the documented routes.
func (rt *Router) OpenAPI(title, version string) map[string]any {
	paths := map[string]any{}
	docs := append([]Doc(nil), rt.docs...)
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Path < docs[j].Path })
	for _, d := range docs {
		item, _ := paths[d.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[d.Path] = item
		}
		op := map[string]any{"summary": d.Summary, "tags": []string{d.Tag},
			"operationId": strings.ToLower(d.Method) + strings.NewReplacer("/", "_", "{", "", "}", "", ".", "_").Replace(d.Path)}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(d.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range d.Query {
			t := q.Type
			if t == "" {
				t = "string"
			}
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": map[string]any{"type": t}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		switch d.Body {
		case "":
		case "multipart":
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object"}}}}
		default:
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(d.Body)}}}
		}
		status := d.Status
		if status == 0 {
			status = 200
		}
		ok := map[string]any{"description": "OK"}
		if d.Response != "" {
			ct := "application/json"
			if strings.HasSuffix(d.Response, ".xlsx") {
				ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			}
			ok["content"] = map[string]any{ct: map[string]any{"schema": ref(d.Response)}}
		}
		errResp := map[string]any{"description": "Error", "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
		responses := map[string]any{itoa(status): ok, "default": errResp}
		op["responses"] = responses
		if d.Public {
			op["security"] = []any{}
		}
		item[strings.ToLower(d.Method)] = op
	}
	schemas := map[string]any{"Error": map[string]any{"type": "object", "properties": map[string]any{
		"error": map[string]any{"type": "object", "properties": map[string]any{
			"code":    map[string]any{"type": "string", "enum": []string{"invalid", "not_found", "forbidden", "conflict", "unauthenticated", "internal"}},
			"message": map[string]any{"type": "string"},
			"fields":  map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
		}}}}}
	for k, v := range rt.schemas {
		schemas[k] = v
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": title, "version": version},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
			},
		},
		"security": []any{map[string]any{"session": []any{}}, map[string]any{"bearer": []any{}}},
	}
}

func ref(name string) map[string]any {
	if strings.HasSuffix(name, ".xlsx") || name == "binary" {
		return map[string]any{"type": "string", "format": "binary"}
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func itoa(n int) string { return strconv.Itoa(n) }

// Schema helpers for the packages' OpenAPI schemas.

// Obj is an object schema with properties.
func Obj(props map[string]any, required ...string) map[string]any {
	m := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		m["required"] = required
	}
	return m
}

// Str, Int, Bool, Arr and Ref are property schemas.
func Str() map[string]any                     { return map[string]any{"type": "string"} }
func Int() map[string]any                     { return map[string]any{"type": "integer"} }
func Bool() map[string]any                    { return map[string]any{"type": "boolean"} }
func Arr(items map[string]any) map[string]any { return map[string]any{"type": "array", "items": items} }
func Ref(name string) map[string]any          { return ref(name) }
func Enum(vals ...string) map[string]any      { return map[string]any{"type": "string", "enum": vals} }

// ItemList is the schema of a list answered as {"items": [...]}.
func ItemList(item map[string]any) map[string]any { return Obj(map[string]any{"items": Arr(item)}) }
