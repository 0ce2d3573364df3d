package portal

import (
	"strconv"
	"testing"
	"time"
)

// The page cache stays within its byte budget, the least recently used
// page going first; a page of another version is no hit (and is dropped);
// an older version never replaces a newer one; off keeps nothing.
func TestPageCacheBounds(t *testing.T) {
	now := time.Date(2023, 6, 15, 10, 0, 0, 0, time.UTC)
	var c pageCache
	c.setBudget(1000)
	for i := range 10 {
		c.put("p"+strconv.Itoa(i), 1, now, &Place{Code: strconv.Itoa(i)}, 100)
	}
	if c.bytes != 1000 || len(c.m) != 10 {
		t.Fatalf("%d bytes in %d pages, want 1000 in 10", c.bytes, len(c.m))
	}
	if _, ok := c.get("p0", 1, now); !ok { // p0 is now the most recent
		t.Fatal("p0 missing")
	}
	c.put("p10", 1, now, &Place{}, 100)
	if _, ok := c.get("p1", 1, now); ok {
		t.Error("p1, the least recently used, kept over the budget")
	}
	if _, ok := c.get("p0", 1, now); !ok {
		t.Error("p0, just used, dropped")
	}
	if c.bytes > 1000 {
		t.Errorf("%d bytes over the budget of 1000", c.bytes)
	}
	c.put("big", 1, now, &Place{}, 200) // over an eighth of the budget: not kept
	if _, ok := c.get("big", 1, now); ok {
		t.Error("a page over an eighth of the budget kept")
	}
	if _, ok := c.get("p2", 2, now); ok {
		t.Error("a page of version 1 served for version 2")
	}
	if _, ok := c.get("p2", 1, now); ok {
		t.Error("a stale page kept after a newer version was asked for")
	}
	c.put("p3", 5, now, &Place{Code: "new"}, 100)
	c.put("p3", 4, now, &Place{Code: "old"}, 100)
	if p, ok := c.get("p3", 5, now); !ok || p.Code != "new" {
		t.Errorf("version 5 replaced by version 4: %v %v", p, ok)
	}
	if _, ok := c.get("p3", 5, now.Add(pageTTL+time.Second)); ok {
		t.Error("a page served past its TTL")
	}
	c.setBudget(-1)
	c.put("p4", 1, now, &Place{}, 100)
	if _, ok := c.get("p4", 1, now); ok {
		t.Error("the cache off kept a page")
	}
}
