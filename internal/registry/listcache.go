package registry

import (
	"context"
	"strconv"
	"strings"

	"linli/internal/orgroll"
	"linli/internal/platform/auth"
)

// The organization list's cache. The first page of a list without a
// search (the page asked over and over: a district's list, an officer's
// own) is made from the records once and kept (flight.Cache, the kind the
// dashboards and coverage reports use), with its JSON, keyed by everything
// that changes the answer (listKey): the narrowed scope, the whole filter,
// the sort, the page size, and what the viewer may see unmasked
// (maskClass). The answer has no language and no date in it.
//
// It is kept while the records under the narrowed scope are unchanged: its
// version is orgroll.Changes, the change counters (kpi_changes) of the
// scope's districts, which every insert, update or delete of an
// organization row advances in the writer's transaction (triggers on both
// engines, or the batch maintenance of a census import), for the district
// it was in and the one it moved to. A page reads only organization rows
// and org_tally (kept by the same rows' triggers), so every change that
// could change a row or the total moves the version: a form edit, an
// import row, a move, a status change, a deletion, a leader's phone, a hub
// flag. Division names are not on the page (a division's change moves the
// counters anyway). The version is read from the database on each request
// (one indexed read, the only statement of a hit), so a write on another
// replica is seen by the next request here.
//
// Later pages and searches are not kept: a later page is rarely asked
// twice before a change, and a crawler walking pages would push the first
// pages out. An organization leader's list (its own records, across
// places) is not kept either.

// listed is a page of a list and, when the cache keeps it, its JSON. It
// is the JSON API's answer (web.Appender).
type listed struct {
	page *Page
	body []byte
}

// AppendJSON writes the page's JSON: the kept encoding, or the page's.
func (l *listed) AppendJSON(b []byte) []byte {
	if l.body != nil {
		return append(b, l.body...)
	}
	return l.page.AppendJSON(b)
}

// NoListCache turns the list cache off (every first page made from the
// records: what a request costs after each change under its scope) or
// back on, and empties it. linli serve turns it off with
// --no-list-cache (LINLI_NO_LIST_CACHE=1); linli bench measures the list both ways.
func (s *Service) NoListCache(off bool) { s.lists.SetOff(off) }

// cachedList answers a list without a search: from the cache when listKey
// keeps it, else from the records.
func (s *Service) cachedList(ctx context.Context, u *auth.User, f Filter, order string) (*listed, error) {
	key, code, ok := listKey(u, f)
	if !ok || s.lists.Off() {
		p, err := s.listPage(ctx, u, f, order)
		return &listed{page: p}, err
	}
	ver, err := orgroll.Changes(ctx, s.DB, code)
	if err != nil {
		return nil, err
	}
	return s.lists.Get(ctx, key, ver, s.now(), func() (*listed, int, error) {
		s.listBuilds.Add(1)
		p, err := s.listPage(ctx, u, f, order)
		if err != nil {
			return nil, 0, err
		}
		body := p.AppendJSON(nil)
		// counted as its JSON and the organizations it encodes (about
		// twice the JSON)
		return &listed{page: p, body: body}, 3*len(body) + 256, nil
	})
}

// listKey is the cache key of a list page and the division whose change
// counters version it; ok is false for a page the cache does not keep (a
// later page, a leader's list, a scope the viewer does not cover). A list
// without a search reads the rows below the narrowed code (where), filtered
// by every other field of Filter (TestListKeyCoversFilter), masked for the
// viewer's class.
func listKey(u *auth.User, f Filter) (key, code string, ok bool) {
	if f.Page != 1 || strings.TrimSpace(f.Q) != "" {
		return "", "", false
	}
	class, ok := maskClass(u)
	if !ok {
		return "", "", false
	}
	if code, ok = u.Narrow(f.Within); !ok {
		return "", "", false
	}
	b := make([]byte, 0, 96)
	for _, v := range [...]string{class, code, f.Tier, f.Type, f.TargetGroup, f.Status, f.Sort} {
		b = strconv.AppendQuote(b, v) // quoted: no two filters share a key
	}
	for _, v := range [...]bool{f.Hub, f.Brand, f.Demonstration, f.VolunteerMark} {
		b = strconv.AppendBool(append(b, ' '), v)
	}
	b = strconv.AppendInt(append(b, ' '), int64(f.PerPage), 10)
	return string(b), code, true
}
