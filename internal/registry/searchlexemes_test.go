package registry_test

import (
	"math/rand"
	"strings"
	"testing"

	"linli/internal/platform/db"
	"linli/internal/registry"
)

// searchInitialsBefore is how org_search.ini_tsv was computed up to
// migration 057 (040's column): the text search parser over the district-
// and city-prefixed initials, its positions stripped.
const searchInitialsBefore = `strip(to_tsvector('simple',
    CASE WHEN ini = '' THEN '' ELSE district || replace(ini, ' ', ' ' || district)
            || ' ' || substr(district, 1, 4) || 'x' || replace(ini, ' ', ' ' || substr(district, 1, 4) || 'x') END))`

// TestSearchInitialsLexemes checks on PostgreSQL that the initials vector
// migration 057 builds without the parser (array_to_tsvector of the
// tokens) is the one the parser built: on the documents the registry
// writes, and on the documents of thousands of generated names (Chinese,
// Latin letters of both cases, digits, punctuation, full-width forms) in
// every district, through the column's own generation expression. SQLite
// keeps its FTS5 index, which 057 does not touch.
func TestSearchInitialsLexemes(t *testing.T) {
	f := setup(t)
	if f.db.Engine != db.Postgres {
		t.Skip("org_search.ini_tsv is PostgreSQL's; SQLite's FTS5 index is unchanged")
	}
	places := []string{yulei, zhijie, liede, haizhuComm}
	names := append(searchNamesFor(), "abc互助队", "ABC互助队", "Q1读书会2队", "长者(一)服务队", "Ｗ舞蹈队")
	for i, name := range names {
		f.active(t, name, places[i%len(places)], registry.TierCommunity)
	}
	var n, same int
	if err := f.db.Read.QueryRowContext(f.ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE ini_tsv = `+
		searchInitialsBefore+`) FROM org_search`).Scan(&n, &same); err != nil {
		t.Fatal(err)
	}
	if n != len(names) || same != n {
		t.Fatalf("written documents: %d of %d have the parser's initials vector (want %d)", same, n, len(names))
	}

	// generated names through the column's expression, in a table like
	// org_search (its generated columns, not its key to orgs)
	tx, err := f.db.Write.BeginTx(f.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(f.ctx, `CREATE TEMP TABLE lexemes (LIKE org_search INCLUDING GENERATED)`); err != nil {
		t.Fatal(err)
	}
	pieces := []string{"舞蹈", "长者", "志愿", "服务", "队", "社", "会", "猎德", "育蕾", "A", "b", "Q", "z", "1", "2", "9",
		"-", "(", "·", " ", "Ｂ", "８", "乐", "行", "重", "e", "E", "x", "0", "社区", "银行", "音乐"}
	districts := []string{"440106", "440105", "440103", "110101", ""}
	r := rand.New(rand.NewSource(57))
	const generated = 3000
	for i := 0; i < generated; i++ {
		var b strings.Builder
		for k := 1 + r.Intn(10); k > 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		chars, py, ini := registry.SearchDoc(b.String())
		if _, err := tx.ExecContext(f.ctx, `INSERT INTO lexemes (org_id, chars, py, ini, district) VALUES ($1, $2, $3, $4, $5)`,
			i, chars, py, ini, districts[i%len(districts)]); err != nil {
			t.Fatalf("%q: %v", b.String(), err)
		}
	}
	var bad string
	err = tx.QueryRowContext(f.ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE ini_tsv = `+searchInitialsBefore+`),
		COALESCE(MIN(ini) FILTER (WHERE ini_tsv <> `+searchInitialsBefore+`), '') FROM lexemes`).Scan(&n, &same, &bad)
	if err != nil {
		t.Fatal(err)
	}
	if n != generated || same != n {
		t.Fatalf("generated documents: %d of %d have the parser's initials vector; first differing initials %q", same, n, bad)
	}
}
