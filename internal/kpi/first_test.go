package kpi

import (
	"context"
	"testing"

	"linli/internal/platform/db/dbtest"
)

// TestFirstStatusSQL holds the index-served form of the first entry equal
// to MIN(COALESCE(entered_at, at)) over the status rows, on sets of rows
// that make either half win, or neither answer.
func TestFirstStatusSQL(t *testing.T) {
	d := dbtest.Open(t)
	const null = "CAST(NULL AS TEXT)"
	cases := map[string]string{
		"no rows":            `SELECT 'status', '2021-01-01', 'x' WHERE 1 = 0`,
		"entry times only":   `VALUES ('status', '2021-03-01 00:00:00+00:00', '2022-01-05 08:00:00+00:00'), ('status', '2020-01-01 00:00:00+00:00', '2022-01-04 08:00:00+00:00')`,
		"no entry times":     `VALUES ('status', '2021-03-01 00:00:00+00:00', ` + null + `), ('status', '2020-06-01 00:00:00+00:00', ` + null + `)`,
		"an entry time wins": `VALUES ('status', '2019-01-01 00:00:00+00:00', '2019-02-01 00:00:00+00:00'), ('status', '2020-06-01 00:00:00+00:00', ` + null + `)`,
		"an old row wins":    `VALUES ('status', '2018-01-01 00:00:00+00:00', ` + null + `), ('status', '2017-01-01 00:00:00+00:00', '2019-02-01 00:00:00+00:00')`,
		"other fields left":  `VALUES ('name', '2001-01-01 00:00:00+00:00', ` + null + `), ('tier', '2002-01-01 00:00:00+00:00', '2002-01-01 00:00:00+00:00'), ('status', '2020-06-01 00:00:00+00:00', ` + null + `)`,
	}
	for name, rows := range cases {
		t.Run(name, func(t *testing.T) {
			with := `WITH org_history (field, at, entered_at) AS (` + rows + `) `
			var got, want any
			if err := d.Read.QueryRowContext(context.Background(), with+firstStatusSQL).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if err := d.Read.QueryRowContext(context.Background(),
				with+`SELECT MIN(COALESCE(entered_at, at)) FROM org_history WHERE field = 'status'`).Scan(&want); err != nil {
				t.Fatal(err)
			}
			g, gok := timeOf(got)
			w, wok := timeOf(want)
			if gok != wok || !g.Equal(w) {
				t.Fatalf("first status entry %v (%v), want %v (%v)", got, gok, want, wok)
			}
			if name != "no rows" && !wok {
				t.Fatalf("the plain form found no time in %s: the case tests nothing", rows)
			}
		})
	}
}
