package orgroll

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

// BenchmarkRebuild measures orgroll.Rebuild's time and peak Go heap on a
// database holding a generated dataset (`linli bench` writes one; Rebuild
// rewrites the rollup in place, as it was), district by district against
// the whole-country rebuild it replaced (rebuildWhole, below):
//
//	linli bench --scale guangzhou --only org_page --db sqlite:/tmp/gz.db
//	LINLI_ORGROLL_BENCH_DB=sqlite:/tmp/gz.db go test ./internal/orgroll -run '^$' -bench Rebuild -benchtime 1x
func BenchmarkRebuild(b *testing.B) {
	ctx := context.Background()
	d := dbtest.Dataset(b, "LINLI_ORGROLL_BENCH_DB")
	var orgs, hist int
	if err := d.Read.QueryRow(`SELECT (SELECT COUNT(*) FROM orgs), (SELECT COUNT(*) FROM org_history)`).Scan(&orgs, &hist); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d organizations, %d history rows", d.Engine, orgs, hist)
	for _, c := range []struct {
		name string
		fn   func(context.Context, *db.DB) error
	}{{"whole", rebuildWhole}, {"by_district", Rebuild}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				peak, err := peakHeap(func() error { return c.fn(ctx, d) })
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			}
		})
	}
}

// peakHeap runs fn and returns the highest live heap (bytes in heap
// objects, sampled every 2 ms) above what it was before.
func peakHeap(fn func() error) (uint64, error) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(s); return s[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if v := read(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	err := fn()
	close(done)
	if v := read(); v > peak.Load() {
		peak.Store(v)
	}
	if p := peak.Load(); p > base {
		return p - base, err
	}
	return 0, err
}

// rebuildWhole is Rebuild as it was before it went district by district:
// every timeline and every count of the country held at once.
func rebuildWhole(ctx context.Context, d *db.DB) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		for _, t := range []string{"org_segs", "org_roll", "org_roll_keys"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("org rollup rebuild: %w", err)
			}
		}
		all := Deltas{}
		var ids []int64
		segs := map[int64]string{}
		err := eachTimeline(ctx, tx, "1 = 1", nil, func(id int64, ss []Seg) {
			if len(ss) == 0 {
				return
			}
			all.Add(ss, 1)
			ids = append(ids, id)
			segs[id] = Encode(ss)
		})
		if err != nil {
			return err
		}
		if err := writeSegs(ctx, tx, ids, segs); err != nil {
			return err
		}
		keys, rows := cumulative(all)
		if err := writeCumulative(ctx, tx, keys, rows); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE org_roll_state SET built = 1`)
		return err
	})
}
