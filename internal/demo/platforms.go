package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/incubation"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/platform/weighted"
)

// Incubation bases (培育基地, “安家”工程): a district-level base in most
// districts, and street- or community-level bases in a share of the streets,
// housed in party-mass service centres, civilisation practice stations and
// social-work stations, often run by the street's hub. The plan asks for
// half of every district's streets to be covered by 2021-12-31; the table
// below has districts that made it, districts close to it, districts far
// from it and two with no base at all, and coverage growing since.

// platformPlan is a district's (made-up) record on bases and social workers.
type platformPlan struct {
	district     string
	early, total int       // streets with a street- or community-level base by 2021-12-31, and by now
	districtBase time.Time // the district-level base's opening; zero: none
	workers      float64   // share of its hubs with social workers
}

var platformPlans = []platformPlan{
	{"440103", 12, 16, day(2021, 10, 20), 1.00}, // 荔湾 22 streets: 55% by the deadline
	{"440104", 11, 15, day(2021, 10, 12), 1.00}, // 越秀 18: 61%
	{"440105", 8, 13, day(2021, 11, 8), 0.85},   // 海珠 18: 44%, close
	{"440106", 11, 16, day(2021, 10, 26), 0.90}, // 天河 21: 52%
	{"440111", 6, 13, day(2022, 3, 15), 0.50},   // 白云 24: 25%
	{"440112", 7, 11, day(2021, 12, 6), 0.75},   // 黄埔 17: 41%, close
	{"440113", 4, 9, day(2022, 5, 18), 0.60},    // 番禺 16: 25%
	{"440114", 1, 4, time.Time{}, 0},            // 花都 10: 10%, no social workers
	{"440115", 0, 0, time.Time{}, 0.40},         // 南沙: no base
	{"440117", 0, 3, day(2022, 9, 1), 0},        // 从化: a district base only in 2022, no social workers
	{"440118", 0, 0, time.Time{}, 0.30},         // 增城: no base
}

// streetHosts are how a street-level base is housed: %[1]s is the district,
// %[2]s the street, %[3]s its short name.
var streetHosts = []struct {
	host, name, address string
	w                   int
}{
	{"party_mass_center", "%[3]s社区社会组织培育基地", "%[1]s%[2]s党群服务中心二楼", 45},
	{"civilization_center", "%[3]s新时代文明实践所社会组织孵化站", "%[1]s%[2]s新时代文明实践所", 25},
	{"social_work_station", "%[3]s社区社会组织孵化空间", "%[1]s%[2]s社工服务站一楼", 30},
}

var openingHours = []string{
	"周一至周五 9:00—12:00，14:00—18:00",
	"周二至周日 9:00—12:00，14:30—21:00（周一闭馆）",
	"周一至周六 8:30—17:30",
	"每天 9:00—21:00",
}

type roomKind struct {
	name       string
	minC, maxC int
	facilities string
}

var (
	districtRooms = []roomKind{
		{"路演厅", 80, 150, "LED屏、音响、舞台"},
		{"培训室", 30, 50, "投影仪、讲台、课桌椅"},
	}
	streetRooms = []roomKind{
		{"多功能活动室", 30, 60, "投影仪、音响、可移动桌椅"},
		{"会议室", 10, 20, "会议桌、电视屏、白板"},
		{"排练室", 15, 30, "镜墙、音响、把杆"},
		{"党员活动室", 15, 30, "党建书籍、投影仪"},
		{"洽谈室", 4, 8, "沙发、茶几"},
	}
)

var incubationNotes = []string{
	"入驻孵化：场地支持、能力建设与项目辅导",
	"参加“同行计划”孵化，导师一对一陪伴成长",
	"由兴趣小组转为社区社会组织，孵化规范化管理",
	"孵化期内完成简易章程制定和负责人培训",
}

var bookingPurposes = []string{"组织成员月度例会", "长者合唱排练", "四点半课堂", "志愿者培训", "项目督导会", "亲子手工活动",
	"邻里议事会议", "舞蹈排练", "负责人财务培训"}

// base is a planned base.
type base struct {
	in       incubation.BaseInput
	by       func() *auth.User
	opened   time.Time
	operator *planned  // set later when the hub was not yet filed at the opening
	run      time.Time // when the operator runs it
	rooms    []roomKind
	id       int64
	roomIDs  []int64
}

// planBases schedules the bases of every district, their rooms and the
// organizations they incubate.
func (s *supporter) planBases() {
	districts := map[string]bool{}
	for _, pl := range platformPlans {
		a := s.area(pl.district)
		if a == nil {
			continue
		}
		if !pl.districtBase.IsZero() && s.past(pl.districtBase) {
			s.districtBase(a, pl.districtBase)
			districts[a.code] = true
		}
		var streets []*street
		for _, st := range a.streets {
			if geo.Counted(st.code) {
				streets = append(streets, st)
			}
		}
		perm := s.r.Perm(len(streets))
		if a.code == demoDistrict { // 天河南街道 among the first
			i := slices.IndexFunc(perm, func(i int) bool { return streets[i].code == demoStreet })
			perm[0], perm[i] = perm[i], perm[0]
		}
		for k, i := range perm[:min(pl.total, len(perm))] {
			opened := between(s.r, day(2021, 10, 8), day(2021, 12, 30))
			if k >= pl.early {
				opened = between(s.r, day(2022, 1, 10), day(2024, 7, 1))
			}
			if !s.past(opened.AddDate(0, 0, 1)) {
				continue
			}
			s.streetBase(a, streets[i], opened, streets[i].code != demoStreet && s.r.Float64() < 0.2)
			districts[a.code] = true
			if streets[i].code == demoStreet || s.r.Float64() < 0.12 { // a second, community-level site
				if second := between(s.r, day(2022, 3, 1), day(2024, 10, 1)); second.After(opened) && s.past(second) {
					s.streetBase(a, streets[i], second, true)
				}
			}
		}
	}
	s.res.BaseDistricts = len(districts)
}

func (s *supporter) area(code string) *area {
	for _, a := range s.areas {
		if a.code == code {
			return a
		}
	}
	return nil
}

// districtBase plans a district-level base, run by a registered hub of the
// district where there is one.
func (s *supporter) districtBase(a *area, opened time.Time) {
	host, addr := "civilization_center", a.name+"新时代文明实践中心三楼"
	if s.r.IntN(3) == 0 {
		host, addr = "party_mass_center", a.name+"党群服务中心四楼"
	}
	b := &base{opened: opened, rooms: districtRooms, by: func() *auth.User { return s.admin }}
	if a.code == demoDistrict {
		b.by = func() *auth.User { return s.accounts["tianhe"] }
	}
	b.in = incubation.BaseInput{Name: a.name + "社区社会组织孵化培育基地", HostType: host, Address: addr, DivisionCode: a.code,
		OpeningHours: openingHours[s.r.IntN(len(openingHours))], OpenedOn: clock.Day(opened),
		Services: []string{"party_building", "incubation", "capacity_building", "consulting", "training", "resource_matching", "networking"}}
	for _, h := range s.hubsOf(a.code) {
		if h.in.Tier == "registered" {
			b.operator = h
			break
		}
	}
	s.base(b, s.orgsOf(a.code), 4+s.r.IntN(4))
}

// streetBase plans a street- or community-level base, run by the street's
// hub where there is one (always in the demonstration street).
func (s *supporter) streetBase(a *area, st *street, opened time.Time, community bool) {
	h := streetHosts[weighted.Index(s.r, []int{streetHosts[0].w, streetHosts[1].w, streetHosts[2].w})]
	b := &base{opened: opened, by: func() *auth.User { return s.admin }}
	b.in = incubation.BaseInput{Name: fmt.Sprintf(h.name, a.name, st.name, st.stem), HostType: h.host,
		Address: fmt.Sprintf(h.address, a.name, st.name, st.stem), DivisionCode: st.code,
		OpeningHours: openingHours[s.r.IntN(len(openingHours))], OpenedOn: clock.Day(opened),
		Services: []string{"party_building", "incubation", "capacity_building", "consulting"}}
	if community {
		c := s.pickCommunity(st)
		b.in.Name, b.in.HostType, b.in.DivisionCode = c.label+"社会组织活动站", "party_mass_center", c.code
		b.in.Address = fmt.Sprintf("%s%s党群服务中心", st.name, c.label)
	}
	if st.code == demoStreet {
		b.by = func() *auth.User { return s.accounts["street"] }
	}
	for _, extra := range []string{"training", "resource_matching", "networking"} {
		if s.r.IntN(2) == 0 {
			b.in.Services = append(b.in.Services, extra)
		}
	}
	hubs := s.hubsOf(st.code)
	switch {
	case st.code == demoStreet:
		if !community {
			b.operator = s.demoHub
		}
	case len(hubs) > 0 && s.r.Float64() < 0.75:
		b.operator = hubs[0]
	}
	if b.operator != nil {
		b.in.Services = append(b.in.Services, "fund_custody")
	}
	n := weighted.Index(s.r, []int{5, 3, 1})
	rooms := 1
	if st.code == demoStreet && !community {
		rooms, n = 2, 3
	}
	for _, i := range s.r.Perm(len(streetRooms))[:rooms] {
		b.rooms = append(b.rooms, streetRooms[i])
	}
	s.base(b, s.orgsOf(b.in.DivisionCode), n)
}

// pickCommunity picks an urban community of a street where there is one.
func (s *supporter) pickCommunity(st *street) community {
	for _, i := range s.r.Perm(len(st.comms)) {
		if !st.comms[i].rural {
			return st.comms[i]
		}
	}
	return st.comms[s.r.IntN(len(st.comms))]
}

// base schedules a base's opening, its operator, its rooms and the
// incubation of up to n of the given organizations.
func (s *supporter) base(b *base, orgs []*planned, n int) {
	op := b.operator
	late := op != nil && s.filed[op.id].After(b.opened)
	if op != nil && !late {
		b.in.OperatorOrgID = op.id
		b.run = b.opened
	}
	s.on(b.opened, "open base", func(ctx context.Context) error {
		out, err := s.basesAt(b.opened).Create(ctx, b.by(), b.in)
		if err != nil {
			return err
		}
		b.id = out.ID
		s.res.Bases++
		return nil
	})
	if late { // the hub takes over once it is filed
		at := s.later(s.filed[op.id], 5, 40)
		if s.past(at) {
			b.run = at
			s.on(at, "base operator", func(ctx context.Context) error {
				svc := s.basesAt(at)
				cur, err := svc.Get(ctx, b.by(), b.id)
				if err != nil {
					return err
				}
				in := incubation.InputOf(cur)
				in.OperatorOrgID = op.id
				_, err = svc.Update(ctx, b.by(), b.id, in)
				return err
			})
		}
	}
	if op != nil && !b.run.IsZero() {
		s.runs[op.id] = append(s.runs[op.id], b)
	}
	at := b.opened
	for _, rk := range b.rooms {
		at = s.later(at, 0, 10)
		in := incubation.RoomInput{Name: rk.name, Capacity: rk.minC + s.r.IntN(rk.maxC-rk.minC+1), Facilities: rk.facilities}
		when := at
		s.on(when, "add room", func(ctx context.Context) error {
			r, err := s.basesAt(when).AddRoom(ctx, b.by(), b.id, in)
			if err != nil {
				return err
			}
			b.roomIDs = append(b.roomIDs, r.ID)
			s.res.Rooms++
			return nil
		})
	}
	s.incubate(b, orgs, n)
}

// incubate schedules the incubation of up to n organizations founded
// recently: most graduate after six months to a year and a half, a few
// leave, the latest are still incubating.
func (s *supporter) incubate(b *base, orgs []*planned, n int) {
	var fresh []*planned
	for _, o := range orgs {
		if o.in.FoundedOn >= "2019" && !s.incubated[o.id] {
			fresh = append(fresh, o)
		}
	}
	for _, i := range s.r.Perm(len(fresh)) {
		if n == 0 {
			break
		}
		o := fresh[i]
		entered := s.later(maxTime(b.opened, s.filed[o.id]), 10, 200)
		if !s.past(entered) {
			continue
		}
		n--
		s.incubated[o.id] = true
		note := incubationNotes[s.r.IntN(len(incubationNotes))]
		var iid int64
		s.on(entered, "incubate", func(ctx context.Context) error {
			out, err := s.basesAt(entered).Enter(ctx, b.by(), b.id, incubation.IncubateeInput{OrgID: o.id,
				EnteredOn: clock.Day(entered), Note: note})
			if err != nil {
				return err
			}
			iid = out.ID
			s.res.Incubated++
			return nil
		})
		status, left := incubation.Graduated, s.later(entered, 180, 540)
		if s.r.Float64() < 0.1 {
			status, left = incubation.Exited, s.later(entered, 60, 300)
		}
		if s.r.Float64() < 0.3 || !s.past(left) {
			continue // still incubating
		}
		s.on(left, "end incubation", func(ctx context.Context) error {
			if _, err := s.basesAt(left).Leave(ctx, b.by(), b.id, iid, status, clock.Day(left)); err != nil {
				return err
			}
			if status == incubation.Graduated {
				s.res.Graduated++
			}
			return nil
		})
	}
}

// planBookings schedules a few bookings of the rooms of the bases the
// custody hubs run (by their director) and of the demonstration street's
// base (by the hub, the leader and the community accounts): most for the
// coming weeks, a few past, one cancelled.
func (s *supporter) planBookings() {
	var teams []*hubTeam
	for _, t := range s.custody {
		teams = append(teams, t)
	}
	slices.SortFunc(teams, func(a, b *hubTeam) int { return int(a.hub.id - b.hub.id) })
	for _, t := range teams {
		runs := s.runs[t.hub.id]
		if len(runs) == 0 {
			continue
		}
		n := 2 + s.r.IntN(3)
		if t.demo {
			n = 6
		}
		for k := range n {
			b := runs[s.r.IntN(len(runs))]
			orgs := s.orgsOf(b.in.DivisionCode)
			if len(orgs) == 0 {
				continue
			}
			o := orgs[s.r.IntN(len(orgs))]
			by := func() *auth.User { return t.director }
			switch {
			case t.demo && (k == 3 || k == 5): // the leader books for its own organization
				o, by = s.leaderOrg, func() *auth.User { return s.accounts["leader"] }
			case t.demo && k == 4: // the committee for one of its community's
				for _, c := range s.orgsOf(demoCommunity) {
					if c != s.leaderOrg {
						o = c
						break
					}
				}
				by = func() *auth.User { return s.accounts["community"] }
			}
			if !strings.HasPrefix(o.in.CommunityCode, b.in.DivisionCode) {
				continue
			}
			s.booking(t, b, o, by, t.demo && k == 3)
		}
	}
}

// booking schedules one booking of a room of a base, made a few days ahead;
// cancel has the booker cancel it a few hours later.
func (s *supporter) booking(t *hubTeam, b *base, o *planned, by func() *auth.User, cancel bool) {
	from := maxTime(maxTime(b.run, s.filed[o.id]), t.since)
	booked := s.now.AddDate(0, 0, -1-s.r.IntN(6))
	if s.r.IntN(4) == 0 { // a past one
		booked = s.later(from, 20, 400)
	}
	if !s.past(booked) || !booked.After(from) {
		return
	}
	slots := []struct{ h, m, mins int }{{9, 30, 120}, {14, 30, 150}, {19, 0, 120}}
	sl := slots[s.r.IntN(len(slots))]
	d := booked.In(clock.China).AddDate(0, 0, 2+s.r.IntN(25))
	start := time.Date(d.Year(), d.Month(), d.Day(), sl.h, sl.m, 0, 0, clock.China)
	in := incubation.BookingInput{OrgID: o.id, StartsAt: start, EndsAt: start.Add(time.Duration(sl.mins) * time.Minute),
		Purpose: bookingPurposes[s.r.IntN(len(bookingPurposes))]}
	pick := s.r.IntN(3)
	var kid int64
	s.on(booked, "book a room", func(ctx context.Context) error {
		if len(b.roomIDs) == 0 {
			return nil
		}
		in.RoomID = b.roomIDs[pick%len(b.roomIDs)]
		k, err := s.basesAt(booked).Book(ctx, by(), b.id, in)
		if errs.Is(err, errs.Conflict) {
			return nil // the slot was taken: the booker chose another day
		}
		if err != nil {
			return err
		}
		kid = k.ID
		s.res.Bookings++
		return nil
	})
	if cancel {
		at := booked.Add(3 * time.Hour)
		s.on(at, "cancel a booking", func(ctx context.Context) error {
			if kid == 0 {
				return nil
			}
			if _, err := s.basesAt(at).CancelBooking(ctx, by(), b.id, kid); err != nil {
				return err
			}
			s.res.Bookings--
			return nil
		})
	}
}
