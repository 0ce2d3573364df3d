// Command peer is the client half of scripts/peer.sh: it checks that linli
// and PocketBase, serving the same organizations, answer the same
// requests with the same counts, then times each kind of request on both,
// one server after the other, with the same client, and prints a Markdown
// table. It uses only the standard library and linli's own packages, so
// linli's go.mod gains nothing (PocketBase itself is built by the script
// with `go install module@version`).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"linli/internal/bench"
	"linli/internal/platform/auth"
)

type config struct {
	linli, pb           string // base URLs
	user, password      string // linli's city administrator (the bench's account)
	pbEmail, pbPassword string // PocketBase's superuser
	linliPID, pbPID     int
	districts, ids      []string
	n, c, warm, hz      int
	only                string
}

func main() {
	var cfg config
	var districts, ids string
	flag.StringVar(&cfg.linli, "linli", "http://127.0.0.1:8090", "linli's base URL")
	flag.StringVar(&cfg.pb, "pb", "http://127.0.0.1:8091", "PocketBase's base URL")
	flag.StringVar(&cfg.user, "user", "", "linli city administrator (the bench's bench-city-CODE account)")
	flag.StringVar(&cfg.password, "password", "bench-password-2021", "its password (the bench's)")
	flag.StringVar(&cfg.pbEmail, "pb-email", "peer@example.com", "PocketBase superuser")
	flag.StringVar(&cfg.pbPassword, "pb-password", "peer-password-2021", "its password")
	flag.IntVar(&cfg.linliPID, "linli-pid", 0, "linli's process, for its CPU time")
	flag.IntVar(&cfg.pbPID, "pb-pid", 0, "PocketBase's process, for its CPU time")
	flag.StringVar(&districts, "districts", "", "comma-separated district codes to cycle through")
	flag.StringVar(&ids, "ids", "", "comma-separated organization ids to cycle through")
	flag.IntVar(&cfg.n, "n", 2000, "timed requests per row and server")
	flag.IntVar(&cfg.c, "c", 32, "connections")
	flag.IntVar(&cfg.warm, "warm", 200, "warm-up requests per row and server, discarded")
	flag.IntVar(&cfg.hz, "hz", 100, "clock ticks a second of /proc/PID/stat (getconf CLK_TCK)")
	flag.StringVar(&cfg.only, "only", "", "comma-separated prefixes: time only the rows whose key starts with one (list, search_2, search_3, search_initials, org)")
	flag.Parse()
	cfg.districts, cfg.ids = split(districts), split(ids)
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, log, cfg, os.Stdout); err != nil {
		log.Error("peer", "err", err)
		os.Exit(1)
	}
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// server is one side: its base URL, how a request is authenticated, and
// its process.
type server struct {
	name, base string
	header     http.Header
	pid        int
}

// row is one kind of request, built for both servers from the same i.
type row struct {
	key, name string
	linli, pb func(i int) string // paths
}

func run(ctx context.Context, log *slog.Logger, cfg config, out io.Writer) error {
	if cfg.user == "" || len(cfg.districts) == 0 || len(cfg.ids) == 0 {
		return errors.New("-user, -districts and -ids are required")
	}
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{
		MaxIdleConns: 2 * cfg.c, MaxIdleConnsPerHost: 2 * cfg.c, IdleConnTimeout: time.Minute}}
	li, err := signInLinli(ctx, client, cfg)
	if err != nil {
		return err
	}
	pb, err := signInPB(ctx, client, cfg)
	if err != nil {
		return err
	}
	rows := requests(cfg)
	log.Info("checking counts", "districts", len(cfg.districts), "ids", len(cfg.ids))
	sum, err := check(ctx, client, li, pb, cfg)
	if err != nil {
		return fmt.Errorf("counts differ, no timing: %w", err)
	}
	log.Info("counts equal", "districts", sum.districts, "organizations listed", sum.listed,
		"terms", sum.terms, "PocketBase matches", sum.matches, "single organizations", sum.orgs)

	fmt.Fprintf(out, "| request | linli median / p99 ms | linli req/s | linli CPU ms/req | PocketBase median / p99 ms | PocketBase req/s | PocketBase CPU ms/req | ratio req/s | ratio CPU | load (1 min) |\n")
	fmt.Fprintf(out, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		if !wanted(r.key, cfg.only) {
			continue
		}
		var res [2]result
		for k, side := range []struct {
			s    *server
			path func(int) string
		}{{li, r.linli}, {pb, r.pb}} {
			log.Info("timing", "row", r.key, "server", side.s.name)
			res[k], err = timeRow(ctx, client, side.s, side.path, cfg)
			if err != nil {
				return fmt.Errorf("%s on %s: %w", r.key, side.s.name, err)
			}
		}
		l, p := res[0], res[1]
		fmt.Fprintf(out, "| %s | %.1f / %.1f | %.0f | %.2f | %.1f / %.1f | %.0f | %.2f | %s | %s | %s, %s |\n",
			r.name, l.median, l.p99, l.rate, l.cpu, p.median, p.p99, p.rate, p.cpu,
			ratio(l.rate, p.rate), ratio(p.cpu, l.cpu), l.load, p.load)
	}
	return nil
}

// wanted reports a row whose key starts with one of the comma-separated
// prefixes of only (all rows if only is empty).
func wanted(key, only string) bool {
	for _, p := range strings.Split(only, ",") {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

func ratio(a, b float64) string {
	if b <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f×", a/b)
}

// requests are the comparable requests, the recipe's table: the same
// districts, terms and organizations, cycled the same way on both.
func requests(cfg config) []row {
	two, three, ini := bench.SearchTerms()
	cycle := func(xs []string, i int) string { return xs[i%len(xs)] }
	search := func(terms []string, filter func(string) string) (func(int) string, func(int) string) {
		return func(i int) string { return "/api/v1/orgs?per_page=20&q=" + url.QueryEscape(cycle(terms, i)) },
			func(i int) string { return pbList("id", filter(cycle(terms, i))) }
	}
	id := func(i int) string { return cycle(cfg.ids, i*7919) }
	s2l, s2p := search(two, nameFilter)
	s3l, s3p := search(three, nameFilter)
	sil, sip := search(ini, iniFilter)
	return []row{
		{"list", "list, district filter, first page",
			func(i int) string { return "/api/v1/orgs?per_page=20&within=" + cycle(cfg.districts, i) },
			func(i int) string { return pbList("-id", districtFilter(cycle(cfg.districts, i))) }},
		{"search_2", "search, 2 Chinese characters", s2l, s2p},
		{"search_3", "search, 3 Chinese characters", s3l, s3p},
		{"search_initials", "search, pinyin initials", sil, sip},
		{"org", "one organization (JSON)",
			func(i int) string { return "/api/v1/orgs/" + id(i) },
			func(i int) string { return "/api/collections/orgs/records/" + pbID(id(i)) }},
	}
}

// The PocketBase filters equivalent to linli's: the district, a substring
// of the normalized name, a whole initials token (linli's ini column holds
// every run of the initials, each behind the mark "0").
func districtFilter(d string) string { return "(district_code='" + d + "')" }
func nameFilter(t string) string     { return "(name_key~'" + t + "')" }
func iniFilter(t string) string      { return "(ini~' 0" + t + " ')" }

// pbList is a PocketBase list of 20 with its total, linli's default order
// for a list (newest first) and id order for a search.
func pbList(sort, filter string) string {
	return "/api/collections/orgs/records?perPage=20&sort=" + sort + "&filter=" + url.QueryEscape(filter)
}

// pbID is linli's id as the fill spells it (PocketBase ids are 15 characters).
func pbID(id string) string {
	n, _ := strconv.ParseInt(id, 10, 64)
	return fmt.Sprintf("%015d", n)
}

func signInLinli(ctx context.Context, client *http.Client, cfg config) (*server, error) {
	body, _ := json.Marshal(map[string]string{"username": cfg.user, "password": cfg.password,
		"totp": auth.TOTPCode(auth.KnownSecret(cfg.user), time.Now())})
	resp, err := post(ctx, client, cfg.linli+"/api/v1/session", body)
	if err != nil {
		return nil, fmt.Errorf("linli sign-in: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("linli sign-in as %s: status %d: %s", cfg.user, resp.StatusCode, b)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "linli_session" {
			return &server{name: "linli", base: cfg.linli, pid: cfg.linliPID,
				header: http.Header{"Cookie": {c.Name + "=" + c.Value}}}, nil
		}
	}
	return nil, errors.New("linli sign-in: no session cookie")
}

func signInPB(ctx context.Context, client *http.Client, cfg config) (*server, error) {
	body, _ := json.Marshal(map[string]string{"identity": cfg.pbEmail, "password": cfg.pbPassword})
	resp, err := post(ctx, client, cfg.pb+"/api/collections/_superusers/auth-with-password", body)
	if err != nil {
		return nil, fmt.Errorf("PocketBase sign-in: %w", err)
	}
	defer resp.Body.Close()
	var tok struct {
		Token string `json:"token"`
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("PocketBase sign-in: status %d: %s", resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.Token == "" {
		return nil, fmt.Errorf("PocketBase sign-in: no token: %v", err)
	}
	return &server{name: "PocketBase", base: cfg.pb, pid: cfg.pbPID,
		header: http.Header{"Authorization": {tok.Token}}}, nil
}

func post(ctx context.Context, client *http.Client, u string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return client.Do(req)
}

// getJSON reads one page from a server into v.
func getJSON(ctx context.Context, client *http.Client, s *server, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", s.base+path, nil)
	if err != nil {
		return err
	}
	req.Header = s.header.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s %s: status %d: %.300s", s.name, path, resp.StatusCode, b)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

type linliPage struct {
	Items []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"items"`
	Total int  `json:"total"`
	More  bool `json:"more"`
}

type pbPage struct {
	Items []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"items"`
	TotalItems int `json:"totalItems"`
}

// checked is what check compared.
type checked struct{ districts, listed, terms, matches, orgs int }

// check compares the counts before anything is timed: every district's
// total and first page, every term's total (linli's relevance search
// counts to 200) and that PocketBase's filter matches each organization
// of linli's first page, and a sample of single organizations.
func check(ctx context.Context, client *http.Client, li, pb *server, cfg config) (checked, error) {
	var sum checked
	var bad []string
	for _, d := range cfg.districts {
		var l linliPage
		var p pbPage
		if err := getJSON(ctx, client, li, "/api/v1/orgs?per_page=20&within="+d, &l); err != nil {
			return sum, err
		}
		if err := getJSON(ctx, client, pb, pbList("-id", districtFilter(d)), &p); err != nil {
			return sum, err
		}
		sum.districts++
		sum.listed += p.TotalItems
		if l.Total != p.TotalItems {
			bad = append(bad, fmt.Sprintf("district %s: linli total %d, PocketBase totalItems %d", d, l.Total, p.TotalItems))
		}
		var lids, pids []string
		for _, o := range l.Items {
			lids = append(lids, pbID(strconv.FormatInt(o.ID, 10)))
		}
		for _, o := range p.Items {
			pids = append(pids, o.ID)
		}
		if !slices.Equal(lids, pids) {
			bad = append(bad, fmt.Sprintf("district %s: first pages differ: linli %v, PocketBase %v", d, lids, pids))
		}
	}
	two, three, ini := bench.SearchTerms()
	type term struct {
		q      string
		filter func(string) string
	}
	var terms []term
	for _, t := range append(two, three...) {
		terms = append(terms, term{t, nameFilter})
	}
	for _, t := range ini {
		terms = append(terms, term{t, iniFilter})
	}
	for _, t := range terms {
		var l linliPage
		var p pbPage
		if err := getJSON(ctx, client, li, "/api/v1/orgs?per_page=20&q="+url.QueryEscape(t.q), &l); err != nil {
			return sum, err
		}
		if err := getJSON(ctx, client, pb, pbList("id", t.filter(t.q)), &p); err != nil {
			return sum, err
		}
		sum.terms++
		sum.matches += p.TotalItems
		if want := min(p.TotalItems, 200); l.Total != want || l.More != (p.TotalItems > 200) {
			bad = append(bad, fmt.Sprintf("search %q: linli total %d (more %v), PocketBase totalItems %d", t.q, l.Total, l.More, p.TotalItems))
		}
		if len(l.Items) != min(20, l.Total) {
			bad = append(bad, fmt.Sprintf("search %q: linli's first page has %d of %d", t.q, len(l.Items), l.Total))
		}
		if len(l.Items) == 0 {
			continue
		}
		var alts []string
		for _, o := range l.Items {
			alts = append(alts, "id='"+pbID(strconv.FormatInt(o.ID, 10))+"'")
		}
		var q pbPage
		if err := getJSON(ctx, client, pb, pbList("id", t.filter(t.q)+" && ("+strings.Join(alts, " || ")+")"), &q); err != nil {
			return sum, err
		}
		if q.TotalItems != len(l.Items) {
			bad = append(bad, fmt.Sprintf("search %q: PocketBase's filter matches %d of linli's first page of %d", t.q, q.TotalItems, len(l.Items)))
		}
	}
	for i := range min(20, len(cfg.ids)) {
		id := cfg.ids[(i*7919)%len(cfg.ids)]
		var l struct {
			Name string `json:"name"`
		}
		var p struct {
			Name string `json:"name"`
		}
		if err := getJSON(ctx, client, li, "/api/v1/orgs/"+id, &l); err != nil {
			return sum, err
		}
		if err := getJSON(ctx, client, pb, "/api/collections/orgs/records/"+pbID(id), &p); err != nil {
			return sum, err
		}
		sum.orgs++
		if l.Name != p.Name || l.Name == "" {
			bad = append(bad, fmt.Sprintf("organization %s: linli %q, PocketBase %q", id, l.Name, p.Name))
		}
	}
	if len(bad) > 0 {
		return sum, errors.New(strings.Join(bad, "\n"))
	}
	return sum, nil
}

type result struct {
	median, p99, rate, cpu float64 // ms, ms, requests a second, server CPU ms a request
	load                   string  // the 1-minute load average, before and after
}

// timeRow sends cfg.warm requests (discarded), then cfg.n over cfg.c
// connections, and reads the server's CPU time around them.
func timeRow(ctx context.Context, client *http.Client, s *server, path func(int) string, cfg config) (result, error) {
	if _, err := load(ctx, client, s, path, cfg.warm, cfg.c, 0); err != nil {
		return result{}, err
	}
	la0 := loadAvg()
	cpu0, err := cpuTicks(s.pid)
	if err != nil {
		return result{}, err
	}
	t0 := time.Now()
	lat, err := load(ctx, client, s, path, cfg.n, cfg.c, cfg.warm)
	if err != nil {
		return result{}, err
	}
	wall := time.Since(t0)
	cpu1, err := cpuTicks(s.pid)
	if err != nil {
		return result{}, err
	}
	slices.Sort(lat)
	q := func(f float64) float64 { return float64(lat[min(len(lat)-1, int(f*float64(len(lat))))]) / 1e6 }
	return result{median: q(0.5), p99: q(0.99), rate: float64(len(lat)) / wall.Seconds(),
		cpu: float64(cpu1-cpu0) * 1000 / float64(cfg.hz) / float64(len(lat)), load: la0 + "→" + loadAvg()}, nil
}

// load sends n requests, i from first on, over c connections; any answer
// but 200 fails the run.
func load(ctx context.Context, client *http.Client, s *server, path func(int) string, n, c, first int) ([]time.Duration, error) {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, c)
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1)) - 1
				if k >= n || ctx.Err() != nil {
					return
				}
				req, err := http.NewRequestWithContext(ctx, "GET", s.base+path(first+k), nil)
				if err != nil {
					errc <- err
					return
				}
				req.Header = s.header.Clone()
				t := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errc <- err
					return
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[k] = time.Since(t)
				if err != nil || resp.StatusCode != http.StatusOK {
					errc <- fmt.Errorf("%s: status %d, %v", req.URL.Path, resp.StatusCode, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return nil, err
	}
	return lat, ctx.Err()
}

// cpuTicks is a process's user and system time, in clock ticks.
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("server CPU: %w", err)
	}
	// the fields after the command name, which is in parentheses
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("server CPU: short /proc/%d/stat", pid)
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("server CPU: %w", err)
	}
	return u + st, nil
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}
