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
	// FullText is a subquery selecting (as column id) the keys of table
	// whose text column col, a space-separated list of tokens, matches the
	// query in parameter param (built by FullTextQuery). SQLite reads the
	// FTS5 table <table>_fts; PostgreSQL the stored tsvector column
	// <col>_tsv, which a GIN index covers.
	FullText(table, key, col, param string) string
	// FullTextQuery is the query text matching any of the phrases, each
	// its tokens in sequence, the last one a prefix when prefix is set.
	// Tokens must be letters and digits.
	FullTextQuery(col string, phrases [][]string, prefix bool) string
	// HasPrefix is the condition "col starts with prefix", written so an
	// index on col serves it (a byte range on SQLite, LIKE on a
	// text_pattern_ops index on PostgreSQL, whatever its collation); it
	// appends its parameters to args.
	HasPrefix(col, prefix string, args []any) (string, []any)
	// FullTextMerge is the statement that tidies table's full-text index
	// after many writes: on SQLite an FTS5 'optimize' (every segment merged
	// into one) when full is set, else an incremental 'merge' of a bounded
	// amount of work; "" on PostgreSQL, whose GIN indexes need no such
	// step.
	FullTextMerge(table string, full bool) string
	// FullTextOrdered reports whether FullText yields its keys in order,
	// so that "ORDER BY key LIMIT n" over it stops after n matches
	// (SQLite's FTS5 does; a GIN index yields a bitmap, whose every match
	// is rechecked before any is returned).
	FullTextOrdered() bool
	// FullTextRow is the condition that the row of alias's table matches
	// the query in param, tested on the row itself without the index: for
	// walking rows in key order and keeping the matching ones. "" where
	// FullTextOrdered makes it needless.
	FullTextRow(alias, col, param string) string
	// Param is the n-th (from 1) parameter of a statement with many
	// parameters, such as a multi-row INSERT: "?" on SQLite, where modernc
	// binds anonymous parameters in constant time but looks each numbered
	// one up in a list (binding n of them costs about n²), "$n" on
	// PostgreSQL. A statement must use one style throughout.
	Param(n int) string
	// StatementTriggers reports whether the engine runs the derived tables'
	// insert triggers once per statement (PostgreSQL, over a transition
	// table). Where it does not (SQLite: row triggers), a batch writer sets
	// the org_bulk flag, which switches those row triggers off, and applies
	// the batch's maintenance once itself (migration 041).
	StatementTriggers() bool
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
	return "SELECT rowid AS id FROM " + table + "_fts WHERE " + table + "_fts MATCH " + param
}

func (sqliteDialect) FullTextQuery(col string, phrases [][]string, prefix bool) string {
	ps := make([]string, len(phrases))
	for i, tokens := range phrases {
		ps[i] = `"` + strings.Join(tokens, " ") + `"`
		if prefix {
			ps[i] += "*"
		}
	}
	return col + " : (" + strings.Join(ps, " OR ") + ")"
}

func (sqliteDialect) HasPrefix(col, prefix string, args []any) (string, []any) {
	lo, hi := PrefixRange(prefix)
	args = append(args, lo, hi)
	return col + " >= $" + strconv.Itoa(len(args)-1) + " AND " + col + " < $" + strconv.Itoa(len(args)), args
}

func (sqliteDialect) FullTextMerge(table string, full bool) string {
	if full {
		return "INSERT INTO " + table + "_fts (" + table + "_fts) VALUES ('optimize')"
	}
	return "INSERT INTO " + table + "_fts (" + table + "_fts, rank) VALUES ('merge', 500)"
}

func (sqliteDialect) Param(int) string { return "?" }

func (sqliteDialect) StatementTriggers() bool { return false }

func (sqliteDialect) FullTextOrdered() bool { return true }

func (sqliteDialect) FullTextRow(string, string, string) string { return "" }

type pgDialect struct{}

func (pgDialect) FullTextMerge(string, bool) string { return "" }

func (pgDialect) HasPrefix(col, prefix string, args []any) (string, []any) {
	args = append(args, EscapeLike(prefix)+"%")
	return col + " LIKE $" + strconv.Itoa(len(args)) + ` ESCAPE '\'`, args
}

func (pgDialect) Param(n int) string { return "$" + strconv.Itoa(n) }

func (pgDialect) StatementTriggers() bool { return true }

func (pgDialect) FullTextOrdered() bool { return false }

// FullTextRow calls the function behind @@, which the planner cannot
// answer from the GIN index: the rows are walked in the order of another
// index and each one tested.
func (pgDialect) FullTextRow(alias, col, param string) string {
	return "ts_match_vq(" + alias + "." + col + "_tsv, to_tsquery('simple', " + param + "))"
}

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
	// OFFSET 0 keeps the planner from folding the subquery into an outer
	// "ORDER BY id LIMIT n", which it would answer by walking the table's
	// primary key and testing every row: fine for a common word, a scan of
	// the whole table for a rare one. The GIN index costs as many
	// rechecks as matches instead, however few.
	return "(SELECT " + key + " AS id FROM " + table + " WHERE " + col + "_tsv @@ to_tsquery('simple', " + param + ") OFFSET 0)"
}

func (pgDialect) FullTextQuery(col string, phrases [][]string, prefix bool) string {
	ps := make([]string, len(phrases))
	for i, tokens := range phrases {
		ps[i] = "'" + strings.Join(tokens, "' <-> '") + "'"
		if prefix {
			ps[i] += ":*"
		}
		if len(phrases) > 1 {
			ps[i] = "(" + ps[i] + ")"
		}
	}
	return strings.Join(ps, " | ")
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
