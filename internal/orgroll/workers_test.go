package orgroll_test

import (
	"reflect"
	"testing"

	"linli/internal/orgroll"
)

// A hub's timeline holds, each day, how many of its social workers were in
// post (started on or before the day, not yet left): a span is split on a
// start or a leaving within it, spans left alike are joined, days outside
// the timeline stay outside, and the stored form reads back the same
// (a timeline without workers is stored as before).
func TestWithWorkers(t *testing.T) {
	hubState := orgroll.State{Community: "440117103201", Tier: "street", Hub: true}
	moved := hubState
	moved.Community = "440106001001"
	segs := []orgroll.Seg{{From: "2022-01-10", To: "2022-07-01", State: hubState}, {From: "2022-07-01", State: moved}}
	ws := []orgroll.Worker{
		{Started: "2021-12-01", Qualified: true},                      // before the timeline: in post from its first day
		{Started: "2022-02-01", Ended: "2022-05-31"},                  // within the first span
		{Started: "2022-03-01", Ended: "2022-03-01"},                  // left the day it started: never in post
		{Started: "2022-08-01", Ended: "2022-09-01", Qualified: true}, // within the open span
	}
	with := func(st orgroll.State, n, q int) orgroll.State {
		st.Workers, st.Qualified = n, q
		return st
	}
	want := []orgroll.Seg{
		{From: "2022-01-10", To: "2022-02-01", State: with(hubState, 1, 1)},
		{From: "2022-02-01", To: "2022-05-31", State: with(hubState, 2, 1)},
		{From: "2022-05-31", To: "2022-07-01", State: with(hubState, 1, 1)},
		{From: "2022-07-01", To: "2022-08-01", State: with(moved, 1, 1)},
		{From: "2022-08-01", To: "2022-09-01", State: with(moved, 2, 2)},
		{From: "2022-09-01", State: with(moved, 1, 1)},
	}
	got := orgroll.WithWorkers(segs, ws)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("timeline with workers:\n got %+v\nwant %+v", got, want)
	}
	if back := orgroll.Decode(orgroll.Encode(got)); !reflect.DeepEqual(back, got) {
		t.Errorf("stored and read back:\n got %+v\nwant %+v", back, got)
	}
	if enc, plain := orgroll.Encode(orgroll.WithWorkers(segs, nil)), orgroll.Encode(segs); enc != plain {
		t.Errorf("a timeline without workers is stored as %q, want %q", enc, plain)
	}
	// the keys: the hub counts under WorkersDim of every number up to how
	// many were in post that day, and of the qualified up to theirs
	st, ok := orgroll.On(got, "2022-05-01")
	workerKeys := func(st orgroll.State) []string {
		var keys []string
		st.Keys(3, func(k orgroll.Key, _ bool) {
			if orgroll.IsWorkersDim(k.Dim) {
				keys = append(keys, k.Code+" "+k.Dim+" "+k.K)
			}
		})
		return keys
	}
	if keys := workerKeys(st); !ok || !reflect.DeepEqual(keys, []string{"440117 workers1 ", "440117 workers2 ", "440117 qworkers1 "}) {
		t.Errorf("workers keys on 2022-05-01: %q (%v)", keys, ok)
	}
	st, ok = orgroll.On(got, "2022-08-15")
	if keys := workerKeys(st); !ok || !reflect.DeepEqual(keys, []string{"440106 workers1 ", "440106 workers2 ", "440106 qworkers1 ", "440106 qworkers2 "}) {
		t.Errorf("workers keys on 2022-08-15: %q (%v)", keys, ok)
	}
	if orgroll.WorkersDim(2, false) != "workers2" || orgroll.WorkersDim(1, true) != "qworkers1" {
		t.Errorf("workers dimensions: %q, %q", orgroll.WorkersDim(2, false), orgroll.WorkersDim(1, true))
	}
	for dim, want := range map[string]bool{"workers1": true, "qworkers12": true, "workers": false, "workers0": false,
		"workers01": false, "qworkers": false, "workers+1": false, orgroll.DimHub: false} {
		if orgroll.IsWorkersDim(dim) != want {
			t.Errorf("IsWorkersDim(%q): %v", dim, !want)
		}
	}
	// a hub no longer a hub counts under no workers key
	st.Hub = false
	if keys := workerKeys(st); len(keys) != 0 {
		t.Errorf("a non-hub counted under %q", keys)
	}
}
