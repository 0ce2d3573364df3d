package census_test

import (
	"testing"
	"time"

	"linli/internal/census"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

func TestCensusRound(t *testing.T) {
	f := setup(t)
	if _, err := f.census.OpenRound(f.ctx, f.street, census.RoundInput{Title: "x", Deadline: "2023-03-31"}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("street opens a round: %v", err)
	}
	if _, err := f.census.OpenRound(f.ctx, f.tianhe, census.RoundInput{Title: "", Deadline: "2023-02-01"}); !errs.Is(err, errs.Invalid) {
		t.Fatalf("bad round: %v", err)
	}
	r, err := f.census.OpenRound(f.ctx, f.tianhe, census.RoundInput{Title: "2023年天河区全面摸底", Deadline: "2023-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	if r.DistrictCode != "440106" || r.Status != census.RoundOpen || r.DistrictName != "天河区" {
		t.Fatalf("round %+v", r)
	}

	s := messy()
	for row := 7; row <= 10; row++ {
		delete(s.rows, row)
	}
	path := s.xlsx(t)
	bad := messy().xlsx(t)
	if rep, err := f.census.Submit(f.ctx, f.street, r.ID, bad, "bad.xlsx", census.Options{}); err != nil || len(rep.Errors) == 0 {
		t.Fatalf("bad file: %v %v", rep, err)
	}
	f.now = time.Date(2023, 4, 2, 8, 0, 0, 0, time.UTC) // after the deadline
	rep, err := f.census.Submit(f.ctx, f.street, r.ID, path, "天河南街道.xlsx", census.Options{})
	if err != nil || len(rep.Errors) != 0 || rep.Created != 3 {
		t.Fatalf("submit: %+v %v", rep, err)
	}
	if _, err := f.census.Submit(f.ctx, f.tianhe, r.ID, path, "x.xlsx", census.Options{}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("district submits: %v", err)
	}

	rs, err := f.census.Rounds(f.ctx, f.admin)
	if err != nil || len(rs) != 1 || rs[0].Submitted != 1 {
		t.Fatalf("city sees %+v %v", rs, err)
	}
	if rs, _ := f.census.Rounds(f.ctx, f.street2); len(rs) != 1 {
		t.Fatalf("another street of the district sees %d rounds", len(rs))
	}

	v, err := f.census.RoundView(f.ctx, f.tianhe, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Submissions) != 1 || len(v.Streets) < 10 {
		t.Fatalf("view: %d submissions, %d streets", len(v.Submissions), len(v.Streets))
	}
	var submitted int
	for _, st := range v.Streets {
		if st.Latest != nil {
			submitted++
			if st.Code != "440106008" || !st.Latest.Late || st.Latest.Rows != 3 || st.Latest.FileName != "天河南街道.xlsx" {
				t.Errorf("street %+v latest %+v", st, st.Latest)
			}
		}
	}
	sum := v.Summary
	if submitted != 1 || sum.Rows != 3 || sum.ByTier["community"] != 1 || sum.ByTier["registered"] != 1 || sum.ByStatus["active"] != 2 ||
		sum.ByStatus["pending"] != 1 || sum.ByType["culture_sports"] != 2 || sum.ByGroup["elderly"] != 2 {
		t.Fatalf("summary %+v", sum)
	}

	// a second submission replaces the street's figures; the history keeps both
	f.now = f.now.Add(time.Hour)
	rep, err = f.census.Submit(f.ctx, f.street, r.ID, path, "天河南街道-2.xlsx", census.Options{})
	if err != nil || rep.Unchanged != 3 {
		t.Fatalf("resubmit %+v %v", rep, err)
	}
	v, _ = f.census.RoundView(f.ctx, f.tianhe, r.ID)
	if len(v.Submissions) != 2 || v.Summary.Rows != 3 {
		t.Fatalf("after resubmission: %d submissions, %d rows", len(v.Submissions), v.Summary.Rows)
	}

	if _, err := f.census.CloseRound(f.ctx, f.street, r.ID); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("street closes: %v", err)
	}
	if r, err = f.census.CloseRound(f.ctx, f.tianhe, r.ID); err != nil || r.Status != census.RoundClosed {
		t.Fatalf("close %+v %v", r, err)
	}
	if _, err := f.census.Submit(f.ctx, f.street, r.ID, path, "late.xlsx", census.Options{}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("submit to a closed round: %v", err)
	}
	var audits int
	f.db.Read.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action IN ('census.open', 'census.submit', 'census.close')`).Scan(&audits)
	if audits != 4 {
		t.Errorf("%d census audit rows", audits)
	}
}

// TestCensusCounts: the home page's census work. While a round is open, a
// street owes its file, the district awaits every street that has not
// submitted, and a community committee checks its organizations until its
// street has submitted; past the deadline the same are overdue; a closed
// round asks nothing of anyone.
func TestCensusCounts(t *testing.T) {
	f := setup(t)
	mk := func(role, scope string) *auth.User {
		return &auth.User{ID: 99, Username: "x", Role: role, ScopeCode: scope}
	}
	committee, committee2 := mk(auth.CommunityCommittee, "440106008007"), mk(auth.CommunityCommittee, "440106013001")
	counts := func(u *auth.User) [2]int {
		t.Helper()
		n, late, err := f.census.CensusCounts(f.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return [2]int{n, late}
	}
	var streets int
	if err := f.db.Read.QueryRow(`SELECT COUNT(*) FROM divisions WHERE code > '440106' AND code < '440107' AND length(code) = 9`).Scan(&streets); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*auth.User{f.street, committee, f.tianhe, f.hub, f.admin} {
		if c := counts(u); c != [2]int{} {
			t.Errorf("%s %s before any round: %v", u.Role, u.ScopeCode, c)
		}
	}
	r, err := f.census.OpenRound(f.ctx, f.tianhe, census.RoundInput{Title: "2023年天河区全面摸底", Deadline: "2023-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[*auth.User][2]int{f.street: {1, 0}, f.street2: {1, 0}, committee: {1, 0}, committee2: {1, 0}, f.tianhe: {streets, 0}, f.hub: {}, f.admin: {}}
	for u, w := range want {
		if c := counts(u); c != w {
			t.Errorf("%s %s with the round open: %v, want %v", u.Role, u.ScopeCode, c, w)
		}
	}
	s := messy()
	for row := 7; row <= 10; row++ {
		delete(s.rows, row)
	}
	if rep, err := f.census.Submit(f.ctx, f.street, r.ID, s.xlsx(t), "天河南街道.xlsx", census.Options{}); err != nil || !rep.Committed {
		t.Fatalf("submit: %+v %v", rep, err)
	}
	f.now = time.Date(2023, 4, 2, 8, 0, 0, 0, time.UTC) // past the deadline
	want = map[*auth.User][2]int{f.street: {}, committee: {}, f.street2: {1, 1}, committee2: {1, 1}, f.tianhe: {streets - 1, streets - 1}}
	for u, w := range want {
		if c := counts(u); c != w {
			t.Errorf("%s %s after 天河南 submitted, past the deadline: %v, want %v", u.Role, u.ScopeCode, c, w)
		}
	}
	if _, err := f.census.CloseRound(f.ctx, f.tianhe, r.ID); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*auth.User{f.street2, committee2, f.tianhe} {
		if c := counts(u); c != [2]int{} {
			t.Errorf("%s %s after the round closed: %v", u.Role, u.ScopeCode, c)
		}
	}
}

// TestRoundDeadlineIsChinasToday: a deadline is refused when it is before
// today in China, whatever the hour in UTC. At 07:30 in China (23:30 UTC the
// day before), yesterday is refused and today is accepted; the rule this
// replaces truncated to UTC's midnight and let yesterday through.
func TestRoundDeadlineIsChinasToday(t *testing.T) {
	f := setup(t)
	f.now = time.Date(2023, 3, 10, 23, 30, 0, 0, time.UTC) // 2023-03-11 07:30 in China
	if _, err := f.census.OpenRound(f.ctx, f.tianhe, census.RoundInput{Title: "昨日截止", Deadline: "2023-03-10"}); !errs.Is(err, errs.Invalid) {
		t.Fatalf("yesterday's deadline: %v, want refused", err)
	}
	if _, err := f.census.OpenRound(f.ctx, f.tianhe, census.RoundInput{Title: "今日截止", Deadline: "2023-03-11"}); err != nil {
		t.Fatalf("today's deadline: %v", err)
	}
}
