// Package flight makes a value once for requests that miss a cache
// together: the first request for a key builds it, the others wait for its
// result (or their own context's end); and keeps values valid while a
// version the caller reads is unchanged (Cache). The dashboards, the
// portal's place pages and the coverage reports share them.
package flight

import (
	"context"
	"errors"
	"sync"
)

// errNotMade is a build's result until it returns (it may panic).
var errNotMade = errors.New("flight: not made")

// Group is the builds in progress, by key. The zero value is ready.
type Group[T any] struct {
	mu       sync.Mutex
	inflight map[string]*call[T]
}

type call[T any] struct {
	done chan struct{}
	v    T
	err  error
}

// Do returns build's value for key, building it unless a build for key is
// already in progress, in which case it waits for that one. A waiter whose
// leader failed (perhaps only the leader's request ended) builds for
// itself.
func (g *Group[T]) Do(ctx context.Context, key string, build func() (T, error)) (T, error) {
	g.mu.Lock()
	if c, ok := g.inflight[key]; ok {
		g.mu.Unlock()
		select {
		case <-c.done:
			if c.err != nil {
				return build()
			}
			return c.v, nil
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
	if g.inflight == nil {
		g.inflight = map[string]*call[T]{}
	}
	c := &call[T]{done: make(chan struct{}), err: errNotMade}
	g.inflight[key] = c
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.inflight, key)
		g.mu.Unlock()
		close(c.done)
	}()
	c.v, c.err = build()
	return c.v, c.err
}
