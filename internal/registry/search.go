package registry

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
)

// The search index: each organization has a document of three token lists
// (table org_search), indexed by the engine's full-text machinery behind
// db.Dialect.FullText:
//
//   - chars: every letter or digit of the normalized name, one token each, so
//     any run of characters — two Chinese characters are enough — is a
//     phrase query;
//   - py: the full pinyin syllables of the name, so "jiefang" or
//     "jiefanghuzhu" is a phrase query whose last syllable may be partial;
//   - ini: every suffix (up to iniMax letters) of the string of pinyin
//     initials, so "jfhz" is a prefix query on one token, wherever the
//     initials stand in the name.
//
// A name match is confirmed on name_key with LIKE, so both engines return
// exactly the same rows; ranking is exact name, then prefix, then
// substring, then pinyin, ties by id.

// iniMax bounds an initials token; longer queries match on their first
// iniMax letters.
const iniMax = 8

// wordReadings fixes the readings of common words whose characters have
// another first reading.
var wordReadings = map[string][]string{
	"长者": {"zhang", "zhe"}, "乐队": {"yue", "dui"}, "乐团": {"yue", "tuan"}, "音乐": {"yin", "yue"},
	"银行": {"yin", "hang"}, "行业": {"hang", "ye"}, "重阳": {"chong", "yang"}, "单亲": {"dan", "qin"},
}

var (
	pyMu    sync.RWMutex
	pyCache = map[rune]string{}
)

// runePinyin is the toneless first reading of a Han character, "" if none.
func runePinyin(r rune) string {
	pyMu.RLock()
	p, ok := pyCache[r]
	pyMu.RUnlock()
	if ok {
		return p
	}
	if ps := pinyin.SinglePinyin(r, pinyin.NewArgs()); len(ps) > 0 {
		p = ps[0]
	}
	pyMu.Lock()
	pyCache[r] = p
	pyMu.Unlock()
	return p
}

// syllables gives the pinyin of each rune of a normalized name: a syllable
// for a Han character, the character itself for an ASCII letter or digit,
// "" for anything else.
func syllables(key string) []string {
	rs := []rune(key)
	out := make([]string, len(rs))
	for i := 0; i < len(rs); i++ {
		if i+1 < len(rs) {
			if w, ok := wordReadings[string(rs[i:i+2])]; ok {
				out[i], out[i+1] = w[0], w[1]
				i++
				continue
			}
		}
		r := rs[i]
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			out[i] = string(r)
		case unicode.Is(unicode.Han, r):
			out[i] = runePinyin(r)
		}
	}
	return out
}

// SearchDoc is the search document of a name: its character, pinyin and
// initials tokens, each space-separated.
func SearchDoc(name string) (chars, py, ini string) {
	key := NameKey(name)
	var c, p []string
	var initials []byte
	for _, r := range key {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			c = append(c, string(r))
		}
	}
	for _, s := range syllables(key) {
		if s != "" {
			p = append(p, s)
			initials = append(initials, s[0])
		}
	}
	toks := make([]string, 0, len(initials))
	for i := range initials {
		toks = append(toks, string(initials[i:min(len(initials), i+iniMax)]))
	}
	return strings.Join(c, " "), strings.Join(p, " "), strings.Join(toks, " ")
}

// indexOrg writes an organization's search document inside the
// transaction that creates or renames it.
func indexOrg(ctx context.Context, q db.Querier, id int64, name string) error {
	chars, py, ini := SearchDoc(name)
	if _, err := q.ExecContext(ctx, `INSERT INTO org_search (org_id, chars, py, ini) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id) DO UPDATE SET chars = excluded.chars, py = excluded.py, ini = excluded.ini`,
		id, chars, py, ini); err != nil {
		return fmt.Errorf("index org %d: %w", id, err)
	}
	return nil
}

// EnsureSearchIndex indexes every organization that has no search document
// yet (organizations written before the index existed), in batches.
func (s *Service) EnsureSearchIndex(ctx context.Context) (int, error) {
	n := 0
	for {
		rows, err := s.DB.Read.QueryContext(ctx, `SELECT o.id, o.name FROM orgs o
			WHERE NOT EXISTS (SELECT 1 FROM org_search s WHERE s.org_id = o.id) ORDER BY o.id LIMIT 5000`)
		if err != nil {
			return n, fmt.Errorf("search index backlog: %w", err)
		}
		type pending struct {
			id   int64
			name string
		}
		var batch []pending
		for rows.Next() {
			var p pending
			if err := rows.Scan(&p.id, &p.name); err != nil {
				rows.Close()
				return n, err
			}
			batch = append(batch, p)
		}
		rows.Close()
		if len(batch) == 0 {
			return n, rows.Err()
		}
		if err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			for _, p := range batch {
				if err := indexOrg(ctx, tx, p.id, p.name); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return n, err
		}
		n += len(batch)
	}
}

// pinyinSet is every toneless syllable of the dictionary, and every prefix
// of one (value false for a prefix only).
var pinyinSet = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	a := pinyin.NewArgs()
	a.Heteronym = true
	for r := range pinyin.PinyinDict {
		for _, p := range pinyin.SinglePinyin(rune(r), a) {
			for i := 1; i < len(p); i++ {
				if _, ok := m[p[:i]]; !ok {
					m[p[:i]] = false
				}
			}
			m[p] = true
		}
	}
	return m
})

// splitPinyin splits lower-case letters into syllables, the last of which
// may be the beginning of one; nil if the letters are not pinyin.
func splitPinyin(s string) []string {
	set := pinyinSet()
	var out []string
	var walk func(i int) bool
	walk = func(i int) bool {
		if i == len(s) {
			return true
		}
		for l := min(6, len(s)-i); l >= 1; l-- {
			p := s[i : i+l]
			full, ok := set[p]
			if !ok || (!full && i+l < len(s)) {
				continue
			}
			out = append(out, p)
			if walk(i + l) {
				return true
			}
			out = out[:len(out)-1]
		}
		return false
	}
	if !walk(0) {
		return nil
	}
	return out
}

// isPinyinQuery reports a query made only of ASCII letters and digits.
func isPinyinQuery(q string) bool {
	for i := 0; i < len(q); i++ {
		c := q[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return q != ""
}

// searchCond is the condition of a list for the search box: the ids the
// full-text index finds, confirmed by a substring match on the name unless
// the query may be pinyin. With scan set it matches the same rows without
// the index, by LIKE on the name and on the stored search document: faster
// when the list without the search is small, since the index finds matches
// in the whole country before the scope narrows them.
func searchCond(d db.Dialect, scan bool, q string, args []any) (string, []any) {
	key := NameKey(q)
	var chars []string
	for _, r := range key {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			chars = append(chars, string(r))
		}
	}
	like := func() string {
		args = append(args, "%"+db.EscapeLike(key)+"%")
		return `o.name_key LIKE ` + ph(len(args)) + ` ESCAPE '\'`
	}
	if len(chars) == 0 {
		return like(), args
	}
	if scan {
		return scanCond(key, like(), args)
	}
	var subs []string
	add := func(col string, tokens []string, prefix bool) {
		args = append(args, d.FullTextQuery(col, tokens, prefix))
		subs = append(subs, d.FullText("org_search", "org_id", col, ph(len(args))))
	}
	add("chars", chars, false)
	if !isPinyinQuery(key) {
		return "o.id IN (" + subs[0] + ") AND " + like(), args
	}
	add("ini", []string{key[:min(len(key), iniMax)]}, true)
	if syl := splitPinyin(key); syl != nil {
		add("py", syl, true)
	}
	return "o.id IN (" + strings.Join(subs, " UNION ") + ")", args
}

// scanCond is searchCond without the index: the name contains the query,
// or the query is pinyin and a token of the initials starts with it, or the
// syllables run in sequence, the last one begun.
func scanCond(key, like string, args []any) (string, []any) {
	if !isPinyinQuery(key) {
		return like, args
	}
	args = append(args, "% "+key[:min(len(key), iniMax)]+"%")
	alts := []string{`(' ' || s.ini) LIKE ` + ph(len(args))}
	if syl := splitPinyin(key); syl != nil {
		args = append(args, "% "+strings.Join(syl, " ")+"%")
		alts = append(alts, `(' ' || s.py) LIKE `+ph(len(args)))
	}
	return "(" + like + " OR EXISTS (SELECT 1 FROM org_search s WHERE s.org_id = o.id AND (" +
		strings.Join(alts, " OR ") + ")))", args
}

// scanLimit is the size of a list below which a search scans it rather
// than asking the full-text index (a variable for the tests of both ways).
var scanLimit = 20000

// small reports whether the list without the search holds fewer than
// scanLimit organizations.
func (s *Service) small(ctx context.Context, u *auth.User, f Filter) (bool, error) {
	f.Q = ""
	w, args := where(s.DB.Dialect, u, &f)
	var n int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM orgs o WHERE `+w+
		` LIMIT `+strconv.Itoa(scanLimit)+`) x`, args...).Scan(&n); err != nil {
		return false, fmt.Errorf("search scope: %w", err)
	}
	return n < scanLimit, nil
}

// searchOrder ranks search results: exact name, prefix, substring, then
// pinyin matches; ties by id.
func searchOrder(q string, args []any) (string, []any) {
	key := NameKey(q)
	esc := db.EscapeLike(key)
	args = append(args, key, esc+"%", "%"+esc+"%")
	n := len(args)
	return `CASE WHEN o.name_key = ` + ph(n-2) + ` THEN 0 WHEN o.name_key LIKE ` + ph(n-1) + ` ESCAPE '\' THEN 1
		WHEN o.name_key LIKE ` + ph(n) + ` ESCAPE '\' THEN 2 ELSE 3 END, o.id`, args
}

// searchList is List with a search: the matches are found and ranked once,
// the page and the count (a window) coming out of the same pass; only the
// page's rows are then read whole.
func (s *Service) searchList(ctx context.Context, u *auth.User, f Filter, order string) (*Page, error) {
	p := &Page{Items: []*Org{}, Page: f.Page, PerPage: f.PerPage}
	scan, err := s.small(ctx, u, f)
	if err != nil {
		return nil, err
	}
	w, args := where(s.DB.Dialect, u, &f, scan)
	nw := len(args)
	if f.Sort == "" || f.Sort == "relevance" {
		order, args = searchOrder(strings.TrimSpace(f.Q), args)
	}
	args = append(args, f.PerPage, (f.Page-1)*f.PerPage)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT `+orgColumns+`, m.total FROM (
		SELECT o.id, COUNT(*) OVER () AS total FROM orgs o WHERE `+w+` ORDER BY `+order+
		` LIMIT `+ph(len(args)-1)+` OFFSET `+ph(len(args))+`) m JOIN orgs o ON o.id = m.id ORDER BY `+order, args...)
	if err != nil {
		return nil, fmt.Errorf("search orgs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOrg(withTotal{rows, &p.Total})
		if err != nil {
			return nil, err
		}
		maskFor(u, o)
		p.Items = append(p.Items, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(p.Items) == 0 && f.Page > 1 { // past the end: the window had no row to count on
		if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs o WHERE `+w, args[:nw]...).Scan(&p.Total); err != nil {
			return nil, fmt.Errorf("count orgs: %w", err)
		}
	}
	return p, nil
}

// withTotal scans an organization row followed by the window's count.
type withTotal struct {
	rows  *sql.Rows
	total *int
}

func (w withTotal) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.total)...) }
