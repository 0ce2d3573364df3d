package registry

import (
	"encoding/csv"
	"os"
	"runtime"
	"strings"
	"testing"
)

// benchDocs are n documents named as the bench's generator names them (a
// Guangzhou community's name and a kind): name_key, chars and py.
func benchDocs(b *testing.B, n int) [][3]string {
	b.Helper()
	f, err := os.Open("../../data/divisions/guangzhou-villages.csv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	kinds := []string{"街坊互助队", "长者关爱服务队", "志愿服务队", "舞蹈队", "书法协会", "合唱团", "太极拳协会", "读书会",
		"环保志愿队", "治安巡逻队", "亲子阅读会", "平安志愿队", "邻里议事会", "农技协会", "互助会"}
	docs := make([][3]string, n)
	for i := range docs {
		name := strings.TrimSuffix(strings.TrimSuffix(rows[1+i%(len(rows)-1)][1], "居民委员会"), "村民委员会") + kinds[(i*7)%len(kinds)]
		chars, py, _ := SearchDoc(name)
		docs[i] = [3]string{NameKey(name), chars, py}
	}
	return docs
}

// placeIndexOf builds a district's index from its rows, as buildPlace does
// once the database has handed them over.
func placeIndexOf(docs [][3]string) *placeIndex {
	x := newPlaceIndex()
	for i, d := range docs {
		x.add(int64(i+1), d[0], d[1], d[2])
	}
	x.finish()
	return x
}

// BenchmarkPlaceIndex measures a district's search documents in memory,
// the size of 浦东新区's at national scale (7,312): building it from its
// rows (the database's read excluded), its declared and its real bytes
// per document, and a warm index's answer to the bench's queries.
//
//	go test -run '^$' -bench PlaceIndex -benchmem ./internal/registry/
func BenchmarkPlaceIndex(b *testing.B) {
	const n = 7312
	docs := benchDocs(b, n)
	b.Run("build", func(b *testing.B) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		x := placeIndexOf(docs)
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(x)
		for b.Loop() {
			placeIndexOf(docs)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1000, "µs/doc")
		b.ReportMetric(float64(x.size)/n, "declared-B/doc")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/doc")
	})
	x := placeIndexOf(docs)
	for _, qs := range [][]string{
		{"舞蹈", "志愿", "长者", "互助", "书法", "巡逻", "合唱", "关爱", "种植", "议事"},
		{"舞蹈队", "服务队", "合唱团", "互助会", "书法协", "巡逻队", "理事会", "志愿服"},
		{"wdd", "zyfwd", "hct", "sfxh", "paxld", "llysh", "njxh", "hzh"},
	} {
		b.Run("match_"+qs[0], func(b *testing.B) {
			qq := make([]indexQuery, len(qs))
			for i, q := range qs {
				qq[i] = newIndexQuery(NameKey(q))
			}
			for b.Loop() {
				for _, q := range qq {
					x.match(q, 201)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(qq))/1000, "µs/query")
		})
	}
}
