package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/flight"
)

// The search index in memory. A search ranked by relevance over a scope's
// districts whole (a district officer's, a city administrator's, the
// common search box) is answered from each district's search documents
// kept in memory (placeIndex), versioned like the list cache: by the
// district's change counter (orgroll.ChangesIn, kpi_changes), which every
// write of an organization row advances in the writer's transaction, for
// the district it was in and the one it moved to, and the search document
// is written in that same transaction (saveChanges, the census import).
// So a document read here is the one the database holds at the version
// read on this request, on every replica. A change rebuilds only its
// district's index (one read of the district's names and syllables).
//
// Why: the database's full-text index finds matches but cannot hand them
// over in id order, the order a ranked page needs; PostgreSQL's GIN index
// must build the bitmap of every match in the city and recheck each
// phrase before the first row, and a national search cost 3–7 ms of
// linli's and the server's CPU in five round trips (issue 19). In memory
// the same answer costs a postings list and a substring test per
// candidate, and the request's statements are the tally, the counters and
// the page's rows.
//
// The answer is the full-text path's to the row (TestSearchIndexMatches
// Records): the same tokens (SearchDoc's columns as stored), the same
// order (exact name, prefix, the characters, the initials, the
// syllables; ties by id), the same capped count. Lists with another
// filter than the scope, another order, a page deeper than
// maxRankedDepth, or a district too large to keep go the database's way.

// placeIndex is the search documents of one district, in id order.
type placeIndex struct {
	ids   []int64
	keys  []string // the normalized name (name_key), for the exact and prefix matches
	chars []string // the name's letters and digits, concatenated
	py    []string // " " and the syllables, space-separated
	ini   []string // the syllables' initials
	// byRune lists the documents holding each letter or digit; byIni1 the
	// documents holding an initial (ASCII, by byte); byIni2 each adjacent
	// pair of initials.
	byRune map[rune][]int32
	byIni1 [utf8.RuneSelf][]int32
	byIni2 map[uint16][]int32
	byKey  []int32 // the documents in name_key order, for the prefix matches
	size   int     // bytes, for the cache's budget
}

// maxIndexedDocs bounds the documents of a district kept in memory (about
// 340 bytes each, BenchmarkPlaceIndex: under an eighth of the budget); a larger
// district is searched in the database. maxIndexedTotal bounds a search's
// districts together. Variables for the tests.
var (
	maxIndexedDocs  = 9_000
	maxIndexedTotal = 120_000
)

// searchIndexBudget is the bytes of the documents kept in memory.
const searchIndexBudget = 24 << 20

// NoSearchIndex turns the in-memory search index off (every search goes
// to the database's full-text index) or back on, and empties it. linli
// serve turns it off with --no-search-index (LINLI_NO_SEARCH_INDEX=1);
// linli bench measures search both ways.
func (s *Service) NoSearchIndex(off bool) { s.placeCache().SetOff(off) }

// placeCache is the districts' indexes, with their budget.
func (s *Service) placeCache() *flight.Cache[*placeIndex] {
	s.placesOnce.Do(func() { s.places.Budget = searchIndexBudget })
	return &s.places
}

// buildPlace reads a district's documents.
func (s *Service) buildPlace(ctx context.Context, district string) (*placeIndex, int, error) {
	s.placeBuilds.Add(1)
	x := newPlaceIndex()
	err := s.DB.Each(ctx, `SELECT o.id, o.name_key, s.chars, s.py FROM orgs o JOIN org_search s ON s.org_id = o.id
		WHERE o.district_code = $1 ORDER BY o.id`, []any{district}, func(r db.Scanner) error {
		var id int64
		var key, chars, py string
		if err := r.Scan(&id, &key, &chars, &py); err != nil {
			return err
		}
		x.add(id, key, chars, py)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("search index of %s: %w", district, err)
	}
	x.finish()
	return x, x.size, nil
}

func newPlaceIndex() *placeIndex {
	return &placeIndex{byRune: map[rune][]int32{}, byIni2: map[uint16][]int32{}}
}

// add appends a document (ids ascending): the organization's name_key and
// its search document's chars and py columns as stored (SearchDoc).
func (x *placeIndex) add(id int64, key, chars, py string) {
	doc := int32(len(x.ids))
	chars = strings.ReplaceAll(chars, " ", "")
	ini := make([]byte, 0, len(chars))
	for syl := range strings.FieldsSeq(py) {
		ini = append(ini, syl[0])
	}
	x.ids = append(x.ids, id)
	x.keys = append(x.keys, key)
	x.chars = append(x.chars, chars)
	x.py = append(x.py, " "+py)
	x.ini = append(x.ini, string(ini))
	x.size += len(key) + len(chars) + len(py) + 1 + len(ini) + 4*16 + 40
	for i, r := range chars {
		if !strings.ContainsRune(chars[:i], r) {
			x.byRune[r] = append(x.byRune[r], doc)
			x.size += 4
		}
	}
	for i, c := range ini {
		if c < utf8.RuneSelf && !slices.Contains(ini[:i], c) {
			x.byIni1[c] = append(x.byIni1[c], doc)
			x.size += 4
		}
		if i > 0 {
			pair := uint16(ini[i-1])<<8 | uint16(c)
			if l := x.byIni2[pair]; len(l) == 0 || l[len(l)-1] != doc {
				x.byIni2[pair] = append(l, doc)
				x.size += 4
			}
		}
	}
}

// finish orders the names, once every document is added.
func (x *placeIndex) finish() {
	x.byKey = make([]int32, len(x.ids))
	for i := range x.byKey {
		x.byKey[i] = int32(i)
	}
	slices.SortFunc(x.byKey, func(a, b int32) int { return strings.Compare(x.keys[a], x.keys[b]) })
	x.size += 4*len(x.byKey) + 48*(len(x.byRune)+len(x.byIni2)) + 256
}

// indexQuery is a search's query as the index tests it (see ftsParts).
type indexQuery struct {
	key   string // the normalized query: exact and prefix matches
	chars string // its letters and digits, in sequence
	ini   string // for a pinyin query: its first iniMax letters, a run of the initials
	py    string // for a pinyin query that splits into syllables: " " and the syllables
	pyIni string // the initials of those syllables
}

func newIndexQuery(key string) indexQuery {
	q := indexQuery{key: key, chars: strings.Join(queryChars(key), "")}
	if isPinyinQuery(key) {
		q.ini = key[:min(len(key), iniMax)]
		if syl := splitPinyin(key); syl != nil {
			q.py = " " + strings.Join(syl, " ")
			for _, s := range syl {
				q.pyIni += s[:1]
			}
		}
	}
	return q
}

// placeMatches are a district's matches of a query, as documents, each
// list ascending: exact and prefix hold every match; chars, ini and py at
// most limit, and n is the size of their union, at most limit.
type placeMatches struct {
	exact, prefix, chars, ini, py []int32
	n                             int
}

// match finds the query's matches in the district.
func (x *placeIndex) match(q indexQuery, limit int) placeMatches {
	var m placeMatches
	// The names that begin with the query: a range of byKey.
	from, _ := slices.BinarySearchFunc(x.byKey, q.key, func(doc int32, key string) int { return strings.Compare(x.keys[doc], key) })
	for _, doc := range x.byKey[from:] {
		if !strings.HasPrefix(x.keys[doc], q.key) {
			break
		}
		if len(x.keys[doc]) == len(q.key) {
			m.exact = append(m.exact, doc)
		} else {
			m.prefix = append(m.prefix, doc)
		}
	}
	slices.Sort(m.exact)
	slices.Sort(m.prefix)
	// The characters: the documents holding the query's rarest letter,
	// each tested, up to the limit.
	var cand []int32
	for i, r := range q.chars {
		l := x.byRune[r]
		if i == 0 || len(l) < len(cand) {
			cand = l
		}
		if len(l) == 0 {
			break
		}
	}
	for _, doc := range cand {
		if len(m.chars) == limit {
			break
		}
		if strings.Contains(x.chars[doc], q.chars) {
			m.chars = append(m.chars, doc)
		}
	}
	if q.ini != "" {
		m.ini = x.initials(q.ini, limit, func(doc int32) bool { return strings.Contains(x.ini[doc], q.ini) })
	}
	if q.py != "" {
		m.py = x.initials(q.pyIni, limit, func(doc int32) bool { return strings.Contains(x.py[doc], q.py) })
	}
	m.n = unionSize(limit, m.chars, m.ini, m.py)
	return m
}

// initials lists up to limit documents whose initials hold the run, and
// which pass test, from the postings of its rarest pair of initials (of
// the initial, for one letter).
func (x *placeIndex) initials(run string, limit int, test func(int32) bool) []int32 {
	if run == "" || run[0] >= utf8.RuneSelf {
		return nil
	}
	cand := x.byIni1[run[0]]
	for i := 1; i < len(run); i++ {
		l := x.byIni2[uint16(run[i-1])<<8|uint16(run[i])]
		if i == 1 || len(l) < len(cand) {
			cand = l
		}
	}
	var out []int32
	for _, doc := range cand {
		if len(out) == limit {
			break
		}
		if test(doc) {
			out = append(out, doc)
		}
	}
	return out
}

// ranking is a ranked search's first need ids, in the one order of every
// way a search is answered (the index in memory, the database's full-text
// index read in id order, its capped matches ordered here): lists added
// in rank (exact name, prefix, the characters, the initials, the
// syllables), each by id, an id only where it first comes.
type ranking struct {
	need int
	ids  []int64
	seen map[int64]bool
}

func newRanking(need int) *ranking {
	return &ranking{need: need, ids: make([]int64, 0, need), seen: map[int64]bool{}}
}

// full reports whether the page's rows are all found.
func (r *ranking) full() bool { return len(r.ids) >= r.need }

// add appends the ids of the next rank not already found, by id (l is
// sorted in place), up to need.
func (r *ranking) add(l []int64) {
	slices.Sort(l)
	for _, id := range l {
		if r.full() {
			return
		}
		if !r.seen[id] {
			r.seen[id] = true
			r.ids = append(r.ids, id)
		}
	}
}

// unionSize is the size of the union of lists of ids, at most limit.
func unionSize[ID int32 | int64](limit int, lists ...[]ID) int {
	var all []ID
	for _, l := range lists {
		all = append(all, l...)
	}
	slices.Sort(all)
	return min(len(slices.Compact(all)), limit)
}

// searchPlaces is a scope's districts that hold organizations, and how
// many each holds (from the tally), kept per scope at the version of its
// districts' counters, which every write of an organization row advances
// with the tally.
type searchPlaces struct {
	districts []string
	largest   int // the organizations of the largest district
	total     int
	cities    int
}

// scopePlaces reads a scope's districts from the tally.
func (s *Service) scopePlaces(ctx context.Context, code string) (*searchPlaces, int, error) {
	in, args := db.ScopeCond("code", code, nil)
	sp := &searchPlaces{}
	if err := s.DB.Each(ctx, `SELECT code, SUM(n) FROM org_tally WHERE lvl = 3 AND `+in+`
		GROUP BY code ORDER BY code`, args, func(r db.Scanner) error {
		var d string
		var n int
		if err := r.Scan(&d, &n); err != nil {
			return err
		}
		if n > 0 {
			if len(sp.districts) == 0 || sp.districts[len(sp.districts)-1][:4] != d[:4] {
				sp.cities++ // in code order: a city's districts come together
			}
			sp.districts, sp.largest, sp.total = append(sp.districts, d), max(sp.largest, n), sp.total+n
		}
		return nil
	}); err != nil {
		return nil, 0, fmt.Errorf("search districts: %w", err)
	}
	return sp, 64 + 24*len(sp.districts), nil
}

// indexedSearch answers a search ranked by relevance over a scope's
// districts whole (no other filter; a district or wider) from the
// districts' documents in memory; ok is false when the index does not
// answer it (then searchList asks the database): the index off, another
// order or filter, a page deeper than maxRankedDepth, a list small enough
// to scan (searchScope), a scope of more than maxSearchCities cities or
// maxIndexedTotal organizations, a district over maxIndexedDocs.
func (s *Service) indexedSearch(ctx context.Context, u *auth.User, f Filter) (_ *Page, ok bool, _ error) {
	key := NameKey(strings.TrimSpace(f.Q))
	skip := (f.Page - 1) * f.PerPage
	need := skip + f.PerPage
	g := f
	g.Q = ""
	code, in := listScope(u, f.Within)
	if s.placeCache().Off() || !in || len(code) > 6 || !onlyScope(g) || (f.Sort != "" && f.Sort != "relevance") ||
		len(queryChars(key)) == 0 || need > maxRankedDepth {
		return nil, false, nil
	}
	ver, err := orgroll.ChangesIn(ctx, s.DB, code)
	if err != nil {
		return nil, false, err
	}
	var all int64
	for _, n := range ver {
		all += n
	}
	sp, err := s.scopes.Get(ctx, code, all, s.now(), func() (*searchPlaces, int, error) { return s.scopePlaces(ctx, code) })
	if err != nil {
		return nil, false, err
	}
	if sp.total < scanLimit || sp.total > maxIndexedTotal || sp.cities > maxSearchCities || sp.largest > maxIndexedDocs {
		return nil, false, nil
	}

	q := newIndexQuery(key)
	var exact, prefix, chars, ini, py []int64
	count := 0
	ids := func(x *placeIndex, docs []int32, to []int64) []int64 {
		for _, d := range docs {
			to = append(to, x.ids[d])
		}
		return to
	}
	for _, d := range sp.districts {
		x, err := s.placeCache().Get(ctx, d, ver[d]+ver[""], s.now(), func() (*placeIndex, int, error) {
			return s.buildPlace(ctx, d)
		})
		if err != nil {
			return nil, false, err
		}
		// each district's lists stop at the page's rows and one past the
		// count's cap; once the districts so far are past the cap, at the
		// page's rows
		limit := need
		if count <= searchCountCap {
			limit = max(need, searchCountCap+1)
		}
		m := x.match(q, limit)
		exact, prefix = ids(x, m.exact, exact), ids(x, m.prefix, prefix)
		chars, ini, py = ids(x, m.chars, chars), ids(x, m.ini, ini), ids(x, m.py, py)
		count += m.n
	}
	p := &Page{Items: []*Org{}, Page: f.Page, PerPage: f.PerPage}
	p.Total, p.More = min(count, searchCountCap), count > searchCountCap
	if !p.More && skip >= p.Total {
		return p, true, nil
	}
	// Each district's lists are in id order; the scope's first rows of
	// each kind are among them.
	r := newRanking(need)
	for _, l := range [][]int64{exact, prefix, chars, ini, py} {
		r.add(l)
	}
	if skip >= len(r.ids) {
		return p, true, nil
	}
	p.Items, err = s.pageRows(ctx, u, r.ids[skip:])
	return p, true, err
}
