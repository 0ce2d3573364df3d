package ledger_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"linli/internal/geo/geotest"
	"linli/internal/hub"
	"linli/internal/ledger"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock/clocktest"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/errs"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// Places used by the tests.
const (
	street      = "440106008"    // 天河南街道
	yulei       = "440106008007" // 育蕾社区
	zhijie      = "440106008008" // 天河直街社区
	otherStreet = "440106013"    // 猎德街道
	liede       = "440106013001" // 猎德社区
	pw          = "a long enough password"
)

// A tiny PNG and PDF, told by content.
var (
	png = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
)

type fixture struct {
	ctx   context.Context
	db    *db.DB
	url   string
	clock *clocktest.Clock
	reg   *registry.Service
	users *auth.Service
	hubs  *hub.Service
	led   *ledger.Service
	seq   int

	officer, otherOfficer, district, auditor *auth.User
	hubOrg, orgA, orgB, orgC                 *registry.Org
	staff1, staff2, leaderA, leaderB         *auth.User
	otherHub                                 *registry.Org
	otherStaff                               *auth.User
}

// setup builds, through the services, a street with a hub serving two
// organizations (A and B), a hub in another street, and one account per role.
func setup(t testing.TB) *fixture {
	t.Helper()
	dbURL := dbtest.URL(t)
	if _, ok := t.(*testing.B); ok {
		dbURL = benchURL(dbURL)
	}
	return setupOn(t, dbtest.OpenURL(t, dbURL), dbURL)
}

// setupOn is setup on an open, migrated database.
func setupOn(t testing.TB, d *db.DB, dbURL string) *fixture {
	t.Helper()
	ctx := context.Background()
	st := geotest.Load(t, d)
	f := &fixture{ctx: ctx, db: d, url: dbURL, clock: clocktest.New(time.Date(2023, 6, 15, 2, 0, 0, 0, time.UTC))}
	f.reg = &registry.Service{DB: d, Geo: st, Now: f.clock.Now}
	f.users = registrytest.Auth(d, st, f.reg, f.clock.Now)
	f.led = &ledger.Service{DB: d, Orgs: f.reg, Now: f.clock.Now}
	f.hubs = &hub.Service{DB: d, Reg: f.reg, Custody: f.led, Now: f.clock.Now}
	f.officer = f.user(t, auth.StreetOfficer, street, 0)
	f.otherOfficer = f.user(t, auth.StreetOfficer, otherStreet, 0)
	f.district = f.user(t, auth.DistrictOfficer, "440106", 0)
	f.auditor = f.user(t, auth.Auditor, "4401", 0)
	f.hubOrg = f.hub(t, f.officer, "天河南社会组织服务中心", yulei)
	f.orgA = f.org(t, f.officer, "育蕾长者互助队", yulei)
	f.orgB = f.org(t, f.officer, "直街舞蹈队", zhijie)
	f.orgC = f.org(t, f.officer, "育蕾读书会", yulei)
	f.staff1 = f.user(t, auth.HubStaff, street, f.hubOrg.ID)
	f.staff2 = f.user(t, auth.HubStaff, street, f.hubOrg.ID)
	f.leaderA = f.user(t, auth.OrgLeader, yulei, f.orgA.ID)
	f.leaderB = f.user(t, auth.OrgLeader, zhijie, f.orgB.ID)
	f.otherHub = f.hub(t, f.otherOfficer, "猎德社会组织服务中心", liede)
	f.otherStaff = f.user(t, auth.HubStaff, otherStreet, f.otherHub.ID)
	for _, o := range []*registry.Org{f.orgA, f.orgB} {
		if _, err := f.hubs.TakeIntoCustody(ctx, f.staff1, f.hubOrg.ID, hub.MemberInput{OrgID: o.ID}); err != nil {
			t.Fatalf("take %s into custody: %v", o.Name, err)
		}
	}
	return f
}

func (f *fixture) user(t testing.TB, role, scope string, org int64) *auth.User {
	t.Helper()
	f.seq++
	return registrytest.User(t, f.ctx, f.users, auth.NewUser{Username: fmt.Sprintf("%s-%d", role, f.seq), Role: role,
		ScopeCode: scope, OrgID: org, Password: pw})
}

func (f *fixture) org(t testing.TB, by *auth.User, name, community string) *registry.Org {
	t.Helper()
	return registrytest.Org(t, f.ctx, f.reg, by, registry.Input{Name: name, Tier: registry.TierCommunity, Types: []string{"mutual_aid"},
		CommunityCode: community, LeaderName: "陈大文", LeaderPhone: "13800138000", FoundedOn: "2020-03-01", Members: 12,
		PartyOrg: registry.PartyNone, Status: registry.StatusActive})
}

func (f *fixture) hub(t testing.TB, by *auth.User, name, community string) *registry.Org {
	t.Helper()
	o := f.org(t, by, name, community)
	h, err := f.hubs.Designate(f.ctx, by, o.ID, "街道认定")
	if err != nil {
		t.Fatalf("designate %s: %v", name, err)
	}
	return h
}

func (f *fixture) income(t testing.TB, by *auth.User, org int64, fen ledger.Fen) *ledger.Posting {
	t.Helper()
	p, err := f.led.RecordIncome(f.ctx, by, org, ledger.IncomeInput{Amount: fen, Source: "government_purchase",
		Voucher: fmt.Sprintf("V-%d", fen), ReceivedOn: ledger.Today(f.clock.Now())}, nil)
	if err != nil {
		t.Fatalf("income %d for %d: %v", fen, org, err)
	}
	return p
}

func (f *fixture) expense(t testing.TB, by *auth.User, org int64, fen ledger.Fen, purpose string) *ledger.Expense {
	t.Helper()
	e, err := f.led.SubmitExpense(f.ctx, by, org, ledger.ExpenseInput{Amount: fen, Purpose: purpose, Payee: "某某文具店",
		SpentOn: ledger.Today(f.clock.Now())}, &ledger.Upload{Filename: "receipt.png", Data: png})
	if err != nil {
		t.Fatalf("expense %d for %d: %v", fen, org, err)
	}
	return e
}

func (f *fixture) balance(t testing.TB, org int64) ledger.Fen {
	t.Helper()
	st, err := f.led.OrgStatement(f.ctx, f.district, org, ledger.Period{From: "2000-01-01", To: "2099-12-31"})
	if err != nil {
		t.Fatalf("statement %d: %v", org, err)
	}
	return st.Balance
}

// wantBalance fails the test unless org's balance is want; why, in
// brackets, says what a wrong one would mean ("" when the number says it
// all).
func (f *fixture) wantBalance(t testing.TB, org int64, want ledger.Fen, why string) {
	t.Helper()
	if got := f.balance(t, org); got != want {
		t.Fatalf("org %d: balance %d, want %d %s", org, got, want, why)
	}
}

func (f *fixture) verify(t testing.TB) *ledger.Report {
	t.Helper()
	rep, err := ledger.Verify(f.ctx, f.db)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if rep.Problem != nil {
		t.Fatalf("verify found a problem: %v", rep.Problem)
	}
	return rep
}

func wantCode(t testing.TB, err error, code, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	if key == "" {
		return
	}
	if e.Message.Key == key {
		return
	}
	for _, m := range e.Fields {
		if m.Key == key {
			return
		}
	}
	t.Fatalf("got %v, want message %s", err, key)
}
