package activity

import (
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
)

// Translate fills the report's messages in a language (a message naming
// another, the volunteer's refusal, is translated inside).
func (r *ImportReport) Translate(cat *i18n.Catalog, lang string) {
	for i := range r.Errors {
		m := r.Errors[i].Msg
		args := make([]any, len(m.Args))
		for j, a := range m.Args {
			if inner, ok := a.(errs.Msg); ok {
				a = cat.Msg(lang, inner)
			}
			args[j] = a
		}
		r.Errors[i].Message = cat.Msg(lang, errs.M(m.Key, args...))
	}
}

// msgT is a message in a language.
func msgT(cat *i18n.Catalog, lang, key string, args ...any) string {
	return cat.Msg(lang, errs.M(key, args...))
}
