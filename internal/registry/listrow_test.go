package registry_test

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// TestPackedRowsMatchColumns reads list pages from the records (the list
// cache off), which on SQLite come as one packed value a row and on
// PostgreSQL are read from their raw binary values (listrow.go), and compares each with an independent answer: every organization read
// alone by its columns (Get, as the same viewer: its visibility and
// masking), filtered, sorted and paged here in Go, and its total counted
// here. Some rows hold text that JSON escapes (quotes, backslashes,
// control characters, U+2028, an emoji, bytes that are not UTF-8), a NULL
// credit code and creator, a demonstration year, each flag.
func TestPackedRowsMatchColumns(t *testing.T) {
	f := setup(t)
	cold := f.replica()
	cold.NoListCache(true)

	var ids []int64
	for i, c := range []struct {
		community, tier string
	}{{yulei, registry.TierCommunity}, {yulei, registry.TierStreet}, {zhijie, registry.TierCommunity},
		{liede, registry.TierRegistered}, {liede, registry.TierCommunity}, {haizhuComm, registry.TierCommunity},
		{zhijie, registry.TierStreet}, {yulei, registry.TierRegistered}} {
		in := input(fmt.Sprintf("打包行测试%d", i), c.community)
		in.Tier, in.Status = c.tier, registry.StatusActive
		in.Members = 10 + i*7%5
		in.Types = []string{registry.Types[i%len(registry.Types)], registry.Types[(i+2)%len(registry.Types)]}
		in.TargetGroups = registry.TargetGroups[i%3 : i%3+i%4]
		in.Hub, in.VolunteerMark = i%2 == 0, i%3 == 0
		if c.tier == registry.TierRegistered {
			f.seq++
			in.CreditCode = creditCode(fmt.Sprintf("51440106MJ%07d", f.seq))
		}
		ids = append(ids, f.create(t, f.admin, in).ID)
	}
	pending := f.create(t, f.tianhe, input("待审核的队", yulei))
	ids = append(ids, pending.ID)
	// text the JSON of a packed row escapes, written past the forms' rules
	odd := []struct {
		col, v string
	}{
		{"name", "引号\"与反斜杠\\和/斜杠"},
		{"address", "控制\x01\x1f字符\t制表\n换行\r回车\b\f"},
		{"leader_name", "&<>\u2028\u2029😀"},
		{"return_reason", "\\u0041 不是转义"},
		{"founded_on", ""},
	}
	if f.db.Engine == db.SQLite { // PostgreSQL refuses text that is not UTF-8
		odd = append(odd, struct{ col, v string }{"party_instructor", "非UTF-8\xff\xfe字节"})
	}
	for i, o := range odd {
		if _, err := f.db.Write.ExecContext(f.ctx, `UPDATE orgs SET `+o.col+` = $1 WHERE id = $2`, o.v, ids[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i, q := range []string{
		`UPDATE orgs SET demonstration_year = 2021, brand = 1 WHERE id = $1`,
		`UPDATE orgs SET created_by = NULL, credit_code = NULL WHERE id = $1`,
		`UPDATE orgs SET members = 2147483647 WHERE id = $1`,
	} {
		if _, err := f.db.Write.ExecContext(f.ctx, q, ids[len(odd)+i]); err != nil {
			t.Fatal(err)
		}
	}
	// times with microseconds, one before 2000 (PostgreSQL counts from it)
	for i, at := range []time.Time{time.Date(2021, 6, 30, 23, 59, 59, 123456000, time.FixedZone("CST", 8*3600)),
		time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC)} {
		if _, err := f.db.Write.ExecContext(f.ctx, `UPDATE orgs SET created_at = $1, updated_at = $2 WHERE id = $3`,
			at, at.Add(1500*time.Microsecond), ids[i]); err != nil {
			t.Fatal(err)
		}
	}

	type sortBy struct {
		key  string
		less func(a, b *registry.Org) int
	}
	byID := func(a, b *registry.Org) int { return int(b.ID - a.ID) }
	sorts := []sortBy{
		{"", byID},
		{"oldest", func(a, b *registry.Org) int { return int(a.ID - b.ID) }},
		{"members", func(a, b *registry.Org) int {
			if a.Members != b.Members {
				return b.Members - a.Members
			}
			return byID(a, b)
		}},
		{"code", func(a, b *registry.Org) int {
			if c := strings.Compare(a.CommunityCode, b.CommunityCode); c != 0 {
				return c
			}
			return int(a.ID - b.ID)
		}},
	}
	filters := []registry.Filter{{}, {Within: "440106"}, {Within: "440106008"}, {Within: yulei},
		{Status: registry.StatusActive}, {Tier: registry.TierCommunity}, {Hub: true}, {Type: registry.Types[0]},
		{Within: "440106", Status: registry.StatusPending}, {Brand: true}, {Demonstration: true}, {VolunteerMark: true},
		{TargetGroup: registry.TargetGroups[1]}, {Within: "440105"}}
	viewers := map[string]*auth.User{"city admin": f.admin, "district officer": f.tianhe, "street officer": f.street,
		"auditor (masked)": f.auditor, "hub staff (masked)": f.hub, "committee": f.committee}

	var all []int64
	rows, err := f.db.Read.QueryContext(f.ctx, `SELECT id FROM orgs`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		all = append(all, id)
	}
	rows.Close()

	checked := 0
	for name, u := range viewers {
		// what the viewer may see, each read alone by its columns
		var seen []*registry.Org
		for _, id := range all {
			o, err := f.reg.Get(f.ctx, u, id)
			if errs.Is(err, errs.NotFound) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, o)
		}
		for _, fl := range filters {
			var want []*registry.Org
			for _, o := range seen {
				if keeps(fl, o) {
					want = append(want, o)
				}
			}
			for _, sb := range sorts {
				slices.SortStableFunc(want, sb.less)
				for page := 1; page <= 3; page++ {
					fl := fl
					fl.Sort, fl.Page, fl.PerPage = sb.key, page, 3
					got, err := cold.List(f.ctx, u, fl)
					if err != nil {
						t.Fatalf("%s %+v: %v", name, fl, err)
					}
					lo, hi := min(len(want), (page-1)*3), min(len(want), page*3)
					wp := &registry.Page{Items: append([]*registry.Org{}, want[lo:hi]...), Total: len(want), Page: page, PerPage: 3}
					if g, w := got.AppendJSON(nil), wp.AppendJSON(nil); !bytes.Equal(g, w) {
						t.Errorf("%s %+v: the page read from the records differs from the organizations read alone\n got %s\nwant %s", name, fl, g, w)
						continue
					}
					for i := range got.Items {
						if !reflect.DeepEqual(got.Items[i], wp.Items[i]) {
							t.Errorf("%s %+v: item %d\n got %+v\nwant %+v", name, fl, i, got.Items[i], wp.Items[i])
						}
					}
					checked += len(got.Items)
				}
			}
		}
	}
	if checked < 500 {
		t.Fatalf("only %d rows compared", checked)
	}
	if n := registry.ListRowsScannedForTest(); n != 0 {
		t.Errorf("%d rows read through pgx's Scan, not by their raw values", n)
	}
}

// keeps is the list's filter, applied to an organization here.
func keeps(fl registry.Filter, o *registry.Org) bool {
	return (fl.Within == "" || strings.HasPrefix(o.CommunityCode, fl.Within)) &&
		(fl.Status == "" || o.Status == fl.Status) && (fl.Tier == "" || o.Tier == fl.Tier) &&
		(fl.Type == "" || slices.Contains(o.Types, fl.Type)) &&
		(fl.TargetGroup == "" || slices.Contains(o.TargetGroups, fl.TargetGroup)) &&
		(!fl.Hub || o.Hub) && (!fl.Brand || o.Brand) && (!fl.Demonstration || o.Demonstration) &&
		(!fl.VolunteerMark || o.VolunteerMark)
}
