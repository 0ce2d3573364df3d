// Package pick is the searchable picker's server half, shared by every
// room that lets a form name one of its records (an organization, a
// person): the field holds a name, or "name #id" once chosen from the
// suggestions; without script a typed name is resolved by the room's own
// scoped search, and a name that fits none or several is a field error
// naming the candidates. No list is cut at a fixed length: a search
// narrows instead.
package pick

import (
	"context"
	"strconv"
	"strings"

	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Limit is how many choices one keystroke offers.
const Limit = 20

// Item is one record a picker offers.
type Item struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Value is what the field holds once chosen: the name and the id, so
	// that two records of one name stay apart.
	Value string `json:"value"`
	// Place tells two of one name apart (where it is, a role).
	Place string `json:"place,omitempty"`
}

// Value is a chosen record as the field holds it.
func Value(name string, id int64) string {
	if id <= 0 {
		return ""
	}
	return name + " #" + strconv.FormatInt(id, 10)
}

// ID reads a field holding "name #id" or a bare id.
func ID(text string) (int64, bool) {
	text = strings.TrimSpace(text)
	if i := strings.LastIndex(text, "#"); i >= 0 {
		if id, err := strconv.ParseInt(strings.TrimSpace(text[i+1:]), 10, 64); err == nil && id > 0 {
			return id, true
		}
	}
	if id, err := strconv.ParseInt(text, 10, 64); err == nil && id > 0 {
		return id, true
	}
	return 0, false
}

// Search finds the records in the user's scope that match q, best first,
// at most Limit.
type Search func(ctx context.Context, q string) ([]Item, error)

// Words are the message keys of a kind of record: none found by that name
// (argument: the text), several (arguments: the text, the candidates).
type Words struct{ None, Many string }

// Resolve reads a picker field: "name #id" or a bare id gives the id (the
// room's own rules then check scope and state); a name is searched for, an
// exact name first. No match, or several, is a field error naming the
// candidates.
func Resolve(ctx context.Context, field, text string, search Search, w Words) (int64, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, FieldErr(field, errs.M("err.required"))
	}
	if id, ok := ID(text); ok {
		return id, nil
	}
	cs, err := search(ctx, text)
	if err != nil {
		return 0, err
	}
	var exact []Item
	for _, c := range cs {
		if c.Name == text {
			exact = append(exact, c)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0].ID, nil
	case len(exact) == 0 && len(cs) == 1:
		return cs[0].ID, nil
	case len(exact) > 1:
		cs = exact
	case len(cs) == 0:
		return 0, FieldErr(field, errs.M(w.None, text))
	}
	names := make([]string, 0, 5)
	for _, c := range cs[:min(len(cs), 5)] {
		v := Value(c.Name, c.ID)
		if c.Place != "" {
			v += "（" + c.Place + "）"
		}
		names = append(names, v)
	}
	return 0, FieldErr(field, errs.M(w.Many, text, strings.Join(names, "、")))
}

// FieldErr is an invalid input with one field's message.
func FieldErr(field string, m errs.Msg) error {
	return errs.Fields{field: m}.Err()
}

// Match is the pickers' one SQL rule for a name that matches typed text:
// the condition (column contains text, LIKE with its wildcards escaped)
// and the ORDER BY key that puts the exact name first, then the names it
// begins, then the rest. It appends its parameters to args.
func Match(column, text string, args []any) (cond, rank string, out []any) {
	esc := db.EscapeLike(text)
	has, args := db.Arg(args, "%"+esc+"%")
	same, args := db.Arg(args, text)
	starts, args := db.Arg(args, esc+"%")
	return column + " LIKE " + has + ` ESCAPE '\'`,
		"CASE WHEN " + column + " = " + same + " THEN 0 WHEN " + column + " LIKE " + starts + ` ESCAPE '\' THEN 1 ELSE 2 END`, args
}
