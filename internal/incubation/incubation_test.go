package incubation_test

import (
	"sync"
	"testing"
	"time"

	"linli/internal/incubation"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/errs/errstest"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

const (
	district    = "440106"
	street      = "440106008"
	yulei       = "440106008007"
	otherStreet = "440106013"
	liede       = "440106013001"
)

type fixture struct {
	*registrytest.World
	svc *incubation.Service

	officer, otherOfficer, districtOfficer, auditor *auth.User
}

func setup(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{World: registrytest.NewWorld(t, time.Date(2023, 6, 15, 2, 0, 0, 0, time.UTC))}
	f.svc = &incubation.Service{DB: f.DB, Geo: f.Geo, Orgs: f.Reg, Now: f.Clock}
	f.officer = f.User(t, auth.StreetOfficer, street, 0)
	f.otherOfficer = f.User(t, auth.StreetOfficer, otherStreet, 0)
	f.districtOfficer = f.User(t, auth.DistrictOfficer, district, 0)
	f.auditor = f.User(t, auth.Auditor, "4401", 0)
	return f
}

func (f *fixture) org(t *testing.T, by *auth.User, name, community string) *registry.Org {
	t.Helper()
	return registrytest.Org(t, f.Ctx, f.Reg, by, registry.Input{Name: name, Tier: registry.TierCommunity, Types: []string{"culture_sports"},
		CommunityCode: community, LeaderName: "周明", LeaderPhone: "13700137000", FoundedOn: "2018-05-01", Members: 20,
		PartyOrg: registry.PartyNone, Status: registry.StatusActive})
}

// baseWithRoom is a base of the street, opened by its officer, with one
// room for 40.
func (f *fixture) baseWithRoom(t *testing.T) (*incubation.Base, *incubation.Room) {
	t.Helper()
	b := f.base(t, f.officer, incubation.BaseInput{Name: "天河南基地", DivisionCode: street})
	room, err := f.svc.AddRoom(f.Ctx, f.officer, b.ID, incubation.RoomInput{Name: "多功能室", Capacity: 40})
	if err != nil {
		t.Fatal(err)
	}
	return b, room
}

func (f *fixture) base(t *testing.T, by *auth.User, in incubation.BaseInput) *incubation.Base {
	t.Helper()
	if in.HostType == "" {
		in.HostType = "party_mass_center"
	}
	if in.OpenedOn == "" {
		in.OpenedOn = "2021-09-01"
	}
	if in.LateReason == "" {
		in.LateReason = "历史资料补录"
	}
	b, err := f.svc.Create(f.Ctx, by, in)
	if err != nil {
		t.Fatalf("base %s: %v", in.Name, err)
	}
	return b
}

var want = errstest.Want

func TestBases(t *testing.T) {
	f := setup(t)
	op := f.org(t, f.officer, "天河南社会组织服务中心", yulei)
	_, err := f.svc.Create(f.Ctx, f.officer, incubation.BaseInput{Name: "x", HostType: "palace", DivisionCode: otherStreet,
		OpenedOn: "2031-01-01", Services: []string{"magic"}})
	e, _ := errs.As(err)
	if e == nil || len(e.Fields) != 5 {
		t.Fatalf("want five field errors, got %v", err)
	}
	hubStaff := f.User(t, auth.HubStaff, street, op.ID)
	_, err = f.svc.Create(f.Ctx, hubStaff, incubation.BaseInput{Name: "天河南培育基地", HostType: "other", DivisionCode: street, OpenedOn: "2021-01-01"})
	want(t, err, errs.Forbidden, "")
	b := f.base(t, f.officer, incubation.BaseInput{Name: "天河南街党群服务中心培育基地", DivisionCode: street,
		OperatorOrgID: op.ID, Services: []string{"party_building", "incubation", "fund_custody"}, OpeningHours: "周二至周日 9:00–18:00"})
	if b.DistrictCode != district || b.StreetCode != street || b.OperatorName != op.Name || len(b.Services) != 3 {
		t.Fatalf("base %+v", b)
	}
	var mask int64
	f.DB.Read.QueryRow(`SELECT services_mask FROM bases WHERE id = $1`, b.ID).Scan(&mask)
	if mask != 1|2|4 {
		t.Fatalf("services_mask %b", mask)
	}
	dist := f.base(t, f.districtOfficer, incubation.BaseInput{Name: "天河区社会组织孵化基地", HostType: "civilization_center", DivisionCode: district})
	if dist.StreetCode != "" {
		t.Fatalf("district-level base has street %q", dist.StreetCode)
	}
	leader := f.User(t, auth.OrgLeader, yulei, op.ID)
	for _, c := range []struct {
		name string
		u    *auth.User
		n    int
	}{{"street", f.officer, 2}, {"leader in the street", leader, 2}, {"operator's staff", hubStaff, 2},
		{"district", f.districtOfficer, 2}, {"other street", f.otherOfficer, 1}} {
		list, err := f.svc.List(f.Ctx, c.u, "")
		if err != nil || len(list) != c.n {
			t.Errorf("%s sees %d bases (%v), want %d", c.name, len(list), err, c.n)
		}
	}
	_, err = f.svc.Get(f.Ctx, f.otherOfficer, b.ID)
	want(t, err, errs.NotFound, "")
	in := incubation.InputOf(b)
	in.ClosedOn = "2023-06-01"
	_, err = f.svc.Update(f.Ctx, hubStaff, b.ID, in)
	want(t, err, errs.Forbidden, "")
	closed, err := f.svc.Update(f.Ctx, f.officer, b.ID, in)
	if err != nil || closed.OpenOn("2023-06-15") || !closed.OpenOn("2023-05-31") {
		t.Fatalf("closed %+v %v", closed, err)
	}
}

func TestCoverage(t *testing.T) {
	f := setup(t)
	var streets int
	f.DB.Read.QueryRow(`SELECT COUNT(*) FROM divisions WHERE level = 4 AND code >= '440106' AND code < '440107'`).Scan(&streets)
	f.base(t, f.officer, incubation.BaseInput{Name: "天河南基地", DivisionCode: street, OpenedOn: "2021-01-01"})
	f.base(t, f.otherOfficer, incubation.BaseInput{Name: "猎德社区基地", DivisionCode: liede, OpenedOn: "2022-01-01"})
	f.base(t, f.districtOfficer, incubation.BaseInput{Name: "区级基地", DivisionCode: district, OpenedOn: "2020-01-01"})
	shut := f.base(t, f.districtOfficer, incubation.BaseInput{Name: "已停用基地", DivisionCode: "440106001", OpenedOn: "2020-01-01"})
	in := incubation.InputOf(shut)
	in.ClosedOn, in.LateReason = "2021-06-01", "停用时未及时录入"
	if _, err := f.svc.Update(f.Ctx, f.districtOfficer, shut.ID, in); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		on      string
		covered int
	}{{"2023-06-15", 2}, {"2021-03-01", 2}, {"2021-12-31", 1}, {"2019-12-31", 0}} {
		cov, err := f.svc.Coverage(f.Ctx, f.districtOfficer, "", c.on)
		if err != nil {
			t.Fatal(err)
		}
		if cov.Streets != streets || cov.Covered != c.covered || len(cov.Rows) != streets {
			t.Errorf("on %s: %d of %d covered (%d rows), want %d of %d", c.on, cov.Covered, cov.Streets, len(cov.Rows), c.covered, streets)
		}
	}
	city, err := f.svc.Coverage(f.Ctx, &auth.User{Role: auth.CityAdmin, ScopeCode: "4401"}, "", "2023-06-15")
	if err != nil || len(city.Rows) != 11 || city.Covered != 2 || city.Streets != 176 { // streets and towns, without the two special areas (geo.Counted)
		t.Fatalf("city coverage %+v %v", city, err)
	}
	mine, err := f.svc.Coverage(f.Ctx, f.officer, "", "2023-06-15")
	if err != nil || len(mine.Rows) != 1 || mine.Covered != 1 || mine.Rows[0].Bases[0] != "天河南基地" {
		t.Fatalf("street coverage %+v %v", mine, err)
	}
	_, err = f.svc.Coverage(f.Ctx, f.officer, otherStreet, "")
	want(t, err, errs.NotFound, "")
}

func at(day, clock string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, time.FixedZone("CST", 8*3600))
	return t
}

func TestRoomBookings(t *testing.T) {
	f := setup(t)
	b, room := f.baseWithRoom(t)
	org := f.org(t, f.officer, "育蕾合唱团", yulei)
	other := f.org(t, f.officer, "育蕾书法社", yulei)
	far := f.org(t, f.otherOfficer, "猎德龙舟队", liede)
	leader := f.User(t, auth.OrgLeader, yulei, org.ID)
	book := func(u *auth.User, orgID int64, from, to time.Time) (*incubation.Booking, error) {
		return f.svc.Book(f.Ctx, u, b.ID, incubation.BookingInput{RoomID: room.ID, OrgID: orgID, StartsAt: from, EndsAt: to, Purpose: "排练"})
	}
	k, err := book(leader, org.ID, at("2023-06-20", "14:00"), at("2023-06-20", "16:00"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = book(f.officer, other.ID, at("2023-06-20", "15:00"), at("2023-06-20", "17:00"))
	want(t, err, errs.Conflict, "err.booking_conflict")
	_, err = book(f.officer, other.ID, at("2023-06-20", "13:00"), at("2023-06-20", "18:00"))
	want(t, err, errs.Conflict, "err.booking_conflict")
	if _, err := book(f.officer, other.ID, at("2023-06-20", "16:00"), at("2023-06-20", "17:00")); err != nil {
		t.Fatalf("back-to-back booking: %v", err)
	}
	_, err = book(leader, other.ID, at("2023-06-21", "10:00"), at("2023-06-21", "11:00"))
	want(t, err, errs.Forbidden, "") // a leader books for their own organization only
	_, err = book(f.officer, far.ID, at("2023-06-21", "10:00"), at("2023-06-21", "11:00"))
	want(t, err, errs.Invalid, "err.base_org_not_served")
	_, err = book(leader, org.ID, at("2023-06-01", "10:00"), at("2023-06-01", "11:00"))
	want(t, err, errs.Invalid, "err.booking_past")
	_, err = book(leader, org.ID, at("2023-06-21", "10:00"), at("2023-06-21", "09:00"))
	want(t, err, errs.Invalid, "err.period_order")
	_, err = f.svc.CancelBooking(f.Ctx, f.auditor, b.ID, k.ID)
	want(t, err, errs.Forbidden, "")
	if _, err := f.svc.CancelBooking(f.Ctx, leader, b.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := book(f.officer, other.ID, at("2023-06-20", "14:00"), at("2023-06-20", "16:00")); err != nil {
		t.Fatalf("after cancelling, the slot is free: %v", err)
	}

	t.Run("concurrent bookings of one slot", func(t *testing.T) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, clash := 0, 0
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := at("2023-06-25", "09:00").Add(time.Duration(i) * 10 * time.Minute)
				_, err := book(f.officer, org.ID, start, start.Add(2*time.Hour))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errs.Is(err, errs.Conflict):
					clash++
				default:
					t.Errorf("book: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || clash != 9 {
			t.Fatalf("%d booked, %d refused; overlapping slots must admit exactly one", ok, clash)
		}
	})
	list, err := f.svc.Bookings(f.Ctx, b.ID, f.Now)
	if err != nil || len(list) != 3 {
		t.Fatalf("bookings %v %v", list, err)
	}
}

func TestIncubatees(t *testing.T) {
	f := setup(t)
	b := f.base(t, f.officer, incubation.BaseInput{Name: "天河南基地", DivisionCode: street})
	org := f.org(t, f.officer, "育蕾合唱团", yulei)
	far := f.org(t, f.otherOfficer, "猎德龙舟队", liede)
	_, err := f.svc.Enter(f.Ctx, f.officer, b.ID, incubation.IncubateeInput{OrgID: far.ID})
	want(t, err, errs.Invalid, "err.base_org_not_served")
	i, err := f.svc.Enter(f.Ctx, f.officer, b.ID, incubation.IncubateeInput{OrgID: org.ID, EnteredOn: "2022-03-01", Note: "首批入驻"})
	if err != nil || i.Status != incubation.Incubating {
		t.Fatalf("enter %+v %v", i, err)
	}
	_, err = f.svc.Enter(f.Ctx, f.officer, b.ID, incubation.IncubateeInput{OrgID: org.ID})
	want(t, err, errs.Conflict, "err.already_incubating")
	_, err = f.svc.Leave(f.Ctx, f.auditor, b.ID, i.ID, incubation.Graduated, "")
	want(t, err, errs.Forbidden, "")
	g, err := f.svc.Leave(f.Ctx, f.officer, b.ID, i.ID, incubation.Graduated, "2023-03-01")
	if err != nil || g.Status != incubation.Graduated || g.LeftOn != "2023-03-01" {
		t.Fatalf("graduate %+v %v", g, err)
	}
	_, err = f.svc.Leave(f.Ctx, f.officer, b.ID, i.ID, incubation.Exited, "")
	want(t, err, errs.Conflict, "err.incubation_over")
	if _, err := f.svc.Enter(f.Ctx, f.officer, b.ID, incubation.IncubateeInput{OrgID: org.ID}); err != nil {
		t.Fatalf("a graduated organization may come back: %v", err)
	}
	list, _ := f.svc.Incubatees(f.Ctx, b.ID)
	if len(list) != 2 || list[0].Status != incubation.Incubating {
		t.Fatalf("incubatees %+v", list)
	}
}

// A base's level and its effective dates (issue 11): the level defaults to
// the division's and may not be below it; an opening or a closing entered
// more than 30 days late needs a reason, which is kept and marked; a
// closing may not be in the future nor before the opening.
func TestBaseLevelAndDates(t *testing.T) {
	f := setup(t)
	today, recent := "2023-06-15", "2023-06-05" // the fixture's clock, and ten days before
	_, err := f.svc.Create(f.Ctx, f.districtOfficer, incubation.BaseInput{Name: "区级基地", HostType: "other", DivisionCode: district,
		OpenedOn: "2021-10-01"})
	want(t, err, errs.Invalid, "effective.err.late_reason")
	_, err = f.svc.Create(f.Ctx, f.officer, incubation.BaseInput{Name: "社区基地", HostType: "other", DivisionCode: street,
		Level: "community", OpenedOn: recent})
	want(t, err, errs.Invalid, "base.err.level_division")
	b, err := f.svc.Create(f.Ctx, f.districtOfficer, incubation.BaseInput{Name: "区级基地", HostType: "other", DivisionCode: district,
		OpenedOn: "2021-10-01", LateReason: "2021年纸质台账补录"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Level != "district" || !b.Late || b.LateReason != "2021年纸质台账补录" {
		t.Fatalf("district base %+v", b)
	}
	s, err := f.svc.Create(f.Ctx, f.officer, incubation.BaseInput{Name: "街道基地", HostType: "other", DivisionCode: street, OpenedOn: recent})
	if err != nil {
		t.Fatal(err)
	}
	if s.Level != "street" || s.Late {
		t.Fatalf("street base %+v", s)
	}
	in := incubation.InputOf(s)
	in.ClosedOn = "2099-01-01"
	_, err = f.svc.Update(f.Ctx, f.officer, s.ID, in)
	want(t, err, errs.Invalid, "err.date_future")
	in.ClosedOn = today
	if s, err = f.svc.Update(f.Ctx, f.officer, s.ID, in); err != nil || s.ClosedOn != today || s.Late {
		t.Fatalf("closed today: %+v %v", s, err)
	}
}

// TestBaseDivisionRule: a base's division is judged by the unit rule
// every room shares (geo.Unit), in its order, each refusal on
// division_code: no such division (even outside the officer's street,
// which said "outside your scope" before), then a division above a
// district, then one outside the officer's street.
func TestBaseDivisionRule(t *testing.T) {
	f := setup(t)
	for _, c := range []struct{ code, key string }{
		{street + "999", "err.unknown_division"},
		{"440304999", "err.unknown_division"},
		{"4401", "err.base_division"},
		{liede, "err.outside_scope"},
	} {
		_, err := f.svc.Create(f.Ctx, f.officer, incubation.BaseInput{Name: "天河南基地", HostType: "other", DivisionCode: c.code, OpenedOn: "2023-06-01"})
		e, _ := errs.As(err)
		if e == nil || e.Fields["division_code"].Key != c.key {
			t.Errorf("%s: %v, want division_code %s", c.code, err, c.key)
		}
	}
	var n int
	if err := f.DB.Read.QueryRowContext(f.Ctx, `SELECT COUNT(*) FROM bases`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d bases written by refused forms (%v)", n, err)
	}
}

// TestDeregisteredNotServed: a base serves only organizations of its area
// that are not deregistered; a deregistered one is neither incubated nor
// booked for (err.base_org_not_served), and one the user may not book for
// is refused as such first.
func TestDeregisteredNotServed(t *testing.T) {
	f := setup(t)
	b, room := f.baseWithRoom(t)
	gone := f.org(t, f.officer, "育蕾旧舞蹈队", yulei)
	own := f.org(t, f.officer, "育蕾合唱团", yulei)
	if _, err := f.Reg.Transition(f.Ctx, f.officer, gone.ID, registry.ActDeregister, "解散"); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Enter(f.Ctx, f.officer, b.ID, incubation.IncubateeInput{OrgID: gone.ID})
	want(t, err, errs.Invalid, "err.base_org_not_served")
	book := func(u *auth.User) error {
		_, err := f.svc.Book(f.Ctx, u, b.ID, incubation.BookingInput{RoomID: room.ID, OrgID: gone.ID,
			StartsAt: at("2023-06-20", "14:00"), EndsAt: at("2023-06-20", "16:00"), Purpose: "排练"})
		return err
	}
	want(t, book(f.officer), errs.Invalid, "err.base_org_not_served")
	want(t, book(f.User(t, auth.OrgLeader, yulei, own.ID)), errs.Forbidden, "")
}
