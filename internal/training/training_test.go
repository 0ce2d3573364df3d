package training_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
	"rsc.io/pdf"

	"linli/internal/app/apptest"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/training"
)

const (
	tianhe   = "440106"
	haizhu   = "440105"
	wushan   = "440106001"
	wushanC  = "440106001001"
	cityCode = "4401"
)

func session(title, unit string, start time.Time, capacity int) map[string]any {
	return map[string]any{"title": title, "programme": "同行计划", "form": "demonstration",
		"topics": []string{"capacity"}, "audiences": []string{"cso_leaders"}, "unit_code": unit,
		"starts_at": start, "ends_at": start.Add(3 * time.Hour), "capacity": capacity, "trainer": "李老师", "place": "区社工服务中心"}
}

func create(t *testing.T, c *apptest.Client, body map[string]any) training.Training {
	t.Helper()
	r := c.Do("POST", "/api/v1/trainings", body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var tr training.Training
	r.Decode(&tr)
	return tr
}

func day(s string) time.Time {
	t, _ := time.Parse("2006-01-02 15:04", s)
	return t.Add(-8 * time.Hour) // China time
}

// A district runs two sessions in 2022, one in 2023 and none in 2021;
// training_per_year at the district, year by year, equals the count of the
// sessions created, and the city verdict lists every district behind.
func TestTrainingPerYear(t *testing.T) {
	a := apptest.New(t)
	th := a.CreateUser("tianhe-train", auth.DistrictOfficer, tianhe, 0)
	hz := a.CreateUser("haizhu-train", auth.DistrictOfficer, haizhu, 0)
	city := a.CreateUser("city-train", auth.CityAdmin, cityCode, 0)
	made := map[string]map[int]int{}
	add := func(u *auth.User, unit, start string) {
		create(t, a.As(u), session("培训 "+start, unit, day(start), 30))
		d := unit
		if len(d) >= 6 {
			d = d[:6]
		}
		if made[d] == nil {
			made[d] = map[int]int{}
		}
		made[d][day(start).Add(8*time.Hour).Year()]++
	}
	add(th, tianhe, "2022-03-01 09:00")
	add(th, wushan, "2022-11-20 14:00")
	add(th, tianhe, "2023-01-01 07:30") // 2022-12-31 23:30 UTC: 2023 in China
	add(hz, haizhu, "2022-06-01 09:00")
	add(city, cityCode, "2021-10-01 09:00") // the city's own: no district's
	if made[tianhe][2022] != 2 || made[tianhe][2023] != 1 || made[tianhe][2021] != 0 {
		t.Fatalf("fixture: %v", made)
	}
	ctx := context.Background()
	for _, d := range []string{tianhe, haizhu} {
		r, err := a.KPI.Evaluate(ctx, city, "training_per_year", d, "2023-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Periods) != 3 {
			t.Fatalf("%s periods %+v", d, r.Periods)
		}
		for _, p := range r.Periods {
			if p.Value != made[d][p.Year] {
				t.Errorf("%s %d: %d, want %d", d, p.Year, p.Value, made[d][p.Year])
			}
			if p.Met != (made[d][p.Year] >= 1) {
				t.Errorf("%s %d met %v", d, p.Year, p.Met)
			}
		}
		if r.Status == kpi.StateMet {
			t.Errorf("%s met with no 2021 session", d)
		}
	}
	r, err := a.KPI.Evaluate(ctx, city, "training_per_year", cityCode, "2023-12-31")
	if err != nil {
		t.Fatal(err)
	}
	behind := 0
	for _, c := range r.Children {
		if c.Met == nil || !*c.Met {
			behind++
		}
	}
	if behind != len(r.Children) || len(r.Children) != 11 {
		t.Errorf("city verdict: %d of %d districts behind, want all 11", behind, len(r.Children))
	}
	// the rule decides what counts: only party-building sessions
	ind, err := a.KPI.Get(ctx, city, "training_per_year")
	if err != nil {
		t.Fatal(err)
	}
	rule := ind.Rule
	rule.Filter.TrainingTopics = []string{"party_building"}
	if _, err := a.KPI.Create(ctx, city, kpi.Input{Key: "party_training", NameZH: "党建培训", Level: kpi.LevelDistrict,
		ScopeCode: cityCode, Rule: rule, Target: 1, Deadline: "2023-12-31"}); err != nil {
		t.Fatal(err)
	}
	pr, err := a.KPI.Evaluate(ctx, city, "party_training", tianhe, "2023-12-31")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pr.Periods {
		if p.Value != 0 {
			t.Errorf("party-building sessions in %d: %d, want 0", p.Year, p.Value)
		}
	}
	// the list sees the district's and the city's sessions, a year at a time
	var list struct{ Items []training.Training }
	a.As(th).Do("GET", "/api/v1/trainings?year=2022", nil).Decode(&list)
	if len(list.Items) != 2 {
		t.Errorf("tianhe 2022 list: %d", len(list.Items))
	}
	a.As(hz).Do("GET", "/api/v1/trainings", nil).Decode(&list)
	if len(list.Items) != 2 { // its own and the city's
		t.Errorf("haizhu list: %d", len(list.Items))
	}
}

type fixture struct {
	a        *apptest.App
	officer  *auth.User
	tr       training.Training
	personID int64
}

func person(t *testing.T, c *apptest.Client, name, phone string) int64 {
	t.Helper()
	r := c.Do("POST", "/api/v1/people", map[string]any{"name": name, "phone": phone, "role": "负责人",
		"community_code": wushanC, "qualification": "assistant", "qualification_year": 2021})
	if r.Status != http.StatusCreated {
		t.Fatalf("person: %d %s", r.Status, r.Body)
	}
	var p training.Person
	r.Decode(&p)
	if strings.Contains(p.Phone, phone[3:7]) {
		t.Errorf("phone not masked: %s", p.Phone)
	}
	return p.ID
}

func newFixture(t *testing.T) *fixture {
	a := apptest.New(t)
	f := &fixture{a: a, officer: a.CreateUser("wushan-train", auth.StreetOfficer, wushan, 0)}
	c := a.As(f.officer)
	f.tr = create(t, c, session("社区社会组织负责人能力提升班", wushan, a.Clock.Now().Add(-10*time.Minute), 1))
	f.personID = person(t, c, "陈美玲", "13800138001")
	if r := c.Do("POST", "/api/v1/trainings/"+itoa(f.tr.ID)+"/enrolments", map[string]any{"person_id": f.personID}); r.Status != http.StatusCreated {
		t.Fatalf("enrol: %d %s", r.Status, r.Body)
	}
	return f
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestCheckin(t *testing.T) {
	f := newFixture(t)
	c := f.a.As(f.officer)
	id := itoa(f.tr.ID)
	other := person(t, c, "黄志强", "13900139002")
	// capacity 1: the second enrolment is refused, nothing written
	if r := c.Do("POST", "/api/v1/trainings/"+id+"/enrolments", map[string]any{"person_id": other}); r.Status != http.StatusConflict {
		t.Errorf("enrol beyond capacity: %d", r.Status)
	}
	// the code is the organizer's
	cc := f.a.CreateUser("wushan-committee", auth.CommunityCommittee, wushanC, 0)
	if r := f.a.As(cc).Do("GET", "/api/v1/trainings/"+id+"/checkin-code", nil); r.Status != http.StatusForbidden {
		t.Errorf("committee reads the code: %d", r.Status)
	}
	var code training.CheckinCode
	r := c.Do("GET", "/api/v1/trainings/"+id+"/checkin-code", nil)
	r.Decode(&code)
	if r.Status != 200 || len(code.Code) != 10 || !strings.HasPrefix(code.QRSVG, "<svg") || !code.ExpiresAt.Equal(f.tr.EndsAt) {
		t.Fatalf("code: %d %+v", r.Status, code)
	}
	anon := f.a.Anon()
	for _, bad := range []struct {
		code, phone string
	}{{"FORGED2345", "13800138001"}, {code.Code, "13900139002"}, {code.Code, "13700000000"}} {
		if r := anon.Do("POST", "/api/v1/checkin", map[string]string{"code": bad.code, "phone": bad.phone}); r.Status != 422 {
			t.Errorf("check-in %v: %d %s", bad, r.Status, r.Body)
		}
	}
	r = anon.Do("POST", "/api/v1/checkin", map[string]string{"code": strings.ToLower(code.Code), "phone": "138-0013-8001"})
	if r.Status != 200 {
		t.Fatalf("check-in: %d %s", r.Status, r.Body)
	}
	var att struct {
		Items []struct {
			PersonID    int64     `json:"person_id"`
			CheckedInAt time.Time `json:"checked_in_at"`
		}
	}
	c.Do("GET", "/api/v1/trainings/"+id+"/attendance", nil).Decode(&att)
	if len(att.Items) != 1 || att.Items[0].PersonID != f.personID || !att.Items[0].CheckedInAt.Equal(f.a.Clock.Now()) {
		t.Errorf("attendance %+v", att.Items)
	}
	// the trainee's page: a wrong phone is the page again (422), the
	// person's own is the page saying so (200)
	if r := anon.Do("POST", "/public/checkin", url.Values{"code": {code.Code}, "phone": {"13700000000"}}); r.Status != 422 || !r.IsHTML() {
		t.Errorf("page check-in, a stranger: %d", r.Status)
	}
	if r := anon.Do("POST", "/public/checkin", url.Values{"code": {code.Code}, "phone": {"13800138001"}}); r.Status != 200 || !r.IsHTML() {
		t.Errorf("page check-in: %d %s", r.Status, r.Body)
	}
	// after the window the same code is refused
	f.a.Clock.Advance(4 * time.Hour)
	if r := anon.Do("POST", "/api/v1/checkin", map[string]string{"code": code.Code, "phone": "13800138001"}); r.Status != 422 ||
		!strings.Contains(r.String(), "window") && !strings.Contains(r.String(), "时段") {
		t.Errorf("check-in after the window: %d %s", r.Status, r.Body)
	}
	c = f.a.As(f.officer) // a new session: the first one idled out
	// the organizer corrects attendance only with a reason
	if r := c.Do("POST", "/api/v1/trainings/"+id+"/attendance", map[string]any{"person_id": f.personID, "present": false}); r.Status != 422 {
		t.Errorf("edit without reason: %d", r.Status)
	}
	if r := f.a.As(cc).Do("POST", "/api/v1/trainings/"+id+"/attendance", map[string]any{"person_id": f.personID, "present": false, "reason": "代签"}); r.Status != http.StatusForbidden {
		t.Errorf("committee edits attendance: %d", r.Status)
	}
	// bad input: a session ending before it starts; a qualification year ahead
	bad := session("倒序", wushan, f.a.Clock.Now(), 10)
	bad["ends_at"] = f.a.Clock.Now().Add(-time.Hour)
	if r := c.Do("POST", "/api/v1/trainings", bad); r.Status != 422 || !strings.Contains(r.String(), "ends_at") {
		t.Errorf("ends before start: %d %s", r.Status, r.Body)
	}
	if r := c.Do("POST", "/api/v1/people", map[string]any{"name": "未来人", "phone": "13600000000", "role": "社工",
		"community_code": wushanC, "qualification": "social_worker", "qualification_year": 2030}); r.Status != 422 {
		t.Errorf("future qualification year: %d", r.Status)
	}
}

func TestCertificate(t *testing.T) {
	f := newFixture(t)
	c := f.a.As(f.officer)
	id := itoa(f.tr.ID)
	if r := c.Do("POST", "/api/v1/trainings/"+id+"/certificates", map[string]any{"person_id": f.personID}); r.Status != 422 {
		t.Errorf("certificate without attendance: %d", r.Status)
	}
	if r := c.Do("POST", "/api/v1/trainings/"+id+"/attendance", map[string]any{"person_id": f.personID, "present": true, "reason": "纸质签到表补录"}); r.Status != 200 {
		t.Fatalf("attendance: %d %s", r.Status, r.Body)
	}
	r := c.Do("POST", "/api/v1/trainings/"+id+"/certificates", map[string]any{"person_id": f.personID})
	if r.Status != http.StatusCreated {
		t.Fatalf("issue: %d %s", r.Status, r.Body)
	}
	var cert struct{ Serial string }
	r.Decode(&cert)
	r = c.Do("GET", "/api/v1/certificates/"+cert.Serial+".pdf", nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %.200s", r.Status, r.Body)
	}
	t.Logf("certificate: %d bytes", len(r.Body))
	url := decodePDFQR(t, r.Body)
	want := f.a.URL() + "/api/v1/public/certificates/" + cert.Serial
	if url != want {
		t.Errorf("QR says %q, want %q", url, want)
	}
	var v training.Verification
	f.a.Anon().Do("GET", "/api/v1/public/certificates/"+cert.Serial, nil).Decode(&v)
	if v.Status != training.CertGenuine || v.Holder != "陈**" || v.Programme != "同行计划" || v.Hours != 3 {
		t.Errorf("verification %+v", v)
	}
	if strings.Contains(f.a.Anon().Do("GET", "/api/v1/public/certificates/"+cert.Serial, nil).String(), "138") {
		t.Error("the public page shows the phone")
	}
	v = training.Verification{}
	f.a.Anon().Do("GET", "/api/v1/public/certificates/LL2023-NOSUCHSERIAL", nil).Decode(&v)
	if v.Status != training.CertNotFound || v.Holder != "" {
		t.Errorf("unknown serial: %+v", v)
	}
	if r := c.Do("POST", "/api/v1/certificates/"+cert.Serial+"/revoke", map[string]string{"reason": "冒名顶替参训"}); r.Status != 200 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	f.a.Anon().Do("GET", "/api/v1/public/certificates/"+cert.Serial, nil).Decode(&v)
	if v.Status != training.CertRevoked {
		t.Errorf("revoked verifies as %s", v.Status)
	}
	page := f.a.Anon().Do("GET", "/api/v1/public/certificates/"+cert.Serial, nil, "Accept", "text/html")
	if !page.IsHTML() || !strings.Contains(page.String(), "已被撤销") {
		t.Errorf("verification page: %.300s", page.Body)
	}
}

// decodePDFQR parses a certificate and decodes its QR code: the image is
// found through the PDF's page resources; its stream (PNG rows with PNG
// predictors, which the reader does not undo) is wrapped back into a PNG.
func decodePDFQR(t *testing.T, b []byte) string {
	t.Helper()
	rd, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("pdf parse: %v", err)
	}
	if rd.NumPage() != 1 {
		t.Fatalf("pages %d", rd.NumPage())
	}
	page := rd.Page(1)
	fonts := page.Resources().Key("Font")
	embedded := false
	for _, k := range fonts.Keys() {
		if fonts.Key(k).Key("DescendantFonts").Index(0).Key("FontDescriptor").Key("FontFile2").Kind() == pdf.Stream {
			embedded = true
		}
	}
	if !embedded {
		t.Error("no embedded TrueType font")
	}
	xo := page.Resources().Key("XObject")
	var w, h, n int64
	for _, k := range xo.Keys() {
		if im := xo.Key(k); im.Key("Subtype").Name() == "Image" {
			w, h, n = im.Key("Width").Int64(), im.Key("Height").Int64(), im.Key("Length").Int64()
		}
	}
	if w == 0 {
		t.Fatal("no image in the PDF")
	}
	i := bytes.Index(b, []byte("/Subtype /Image"))
	s := bytes.Index(b[i:], []byte("stream\n"))
	data := b[i+s+len("stream\n") : i+s+len("stream\n")+int(n)]
	var p bytes.Buffer
	p.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, d []byte) {
		binary.Write(&p, binary.BigEndian, uint32(len(d)))
		p.WriteString(typ)
		p.Write(d)
		binary.Write(&p, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), d...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 0 // 8-bit grey
	chunk("IHDR", ihdr)
	chunk("IDAT", data)
	chunk("IEND", nil)
	img, err := png.Decode(&p)
	if err != nil {
		t.Fatalf("qr image: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("qr decode: %v", err)
	}
	return res.GetText()
}

func BenchmarkCertificatePDF(b *testing.B) {
	d := training.CertificateDoc{Serial: "LL2023-ABCDEFGHJKMN", Issuer: "广州市天河区五山街道办事处", Name: "陈美玲",
		Org: "五山夕阳红舞蹈队", Programme: "同行计划", Title: "社区社会组织负责人能力提升班", Hours: 3,
		Start: time.Date(2023, 6, 15, 1, 0, 0, 0, time.UTC), IssuedOn: "2023-06-15",
		VerifyURL: "https://linli.example/api/v1/public/certificates/LL2023-ABCDEFGHJKMN"}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := training.WritePDF(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

// Hours per person and per audience, and the exam support per district and
// year, against what the test did.
func TestHoursAndExam(t *testing.T) {
	f := newFixture(t)
	c := f.a.As(f.officer)
	var code training.CheckinCode
	c.Do("GET", "/api/v1/trainings/"+itoa(f.tr.ID)+"/checkin-code", nil).Decode(&code)
	if r := f.a.Anon().Do("POST", "/api/v1/checkin", map[string]string{"code": code.Code, "phone": "13800138001"}); r.Status != 200 {
		t.Fatalf("check-in: %d %s", r.Status, r.Body)
	}
	var hrs struct{ Items []training.AudienceHours }
	c.Do("GET", "/api/v1/training-hours?year=2023", nil).Decode(&hrs)
	if len(hrs.Items) != 1 || hrs.Items[0] != (training.AudienceHours{Audience: "cso_leaders", Sessions: 1, Attendances: 1, Hours: 3}) {
		t.Errorf("hours %+v", hrs.Items)
	}
	c.Do("GET", "/api/v1/training-hours?year=2022", nil).Decode(&hrs)
	if len(hrs.Items) != 0 {
		t.Errorf("2022 hours %+v", hrs.Items)
	}
	var people struct{ Items []training.Person }
	c.Do("GET", "/api/v1/people?year=2023", nil).Decode(&people)
	if len(people.Items) != 1 || people.Items[0].Hours != 3 || people.Items[0].Phone != "138****8001" {
		t.Errorf("people %+v", people.Items)
	}
	entry := map[string]any{"person_id": f.personID, "year": 2023, "level": "social_worker", "help": []string{"materials", "fee_subsidy"},
		"help_fen": 30000, "passed": true}
	if r := c.Do("POST", "/api/v1/exam-entries", entry); r.Status != 201 {
		t.Fatalf("exam: %d %s", r.Status, r.Body)
	}
	if r := c.Do("POST", "/api/v1/exam-entries", entry); r.Status != http.StatusConflict {
		t.Errorf("twice: %d", r.Status)
	}
	entry["year"] = 2030
	if r := c.Do("POST", "/api/v1/exam-entries", entry); r.Status != 422 {
		t.Errorf("a result in 2030: %d", r.Status)
	}
	var sup struct{ Items []training.ExamSupport }
	c.Do("GET", "/api/v1/exam-support", nil).Decode(&sup)
	want := training.ExamSupport{District: tianhe, Year: 2023, Registered: 1, Helped: 1, HelpFen: 30000, Passed: 1}
	if len(sup.Items) != 1 || sup.Items[0] != want {
		t.Errorf("exam support %+v", sup.Items)
	}
	c.Do("GET", "/api/v1/people", nil).Decode(&people)
	if people.Items[0].Qualification != "social_worker" || people.Items[0].QualYear != 2023 {
		t.Errorf("qualification after passing: %+v", people.Items[0])
	}
}
