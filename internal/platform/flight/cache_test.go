package flight_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"linli/internal/platform/flight"
)

var now = time.Date(2023, 6, 15, 10, 0, 0, 0, time.UTC)

// get reads a key at a version through the cache; built tells whether the
// value was made by this call.
func get(t *testing.T, c *flight.Cache[string], key string, ver int64, at time.Time, v string, size int) (got string, built bool) {
	t.Helper()
	got, err := c.Get(context.Background(), key, ver, at, func() (string, int, error) {
		built = true
		return v, size, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, built
}

// The cache stays within its byte budget, the least recently used value
// going first; a value of another version is no hit (and an older one is
// dropped); an older version never replaces a newer one; a value over an
// eighth of the budget is not kept; the TTL ends a value; off keeps
// nothing and builds on every call.
func TestCacheBounds(t *testing.T) {
	c := &flight.Cache[string]{Budget: 1000, TTL: time.Minute}
	for i := range 10 {
		get(t, c, "p"+strconv.Itoa(i), 1, now, "v"+strconv.Itoa(i), 100)
	}
	if c.Bytes() != 1000 || c.Len() != 10 {
		t.Fatalf("%d bytes in %d values, want 1000 in 10", c.Bytes(), c.Len())
	}
	if v, built := get(t, c, "p0", 1, now, "x", 100); built || v != "v0" { // p0 is now the most recent
		t.Fatalf("p0: %q built %v, want the kept v0", v, built)
	}
	get(t, c, "p10", 1, now, "v10", 100)
	if _, built := get(t, c, "p1", 1, now, "v1", 100); !built {
		t.Error("p1, the least recently used, kept over the budget")
	}
	if _, built := get(t, c, "p0", 1, now, "x", 100); built {
		t.Error("p0, just used, dropped")
	}
	if c.Bytes() > 1000 {
		t.Errorf("%d bytes over the budget of 1000", c.Bytes())
	}
	get(t, c, "big", 1, now, "big", 200) // over an eighth of the budget: not kept
	if _, built := get(t, c, "big", 1, now, "big", 200); !built {
		t.Error("a value over an eighth of the budget kept")
	}
	if v, built := get(t, c, "p2", 2, now, "v2'", 100); !built || v != "v2'" {
		t.Errorf("version 2 served %q (built %v), want a new value", v, built)
	}
	if v, built := get(t, c, "p2", 2, now, "x", 100); built || v != "v2'" {
		t.Errorf("version 2 not kept: %q built %v", v, built)
	}

	// a request that read an older version gets its own value and leaves
	// the newer one
	get(t, c, "p3", 5, now, "new", 100)
	if v, built := get(t, c, "p3", 4, now, "old", 100); !built || v != "old" {
		t.Errorf("version 4 asked: %q built %v, want its own value", v, built)
	}
	if v, built := get(t, c, "p3", 5, now, "x", 100); built || v != "new" {
		t.Errorf("version 5 replaced by version 4: %q built %v", v, built)
	}
	if _, built := get(t, c, "p3", 5, now.Add(time.Minute+time.Second), "x", 100); !built {
		t.Error("a value served past its TTL")
	}
	if _, built := get(t, c, "p4", 5, now.Add(-time.Hour), "x", 100); !built {
		t.Fatal("p4 built")
	}
	if _, built := get(t, c, "p4", 5, now.Add(-2*time.Hour), "x", 100); !built {
		t.Error("a value made after the time asked for served (a clock set back)")
	}

	c.SetOff(true)
	if c.Len() != 0 || c.Bytes() != 0 {
		t.Errorf("off keeps %d values, %d bytes", c.Len(), c.Bytes())
	}
	for range 2 {
		if _, built := get(t, c, "p5", 1, now, "x", 100); !built {
			t.Error("the cache off served a kept value")
		}
	}
	c.SetOff(false)
	get(t, c, "p5", 1, now, "x", 100)
	if _, built := get(t, c, "p5", 1, now, "x", 100); built {
		t.Error("the cache back on keeps nothing")
	}
	c.Clear()
	if _, built := get(t, c, "p5", 1, now, "x", 100); !built {
		t.Error("Clear kept a value")
	}
}

// The zero value is ready, with the default TTL and budget.
func TestCacheZero(t *testing.T) {
	var c flight.Cache[string]
	get(t, &c, "k", 1, now, "v", flight.DefaultBudget/8)
	if _, built := get(t, &c, "k", 1, now.Add(flight.DefaultTTL), "x", 1); built {
		t.Error("the zero cache kept nothing within its defaults")
	}
	if _, built := get(t, &c, "k", 1, now.Add(flight.DefaultTTL+time.Nanosecond), "x", 1); !built {
		t.Error("the zero cache served past DefaultTTL")
	}
	get(t, &c, "big", 1, now, "v", flight.DefaultBudget/8+1)
	if c.Len() != 1 {
		t.Errorf("%d values kept, want 1 (one over an eighth of the default budget)", c.Len())
	}
}

// Requests that miss together on a key and version wait for one build; a
// failed build keeps nothing; requests on another version build their own.
func TestCacheOneBuild(t *testing.T) {
	var c flight.Cache[int]
	var builds atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	build := func() (int, int, error) {
		if builds.Add(1) == 1 {
			close(started)
		}
		<-release
		return 42, 10, nil
	}
	var wg sync.WaitGroup
	got := make([]int, 8)
	wg.Add(1)
	go func() {
		defer wg.Done()
		got[0], _ = c.Get(context.Background(), "k", 1, now, build)
	}()
	<-started
	for i := 1; i < len(got); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = c.Get(context.Background(), "k", 1, now, build)
		}()
	}
	close(release)
	wg.Wait()
	for i, v := range got {
		if v != 42 {
			t.Errorf("request %d got %d", i, v)
		}
	}
	// the waiters arrived while the build ran, or found its value kept
	// (before or after they missed)
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds for one key and version, want 1", n)
	}
	if _, err := c.Get(context.Background(), "e", 1, now, func() (int, int, error) { return 0, 0, errors.New("no") }); err == nil {
		t.Error("a failed build answered no error")
	}
	v, err := c.Get(context.Background(), "e", 1, now, func() (int, int, error) { return 7, 1, nil })
	if err != nil || v != 7 {
		t.Errorf("after a failed build: %d %v, want a new build's 7", v, err)
	}
}

// Many requests on a few keys and versions, to run with -race.
func TestCacheConcurrent(t *testing.T) {
	c := &flight.Cache[string]{Budget: 64}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				key, ver := "k"+strconv.Itoa(i%5), int64(i/50+g%2)
				want := key + "@" + strconv.FormatInt(ver, 10)
				v, err := c.Get(context.Background(), key, ver, now, func() (string, int, error) { return want, 8, nil })
				if err != nil || v != want {
					t.Errorf("%s: %q %v", want, v, err)
					return
				}
				if i%97 == 0 {
					c.SetOff(i%2 == 0)
				}
			}
		}()
	}
	wg.Wait()
	if c.Bytes() > 64 {
		t.Errorf("%d bytes over the budget of 64", c.Bytes())
	}
}
