package web

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"linli/internal/platform/errs"
)

// A NUL byte is never text anyone meant (issue 18, failure 11): PostgreSQL
// refuses it in TEXT (a 500), SQLite stores it. It is a field error at the
// edge, for every query, form and JSON body, so no room needs to check.

// nulFields adds a field error for each value holding a NUL byte.
func nulFields(v url.Values, fe errs.Fields) {
	for k, vs := range v {
		for _, s := range vs {
			if strings.IndexByte(s, 0) >= 0 || strings.IndexByte(k, 0) >= 0 {
				fe.Add(strings.ReplaceAll(k, "\x00", ""), "err.nul")
			}
		}
	}
}

// refuseNUL answers 422 for a query or a URL-encoded form with a NUL byte.
func (s *Server) refuseNUL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fe := errs.Fields{}
		if strings.Contains(r.URL.RawQuery, "%00") {
			nulFields(r.URL.Query(), fe)
		}
		if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			if err := r.ParseForm(); err == nil {
				nulFields(r.PostForm, fe)
			}
		}
		if err := fe.Err(); err != nil {
			if IsAPI(r) {
				s.JSONError(w, r, err)
			} else {
				http.Error(w, s.Cat.Msg(i18nLang(r), errs.M("err.nul")), http.StatusUnprocessableEntity)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// nulField names the first string field of a decoded JSON value holding a
// NUL byte (by its JSON name), "" if none.
func nulField(v reflect.Value, name string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return nulField(v.Elem(), name)
		}
	case reflect.String:
		if strings.IndexByte(v.String(), 0) >= 0 {
			return name
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			n := f.Name
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" && tag != "-" {
				n = tag
			}
			if got := nulField(v.Field(i), n); got != "" {
				return got
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if got := nulField(v.Index(i), name); got != "" {
				return got
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			kn := name
			if k.Kind() == reflect.String {
				kn = k.String()
			}
			if got := nulField(v.MapIndex(k), kn); got != "" {
				return got
			}
			if k.Kind() == reflect.String && strings.IndexByte(k.String(), 0) >= 0 {
				return strings.ReplaceAll(kn, "\x00", "")
			}
		}
	}
	return ""
}
