// Package i18n holds the message catalogs: Chinese (zh-CN) by default,
// English available. Each capability package contributes its own messages.
package i18n

import (
	"fmt"
	"net/http"
	"strings"

	"linli/internal/platform/errs"
)

// Languages.
const (
	ZH = "zh-CN"
	EN = "en"
)

// Langs lists the supported languages, default first.
var Langs = []string{ZH, EN}

// Messages maps a key to its text in each language: key → lang → text.
type Messages map[string]map[string]string

// Catalog is the merged catalog of every package.
type Catalog struct{ m map[string]map[string]string }

// New merges message sets; a later set overrides an earlier one.
func New(sets ...Messages) *Catalog {
	c := &Catalog{m: map[string]map[string]string{}}
	for _, s := range sets {
		for k, v := range s {
			c.m[k] = v
		}
	}
	return c
}

// T translates a key with fmt-style arguments; an unknown key is returned as is.
func (c *Catalog) T(lang, key string, args ...any) string {
	texts, ok := c.m[key]
	if !ok {
		if len(args) > 0 {
			return fmt.Sprintf(key, args...)
		}
		return key
	}
	s, ok := texts[lang]
	if !ok {
		s = texts[ZH]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether the catalog knows a key.
func (c *Catalog) Has(key string) bool { _, ok := c.m[key]; return ok }

// Msg translates an application message.
func (c *Catalog) Msg(lang string, m errs.Msg) string { return c.T(lang, m.Key, m.Args...) }

// Keys returns every key (for tests that check both languages are present).
func (c *Catalog) Keys() []string {
	out := make([]string, 0, len(c.m))
	for k := range c.m {
		out = append(out, k)
	}
	return out
}

// Missing lists keys that lack a text in some language.
func (c *Catalog) Missing() []string {
	var out []string
	for k, v := range c.m {
		for _, l := range Langs {
			if v[l] == "" {
				out = append(out, k+"@"+l)
			}
		}
	}
	return out
}

// CookieName holds the user's chosen language.
const CookieName = "lang"

// FromRequest picks the language: ?lang=, then the cookie, then Chinese.
// Pages are Chinese unless the user chooses English; the JSON API also
// honours Accept-Language, for integrations.
func FromRequest(r *http.Request) string {
	if l := pick(r.URL.Query().Get("lang")); l != "" {
		return l
	}
	if c, err := r.Cookie(CookieName); err == nil {
		if l := pick(c.Value); l != "" {
			return l
		}
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		return ZH
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return ZH
		case strings.HasPrefix(tag, "en"):
			return EN
		}
	}
	return ZH
}

func pick(s string) string {
	switch strings.ToLower(s) {
	case "zh", "zh-cn":
		return ZH
	case "en", "en-us", "en-gb":
		return EN
	}
	return ""
}
