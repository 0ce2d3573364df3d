package registry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"linli/internal/bench"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
	"linli/internal/registry"
)

// BenchmarkDatasetList measures registry.List on a dataset linli bench
// generated (LINLI_REGISTRY_BENCH_DB, e.g. the Guangzhou scale), as the
// city administrator of its first city, with the bench's own search terms
// and a district's first page: the service's cost without HTTP, and its
// round trips per list. It reports this process's CPU per list and, on
// PostgreSQL on this machine with an application_name in the URL (e.g.
// ?application_name=linli-bench), its server processes' CPU per list.
// org_list is served by the list cache after its first call (a version
// read per list); org_list_cold reads the page from the records each time,
// and the search_*_db cases search through the database's full-text index
// (the search index in memory off); org_list_changed is the first page
// after a change (the change counter moved before each list).
func BenchmarkDatasetList(b *testing.B) {
	d := dbtest.Dataset(b, "LINLI_REGISTRY_BENCH_DB")
	ctx := context.Background()
	var serverCPU func() time.Duration
	if d.Engine == db.Postgres {
		var app string
		if err := d.QueryRow(ctx, `SELECT current_setting('application_name')`).Scan(&app); err == nil && app != "" {
			serverCPU = bench.BackendCPU(d, app)
		}
	}
	var city, district string
	if err := d.QueryRow(ctx, `SELECT substr(MIN(district_code), 1, 4), MIN(district_code) FROM orgs`).Scan(&city, &district); err != nil {
		b.Fatal(err)
	}
	// linli bench's subjects: the city with the most organizations, its
	// largest district and all its districts
	var big, bigCity string
	var bigDistricts []string
	if err := d.QueryRow(ctx, `SELECT c.city, (SELECT district_code FROM orgs WHERE substr(district_code, 1, 4) = c.city
			GROUP BY district_code ORDER BY COUNT(*) DESC, district_code LIMIT 1)
		FROM (SELECT substr(district_code, 1, 4) AS city FROM orgs GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1) c`).Scan(&bigCity, &big); err != nil {
		b.Fatal(err)
	}
	bigDistricts = dbtest.Strings(b, d, `SELECT DISTINCT district_code FROM orgs WHERE substr(district_code, 1, 4) = $1 ORDER BY 1`, bigCity)
	s := &registry.Service{DB: d, Now: time.Now}
	// the list cache off: the first page read from the records each time
	cold := &registry.Service{DB: d, Now: time.Now}
	cold.NoListCache(true)
	// the search index in memory off: every search asks the database's
	// full-text index (a district or a scope too large to keep, another filter)
	dbSearch := &registry.Service{DB: d, Now: time.Now}
	dbSearch.NoSearchIndex(true)
	u := &auth.User{ID: 1, Username: "bench", Role: auth.CityAdmin, ScopeCode: city}
	cityAdmin := &auth.User{ID: 1, Username: "bench", Role: auth.CityAdmin, ScopeCode: bigCity}
	officer := &auth.User{ID: 2, Username: "bench-district", Role: auth.DistrictOfficer, ScopeCode: big}
	cases := map[string][]registry.Filter{
		"search_2":           filters("舞蹈", "志愿", "长者", "互助", "书法", "巡逻", "合唱", "关爱", "种植", "议事"),
		"search_3":           filters("舞蹈队", "服务队", "合唱团", "互助会", "书法协", "巡逻队", "理事会", "志愿服"),
		"search_initials":    filters("wdd", "zyfwd", "hct", "sfxh", "paxld", "llysh", "njxh", "hzh"),
		"search_2_db":        filters("舞蹈", "志愿", "长者", "互助", "书法", "巡逻", "合唱", "关爱", "种植", "议事"),
		"search_3_db":        filters("舞蹈队", "服务队", "合唱团", "互助会", "书法协", "巡逻队", "理事会", "志愿服"),
		"search_initials_db": filters("wdd", "zyfwd", "hct", "sfxh", "paxld", "llysh", "njxh", "hzh"),
		"org_list":           {{Within: district, PerPage: 20}},
		"org_list_cold":      {{Within: district, PerPage: 20}},
		// linli bench's two rebuilt rows: its city's districts in turn as
		// the city, and its district's officer's own list
		"org_list_cold_within":  withins(bigDistricts),
		"org_list_cold_officer": {{PerPage: 20}},
		// the first page after a change: the district's change counter
		// moved before each list (that write's cost and round trip
		// included, the same on every branch)
		"org_list_changed": {{Within: district, PerPage: 20}},
	}
	for name, fs := range cases {
		s := s
		switch {
		case strings.HasPrefix(name, "org_list_cold"):
			s = cold
		case strings.HasSuffix(name, "_db"):
			s = dbSearch
		}
		b.Run(name, func(b *testing.B) {
			trips, cpu, pg := d.RoundTrips(), bench.CPUTime(), time.Duration(0)
			if serverCPU != nil {
				pg = serverCPU()
			}
			for i := 0; b.Loop(); i++ {
				if name == "org_list_changed" {
					res, err := d.Write.ExecContext(ctx, `UPDATE kpi_changes SET n = n + 1 WHERE district = $1`, district)
					if err != nil {
						b.Fatal(err)
					}
					if n, _ := res.RowsAffected(); n != 1 {
						b.Fatalf("moving %s's change counter: %d rows", district, n)
					}
				}
				viewer := u
				switch name {
				case "org_list_cold_within":
					viewer = cityAdmin
				case "org_list_cold_officer":
					viewer = officer
				}
				p, err := s.List(ctx, viewer, fs[i%len(fs)])
				if err != nil {
					b.Fatal(err)
				}
				if len(p.Items) == 0 {
					b.Fatalf("%v: no rows", fs[i%len(fs)])
				}
			}
			b.ReportMetric(float64(d.RoundTrips()-trips)/float64(b.N), "trips/op")
			b.ReportMetric(float64((bench.CPUTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
			if serverCPU != nil {
				b.ReportMetric(float64((serverCPU()-pg).Microseconds())/float64(b.N), "pg-cpu-µs/op")
			}
		})
	}
}

func withins(codes []string) []registry.Filter {
	out := make([]registry.Filter, len(codes))
	for i, c := range codes {
		out[i] = registry.Filter{Within: c, PerPage: 20}
	}
	return out
}

func filters(qs ...string) []registry.Filter {
	out := make([]registry.Filter, len(qs))
	for i, q := range qs {
		out[i] = registry.Filter{Q: q, PerPage: 20}
	}
	return out
}
