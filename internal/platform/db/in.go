package db

import (
	"strconv"
	"strings"
)

// Arg is the one builder of a placeholder: it appends v to args and returns
// "$k", numbered after the args already there, as ScopeCond and InList do.
func Arg(args []any, v any) (string, []any) {
	args = append(args, v)
	return "$" + strconv.Itoa(len(args)), args
}

// InList is the one builder of an "IN (…)" list: it appends vals to args
// and returns "($k, …)" numbered after the args already there, as
// ScopeCond does. A named read calls it once per batch of ids or codes.
func InList[T any](vals []T, args []any) (string, []any) {
	var b strings.Builder
	b.WriteByte('(')
	for i, v := range vals {
		var p string
		p, args = Arg(args, v)
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p)
	}
	b.WriteByte(')')
	return b.String(), args
}

// Where is a filtered read's conditions, joined by AND, and their
// parameters: the one builder of a list's WHERE clause. Add takes a
// condition whose ? marks stand for its values in order, numbered after
// the parameters already there ($k, as Arg numbers them); a condition
// built by ScopeCond, InList or a room's own builder over Args is added
// with no values.
type Where struct {
	conds []string
	Args  []any
}

// Add appends cond, each ? taking the next of v's placeholders.
func (w *Where) Add(cond string, v ...any) {
	for _, x := range v {
		var p string
		p, w.Args = Arg(w.Args, x)
		cond = strings.Replace(cond, "?", p, 1)
	}
	w.conds = append(w.conds, cond)
}

// Empty reports whether no condition was added.
func (w *Where) Empty() bool { return len(w.conds) == 0 }

// String is the conditions joined by AND, or "1=1" when there is none.
func (w *Where) String() string {
	if len(w.conds) == 0 {
		return "1=1"
	}
	return strings.Join(w.conds, " AND ")
}
