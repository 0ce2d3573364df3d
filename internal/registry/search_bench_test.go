package registry_test

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
	"linli/internal/registry"
)

var benchKinds = []string{"街坊互助队", "长者关爱服务队", "志愿服务队", "舞蹈队", "书法协会", "合唱团", "太极拳协会", "读书会",
	"环保志愿队", "治安巡逻队", "亲子阅读会", "妇女之家", "青少年服务社", "助残服务队", "健康促进会", "乒乓球协会", "篮球队",
	"粤剧社", "摄影协会", "种植技术协会", "垃圾分类督导队", "平安志愿队", "心理疏导服务队", "邻里守望队", "文艺宣传队",
	"象棋协会", "广场舞队", "义剪服务队", "家风家教促进会", "慈善互助会", "调解志愿队", "科普宣传队", "手工艺协会",
	"长跑爱好者协会", "花艺社", "茶艺社", "民俗文化研究会", "退役军人志愿队", "法律援助志愿队", "应急救援队"}

// villages reads the national communities and villages shipped with the project.
func villages(b *testing.B) [][2]string {
	fh, err := os.Open("../../data/divisions/villages.csv.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	gz, err := gzip.NewReader(fh)
	if err != nil {
		b.Fatal(err)
	}
	r := csv.NewReader(gz)
	r.Read()
	var out [][2]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, [2]string{rec[0], rec[1]})
	}
	return out
}

func label(name string) string {
	for _, suf := range []string{"居民委员会", "村民委员会", "委员会", "居委会", "村委会"} {
		if strings.HasSuffix(name, suf) {
			return strings.TrimSuffix(name, suf)
		}
	}
	return name
}

// fillNational writes n organizations over the national communities with
// bulk INSERTs (not through the service): the divisions they reference,
// the organizations and their search documents. It returns the codes and
// labels of the communities that have organizations.
func fillNational(b *testing.B, d *db.DB, n int) [][2]string {
	ctx := context.Background()
	vs := villages(b)
	start := time.Now()
	insert := func(table string, cols []string, rows [][]any) {
		tx, err := d.Write.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer func() {
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}()
		per := max(1, 900/len(cols)) // modernc looks bound parameters up by name: keep statements small
		for i := 0; i < len(rows); i += per {
			chunk := rows[i:min(len(rows), i+per)]
			args := make([]any, 0, len(chunk)*len(cols))
			for _, r := range chunk {
				args = append(args, r...)
			}
			q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + db.Values(nil, len(chunk), len(cols))
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				b.Fatal(err)
			}
		}
	}
	var divs [][]any
	for _, v := range vs {
		divs = append(divs, []any{v[0], v[1], 5, v[0][:9]})
	}
	insert("divisions", []string{"code", "name", "level", "parent_code"}, divs)
	fmt.Fprintf(os.Stderr, "divisions: %v\n", time.Since(start))
	now := time.Now().UTC()
	labels := make([]string, 0, len(vs))
	for _, v := range vs {
		labels = append(labels, label(v[1]))
	}
	const batch = 50000
	used := make([]bool, len(vs))
	for lo := 0; lo < n; lo += batch {
		var orgs, docs [][]any
		for i := lo; i < min(n, lo+batch); i++ {
			c := i % len(vs) // in code order: the indexes grow at their ends
			if n < len(vs) {
				c = (i * 7919) % len(vs) // spread a small table over the country
			}
			used[c] = true
			v := vs[c]
			name := labels[c] + benchKinds[(i*7+i/len(vs))%len(benchKinds)]
			orgs = append(orgs, []any{i + 1, name, registry.NameKey(name), "community", 8, 1, v[0], v[0][:9], v[0][:6],
				"负责人", "13900000000", "active", now, now})
			docs = append(docs, registry.SearchRow(d.Engine, int64(i+1), name, v[0][:6]))
		}
		insert("orgs", []string{"id", "name", "name_key", "tier", "types_mask", "groups_mask", "community_code", "street_code",
			"district_code", "leader_name", "leader_phone", "status", "created_at", "updated_at"}, orgs)
		t1 := time.Now()
		insert("org_search", registry.SearchColumns(d.Engine), docs)
		fmt.Fprintf(os.Stderr, "%d orgs: %v (search documents %v)\n", min(n, lo+batch), time.Since(start), time.Since(t1))
	}
	if d.Engine == db.Postgres {
		d.Write.ExecContext(ctx, "ANALYZE")
	}
	b.Logf("filled %d organizations over %d communities on %s in %v", n, len(vs), d.Engine, time.Since(start).Round(time.Second))
	var out [][2]string
	for i, v := range vs {
		if used[i] {
			out = append(out, [2]string{v[0], labels[i]})
		}
	}
	return out
}

// BenchmarkSearch measures the list with a search box at national scale:
// the count of the matches and the first page ranked, for readers of three
// scopes. LINLI_BENCH_ORGS sets the size (default 1,750,000). Each
// query kind runs a set of queries; the metric is their median latency.
//
//	go test -run '^$' -bench Search -benchtime 1x -timeout 60m ./internal/registry/
func BenchmarkSearch(b *testing.B) {
	n := dbtest.Size("LINLI_BENCH_ORGS", 1_750_000)
	d := dbtest.Open(b)
	all := fillNational(b, d, n)
	// Readers: a province-level administrator (广东, 44, the widest scope a
	// role has: the full-text index serves it), a city's (广州, 4401) and a
	// district officer's (天河区, 440106), whose lists are small enough to
	// scan. LINLI_BENCH_SCOPE=CODE measures one scope ("" is the whole
	// country, a worst case no account has). Queries are drawn from the
	// province's community names.
	scopes := []string{"44", "4401", "440106"}
	if v, ok := os.LookupEnv("LINLI_BENCH_SCOPE"); ok {
		scopes = []string{v}
	}
	var labels []string
	for _, c := range all {
		if strings.HasPrefix(c[0], scopes[0]) {
			labels = append(labels, c[1])
		}
	}
	reg := &registry.Service{DB: d, Now: time.Now}
	rng := rand.New(rand.NewPCG(1, 2))
	sample := func(k, size int) []string {
		var out []string
		for len(out) < size {
			l := []rune(labels[rng.IntN(len(labels))])
			if len(l) < k+1 {
				continue
			}
			i := rng.IntN(len(l) - k)
			out = append(out, string(l[i:i+k]))
		}
		return out
	}
	initials := func(size int) []string {
		var out []string
		for len(out) < size {
			_, _, ini := registry.SearchDoc(labels[rng.IntN(len(labels))] + benchKinds[rng.IntN(len(benchKinds))])
			toks := strings.Fields(ini)
			if len(toks) < 4 || len(toks[len(toks)-4]) < 4 {
				continue
			}
			out = append(out, toks[len(toks)-4][:4]) // the initials of the last four characters, e.g. "jfhz"
		}
		return out
	}
	sets := []struct {
		name    string
		queries []string
	}{
		{"chinese_2char_random", sample(2, 21)},
		{"chinese_3char_random", sample(3, 21)},
		{"chinese_2char_common", []string{"互助", "志愿", "协会", "舞蹈", "社区"}},
		{"chinese_3char_common", []string{"互助队", "志愿队", "舞蹈队"}},
		{"pinyin_initials", initials(21)},
		{"pinyin_initials_jfhz", []string{"jfhz"}},
		{"pinyin_full", []string{"jiefanghuzhu", "wudaodui", "shufaxiehui", "zhiyuan"}},
	}
	for _, scope := range scopes {
		reader := &auth.User{ID: 1, Role: auth.CityAdmin, ScopeCode: scope}
		if q := os.Getenv("LINLI_BENCH_EXPLAIN"); q != "" {
			explain(b, d, reader, q)
		}
		for _, set := range sets {
			b.Run("scope_"+scope+"/"+set.name, func(b *testing.B) {
				var lat []time.Duration
				var matches []int
				for i := 0; i < b.N; i++ {
					for _, q := range set.queries {
						t0 := time.Now()
						p, err := reg.List(context.Background(), reader, registry.Filter{Q: q})
						el := time.Since(t0)
						if err != nil {
							b.Fatal(err)
						}
						lat = append(lat, el)
						matches = append(matches, p.Total)
					}
				}
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				sort.Ints(matches)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median-ms")
				b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
				b.ReportMetric(float64(matches[len(matches)/2]), "median-matches")
				b.Logf("%s on %s, %d organizations, scope %q: queries %v", set.name, d.Engine, n, scope, set.queries)
			})
		}
	}
}

// explain prints the plan of a search's page query (LINLI_BENCH_EXPLAIN=q).
func explain(b *testing.B, d *db.DB, u *auth.User, q string) {
	ctx := context.Background()
	reg := &registry.Service{DB: d, Now: time.Now}
	sqlText, args := registry.SearchSQLForTest(reg, u, q)
	prefix := "EXPLAIN QUERY PLAN "
	if d.Engine == db.Postgres {
		prefix = "EXPLAIN (ANALYZE, BUFFERS) "
	}
	rows, err := d.Read.QueryContext(ctx, prefix+sqlText, args...)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rows.Scan(ptrs...)
		fmt.Fprintln(os.Stderr, vals...)
	}
}
