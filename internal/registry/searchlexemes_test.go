package registry_test

import (
	"math/rand"
	"strings"
	"testing"

	"linli/internal/platform/db"
	"linli/internal/registry"
)

// The search document's vectors as the server generated them: 006's
// chars_tsv and py_tsv (up to migration 058, which has linli send them),
// and 040's ini_tsv (the parser's stripped vector, which 057's column makes
// without the parser for letters-only initials).
const (
	charsVectorBefore = `to_tsvector('simple',
    CASE WHEN chars = '' THEN '' ELSE district || replace(chars, ' ', ' ' || district)
            || ' ' || substr(district, 1, 4) || 'x' || replace(chars, ' ', ' ' || substr(district, 1, 4) || 'x') END)`
	pyVectorBefore = `to_tsvector('simple',
    CASE WHEN py = '' THEN '' ELSE district || replace(py, ' ', ' ' || district)
            || ' ' || substr(district, 1, 4) || 'x' || replace(py, ' ', ' ' || substr(district, 1, 4) || 'x') END)`
	iniVectorBefore = `strip(to_tsvector('simple',
    CASE WHEN ini = '' THEN '' ELSE district || replace(ini, ' ', ' ' || district)
            || ' ' || substr(district, 1, 4) || 'x' || replace(ini, ' ', ' ' || substr(district, 1, 4) || 'x') END))`
	vectorsBefore = `chars_tsv = ` + charsVectorBefore + ` AND py_tsv = ` + pyVectorBefore + ` AND ini_tsv = ` + iniVectorBefore
)

// TestSearchVectorsAreTheParsers checks on PostgreSQL that the vectors
// linli sends ready (registry.SearchRow, migration 058) and those the
// table's trigger computes for the rest are the vectors the server's
// parser generated before, and that 057's initials are the parser's: on
// the documents the registry writes, and on thousands of generated names
// (Chinese, Latin letters of both cases, digits, punctuation, full-width
// forms, in five districts) copied with COPY's binary form into a table
// like org_search (its generated initials) with the same trigger, then on
// an update of a document's text alone. SQLite keeps its FTS5 index, which
// 057 and 058 do not touch.
func TestSearchVectorsAreTheParsers(t *testing.T) {
	f := setup(t)
	if f.db.Engine != db.Postgres {
		t.Skip("org_search's vectors are PostgreSQL's; SQLite's FTS5 index is unchanged")
	}
	places := []string{yulei, zhijie, liede, haizhuComm}
	names := append(searchNamesFor(), "abc互助队", "ABC互助队", "Q1读书会2队", "长者(一)服务队", "Ｗ舞蹈队", "e8社")
	for i, name := range names {
		f.active(t, name, places[i%len(places)], registry.TierCommunity)
	}
	var n, same int
	if err := f.db.Read.QueryRowContext(f.ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE `+vectorsBefore+`) FROM org_search`).
		Scan(&n, &same); err != nil {
		t.Fatal(err)
	}
	if n != len(names) || same != n {
		t.Fatalf("written documents: %d of %d have the parser's vectors (want %d)", same, n, len(names))
	}

	tx, end, err := f.db.Begin(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer end()
	defer tx.Rollback()
	if _, err := tx.ExecContext(f.ctx, `CREATE TEMP TABLE vectors (LIKE org_search INCLUDING GENERATED);
		CREATE TRIGGER vectors_insert BEFORE INSERT ON vectors FOR EACH ROW
		WHEN (NEW.chars_tsv IS NULL OR NEW.py_tsv IS NULL) EXECUTE FUNCTION org_search_vectors();
		CREATE TRIGGER vectors_update BEFORE UPDATE ON vectors FOR EACH ROW
		WHEN (NEW.chars_tsv IS NULL OR NEW.py_tsv IS NULL
			OR ((NEW.chars, NEW.py, NEW.district) IS DISTINCT FROM (OLD.chars, OLD.py, OLD.district)
				AND (NEW.chars_tsv, NEW.py_tsv) IS NOT DISTINCT FROM (OLD.chars_tsv, OLD.py_tsv)))
		EXECUTE FUNCTION org_search_vectors()`); err != nil {
		t.Fatal(err)
	}
	// the first plainPieces make documents linli sends ready; the rest are
	// left to the trigger, or to the parser's own reading
	const plainPieces = 31
	pieces := []string{"舞蹈", "长者", "志愿", "服务", "队", "社", "会", "猎德", "育蕾", "b", "z", "1", "2", "9", "乐", "行", "重",
		"e", "x", "0", "社区", "银行", "音乐", "饿", "嗯", "儿", "绿", "女", "A", "Q", "E",
		"-", "(", "·", " ", "Ｂ", "８", "𠀀", "é", "İ", "٣", "ª", "ǅ", "ß", "ﬁ", "²", "Σ", "ⅻ", "ㄅ", "あ", "한"}
	districts := []string{"440106", "440105", "440103", "110101", ""}
	r := rand.New(rand.NewSource(58))
	const generated = 5000
	var rows [][]any
	ready := 0
	for i := 0; i < generated; i++ {
		var b strings.Builder
		pool := pieces
		if i%2 == 0 {
			pool = pieces[:plainPieces]
		}
		for k := 1 + r.Intn(12); k > 0; k-- {
			b.WriteString(pool[r.Intn(len(pool))])
		}
		row := registry.SearchRow(db.Postgres, int64(i), b.String(), districts[i%len(districts)])
		if row[5] != nil && row[6] != nil {
			ready++
		}
		rows = append(rows, row)
	}
	t.Logf("%d of %d generated documents sent with their vectors", ready, generated)
	if ready < generated/3 {
		t.Fatalf("only %d of %d generated documents were sent with their vectors", ready, generated)
	}
	if ok, err := db.CopyFrom(f.ctx, tx, "vectors", registry.SearchColumns(db.Postgres), rows); !ok || err != nil {
		t.Fatalf("copy: %v, %v", ok, err)
	}
	var bad string
	check := `SELECT COUNT(*), COUNT(*) FILTER (WHERE ` + vectorsBefore + `),
		COALESCE(MIN(district || ':' || chars || '|' || py || '|' || ini) FILTER (WHERE NOT (` + vectorsBefore + `)), '') FROM vectors`
	if err := tx.QueryRowContext(f.ctx, check).Scan(&n, &same, &bad); err != nil {
		t.Fatal(err)
	}
	if n != generated || same != n {
		t.Fatalf("generated documents (%d sent ready): %d of %d have the parser's vectors; first differing %q", ready, same, n, bad)
	}

	// the text changed alone: the trigger makes the vectors again
	if _, err := tx.ExecContext(f.ctx, `UPDATE vectors SET chars = '舞 蹈', py = 'wu dao', ini = '0w 0wd 0d' WHERE org_id % 7 = 0`); err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRowContext(f.ctx, check).Scan(&n, &same, &bad); err != nil {
		t.Fatal(err)
	}
	if same != n {
		t.Fatalf("after an update of the text: %d of %d have the parser's vectors; first differing %q", same, n, bad)
	}
}
