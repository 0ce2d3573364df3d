package dbtest_test

import (
	"testing"
	"time"

	"linli/internal/platform/db/dbtest"
)

// The median and the 99th percentile are read from the sorted latencies,
// whatever their order: of 1..200 ms, 101 ms and 199 ms; of one, that one.
func TestLatencies(t *testing.T) {
	var l dbtest.Latencies
	for i := 200; i >= 1; i-- {
		l = append(l, time.Duration(i)*time.Millisecond)
	}
	if m, p := l.Median(), l.P99(); m != 101*time.Millisecond || p != 199*time.Millisecond {
		t.Errorf("median %v, p99 %v; want 101ms, 199ms", m, p)
	}
	if l[0] != 200*time.Millisecond {
		t.Errorf("the latencies were reordered: first %v", l[0])
	}
	one := dbtest.Latencies{7 * time.Millisecond}
	if one.Median() != 7*time.Millisecond || one.P99() != 7*time.Millisecond {
		t.Errorf("one latency: median %v, p99 %v", one.Median(), one.P99())
	}
	var timed dbtest.Latencies
	timed.Time(func() { time.Sleep(time.Millisecond) })
	if len(timed) != 1 || timed[0] < time.Millisecond {
		t.Errorf("timed %v", timed)
	}
}
