package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"linli/internal/ledger"
	"linli/internal/platform/auth"
)

// PostingsPerScale bounds the custody postings of the dataset. They are
// made one by one through the ledger's own service (its hash chain has no
// bulk form), so the national dataset holds fewer than a year of real
// activity would.
var PostingsPerScale = map[string]int{ScaleGuangzhou: 2_000, ScaleNational: 20_000}

type custodyRow struct{ hub, org int64 }

func custodyRows(ctx context.Context, t *Target, where string, args ...any) ([]custodyRow, error) {
	rows, err := t.DB.Read.QueryContext(ctx, `SELECT m.hub_org_id, m.org_id FROM hub_members m JOIN orgs h ON h.id = m.hub_org_id
		WHERE m.status = 'active' `+where+` ORDER BY m.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []custodyRow
	for rows.Next() {
		var c custodyRow
		if err := rows.Scan(&c.hub, &c.org); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// postings records income for organizations in custody through the
// ledger's service, as each hub's staff would.
func postings(ctx context.Context, cfg *Config, t *Target) (int, error) {
	cs, err := custodyRows(ctx, t, "")
	if err != nil || len(cs) == 0 {
		return 0, err
	}
	n := min(2*len(cs), PostingsPerScale[cfg.Scale], max(cfg.Orgs/2, 1))
	led := &ledger.Service{DB: t.DB, Orgs: t.Registry, Now: cfg.Now}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x1ed9e7))
	win := newWindow(cfg.Now())
	for i := 0; i < n; i++ {
		c := cs[(i*7919)%len(cs)]
		u := &auth.User{ID: 0, Username: "bench-hub-" + strconv.FormatInt(c.hub, 10), Role: auth.HubStaff, OrgID: c.hub}
		in := ledger.IncomeInput{Amount: ledger.Fen(100 * (50 + r.IntN(5000))), Source: ledger.Sources[r.IntN(len(ledger.Sources))],
			Voucher: "BENCH-" + strconv.Itoa(i+1), ReceivedOn: win.at(r, day(2022, 1, 1), win.to.AddDate(0, 0, -1)).Format(time.DateOnly)}
		if _, err := led.RecordIncome(ctx, u, c.org, in, nil); err != nil {
			return i, fmt.Errorf("posting %d (hub %d, org %d): %w", i+1, c.hub, c.org, err)
		}
	}
	return n, nil
}

// ledger measures custody postings over HTTP: income recorded by one hub's
// staff one at a time, then by sixteen hubs' staff at once.
func (m *measurer) ledger(ctx context.Context) []*Stat {
	const path = "/api/v1/custody/{org_id}/income"
	seq := &Stat{Name: "ledger postings, sequential", Key: "ledger_seq", Group: "write", Target: "≥ 50% of durable commits"}
	par := &Stat{Name: "ledger postings, 16 clients", Key: "ledger_16", Group: "write", Target: "not slower than sequential"}
	if !m.api["POST "+path] {
		seq.Note, par.Note = "not available yet: no posting route", "not available yet: no posting route"
		return []*Stat{seq, par}
	}
	lo, hi := m.rep.Subjects.City, m.rep.Subjects.City+"~"
	cs, err := custodyRows(ctx, m.t, "AND h.district_code >= $1 AND h.district_code < $2", lo, hi)
	if err != nil || len(cs) == 0 {
		seq.Note = fmt.Sprintf("no organization in custody in the city (%v)", err)
		return []*Stat{seq, par}
	}
	byHub := map[int64][]int64{}
	var hubs []int64
	for _, c := range cs {
		if len(byHub[c.hub]) == 0 {
			hubs = append(hubs, c.hub)
		}
		byHub[c.hub] = append(byHub[c.hub], c.org)
	}
	hubs = hubs[:min(16, len(hubs))]
	staff := make([]*session, len(hubs))
	for i, h := range hubs {
		o, err := m.t.Registry.Lookup(ctx, h)
		if err == nil {
			staff[i], err = m.account(ctx, "bench-hub-"+strconv.FormatInt(h, 10), auth.HubStaff, o.StreetCode, h)
		}
		if err != nil {
			seq.Note = err.Error()
			return []*Stat{seq, par}
		}
	}
	today := m.cfg.Now().Add(-24 * time.Hour).Format(time.DateOnly)
	run := time.Now().UnixNano()
	post := func(i int) (*http.Request, error) {
		k := i % len(hubs)
		orgs := byHub[hubs[k]]
		body, _ := json.Marshal(ledger.IncomeInput{Amount: ledger.Fen(100 * (1 + i%500)), Source: "donation",
			Voucher: "BENCH-HTTP-" + strconv.Itoa(i), ReceivedOn: today})
		req, err := http.NewRequest("POST", m.base+"/api/v1/custody/"+strconv.FormatInt(orgs[(i/len(hubs))%len(orgs)], 10)+"/income", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Cookie", staff[k].cookie)
		req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d-%d", run, i))
		return req, nil
	}
	commits := m.rep.Stat("anchor_commit")
	n := max(m.cfg.Requests/4, 10)
	m.cfg.say("measure: ledger postings, sequential")
	one := func(i int) (*http.Request, error) { return post(i * len(hubs)) } // always the first hub
	l := Load{Client: m.client, Conns: 1, Requests: n, Duration: m.cfg.Duration, Warmup: 5}
	s1 := l.Run(ctx, one, nil)
	*seq = *m.writeStat(seq, s1, commits)
	m.cfg.say("measure: ledger postings, 16 clients")
	l = Load{Client: m.client, Conns: 16, Requests: n, Duration: m.cfg.Duration, Warmup: 16}
	s16 := l.Run(ctx, func(i int) (*http.Request, error) { return post(i + 1_000_000) }, nil)
	*par = *m.writeStat(par, s16, commits)
	okSeq := seq.Errors == 0 && seq.N > 0 && seq.Ratio >= 0.5
	okPar := par.Errors == 0 && par.N > 0 && par.Rate >= seq.Rate
	seq.Met, par.Met = &okSeq, &okPar
	par.Note = strings.TrimSuffix(fmt.Sprintf("%d hubs' staff posting at once; %s", len(hubs), par.Note), "; ")
	return []*Stat{seq, par}
}

func (m *measurer) writeStat(st *Stat, s *Sample, anchor *Stat) *Stat {
	out := fromSample(st.Name, st.Key, st.Group, s)
	out.Target, out.Unit = st.Target, "postings/s"
	if anchor != nil && anchor.Rate > 0 {
		out.Anchor, out.Ratio = anchor.Key, out.Rate/anchor.Rate
	}
	if m.rep.Machine.Engine == "sqlite" {
		out.Note = "linli's SQLite writer commits with synchronous=" + m.rep.Machine.Settings["synchronous"] + "; the anchor with FULL"
	}
	return out
}
