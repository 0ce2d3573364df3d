package db

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

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
	// FullTextOnce is FullText for a statement planned once for any
	// arguments (DB.Generic): PostgreSQL parses the query's text once per
	// execution, as an init plan, where a generic plan's to_tsquery of a
	// parameter runs again for every match the index hands over to be
	// rechecked (two to four times the statement's execution, issue 19).
	// The same as FullText on SQLite.
	FullTextOnce(table, key, col, param string) string
	// FullTextQuery is the query text matching any of the phrases, each
	// its tokens in sequence, the last one a prefix when prefix is set.
	// Tokens must be letters and digits.
	FullTextQuery(col string, phrases [][]string, prefix bool) string
	// HasPrefix is the condition "col starts with prefix", written so an
	// index on col serves it, in a plan made for any arguments too (a byte
	// range on SQLite; on PostgreSQL, whatever its collation, the range of a
	// text_pattern_ops index and LIKE); it appends its parameters to args.
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

func (d sqliteDialect) FullTextOnce(table, key, col, param string) string {
	return d.FullText(table, key, col, param)
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

// HasPrefix is the prefix's range in the byte order of a text_pattern_ops
// index (~>=~, ~<~), which the index serves in a plan made for any
// arguments too (a LIKE of a parameter gives the planner no range until it
// sees the value, so a search's prefix read was planned again on every
// call: 100-140 µs of planning for 30-40 µs of execution, issue 19), and the LIKE
// itself, which alone decides: the range only narrows what the index reads.
func (pgDialect) HasPrefix(col, prefix string, args []any) (string, []any) {
	args = append(args, EscapeLike(prefix)+"%")
	like := col + " LIKE $" + strconv.Itoa(len(args)) + ` ESCAPE '\'`
	hi, ok := nextPrefix(prefix)
	if !ok {
		return like, args
	}
	args = append(args, prefix, hi)
	n := len(args)
	return "(" + col + " ~>=~ $" + strconv.Itoa(n-1) + " AND " + col + " ~<~ $" + strconv.Itoa(n) + " AND " + like + ")", args
}

// nextPrefix is the least text above every text that starts with prefix,
// in byte order (UTF-8's bytes order its code points): prefix with its last
// character advanced, a last character that cannot be dropped first; ok is
// false when there is none (an empty prefix, or only U+10FFFF).
func nextPrefix(prefix string) (string, bool) {
	rs := []rune(prefix)
	for len(rs) > 0 {
		r := rs[len(rs)-1] + 1
		if r >= 0xD800 && r <= 0xDFFF {
			r = 0xE000 // no surrogates in UTF-8
		}
		if r <= utf8.MaxRune {
			rs[len(rs)-1] = r
			return string(rs), true
		}
		rs = rs[:len(rs)-1]
	}
	return "", false
}

func (pgDialect) Param(n int) string { return "$" + strconv.Itoa(n) }

func (pgDialect) StatementTriggers() bool { return true }

func (pgDialect) FullTextOrdered() bool { return false }

// FullTextRow calls the function behind @@, which the planner cannot
// answer from the GIN index: the rows are walked in the order of another
// index and each one tested. The query is parsed once (pgQueryOnce): a
// function's call is estimated alike whatever its arguments, so a custom
// plan is the same with it, and a generic one parses it once, not once a
// row walked.
func (pgDialect) FullTextRow(alias, col, param string) string {
	return "ts_match_vq(" + alias + "." + col + "_tsv, " + pgQueryOnce(param) + ")"
}

// pgQueryOnce is the full-text query of a parameter, parsed once per
// execution (an init plan, whose value the index scan and every recheck
// read) rather than once per row in a generic plan.
func pgQueryOnce(param string) string { return "(SELECT to_tsquery('simple', " + param + "))" }

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

// FullTextOnce is FullText with the query parsed once per execution
// (pgQueryOnce), for a generic plan. Not FullText itself: a custom plan
// estimates the matches of an init plan's value by a default share of the
// table, not by the query, and the list's joins are planned on that.
func (pgDialect) FullTextOnce(table, key, col, param string) string {
	return "(SELECT " + key + " AS id FROM " + table + " WHERE " + col + "_tsv @@ " + pgQueryOnce(param) + " OFFSET 0)"
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
