package portal

import (
	"container/list"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"linli/internal/kpi"
	"linli/internal/platform/db"
	"linli/internal/platform/flight"
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
// request. pageTTL bounds what no counter follows (a name read across
// districts: a city's call awarding an organization of another district).
const (
	pageTTL = 5 * time.Minute
	// pageBudget bounds the pages kept, by the size of their JSON (a
	// district's page is some 30 KB): a few hundred pages, a small part of
	// the server's 100 MiB soft limit.
	pageBudget = 16 << 20
)

// placeVersion reads the version of the records a place's page shows, in
// one statement.
func (s *Service) placeVersion(ctx context.Context, code string) (int64, error) {
	k, args := kpi.ChangesExpr(code, nil)
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
	now := time.Now()
	if p, ok := s.pages.get(key, ver, now); ok {
		return p, nil
	}
	// requests that miss together on the same version wait for one page
	return s.pages.flight.Do(ctx, key+"|"+strconv.FormatInt(ver, 10), func() (*Place, error) {
		p, err := s.makePlace(ctx, q)
		if err != nil {
			return nil, err
		}
		p.page = &finished{}
		// counted as its JSON and room for its rendered pages (an HTML
		// page is about 1.3 times the JSON)
		size := 4096
		if b, err := json.Marshal(p); err == nil {
			size += len(b) * (1 + 2*maxRendered)
		}
		s.pages.put(key, ver, now, p, size)
		return p, nil
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

// pageCache is a least-recently-used set of finished pages within a byte
// budget. Its zero value is ready (and off when budget < 0).
type pageCache struct {
	mu     sync.Mutex
	ll     *list.List // front: most recently used
	m      map[string]*list.Element
	bytes  int
	budget int
	flight flight.Group[*Place] // requests that miss together wait for one page
}

type pageEntry struct {
	key  string
	ver  int64
	at   time.Time
	p    *Place
	size int
}

func (c *pageCache) get(key string, ver int64, now time.Time) (*Place, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*pageEntry)
	if e.ver != ver || now.Sub(e.at) > pageTTL || now.Before(e.at) {
		c.remove(el)
		return nil, false
	}
	c.ll.MoveToFront(el)
	return e.p, true
}

func (c *pageCache) put(key string, ver int64, now time.Time, p *Place, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.budget < 0 {
		return
	}
	if c.m == nil {
		c.ll, c.m = list.New(), map[string]*list.Element{}
	}
	budget := c.budget
	if budget == 0 {
		budget = pageBudget
	}
	if size > budget/8 {
		return // a page this large is cheaper remade than kept
	}
	if el, ok := c.m[key]; ok {
		if el.Value.(*pageEntry).ver > ver {
			return // a newer page came first
		}
		c.remove(el)
	}
	c.m[key] = c.ll.PushFront(&pageEntry{key: key, ver: ver, at: now, p: p, size: size})
	c.bytes += size
	for c.bytes > budget {
		c.remove(c.ll.Back())
	}
}

func (c *pageCache) remove(el *list.Element) {
	e := el.Value.(*pageEntry)
	c.ll.Remove(el)
	delete(c.m, e.key)
	c.bytes -= e.size
}

// setBudget sets the cache's byte budget (0: the default; negative: off)
// and empties it.
func (c *pageCache) setBudget(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.budget, c.ll, c.m, c.bytes = n, nil, nil, 0
}

// NoPageCache turns the place pages' cache off (for measuring pages made
// from the records) or back on.
func (s *Service) NoPageCache(off bool) {
	if off {
		s.pages.setBudget(-1)
	} else {
		s.pages.setBudget(0)
	}
}
