package flight

import (
	"container/list"
	"context"
	"strconv"
	"sync"
	"time"
)

// Defaults of a Cache whose fields are zero.
const (
	DefaultTTL = 5 * time.Minute
	// DefaultBudget bounds a cache's values by their declared sizes: a
	// small part of the server's 100 MiB soft limit.
	DefaultBudget = 16 << 20
)

// Cache keeps values made from the records, each valid while the version
// its caller reads (a sum of change counters moved in the writers'
// transactions, which only grow) is the one it was made at, and for at most
// TTL. It is bounded by a byte budget, the least recently used value going
// first; a value over an eighth of the budget is cheaper made again than
// kept. Requests that miss on the same key and version wait for one build
// (Group). A value of an older version never replaces a newer one. The
// dashboards, the portal's place pages and the coverage reports share it.
//
// Values are shared by every request served them: callers never change
// one. The zero value is ready, with DefaultTTL and DefaultBudget.
type Cache[T any] struct {
	TTL    time.Duration // 0: DefaultTTL
	Budget int           // bytes; 0: DefaultBudget

	mu     sync.Mutex
	off    bool
	ll     *list.List // front: the most recently used
	m      map[string]*list.Element
	bytes  int
	flight Group[T]
}

type entry[T any] struct {
	key  string
	ver  int64
	at   time.Time
	v    T
	size int
}

// Get returns the value kept for key if it was made at version ver no
// longer than TTL before now; otherwise build's, kept with its size in
// bytes. When the cache is off every call builds.
func (c *Cache[T]) Get(ctx context.Context, key string, ver int64, now time.Time, build func() (T, int, error)) (T, error) {
	if v, ok := c.get(key, ver, now); ok {
		return v, nil
	}
	if c.Off() {
		v, _, err := build()
		return v, err
	}
	// requests that miss together on the same version wait for one build
	return c.flight.Do(ctx, key+"|"+strconv.FormatInt(ver, 10), func() (T, error) {
		// a build that ended between the miss and now left its value
		if v, ok := c.get(key, ver, now); ok {
			return v, nil
		}
		v, size, err := build()
		if err != nil {
			return v, err
		}
		c.put(key, ver, now, v, size)
		return v, nil
	})
}

func (c *Cache[T]) get(key string, ver int64, now time.Time) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero T
	el, ok := c.m[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*entry[T])
	ttl := c.TTL
	if ttl == 0 {
		ttl = DefaultTTL
	}
	if e.ver != ver || now.Sub(e.at) > ttl || now.Before(e.at) {
		if e.ver <= ver { // a request that read an older version leaves a newer value
			c.remove(el)
		}
		return zero, false
	}
	c.ll.MoveToFront(el)
	return e.v, true
}

func (c *Cache[T]) put(key string, ver int64, now time.Time, v T, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.off {
		return
	}
	budget := c.Budget
	if budget == 0 {
		budget = DefaultBudget
	}
	if size > budget/8 {
		return
	}
	if c.m == nil {
		c.ll, c.m = list.New(), map[string]*list.Element{}
	}
	if el, ok := c.m[key]; ok {
		if el.Value.(*entry[T]).ver > ver {
			return // a newer value came first
		}
		c.remove(el)
	}
	c.m[key] = c.ll.PushFront(&entry[T]{key: key, ver: ver, at: now, v: v, size: size})
	c.bytes += size
	for c.bytes > budget {
		c.remove(c.ll.Back())
	}
}

func (c *Cache[T]) remove(el *list.Element) {
	e := el.Value.(*entry[T])
	c.ll.Remove(el)
	delete(c.m, e.key)
	c.bytes -= e.size
}

// SetOff turns the cache off (every Get builds: for measuring what a
// request costs after a change) or back on, and empties it.
func (c *Cache[T]) SetOff(off bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off = off
	c.clear()
}

// Off reports whether the cache is off.
func (c *Cache[T]) Off() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.off
}

// Clear empties the cache.
func (c *Cache[T]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clear()
}

func (c *Cache[T]) clear() { c.ll, c.m, c.bytes = nil, nil, 0 }

// Len is how many values the cache keeps.
func (c *Cache[T]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// Bytes is the sum of the kept values' sizes.
func (c *Cache[T]) Bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}
