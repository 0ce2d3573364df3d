package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"linli/internal/orgroll"
	"linli/internal/platform/db"
)

// The place pages' cache. A place's page (its default view: no search, the
// first page of organizations, this month, today's indicators) is made from
// the records once and kept, keyed by place, language and day, while the
// records under the place are unchanged: its version is the sum of the
// dashboards' change counters of the place's districts (kpi_changes, moved
// by organizations, their history, divisions, …) and of the portal's own
// (portal_changes, migration 047, moved by publication settings,
// activities, cases, surveys and their answers, project calls and awards,
// over the place's districts and the places above them). Both move in the
// writer's transaction and only grow, so a request that reads an unchanged
// version (one indexed read, the only round trip of a hit) is served what
// the records would make: a withdrawn publication is gone from the next
// request. The cache (flight.Cache) keeps a page for at most its TTL, which
// bounds what no counter follows (a name read across districts: a city's
// call awarding an organization of another district), and bounds the pages
// kept by the size of their JSON (a district's page is some 30 KB) and room
// for their rendered pages.

// placeVersion reads the version of the records a place's page shows, in
// one statement.
func (s *Service) placeVersion(ctx context.Context, code string) (int64, error) {
	k, args := orgroll.ChangesExpr(code, nil)
	cond, args := db.OverlapCond("place", code[:min(len(code), 6)], args)
	var n int64
	if err := s.DB.QueryRow(ctx, `SELECT CAST(`+k+` + (SELECT COALESCE(SUM(n), 0) FROM portal_changes WHERE `+cond+`) AS BIGINT)`,
		args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("portal: version: %w", err)
	}
	return n, nil
}

// cachedPlace answers a place's default view from the cache, or makes it.
// The Place returned is shared: callers read it and never change it.
func (s *Service) cachedPlace(ctx context.Context, q PlaceQuery, today time.Time) (*Place, error) {
	ver, err := s.placeVersion(ctx, q.Code)
	if err != nil {
		return nil, err
	}
	key := q.Code + "|" + q.Lang + "|" + today.Format(time.DateOnly)
	// requests that miss together on the same version wait for one page
	return s.pages.Get(ctx, key, ver, time.Now(), func() (*Place, int, error) {
		p, err := s.makePlace(ctx, q)
		if err != nil {
			return nil, 0, err
		}
		p.page = &finished{}
		// counted as its JSON and room for its rendered pages (an HTML
		// page is about 1.3 times the JSON)
		size := 4096
		if b, err := json.Marshal(p); err == nil {
			size += len(b) * (1 + 2*maxRendered)
		}
		return p, size, nil
	})
}

// finished keeps a cached place's rendered pages, for visitors who are not
// signed in and ask for nothing but the page (no query): the page then
// depends only on the place's data, the language (in the cache's key) and
// the page's own address (scheme, host and path, its Open Graph URL), by
// which at most maxRendered are kept.
type finished struct {
	mu sync.Mutex
	m  map[string][]byte
}

const maxRendered = 2

func (f *finished) get(url string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.m[url]
}

func (f *finished) put(url string, page []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[string][]byte{}
	}
	if len(f.m) < maxRendered {
		f.m[url] = page
	}
}

// NoPageCache turns the place pages' cache off (for measuring pages made
// from the records) or back on.
func (s *Service) NoPageCache(off bool) {
	s.pages.SetOff(off)
}
