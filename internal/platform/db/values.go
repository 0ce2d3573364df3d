package db

import (
	"strconv"
	"strings"
)

// Values is the VALUES list of a multi-row statement: rows tuples of n
// parameters each, "(p1,…,pn),(pn+1,…)", numbered by the dialect (SQLite
// binds them anonymously, PostgreSQL by number); the arguments follow in
// the same order, row by row. A nil d numbers them "$n", which both
// engines read.
func Values(d Dialect, rows, n int) string {
	param := func(i int) string { return "$" + strconv.Itoa(i) }
	if d != nil {
		param = d.Param
	}
	var b strings.Builder
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := 1; j <= n; j++ {
			if j > 1 {
				b.WriteByte(',')
			}
			b.WriteString(param(i*n + j))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// Params is one parenthesized list of n parameters numbered by the
// dialect, "(p1,…,pn)", as Values numbers a row: the IN list of a query
// whose arguments are exactly the list's values.
func Params(d Dialect, n int) string { return Values(d, 1, n) }

// BoolInt is a boolean as both engines store it: 1 or 0.
func BoolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// NullID is an id as stored in a nullable reference: 0 (none) is NULL.
func NullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
