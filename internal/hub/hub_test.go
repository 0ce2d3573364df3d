package hub_test

import (
	"fmt"
	"testing"
	"time"

	"linli/internal/hub"
	"linli/internal/ledger"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/errs/errstest"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

const (
	street      = "440106008"
	yulei       = "440106008007"
	zhijie      = "440106008008"
	otherStreet = "440106013"
	liede       = "440106013001"
)

var png = append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 32)...)

type fixture struct {
	*registrytest.World
	hubs *hub.Service
	led  *ledger.Service

	officer, otherOfficer, auditor *auth.User
}

func setup(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{World: registrytest.NewWorld(t, time.Date(2023, 6, 15, 2, 0, 0, 0, time.UTC))}
	f.Reg.HubMembers = hub.ActiveMembers
	f.led = &ledger.Service{DB: f.DB, Orgs: f.Reg, Now: f.Clock}
	f.hubs = &hub.Service{DB: f.DB, Reg: f.Reg, Custody: f.led, Now: f.Clock}
	f.officer = f.User(t, auth.StreetOfficer, street, 0)
	f.otherOfficer = f.User(t, auth.StreetOfficer, otherStreet, 0)
	f.auditor = f.User(t, auth.Auditor, "4401", 0)
	return f
}

func (f *fixture) org(t *testing.T, by *auth.User, name, community, status string) *registry.Org {
	t.Helper()
	return registrytest.Org(t, f.Ctx, f.Reg, by, registry.Input{Name: name, Tier: registry.TierCommunity, Types: []string{"volunteer"},
		CommunityCode: community, LeaderName: "林小红", LeaderPhone: "13900139000", FoundedOn: "2019-01-01", Members: 9,
		PartyOrg: registry.PartyNone, Status: status})
}

var want = errstest.Want

func TestDesignation(t *testing.T) {
	f := setup(t)
	active := f.org(t, f.officer, "天河南社会组织服务中心", yulei, "active")
	pending := f.org(t, f.officer, "新成立的队伍", yulei, "")
	staff := f.User(t, auth.HubStaff, street, 0)
	_, err := f.hubs.Designate(f.Ctx, staff, active.ID, "")
	want(t, err, errs.Forbidden, "")
	_, err = f.hubs.Designate(f.Ctx, f.otherOfficer, active.ID, "")
	want(t, err, errs.NotFound, "")
	_, err = f.hubs.Designate(f.Ctx, f.officer, pending.ID, "")
	want(t, err, errs.Conflict, "err.hub_needs_active")
	h, err := f.hubs.Designate(f.Ctx, f.officer, active.ID, "服务能力强")
	if err != nil || !h.Hub {
		t.Fatalf("designate: %+v %v", h, err)
	}
	hist, err := f.Reg.History(f.Ctx, f.officer, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if hist[0].Field != "hub" || hist[0].Value != "1" || hist[0].Reason != "服务能力强" {
		t.Fatalf("dated history %+v", hist[0])
	}
	list, err := f.hubs.Hubs(f.Ctx, f.officer, "")
	if err != nil || len(list) != 1 || list[0].Org.ID != h.ID {
		t.Fatalf("hubs %+v %v", list, err)
	}
	if list, _ := f.hubs.Hubs(f.Ctx, f.otherOfficer, ""); len(list) != 0 {
		t.Fatalf("another street sees %d hubs", len(list))
	}
}

func TestCustodyMembership(t *testing.T) {
	f := setup(t)
	h := f.org(t, f.officer, "天河南社会组织服务中心", yulei, "active")
	if _, err := f.hubs.Designate(f.Ctx, f.officer, h.ID, ""); err != nil {
		t.Fatal(err)
	}
	other := f.org(t, f.otherOfficer, "猎德社会组织服务中心", liede, "active")
	if _, err := f.hubs.Designate(f.Ctx, f.otherOfficer, other.ID, ""); err != nil {
		t.Fatal(err)
	}
	a := f.org(t, f.officer, "育蕾长者互助队", yulei, "active")
	b := f.org(t, f.officer, "直街舞蹈队", zhijie, "")
	far := f.org(t, f.otherOfficer, "猎德龙舟队", liede, "active")
	staff := f.User(t, auth.HubStaff, street, h.ID)
	otherStaff := f.User(t, auth.HubStaff, otherStreet, other.ID)
	leaderA := f.User(t, auth.OrgLeader, yulei, a.ID)

	_, err := f.hubs.TakeIntoCustody(f.Ctx, staff, h.ID, hub.MemberInput{OrgID: far.ID})
	want(t, err, errs.Invalid, "err.hub_org_not_in_street")
	_, err = f.hubs.TakeIntoCustody(f.Ctx, staff, h.ID, hub.MemberInput{OrgID: b.ID})
	want(t, err, errs.Invalid, "err.hub_member_active")
	_, err = f.hubs.TakeIntoCustody(f.Ctx, staff, h.ID, hub.MemberInput{OrgID: h.ID})
	want(t, err, errs.Invalid, "err.hub_cannot_be_member")
	_, err = f.hubs.TakeIntoCustody(f.Ctx, otherStaff, h.ID, hub.MemberInput{OrgID: a.ID})
	want(t, err, errs.NotFound, "")
	_, err = f.hubs.TakeIntoCustody(f.Ctx, leaderA, h.ID, hub.MemberInput{OrgID: a.ID})
	want(t, err, errs.NotFound, "") // a leader sees the hub only once served by it
	_, err = f.hubs.TakeIntoCustody(f.Ctx, f.auditor, h.ID, hub.MemberInput{OrgID: a.ID})
	want(t, err, errs.Forbidden, "")

	// effective dates: not in the future, not before the consent, and a
	// late one says why (issue 11)
	for _, c := range []struct {
		in    hub.MemberInput
		field string
	}{
		{hub.MemberInput{OrgID: a.ID, JoinedOn: "2023-06-16"}, "joined_on"},
		{hub.MemberInput{OrgID: a.ID, ConsentOn: "2023-06-10", JoinedOn: "2023-06-01"}, "joined_on"},
		{hub.MemberInput{OrgID: a.ID, ConsentOn: "2023-01-05", JoinedOn: "2023-01-10"}, "late_reason"},
	} {
		_, err = f.hubs.TakeIntoCustody(f.Ctx, staff, h.ID, c.in)
		if e, ok := errs.As(err); !ok || e.Fields[c.field].Key == "" {
			t.Fatalf("%+v: %v, want a field error on %s", c.in, err, c.field)
		}
	}
	m, err := f.hubs.TakeIntoCustody(f.Ctx, staff, h.ID, hub.MemberInput{OrgID: a.ID, ConsentNote: "理事会决议 2023-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != hub.MemberActive || m.ConsentBy != "林小红" || m.ConsentOn != "2023-06-15" || m.JoinedOn != "2023-06-15" {
		t.Fatalf("member %+v", m)
	}
	_, err = f.hubs.TakeIntoCustody(f.Ctx, f.officer, h.ID, hub.MemberInput{OrgID: a.ID})
	want(t, err, errs.Conflict, "err.hub_already_member")
	rows, err := audit.List(f.Ctx, f.DB.Read, audit.Filter{ObjectType: "org", ObjectID: fmt.Sprint(a.ID)})
	if err != nil || rows[0].Action != "hub.take_custody" {
		t.Fatalf("audit %+v %v", rows, err)
	}

	got, err := f.hubs.Get(f.Ctx, leaderA, h.ID)
	if err != nil || len(got.Members) != 1 || got.CanManage {
		t.Fatalf("leader's view %+v %v", got, err)
	}
	_, err = f.hubs.Revoke(f.Ctx, f.officer, h.ID, "撤销")
	want(t, err, errs.Conflict, "err.hub_has_members")

	// Money in the account keeps the organization in custody until spent.
	if _, err := f.led.RecordIncome(f.Ctx, staff, a.ID, ledger.IncomeInput{Amount: 500, Source: "donation", Voucher: "D1",
		ReceivedOn: "2023-06-15"}, nil); err != nil {
		t.Fatal(err)
	}
	_, err = f.hubs.Release(f.Ctx, staff, h.ID, a.ID, "组织已注册，自行开户")
	want(t, err, errs.Conflict, "err.balance_not_zero")
	e, err := f.led.SubmitExpense(f.Ctx, leaderA, a.ID, ledger.ExpenseInput{Amount: 500, Purpose: "结余转出", Payee: "组织新开账户",
		SpentOn: "2023-06-15"}, &ledger.Upload{Data: png})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.led.ApproveExpense(f.Ctx, staff, e.ID); err != nil {
		t.Fatal(err)
	}
	late, err := f.led.SubmitExpense(f.Ctx, leaderA, a.ID, ledger.ExpenseInput{Amount: 80, Purpose: "补交的票据", Payee: "文具店",
		SpentOn: "2023-06-14"}, &ledger.Upload{Data: png})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.hubs.Release(f.Ctx, staff, h.ID, a.ID, "组织已注册，自行开户")
	want(t, err, errs.Conflict, "err.expenses_pending")
	if _, err := f.led.ReturnExpense(f.Ctx, staff, late.ID, "余额已转出"); err != nil {
		t.Fatal(err)
	}
	m, err = f.hubs.Release(f.Ctx, staff, h.ID, a.ID, "组织已注册，自行开户")
	if err != nil || m.Status != hub.MemberReleased || m.ReleasedOn != "2023-06-15" {
		t.Fatalf("release %+v %v", m, err)
	}
	_, err = f.led.RecordIncome(f.Ctx, staff, a.ID, ledger.IncomeInput{Amount: 1, Source: "donation", Voucher: "D2", ReceivedOn: "2023-06-15"}, nil)
	want(t, err, errs.NotFound, "err.not_in_custody")
	st, err := f.led.OrgStatement(f.Ctx, leaderA, a.ID, ledger.Period{From: "2023-01-01", To: "2023-12-31"})
	if err != nil || len(st.Entries) != 2 || st.Balance != 0 {
		t.Fatalf("history after release %+v %v", st, err)
	}
	// Taken in again, the same account reopens.
	if _, err := f.hubs.TakeIntoCustody(f.Ctx, staff, h.ID, hub.MemberInput{OrgID: a.ID}); err != nil {
		t.Fatal(err)
	}
	if rep, err := ledger.Verify(f.Ctx, f.DB); err != nil || rep.Problem != nil {
		t.Fatalf("verify %v %v", err, rep.Problem)
	}
}

func TestWorkers(t *testing.T) {
	f := setup(t)
	h := f.org(t, f.officer, "天河南社会组织服务中心", yulei, "active")
	if _, err := f.hubs.Designate(f.Ctx, f.officer, h.ID, ""); err != nil {
		t.Fatal(err)
	}
	staff := f.User(t, auth.HubStaff, street, h.ID)
	_, err := f.hubs.AddWorker(f.Ctx, staff, h.ID, hub.WorkerInput{Name: "", Kind: "boss", StartedOn: "2030-01-01"})
	e, _ := errs.As(err)
	if e == nil || len(e.Fields) != 3 {
		t.Fatalf("want three field errors, got %v", err)
	}
	// a start more than 30 days past is a late entry (补录): it says why
	_, err = f.hubs.AddWorker(f.Ctx, staff, h.ID, hub.WorkerInput{Name: "黄社工", Kind: "full_time", Qualified: true, StartedOn: "2022-03-01"})
	want(t, err, errs.Invalid, "effective.err.late_reason")
	w, err := f.hubs.AddWorker(f.Ctx, staff, h.ID, hub.WorkerInput{Name: "黄社工", Kind: "full_time", Qualified: true, StartedOn: "2022-03-01",
		LateReason: "聘用时未录入"})
	if err != nil || w.LateReason != "聘用时未录入" {
		t.Fatalf("late worker %+v %v", w, err)
	}
	if _, err := f.hubs.AddWorker(f.Ctx, f.officer, h.ID, hub.WorkerInput{Name: "李社工", Kind: "part_time", StartedOn: "2023-01-01",
		LateReason: "补录"}); err != nil {
		t.Fatal(err)
	}
	_, err = f.hubs.EndWorkerLate(f.Ctx, staff, h.ID, w.ID, "2021-01-01", "补录")
	want(t, err, errs.Invalid, "err.period_order")
	if _, err := f.hubs.EndWorker(f.Ctx, staff, h.ID, w.ID, "2023-05-31"); err != nil {
		t.Fatal(err)
	}
	_, err = f.hubs.EndWorker(f.Ctx, staff, h.ID, w.ID, "")
	want(t, err, errs.Conflict, "err.worker_ended")
	got, err := f.hubs.Get(f.Ctx, f.auditor, h.ID)
	if err != nil || got.Staffed != 1 || len(got.Workers) != 2 || got.CanManage {
		t.Fatalf("hub %+v %v", got, err)
	}
	_, err = f.hubs.AddWorker(f.Ctx, f.auditor, h.ID, hub.WorkerInput{Name: "x", Kind: "part_time", StartedOn: "2023-06-01"})
	want(t, err, errs.Forbidden, "")
	var n int
	f.DB.Read.QueryRow(`SELECT COUNT(*) FROM hub_workers WHERE hub_org_id = $1 AND ended_on = '' AND qualified = 0`, h.ID).Scan(&n)
	if n != 1 {
		t.Fatalf("%d current unqualified workers", n)
	}
}
