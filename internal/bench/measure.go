package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// measurer runs the measurements of linli over HTTP.
type measurer struct {
	cfg     *Config
	t       *Target
	rep     *Report
	sampler *Sampler

	base    string
	client  *http.Client
	trivial float64 // the trivial handler's rate
	// trivialCPU is the trivial handler's processor time a request, ms.
	trivialCPU float64
	city       *session
	district   *session
	// census is the officer of the district the census import writes to.
	census *session
	// districts of the city, and organization ids spread over them.
	districts []string
	ids       []int64
	// api is the set of "METHOD /path" the product documents.
	api map[string]bool
	// censusBody is the census file the import measured, for serverAlone.
	censusBody []byte
	// volunteers of the measured city (their hours are measured).
	volunteers []int64
}

// session is a signed-in account's cookie.
type session struct {
	username string
	cookie   string
}

const benchPassword = "bench-password-2021"

func (m *measurer) run(ctx context.Context) error {
	cfg, rep := m.cfg, m.rep
	if err := m.describe(ctx); err != nil {
		return err
	}
	Settle()
	var mem memReadings
	mem.heap, mem.held = GoMemory()
	mem.rest = RSS()
	mem.anon, mem.file, mem.shmem = RSSParts()
	mem.rest2 = "the rest is SQLite's page caches"
	if m.t.DB.Engine != "sqlite" {
		mem.rest2 = "PostgreSQL's memory is in its own processes, not counted here"
	}

	h, err := m.t.Handler()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if m.base, err = Serve(ctx, h); err != nil {
		return err
	}
	m.client = NewClient(Conns)
	defer m.client.CloseIdleConnections()
	if err := m.signIn(ctx); err != nil {
		return err
	}
	if n, err := CityIndicators(ctx, m.t.Indicators, rep.Subjects.City); err != nil {
		return err
	} else if n > 0 {
		cfg.say("gave %s the plan's %d indicators, copied from Guangzhou's", rep.Subjects.City, n)
		rep.Subjects.CopiedIndicators = n
	}
	if err := m.readAPI(); err != nil {
		return err
	}

	cfg.say("anchor: trivial net/http handler")
	ResetPeakRSS()
	m.sampler.Reset()
	tl := m.load(1_000_000)
	tl.Client = nil
	tr, err := trivialHandler(ctx, tl)
	if err != nil {
		return err
	}
	m.trivial, m.trivialCPU = tr.Rate, tr.CPUMS
	mem.genHeap, _ = m.sampler.Peaks()
	rep.Stats = append(rep.Stats, tr)

	Settle()
	ResetPeakRSS()
	m.sampler.Reset()
	for _, sp := range m.specs() {
		if cfg.want(sp.key) {
			rep.Stats = append(rep.Stats, m.measure(ctx, sp))
		}
	}
	if cfg.want("export") {
		rep.Stats = append(rep.Stats, m.export(ctx))
	}
	if cfg.want("census") {
		rep.Stats = append(rep.Stats, m.censusImport(ctx)...)
	}
	if cfg.want("ledger") {
		rep.Stats = append(rep.Stats, m.ledger(ctx)...)
	}
	mem.heapPeak, mem.rssPeak = m.sampler.Peaks()
	mem.rssPeak = max(mem.rssPeak, PeakRSS())
	mem.endAnon, mem.endFile, mem.endShmem = RSSParts()
	rep.Stats = append(rep.Stats, mem.stats()...)
	if cfg.want("rss_server") || cfg.want("memory") {
		rep.Stats = append(rep.Stats, m.serverAlone(ctx))
	}
	if cfg.want("design") {
		rep.Stats = append(rep.Stats, m.designChecks(ctx)...)
	}
	return nil
}

// load is the generator's setting for one measurement.
func (m *measurer) load(requests int) Load {
	return Load{Client: m.client, Conns: Conns, Requests: requests, Duration: m.cfg.Duration,
		Warmup: min(2*Conns, max(requests/10, 1))}
}

// describe picks the city and district the requests are about: at national
// scale the city with the most organizations.
func (m *measurer) describe(ctx context.Context) error {
	d := m.t.DB
	rows, err := d.Read.QueryContext(ctx, `SELECT district_code, COUNT(*) FROM orgs GROUP BY district_code`)
	if err != nil {
		return fmt.Errorf("describe: %w", err)
	}
	perDistrict := map[string]int{}
	perCity := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			rows.Close()
			return err
		}
		perDistrict[c] = n
		perCity[c[:4]] += n
	}
	rows.Close()
	s := &m.rep.Subjects
	s.City = best(perCity, func(string) bool { return true })
	s.District = best(perDistrict, func(c string) bool { return c[:4] == s.City })
	if s.City == "" || s.District == "" {
		return fmt.Errorf("describe: no organizations")
	}
	// A reused database keeps measuring what its first run measured (the
	// bench's accounts name it), though the census imports have grown
	// other places since.
	if city, district, err := m.earlierSubjects(ctx); err != nil {
		return err
	} else if city != "" && perDistrict[district] > 0 {
		s.City, s.District = city, district
	}
	s.CensusDistrict = censusDistrict(perDistrict, s.City, s.District)
	s.CityOrgs, s.DistrictOrgs = perCity[s.City], perDistrict[s.District]
	for c := range perDistrict {
		if c[:4] == s.City {
			m.districts = append(m.districts, c)
		}
	}
	slices.Sort(m.districts)
	s.CityDistricts = len(m.districts)
	s.CityName, s.DistrictName = m.placeName(ctx, s.City), m.placeName(ctx, s.District)
	s.CensusDistrictName = m.placeName(ctx, s.CensusDistrict)
	for _, dc := range m.districts {
		ids, err := sampleIDs(ctx, d, dc, 300)
		if err != nil {
			return err
		}
		m.ids = append(m.ids, ids...)
	}
	return m.sampleVolunteers(ctx, s.City)
}

// placeName names a division with its ancestors below the province, so
// that 重庆市 市辖区 is not just 市辖区.
func (m *measurer) placeName(ctx context.Context, code string) string {
	path, err := m.t.Geo.Path(ctx, code)
	if err != nil {
		return ""
	}
	var names []string
	for _, n := range path {
		names = append(names, n.Name)
	}
	return strings.Join(names, " ")
}

// earlierSubjects is the city and district an earlier run on this database
// measured, from the accounts it made for them; "" on a database the bench
// has not measured yet.
func (m *measurer) earlierSubjects(ctx context.Context) (city, district string, err error) {
	// (by the accounts signIn names: the census district's officer,
	// bench-census-…, is a district officer too)
	for _, sub := range []struct {
		prefix string
		code   *string
	}{{"bench-city-", &city}, {"bench-district-", &district}} {
		err := m.t.DB.Read.QueryRowContext(ctx, `SELECT scope_code FROM users WHERE username = $1 || scope_code
			ORDER BY id LIMIT 1`, sub.prefix).Scan(sub.code)
		if err := db.Optional(err, "describe: earlier subjects"); err != nil {
			return "", "", err
		}
	}
	if city == "" || district == "" || !strings.HasPrefix(district, city) {
		return "", "", nil
	}
	return city, district, nil
}

// censusDistrict is where the census import measurement writes: a district
// outside the measured city where there is one (national scale), another
// district of it otherwise, so that a reused database's later runs measure
// the lists, search and dashboards on the rows they were generated with.
// Of those, the one whose count is nearest the measured district's, for an
// import into a place of the same size.
func censusDistrict(perDistrict map[string]int, city, district string) string {
	want := perDistrict[district]
	pick := func(ok func(string) bool) string {
		b, bd := "", -1
		for c, n := range perDistrict {
			d := n - want
			if d < 0 {
				d = -d
			}
			if ok(c) && (bd < 0 || d < bd || (d == bd && c < b)) {
				b, bd = c, d
			}
		}
		return b
	}
	if c := pick(func(c string) bool { return c[:4] != city }); c != "" {
		return c
	}
	if c := pick(func(c string) bool { return c != district }); c != "" {
		return c
	}
	return district
}

func best(counts map[string]int, ok func(string) bool) string {
	b, bn := "", -1
	for c, n := range counts {
		if ok(c) && (n > bn || (n == bn && c < b)) {
			b, bn = c, n
		}
	}
	return b
}

func sampleIDs(ctx context.Context, d *db.DB, district string, n int) ([]int64, error) {
	rows, err := d.Read.QueryContext(ctx, `SELECT id FROM orgs WHERE district_code = $1 LIMIT $2`, district, n)
	if err != nil {
		return nil, err
	}
	return db.Column[int64](rows)
}

// signIn creates the bench's accounts (once) and signs them in over HTTP.
func (m *measurer) signIn(ctx context.Context) error {
	s := m.rep.Subjects
	var err error
	if m.city, err = m.account(ctx, "bench-city-"+s.City, auth.CityAdmin, s.City, 0); err != nil {
		return err
	}
	if m.district, err = m.account(ctx, "bench-district-"+s.District, auth.DistrictOfficer, s.District, 0); err != nil {
		return err
	}
	m.census = m.district
	if s.CensusDistrict != s.District {
		m.census, err = m.account(ctx, "bench-census-"+s.CensusDistrict, auth.DistrictOfficer, s.CensusDistrict, 0)
	}
	return err
}

func (m *measurer) account(ctx context.Context, username, role, scope string, orgID int64) (*session, error) {
	u, err := m.t.Auth.CreateUser(ctx, nil, auth.NewUser{Username: username, DisplayName: username, Role: role,
		ScopeCode: scope, OrgID: orgID, Password: benchPassword})
	if err != nil && !errs.Is(err, errs.Conflict) {
		return nil, fmt.Errorf("bench account %s: %w", username, err)
	}
	creds := map[string]string{"username": username, "password": benchPassword}
	if auth.RequiresTOTP(role) {
		// the bench's own accounts carry a second factor with a known
		// secret, as the roles require
		secret := auth.KnownSecret(username)
		if err == nil {
			if _, err := m.t.Auth.EnrolKnown(ctx, u.ID, secret); err != nil {
				return nil, fmt.Errorf("bench account %s: second factor: %w", username, err)
			}
		}
		code, err := m.unusedCode(ctx, username, secret)
		if err != nil {
			return nil, err
		}
		creds["totp"] = code
	}
	body, _ := json.Marshal(creds)
	resp, err := m.client.Post(m.base+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sign in as %s: status %d", username, resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "linli_session" {
			return &session{username: username, cookie: c.Name + "=" + c.Value}, nil
		}
	}
	return nil, fmt.Errorf("sign in as %s: no session cookie", username)
}

// unusedCode is a code of the account's secret that the server accepts
// now: a step within one of the clock's that the account has not used yet.
// A code is accepted once, so runs that sign in again within the same 30
// seconds (a benchmark run many times over one dataset) take the next
// step, and when the three are used wait for the clock to reach one.
func (m *measurer) unusedCode(ctx context.Context, username, secret string) (string, error) {
	var last int64
	if err := m.t.DB.Read.QueryRowContext(ctx, `SELECT totp_step FROM users WHERE username = $1`, username).Scan(&last); err != nil {
		return "", fmt.Errorf("bench account %s: second factor's last step: %w", username, err)
	}
	for {
		cur := time.Now().Unix() / 30
		if st := max(cur, last+1); st <= cur+1 {
			return auth.TOTPCode(secret, time.Unix(st*30, 0)), nil
		}
		wait := time.Until(time.Unix(last*30, 0)) + 100*time.Millisecond
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(wait):
		}
	}
}

// readAPI reads the OpenAPI document, to tell which capabilities exist yet.
func (m *measurer) readAPI() error {
	resp, err := m.client.Get(m.base + "/api/v1/openapi.json")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return fmt.Errorf("openapi: %w", err)
	}
	m.api = map[string]bool{}
	for p, ops := range doc.Paths {
		for method := range ops {
			m.api[strings.ToUpper(method)+" "+p] = true
		}
	}
	return nil
}

// get builds a GET request as a session.
func (m *measurer) get(s *session, path string) (*http.Request, error) {
	req, err := http.NewRequest("GET", m.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Cookie", s.cookie)
	return req, nil
}

// spec is one request measurement and its target.
type spec struct {
	name, key, target string
	req               Request
	p99Max, ratioMin  float64 // 0: no such target
	missing           string  // non-empty: not available yet, and why
	// before and after run around the measurement (e.g. to turn a cache off).
	before, after func()
	note          string
	notef         func() string // if set, the note, read once the requests are done
	// between, if set, runs before each request (see Load.Between) on one
	// connection, so that each request is the first after it; the row's
	// CPU/op and rate are then the requests' own.
	between func(i int) error
}

// betweenMax bounds the requests of a row measured with a change before
// each: one connection, so each takes a request's and a change's latency.
const betweenMax = 3000

func (m *measurer) measure(ctx context.Context, sp spec) *Stat {
	if sp.missing != "" {
		return notAvailable(sp.name, sp.key, "request", sp.target, sp.missing)
	}
	m.cfg.say("measure: %s", sp.name)
	if sp.before != nil {
		sp.before()
	}
	if sp.after != nil {
		defer sp.after()
	}
	l := m.load(m.cfg.Requests)
	var apart string
	if sp.between != nil {
		l.Conns, l.Requests, l.Warmup, l.Between = 1, min(l.Requests, betweenMax), 10, sp.between
	}
	s := l.Run(ctx, sp.req, nil)
	if sp.between != nil && s.BetweenN > 0 {
		apart = fmt.Sprintf("CPU/op and rate are the requests' own (processor and wall time from each request's start to "+
			"its answer read); the changes, %.3f ms of processor time each (%d), are not in them", ms(s.BetweenCPU)/float64(s.BetweenN), s.BetweenN)
	}
	st := fromSample(sp.name, sp.key, "request", s)
	st.Target, st.Note = sp.target, sp.note
	if sp.notef != nil {
		st.Note = sp.notef()
	}
	if m.trivial > 0 {
		st.Anchor, st.Ratio = "anchor_http", st.Rate/m.trivial
	}
	if apart != "" {
		if m.trivialCPU > 0 && st.CPUMS > 0 {
			apart += fmt.Sprintf("; by CPU %.1f%% of the trivial handler (%.1f µs a request against %.1f µs)",
				100*m.trivialCPU/st.CPUMS, 1000*m.trivialCPU, 1000*st.CPUMS)
		}
		st.Note += "; " + apart
	}
	if sp.p99Max > 0 || sp.ratioMin > 0 {
		ok := st.Errors == 0 && st.N > 0 && (sp.p99Max == 0 || st.P99MS <= sp.p99Max) && (sp.ratioMin == 0 || st.Ratio >= sp.ratioMin)
		st.Met = &ok
	}
	return st
}

func (m *measurer) specs() []spec {
	city, dist := m.city, m.district
	cycle := func(xs []string, i int) string { return xs[i%len(xs)] }
	two, three, ini := SearchTerms()
	search := func(terms []string) Request {
		return func(i int) (*http.Request, error) {
			return m.get(city, "/api/v1/orgs?per_page=20&q="+url.QueryEscape(cycle(terms, i)))
		}
	}
	id := func(i int) string { return strconv.FormatInt(m.ids[(i*7919)%len(m.ids)], 10) }
	listByDistrict := func(i int) (*http.Request, error) {
		return m.get(city, "/api/v1/orgs?per_page=20&within="+cycle(m.districts, i))
	}
	listOfficer := func(i int) (*http.Request, error) { return m.get(dist, "/api/v1/orgs?per_page=20") }
	out := []spec{
		{name: "organization list, district filter, first page", key: "org_list", target: "p99 ≤ 30 ms, ≥ 15%",
			p99Max: 30, ratioMin: 0.15, note: listCached, req: listByDistrict},
		m.listCold(spec{name: "organization list, district filter, first page, rebuilt on each request", key: "org_list_cold",
			req: listByDistrict}),
		{name: "organization list, district officer, first page", key: "org_list_district", target: "p99 ≤ 30 ms, ≥ 15%",
			p99Max: 30, ratioMin: 0.15, note: listCached, req: listOfficer},
		m.listCold(spec{name: "organization list, district officer, first page, rebuilt on each request", key: "org_list_district_cold",
			req: listOfficer}),
		{name: "search, 2 Chinese characters", key: "search_2", target: "p99 ≤ 30 ms", p99Max: 30, req: search(two)},
		{name: "search, 3 Chinese characters", key: "search_3", target: "p99 ≤ 30 ms", p99Max: 30, req: search(three)},
		{name: "search, pinyin initials", key: "search_initials", target: "p99 ≤ 30 ms", p99Max: 30, req: search(ini)},
		m.searchDB(spec{name: "search, 2 Chinese characters, database's full-text index", key: "search_2_db", req: search(two)}),
		m.searchDB(spec{name: "search, 3 Chinese characters, database's full-text index", key: "search_3_db", req: search(three)}),
		m.searchDB(spec{name: "search, pinyin initials, database's full-text index", key: "search_initials_db", req: search(ini)}),
		{name: "organization page (HTML)", key: "org_page", req: func(i int) (*http.Request, error) {
			return m.get(city, "/orgs/"+id(i))
		}},
		{name: "organization (JSON API)", key: "org_api", req: func(i int) (*http.Request, error) {
			return m.get(city, "/api/v1/orgs/"+id(i))
		}},
		{name: "registry summary counts, city (/api/v1/summary)", key: "summary_city", req: func(i int) (*http.Request, error) {
			return m.get(city, "/api/v1/summary")
		}},
		{name: "registry summary counts, district", key: "summary_district", req: func(i int) (*http.Request, error) {
			return m.get(dist, "/api/v1/summary")
		}},
		{name: "coverage report, city, by target group (/api/v1/coverage)", key: "coverage_city", target: "p99 ≤ 50 ms", p99Max: 50,
			note: coverageCached, req: func(i int) (*http.Request, error) { return m.get(city, "/api/v1/coverage") }},
		m.coverageCold(spec{name: "coverage report, city, by target group, rebuilt on each request", key: "coverage_city_cold",
			req: func(i int) (*http.Request, error) { return m.get(city, "/api/v1/coverage") }}),
		{name: "coverage report, district, by target group", key: "coverage_district", target: "p99 ≤ 50 ms", p99Max: 50,
			note: coverageCached, req: func(i int) (*http.Request, error) { return m.get(dist, "/api/v1/coverage") }},
		m.coverageCold(spec{name: "coverage report, district, by target group, rebuilt on each request", key: "coverage_district_cold",
			req: func(i int) (*http.Request, error) { return m.get(dist, "/api/v1/coverage") }}),
		{name: "coverage report, city, by target group, at a past date (as_of=" + pastDay + ")", key: "coverage_city_past",
			target: "p99 ≤ 50 ms", p99Max: 50, note: coverageCached,
			req: func(i int) (*http.Request, error) { return m.get(city, "/api/v1/coverage?as_of="+pastDay) }},
		m.coverageCold(spec{name: "coverage report, city, by target group, at a past date, rebuilt on each request", key: "coverage_city_past_cold",
			note: coveragePastCold, req: func(i int) (*http.Request, error) { return m.get(city, "/api/v1/coverage?as_of="+pastDay) }}),
		{name: "coverage report, district, by target group, at a past date", key: "coverage_district_past", target: "p99 ≤ 50 ms", p99Max: 50,
			note: coverageCached, req: func(i int) (*http.Request, error) { return m.get(dist, "/api/v1/coverage?as_of="+pastDay) }},
		m.coverageCold(spec{name: "coverage report, district, by target group, at a past date, rebuilt on each request", key: "coverage_district_past_cold",
			note: coveragePastCold, req: func(i int) (*http.Request, error) { return m.get(dist, "/api/v1/coverage?as_of="+pastDay) }}),
		{name: "map, the city's districts by organizations (/api/v1/map/{city}?count=orgs)", key: "map_city_orgs",
			req: func(i int) (*http.Request, error) {
				return m.get(city, "/api/v1/map/"+m.districts[0][:4]+"?count=orgs")
			}},
		{name: "map, the city's districts by organizations serving the elderly (coverage layer)", key: "map_city_coverage",
			req: func(i int) (*http.Request, error) {
				return m.get(city, "/api/v1/map/"+m.districts[0][:4]+"?coverage=elderly")
			}},
	}
	out = append(out, m.activitySpecs()...)
	out = append(out, m.portalSpecs()...)
	return append(out, m.dashboards()...)
}

// listCached is the note of the list rows served by the list cache.
const listCached = "the list cache on and no record changes meanwhile: every request after the first reads the change counters " +
	"of the districts under the narrowed scope (one indexed read) and is served the kept page's JSON, masked for the viewer's role and scope"

// listCold sets a list row up to run with the list cache off: every
// request reads its page from the records, what a request costs after each
// change to an organization under its scope.
func (m *measurer) listCold(sp spec) spec {
	sp.target, sp.p99Max, sp.ratioMin = "p99 ≤ 30 ms, ≥ 15%", 30, 0.15
	sp.note = "the list cache off: the page and its total read from the records on each request, what a request costs " +
		"after each change to an organization under the scope"
	return cacheOff(sp, m.t.ListCache, "the list cache")
}

// searchDB sets a search row up to run with the search index in memory
// off: every search asks the database's full-text index, what a search
// cost before the index and costs where the index does not answer.
func (m *measurer) searchDB(sp spec) spec {
	sp.target, sp.p99Max = "p99 ≤ 30 ms", 30
	sp.note = "the districts' search documents in memory off: every search asks the database's full-text index " +
		"(the way of a list with another filter, and of a district too large to keep)"
	return cacheOff(sp, m.t.SearchIndex, "the search index in memory")
}

// cacheOff sets a row up to run with a cache off: set turns it on or off
// (nil where the bench cannot; what names it).
func cacheOff(sp spec, set func(on bool), what string) spec {
	if set == nil {
		sp.missing = "the bench cannot turn " + what + " off"
		return sp
	}
	sp.before, sp.after = func() { set(false) }, func() { set(true) }
	return sp
}

// coverageCached is the note of the coverage rows served by the reports'
// cache.
const coverageCached = "the reports' cache on and no record changes meanwhile: every request after the first checks the scope, " +
	"reads the change counters of the districts under the place (one indexed read) and is served the finished, encoded report"

// coverageCold sets a coverage row up to run with the reports' cache off:
// every request makes its report from the rollups, what a request costs
// after each change to a record under the place.
func (m *measurer) coverageCold(sp spec) spec {
	sp.target, sp.p99Max = "p99 ≤ 50 ms", 50
	if sp.note == "" {
		sp.note = "the cache off: the report made from the rollups (org_cover today) on each request, what a request costs " +
			"after each change to a record under the place"
	}
	return cacheOff(sp, m.t.CoverageCache, "the coverage reports' cache")
}

// coveragePastCold describes a past date's report made on each request.
const coveragePastCold = "the cache off: a past date reads the dated rollup of organizations (internal/orgroll), " +
	"one indexed read per key, on each request"

// pastDay is the past date the coverage report is measured at: the end
// of the plan's second year, inside the generated history.
const pastDay = "2022-12-31"

// dashboards measures the indicator dashboards of the city and the
// district: with the cache off (what every request costs once a record
// under the unit has changed since the last one), with it on and no
// changes, and with it on while records change elsewhere.
func (m *measurer) dashboards() []spec {
	const path = "/api/v1/dashboard/{code}"
	s := m.rep.Subjects
	var out []spec
	for _, d := range []struct {
		who        string
		as         *session
		code       string
		key, label string
	}{{"city", m.city, s.City, "dashboard_city", "city dashboard"}, {"district", m.district, s.District, "dashboard_district", "district dashboard"}} {
		req := func(int) (*http.Request, error) { return m.get(d.as, "/api/v1/dashboard/"+d.code) }
		cold := spec{name: d.label + ", evaluated on each request", key: d.key, target: "p99 ≤ 50 ms, ≥ 10%", p99Max: 50, ratioMin: 0.10, req: req,
			note: "the cache off (no evaluation cache, no finished-dashboard cache): every indicator evaluated from the records on each request, " +
				"what a request costs after each change to a record under the unit; the honest row for the target"}
		warm := spec{name: d.label + ", from the evaluation cache", key: d.key + "_cached", req: req,
			note: "the cache on and no record changes meanwhile: every request after the first reads the change counters of the districts " +
				"under the unit (one indexed read) and is served the finished, encoded dashboard; the scope check runs on every request"}
		busy := spec{name: d.label + ", cached, records changing elsewhere", key: d.key + "_busy", req: req}
		inside := "one of its districts"
		if d.who == "district" {
			inside = "one of its streets"
		}
		changed := spec{name: d.label + ", the first request after a change in " + inside, key: d.key + "_changed", req: req}
		switch {
		case !m.api["GET "+path]:
			cold.missing, warm.missing = "the indicators dashboard has no route yet", "the indicators dashboard has no route yet"
			busy.missing, changed.missing = cold.missing, cold.missing
		case m.t.DashboardCache == nil:
			cold.missing = "the bench cannot turn the dashboard's cache off"
		default:
			cold.before, cold.after = func() { m.t.DashboardCache(false) }, func() { m.t.DashboardCache(true) }
		}
		if busy.missing == "" {
			m.changesElsewhere(&busy, d.code, d.who == "city")
		}
		if changed.missing == "" {
			m.changesInside(&changed, d.code, d.who == "city")
		}
		out = append(out, cold, changed, warm, busy)
	}
	return out
}

// changesPerSecond is the rate of the changes made elsewhere while a
// dashboard is measured from the cache.
const changesPerSecond = 20

// changesElsewhere sets a measurement up to run while an organization
// outside the measured unit is changed through the registry's service
// (its brand flag toggled: an organizations update, a history row and an
// audit row per change) changesPerSecond times a second. Outside means in
// another city; for a district, when the dataset has no other city
// (Guangzhou scale), in another district of the same city.
func (m *measurer) changesElsewhere(sp *spec, unit string, city bool) {
	ctx := context.Background()
	var id int64
	var district string
	find := func(lo, hi string) error {
		return m.t.DB.Read.QueryRowContext(ctx, `SELECT id, district_code FROM orgs WHERE (district_code < $1 OR district_code >= $2)
			AND status = 'active' ORDER BY id LIMIT 1`, lo, hi).Scan(&id, &district)
	}
	err := find(db.PrefixRange(unit[:4]))
	if err != nil && !city {
		err = find(db.PrefixRange(unit))
	}
	if err != nil {
		sp.missing = "no active organization outside " + unit + " in this dataset to change meanwhile"
		if city {
			sp.missing = "the dataset has no other city to change records in meanwhile (national scale has)"
		}
		return
	}
	var made, failed atomic.Int64
	var stop context.CancelFunc
	var done chan struct{}
	sp.before = func() {
		made.Store(0)
		failed.Store(0)
		var wctx context.Context
		wctx, stop = context.WithCancel(ctx)
		done = make(chan struct{})
		go func() {
			defer close(done)
			u, err := m.t.Auth.CreateUser(wctx, nil, auth.NewUser{Username: fmt.Sprintf("bench-writer-%s-%d", district, time.Now().UnixNano()),
				DisplayName: "bench writer", Role: auth.CityAdmin, ScopeCode: district[:4], Password: benchPassword})
			if err != nil {
				failed.Add(1)
				return
			}
			tg := &BrandToggler{Registry: m.t.Registry, User: u}
			// leave the organization as it was found, for the next measurement or run
			defer tg.Restore(ctx)
			clock.Every(wctx, time.Second/changesPerSecond, func() bool {
				if err := tg.Toggle(wctx, id); err != nil {
					if wctx.Err() == nil {
						failed.Add(1)
					}
					return true
				}
				made.Add(1)
				return true
			})
		}()
	}
	sp.after = func() {
		stop()
		<-done
	}
	where := "another city"
	if district[:4] == unit[:4] {
		where = "another district of the same city"
	}
	sp.notef = func() string {
		return fmt.Sprintf("the cache on while organization %d in %s (%s) is changed through the registry's service, "+
			"%d a second (%d changes, %d failed, during the measurement): changes outside the unit leave its cached "+
			"dashboard valid, so this is the cache-hit cost on a live system", id, district, where, changesPerSecond, made.Load(), failed.Load())
	}
}

// changesInside sets a dashboard measurement up so that each request is
// the first after a change under the unit: before each, one organization
// of the unit has its brand flag toggled through the registry's service
// (an organizations update, a history row and an audit row, its
// district's change counter advanced), in each of the unit's districts in
// turn for a city, each of its streets for a district. The cache is on, as
// linli serves, and the requests come one at a time on one connection, so
// none is served what another's evaluation kept. The changes' own cost is
// not the row's (see Load.Between).
func (m *measurer) changesInside(sp *spec, unit string, city bool) {
	ctx := context.Background()
	ids, err := ChangeTargets(ctx, m.t.DB, unit, city)
	if err != nil || len(ids) == 0 {
		sp.missing = fmt.Sprintf("no active organization under %s to change (%v)", unit, err)
		return
	}
	tg := &BrandToggler{Registry: m.t.Registry}
	var uerr error
	// the round trips between a change's end and the next change's start:
	// the request's (one connection, one request at a time)
	var trips, served, last int64
	sp.before = func() {
		trips, served, last = 0, 0, -1
		tg.User, uerr = m.t.Auth.CreateUser(ctx, nil, auth.NewUser{Username: fmt.Sprintf("bench-changer-%s-%d", unit, time.Now().UnixNano()),
			DisplayName: "bench changer", Role: auth.CityAdmin, ScopeCode: unit[:4], Password: benchPassword})
	}
	sp.between = func(i int) error {
		if uerr != nil {
			return fmt.Errorf("the changing account: %w", uerr)
		}
		if last >= 0 {
			trips, served = trips+m.t.DB.RoundTrips()-last, served+1
		}
		err := tg.Toggle(ctx, ids[i%len(ids)])
		last = m.t.DB.RoundTrips()
		return err
	}
	// leave the organizations as they were found, for the next measurement or run
	sp.after = func() { tg.Restore(ctx) }
	where := "districts"
	if !city {
		where = "streets"
	}
	sp.notef = func() string {
		per := 0.0
		if served > 0 {
			per = float64(trips) / float64(served)
		}
		return fmt.Sprintf("the cache on, as linli serves; before each request one organization of the unit has its brand flag "+
			"toggled through the registry's service, in each of its %d %s in turn, so each request is the first after a change "+
			"in one of them; one connection, requests one at a time; %.1f database round trips a request", len(ids), where, per)
	}
}

// memReadings are the memory readings of a run.
type memReadings struct {
	rest, heap, held, anon, file, shmem uint64
	genHeap, heapPeak, rssPeak          uint64
	endAnon, endFile, endShmem          uint64
	// rest2 says what the anonymous memory beyond the Go runtime's is.
	rest2 string
}

// stats reports the resident memory at rest after loading and its peak
// while serving.
func (r *memReadings) stats() []*Stat {
	return []*Stat{
		{Name: "resident memory at rest, dataset loaded", Key: "rss_rest", Group: "memory", Available: true, Value: MB(r.rest), Unit: "MiB",
			Note: fmt.Sprintf("anonymous %.0f MiB (Go heap %.0f of the Go runtime's %.0f; %s), file-backed %.0f MiB, shared %.0f MiB",
				MB(r.anon), MB(r.heap), MB(r.held), r.rest2, MB(r.file), MB(r.shmem))},
		{Name: "peak resident memory while serving, bench process", Key: "rss_peak", Group: "memory", Available: true, Value: MB(r.rssPeak), Unit: "MiB",
			Note: fmt.Sprintf("server and load generator in one process (the target is read on the server alone, below): includes the in-process load generator (Go heap peak %.0f MiB against the trivial handler, %.0f MiB against linli); at the end anonymous %.0f MiB, file-backed %.0f MiB, shared %.0f MiB",
				MB(r.genHeap), MB(r.heapPeak), MB(r.endAnon), MB(r.endFile), MB(r.endShmem))},
	}
}
