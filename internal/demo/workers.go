package demo

import (
	"context"
	"math"
	"time"

	"linli/internal/hub"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/weighted"
)

// Social workers of the hubs (C8: each hub has 1–2 full- or part-time social
// workers by 2023): in a district's share of its hubs (platformPlans), one
// or two each, most started before the end of 2023; a few left, and most of
// those were replaced. The street officer records them in the
// demonstration street, a custody hub's director at that hub, the city
// administrator elsewhere.
func (s *supporter) planWorkers() {
	for _, pl := range platformPlans {
		hubs := s.hubsOf(pl.district)
		perm := s.r.Perm(len(hubs))
		for i, j := range perm { // the demonstration hub first: its page shows workers
			if hubs[j] == s.demoHub {
				perm[0], perm[i] = perm[i], perm[0]
			}
		}
		k := int(math.Round(pl.workers * float64(len(hubs))))
		for _, i := range perm[:k] {
			h := hubs[i]
			from := maxTime(s.hubSince[h.id], s.filed[h.id])
			first := between(s.r, from.AddDate(0, 0, 10), maxTime(from.AddDate(0, 0, 60), day(2023, 11, 30)))
			n := 1
			if s.r.Float64() < 0.25 {
				n = 2
			}
			for w := range n {
				start := first
				if w > 0 {
					start = s.later(first, 20, 240)
				}
				replace := 0.6
				if pl.workers >= 1 { // fully staffed districts replace whoever leaves
					replace = 1
				}
				s.worker(h, start, replace)
			}
		}
	}
}

// worker schedules a social worker's start; some leave after a while, and
// are replaced with the given probability.
func (s *supporter) worker(h *planned, start time.Time, replace float64) {
	if !s.past(start) {
		return
	}
	in := hub.WorkerInput{Name: s.names.person(), Kind: weighted.Pick(s.r, hub.WorkerKinds, []int{60, 40}),
		Qualified: s.r.Float64() < 0.6, StartedOn: clock.Day(start)}
	var id int64
	by := s.workerRecorder(h, start)
	s.on(start, "add social worker", func(ctx context.Context) error {
		w, err := s.hubsAt(start).AddWorker(ctx, by(), h.id, in)
		if err != nil {
			return err
		}
		id = w.ID
		s.res.Workers++
		return nil
	})
	if s.r.Float64() >= 0.12 {
		return
	}
	left := s.later(start, 200, 700)
	next := s.later(left, 15, 90)
	if !s.past(left) || (replace >= 1 && !s.past(next)) {
		return
	}
	s.on(left, "social worker leaves", func(ctx context.Context) error {
		if _, err := s.hubsAt(left).EndWorker(ctx, s.workerRecorder(h, left)(), h.id, id, clock.Day(left)); err != nil {
			return err
		}
		s.res.Workers--
		return nil
	})
	if s.r.Float64() < replace {
		s.worker(h, next, 0)
	}
}

// workerRecorder is who records a hub's workers at a moment.
func (s *supporter) workerRecorder(h *planned, at time.Time) func() *auth.User {
	if t := s.custody[h.id]; t != nil && !at.Before(t.since) {
		return func() *auth.User { return t.director }
	}
	if h.street == demoStreet {
		return func() *auth.User { return s.accounts["street"] }
	}
	return func() *auth.User { return s.admin }
}
