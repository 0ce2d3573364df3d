package app_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
)

// The census in the scope walk. The foreign objects: a census round 天河区's
// district officer opened, with a submission from 五山 (which filed the
// organization 五山普查互助队), and an import job of the 五山 officer whose
// file was rejected (so its marked file is kept). The 海珠 officer sees
// none of it; the 员村 street officer, inside 天河, sees the district's
// round and may submit into it, but nothing naming 五山 gets in, and
// neither closes it. Jobs are the user's own: another's is not found.
//
// Closing and the API submission answer the 员村 officer 403 and 422 about
// a round they can read, and 404 about one that does not exist; those cases
// name the round by ~round~ (no brace, so the walk's own comparison with a
// missing object is skipped) and make that comparison themselves.

const (
	censusRoundTitle = "天河区2023年社区社会组织摸底"
	censusOrgName    = "五山普查互助队"
	censusHeader     = "组织名称,管理层级,组织类型,所属社区（村）代码,负责人,负责人电话\n"
)

var censusJobPath = regexp.MustCompile(`^/census/jobs/([0-9a-f]+)$`)

func init() {
	scopeSetups = append(scopeSetups, func(t *testing.T, w *world) {
		a := w.a
		must := func(what string, r *apptest.Response, status int, v any) {
			t.Helper()
			if r.Status != status {
				t.Fatalf("census setup %s: %d %s", what, r.Status, r.Body)
			}
			if v != nil {
				r.Decode(v)
			}
		}
		district := a.As(a.CreateUser("tianhe-census", auth.DistrictOfficer, tianhe, 0))
		var round struct{ ID int64 }
		must("open round", district.Do("POST", "/api/v1/census/rounds", map[string]string{"title": censusRoundTitle,
			"deadline": "2023-07-31"}), 201, &round)
		owner := a.As(w.owner)
		id := fmt.Sprint(round.ID)
		var rep struct{ Created int }
		must("submission", owner.Do("POST", "/api/v1/census/rounds/"+id+"/submissions", apptest.Upload{Field: "file",
			Filename: "五山街道.csv", Data: []byte(censusHeader + censusOrgName + ",社区管理,居民互助性," + wushanComm + ",王五,13700137000\n")}), 200, &rep)
		if rep.Created != 1 {
			t.Fatalf("census setup: submission created %d", rep.Created)
		}
		// a rejected file (a short phone): the job keeps it to hand back marked
		r := owner.Do("POST", "/census/import", apptest.Upload{Field: "file", Filename: "五山摸底.csv",
			Data: []byte(censusHeader + "五山错号队,社区管理,居民互助性," + wushanComm + ",王五,1370013\n")})
		m := censusJobPath.FindStringSubmatch(r.Header.Get("Location"))
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("census setup: import: %d %q", r.Status, r.Header.Get("Location"))
		}
		if page := waitJob(t, owner, r.Header.Get("Location")); !strings.Contains(page, `id="job-rejected"`) {
			t.Fatalf("census setup: the job was not rejected: %s", page)
		}
		must("marked file", owner.Do("GET", r.Header.Get("Location")+"/errors.xlsx", nil), 200, nil)
		w.IDs["{round}"], w.IDs["~round~"], w.IDs["{job}"] = id, id, m[1]
		w.Missing["{job}"] = "0123456789abcdef01234567"
	})
	scopeSnapshots = append(scopeSnapshots, func(t *testing.T, w *world) string {
		return snapshotOf(t, w, "census",
			`SELECT COUNT(*) || '/' || COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) || '/' ||
				COALESCE(SUM(CASE WHEN closed_at IS NULL THEN 0 ELSE 1 END), 0) || '/' || COALESCE(MAX(title), '') || '/' ||
				COALESCE(MAX(deadline), '') FROM census_rounds WHERE district_code LIKE '`+tianhe+`%'`,
			`SELECT COUNT(*) FROM census_submissions`,
			`SELECT COUNT(*) || '/' || COALESCE(SUM(version), 0) || '/' || COALESCE(MAX(name), '') FROM orgs WHERE community_code LIKE '`+tianhe+`%'`,
			`SELECT COUNT(*) FROM org_history`,
			`SELECT COUNT(*) FROM orgs WHERE name LIKE '入侵%'`,
		)
	})

	nf, ok, fb, see, bad := http.StatusNotFound, http.StatusOK, http.StatusForbidden, http.StatusSeeOther, http.StatusUnprocessableEntity
	// a file naming 五山: a new organization there, and the 五山 organizations
	// renamed or with a new leader
	intruderCSV := censusHeader +
		"入侵者互助队,社区管理,居民互助性," + wushanComm + ",赵六,13600136000\n" +
		"五山夕阳红舞蹈队,社区管理,文体娱乐性," + wushanComm + ",入侵者,13600136001\n" +
		censusOrgName + ",社区管理,居民互助性," + wushanComm + ",入侵者,13600136002\n"
	intruderFile := apptest.Upload{Field: "file", Filename: "入侵.csv", Data: []byte(intruderCSV)}
	scopeTable = append(scopeTable,
		// pages
		scopeCase{pattern: "GET /census", path: "/census", want: ok, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
			seesRound(t, who, r.String())
		}},
		scopeCase{pattern: "POST /census/rounds", path: "/census/rounds", body: form("title", "入侵者的摸底", "deadline", "2023-07-31",
			"district_code", tianhe), want: see, wantStreet: fb, check: openedOwn},
		scopeCase{pattern: "GET /census/rounds/{id}", path: "/census/rounds/{round}", want: nf, wantStreet: ok,
			check: func(t *testing.T, w *world, who string, r *apptest.Response) {
				if r.Status == ok && strings.Contains(r.String(), `id="round-close"`) {
					t.Errorf("%s is offered to close the district's round", who)
				}
			}},
		scopeCase{pattern: "POST /census/rounds/{id}/submit", path: "/census/rounds/{round}/submit", body: intruderFile,
			want: nf, wantStreet: see, check: jobRejected},
		scopeCase{pattern: "POST /census/rounds/{id}/close", path: "/census/rounds/~round~/close", body: form(),
			want: nf, wantStreet: fb, check: asMissing("POST", "/census/rounds/~round~/close", form())},
		scopeCase{pattern: "GET /census/import", path: "/census/import", want: ok, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
			if !strings.Contains(r.String(), `id="import-form"`) {
				t.Errorf("%s, an officer, is not offered the import", who)
			}
		}},
		scopeCase{pattern: "POST /census/import", path: "/census/import", body: intruderFile, want: see, check: jobRejected},
		scopeCase{pattern: "GET /census/jobs/{job}", path: "/census/jobs/{job}", want: nf},
		scopeCase{pattern: "GET /census/jobs/{job}/errors.xlsx", path: "/census/jobs/{job}/errors.xlsx", want: nf},

		// the spreadsheets
		scopeCase{pattern: "GET /api/v1/orgs/import/template.xlsx", path: "/api/v1/orgs/import/template.xlsx", want: ok,
			check: func(t *testing.T, w *world, who string, r *apptest.Response) {
				x, err := excelize.OpenReader(bytes.NewReader(r.Body))
				if err != nil {
					t.Fatalf("template: %v", err)
				}
				defer x.Close()
				rows, err := x.GetRows("社区列表")
				if err != nil || len(rows) < 2 {
					t.Fatalf("%s: community sheet: %d rows, %v", who, len(rows), err)
				}
				for _, row := range rows[1:] {
					if len(row) == 0 || !strings.HasPrefix(row[0], w.intruders[who].ScopeCode) {
						t.Errorf("%s's template lists community %v", who, row)
					}
				}
				if who == "yuancun-street" && !inColumn(rows, yuancunComm) {
					t.Errorf("%s's template lacks their own community %s", who, yuancunComm)
				}
			}},
		scopeCase{pattern: "POST /api/v1/orgs/import", path: "/api/v1/orgs/import", body: intruderFile, want: bad, check: importRefused(3)},
		scopeCase{pattern: "POST /api/v1/orgs/import", path: "/api/v1/orgs/import?dry_run=1", body: intruderFile, want: bad, check: importRefused(3)},
		scopeCase{pattern: "GET /api/v1/orgs/export.csv", path: "/api/v1/orgs/export.csv", want: ok, check: exportedOwn(1)},
		scopeCase{pattern: "GET /api/v1/orgs/export.csv", path: "/api/v1/orgs/export.csv?within=" + wushan, want: ok, check: exportedOwn(0)},
		scopeCase{pattern: "GET /api/v1/orgs/export.csv", path: "/api/v1/orgs/export.csv?q=" + "%E4%BA%94%E5%B1%B1", want: ok, check: exportedOwn(0)},
		scopeCase{pattern: "GET /api/v1/orgs/export.xlsx", path: "/api/v1/orgs/export.xlsx", want: ok, check: exportedOwn(1)},
		scopeCase{pattern: "GET /api/v1/orgs/export.xlsx", path: "/api/v1/orgs/export.xlsx?within=" + wushan, want: ok, check: exportedOwn(0)},

		// rounds over the API
		scopeCase{pattern: "GET /api/v1/census/rounds", path: "/api/v1/census/rounds", want: ok,
			check: func(t *testing.T, w *world, who string, r *apptest.Response) {
				var p struct {
					Items []struct {
						ID           int64
						DistrictCode string `json:"district_code"`
						Title        string
					}
				}
				r.Decode(&p)
				var tianheRounds int
				for _, rd := range p.Items {
					if strings.HasPrefix(rd.DistrictCode, tianhe) {
						tianheRounds++
					}
					if !strings.HasPrefix(w.intruders[who].ScopeCode, rd.DistrictCode) {
						t.Errorf("%s lists round %d %s of %s", who, rd.ID, rd.Title, rd.DistrictCode)
					}
				}
				if who == "yuancun-street" && tianheRounds != 1 {
					t.Errorf("%s, a 天河 street, lists %d 天河 rounds, want 1", who, tianheRounds)
				}
			}},
		scopeCase{pattern: "POST /api/v1/census/rounds", path: "/api/v1/census/rounds", body: map[string]string{"title": "入侵者的摸底",
			"deadline": "2023-07-31"}, want: http.StatusCreated, wantStreet: fb, check: openedOwn},
		scopeCase{pattern: "POST /api/v1/census/rounds", path: "/api/v1/census/rounds", body: map[string]string{"title": "入侵者的摸底",
			"deadline": "2023-07-31", "district_code": tianhe}, want: bad, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
			if e := r.Error(); e.Fields["district_code"] == "" {
				t.Errorf("%s: no district_code message: %+v", who, e)
			}
		}},
		scopeCase{pattern: "GET /api/v1/census/rounds/{id}", path: "/api/v1/census/rounds/{round}", want: nf, wantStreet: ok,
			check: func(t *testing.T, w *world, who string, r *apptest.Response) {
				if r.Status != ok {
					return
				}
				var v struct {
					Round struct {
						Title  string
						Status string
					}
				}
				r.Decode(&v)
				if v.Round.Title != censusRoundTitle || v.Round.Status != "open" {
					t.Errorf("%s reads the district's round as %+v", who, v.Round)
				}
			}},
		scopeCase{pattern: "POST /api/v1/census/rounds/{id}/close", path: "/api/v1/census/rounds/~round~/close",
			want: nf, wantStreet: fb, check: asMissing("POST", "/api/v1/census/rounds/~round~/close", nil)},
		scopeCase{pattern: "POST /api/v1/census/rounds/{id}/submissions", path: "/api/v1/census/rounds/~round~/submissions",
			body: intruderFile, want: nf, wantStreet: bad, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
				if r.Status == bad {
					importRefused(3)(t, w, who, r)
				}
				asMissing("POST", "/api/v1/census/rounds/~round~/submissions", intruderFile)(t, w, who, r)
			}},
		scopeCase{pattern: "POST /api/v1/census/rounds/{id}/submissions", path: "/api/v1/census/rounds/~round~/submissions?dry_run=1",
			body: intruderFile, want: nf, wantStreet: bad, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
				if r.Status == bad {
					importRefused(3)(t, w, who, r)
				}
			}},
	)
}

// seesRound checks the rounds page: the district's round for a 天河 street,
// nothing of 天河 for 海珠.
func seesRound(t *testing.T, who, page string) {
	t.Helper()
	if sees := strings.Contains(page, censusRoundTitle); sees != (who == "yuancun-street") {
		t.Errorf("%s sees the 天河 round: %v", who, sees)
	}
}

// openedOwn checks that a district officer's new round is their own
// district's, whatever the form said.
func openedOwn(t *testing.T, w *world, who string, r *apptest.Response) {
	if r.Status >= 300 && r.Status != http.StatusSeeOther {
		return
	}
	var district string
	if err := w.a.DB.Read.QueryRow(`SELECT district_code FROM census_rounds WHERE title = '入侵者的摸底' ORDER BY id DESC`).Scan(&district); err != nil {
		t.Fatalf("%s's round: %v", who, err)
	}
	if district != w.intruders[who].ScopeCode {
		t.Errorf("%s opened a round for %s", who, district)
	}
}

// asMissing makes the walk's comparison for a case whose path names the
// round by ~round~: the 海珠 officer gets the same answer as about a round
// that does not exist; the 员村 officer, who reads the round, gets 404 about
// a missing one.
func asMissing(method, path string, body any) func(t *testing.T, w *world, who string, r *apptest.Response) {
	return func(t *testing.T, w *world, who string, r *apptest.Response) {
		t.Helper()
		cl := w.a.With(t).As(w.intruders[who])
		m := cl.Do(method, strings.ReplaceAll(path, "~round~", missingID), body)
		want := r.Status
		if who == "yuancun-street" {
			want = http.StatusNotFound
		}
		if m.Status != want {
			t.Errorf("%s: a missing round answers %d, want %d", who, m.Status, want)
		}
		if r.Status == http.StatusNotFound {
			checkNotFound(t, path, r)
		}
	}
}

// waitJob reads a job's page until the import has ended.
func waitJob(t *testing.T, cl *apptest.Client, loc string) string {
	t.Helper()
	for i := 0; i < 200; i++ {
		r := cl.Do("GET", loc, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("job page %s: %d", loc, r.Status)
		}
		if !strings.Contains(r.String(), `id="job-progress"`) {
			return r.String()
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("job %s did not end", loc)
	return ""
}

// jobRejected follows an intruder's upload to its job and checks that the
// file was rejected, row by row, as outside their scope.
func jobRejected(t *testing.T, w *world, who string, r *apptest.Response) {
	if r.Status != http.StatusSeeOther {
		return
	}
	loc := r.Header.Get("Location")
	if !censusJobPath.MatchString(loc) {
		t.Fatalf("%s: upload goes to %q", who, loc)
	}
	page := waitJob(t, w.a.With(t).As(w.intruders[who]), loc)
	if !strings.Contains(page, `id="job-rejected"`) || !strings.Contains(page, "不在您的管辖范围内") {
		t.Errorf("%s's import of 五山 rows was not rejected as outside their scope: %.2000s", who, page)
	}
}

// importRefused checks an import report: nothing committed, every row of
// the file an error.
func importRefused(rows int) func(t *testing.T, w *world, who string, r *apptest.Response) {
	return func(t *testing.T, w *world, who string, r *apptest.Response) {
		var rep struct {
			Created, Updated, Unchanged int
			Committed                   bool
			Errors                      []struct {
				Row     int
				Column  string
				Message string
			}
		}
		r.Decode(&rep)
		if rep.Committed || rep.Created+rep.Updated+rep.Unchanged != 0 {
			t.Errorf("%s: import of 五山 rows: %+v", who, rep)
		}
		bad := map[int]bool{}
		for _, e := range rep.Errors {
			bad[e.Row] = true
		}
		for row := 2; row < 2+rows; row++ {
			if !bad[row] {
				t.Errorf("%s: row %d naming 五山 is not refused: %s", who, row, r.Body)
			}
		}
	}
}

// exportedOwn checks an export (CSV or xlsx) lists exactly n organizations,
// all in the intruder's scope, and none of 五山.
func exportedOwn(n int) func(t *testing.T, w *world, who string, r *apptest.Response) {
	return func(t *testing.T, w *world, who string, r *apptest.Response) {
		var rows [][]string
		if strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			var err error
			rows, err = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\uFEFF")))).ReadAll()
			if err != nil {
				t.Fatalf("export csv: %v", err)
			}
		} else {
			x, err := excelize.OpenReader(bytes.NewReader(r.Body))
			if err != nil {
				t.Fatalf("export xlsx: %v", err)
			}
			defer x.Close()
			if rows, err = x.GetRows("组织信息"); err != nil {
				t.Fatalf("export xlsx: %v", err)
			}
		}
		if len(rows) == 0 {
			t.Fatalf("%s: export without a header", who)
		}
		col := -1
		for i, h := range rows[0] {
			if h == "所属社区（村）代码" {
				col = i
			}
		}
		if col < 0 {
			t.Fatalf("export header %v lacks the community code", rows[0])
		}
		if len(rows)-1 != n {
			t.Errorf("%s: export has %d organizations, want %d", who, len(rows)-1, n)
		}
		for _, row := range rows[1:] {
			if len(row) <= col || !strings.HasPrefix(row[col], w.intruders[who].ScopeCode) {
				t.Errorf("%s exports %v", who, row)
			}
			if n == 1 && row[0] != w.ownOrgs[who].Name {
				t.Errorf("%s exports %s, want only %s", who, row[0], w.ownOrgs[who].Name)
			}
		}
		for _, x := range []string{w.org.Name, censusOrgName, wushanComm} {
			if strings.Contains(fmt.Sprint(rows), x) {
				t.Errorf("%s's export holds %s", who, x)
			}
		}
	}
}

func inColumn(rows [][]string, v string) bool {
	for _, r := range rows {
		if len(r) > 0 && r[0] == v {
			return true
		}
	}
	return false
}

// TestScopeCensusImportMatchesForeignOrg: a row that repeats a foreign
// organization exactly (its name and community, and every other column the
// file has equal to the stored values) must be refused like a row naming a
// community outside the importer's scope, not come back "unchanged" (which
// would reveal the organization and its leader's name and phone, and let a
// round submission count it as the intruding street's own).
func TestScopeCensusImportMatchesForeignOrg(t *testing.T) {
	w := newWorld(t)
	exact := "五山夕阳红舞蹈队,社区管理,文体娱乐性," + wushanComm + ",陈大文,13800138000\n"
	for _, who := range []string{"haizhu-district", "yuancun-street"} {
		cl := w.a.As(w.intruders[who])
		for _, path := range []string{"/api/v1/orgs/import?dry_run=1", "/api/v1/orgs/import"} {
			r := cl.Do("POST", path, apptest.Upload{Field: "file", Filename: "p.csv", Data: []byte(censusHeader + exact)})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), "不在您的管辖范围内") {
				t.Errorf("%s POST %s with a 五山 organization's exact row: %d %s", who, path, r.Status, r.Body)
			}
		}
	}
	before := w.a.Count("census_submissions")
	r := w.a.As(w.intruders["yuancun-street"]).Do("POST", "/api/v1/census/rounds/"+w.IDs["{round}"]+"/submissions",
		apptest.Upload{Field: "file", Filename: "p.csv", Data: []byte(censusHeader + exact)})
	if r.Status != http.StatusUnprocessableEntity || w.a.Count("census_submissions") != before {
		t.Errorf("员村 submits a 五山 organization into the 天河 round: %d %s", r.Status, r.Body)
	}
}
