package flight_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"linli/internal/platform/flight"
)

// Requests for one key while its build runs get that build's value and
// make none of their own; a waiter whose leader failed builds for itself;
// a waiter whose own request ends stops waiting.
func TestGroup(t *testing.T) {
	var g flight.Group[int]
	var builds atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	got := make([]int, 5)
	wg.Add(1)
	go func() {
		defer wg.Done()
		got[0], _ = g.Do(context.Background(), "k", func() (int, error) {
			builds.Add(1)
			close(started)
			<-release
			return 42, nil
		})
	}()
	<-started
	for i := 1; i < len(got); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = g.Do(context.Background(), "k", func() (int, error) { builds.Add(1); return -1, nil })
		}()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Do(ctx, "k", func() (int, error) { return -1, nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("a waiter whose request ended: %v, want context.Canceled", err)
	}
	close(release)
	wg.Wait()
	// waiters that arrived after the leader finished may build again;
	// those that waited share its value
	for i, v := range got {
		if v != 42 && v != -1 {
			t.Errorf("request %d got %d", i, v)
		}
	}
	if got[0] != 42 {
		t.Errorf("the leader got %d", got[0])
	}

	// a failed leader: its waiter builds for itself
	started2, release2 := make(chan struct{}), make(chan struct{})
	go g.Do(context.Background(), "e", func() (int, error) { close(started2); <-release2; return 0, errors.New("leader's request ended") })
	<-started2
	done := make(chan int)
	go func() {
		v, _ := g.Do(context.Background(), "e", func() (int, error) { return 7, nil })
		done <- v
	}()
	close(release2)
	if v := <-done; v != 7 {
		t.Errorf("after a failed leader the waiter got %d, want its own 7", v)
	}
}
