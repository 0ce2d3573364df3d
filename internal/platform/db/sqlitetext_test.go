package db

import (
	"fmt"
	"strings"
	"testing"
)

func TestSQLiteText(t *testing.T) {
	many := func(from int, quote string) string {
		var b strings.Builder
		b.WriteString("INSERT INTO t (a, b) VALUES ")
		for i := from; i < from+70; i++ {
			if i > from {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "($%d, '%s')", i, quote)
		}
		return b.String()
	}
	for _, c := range []struct{ in, want string }{
		{`SELECT $1, $2`, `SELECT $1, $2`}, // few parameters: as written
		{many(1, "x"), anon(many(1, "x"))},
		{many(1, "it''s $3"), anon(many(1, "it''s $3"))},     // a literal's "$" is not a parameter
		{many(2, "x"), many(2, "x")},                         // does not start at $1
		{many(1, "x") + " AND $1", many(1, "x") + " AND $1"}, // repeated
		{many(1, "unterminated") + "'", many(1, "unterminated") + "'"},
	} {
		if got := sqliteText(c.in); got != c.want {
			t.Errorf("sqliteText(%.60q…) = %.80q…, want %.80q…", c.in, got, c.want)
		}
	}
}

// anon replaces the numbered parameters outside literals by "?", the way
// the test's statements are built (numbers right after "(").
func anon(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if q[i] == '$' && i > 0 && q[i-1] == '(' {
			b.WriteByte('?')
			for i+1 < len(q) && q[i+1] >= '0' && q[i+1] <= '9' {
				i++
			}
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}
