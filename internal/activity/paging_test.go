package activity_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// The lists that read at most 500 rows read them all, a page at a time:
// more than 500 rows are written in bulk, and each list's total, its last
// page, and (where the list is ordered by id) the keyset walk through it
// are checked through the API and the pages.

// bulk runs one statement that writes n rows numbered 1…n (the column i of
// a recursive series), in a transaction.
func bulk(t *testing.T, a *apptest.App, n int, insert string, args ...any) {
	t.Helper()
	err := a.DB.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < `+strconv.Itoa(n)+`) `+insert, args...)
		return err
	})
	if err != nil {
		t.Fatalf("bulk insert: %v", err)
	}
}

type idPage struct {
	Items []struct {
		ID int64 `json:"id"`
	} `json:"items"`
	Total     int   `json:"total"`
	Page      int   `json:"page"`
	PerPage   int   `json:"per_page"`
	NextAfter int64 `json:"next_after"`
}

func getPage(t *testing.T, c *apptest.Client, path string) idPage {
	t.Helper()
	var p idPage
	c.Do("GET", path, nil).Expect(http.StatusOK).Decode(&p)
	return p
}

// checkList checks a list of want rows: its total, its last page by
// number, a page past it, a per_page above the bound, and, with keyset,
// the walk by after that sees every row once, in order.
func checkList(t *testing.T, c *apptest.Client, path string, want int, keyset bool) {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	first := getPage(t, c, path+sep+"per_page=200")
	if first.Total != want || len(first.Items) != 200 || first.Page != 1 || first.PerPage != 200 {
		t.Fatalf("%s: total %d, %d items, page %d of %d; want total %d, 200 items", path, first.Total, len(first.Items), first.Page, first.PerPage, want)
	}
	lastN := (want + 199) / 200
	last := getPage(t, c, path+sep+"per_page=200&page="+strconv.Itoa(lastN))
	if last.Total != want || len(last.Items) != want-(lastN-1)*200 || last.NextAfter != 0 {
		t.Errorf("%s: the last page (%d) has %d items of %d, next_after %d; want %d", path, lastN, len(last.Items), last.Total, last.NextAfter, want-(lastN-1)*200)
	}
	if past := getPage(t, c, path+sep+"per_page=200&page="+strconv.Itoa(lastN+1)); len(past.Items) != 0 || past.Total != want {
		t.Errorf("%s: a page past the last has %d items, total %d", path, len(past.Items), past.Total)
	}
	if deep := getPage(t, c, path+sep+"page=99999999999999"); len(deep.Items) != 0 || deep.Total != want {
		t.Errorf("%s: a page far past the last has %d items, total %d", path, len(deep.Items), deep.Total)
	}
	if big := getPage(t, c, path+sep+"per_page=100000"); len(big.Items) != activity.MaxPerPage || big.PerPage != activity.MaxPerPage {
		t.Errorf("%s: per_page=100000 gave %d items (per_page %d), want the bound %d", path, len(big.Items), big.PerPage, activity.MaxPerPage)
	}
	if !keyset {
		return
	}
	seen := map[int64]bool{}
	var prev int64
	after := int64(0)
	for pages := 0; ; pages++ {
		p := first
		if after != 0 {
			p = getPage(t, c, path+sep+"per_page=200&after="+strconv.FormatInt(after, 10))
		}
		for _, it := range p.Items {
			if seen[it.ID] || it.ID <= prev {
				t.Fatalf("%s: id %d twice or out of order", path, it.ID)
			}
			seen[it.ID], prev = true, it.ID
		}
		if p.NextAfter == 0 {
			break
		}
		if pages > want/200+1 {
			t.Fatalf("%s: the keyset walk does not end", path)
		}
		after = p.NextAfter
	}
	if len(seen) != want {
		t.Errorf("%s: the keyset walk saw %d rows, want %d", path, len(seen), want)
	}
}

func TestListsPastTheOldCap(t *testing.T) {
	f := newFixture(t)
	a, st := f.a, f.street[wushan]
	now := time.Now().UTC()
	ctx := context.Background()

	// 1,234 beneficiaries in 五山, 3 in 海珠 (another district: not listed)
	bulk(t, a, 1234, `INSERT INTO beneficiaries (name, community_code, district_code, created_at) SELECT '受益人' || i, $1, $2, $3 FROM s`,
		wushanComm, tianhe, now)
	bulk(t, a, 3, `INSERT INTO beneficiaries (name, community_code, district_code, created_at) SELECT '海珠' || i, $1, '440105', $2 FROM s`,
		haizhuComm, now)
	checkList(t, a.As(st), "/api/v1/beneficiaries", 1234, true)
	checkList(t, a.As(f.district), "/api/v1/beneficiaries", 1234, true)
	page := a.As(st).Do("GET", "/beneficiaries?page=7&per_page=200", nil).String()
	if !strings.Contains(page, "受益人1234<") || strings.Contains(page, "受益人1200<") || !strings.Contains(page, `rel="prev"`) || strings.Contains(page, `rel="next"`) {
		t.Errorf("the beneficiaries page 7 does not show the last 34 with a link back only")
	}

	// 777 volunteers in 五山, 300 of them in an organization's team
	o := f.org("五山志愿服务队", wushanComm, registry.TierStreet)
	bulk(t, a, 777, `INSERT INTO volunteers (name, community_code, district_code, created_at) SELECT '志愿者' || i, $1, $2, $3 FROM s`,
		wushanComm, tianhe, now)
	bulk(t, a, 300, `INSERT INTO volunteer_orgs (volunteer_id, org_id) SELECT v.id, $1 FROM s JOIN volunteers v ON v.name = '志愿者' || s.i`, o.ID)
	checkList(t, a.As(st), "/api/v1/volunteers", 777, true)
	leader := a.CreateUser("team-leader", auth.OrgLeader, wushanComm, o.ID)
	checkList(t, a.As(leader), "/api/v1/volunteers", 300, true)
	var vs struct{ Items []activity.Volunteer }
	a.As(leader).Do("GET", "/api/v1/volunteers?per_page=1", nil).Decode(&vs)
	if len(vs.Items) != 1 || len(vs.Items[0].OrgIDs) != 1 || vs.Items[0].OrgIDs[0] != o.ID {
		t.Errorf("a volunteer's organizations: %+v", vs.Items)
	}

	// 601 major activities reported and pending at 五山's street
	var ins []activity.Input
	for i := range 601 {
		ins = append(ins, input(o, "节庆"+strconv.Itoa(i), "culture", "festival", "2023-08-01", 9, 17, 300, 0))
	}
	if err := a.DB.Tx(ctx, func(tx *sql.Tx) error {
		return activity.InsertBulk(ctx, a.DB.Dialect, tx, ins, make([]int, len(ins)), now)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Write.Exec(`INSERT INTO major_reports (activity_id, status, ack_level, community_code, street_code, due_on, submitted_at)
		SELECT id, 'pending', 'street', community_code, street_code, report_due_on, $1 FROM activities WHERE major = 1`, now); err != nil {
		t.Fatal(err)
	}
	checkList(t, a.As(st), "/api/v1/major-reports?status=pending", 601, false)
	var inbox activity.ReportList
	a.As(st).Do("GET", "/api/v1/major-reports?status=pending&per_page=10&page=61", nil).Decode(&inbox)
	if inbox.Total != 601 || len(inbox.Items) != 1 || inbox.AwaitMine != 601 {
		t.Errorf("the inbox's last page: total %d, %d items, awaiting %d", inbox.Total, len(inbox.Items), inbox.AwaitMine)
	}
	a.As(f.district).Do("GET", "/api/v1/major-reports?status=pending", nil).Decode(&inbox)
	if inbox.Total != 601 || inbox.AwaitMine != 0 {
		t.Errorf("the district's inbox: total %d, awaiting its decision %d (the street decides)", inbox.Total, inbox.AwaitMine)
	}
	if home := a.As(st).Do("GET", "/", nil).String(); !strings.Contains(home, "<b>601</b>") {
		t.Errorf("the street's home does not count the 601 reports awaiting it")
	}
	inboxPage := a.As(st).Do("GET", "/major-reports?status=pending&per_page=200&page=4", nil).String()
	if !strings.Contains(inboxPage, `rel="prev"`) || strings.Count(inboxPage, `action="/major-reports/`) != 1 {
		t.Errorf("the inbox page 4 shows %d reports to decide, want 1", strings.Count(inboxPage, `action="/major-reports/`))
	}

	// 230 consultations (more than the old 200), their meetings read per page
	if _, err := a.DB.Write.Exec(`INSERT INTO consultations (activity_id, topic, topic_kind, community_code, raised_by, created_at)
		SELECT id, '议题' || id, 'parking', community_code, 'residents', $1 FROM activities WHERE major = 1 AND id IN
		(SELECT id FROM activities WHERE major = 1 ORDER BY id LIMIT 230)`, now); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Write.Exec(`INSERT INTO consultation_meetings (consultation_id, held_on, residents, committee, organizations, property_mgmt,
		minutes, decisions) SELECT MIN(id), '2023-08-01', 30, 3, 1, 1, '纪要', '决定' FROM consultations`); err != nil {
		t.Fatal(err)
	}
	checkList(t, a.As(st), "/api/v1/consultations", 230, false)
	var cs struct{ Items []activity.Consultation }
	a.As(st).Do("GET", "/api/v1/consultations?per_page=200&page=2", nil).Decode(&cs)
	if len(cs.Items) != 30 || len(cs.Items[29].Meetings) != 1 || cs.Items[29].Meetings[0].Residents != 30 {
		t.Errorf("the consultations' last page: %d items, the oldest with its meeting", len(cs.Items))
	}
	if page := a.As(st).Do("GET", "/consultations?page=5", nil).String(); strings.Count(page, `id="consultation-`) != 30 || !strings.Contains(page, `rel="prev"`) {
		t.Errorf("the consultations page 5 shows %d, want 30", strings.Count(page, `id="consultation-`))
	}

	// 520 streets' associations (bulk: the registry's import writes the
	// organizations, one statement the associations)
	city := a.CreateUser("city-admin", auth.CityAdmin, "4401", 0)
	a.Import(city, 520, func(i int) registry.Input {
		return apptest.ActiveInput(fmt.Sprintf("街道社工志愿协会%d", i), wushanComm)
	})
	if _, err := a.DB.Write.Exec(`INSERT INTO volunteer_associations (street_code, org_id, created_at)
		SELECT '4401' || (10000 + id), id, $1 FROM orgs WHERE name LIKE '街道社工志愿协会%'`, now); err != nil {
		t.Fatal(err)
	}
	for _, p := range []int{1, 11} {
		page := a.As(city).Do("GET", "/associations?page="+strconv.Itoa(p), nil)
		if n := strings.Count(page.String(), `<a href="/associations/4401`); page.Status != 200 || n != map[int]int{1: 50, 11: 20}[p] {
			t.Errorf("associations page %d: %d, %d streets", p, page.Status, n)
		}
	}
	if l, err := a.Activity.Associations(ctx, city, activity.Paging{Page: 3, PerPage: 200}); err != nil || l.Total != 520 || len(l.Items) != 120 {
		t.Errorf("associations' last page: %v", err)
	}
}
