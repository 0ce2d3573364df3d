package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"linli/internal/demo/catalog"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/registry"
)

// censusFile builds a census workbook of n new organizations in the
// district, filled as an officer fills the template: Chinese headers and
// labels, several forms of date, a few registered organizations.
func (m *measurer) censusFile(ctx context.Context, district string, n int) ([]byte, error) {
	rows, err := m.t.DB.Read.QueryContext(ctx, `SELECT code, name, kind FROM divisions WHERE level = 5 AND code >= $1 AND code < $2 ORDER BY code`,
		district, district+"~")
	if err != nil {
		return nil, err
	}
	var comms []community
	for rows.Next() {
		var c community
		var name string
		if err := rows.Scan(&c.code, &name, &c.kind); err != nil {
			rows.Close()
			return nil, err
		}
		c.label = label(name)
		comms = append(comms, c)
	}
	rows.Close()
	if len(comms) == 0 {
		return nil, fmt.Errorf("census file: no communities in %s", district)
	}
	// A reused database already holds earlier runs' imports: number this
	// file's organizations after theirs.
	var earlier int
	if err := m.t.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs WHERE district_code = $1 AND name LIKE '%分队'`,
		district).Scan(&earlier); err != nil {
		return nil, err
	}
	first := (earlier+len(comms)-1)/len(comms) + 1
	cat := i18n.New(i18n.Common, registry.Messages)
	zh := func(key string) string { return cat.Msg(i18n.ZH, errs.M(key)) }
	fields := []string{"name", "credit_code", "tier", "types", "target_groups", "community_code", "community", "address",
		"founded_on", "members", "leader_name", "leader_phone", "party_org", "party_instructor", "hub", "brand",
		"demonstration_year", "volunteer_mark", "status"}
	hdr := make([]any, len(fields))
	for i, f := range fields {
		hdr[i] = zh("field." + f)
	}
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(m.cfg.Seed, 0xce5))
	labels := func(prefix string, codes []string) string {
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = zh(prefix + c)
		}
		return strings.Join(out, "、")
	}
	for i := 0; i < n; i++ {
		c := comms[i%len(comms)]
		k := catalog.Pick(r, catalog.Kinds, catalog.Place{District: c.code[:6], Rural: c.kind == "rural"})
		name := c.label + k.Name + "第" + strconv.Itoa(first+i/len(comms)) + "分队"
		tier, credit := registry.TierCommunity, ""
		switch i % 20 {
		case 0:
			tier = registry.TierRegistered
			name = "新登记" + name
			cc := "52" + c.code[:6] + fmt.Sprintf("%09d", 900_000_000+(first-1)*len(comms)+i)
			credit = cc + string(registry.CreditCheckDigit(cc))
		case 1, 2, 3, 4, 5, 6:
			tier = registry.TierStreet
		}
		founded := []any{fmt.Sprintf("20%02d-%02d-%02d", 10+i%12, 1+i%12, 1+i%28), fmt.Sprintf("20%02d年%d月%d日", 10+i%12, 1+i%12, 1+i%28)}[i%2]
		groups := ""
		if len(k.Groups) > 0 {
			groups = labels("group.", k.Groups)
		}
		row := []any{name, credit, zh("tier." + tier), labels("type.", k.Types), groups, c.code, c.label, c.label + "活动室",
			founded, 10 + r.IntN(90), person(r), phone(r), zh("party.none"), "", "否", "否", "", "否", zh("status.active")}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// importReport is the part of the census import's answer the bench reads.
type importReport struct {
	Created   int  `json:"created"`
	Updated   int  `json:"updated"`
	Unchanged int  `json:"unchanged"`
	Committed bool `json:"committed"`
	Rows      int  `json:"rows"`
	Errors    []struct {
		Row     int    `json:"row"`
		Message string `json:"message"`
	} `json:"errors"`
}

// postFile uploads a workbook to the census import as a session.
func (m *measurer) postFile(ctx context.Context, s *session, path string, file []byte) (*importReport, time.Duration, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "census.xlsx")
	if err != nil {
		return nil, 0, err
	}
	fw.Write(file)
	mw.Close()
	req, err := http.NewRequestWithContext(ctx, "POST", m.base+path, bytes.NewReader(body.Bytes()))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Cookie", s.cookie)
	t0 := time.Now()
	resp, err := m.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	el := time.Since(t0)
	if err != nil {
		return nil, el, err
	}
	var rep importReport
	if err := json.Unmarshal(b, &rep); err != nil || resp.StatusCode != http.StatusOK {
		return nil, el, fmt.Errorf("census import: status %d: %.300s", resp.StatusCode, b)
	}
	return &rep, el, nil
}

// censusImport measures the census import end to end over HTTP: a new file
// (every row created), then the same file again (every row unchanged).
func (m *measurer) censusImport(ctx context.Context) []*Stat {
	const path = "/api/v1/orgs/import"
	first := &Stat{Name: "census import from .xlsx, new organizations", Key: "census_import", Group: "write",
		Target: "≥ 20,000 rows/s, ≥ 10% of raw insert"}
	again := &Stat{Name: "census import, same file again (unchanged)", Key: "census_reimport", Group: "write"}
	if !m.api["POST "+path] {
		first.Note, again.Note = "not available yet: no census import route", "not available yet: no census import route"
		return []*Stat{first, again}
	}
	n := map[string]int{ScaleGuangzhou: 3_000, ScaleNational: 20_000}[m.cfg.Scale]
	n = max(100, min(n, m.cfg.Orgs/5))
	m.cfg.say("measure: census import of %d rows", n)
	file, err := m.censusFile(ctx, m.rep.Subjects.CensusDistrict, n)
	if err != nil {
		first.Note = err.Error()
		return []*Stat{first, again}
	}
	m.censusBody = file
	raw := m.rep.Stat("anchor_insert")
	for i, st := range []*Stat{first, again} {
		Settle()
		m.sampler.Reset()
		cpu0 := TotalCPU()
		rep, el, err := m.postFile(ctx, m.census, path, file)
		heap, _ := m.sampler.Peaks()
		st.Available, st.N, st.Unit, st.CPUMS = true, n, "rows/s", ms(TotalCPU()-cpu0)/float64(n)
		if err != nil {
			st.Errors, st.FirstError = 1, err.Error()
			continue
		}
		st.MedianMS, st.P99MS, st.Rate = ms(el), ms(el), float64(n)/el.Seconds()
		want := rep.Created == n
		if i == 1 {
			want = rep.Unchanged == n
		}
		if !want || len(rep.Errors) > 0 || !rep.Committed {
			st.Errors, st.FirstError = 1, fmt.Sprintf("created %d, unchanged %d, errors %d (%+v)", rep.Created, rep.Unchanged, len(rep.Errors), rep.Errors[:min(3, len(rep.Errors))])
		}
		st.Note = fmt.Sprintf("%d rows, %.1f MiB file, one request; Go heap peak %.0f MiB", n, float64(len(file))/(1<<20), MB(heap))
		if raw != nil && raw.Rate > 0 {
			st.Anchor, st.Ratio = raw.Key, st.Rate/raw.Rate
		}
	}
	ok := first.Errors == 0 && first.Rate >= 20_000 && first.Ratio >= 0.10
	first.Met = &ok
	return []*Stat{first, again}
}

// export measures the spreadsheet export of every organization of the city,
// three times in a row, one at a time.
func (m *measurer) export(ctx context.Context) *Stat {
	const path = "/api/v1/orgs/export.xlsx"
	st := &Stat{Name: "export to .xlsx, whole city", Key: "export_xlsx", Group: "write", Target: "≥ 50,000 rows/s, memory bounded"}
	if !m.api["GET "+path] {
		st.Note = "not available yet: no spreadsheet export route"
		return st
	}
	m.cfg.say("measure: export to .xlsx")
	total, err := m.listTotal(ctx)
	if err != nil {
		st.Note = err.Error()
		return st
	}
	Settle()
	base, _ := GoMemory()
	m.sampler.Reset()
	l := Load{Client: m.client, Conns: 1, Requests: 3, Duration: 3 * m.cfg.Duration}
	s := l.Run(ctx, func(int) (*http.Request, error) { return m.get(m.city, path) }, nil)
	heap, _ := m.sampler.Peaks()
	st.Available, st.N, st.Errors, st.FirstError = true, s.N, s.Errors, s.FirstError
	st.MedianMS, st.P99MS = ms(s.Quantile(0.5)), ms(s.Quantile(1))
	if s.N > 0 && total > 0 {
		st.CPUMS = ms(s.CPU) / float64(s.N*total)
	}
	if st.MedianMS > 0 {
		st.Rate, st.Unit = float64(total)/(st.MedianMS/1000), "rows/s"
	}
	growth := MB(heap) - MB(min(base, heap))
	st.Note = fmt.Sprintf("%d rows per export; Go heap grew by at most %.0f MiB during the exports", total, growth)
	ok := s.Errors == 0 && s.N > 0 && st.Rate >= 50_000
	st.Met = &ok
	return st
}

// listTotal is how many organizations the city administrator sees.
func (m *measurer) listTotal(ctx context.Context) (int, error) {
	req, err := m.get(m.city, "/api/v1/orgs?per_page=1")
	if err != nil {
		return 0, err
	}
	resp, err := m.client.Do(req.WithContext(ctx))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var p struct {
		Total int `json:"total"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		return 0, err
	}
	return p.Total, nil
}
