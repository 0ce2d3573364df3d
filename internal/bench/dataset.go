package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/db"
)

// Scales.
const (
	ScaleGuangzhou = "guangzhou"
	ScaleNational  = "national"
)

// DefaultOrgs is the number of organizations of each scale: Guangzhou's
// about 25,000, China's over 1.75 million.
var DefaultOrgs = map[string]int{ScaleGuangzhou: 25_000, ScaleNational: 1_750_000}

// Dataset describes what was generated.
type Dataset struct {
	Scale       string  `json:"scale"`
	Seed        uint64  `json:"seed"`
	Divisions   int     `json:"divisions"`
	Communities int     `json:"communities"`
	Streets     int     `json:"streets"`
	Districts   int     `json:"districts"`
	Orgs        int64   `json:"orgs"`
	History     int64   `json:"org_history"`
	SearchDocs  int64   `json:"search_docs"`
	Registered  int64   `json:"registered"`
	Hubs        int64   `json:"hubs"`
	Brands      int64   `json:"brands"`
	Demos       int64   `json:"demonstration_points"`
	Custody     int64   `json:"orgs_in_custody"`
	Accounts    int64   `json:"ledger_accounts"`
	Postings    int64   `json:"postings"`
	Workers     int64   `json:"hub_workers"`
	Bases       int64   `json:"bases"`
	Pilots      int64   `json:"pilots"`
	Activities  int64   `json:"activities"`
	Volunteers  int64   `json:"volunteers"`
	HourEntries int64   `json:"volunteer_hour_entries"`
	Reused      bool    `json:"reused,omitempty"`
	HierarchyS  float64 `json:"hierarchy_seconds,omitempty"`
	GenerateS   float64 `json:"generate_seconds,omitempty"`
	RowsPerS    float64 `json:"generate_rows_per_second,omitempty"`
	PostingsS   float64 `json:"postings_seconds,omitempty"`
	Backfilled  int     `json:"search_backfilled"`
	// SearchCheckS is how long the registry's start-up check of the search
	// index took on the loaded dataset.
	SearchCheckS float64 `json:"search_check_seconds,omitempty"`
}

// loadHierarchy loads the divisions of the scale: Guangzhou from the files
// shipped in the binary, or every province from the national files in dir.
func loadHierarchy(ctx context.Context, t *Target, scale, dir string) (int, error) {
	im := &geo.Importer{Store: t.Geo}
	if scale == ScaleGuangzhou {
		res, err := im.LoadGuangzhou(ctx)
		return res.Written, err
	}
	total := 0
	for _, f := range []string{"provinces.csv", "cities.csv", "areas.csv", "streets.csv.gz", "villages.csv.gz"} {
		p := filepath.Join(dir, f)
		if _, err := os.Stat(p); err != nil {
			return total, fmt.Errorf("national hierarchy: %w (run from the repository root or pass --divisions DIR)", err)
		}
		res, err := im.ImportFile(ctx, p)
		if err != nil {
			return total, err
		}
		total += res.Written
	}
	return total, nil
}

type community struct {
	code  string
	label string
	kind  string
	w     float64
}

type place struct {
	code, name string
}

// hierarchy is what the generator needs of the divisions, grouped by district.
type hierarchy struct {
	districts []place
	streets   map[string]string // code → name
	comms     map[string][]community
	ncomms    int
}

func readHierarchy(ctx context.Context, d *db.DB) (*hierarchy, error) {
	h := &hierarchy{streets: map[string]string{}, comms: map[string][]community{}}
	rows, err := d.Read.QueryContext(ctx, `SELECT code, name, level, kind FROM divisions WHERE level >= 3 ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("read hierarchy: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, name, kind string
		var level int
		if err := rows.Scan(&code, &name, &level, &kind); err != nil {
			return nil, err
		}
		switch level {
		case geo.District:
			h.districts = append(h.districts, place{code, name})
		case geo.Street:
			h.streets[code] = name
		case geo.Community:
			h.comms[code[:6]] = append(h.comms[code[:6]], community{code: code, label: label(name), kind: kind})
			h.ncomms++
		}
	}
	return h, rows.Err()
}

// label shortens a committee's name to the name residents use.
func label(name string) string {
	for _, s := range [][2]string{{"居民委员会", "社区"}, {"居委会", "社区"}, {"村民委员会", "村"}, {"村委会", "村"}, {"委员会", ""}} {
		if stem, ok := strings.CutSuffix(name, s[0]); ok {
			if strings.HasSuffix(stem, s[1]) {
				return stem
			}
			return stem + s[1]
		}
	}
	return name
}

// stem shortens a street's name for its hub's name: 沙面街道 → 沙面街.
func stem(name string) string {
	if strings.HasSuffix(name, "街道") {
		return strings.TrimSuffix(name, "道")
	}
	return name
}

// window is the span the history's dates fall in: 2019 to the bench's
// "now", at most the end of October 2026.
type window struct{ from, to time.Time }

func newWindow(now time.Time) window {
	to := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	if now.Before(to) {
		to = now.UTC()
	}
	return window{from: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), to: to}
}

func (w window) at(r *rand.Rand, from, to time.Time) time.Time {
	if from.Before(w.from) {
		from = w.from
	}
	if to.After(w.to) {
		to = w.to
	}
	if !to.After(from) {
		return from
	}
	return from.Add(time.Duration(r.Int64N(int64(to.Sub(from)))).Truncate(time.Second))
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
