package bench

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Design checks time single queries straight on the database, one at a
// time, to show what a design choice buys on this dataset: the same
// question answered with and without it.

type query struct {
	name, key, sql string
	args           []any
}

func (m *measurer) designChecks(ctx context.Context) []*Stat {
	d := m.t.DB
	city := m.rep.Subjects.City
	fts := d.Dialect.FullText("org_search", "org_id", "chars", "$1")
	// The index's tokens carry the city's code and an x (registry,
	// migration 006): "舞蹈 in the city" is one phrase of the city's tokens.
	phrases := [][]string{{city + "x舞", city + "x蹈"}}
	qs := []query{
		{"2-character search, LIKE scan of every name (no index)", "design_search_like",
			`SELECT COUNT(*) FROM orgs o WHERE o.name_key LIKE $1`, []any{"%舞蹈%"}},
		{"2-character search, LIKE scan of the city's names", "design_search_like_city",
			`SELECT COUNT(*) FROM orgs o WHERE o.community_code >= $2 AND o.community_code < $3 AND o.name_key LIKE $1`,
			[]any{"%舞蹈%", city, city + "~"}},
		{"2-character search, city-token index, city scope (every match counted)", "design_search_fts_city",
			`SELECT COUNT(*) FROM (` + fts + `) x`, []any{d.Dialect.FullTextQuery("chars", phrases, false)}},
		{"count by district, joining every organization to its community", "design_group_join",
			`SELECT substr(v.parent_code, 1, 6), COUNT(*) FROM orgs o JOIN divisions v ON v.code = o.community_code GROUP BY 1`, nil},
		{"count by district, on the code stored on the row", "design_group_row",
			`SELECT o.district_code, COUNT(*) FROM orgs o GROUP BY o.district_code`, nil},
	}
	var out []*Stat
	for _, q := range qs {
		m.cfg.say("design check: %s", q.name)
		st := &Stat{Name: q.name, Key: q.key, Group: "design", Available: true, Unit: "queries/s"}
		var lat []time.Duration
		deadline := time.Now().Add(m.cfg.Duration)
		cpu0 := TotalCPU()
		for i := 0; i < 20 && (i < 3 || time.Now().Before(deadline)); i++ {
			t0 := time.Now()
			rows, err := d.Read.QueryContext(ctx, q.sql, q.args...)
			if err == nil {
				for rows.Next() {
				}
				err = rows.Err()
				rows.Close()
			}
			if err != nil {
				st.Errors, st.FirstError = st.Errors+1, fmt.Sprint(err)
				break
			}
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		st.N = len(lat)
		if st.N > 0 {
			st.MedianMS, st.P99MS = ms(quantile(lat, 0.5)), ms(quantile(lat, 0.99))
			st.CPUMS = ms(TotalCPU()-cpu0) / float64(st.N)
			st.Rate = 1000 / st.MedianMS
		}
		out = append(out, st)
	}
	return out
}
