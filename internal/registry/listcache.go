package registry

import (
	"context"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
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
		p, err := s.listPage(ctx, u, f, order, nil)
		return &listed{page: p}, err
	}
	if s.DB.Engine == db.Postgres {
		if l, err := s.checkedList(ctx, u, f, order, key, code); l != nil || err != nil {
			return l, err
		}
	}
	ver, err := orgroll.Changes(ctx, s.DB, code)
	if err != nil {
		return nil, err
	}
	return s.lists.Get(ctx, key, ver, s.now(), func() (*listed, int, error) {
		s.listBuilds.Add(1)
		p, err := s.listPage(ctx, u, f, order, nil)
		if err != nil {
			return nil, 0, err
		}
		body := p.AppendJSON(nil)
		// counted as its JSON and the organizations it encodes (about
		// twice the JSON)
		return &listed{page: p, body: body}, 3*len(body) + 256, nil
	})
}

// checkedList is cachedList in one round trip on PostgreSQL, where the
// version read and the page were two (the first page after a change cost
// twice a page's fixed cost: the statement's server time and the round
// trip, issue 19). One statement reads the version of the records under
// code and, only when it is not the kept page's, the page (versionCheck);
// a page read so is kept at the version read with it, in the same
// snapshot. Requests that miss together each read the page (no waiting for
// one build: the version and the page come together). nil, nil when the
// rows could not be read so (their columns changed): cachedList's way then.
func (s *Service) checkedList(ctx context.Context, u *auth.User, f Filter, order, key, code string) (*listed, error) {
	kept, known, ok := s.lists.Kept(key, s.now())
	if !ok {
		known = -1 // counters only grow from 0: the page is read
	}
	vc := &versionCheck{code: code, known: known}
	p, err := s.listPage(ctx, u, f, order, vc)
	switch {
	case err != nil:
		return nil, err
	case vc.unread:
		return nil, nil
	case ok && vc.ver == known:
		return kept, nil
	}
	s.listBuilds.Add(1)
	body := p.AppendJSON(nil)
	l := &listed{page: p, body: body}
	s.lists.Put(key, vc.ver, s.now(), l, 3*len(body)+256) // sized as cachedList's
	return l, nil
}

// versionCheck is the version read that comes with a page (checkedList):
// the division whose records version the page (orgroll.Changes), the
// version of the kept page (-1: none), and, once read, the version and
// whether the rows could be read.
type versionCheck struct {
	code   string
	known  int64
	ver    int64
	unread bool
}

// statement is the page's statement behind the version: one row of the
// version and no page when it is vc.known (the page's part is not run: its
// only condition on the version is a one-time filter), else the version
// beside each row of the page (one row of NULLs beside it for an empty
// page). The page's part is a LATERAL subquery, joined by a nested loop to
// the version's one row, so its rows come in its own order.
func (vc *versionCheck) statement(sel, w, orderLimit string, args []any) (string, []any) {
	expr, args := orgroll.ChangesExpr(vc.code, args)
	args = append(args, vc.known)
	return `SELECT v.n, p.* FROM (SELECT CAST(` + expr + ` AS BIGINT) AS n OFFSET 0) v LEFT JOIN LATERAL (SELECT ` + sel +
		` FROM orgs o WHERE (` + w + `) AND v.n <> ` + ph(len(args)) + ` ORDER BY ` + orderLimit + `) p ON true`, args
}

// read reads statement's rows by their raw values (rawOrg): the version
// into vc.ver, and the organization beside it, nil when there is none. A
// row set whose columns rawOrg does not read sets vc.unread and stops.
func (vc *versionCheck) read(total *int) func(db.Scanner) (*Org, error) {
	fits := false
	return func(rows db.Scanner) (*Org, error) {
		raw, ok := rows.(rawRows)
		if !fits {
			fds := []pgconn.FieldDescription(nil)
			if ok {
				fds = raw.FieldDescriptions()
			}
			if len(fds) == 0 || fds[0].DataTypeOID != pgtype.Int8OID || fds[0].Format != pgtype.BinaryFormatCode ||
				!rawFits(fds[1:]) {
				vc.unread = true
				return nil, errUnread
			}
			fits = true
		}
		vals := raw.RawValues()
		if len(vals) == 0 || len(vals[0]) != 8 {
			return nil, errRaw
		}
		vc.ver = int64(binary.BigEndian.Uint64(vals[0]))
		if len(vals) > 1 && vals[1] == nil {
			return nil, nil // the version alone: the kept page stands, or an empty page
		}
		return rawOrg(vals[1:], total)
	}
}

// errUnread stops a version-checked page whose rows rawOrg cannot read.
var errUnread = errors.New("registry: list rows not read raw")

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
