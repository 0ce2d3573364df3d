package bench

import (
	"context"
	"net/url"
	"sync"
	"time"

	"linli/internal/platform/db"
)

// AppName is the PostgreSQL application_name of the bench's connections, by
// which it finds its own server processes.
const AppName = "linli-bench"

// pgBackendCPU sums the processor time of the PostgreSQL server processes
// serving the connections of application name app, when the server runs
// on this machine (0 otherwise).
func pgBackendCPU(d *db.DB, app string) func() time.Duration {
	listed, _ := pgBackendCPUs(d, app)
	return listed
}

// pgBackendCPUs is pgBackendCPU (listed), and seen: the same sum over the
// processes listed so far, read from /proc without listing them again (a
// query of its own, whose server time would be counted): for readings
// around each request of a measurement whose connections are open.
func pgBackendCPUs(d *db.DB, app string) (listed, seen func() time.Duration) {
	// Every process ever seen keeps the last time read for it, so one that
	// ends between two readings (a pool closing a connection) no longer
	// makes the total go down; what it used after its last reading is lost.
	var mu sync.Mutex
	last := map[int]time.Duration{}
	sum := func() time.Duration {
		var t time.Duration
		for _, c := range last {
			t += c
		}
		return t
	}
	listed = func() time.Duration {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		rows, err := d.Read.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, app)
		if err != nil {
			return 0
		}
		defer rows.Close()
		mu.Lock()
		defer mu.Unlock()
		for rows.Next() {
			var pid int
			if rows.Scan(&pid) == nil {
				if c := procCPU(pid); c > 0 {
					last[pid] = max(last[pid], c)
				}
			}
		}
		return sum()
	}
	seen = func() time.Duration {
		mu.Lock()
		defer mu.Unlock()
		for pid := range last {
			if c := procCPU(pid); c > 0 {
				last[pid] = max(last[pid], c)
			}
		}
		return sum()
	}
	return listed, seen
}

// BackendCPU is the processor time so far of the PostgreSQL server
// processes serving the connections opened with application_name app
// (one no other program uses), when the server runs on this machine (0
// otherwise): for a benchmark to add the server's work to its own.
func BackendCPU(d *db.DB, app string) func() time.Duration { return pgBackendCPU(d, app) }

// Named is a PostgreSQL database URL whose connections carry the
// application name app, unless it names one already, and the name they
// carry (BackendCPU finds their server processes by it); any other URL
// comes back as it is.
func Named(dbURL, app string) (string, string) {
	u, err := url.Parse(dbURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dbURL, app
	}
	q := u.Query()
	if name := q.Get("application_name"); name != "" {
		return dbURL, name
	}
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	return u.String(), app
}
