package coverage

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/bench"
	"linli/internal/geo/geotest"
	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
	"linli/internal/registry"
)

// benchOrgs is how many organizations the benchmark's city holds
// (LINLI_COVERAGE_BENCH_ORGS overrides).
func benchOrgs() int { return dbtest.Size("LINLI_COVERAGE_BENCH_ORGS", 200000) }

// benchWorld fills Guangzhou with generated organizations, written in bulk
// through plain INSERTs (so the triggers keep org_cover as they would for
// any writer), each with its dated status history.
func benchWorld(b *testing.B) (*Service, *db.DB) {
	b.Helper()
	ctx := context.Background()
	d, st := geotest.Open(b)
	comms := dbtest.Strings(b, d, `SELECT code FROM divisions WHERE level = 5 ORDER BY code`)
	r := rand.New(rand.NewPCG(1, 2))
	n := benchOrgs()
	start := time.Now()
	at := time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)
	statuses := []string{"active", "active", "active", "active", "active", "active", "suspended", "deregistered", "pending"}
	tiers := []string{"registered", "street", "community", "community"}
	const batch = 500
	for lo := 0; lo < n; lo += batch {
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			var vals []string
			var args []any
			for i := lo; i < min(lo+batch, n); i++ {
				// a quarter of the communities stay without any organization
				k := r.IntN(len(comms))
				for k%4 == 3 {
					k = r.IntN(len(comms))
				}
				c := comms[k]
				groups := int64(1<<r.IntN(11)) | int64(1<<r.IntN(4))
				types := int64(1 << r.IntN(6))
				name := "组织" + strconv.Itoa(i)
				p := len(args)
				vals = append(vals, fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)",
					p+1, p+2, p+3, p+4, p+5, p+6, p+7, p+8, p+9, p+10, p+11, p+12))
				args = append(args, name, name, tiers[r.IntN(len(tiers))], types, groups, c, c[:9], c[:6],
					statuses[r.IntN(len(statuses))], r.IntN(4)/3, at, at)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO orgs (name, name_key, tier, types_mask, groups_mask, community_code,
				street_code, district_code, status, volunteer_mark, created_at, updated_at) VALUES `+strings.Join(vals, ", "), args...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := d.Write.Exec(`INSERT INTO org_history (org_id, field, old_value, value, at, username)
		SELECT id, 'status', '', status, $1, 'bench' FROM orgs`, at); err != nil {
		b.Fatal(err)
	}
	// written around the registry: the dated rollup is built as a bulk
	// load builds it
	if err := orgroll.Rebuild(ctx, d); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d organizations written in %v on %s", n, time.Since(start).Round(time.Millisecond), d.Engine)
	now := time.Date(2023, 6, 1, 2, 0, 0, 0, time.UTC)
	return &Service{DB: d, Geo: st, Now: func() time.Time { return now }}, d
}

// BenchmarkReport measures the reports of the city (11 district rows) and of
// its largest district (by organizations), today (org_cover), on a past
// date (the dated rollup), and on a past date from the records and history.
func BenchmarkReport(b *testing.B) {
	s, d := benchWorld(b)
	ctx := context.Background()
	var big string
	if err := d.Read.QueryRow(`SELECT district_code FROM orgs GROUP BY district_code ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&big); err != nil {
		b.Fatal(err)
	}
	if os.Getenv("LINLI_COVERAGE_BENCH_MOVES") != "" { // a tenth of the organizations moved once, in 2022
		if _, err := d.Write.Exec(`INSERT INTO org_history (org_id, field, old_value, value, at, username)
			SELECT id, 'community', community_code, community_code, $1, 'bench' FROM orgs WHERE id % 10 = 0`,
			time.Date(2022, 7, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			b.Fatal(err)
		}
		if err := orgroll.Rebuild(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	u := &auth.User{Role: auth.CityAdmin, ScopeCode: "4401"}
	// the past read as it was before moves were historized (five
	// correlated subqueries per organization), for comparison
	b.Run("city_past_read_before", func(b *testing.B) {
		cut := time.Date(2022, 12, 31, 16, 0, 0, 0, time.UTC)
		lo, hi := db.PrefixRange("4401")
		for i := 0; i < b.N; i++ {
			n := 0
			if err := readPastCorrelated(ctx, d, lo, hi, cut, func(registry.OrgAt) { n++ }); err != nil || n == 0 {
				b.Fatal(n, err)
			}
		}
	})
	// the two reads of today's city report, apart
	b.Run("city_rollup_read", func(b *testing.B) {
		lo, hi := db.PrefixRange("4401")
		for i := 0; i < b.N; i++ {
			if _, err := readRollup(ctx, d, orgroll.LevelFor(6), []string{"all", "group"}, lo, hi, 6); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("city_places_read", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			comms, err := readCommunities(ctx, s.Geo, "4401")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := readPlaces(ctx, d, shapeOf(comms, 6), "4401"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("city_places_read_before", func(b *testing.B) {
		lo, hi := db.PrefixRange("4401")
		for i := 0; i < b.N; i++ {
			if _, err := readPlacesGrouped(ctx, d, lo, hi, 6); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("city_past_read", func(b *testing.B) {
		cut := time.Date(2022, 12, 31, 16, 0, 0, 0, time.UTC)
		lo, hi := db.PrefixRange("4401")
		for i := 0; i < b.N; i++ {
			n := 0
			if err := registry.EachActiveAt(ctx, d.Read, lo, hi, cut, func(registry.OrgAt) { n++ }); err != nil || n == 0 {
				b.Fatal(n, err)
			}
		}
	})
	// a past date from the records, as every past date was read before
	// the dated rollup
	for _, c := range []struct{ name, unit string }{{"city_past_records", "4401"}, {"district_past_records", big}} {
		b.Run(c.name, func(b *testing.B) {
			node, err := s.Geo.Get(ctx, c.unit)
			if err != nil {
				b.Fatal(err)
			}
			d, _ := s.dayOf("2022-12-31")
			for i := 0; i < b.N; i++ {
				if _, err := s.report(ctx, node, ByGroup, "", d, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// the report made on each request (the reports' cache off: what a
	// request costs after a change under the place), encoded as the API
	// answers it; then served from the cache ("_cached")
	// "_lists": the communities of the place read again for each report
	// too, as before they were kept (the miss path before)
	for _, how := range []string{"_lists", "", "_cached"} {
		s.NoCache(how != "_cached")
		s.shapes.SetOff(how == "_lists")
		for _, c := range []struct{ name, unit, asOf string }{
			{"city", "4401", ""}, {"district", big, ""}, {"city_past", "4401", "2022-12-31"}, {"district_past", big, "2022-12-31"},
		} {
			name := c.name + how
			b.Run(name, func(b *testing.B) {
				cpu := bench.CPUTime()
				for i := 0; i < b.N; i++ {
					if _, err := s.ReportJSON(ctx, u, Query{Unit: c.unit, By: ByGroup, AsOf: c.asOf}); err != nil {
						b.Fatal(err)
					}
				}
				// this process's CPU (not PostgreSQL's): the machine is loaded
				b.ReportMetric(float64(bench.CPUTime()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
			})
		}
	}
	s.NoCache(true)
	if os.Getenv("LINLI_COVERAGE_BENCH_ANALYZE") == "" {
		return
	}
	// the same once the engine has its statistics and (PostgreSQL) the dead
	// versions of the rollup's counters are vacuumed, as autovacuum does
	// after a bulk load: the bulk load's updates leave every district's
	// counter row with ~20,000 dead versions until then
	stmt := `VACUUM ANALYZE`
	if d.Engine == db.SQLite {
		stmt = `ANALYZE`
	}
	if _, err := d.Write.Exec(stmt); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, unit, asOf string }{
		{"city_analyzed", "4401", ""}, {"district_analyzed", big, ""}, {"city_past_analyzed", "4401", "2022-12-31"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := s.Report(ctx, u, Query{Unit: c.unit, By: ByGroup, AsOf: c.asOf}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkInsertCost measures what the rollup's triggers add to writing
// organizations: batches of 500 plain INSERTs into orgs, with the triggers
// and with them dropped (ns/op is per organization).
func BenchmarkInsertCost(b *testing.B) {
	for _, keep := range []bool{true, false} {
		name := map[bool]string{true: "with_rollup", false: "without_rollup"}[keep]
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			d, _ := geotest.Open(b)
			if !keep {
				drop := []string{`DROP TRIGGER org_cover_change ON orgs`}
				if d.Engine == db.SQLite {
					drop = []string{`DROP TRIGGER org_cover_ai`, `DROP TRIGGER org_cover_ad`, `DROP TRIGGER org_cover_au_old`, `DROP TRIGGER org_cover_au_new`}
				}
				for _, q := range drop {
					if _, err := d.Write.Exec(q); err != nil {
						b.Fatal(err)
					}
				}
			}
			at := time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)
			b.ResetTimer()
			for lo := 0; lo < b.N; lo += 500 {
				err := d.Tx(ctx, func(tx *sql.Tx) error {
					var vals []string
					var args []any
					for i := lo; i < min(lo+500, b.N); i++ {
						p := len(args)
						vals = append(vals, fmt.Sprintf("($%d, $%d, 'community', 9, 5, '440106008007', '440106008', '440106', 'active', $%d, $%d)", p+1, p+2, p+3, p+4))
						args = append(args, "组织"+strconv.Itoa(i), "组织"+strconv.Itoa(i), at, at)
					}
					_, err := tx.ExecContext(ctx, `INSERT INTO orgs (name, name_key, tier, types_mask, groups_mask, community_code,
						street_code, district_code, status, created_at, updated_at) VALUES `+strings.Join(vals, ", "), args...)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// readPastCorrelated is the past read before moves entered the history:
// each historized field by a correlated subquery per organization, placed
// where it is now (kept for the benchmark's comparison).
func readPastCorrelated(ctx context.Context, d *db.DB, lo, hi string, cut time.Time, fn func(registry.OrgAt)) error {
	asOf := func(field, current string) string {
		return `COALESCE((SELECT h.value FROM org_history h WHERE h.org_id = o.id AND h.field = '` + field +
			`' AND h.at < $3 ORDER BY h.at DESC, h.id DESC LIMIT 1), (SELECT NULLIF(h.old_value, '') FROM org_history h WHERE h.org_id = o.id AND h.field = '` +
			field + `' AND h.at >= $3 ORDER BY h.at, h.id LIMIT 1), ` + current + `)`
	}
	rows, err := d.Query(ctx, `SELECT o.community_code, `+asOf("tier", "o.tier")+`, `+
		asOf("types", "CAST(o.types_mask AS TEXT)")+`, `+asOf("groups", "CAST(o.groups_mask AS TEXT)")+`, `+
		asOf("volunteer_mark", "CAST(o.volunteer_mark AS TEXT)")+`
		FROM orgs o WHERE o.community_code >= $1 AND o.community_code < $2
		AND (SELECT h.value FROM org_history h WHERE h.org_id = o.id AND h.field = 'status' AND h.at < $3
			ORDER BY h.at DESC, h.id DESC LIMIT 1) = 'active'`, lo, hi, cut)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var o registry.OrgAt
		var types, groups, mark string
		if err := rows.Scan(&o.Community, &o.Tier, &types, &groups, &mark); err != nil {
			return err
		}
		o.Types, _ = strconv.ParseInt(types, 10, 64)
		o.Groups, _ = strconv.ParseInt(groups, 10, 64)
		o.Mark = mark == "1"
		fn(o)
	}
	return rows.Err()
}

// readPlacesGrouped is readPlaces as it was (kept for the benchmark): for today's report, how many communities of each area
// every unit (codes cut to n) holds, and the communities without any
// active organization according to the rollup.
func readPlacesGrouped(ctx context.Context, d *db.DB, lo, hi string, n int) (places, error) {
	pl := places{areas: map[string]map[string]int{}, counted: map[string]int{}}
	rows, err := d.Query(ctx, `SELECT substr(code, 1, `+strconv.Itoa(n)+`), `+areaSQL+`, CASE WHEN substr(code, 10, 3) < '400' THEN 1 ELSE 0 END, COUNT(*)
		FROM divisions WHERE level = 5 AND code >= $1 AND code < $2 GROUP BY 1, 2, 3`, lo, hi)
	if err != nil {
		return pl, fmt.Errorf("coverage areas: %w", err)
	}
	for rows.Next() {
		var u, a string
		var counted, k int
		if err := rows.Scan(&u, &a, &counted, &k); err != nil {
			rows.Close()
			return pl, err
		}
		if pl.areas[u] == nil {
			pl.areas[u] = map[string]int{}
		}
		pl.areas[u][a] += k
		if counted == 1 {
			pl.counted[a] += k
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return pl, err
	}
	rows, err = d.Query(ctx, `SELECT d.code, d.name FROM divisions d WHERE d.level = 5 AND d.code >= $1 AND d.code < $2
		AND NOT EXISTS (SELECT 1 FROM org_cover c WHERE c.lvl = 5 AND c.dim = 'all' AND c.code = d.code AND c.n <> 0)
		ORDER BY d.code`, lo, hi)
	if err != nil {
		return pl, fmt.Errorf("coverage empty communities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c community
		if err := rows.Scan(&c.code, &c.name); err != nil {
			return pl, err
		}
		c.street = c.code[:9]
		pl.empty = append(pl.empty, c)
	}
	return pl, rows.Err()
}
