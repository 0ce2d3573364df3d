package registry

import (
	"bytes"
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
	"linli/internal/platform/errs"
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
//   - ini: every run (up to iniMax letters) of the string of pinyin
//     initials, each a whole token (behind iniMark), so "jfhz" is one
//     token matched exactly
//     (not a prefix query, which reads every token that starts with it),
//     wherever the initials stand in the name (issue 19, migration 040).
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
	return strings.Join(c, " "), strings.Join(p, " "), iniTokens(initials)
}

// iniMark begins every initials token. SQLite's FTS5 keeps one
// vocabulary for all the columns of the index: without it the initials'
// one-letter tokens (4401xj) would be the very tokens of a name's Latin
// letters in the chars column, and a pinyin query's phrase on those
// letters would read the initials of every name. Characters and
// syllables never start with a digit followed by a letter.
const iniMark = "0"

// iniTokens is every distinct run of up to iniMax letters of the initials,
// each behind iniMark, space-separated, by start and then length ("jfhz":
// "0j 0jf 0jfh 0jfhz 0f 0fh 0fhz 0h 0hz 0z").
func iniTokens(initials []byte) string {
	var b strings.Builder
	b.Grow(iniMax * len(initials) * (iniMax + 1) / 2)
	for i := range initials {
		for j := i + 1; j <= min(len(initials), i+iniMax); j++ {
			if bytes.Index(initials[:j], initials[i:j]) < i {
				continue // the same run starts earlier: already a token
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(iniMark)
			b.Write(initials[i:j])
		}
	}
	return b.String()
}

// EnsureSearchIndex indexes every organization that has no search document
// yet (organizations written before the index existed, or before its
// format changed), in batches. Organizations are never deleted and a
// document belongs to one organization, so equal counts mean nothing to
// do: that check is what a start-up usually costs.
func (s *Service) EnsureSearchIndex(ctx context.Context) (int, error) {
	var orgs, docs int64
	if err := s.DB.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM orgs), (SELECT COUNT(*) FROM org_search)`).
		Scan(&orgs, &docs); err != nil {
		return 0, fmt.Errorf("search index check: %w", err)
	}
	if orgs == docs {
		return 0, nil
	}
	n := 0
	var after int64
	defer func() {
		if n > 0 {
			_ = s.MergeSearchIndex(ctx, true)
		}
	}()
	for {
		rows, err := s.DB.Query(ctx, `SELECT o.id, o.name, o.district_code FROM orgs o
			WHERE o.id > $1 AND NOT EXISTS (SELECT 1 FROM org_search s WHERE s.org_id = o.id) ORDER BY o.id LIMIT 5000`, after)
		if err != nil {
			return n, fmt.Errorf("search index backlog: %w", err)
		}
		var batch []searchDoc
		for rows.Next() {
			var d searchDoc
			if err := rows.Scan(&d.orgID, &d.name, &d.district); err != nil {
				rows.Close()
				return n, err
			}
			batch = append(batch, d)
		}
		rows.Close()
		if len(batch) == 0 {
			return n, rows.Err()
		}
		if err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			return indexDocs(ctx, tx, s.DB, batch)
		}); err != nil {
			return n, err
		}
		n += len(batch)
		after = batch[len(batch)-1].orgID
	}
}

// MergeSearchIndex tidies the full-text index after many writes (a bulk
// load, a rebuild, a large import): on SQLite the FTS5 index then reads
// one segment instead of dozens (a scoped two-character search went from
// 2.6 ms to 0.3 ms on the Guangzhou dataset); full merges everything
// (holding the write lock meanwhile), otherwise a bounded step.
func (s *Service) MergeSearchIndex(ctx context.Context, full bool) error {
	q := s.DB.Dialect.FullTextMerge("org_search", full)
	if q == "" {
		return nil
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("merge search index: %w", err)
		}
		return nil
	})
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

// placeOf is a place's token prefix ("440106" or "4401x") as a condition
// on org_search: its district, or its city.
func placeOf(token string) (place, cond string) {
	if strings.HasSuffix(token, "x") {
		return token[:4], `substr(s.district, 1, 4) = `
	}
	return token, `s.district = `
}

// queryChars are the character tokens of a normalized query.
func queryChars(key string) []string {
	var chars []string
	for _, r := range key {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			chars = append(chars, string(r))
		}
	}
	return chars
}

// scoped puts each place's prefix before every token: the index's tokens
// are written so (migration 006), and one phrase per place is OR-ed.
func scoped(places, tokens []string) [][]string {
	out := make([][]string, len(places))
	for i, d := range places {
		out[i] = make([]string, len(tokens))
		for j, t := range tokens {
			out[i][j] = d + t
		}
	}
	return out
}

// ftsMatch is a subquery of the ids whose search document matches the
// query within the places (token prefixes, see scoped): the characters in
// sequence, or, for a query that may be pinyin, the initials or the
// syllables. ok is false for a query without letters or digits, which
// only a LIKE can match.
func ftsMatch(d db.Dialect, key string, places []string, args []any) (sub string, _ []any, ok bool) {
	parts := ftsParts(key)
	subs := make([]string, len(parts))
	for i, p := range parts {
		subs[i], args = p.sql(d, places, args)
	}
	return strings.Join(subs, " UNION "), args, len(subs) > 0
}

// ftsPart is one column's query of a search: its tokens in sequence, the
// last one a prefix when prefix is set.
type ftsPart struct {
	col    string
	tokens []string
	prefix bool
}

// sql is the subquery of the ids the part matches within the places.
func (p ftsPart) sql(d db.Dialect, places []string, args []any) (string, []any) {
	args = append(args, d.FullTextQuery(p.col, scoped(places, p.tokens), p.prefix))
	return d.FullText("org_search", "org_id", p.col, ph(len(args))), args
}

// sqlOnce is sql for a statement planned once for any arguments
// (db.DB.Generic): the places' tokens are its whole condition.
func (p ftsPart) sqlOnce(d db.Dialect, places []string, args []any) (string, []any) {
	args = append(args, d.FullTextQuery(p.col, scoped(places, p.tokens), p.prefix))
	return d.FullTextOnce("org_search", "org_id", p.col, ph(len(args))), args
}

// ftsParts are ftsMatch's parts: the characters first, then, for a query
// that may be pinyin, the initials and the syllables; none for a query
// without letters or digits.
func ftsParts(key string) []ftsPart {
	chars := queryChars(key)
	if len(chars) == 0 {
		return nil
	}
	parts := []ftsPart{{"chars", chars, false}}
	if isPinyinQuery(key) {
		parts = append(parts, ftsPart{"ini", []string{iniMark + key[:min(len(key), iniMax)]}, false})
		if syl := splitPinyin(key); syl != nil {
			parts = append(parts, ftsPart{"py", syl, true})
		}
	}
	return parts
}

// searchCond is the condition of a list for the search box. With places
// it is the ids the full-text index finds there (the scope must lie within
// them); without, it matches the same rows by LIKE on the stored search
// document (scanCond), for lists small enough to scan or scopes too wide
// to enumerate.
func searchCond(d db.Dialect, places []string, q string, args []any) (string, []any) {
	key := NameKey(q)
	if places == nil {
		return scanCond(key, args)
	}
	sub, args, ok := ftsMatch(d, key, places, args)
	if !ok {
		args = append(args, "%"+db.EscapeLike(key)+"%")
		return `o.name_key LIKE ` + ph(len(args)) + ` ESCAPE '\'`, args
	}
	return "o.id IN (" + sub + ")", args
}

// scanCond is searchCond without the index, on the same tokens: the
// name's characters hold the query's in sequence, or the query is pinyin
// and a token of the initials is it (its first iniMax letters), or the syllables run in
// sequence, the last one begun. A query without letters or digits matches
// the name itself.
func scanCond(key string, args []any) (string, []any) {
	chars := queryChars(key)
	if len(chars) == 0 {
		args = append(args, "%"+db.EscapeLike(key)+"%")
		return `o.name_key LIKE ` + ph(len(args)) + ` ESCAPE '\'`, args
	}
	args = append(args, "% "+db.EscapeLike(strings.Join(chars, " "))+" %")
	alts := []string{`(' ' || s.chars || ' ') LIKE ` + ph(len(args)) + ` ESCAPE '\'`}
	if isPinyinQuery(key) {
		args = append(args, "% "+iniMark+key[:min(len(key), iniMax)]+" %")
		alts = append(alts, `(' ' || s.ini || ' ') LIKE `+ph(len(args)))
		if syl := splitPinyin(key); syl != nil {
			args = append(args, "% "+strings.Join(syl, " ")+"%")
			alts = append(alts, `(' ' || s.py) LIKE `+ph(len(args)))
		}
	}
	return "EXISTS (SELECT 1 FROM org_search s WHERE s.org_id = o.id AND (" + strings.Join(alts, " OR ") + "))", args
}

// scanLimit is the size of a list below which a search scans it rather
// than asking the full-text index (a variable for the tests of both ways).
var scanLimit = 2000

// maxSearchCities bounds the cities whose part of the index a search
// reads; a wider scope (the whole country) scans.
const maxSearchCities = 64

// searchCountCap: a search ranked by relevance counts its matches up to
// this many and then says there are more (Page.More): checking a match's
// positions costs about 1.5 µs on SQLite, so counting every match of a
// common word in a city would cost several times the page itself.
var searchCountCap = 200

// maxRankedDepth bounds the rows a search ranked by relevance collects
// before its page (page × per_page): a deeper page past the last match is
// an empty page at the cost of an exact count, and one within the matches
// is refused (narrow the search or sort by name). Without it one request
// for page 1,000,000,000 asked for 200 billion ids and ended the process.
var maxRankedDepth = 10_000

// small reports whether the list without the search holds fewer than
// scanLimit organizations.
func (s *Service) small(ctx context.Context, u *auth.User, f Filter) (bool, error) {
	f.Q = ""
	if n, ok, err := s.tallyTotal(ctx, u, f); err != nil || ok {
		return n < scanLimit, err
	}
	w, args := where(s.DB.Dialect, u, &f)
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM orgs o WHERE `+w+
		` LIMIT `+strconv.Itoa(scanLimit)+`) x`, args...).Scan(&n); err != nil {
		return false, fmt.Errorf("search scope: %w", err)
	}
	return n < scanLimit, nil
}

// listScope is the division a list covers for the viewer and filter: the
// filter's division when it lies in the viewer's scope, else the scope;
// ok is false when the filter's division lies outside it (nothing
// matches) and for organization leaders, whose list is their own
// organizations.
func listScope(u *auth.User, within string) (string, bool) {
	if u.OwnOrgOnly() {
		return "", false
	}
	return u.Narrow(within)
}

// searchScope decides how a search reads: f.searchIn is set to the places
// of the list's scope (its district, or its cities), whose part of the
// full-text index then answers, and f.searchDistricts to its districts; it
// stays nil (a scan) for a list small enough to scan, a scope of more than
// maxSearchCities cities, and organization leaders.
func (s *Service) searchScope(ctx context.Context, u *auth.User, f *Filter) error {
	f.searchIn, f.searchDistricts = nil, nil
	code, ok := listScope(u, f.Within)
	if !ok {
		return nil
	}
	g := *f
	g.Q = ""
	whole := onlyScope(g) && len(code) <= 6 // the list is the scope's districts, whole
	if !whole {
		if small, err := s.small(ctx, u, *f); err != nil || small {
			return err
		}
	}
	if len(code) >= 6 {
		// a district or below: its own tokens (and for a whole district,
		// its size from the tally)
		if whole {
			n, _, err := s.tallyTotal(ctx, u, g)
			if err != nil || n < scanLimit {
				return err
			}
		}
		f.searchIn, f.searchDistricts = []string{code[:6]}, []string{code[:6]}
		return nil
	}
	// A city or wider: one read of the tally gives the scope's districts
	// and, for a whole scope, its size.
	// planned once (db.DB.Generic), as the search's other whole-scope
	// statements: the tally's primary key serves any range of codes
	in, args := db.ScopeCond("code", code, nil)
	rows, err := s.DB.Generic.QueryContext(ctx, `SELECT code, SUM(n) FROM org_tally
		WHERE lvl = 3 AND `+in+` GROUP BY code ORDER BY code`, args...)
	if err != nil {
		return fmt.Errorf("search districts: %w", err)
	}
	defer rows.Close()
	var ds, cities []string
	total := 0
	for rows.Next() {
		var d string
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return err
		}
		if n > 0 {
			ds, total = append(ds, d), total+n
			if c := d[:4] + "x"; len(cities) == 0 || cities[len(cities)-1] != c {
				cities = append(cities, c)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if whole && total < scanLimit || len(ds) == 0 || len(cities) > maxSearchCities {
		return nil
	}
	f.searchIn, f.searchDistricts = cities, ds
	return nil
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

// searchList is List with a search. Ranked by relevance over the
// full-text index, it is rankedSearch; otherwise (a small list, or another
// order) the matches are found and ordered once, the page and the count (a
// window) coming out of the same pass, and only the page's rows are then
// read whole.
func (s *Service) searchList(ctx context.Context, u *auth.User, f Filter, order string) (*Page, error) {
	if p, ok, err := s.indexedSearch(ctx, u, f); ok || err != nil {
		return p, err
	}
	if err := s.searchScope(ctx, u, &f); err != nil {
		return nil, err
	}
	relevance := f.Sort == "" || f.Sort == "relevance"
	if f.searchIn != nil && relevance && len(queryChars(NameKey(strings.TrimSpace(f.Q)))) > 0 {
		return s.rankedSearch(ctx, u, f)
	}
	p := &Page{Items: []*Org{}, Page: f.Page, PerPage: f.PerPage}
	w, args := where(s.DB.Dialect, u, &f)
	nw := len(args)
	if relevance {
		order, args = searchOrder(strings.TrimSpace(f.Q), args)
	}
	if skip := (f.Page - 1) * f.PerPage; skip >= maxRankedDepth {
		// a deep page: the count first, so a page past the last costs no more
		if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM orgs o WHERE `+w, args[:nw]...).Scan(&p.Total); err != nil {
			return nil, fmt.Errorf("count orgs: %w", err)
		}
		if skip >= p.Total {
			return p, nil
		}
	}
	args = append(args, f.PerPage, (f.Page-1)*f.PerPage)
	rows, err := s.DB.Query(ctx, `SELECT `+orgColumns+`, m.total FROM (
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
		if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM orgs o WHERE `+w, args[:nw]...).Scan(&p.Total); err != nil {
			return nil, fmt.Errorf("count orgs: %w", err)
		}
	}
	return p, nil
}

// rankedSearch finds a page of search results in relevance order without
// ranking every match: the exact and prefix matches come from the index on
// (district_code, name_key), then the substring matches and then the
// pinyin-only ones from the full-text index in id order, each stopping as
// soon as the page is full. The count stops at searchCountCap; when the
// list has no filter but its scope, which the index's district tokens
// already express, it is counted in the index alone. The order is
// ranking's, whichever way the ids are read.
func (s *Service) rankedSearch(ctx context.Context, u *auth.User, f Filter) (*Page, error) {
	d := s.DB.Dialect
	p := &Page{Items: []*Org{}, Page: f.Page, PerPage: f.PerPage}
	key := NameKey(strings.TrimSpace(f.Q))
	base := f
	base.Q = ""
	w0, args0 := where(d, u, &base)

	parts := ftsParts(key)
	code, _ := listScope(u, f.Within)
	plain := len(code) <= 6 && onlyScope(base) // the index's place tokens are the whole condition
	skip := (f.Page - 1) * f.PerPage
	need := min(skip+f.PerPage, maxRankedDepth) // a deeper page is refused below

	// Exact name, then the names that start with the query: k 0 and 1.
	// When the scope is the whole condition its districts (searchScope,
	// from the tally of the scope's codes) are all of it: the scope's range
	// of community codes is left out, which a plan made once for any
	// arguments (db.DB.Generic) may take for a narrow one and intersect
	// with the name's range (at the Guangzhou scale it did: a bitmap of
	// the city's every organization, 25,137, for a handful of names; the
	// national plan kept to the name's index, issue 19).
	cond, args := w0+` AND `, append([]any(nil), args0...)
	if plain {
		cond, args = ``, nil
	}
	ins := make([]string, len(f.searchDistricts))
	for i, dc := range f.searchDistricts {
		args = append(args, dc)
		ins[i] = ph(len(args))
	}
	prefix, args := d.HasPrefix("o.name_key", key, args)
	args = append(args, key, need)
	prefixQ := `SELECT CASE WHEN o.name_key = ` + ph(len(args)-1) + ` THEN 0 ELSE 1 END AS k, o.id FROM orgs o WHERE ` + cond +
		`o.district_code IN (` + strings.Join(ins, ", ") + `) AND ` + prefix + ` ORDER BY 1, o.id LIMIT ` + ph(len(args))
	// planned once when the scope is the whole condition (db.DB.Generic):
	// the index on (district_code, name_key) serves the districts and the
	// prefix's range for any values
	pool := s.DB.Read
	if plain {
		pool = s.DB.Generic
	}

	// On PostgreSQL, when the places are the whole condition, one
	// statement reads the exact and prefix matches and each part's matches
	// up to one past the cap (k 2, 3, ...): their union counts the matches,
	// and when they are within the cap they are all the matches, which
	// ranking orders here, so no id-order read is needed (a GIN index
	// cannot hand matches over in id order); a part's own count decides
	// its walk. Three round trips for a search (the tally, this, the page)
	// instead of five (issue 19). SQLite's FTS5 reads in id order, cheaper
	// than carrying every match to Go.
	var lists [][]int64 // by k
	var total int
	combined := plain && !d.FullTextOrdered()
	if combined {
		q := `SELECT k, id FROM (` + prefixQ + `) a`
		for i, part := range parts {
			var sub string
			sub, args = part.sqlOnce(d, f.searchIn, args)
			q += ` UNION ALL SELECT ` + strconv.Itoa(2+i) + `, id FROM (SELECT id FROM (` + sub + `) p LIMIT ` +
				strconv.Itoa(searchCountCap+1) + `) q`
		}
		var err error
		if lists, err = s.keyedIDs(ctx, s.DB.Generic, q, args, 2+len(parts)); err != nil {
			return nil, fmt.Errorf("search matches: %w", err)
		}
		total = unionSize(searchCountCap+1, lists[2:]...)
	} else {
		var err error
		if total, err = s.countMatches(ctx, parts, f.searchIn, plain, w0, args0, searchCountCap+1); err != nil {
			return nil, err
		}
	}
	p.Total, p.More = min(total, searchCountCap), total > searchCountCap
	if !p.More && skip >= p.Total {
		return p, nil // past the last page: the count was the whole cost
	}
	if skip+f.PerPage > maxRankedDepth {
		total, err := s.countMatches(ctx, parts, f.searchIn, plain, w0, args0, 0)
		if err != nil {
			return nil, err
		}
		p.Total, p.More = total, false
		if skip >= total {
			return p, nil
		}
		return nil, errs.Field("page", "err.page_too_deep", maxRankedDepth)
	}
	if !combined {
		var err error
		if lists, err = s.keyedIDs(ctx, pool, prefixQ, args, 2); err != nil {
			return nil, fmt.Errorf("search prefix: %w", err)
		}
	}
	r := newRanking(need)
	r.add(lists[0])
	r.add(lists[1])
	if combined && !p.More {
		for i := range parts {
			r.add(lists[2+i])
		}
		return s.rankedPage(ctx, u, p, r.ids, skip)
	}
	collect := func(pool *sql.DB, q string, args []any, limit int) error {
		args = append(args, limit)
		var ids []int64
		if err := s.DB.EachOn(ctx, pool, q+` LIMIT `+ph(len(args)), args, func(rows db.Scanner) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		}); err != nil {
			return fmt.Errorf("search matches: %w", err)
		}
		r.add(ids)
		return nil
	}

	// Then the other matches of the characters, then the pinyin-only ones,
	// in id order, stopping with the page. FTS5 yields them in id order. A
	// GIN index cannot: every match is fetched (and, for a phrase,
	// rechecked) and sorted first, so when they are many (past the count's
	// cap) and the scope is one city or district, the scope's documents are
	// walked in id order instead (org_search_city, org_search_district) and
	// each tested, which stops after the page: for a common word only a few
	// times the page's rows. The walk is bounded (walkedRows): a word
	// common in the city but rare in its first documents would otherwise
	// walk most of the city. The initials are never walked: their query is
	// one whole token, which the GIN index answers without a recheck, and
	// their vector is the largest of the three, the dearest to test row by
	// row (issue 19).
	walk := !d.FullTextOrdered() && p.More && len(f.searchIn) == 1
	for i, part := range parts {
		if r.full() {
			break
		}
		walkPart := walk && part.col != "ini"
		if walkPart && len(parts) > 1 {
			// a pinyin query: only a part with many matches of its own is
			// worth walking (the letters of a name are usually rare)
			n := 0
			if combined {
				n = len(lists[2+i]) // the part's matches up to one past the cap
			} else {
				var err error
				if n, err = s.countMatches(ctx, parts[i:i+1], f.searchIn, true, "", nil, searchCountCap+1); err != nil {
					return nil, err
				}
			}
			walkPart = n > searchCountCap
		}
		if plain {
			// The places are the whole list: no join, and the rows already
			// found (exact, prefix, an earlier part) are skipped by id
			// instead of excluded in the query, which keeps the matches in
			// id order: the statement reads the page's rows whole.
			// Planned once (db.DB.Generic): the index's tokens are the
			// whole condition, so the plan is the same for any query, and
			// planning it for each search cost as much as running it
			// (issue 19).
			var q string
			var args []any
			if walkPart {
				q, args = boundedWalk(d, part, f.searchIn[0], walkedRows(need))
			} else {
				var sub string
				sub, args = part.sqlOnce(d, f.searchIn, nil)
				q = `SELECT m.id FROM (` + sub + `) m ORDER BY m.id`
			}
			if err := collect(s.DB.Generic, q, args, need); err != nil {
				return nil, err
			}
			continue
		}
		args := append([]any(nil), args0...)
		var q, by string
		if walkPart {
			place, cond := placeOf(f.searchIn[0])
			fq := d.FullTextQuery(part.col, scoped(f.searchIn[:1], part.tokens), part.prefix)
			by = `s.org_id`
			args = append(args, place, fq)
			q = `SELECT o.id FROM org_search s JOIN orgs o ON o.id = s.org_id WHERE ` + cond + ph(len(args)-1) +
				` AND ` + d.FullTextRow("s", part.col, ph(len(args))) + ` AND ` + w0
		} else {
			var sub string
			sub, args = part.sql(d, f.searchIn, args)
			q = `SELECT o.id FROM (` + sub + `) m JOIN orgs o ON o.id = m.id WHERE ` + w0
			by = `m.id`
		}
		not, args := d.HasPrefix("o.name_key", key, args)
		q += ` AND NOT (` + not + `)`
		if i > 0 {
			var chars string
			chars, args = parts[0].sql(d, f.searchIn, args)
			q += ` AND o.id NOT IN (` + chars + `)`
		}
		if err := collect(s.DB.Read, q+` ORDER BY `+by, args, need-len(r.ids)); err != nil {
			return nil, err
		}
	}
	return s.rankedPage(ctx, u, p, r.ids, skip)
}

// rankedPage reads the page's rows of a ranked search, in the order found.
func (s *Service) rankedPage(ctx context.Context, u *auth.User, p *Page, ids []int64, skip int) (*Page, error) {
	var err error
	p.Items, err = s.pageRows(ctx, u, ids[min(len(ids), skip):])
	return p, err
}

// keyedIDs reads a statement's rows of (k, id) on the pool into a list of
// ids for each k from 0 to n-1, in the order read.
func (s *Service) keyedIDs(ctx context.Context, pool *sql.DB, q string, args []any, n int) ([][]int64, error) {
	lists := make([][]int64, n)
	err := s.DB.EachOn(ctx, pool, q, args, func(rows db.Scanner) error {
		var k, id int64
		if err := rows.Scan(&k, &id); err != nil {
			return err
		}
		if k < 0 || k >= int64(n) {
			return fmt.Errorf("search: a row of kind %d", k)
		}
		lists[k] = append(lists[k], id)
		return nil
	})
	return lists, err
}

// pageRows reads a search page's organizations, masked for the viewer, in
// the order of ids (any of them gone is left out).
func (s *Service) pageRows(ctx context.Context, u *auth.User, ids []int64) ([]*Org, error) {
	items := []*Org{}
	if len(ids) == 0 {
		return items, nil
	}
	in, args := db.InList(ids, nil)
	byID := map[int64]*Org{}
	// on PostgreSQL by the rows' raw values, as the list's (listrow.go),
	// with a total of 0 where the list has its own
	sel, read := orgColumns, func(rows db.Scanner) (*Org, error) { return scanOrg(rows) }
	if s.DB.Engine == db.Postgres {
		var total int
		sel = orgColumns + `, 0`
		read = rawReader(func(rows db.Scanner) (*Org, error) { return scanOrg(withTotal{rows, &total}) }, &total)
	}
	if err := s.DB.Each(ctx, `SELECT `+sel+` FROM orgs o WHERE o.id IN `+in, args, func(rows db.Scanner) error {
		o, err := read(rows)
		if err != nil {
			return err
		}
		maskFor(u, o)
		byID[o.ID] = o
		return nil
	}); err != nil {
		return nil, fmt.Errorf("search page: %w", err)
	}
	for _, id := range ids {
		if o := byID[id]; o != nil {
			items = append(items, o)
		}
	}
	return items, nil
}

// walkPerRow bounds the documents an id-order walk tests before it hands
// over to the index, per row the page needs: with fifty a word is walked
// while more than one document in fifty holds it (a variable for the tests
// of both ways).
var walkPerRow = 50

// walkedRows is the bound of a walk for a page needing need rows.
func walkedRows(need int) int { return walkPerRow * need }

// boundedWalk is the statement of a part's matches in the place, in id
// order (plain: the place is the list's whole condition; its LIMIT is
// added by the caller): the place's first rows documents in id order, each
// tested, and then, only if the page is not full yet, the index's matches
// past the last document walked, sorted. PostgreSQL runs the branches of a
// UNION ALL one after the other, so the second one costs nothing when the
// first fills the page; no outer ORDER BY, which would start both. It is
// planned once (db.DB.Generic): the query is parsed once an execution.
func boundedWalk(d db.Dialect, part ftsPart, place string, rows int) (string, []any) {
	code, cond := placeOf(place)
	fq := d.FullTextQuery(part.col, scoped([]string{place}, part.tokens), part.prefix)
	first := `SELECT s.org_id FROM org_search s WHERE ` + cond + `$1 ORDER BY s.org_id LIMIT ` + strconv.Itoa(rows)
	return `SELECT id FROM ((SELECT w.org_id AS id FROM (SELECT s.org_id, s.` + part.col + `_tsv FROM org_search s WHERE ` +
		cond + `$1 ORDER BY s.org_id LIMIT ` + strconv.Itoa(rows) + `) w WHERE ` + d.FullTextRow("w", part.col, "$2") +
		` ORDER BY w.org_id) UNION ALL (SELECT m.id FROM ` + d.FullTextOnce("org_search", "org_id", part.col, "$2") +
		` m WHERE m.id > COALESCE((SELECT MAX(org_id) FROM (` + first + `) f), 0) ORDER BY m.id)) x`, []any{code, fq}
}

// countMatches counts the matches of the parts in the places, up to limit
// (0: all of them; usually one past searchCountCap). When plain, the places' tokens are the list's whole
// condition and the index alone counts, each part capped before the union
// (if the union of the capped parts is under the cap, no part was cut, so
// the count is exact); otherwise the matches are checked against the
// list's condition w.
func (s *Service) countMatches(ctx context.Context, parts []ftsPart, places []string, plain bool, w string, args []any, limit int) (int, error) {
	d := s.DB.Dialect
	args = append([]any(nil), args...)
	if plain {
		args = nil // w is not used
	}
	subs := make([]string, len(parts))
	for i, part := range parts {
		if plain {
			subs[i], args = part.sqlOnce(d, places, args)
		} else {
			subs[i], args = part.sql(d, places, args)
		}
	}
	q := `SELECT 1 FROM orgs o WHERE o.id IN (` + strings.Join(subs, " UNION ") + `) AND ` + w
	// the index alone, planned once (db.DB.Generic): the same plan for any
	// query; the list's condition w is planned for its arguments
	pool := s.DB.Read
	if plain {
		pool = s.DB.Generic
		for i, sub := range subs {
			if limit > 0 {
				subs[i] = `SELECT id FROM (SELECT id FROM (` + sub + `) p LIMIT ` + strconv.Itoa(limit) + `) q`
			}
		}
		q = strings.Join(subs, " UNION ")
	}
	if limit > 0 {
		args = append(args, limit)
		q += ` LIMIT ` + ph(len(args))
	}
	var n int
	if err := pool.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+q+`) x`, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count matches: %w", err)
	}
	return n, nil
}

// withTotal scans an organization row followed by the window's count.
type withTotal struct {
	rows  db.Scanner
	total *int
}

func (w withTotal) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.total)...) }
