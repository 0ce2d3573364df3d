package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// Stat is one line of the table.
type Stat struct {
	Name  string `json:"name"`
	Key   string `json:"key"`
	Group string `json:"group"` // anchor | request | write | memory
	// Available is false for what the product cannot do yet.
	Available  bool    `json:"available"`
	N          int     `json:"n,omitempty"`
	Errors     int     `json:"errors,omitempty"`
	FirstError string  `json:"first_error,omitempty"`
	MedianMS   float64 `json:"median_ms,omitempty"`
	P99MS      float64 `json:"p99_ms,omitempty"`
	// CPUMS is the processor time the whole process (server and load
	// generator) spent per request or row, in milliseconds: unlike
	// latency, it hardly depends on what else the machine is doing.
	CPUMS float64 `json:"cpu_ms_per_op,omitempty"`
	Rate  float64 `json:"rate,omitempty"`
	Unit  string  `json:"unit,omitempty"`
	// Value is a single reading (memory in MiB).
	Value float64 `json:"value,omitempty"`
	// Anchor names the anchor Ratio compares Rate with.
	Anchor string  `json:"anchor,omitempty"`
	Ratio  float64 `json:"ratio,omitempty"`
	Target string  `json:"target,omitempty"`
	// Met is nil where there is no target or nothing was measured.
	Met  *bool  `json:"met,omitempty"`
	Note string `json:"note,omitempty"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func fromSample(name, key, group string, s *Sample) *Stat {
	st := &Stat{Name: name, Key: key, Group: group, Available: true, N: s.N, Errors: s.Errors, FirstError: s.FirstError,
		MedianMS: ms(s.Quantile(0.5)), P99MS: ms(s.Quantile(0.99)), Rate: s.Rate(), Unit: "req/s"}
	if n := s.N + s.Errors; n > 0 {
		st.CPUMS = ms(s.CPU) / float64(n)
	}
	return st
}

func notAvailable(name, key, group, target, why string) *Stat {
	return &Stat{Name: name, Key: key, Group: group, Target: target, Note: "not available yet: " + why}
}

// Machine is where the run happened.
type Machine struct {
	CPUs      int               `json:"cpus"`
	CPUModel  string            `json:"cpu_model"`
	MemoryGiB float64           `json:"memory_gib"`
	Kernel    string            `json:"kernel"`
	Go        string            `json:"go"`
	Engine    string            `json:"engine"`
	Server    string            `json:"server_version"`
	Settings  map[string]string `json:"settings,omitempty"`
	LoadAvg   string            `json:"load_average_at_start"`
}

// Report is the whole run, printed as a table and written as JSON.
type Report struct {
	Command  string    `json:"command"`
	Started  time.Time `json:"started"`
	Seconds  float64   `json:"seconds"`
	Machine  Machine   `json:"machine"`
	Dataset  Dataset   `json:"dataset"`
	Subjects Subjects  `json:"subjects"`
	Stats    []*Stat   `json:"results"`
}

// Subjects are the accounts and places the requests were made as and about.
type Subjects struct {
	City          string `json:"city"`
	CityName      string `json:"city_name"`
	CityOrgs      int    `json:"city_orgs"`
	District      string `json:"district"`
	DistrictName  string `json:"district_name"`
	DistrictOrgs  int    `json:"district_orgs"`
	CityDistricts int    `json:"city_districts"`
	// CensusDistrict is where the census import measurement writes its
	// organizations: not the measured district, and outside the measured
	// city where the scale has another.
	CensusDistrict     string `json:"census_district"`
	CensusDistrictName string `json:"census_district_name"`
	// CopiedIndicators is how many of Guangzhou's indicators the bench
	// copied to the measured city, which had none of its own.
	CopiedIndicators int `json:"copied_indicators,omitempty"`
}

// Stat finds a line by key.
func (r *Report) Stat(key string) *Stat {
	for _, s := range r.Stats {
		if s.Key == key {
			return s
		}
	}
	return nil
}

// WriteJSON writes the report to a file.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Print writes the table.
func (r *Report) Print(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "\nlinli bench: %s on %s (%s), %d CPUs (%s), %.0f GiB, %s\n", r.Dataset.Scale, m.Engine, m.Server,
		m.CPUs, m.CPUModel, m.MemoryGiB, m.Go)
	d := r.Dataset
	fmt.Fprintf(w, "dataset: %d divisions, %d communities, %d organizations (%d registered, %d hubs, %d brand, %d demonstration), %d history rows, %d search documents\n",
		d.Divisions, d.Communities, d.Orgs, d.Registered, d.Hubs, d.Brands, d.Demos, d.History, d.SearchDocs)
	fmt.Fprintf(w, "         %d organizations in custody, %d ledger accounts, %d postings, %d hub social workers, %d incubation bases, %d rural pilots\n",
		d.Custody, d.Accounts, d.Postings, d.Workers, d.Bases, d.Pilots)
	fmt.Fprintf(w, "         %d activities (about %d a year per active organization), %d volunteers, %d volunteer-hour entries\n",
		d.Activities, ActivitiesPerYear, d.Volunteers, d.HourEntries)
	if !d.Reused {
		fmt.Fprintf(w, "generated in %.1f s (%.0f rows/s; hierarchy %.1f s; %d custody postings through the ledger in %.1f s; the registry's start-up search-index check %.1f s)\n",
			d.GenerateS, d.RowsPerS, d.HierarchyS, d.Postings, d.PostingsS, d.SearchCheckS)
	}
	s := r.Subjects
	fmt.Fprintf(w, "requests as: city administrator of %s %s (%d organizations, %d districts); district officer of %s %s (%d organizations); census import into %s %s\n\n",
		s.City, s.CityName, s.CityOrgs, s.CityDistricts, s.District, s.DistrictName, s.DistrictOrgs, s.CensusDistrict, s.CensusDistrictName)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measurement\tn\tmedian\tp99\trate\tvs anchor\tCPU/op\ttarget\tmet")
	for _, st := range r.Stats {
		fmt.Fprintln(tw, strings.Join(cells(st), "\t"))
	}
	tw.Flush()
	r.notes(w, "  ")
}

// cells are a measurement's row of the table.
func cells(st *Stat) []string {
	return []string{st.Name, count(st), dur(st.MedianMS, st), dur(st.P99MS, st), rate(st), ratio(st), cpu(st), st.Target, met(st)}
}

// notes writes, a line each after bullet, the notes and errors of the
// measurements that have any.
func (r *Report) notes(w io.Writer, bullet string) {
	for _, st := range r.Stats {
		if st.Note != "" || st.FirstError != "" {
			fmt.Fprintf(w, "%s%s: %s", bullet, st.Name, st.Note)
			if st.FirstError != "" {
				fmt.Fprintf(w, " (%d errors; first: %s)", st.Errors, oneLine(st.FirstError))
			}
			fmt.Fprintln(w)
		}
	}
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

func count(s *Stat) string {
	if !s.Available || s.N == 0 {
		return "-"
	}
	return fmt.Sprint(s.N)
}

func dur(v float64, s *Stat) string {
	if !s.Available || s.Group == "memory" || v == 0 {
		return "-"
	}
	if v < 10 {
		return fmt.Sprintf("%.2f ms", v)
	}
	return fmt.Sprintf("%.1f ms", v)
}

func rate(s *Stat) string {
	if !s.Available {
		return "not available yet"
	}
	if s.Group == "memory" {
		return fmt.Sprintf("%.0f MiB", s.Value)
	}
	if s.Rate == 0 {
		return "-"
	}
	return fmt.Sprintf("%s %s", thousands(s.Rate), s.Unit)
}

func thousands(f float64) string {
	n := int64(f + 0.5)
	str := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range str {
		if i > 0 && (len(str)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func ratio(s *Stat) string {
	if s.Ratio == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*s.Ratio)
}

func cpu(s *Stat) string {
	switch {
	case s.CPUMS == 0:
		return "-"
	case s.CPUMS < 0.1:
		return fmt.Sprintf("%.1f µs", 1000*s.CPUMS)
	case s.CPUMS < 10:
		return fmt.Sprintf("%.2f ms", s.CPUMS)
	}
	return fmt.Sprintf("%.0f ms", s.CPUMS)
}

func met(s *Stat) string {
	if s.Met == nil {
		return ""
	}
	if *s.Met {
		return "yes"
	}
	return "NO"
}

// Markdown writes the table as Markdown, for docs/PERFORMANCE.md.
func (r *Report) Markdown(w io.Writer) {
	m, d, s := r.Machine, r.Dataset, r.Subjects
	fmt.Fprintf(w, "`%s` — %s, %d CPUs (%s), %.0f GiB, %s, %s; load average at start %s; %s.\n\n", r.Command, m.Server, m.CPUs,
		m.CPUModel, m.MemoryGiB, m.Kernel, m.Go, m.LoadAvg, r.Started.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "Dataset: %d communities, %d organizations, %d history rows, %d search documents, %d in custody, %d postings. ",
		d.Communities, d.Orgs, d.History, d.SearchDocs, d.Custody, d.Postings)
	fmt.Fprintf(w, "Requests as the city administrator of %s %s (%d organizations) and the district officer of %s %s (%d); the census import writes into %s %s.\n\n",
		s.City, s.CityName, s.CityOrgs, s.District, s.DistrictName, s.DistrictOrgs, s.CensusDistrict, s.CensusDistrictName)
	fmt.Fprintln(w, "| measurement | n | median | p99 | rate | vs anchor | CPU/op | target | met |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
	for _, st := range r.Stats {
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells(st), " | "))
	}
	fmt.Fprintln(w)
	r.notes(w, "- ")
}
