package kpi

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"linli/internal/hub"
	"linli/internal/incubation"
	"linli/internal/registry"
)

// TestKeptThenAnswersStayTheRecords holds the corrections' kept known-then
// answers (then.go) to the records' evaluation: after every step the
// dashboards of the city and of 天河, evaluated without the cache by a
// service that keeps its answers between them, must equal, byte for byte,
// those of a fresh service counting from the records. A late entry made
// after the deadline moves the "now" side and the month, and leaves the
// kept "then" side kept; an organization created with the clock set back
// before the deadline, and a history row deleted, change what was known
// then, and must be seen (kpi_then's triggers, migration 056).
func TestKeptThenAnswersStayTheRecords(t *testing.T) {
	w := newWorld(t)
	w.kpi.NoCache(true)
	w.indicators(allOrgs)
	w.clock.set("2023-06-01")
	known := w.org("440106001001", registry.TierStreet)
	w.org("440106001002", registry.TierCommunity)
	w.clock.set("2024-03-10")
	census := w.org("440106002008", registry.TierStreet)
	w.lateHistory(census.ID, "status", "active", "2021-10-01")

	dash := func(s *Service, unit string) (string, *Dashboard) {
		t.Helper()
		d, err := s.Dashboard(w.ctx, w.city, unit, "")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(d)
		return string(b), d
	}
	// check compares the kept service's dashboards with the records', and
	// returns 天河's all_orgs correction
	check := func(step string) *Correction {
		t.Helper()
		records := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
		records.FromRecords(true)
		var c *Correction
		for _, unit := range []string{tianheCode, cityCode} {
			got, d := dash(w.kpi, unit)
			if want, _ := dash(records, unit); got != want {
				t.Errorf("%s: %s's dashboard with kept answers:\n%s\nfrom the records:\n%s", step, unit, got, want)
			}
			for _, r := range d.Results {
				if r.Key == "all_orgs" && unit == tianheCode {
					c = r.Correction
				}
			}
		}
		return c
	}
	kept := func() (int, int64) { t.Helper(); return keptThen(t, w, tianheCode) }
	want := func(step string, c *Correction, was, now float64, month string) {
		t.Helper()
		if c == nil || !near(c.Was, was) || !near(c.Now, now) || c.Month != month {
			t.Errorf("%s: 天河's all_orgs correction %+v, want %v → %v in %s", step, c, was, now, month)
		}
	}

	want("the census", check("the census"), 2, 3, "2024-03")
	n0, v0 := kept()
	if n0 == 0 {
		t.Fatal("no known-then answer kept at 天河 after its dashboard")
	}

	// a late entry after the deadline: the now side and the month move,
	// the then side is the kept one
	w.clock.set("2024-04-02")
	census2 := w.org("440106002008", registry.TierCommunity)
	w.lateHistory(census2.ID, "status", "active", "2021-05-01")
	want("a second late entry", check("a second late entry"), 2, 4, "2024-04")
	if n, v := kept(); n < n0 || v != v0 {
		t.Errorf("a late entry after the deadline dropped the kept answers: %d kept (was %d), kpi_then %d (was %d)", n, n0, v, v0)
	}

	// an organization entered with the clock set back before the deadline:
	// known then, after all (and the frame's answers, as the kept then side, are read again)
	w.clock.set("2023-07-01")
	w.org("440106001003", registry.TierCommunity)
	w.clock.set("2024-04-02")
	want("an entry dated back", check("an entry dated back"), 3, 5, "2024-04")
	_, v1 := kept()
	if v1 == v0 {
		t.Errorf("an entry stamped before the deadline left kpi_then at %d", v1)
	}

	// a history row deleted (no service deletes one: a repair by hand)
	// drops what the frame kept
	if n, _ := kept(); n == 0 {
		t.Fatal("no known-then answer kept at 天河 before the delete")
	}
	if _, err := w.db.Write.ExecContext(w.ctx, `DELETE FROM org_history WHERE org_id = $1 AND field = 'status'`, known.ID); err != nil {
		t.Fatal(err)
	}
	if n, v2 := kept(); v2 == v1 || n != 0 {
		t.Errorf("a deleted history row left kpi_then at %d, %d answers kept", v2, n)
	}
}

// TestKeptMonthsByDistrictStayTheRecords holds the corrections' months kept
// per district above a district (then.go, distMonths) to the records:
// after late entries, plain writes and a move, each in one district, the
// dashboards of the city and of its districts, evaluated without the cache
// by services that keep their months between them (the one whose records
// were written, and a second one, a replica that asks less often), must
// equal, byte for byte, those of a fresh service counting from the
// records; and the city's month must be the latest of its districts'. A
// plain write reads no month again (kpi_late, migration 059); a late entry
// reads its district's.
func TestKeptMonthsByDistrictStayTheRecords(t *testing.T) {
	w := newWorld(t)
	w.kpi.NoCache(true)
	w.indicators(allOrgs)
	replica := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
	replica.NoCache(true)
	// the frames (and the months they keep) kept across the clock's moves
	// between the steps (months apart), as on one day: what is tested is
	// their versions, not their age
	for _, s := range []*Service{w.kpi, replica} {
		s.frames.TTL = 10 * 365 * 24 * time.Hour
	}
	// a community of 番禺, a district without any record until the move
	// below
	var panyu string
	if err := w.db.Read.QueryRowContext(w.ctx, `SELECT MIN(code) FROM divisions WHERE level = 5 AND code >= '440113' AND code < '440114'`).Scan(&panyu); err != nil || panyu == "" {
		t.Fatalf("a community of 番禺: %q, %v", panyu, err)
	}
	w.clock.set("2023-06-01")
	known := w.org("440106001001", registry.TierStreet)
	w.org("440117001001", registry.TierCommunity)

	// check compares the kept services' dashboards with the records' and
	// returns the all_orgs corrections' months by unit (of w.kpi's)
	check := func(step string, services ...*Service) map[string]string {
		t.Helper()
		records := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
		records.FromRecords(true)
		months := map[string]string{}
		for _, unit := range []string{cityCode, tianheCode, conghuaCode, panyu[:6]} {
			want, err := records.Dashboard(w.ctx, w.city, unit, "")
			if err != nil {
				t.Fatal(err)
			}
			wb, _ := json.Marshal(want)
			for i, s := range services {
				d, err := s.Dashboard(w.ctx, w.city, unit, "")
				if err != nil {
					t.Fatal(err)
				}
				if b, _ := json.Marshal(d); string(b) != string(wb) {
					t.Errorf("%s: %s's dashboard of service %d with kept months:\n%s\nfrom the records:\n%s", step, unit, i, b, wb)
				}
				for _, r := range d.Results {
					if r.Key == "all_orgs" && i == 0 && r.Correction != nil {
						months[unit] = r.Correction.Month
					}
				}
			}
		}
		return months
	}
	wantMonths := func(step string, got map[string]string, want map[string]string) {
		t.Helper()
		for unit, m := range want {
			if got[unit] != m {
				t.Errorf("%s: %s's all_orgs correction month %q, want %q (all: %v)", step, unit, got[unit], m, got)
			}
		}
	}

	// a census entry in 天河: the city's month is 天河's
	w.clock.set("2024-03-10")
	census := w.org("440106002008", registry.TierStreet)
	w.lateHistory(census.ID, "status", "active", "2021-10-01")
	wantMonths("a late entry in 天河", check("a late entry in 天河", w.kpi, replica),
		map[string]string{cityCode: "2024-03", tianheCode: "2024-03"})

	// a later one in 从化 alone: the city's month moves to 从化's, 天河's stays
	w.clock.set("2024-04-02")
	late := w.org("440117001001", registry.TierCommunity)
	w.lateHistory(late.ID, "status", "active", "2021-05-01")
	wantMonths("a late entry in 从化", check("a late entry in 从化", w.kpi),
		map[string]string{cityCode: "2024-04", tianheCode: "2024-03", conghuaCode: "2024-04"})

	// a plain write in 天河: nothing moves, and the city's dashboard reads
	// no month again (kpi_late: as many statements as with no write)
	w.clock.set("2024-05-06")
	trips := func() int64 {
		t.Helper()
		n := w.db.RoundTrips()
		if _, err := w.kpi.Dashboard(w.ctx, w.city, cityCode, ""); err != nil {
			t.Fatal(err)
		}
		return w.db.RoundTrips() - n
	}
	quiet := trips()
	w.change(known.ID, func(in *registry.Input) { in.Members++ })
	if n := trips(); n != quiet {
		t.Errorf("the city's dashboard after a plain write in 天河: %d statements, without the write %d", n, quiet)
	}
	wantMonths("a write in 天河", check("a write in 天河", w.kpi),
		map[string]string{cityCode: "2024-04", tianheCode: "2024-03", conghuaCode: "2024-04"})

	// 从化's late organization moved to 番禺 (a district with no record
	// yet): the city's month stays (the entry is 番禺's now); 从化 has no
	// late entry left to show, and 番禺 no correction (on the deadline the
	// organization was in 从化)
	w.change(late.ID, func(in *registry.Input) { in.CommunityCode = panyu })
	wantMonths("a move to 番禺", check("a move to 番禺", w.kpi),
		map[string]string{cityCode: "2024-04", tianheCode: "2024-03", conghuaCode: "", panyu[:6]: ""})

	// a late entry in 番禺: the replica, which last asked after the first
	// step, and the writer's service both see the city's month move; the
	// writer's reads the counters and 番禺's month again (two statements)
	w.clock.set("2024-06-03")
	late2 := w.org(panyu, registry.TierCommunity)
	quiet = trips()
	w.lateHistory(late2.ID, "status", "active", "2022-01-01")
	if n := trips(); n != quiet+2 {
		t.Errorf("the city's dashboard after a late entry in 番禺: %d statements, without it %d (want 2 more)", n, quiet)
	}
	wantMonths("a late entry in 番禺", check("a late entry in 番禺", w.kpi, replica),
		map[string]string{cityCode: "2024-06", tianheCode: "2024-03", panyu[:6]: "2024-06"})
}

// TestWorkersEndingAfterTheFloorKeepsTheThenAnswers holds the kept
// known-then answers (then.go) to the records across hub workers' endings
// (migration 059): an ending on a day after kpi_then's floor (the usual
// one, typed when it happens, after the deadlines already past) cannot
// change what was known on a past deadline, so it leaves kpi_then and the
// kept answers as they were; an ending dated before the deadline, or any
// other change of a worker, still moves kpi_then. After each step the
// city's and 天河's dashboards equal, byte for byte, a fresh service's.
func TestWorkersEndingAfterTheFloorKeepsTheThenAnswers(t *testing.T) {
	w := newWorld(t)
	w.kpi.NoCache(true)
	yes := true
	w.indicators(Input{Key: "staffed_hubs", NameZH: "有社工的枢纽", Level: LevelDistrict, ScopeCode: cityCode,
		Rule:   Rule{Kind: KindRecordShare, Source: SourceHubs, Filter: Filter{Hub: &yes}, NumeratorFilter: &Filter{MinWorkers: 1}},
		Target: 1, Deadline: "2023-12-31"})
	hubs := &hub.Service{DB: w.db, Reg: w.reg, Now: w.clock.Now}
	add := func(hubID int64, started, late string) int64 {
		t.Helper()
		wk, err := hubs.AddWorker(w.ctx, w.city, hubID, hub.WorkerInput{Name: "社工", Kind: "part_time", StartedOn: started, LateReason: late})
		if err != nil {
			t.Fatal(err)
		}
		return wk.ID
	}
	end := func(hubID, workerID int64, on, late string) {
		t.Helper()
		if _, err := hubs.EndWorkerLate(w.ctx, w.city, hubID, workerID, on, late); err != nil {
			t.Fatal(err)
		}
	}
	check := func(step string) {
		t.Helper()
		records := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
		records.FromRecords(true)
		for _, unit := range []string{cityCode, tianheCode} {
			got, err := w.kpi.Dashboard(w.ctx, w.city, unit, "")
			if err != nil {
				t.Fatal(err)
			}
			want, err := records.Dashboard(w.ctx, w.city, unit, "")
			if err != nil {
				t.Fatal(err)
			}
			if g, r := mustJSON(t, got), mustJSON(t, want); g != r {
				t.Errorf("%s: %s's dashboard with kept answers:\n%s\nfrom the records:\n%s", step, unit, g, r)
			}
		}
	}
	kept := func() (int, int64) { t.Helper(); return keptThen(t, w, cityCode) }

	w.clock.set("2023-01-10")
	a := w.org("440106001001", registry.TierStreet)
	b := w.org("440106001002", registry.TierStreet)
	for _, id := range []int64{a.ID, b.ID} {
		w.change(id, func(in *registry.Input) { in.Hub = true })
	}
	w.clock.set("2023-02-01")
	a1, a2 := add(a.ID, "2023-02-01", ""), add(a.ID, "2023-02-01", "")
	// a worker of b entered late, after the deadline: the two sides differ,
	// and the known-then answer is kept
	w.clock.set("2024-03-10")
	add(b.ID, "2023-05-01", "纸质台账补录")
	check("a worker entered late")
	n0, v0 := kept()
	if n0 == 0 {
		t.Fatal("no known-then answer kept at the city after its dashboard")
	}

	// an ending on today's date, after the floor: nothing known then moves
	end(a.ID, a1, "", "")
	check("an ending after the floor")
	if n, v := kept(); n != n0 || v != v0 {
		t.Errorf("an ending after the floor moved kpi_then %d → %d, %d answers kept (was %d)", v0, v, n, n0)
	}

	// an ending dated before the deadline: what was known then may change
	end(a.ID, a2, "2023-10-31", "离职补录")
	check("an ending before the deadline")
	_, v1 := kept()
	if v1 == v0 {
		t.Errorf("an ending dated before the deadline left kpi_then at %d", v1)
	}
	check("after an ending before the deadline")

	// any other change of a worker counts too (a start moved by hand)
	if _, err := w.db.Write.ExecContext(w.ctx, `UPDATE hub_workers SET started_on = '2023-03-01' WHERE id = $1`, a1); err != nil {
		t.Fatal(err)
	}
	if _, v2 := kept(); v2 == v1 {
		t.Errorf("a worker's start changed in place left kpi_then at %d", v2)
	}
	check("a start changed in place")
}

// keptThen is how many known-then answers the unit's frame keeps, and
// kpi_then's count of the writes that could change one.
func keptThen(t *testing.T, w *world, unit string) (int, int64) {
	t.Helper()
	f, _, err := w.kpi.frameAt(w.ctx, unit)
	if err != nil {
		t.Fatal(err)
	}
	f.then.mu.Lock()
	defer f.then.mu.Unlock()
	var n int64
	if err := w.db.Read.QueryRowContext(w.ctx, `SELECT n FROM kpi_then WHERE id = 1`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return len(f.then.m), n
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestKeptNoLateStaysTheRecords holds enteredLate's kept "no organization"
// answers (keptNoLate: under the late entries' counters) to the records: a
// seeded random sequence of writes in 天河 and 从化 (a plain write, a late
// entry, a move between them, a new organization, a brand flag toggled),
// after each of which the city's, 天河's and 从化's dashboards of a service
// that keeps them (its cache on, as linli serves, and off) must equal, byte
// for byte, those of a fresh service counting from the records. A late
// entry or a move under a unit kept with no late organization must show as
// a correction: a keep that ignored its counters would not. And the keep
// is used: after a plain write the city's dashboard runs fewer statements
// than the same dashboard with the keeps dropped.
func TestKeptNoLateStaysTheRecords(t *testing.T) {
	w := newWorld(t)
	w.indicators(allOrgs)
	check := keepingTwins(t, w, "kept answers")
	w.clock.set("2023-06-01")
	var orgs []int64
	for _, c := range []string{"440106001001", "440106002008", jiekou + "001", jiangpu + "002"} {
		orgs = append(orgs, w.org(c, registry.TierStreet).ID)
	}
	w.clock.set("2024-03-10")
	check("no late entry")
	if f, _, err := w.kpi.frameAt(w.ctx, cityCode); err != nil || len(f.then.none) == 0 {
		t.Fatalf("no 'no late organization' kept at the city after its dashboard (%v)", err)
	}
	keepUsed(t, w, orgs[0], "the keep", func(k *thenKept) { clear(k.none) })
	check("a plain write")

	communities := []string{"440106001001", "440106002008", jiekou + "001", jiangpu + "002"}
	eachRandomDay(w, 8, 24, check, func(i int, rng *rand.Rand, day time.Time) string {
		id := orgs[rng.IntN(len(orgs))]
		var step string
		switch rng.IntN(5) {
		case 0:
			step = "a plain write"
			w.change(id, func(in *registry.Input) { in.Members++ })
		case 1:
			step = "a late entry"
			w.lateHistory(id, "status", "active", "2021-1"+strconv.Itoa(rng.IntN(3))+"-01")
		case 2:
			step = "a move"
			c := communities[rng.IntN(len(communities))]
			w.change(id, func(in *registry.Input) { in.CommunityCode = c })
		case 3:
			step = "a new organization"
			orgs = append(orgs, w.org(communities[rng.IntN(len(communities))], registry.TierCommunity).ID)
		default:
			step = "a brand flag toggled"
			w.change(id, func(in *registry.Input) { in.Brand = !in.Brand })
		}
		return fmt.Sprintf("%s (organization %d)", step, id)
	})
}

// TestKeptFactsMonthsStayTheRecords holds the corrections' months of the
// sources other than the organizations (bases, pilots, brand designations,
// trainings: the plan's indicators), kept under kpi_facts' counters
// (keptFacts, migration 068), to the records: a seeded random sequence of
// writes in 天河 and 从化 (a plain write of an organization, a brand flag
// toggled, a base opened on a past day entered late, a base opened today,
// a pilot designated on a past day entered late), after each of which the
// city's, 天河's and 从化's dashboards of a service that keeps them (its
// cache on, as linli serves, and off) must equal, byte for byte, a fresh
// service's counting from the records. A late base or pilot moves a
// month kept since: a keep that ignored its counters would not show it.
// And the keep is used: after a plain write the city's dashboard runs
// fewer statements than the same dashboard with the months dropped.
func TestKeptFactsMonthsStayTheRecords(t *testing.T) {
	w := newWorld(t)
	check := keepingTwins(t, w, "kept months")
	w.clock.set("2022-06-01")
	var orgs []int64
	for _, c := range []string{"440106001001", "440106002008", jiekou + "001", jiangpu + "002"} {
		orgs = append(orgs, w.org(c, registry.TierStreet).ID)
	}
	w.base("从化区孵化基地", conghuaCode, "", "2022-06-01", "")
	w.clock.set("2024-03-10")
	check("the start")
	if f, _, err := w.kpi.frameAt(w.ctx, cityCode); err != nil || len(f.then.facts) == 0 {
		t.Fatalf("no month of the other sources kept at the city after its dashboard (%v)", err)
	}
	keepUsed(t, w, orgs[0], "the months kept", func(k *thenKept) { clear(k.facts) })
	check("a plain write")

	inc := &incubation.Service{DB: w.db, Geo: w.geo, Orgs: w.reg, Now: w.clock.Now}
	streets := []string{"440106001", "440106002", jiekou, jiangpu}
	lates := 0
	eachRandomDay(w, 68, 24, check, func(i int, rng *rand.Rand, day time.Time) string {
		past := fmt.Sprintf("2023-%02d-01", 1+rng.IntN(11))
		street := streets[rng.IntN(len(streets))]
		id := orgs[rng.IntN(len(orgs))]
		var step string
		switch rng.IntN(5) {
		case 0:
			step = "a plain write"
			w.change(id, func(in *registry.Input) { in.Members++ })
		case 1:
			step = "a brand flag toggled"
			w.change(id, func(in *registry.Input) { in.Brand = !in.Brand })
		case 2:
			step = "a base opened on " + past + " entered late in " + street
			if _, err := inc.Create(w.ctx, w.city, incubation.BaseInput{Name: "补录基地" + strconv.Itoa(i), HostType: "party_mass_center",
				DivisionCode: street, Services: []string{"incubation"}, OpenedOn: past, LateReason: "纸质台账补录"}); err != nil {
				t.Fatal(err)
			}
			lates++
		case 3:
			step = "a base opened today in " + street
			w.base("新基地"+strconv.Itoa(i), street[:6], street, day.Format(time.DateOnly), "")
		default:
			var community string
			// (a village committee of 从化: pilots are rural)
			if err := w.db.Read.QueryRowContext(w.ctx, `SELECT MIN(code) FROM divisions WHERE level = 5 AND code >= $1 AND code < $2
				AND substr(code, 10, 1) = '2' AND code NOT IN (SELECT community_code FROM pilots)`, conghuaCode, "440118").Scan(&community); err != nil {
				t.Fatal(err)
			}
			step = "a pilot designated on " + past + " entered late in " + community
			if _, err := w.kpi.Designate(w.ctx, w.city, PilotInput{CommunityCode: community, DesignatedOn: past, LateReason: "纸质台账补录"}); err != nil {
				t.Fatal(err)
			}
			lates++
		}
		return step
	})
	if lates == 0 {
		t.Fatal("the sequence made no late entry")
	}
}

// eachRandomDay runs n steps of a seeded random sequence (seed with 19),
// each on a day one to five days after the last from 2024-03-11, the clock
// set to it: step makes the day's writes and names them, and check holds
// the dashboards to the records after each.
func eachRandomDay(w *world, seed uint64, n int, check func(step string), step func(i int, rng *rand.Rand, day time.Time) string) {
	rng := rand.New(rand.NewPCG(19, seed))
	day := time.Date(2024, 3, 11, 0, 0, 0, 0, time.UTC)
	for i := range n {
		day = day.AddDate(0, 0, 1+rng.IntN(5))
		w.clock.set(day.Format(time.DateOnly))
		check(fmt.Sprintf("step %d, %s", i, step(i, rng, day)))
	}
}

// keepingTwins makes w.kpi a service that keeps its frames (ten years)
// with its cache off, and a second on the same database that keeps them
// with its cache on, as linli serves, and answers the check of the kept
// answers' tests: after each step the city's, 天河's and 从化's dashboards
// of both must equal, byte for byte, a fresh service's counting from the
// records.
func keepingTwins(t *testing.T, w *world, kept string) func(step string) {
	cached := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
	for _, s := range []*Service{w.kpi, cached} {
		s.frames.TTL = 10 * 365 * 24 * time.Hour
	}
	w.kpi.NoCache(true)
	return func(step string) {
		t.Helper()
		records := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
		records.FromRecords(true)
		for _, unit := range []string{cityCode, tianheCode, conghuaCode} {
			want, err := records.DashboardJSON(w.ctx, w.city, unit, "", "")
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range []*Service{w.kpi, cached} {
				got, err := s.DashboardJSON(w.ctx, w.city, unit, "", "")
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != string(want) {
					t.Fatalf("%s: %s's dashboard of service %d with %s:\n%s\nfrom the records:\n%s", step, unit, i, kept, got, want)
				}
			}
		}
	}
}

// keepUsed holds that a keep is used: after a plain write of an
// organization, the city's dashboard runs fewer statements than the same
// dashboard with what drop clears from the city's frame dropped.
func keepUsed(t *testing.T, w *world, org int64, what string, drop func(*thenKept)) {
	t.Helper()
	trips := func() int64 {
		t.Helper()
		n := w.db.RoundTrips()
		if _, err := w.kpi.Dashboard(w.ctx, w.city, cityCode, ""); err != nil {
			t.Fatal(err)
		}
		return w.db.RoundTrips() - n
	}
	w.change(org, func(in *registry.Input) { in.Members++ })
	kept := trips()
	f, _, err := w.kpi.frameAt(w.ctx, cityCode)
	if err != nil {
		t.Fatal(err)
	}
	f.then.mu.Lock()
	drop(f.then)
	f.then.mu.Unlock()
	if n := trips(); n <= kept {
		t.Errorf("the city's dashboard after a plain write: %d statements with %s, %d without", kept, what, n)
	}
}
