package db

import (
	"strconv"
	"strings"
)

// InList is the one builder of an "IN (…)" list: it appends vals to args
// and returns "($k, …)" numbered after the args already there, as
// ScopeCond does. A named read calls it once per batch of ids or codes.
func InList[T any](vals []T, args []any) (string, []any) {
	var b strings.Builder
	b.WriteByte('(')
	for i, v := range vals {
		args = append(args, v)
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(len(args)))
	}
	b.WriteByte(')')
	return b.String(), args
}
