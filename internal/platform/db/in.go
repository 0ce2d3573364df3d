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
