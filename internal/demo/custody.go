package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"linli/internal/hub"
	"linli/internal/ledger"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/weighted"
)

// Custody (资金代管): a few hubs, the demonstration hub of 天河南街道 first,
// take organizations of their street into custody with their consent. Their
// finance staff records the money received for them (government purchase,
// venture philanthropy, donations, community funds) with voucher numbers;
// leaders, or the finance staff for organizations without an account,
// submit expenses with a receipt; the hub's director approves most and
// returns a few with a reason. One income typed wrong is reversed and
// entered again, one expense claimed twice is reversed. The last expenses
// wait for a decision, so the hub and leader accounts have work to do.
//
// Only a few hubs keep books: every account costs a password hash at
// start-up, and a hub needs two staff (the approver is never the submitter).

// hubTeam is a custody hub and its staff.
type hubTeam struct {
	hub      *planned
	demo     bool
	director *auth.User // takes organizations in, approves and returns expenses, reverses
	finance  *auth.User // records income, submits expenses for organizations without an account
	since    time.Time
	gap      [2]int // days between an expense's decision and the next one
	members  []*member
	vouchers map[string]int // by year
}

// member is an organization in a hub's custody.
type member struct {
	org    *planned
	leader *auth.User // submits the organization's expenses; nil: the finance staff does
	joined time.Time
}

// posted holds a posting once its event has run.
type posted struct{ p *ledger.Posting }

// claim holds an expense once its event has run.
type claim struct{ e *ledger.Expense }

// walk is how one account's money moves.
type walk struct {
	wrongIncome  bool // the second income is typed wrong, reversed and entered again
	duplicate    bool // the second approved expense is claimed again and reversed
	pendingAtEnd bool // end with an expense waiting, submitted in the last days
}

var consentNotes = []string{
	"经成员大会讨论同意，委托枢纽组织代管项目资金",
	"负责人代表组织签署资金代管协议",
	"经社区党组织见证，签订资金代管协议",
	"组织无独立账户，申请由枢纽组织代管活动经费",
}

var servicePrograms = []string{"长者关爱", "邻里守望", "青少年成长护航", "社区文化惠民", "平安社区共建", "困境儿童关爱", "垃圾分类宣传"}

var donors = []string{"辖内爱心企业", "辖内商户", "社区居民", "共建单位党支部", "热心街坊"}

// expenseItems: %s is the street's short name, "" a made-up person.
var expenseItems = []struct{ purpose, payee string }{
	{"活动物资采购（矿泉水、纸巾、文具）", "%s便民超市"},
	{"活动宣传海报及横幅制作", "%s文印店"},
	{"长者生日会蛋糕及水果", "%s惠民超市"},
	{"探访困难长者慰问品", "%s粮油副食店"},
	{"排练服装租赁", "%s服装租赁部"},
	{"活动音响设备租用", "%s音响租赁部"},
	{"手工课材料", "%s文具店"},
	{"志愿者服务保险", "%s志愿服务站（代收统保保费）"},
	{"培训讲师课酬", ""},
	{"外出交流学习交通费", ""},
}

var ownExpenseItems = []struct{ purpose, payee string }{
	{"枢纽组织办公耗材", "%s文具店"},
	{"社区社会组织负责人培训场地布置", "%s文印店"},
	{"代管资金台账及凭证装订", "%s文印店"},
	{"组织交流会茶点", "%s惠民超市"},
}

var expenseReturnReasons = []string{
	"票据抬头与组织名称不一致，请重新开具后提交",
	"缺少活动签到表和现场照片，请补充后重新提交",
	"报销金额与票据金额不符，请核对后重新提交",
	"该项支出不在本年度项目预算内，请先调整预算",
}

// custodyDistricts is how many other districts have a custody hub besides
// the demonstration's: 海珠 (where the haizhu account looks) and others.
const custodyDistricts = 5

// planCustody picks the custody hubs (the demonstration hub, and one in
// custodyDistricts other districts) and schedules everything they do.
func (s *supporter) planCustody() {
	s.team(s.demoHub, true)
	var order []int
	for _, i := range s.r.Perm(len(s.areas)) {
		switch s.areas[i].code {
		case "440105":
			order = append([]int{i}, order...)
		case demoDistrict:
		default:
			order = append(order, i)
		}
	}
	n := 0
	for _, i := range order {
		if n == custodyDistricts {
			break
		}
		hubs := s.hubsOf(s.areas[i].code)
		perm := s.r.Perm(len(hubs))
		slices.SortStableFunc(perm, func(a, b int) int { // hubs that run a base first
			return len(s.runs[hubs[b].id]) - len(s.runs[hubs[a].id])
		})
		for _, i := range perm {
			if s.team(hubs[i], false) != nil {
				n++
				break
			}
		}
	}
}

// team plans one custody hub, or returns nil when it has too little time or
// too few organizations to show.
func (s *supporter) team(h *planned, demo bool) *hubTeam {
	start := maxTime(s.hubSince[h.id], s.filed[h.id])
	since := maxTime(s.later(start, 20, 120), day(2022, 1, 10))
	if demo && !s.past(since.AddDate(0, 0, 40)) {
		since = s.later(start, 1, 3)
	}
	if !s.past(since.AddDate(0, 0, 40)) || (!demo && !s.past(since.AddDate(0, 0, 120))) {
		return nil
	}
	t := &hubTeam{hub: h, demo: demo, since: since, gap: [2]int{120, 300}, vouchers: map[string]int{}}
	if demo {
		t.gap = [2]int{20, 60}
	}
	var cands []*planned
	if demo {
		cands = append(cands, s.leaderOrg)
	}
	others := s.orgsOf(h.street)
	for _, i := range s.r.Perm(len(others)) {
		if others[i] != s.leaderOrg {
			cands = append(cands, others[i])
		}
	}
	want := 2 + s.r.IntN(2)
	if demo {
		want = 4
	}
	joined := s.later(since, 0, 20)
	for _, c := range cands {
		if len(t.members) == want {
			break
		}
		j := maxTime(joined, s.later(s.filed[c.id], 3, 20))
		if !s.past(j.AddDate(0, 0, 30)) {
			continue
		}
		t.members = append(t.members, &member{org: c, joined: j})
		joined = s.later(j, 10, 120)
	}
	if len(t.members) < 2 || (demo && t.members[0].org != s.leaderOrg) {
		return nil
	}
	s.custody[h.id] = t
	s.res.CustodyHubs++

	// the staff
	if demo {
		t.director = s.accounts["hub"]
	} else {
		s.newUser(since.Add(-74*time.Hour), &t.director, auth.NewUser{Username: fmt.Sprintf("hub%d", h.id),
			DisplayName: s.names.person(), Role: auth.HubStaff, ScopeCode: h.street, OrgID: h.id})
	}
	finance := fmt.Sprintf("hub%d.finance", h.id)
	if demo {
		finance = "hub-finance"
	}
	s.newUser(since.Add(-73*time.Hour), &t.finance, auth.NewUser{Username: finance,
		DisplayName: s.names.person(), Role: auth.HubStaff, ScopeCode: h.street, OrgID: h.id})

	// the organizations: in custody, then their money
	for i, m := range t.members {
		s.takeIn(t, m)
		switch {
		case m.org == s.leaderOrg:
			m.leader = s.accounts["leader"]
		case i == 0:
			s.newUser(s.later(m.joined, 1, 3), &m.leader, auth.NewUser{Username: fmt.Sprintf("leader%d", m.org.id),
				DisplayName: m.org.in.LeaderName, Role: auth.OrgLeader, ScopeCode: m.org.in.CommunityCode, OrgID: m.org.id})
		}
		w := walk{}
		switch {
		case demo && i == 1:
			w.wrongIncome, w.pendingAtEnd = true, true
		case demo && i == 0:
			w.pendingAtEnd = true
		case !demo && i == 1 && s.res.CustodyHubs == 3: // the second hub after the demonstration's
			w.duplicate = true
		}
		s.money(t, m, w)
	}
	if demo { // the hub's own money
		s.money(t, &member{joined: since}, walk{pendingAtEnd: true})
	}
	return t
}

// takeIn schedules an organization's coming into custody.
func (s *supporter) takeIn(t *hubTeam, m *member) {
	consentOn := clock.Day(maxTime(m.joined.AddDate(0, 0, -1-s.r.IntN(10)), s.filed[m.org.id]))
	note := consentNotes[s.r.IntN(len(consentNotes))]
	s.on(m.joined, "take into custody", func(ctx context.Context) error {
		if _, err := s.hubsAt(m.joined).TakeIntoCustody(ctx, t.director, t.hub.id,
			hub.MemberInput{OrgID: m.org.id, ConsentOn: consentOn, ConsentNote: note}); err != nil {
			return err
		}
		s.res.InCustody++
		return nil
	})
}

// money schedules an account's income and expenses from its joining to now:
// income every few months, expenses in between while there is money.
// m.org nil is the hub's own money.
func (s *supporter) money(t *hubTeam, m *member, w walk) {
	limit := s.now.Add(-time.Hour)
	if w.pendingAtEnd {
		limit = s.now.AddDate(0, 0, -7)
	}
	at := s.later(m.joined, 5, 30)
	next, last := at, at
	var bal, waiting ledger.Fen // waiting: submitted, not decided
	incomes, approved := 0, 0
	for at.Before(limit) {
		if !at.Before(next) || bal < 300_00 {
			at = maxTime(at, next)
			if !at.Before(limit) {
				break
			}
			in := s.incomeFor(t, m, at)
			if w.wrongIncome && incomes == 1 {
				at = s.wrongIncome(t, m, at, in)
			} else {
				s.income(t, m, at, in, nil, nil)
			}
			last = at
			bal += in.Amount
			incomes++
			next = s.later(at, 90, 240)
			at = s.later(at, 3, 25)
			continue
		}
		in, receipt := s.expenseFor(t, m, at, bal)
		c := s.submit(t, m, at, in, receipt)
		dec := s.later(at, 1, 6)
		last = at
		if !dec.Before(limit) {
			waiting += in.Amount
			break // waits for the hub
		}
		if s.r.Float64() < 0.12 {
			s.decide(t, dec, c, expenseReturnReasons[s.r.IntN(len(expenseReturnReasons))])
			again := s.later(dec, 2, 10)
			last = dec
			if !again.Before(limit) {
				break
			}
			c = s.submit(t, m, again, in, receipt)
			dec = s.later(again, 1, 5)
			last = again
			if !dec.Before(limit) {
				waiting += in.Amount
				break
			}
		}
		s.decide(t, dec, c, "")
		last = dec
		bal -= in.Amount
		approved++
		if w.duplicate && approved == 2 && bal >= in.Amount {
			w.duplicate = false
			dup := s.later(dec, 1, 3)
			dc := s.submit(t, m, dup, in, receipt)
			ddec := s.later(dup, 1, 2)
			rev := s.later(ddec, 7, 20)
			if rev.Before(limit) {
				s.decide(t, ddec, dc, "")
				s.reverseExpense(t, rev, dc, c)
				dec, last = rev, rev
			} else {
				dec, last = dup, dup // it waits
				waiting += in.Amount
			}
		}
		at = s.later(dec, t.gap[0], t.gap[1])
	}
	if w.pendingAtEnd && bal-waiting >= 100_00 {
		at = s.later(maxTime(last, s.now.AddDate(0, 0, -6)), 1, 2)
		if s.past(at) {
			in, receipt := s.expenseFor(t, m, at, bal-waiting)
			s.submit(t, m, at, in, receipt)
		}
	}
}

func (s *supporter) orgID(t *hubTeam, m *member) int64 {
	if m.org == nil {
		return t.hub.id
	}
	return m.org.id
}

// incomeFor makes up money received for an account.
func (s *supporter) incomeFor(t *hubTeam, m *member, at time.Time) ledger.IncomeInput {
	st := s.streetOf(t.hub.street)
	year := clock.Year(at)
	received := clock.Day(at.AddDate(0, 0, -s.r.IntN(4)))
	if j := clock.Day(m.joined); received < j {
		received = j
	}
	if m.org == nil {
		return ledger.IncomeInput{Amount: ledger.Fen(300+s.r.IntN(51)) * 100_00, Source: "government_purchase",
			ReceivedOn: received, Memo: fmt.Sprintf("%d年%s枢纽型社会组织运营经费", year, st.stem)}
	}
	src := weighted.Pick(s.r, []string{"government_purchase", "venture_philanthropy", "donation", "community_fund"}, []int{30, 25, 25, 20})
	in := ledger.IncomeInput{Source: src, ReceivedOn: received}
	switch src {
	case "government_purchase":
		in.Amount = ledger.Fen(150+s.r.IntN(451)) * 100_00
		in.Memo = fmt.Sprintf("%d年%s“%s”服务项目经费", year, st.stem, servicePrograms[s.r.IntN(len(servicePrograms))])
	case "venture_philanthropy":
		in.Amount = ledger.Fen(10+s.r.IntN(51)) * 500_00
		in.Memo = fmt.Sprintf("%d年%s社区公益微创投资助款", year, s.districtName(t.hub.district))
	case "donation":
		in.Amount = ledger.Fen(300+s.r.IntN(4701))*100 + ledger.Fen(s.r.IntN(2)*50)
		in.Memo = donors[s.r.IntN(len(donors))] + "定向捐赠"
	default:
		in.Amount = ledger.Fen(20+s.r.IntN(81)) * 100_00
		in.Memo = s.communityLabel(m.org.in.CommunityCode) + "社区基金资助款"
	}
	return in
}

// expenseFor makes up an expense of a part of the balance, with its receipt.
func (s *supporter) expenseFor(t *hubTeam, m *member, at time.Time, bal ledger.Fen) (ledger.ExpenseInput, *ledger.Upload) {
	pct := ledger.Fen(5 + s.r.IntN(21))
	amt := min(max(bal*pct/100, 80_00), 8000_00) / 100 * 100
	if s.r.IntN(3) == 0 {
		amt += ledger.Fen(s.r.IntN(100))
	}
	amt = min(amt, bal)
	items := expenseItems
	if m.org == nil {
		items = ownExpenseItems
	}
	item := items[s.r.IntN(len(items))]
	payee := s.names.person()
	if item.payee != "" {
		payee = fmt.Sprintf(item.payee, s.streetOf(t.hub.street).stem)
	}
	spent := clock.Day(at.AddDate(0, 0, -s.r.IntN(7)))
	if j := clock.Day(m.joined); spent < j {
		spent = j
	}
	in := ledger.ExpenseInput{Amount: amt, Purpose: item.purpose, Payee: payee, SpentOn: spent}
	no := fmt.Sprintf("%s%04d", spent[:4]+spent[5:7]+spent[8:], s.r.IntN(10000))
	if s.r.IntN(10) < 7 {
		return in, &ledger.Upload{Filename: "票据-" + no + ".png", Data: receiptPNG(s.r)}
	}
	return in, &ledger.Upload{Filename: "receipt-" + no + ".pdf", Data: receiptPDF(no, spent, amt.Plain())}
}

// income schedules money received; ref, when set, gives the voucher of an
// earlier posting (the same slip entered again).
func (s *supporter) income(t *hubTeam, m *member, at time.Time, in ledger.IncomeInput, out, ref *posted) {
	s.on(at, "record income", func(ctx context.Context) error {
		switch {
		case ref != nil:
			in.Voucher = ref.p.Voucher
		default:
			y := clock.Day(at)[:4]
			t.vouchers[y]++
			in.Voucher = fmt.Sprintf("DG%s-%04d", y, t.vouchers[y])
		}
		p, err := s.ledgerAt(at).RecordIncome(ctx, t.finance, s.orgID(t, m), in, nil)
		if err != nil {
			return err
		}
		if out != nil {
			out.p = p
		}
		s.res.Incomes++
		return nil
	})
}

// wrongIncome enters an income with one zero too many, has the director
// reverse it the next working day and enters it again; it returns when the
// correction is done.
func (s *supporter) wrongIncome(t *hubTeam, m *member, at time.Time, in ledger.IncomeInput) time.Time {
	wrong := in
	wrong.Amount = in.Amount * 10
	p := &posted{}
	s.income(t, m, at, wrong, p, nil)
	rev := s.later(at, 1, 2)
	reason := fmt.Sprintf("录入金额有误（应为%s元），冲销后按原凭证重新入账", in.Amount.String())
	s.on(rev, "reverse income", func(ctx context.Context) error {
		if _, err := s.ledgerAt(rev).Reverse(ctx, t.director, p.p.ID, reason); err != nil {
			return err
		}
		s.res.Reversals++
		return nil
	})
	fix := rev.Add(20 * time.Minute)
	s.income(t, m, fix, in, nil, p)
	return fix
}

// submit schedules an expense's submission: by the organization's leader,
// or by the finance staff for it (and for the hub's own money).
func (s *supporter) submit(t *hubTeam, m *member, at time.Time, in ledger.ExpenseInput, receipt *ledger.Upload) *claim {
	c := &claim{}
	s.on(at, "submit expense", func(ctx context.Context) error {
		u := t.finance
		if m.leader != nil {
			u = m.leader
		}
		e, err := s.ledgerAt(at).SubmitExpense(ctx, u, s.orgID(t, m), in, receipt)
		if err != nil {
			return err
		}
		c.e = e
		s.res.Expenses++
		s.res.Pending++
		return nil
	})
	return c
}

// decide schedules the director's decision: approval, or return with a reason.
func (s *supporter) decide(t *hubTeam, at time.Time, c *claim, reason string) {
	s.on(at, "decide expense", func(ctx context.Context) error {
		l := s.ledgerAt(at)
		var err error
		if reason == "" {
			c.e, err = l.ApproveExpense(ctx, t.director, c.e.ID)
		} else {
			c.e, err = l.ReturnExpense(ctx, t.director, c.e.ID, reason)
			s.res.Returned++
		}
		if err != nil {
			return err
		}
		s.res.Pending--
		return nil
	})
}

// reverseExpense schedules the reversal of an expense paid twice.
func (s *supporter) reverseExpense(t *hubTeam, at time.Time, dup, orig *claim) {
	s.on(at, "reverse expense", func(ctx context.Context) error {
		reason := fmt.Sprintf("与第%d号支出为同一张票据，重复报销，予以冲销", orig.e.ID)
		if _, err := s.ledgerAt(at).Reverse(ctx, t.director, dup.e.PostingID, reason); err != nil {
			return err
		}
		s.res.Reversals++
		return nil
	})
}

// streetOf finds a street of the hierarchy.
func (s *supporter) streetOf(code string) *street {
	for _, a := range s.areas {
		if a.code != code[:6] {
			continue
		}
		for _, st := range a.streets {
			if st.code == code {
				return st
			}
		}
	}
	return &street{code: code, name: code, stem: code}
}

func (s *supporter) districtName(code string) string {
	for _, a := range s.areas {
		if a.code == code {
			return a.name
		}
	}
	return code
}

func (s *supporter) communityLabel(code string) string {
	for _, c := range s.streetOf(code[:9]).comms {
		if c.code == code {
			return c.label
		}
	}
	return code
}
