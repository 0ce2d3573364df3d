package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"linli/internal/app"
	"linli/internal/bench"
	"linli/internal/platform/db/dbtest"
)

// run runs `linli bench` as the command line does, on a fresh database of
// the test's engine, and returns the report it wrote.
func run(t *testing.T, args ...string) (*bench.Report, string) {
	t.Helper()
	return runAt(t, dbtest.URL(t), args...)
}

// runAt runs `linli bench` on the database at url.
func runAt(t *testing.T, url string, args ...string) (*bench.Report, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bench.json")
	var stdout, stderr bytes.Buffer
	args = append([]string{"bench", "--db", url, "--out", out}, args...)
	code := app.Run(context.Background(), app.Env{Args: args, Stdout: &stdout, Stderr: &stderr,
		Getenv: func(string) string { return "" }})
	if code != 0 {
		t.Fatalf("linli %s: exit %d\n%s\n%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep bench.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	return &rep, stdout.String() + "\n" + stderr.String()
}

// TestBenchRunsEndToEnd runs the whole bench at a small scale on the
// test's engine: dataset, anchors, every measurement, table and JSON. It
// asserts that everything ran and nothing failed, never how fast.
func TestBenchRunsEndToEnd(t *testing.T) {
	rep, out := run(t, "--scale", "guangzhou", "--seed", "7", "--orgs", "1500", "--requests", "60", "--duration", "2s")
	t.Log(out)
	d := rep.Dataset
	if d.Orgs < 1000 || d.Orgs > 2000 || d.History < 3*d.Orgs || d.SearchDocs != d.Orgs || d.Communities != 2851 {
		t.Errorf("dataset %+v", d)
	}
	if d.Backfilled != 0 {
		t.Errorf("the registry's search backfill found %d organizations unindexed", d.Backfilled)
	}
	if d.Hubs == 0 || d.Registered == 0 || d.Brands == 0 {
		t.Errorf("flags missing: %+v", d)
	}
	if d.Custody == 0 || d.Accounts == 0 || d.Postings == 0 || d.Bases == 0 {
		t.Errorf("custody, ledger or bases missing: %+v", d)
	}
	for _, key := range []string{"anchor_insert", "anchor_commit", "anchor_http", "org_list", "org_list_cold", "org_list_district", "org_list_district_cold",
		"search_2", "search_3", "search_initials", "search_2_db", "search_initials_db", "org_page", "org_api", "dashboard_city", "dashboard_city_cached",
		"dashboard_district", "dashboard_district_cached", "dashboard_district_busy", "dashboard_city_changed", "dashboard_district_changed", "export_xlsx", "census_import", "census_reimport",
		"ledger_seq", "ledger_16", "rss_rest", "rss_peak", "portal_community", "portal_place_api_district",
		"coverage_city", "coverage_city_cold", "coverage_district_past", "coverage_district_past_cold"} {
		st := rep.Stat(key)
		switch {
		case st == nil:
			t.Errorf("%s: missing", key)
		case !st.Available:
			t.Errorf("%s: not available: %s", key, st.Note)
		case st.Errors > 0:
			t.Errorf("%s: %d errors, first: %s", key, st.Errors, st.FirstError)
		case st.Group != "memory" && (st.N == 0 || st.Rate <= 0):
			t.Errorf("%s: nothing measured: %+v", key, st)
		}
	}
	for _, st := range rep.Stats {
		if st.Available && st.Errors > 0 {
			t.Errorf("%s: %d errors, first: %s", st.Name, st.Errors, st.FirstError)
		}
	}
	// the rows measured after a change: the changes' own cost not in them
	for _, key := range []string{"dashboard_city_changed", "dashboard_district_changed"} {
		st := rep.Stat(key)
		if st == nil {
			continue
		}
		if !strings.Contains(st.Note, "are not in them") {
			t.Errorf("%s: the changes' cost not taken out: %s", key, st.Note)
		}
		// each request evaluated the dashboard (a cache hit reads the
		// counters alone), not served what the one before it kept
		var trips float64
		if i := strings.Index(st.Note, " database round trips a request"); i < 0 {
			t.Errorf("%s: no round trips in the note: %s", key, st.Note)
		} else if f := strings.Fields(st.Note[:i]); len(f) == 0 {
			t.Errorf("%s: %s", key, st.Note)
		} else if trips, _ = strconv.ParseFloat(f[len(f)-1], 64); trips < 4 {
			t.Errorf("%s: %.1f round trips a request: served from the cache? %s", key, trips, st.Note)
		}
	}
	if !strings.Contains(out, "organization list, district filter") {
		t.Errorf("table lacks the list line:\n%s", out)
	}
}

// TestBenchSignsInAgain runs the bench three times over one dataset in
// quick succession (as a benchmark that reuses its dataset does): its city
// administrator signs in with a second factor each time, and a code is
// accepted once, so each run must take a step the account has not used.
func TestBenchSignsInAgain(t *testing.T) {
	url := dbtest.URL(t)
	for i, reuse := range []bool{false, true, true} {
		args := []string{"--scale", "guangzhou", "--seed", "5", "--orgs", "300", "--only", "generate-only", "--duration", "100ms"}
		if reuse {
			args = append(args, "--reuse")
		}
		rep, out := runAt(t, url, args...)
		if rep.Dataset.Orgs == 0 || rep.Dataset.Reused != reuse {
			t.Fatalf("run %d: dataset %+v\n%s", i, rep.Dataset, out)
		}
	}
}

// TestSameSeedSameDataset checks that the dataset is deterministic.
func TestSameSeedSameDataset(t *testing.T) {
	if testing.Short() {
		t.Skip("generates two datasets")
	}
	a, _ := run(t, "--seed", "3", "--orgs", "800", "--requests", "1", "--duration", "1ms")
	b, _ := run(t, "--seed", "3", "--orgs", "800", "--requests", "1", "--duration", "1ms")
	for _, d := range []*bench.Dataset{&a.Dataset, &b.Dataset} {
		d.GenerateS, d.HierarchyS, d.RowsPerS, d.PostingsS, d.SearchCheckS = 0, 0, 0, 0, 0
	}
	if a.Dataset != b.Dataset || a.Subjects != b.Subjects {
		t.Fatalf("same seed, different datasets:\n%+v %+v\n%+v %+v", a.Dataset, a.Subjects, b.Dataset, b.Subjects)
	}
}

func TestUnknownScaleIsAUsageError(t *testing.T) {
	var stderr bytes.Buffer
	code := app.Run(context.Background(), app.Env{Args: []string{"bench", "--db", dbtest.URL(t), "--scale", "moon"},
		Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }})
	if code == 0 || !strings.Contains(stderr.String(), "moon") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}

// The server-alone measurement finds the address in what `linli serve`
// prints once it listens (the line changed once and the measurement was
// silently lost at national scale).
func TestServeBase(t *testing.T) {
	for line, want := range map[string]string{
		"linli dev · http://127.0.0.1:40123 · sqlite":          "http://127.0.0.1:40123",
		"linli v1.2.0 · http://[::1]:8080 · postgres":          "http://[::1]:8080",
		"  demo accounts: city http://127.0.0.1:1/ (password)": "",
		"time=… level=INFO msg=serving addr=127.0.0.1:40123":   "",
	} {
		got, ok := bench.ServeBase(line)
		if got != want || ok != (want != "") {
			t.Errorf("ServeBase(%q) = %q, %v; want %q", line, got, ok, want)
		}
	}
}

// TestReusedRunsMeasureTheSameRows runs the census measurement twice over
// one dataset: the import writes to a district the bench does not measure,
// and the second run measures the same district with the same rows (the
// census rows of the first run are not in it).
func TestReusedRunsMeasureTheSameRows(t *testing.T) {
	url := dbtest.URL(t)
	var first bench.Subjects
	for i, reuse := range []bool{false, true} {
		args := []string{"--scale", "guangzhou", "--seed", "3", "--orgs", "600", "--only", "census", "--duration", "100ms"}
		if reuse {
			args = append(args, "--reuse")
		}
		rep, out := runAt(t, url, args...)
		s := rep.Subjects
		if st := rep.Stat("census_import"); st == nil || !st.Available || st.Errors > 0 || st.N == 0 {
			t.Fatalf("run %d: census import %+v\n%s", i, st, out)
		}
		if s.CensusDistrict == "" || s.CensusDistrict == s.District || !strings.HasPrefix(s.CensusDistrict, s.City) {
			t.Fatalf("run %d: census into %q, measured %q in %q", i, s.CensusDistrict, s.District, s.City)
		}
		if i == 0 {
			first = s
			continue
		}
		if s.District != first.District || s.DistrictOrgs != first.DistrictOrgs {
			t.Errorf("second run measures %s (%d organizations), the first %s (%d)", s.District, s.DistrictOrgs, first.District, first.DistrictOrgs)
		}
		if s.CityOrgs <= first.CityOrgs {
			t.Errorf("the first run's census import is not in the city: %d then %d organizations", first.CityOrgs, s.CityOrgs)
		}
	}
}
