package db

import (
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// Dialect is the seam between the engines: only what really differs.
type Dialect interface {
	// IsUniqueViolation reports a unique-constraint failure.
	IsUniqueViolation(err error) bool
	// IsForeignKeyViolation reports a foreign-key failure.
	IsForeignKeyViolation(err error) bool
	// ForUpdate is the row-locking suffix of a SELECT (empty on SQLite,
	// whose writer transactions are already exclusive).
	ForUpdate() string
	// FullText is a subquery selecting the keys of table whose text column
	// col, a space-separated list of tokens, matches the query in parameter
	// param (built by FullTextQuery). SQLite reads the FTS5 table
	// <table>_fts; PostgreSQL a GIN index on to_tsvector('simple', col).
	FullText(table, key, col, param string) string
	// FullTextQuery is the query text for tokens in sequence, the last
	// one a prefix when prefix is set. Tokens must be letters and digits.
	FullTextQuery(col string, tokens []string, prefix bool) string
	// Param is the n-th (from 1) parameter of a statement with many
	// parameters, such as a multi-row INSERT: "?" on SQLite, where modernc
	// binds anonymous parameters in constant time but looks each numbered
	// one up in a list (binding n of them costs about n²), "$n" on
	// PostgreSQL. A statement must use one style throughout.
	Param(n int) string
}

type sqliteDialect struct{}

func (sqliteDialect) IsUniqueViolation(err error) bool {
	var e *sqlite.Error
	// 2067 SQLITE_CONSTRAINT_UNIQUE, 1555 SQLITE_CONSTRAINT_PRIMARYKEY
	return errors.As(err, &e) && (e.Code() == 2067 || e.Code() == 1555)
}

func (sqliteDialect) IsForeignKeyViolation(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == 787
}

func (sqliteDialect) ForUpdate() string { return "" }

func (sqliteDialect) FullText(table, key, col, param string) string {
	return "SELECT rowid FROM " + table + "_fts WHERE " + table + "_fts MATCH " + param
}

func (sqliteDialect) FullTextQuery(col string, tokens []string, prefix bool) string {
	q := col + ` : "` + strings.Join(tokens, " ") + `"`
	if prefix {
		q += "*"
	}
	return q
}

func (sqliteDialect) Param(int) string { return "?" }

type pgDialect struct{}

func (pgDialect) Param(n int) string { return "$" + strconv.Itoa(n) }

func (pgDialect) IsUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

func (pgDialect) IsForeignKeyViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23503"
}

func (pgDialect) ForUpdate() string { return " FOR UPDATE" }

func (pgDialect) FullText(table, key, col, param string) string {
	return "SELECT " + key + " FROM " + table + " WHERE to_tsvector('simple', " + col + ") @@ to_tsquery('simple', " + param + ")"
}

func (pgDialect) FullTextQuery(col string, tokens []string, prefix bool) string {
	q := "'" + strings.Join(tokens, "' <-> '") + "'"
	if prefix {
		q += ":*"
	}
	return q
}

// PrefixRange returns the half-open range [lo, hi) of codes that start with
// prefix: "in scope" is a range scan on an indexed text column.
func PrefixRange(prefix string) (lo, hi string) {
	if prefix == "" {
		return "", "\U0010FFFF"
	}
	b := []byte(prefix)
	b[len(b)-1]++
	return prefix, string(b)
}

// EscapeLike escapes %, _ and \ for a LIKE pattern used with ESCAPE '\'.
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
