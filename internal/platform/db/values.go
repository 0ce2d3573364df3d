package db

import "strings"

// Values is the VALUES list of a multi-row statement: rows tuples of n
// parameters each, "(p1,…,pn),(pn+1,…)", numbered by the dialect (SQLite
// binds them anonymously, PostgreSQL by number); the arguments follow in
// the same order, row by row.
func Values(d Dialect, rows, n int) string {
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
			b.WriteString(d.Param(i*n + j))
		}
		b.WriteByte(')')
	}
	return b.String()
}
