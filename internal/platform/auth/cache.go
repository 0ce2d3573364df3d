package auth

import (
	"container/list"
	"sync"
	"time"
)

// sessionCache keeps, for a few seconds, who a session or API token
// belongs to, so that a burst of requests with one cookie reads the
// sessions and users tables once instead of once per request. It is
// bounded (least recently used entries go first) and keyed by the token's
// hash, never the token. Everything this Service changes about accounts,
// sessions or tokens empties it (forget), so sign-out, disabling, a new
// password, a second factor reset or a revoked token take effect at once on
// this replica; on another replica they take effect within the TTL.
type sessionCache struct {
	ttl time.Duration
	max int
	mu  sync.Mutex
	ll  *list.List // front: most recently used
	m   map[string]*list.Element
}

type cachedSession struct {
	key      string
	u        User
	at       time.Time // when read from the database (wall clock with monotonic reading)
	lastSeen time.Time // the session's last-seen time as read (or as touched)
	expires  time.Time // the session's absolute expiry; zero for an API token
}

func newSessionCache(ttl time.Duration, max int) *sessionCache {
	return &sessionCache{ttl: ttl, max: max, ll: list.New(), m: map[string]*list.Element{}}
}

// get returns the entry for key if it was read less than the TTL ago.
func (c *sessionCache) get(key string) (cachedSession, bool) {
	if c == nil {
		return cachedSession{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[key]
	if !ok {
		return cachedSession{}, false
	}
	e := el.Value.(*cachedSession)
	if time.Since(e.at) >= c.ttl {
		c.ll.Remove(el)
		delete(c.m, key)
		return cachedSession{}, false
	}
	c.ll.MoveToFront(el)
	return *e, true
}

func (c *sessionCache) put(e cachedSession) {
	if c == nil {
		return
	}
	e.at = time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[e.key]; ok {
		*el.Value.(*cachedSession) = e
		c.ll.MoveToFront(el)
		return
	}
	c.m[e.key] = c.ll.PushFront(&e)
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.m, last.Value.(*cachedSession).key)
	}
}

// drop forgets one entry.
func (c *sessionCache) drop(key string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[key]; ok {
		c.ll.Remove(el)
		delete(c.m, key)
	}
}

// clear forgets every entry.
func (c *sessionCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ll.Init()
	clear(c.m)
}

// SessionCacheMax bounds the sessions and tokens cached at once.
const SessionCacheMax = 4096

func (s *Service) cache() *sessionCache {
	if s.SessionTTL <= 0 {
		return nil
	}
	s.cacheOnce.Do(func() { s.sessions = newSessionCache(s.SessionTTL, SessionCacheMax) })
	return s.sessions
}

// Forget empties the session cache: for a change to an account made
// outside this Service (the registry binding an organization's leader to
// the organization it registered), so that the next request reads it.
func (s *Service) Forget() { s.cache().clear() }
