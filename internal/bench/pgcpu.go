package bench

import (
	"context"
	"time"

	"linli/internal/platform/db"
)

// AppName is the PostgreSQL application_name of the bench's connections, by
// which it finds its own server processes.
const AppName = "linli-bench"

// pgBackendCPU sums the processor time of the PostgreSQL server processes
// serving this program's connections, when the server runs on this machine
// (0 otherwise). Processes that ended in between are lost, which the
// pools, keeping their connections, make rare.
func pgBackendCPU(d *db.DB) func() time.Duration {
	return func() time.Duration {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		rows, err := d.Read.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, AppName)
		if err != nil {
			return 0
		}
		defer rows.Close()
		var t time.Duration
		for rows.Next() {
			var pid int
			if rows.Scan(&pid) == nil {
				t += procCPU(pid)
			}
		}
		return t
	}
}
