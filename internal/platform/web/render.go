package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
)

//go:embed templates/*.html
var baseTemplates embed.FS

// Renderer holds every page, parsed once per language so that `t` is bound
// to the language at parse time.
type Renderer struct {
	cat   *i18n.Catalog
	pages map[string]map[string]*template.Template // lang → name → template
	// Place names a division code for the pages' "place" function (the
	// code itself when nil or unknown): pages show names, not codes.
	Place func(code string) string
}

// Templates is one capability's template folder: pages and "_" partials.
type Templates struct {
	FS  fs.FS
	Dir string
}

// NewRenderer parses the layout with every page of every capability.
func NewRenderer(cat *i18n.Catalog, sets ...Templates) (*Renderer, error) {
	r := &Renderer{cat: cat, pages: map[string]map[string]*template.Template{}}
	sets = append([]Templates{{FS: baseTemplates, Dir: "templates"}}, sets...)
	for _, lang := range i18n.Langs {
		base, err := template.New("layout").Funcs(r.funcs(lang)).ParseFS(baseTemplates, "templates/_*.html")
		if err != nil {
			return nil, fmt.Errorf("web: layout: %w", err)
		}
		r.pages[lang] = map[string]*template.Template{}
		for _, set := range sets {
			if err := r.parseSet(lang, base, set); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

func (r *Renderer) parseSet(lang string, base *template.Template, set Templates) error {
	files, err := fs.Glob(set.FS, path.Join(set.Dir, "*.html"))
	if err != nil {
		return fmt.Errorf("web: templates: %w", err)
	}
	var partials []string
	for _, f := range files {
		if strings.HasPrefix(path.Base(f), "_") {
			partials = append(partials, f)
		}
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		if _, dup := r.pages[lang][name]; dup {
			return fmt.Errorf("web: two pages named %q", name)
		}
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if t, err = t.ParseFS(set.FS, append(slices.Clone(partials), f)...); err != nil {
			return fmt.Errorf("web: parse %s: %w", f, err)
		}
		r.pages[lang][name] = t
	}
	return nil
}

// View is what every page template receives.
type View struct {
	Lang    string
	User    *auth.User
	Path    string
	Query   url.Values
	Title   string
	Flash   string
	Demo    bool
	Data    any
	Errors  map[string]string
	Message string
}

// Render writes a page with a status.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, status int, name string, v View) {
	b, err := s.RenderBytes(r, name, v)
	if err != nil {
		LoggerFrom(r.Context()).Error("render", "page", name, "err", err)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	WriteHTML(w, status, b)
}

// RenderBytes makes a page for a request without writing it: for a
// handler that keeps a finished page (the public portal's places).
func (s *Server) RenderBytes(r *http.Request, name string, v View) ([]byte, error) {
	v.Lang = i18n.FromRequest(r)
	v.User = auth.UserFrom(r.Context())
	v.Path = r.URL.Path
	v.Query = r.URL.Query()
	v.Demo = s.Demo
	if v.Flash == "" {
		v.Flash = r.URL.Query().Get("flash")
	}
	t, ok := s.R.pages[v.Lang][name]
	if !ok {
		return nil, fmt.Errorf("no template %s", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// WriteHTML writes a finished page.
func WriteHTML(w http.ResponseWriter, status int, page []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(page)
}

// Error answers an error as JSON under /api/ (a handler both serve, such
// as a file download), as a page elsewhere.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	if IsAPI(r) {
		s.JSONError(w, r, err)
		return
	}
	s.PageError(w, r, err)
}

// PageError renders an error page with the error's status, or sends a
// signed-out visitor to the sign-in page.
func (s *Server) PageError(w http.ResponseWriter, r *http.Request, err error) {
	e := asError(r, err)
	RetryAfter(w, e)
	if e.Code == errs.Unauthenticated {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	lang := i18n.FromRequest(r)
	s.Render(w, r, StatusOf(e.Code), "error", View{Title: strconv.Itoa(StatusOf(e.Code)), Message: s.Cat.Msg(lang, e.Message)})
}

// Fixable reports whether err refuses input the user can fix on the form
// that sent it (invalid or conflicting input): the refusals FieldErrors
// translates and Refill shows beside the fields.
func Fixable(err error) bool {
	switch errs.Code(err) {
	case errs.Invalid, errs.Conflict:
		return true
	}
	return false
}

// FieldErrors translates a refusal's field messages for a form ("_" for
// its message when it names no field); ok is false for an error that is
// not Fixable.
func (s *Server) FieldErrors(r *http.Request, err error) (map[string]string, bool) {
	e, ok := errs.As(err)
	if !ok || !Fixable(err) {
		return nil, false
	}
	lang := i18n.FromRequest(r)
	out := map[string]string{}
	for f, m := range e.Fields {
		out[f] = s.Cat.Msg(lang, m)
	}
	if len(out) == 0 {
		out["_"] = s.Cat.Msg(lang, e.Message)
	}
	return out, true
}

// FieldMessage is a refused form's messages in one line, for a page that
// shows them apart from the form (an inbox, an error page): each field's
// message in the request's language, sorted, so that the same refusal
// always reads the same, joined by the language's separator. ok is false
// for an error that refuses no input (FieldErrors).
func (s *Server) FieldMessage(r *http.Request, err error) (string, bool) {
	fe, ok := s.FieldErrors(r, err)
	if !ok {
		return "", false
	}
	msgs := make([]string, 0, len(fe))
	for _, m := range fe {
		msgs = append(msgs, m)
	}
	slices.Sort(msgs)
	sep := "; "
	if i18n.FromRequest(r) == i18n.ZH {
		sep = "；"
	}
	return strings.Join(msgs, sep), true
}

// RefusalPage answers a form posted from a page that does not show its
// refusals beside the fields: a refusal's messages in one line
// (FieldMessage) on the error page titled by the key title, with the
// refusal's status; any other error is the error page.
func (s *Server) RefusalPage(w http.ResponseWriter, r *http.Request, err error, title string) {
	s.RefillLine(w, r, err, func(status int, msg string) {
		s.Render(w, r, status, "error", View{Title: s.T(r, title), Message: msg})
	})
}

// DoneLine ends a form's POST on a page that shows a refusal in one line
// (an inbox, a list of forms): the change made (err nil) goes on with a
// 303 to next; otherwise RefillLine.
func (s *Server) DoneLine(w http.ResponseWriter, r *http.Request, err error, next string, again func(status int, msg string)) {
	if err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.RefillLine(w, r, err, again)
}

// RefillLine is Refill for a page that shows a refusal in one line
// rather than beside the fields (an inbox, a list of forms): the
// refusal's messages in one line (FieldMessage) through again, at the
// refusal's status (StatusOf); anything else is the error page.
func (s *Server) RefillLine(w http.ResponseWriter, r *http.Request, err error, again func(status int, msg string)) {
	if msg, ok := s.FieldMessage(r, err); ok {
		again(StatusOf(errs.Code(err)), msg)
		return
	}
	s.PageError(w, r, err)
}

func (r *Renderer) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":   func(key string, args ...any) string { return r.cat.T(lang, key, args...) },
		"has": func(xs []string, s string) bool { return slices.Contains(xs, s) },
		"add": func(a, b int) int { return a + b },
		"sub": func(a, b int) int { return a - b },
		"pages": func(total, per int) int {
			if per <= 0 {
				return 1
			}
			return max(1, (total+per-1)/per)
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return clock.Minutes(t)
		},
		// setq returns the current query with one key set (or removed when v is "").
		"setq": func(q url.Values, k string, v any) string {
			c := url.Values{}
			for key, vals := range q {
				c[key] = slices.Clone(vals)
			}
			if s := fmt.Sprint(v); s == "" {
				c.Del(k)
			} else {
				c.Set(k, s)
			}
			return "?" + c.Encode()
		},
		// place is a division's name: {{place .CommunityCode}}
		"place": func(code string) string {
			if r.Place == nil || code == "" {
				return code
			}
			return r.Place(code)
		},
		"lang": func() string { return lang },
		"otherLang": func() string {
			if lang == i18n.ZH {
				return "en"
			}
			return "zh-CN"
		},
	}
}
