package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"linli/internal/ledger"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
)

// model is what the ledger should hold, computed the simple way.
type model struct {
	balance  map[int64]ledger.Fen // organization (or the hub, for its own money) → money held
	pending  []modelExpense
	postings []modelPosting
}

type modelExpense struct {
	id        int64
	org       int64
	amount    ledger.Fen
	submitter *auth.User
}

type modelPosting struct {
	id       int64
	org      int64
	delta    ledger.Fen // what it did to the organization's money
	reversal bool
	reversed bool
}

// TestModelBased drives random sequences of income, expenses, approvals,
// returns, reversals and idempotent retries, and after every step checks the
// ledger against the model and its own invariants (Verify: chain, balanced
// postings, balances equal lines, no account below zero, hub cash equals
// what it holds plus its own).
func TestModelBased(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) { runModel(t, seed, 150) })
	}
}

func runModel(t *testing.T, seed uint64, steps int) {
	f := setup(t)
	r := rand.New(rand.NewPCG(seed, 7))
	orgs := []int64{f.orgA.ID, f.orgB.ID, f.hubOrg.ID}
	leaders := map[int64]*auth.User{f.orgA.ID: f.leaderA, f.orgB.ID: f.leaderB}
	staff := []*auth.User{f.staff1, f.staff2}
	m := &model{balance: map[int64]ledger.Fen{}}
	keyN := 0
	var lastKey *idem.Key
	var lastIncome ledger.IncomeInput
	var lastOrg int64
	seen := map[string]int{}
	defer func() {
		t.Logf("operations: %v", seen)
		for _, k := range []string{"income", "retry", "submit", "approve", "refuse", "return", "reverse", "reverse refused"} {
			if seen[k] == 0 && !t.Failed() {
				t.Errorf("the random sequence never did %q; change the seed or the steps", k)
			}
		}
	}()
	for step := range steps {
		f.clock.Advance(3600e9)
		op := r.IntN(100)
		var desc string
		switch {
		case op < 30: // income, sometimes with an idempotency key
			org := orgs[r.IntN(len(orgs))]
			in := ledger.IncomeInput{Amount: ledger.Fen(1 + r.IntN(50000)), Source: ledger.Sources[r.IntN(len(ledger.Sources))],
				Voucher: fmt.Sprintf("V%d", step), ReceivedOn: ledger.Today(f.clock.Now())}
			ctx := f.ctx
			if r.IntN(2) == 0 {
				keyN++
				lastKey = &idem.Key{UserID: f.staff1.ID, Key: fmt.Sprintf("key-%d", keyN), Hash: fmt.Sprintf("h-%d", step), Status: 201}
				lastIncome, lastOrg = in, org
				ctx = idem.With(ctx, lastKey)
			}
			p, err := f.led.RecordIncome(ctx, f.staff1, org, in, nil)
			if err != nil {
				t.Fatalf("step %d income: %v", step, err)
			}
			m.balance[org] += in.Amount
			m.postings = append(m.postings, modelPosting{id: p.ID, org: org, delta: in.Amount})
			desc = fmt.Sprintf("income %d to %d", in.Amount, org)
			seen["income"]++
		case op < 38 && lastKey != nil: // a retry of the last keyed income posts nothing
			_, err := f.led.RecordIncome(idem.With(f.ctx, lastKey), f.staff1, lastOrg, lastIncome, nil)
			if _, ok := idem.AsReplay(err); !ok {
				t.Fatalf("step %d retry: %v", step, err)
			}
			desc = "retry"
			seen["retry"]++
		case op < 60: // submit
			org := orgs[r.IntN(len(orgs))]
			by := staff[r.IntN(2)]
			if l, ok := leaders[org]; ok && r.IntN(2) == 0 {
				by = l
			}
			amt := ledger.Fen(1 + r.IntN(60000))
			e := f.expense(t, by, org, amt, fmt.Sprintf("用途 %d", step))
			m.pending = append(m.pending, modelExpense{id: e.ID, org: org, amount: amt, submitter: by})
			desc = fmt.Sprintf("submit %d for %d", amt, org)
			seen["submit"]++
		case op < 80 && len(m.pending) > 0: // approve
			i := r.IntN(len(m.pending))
			e := m.pending[i]
			by := staff[0]
			if by.ID == e.submitter.ID {
				by = staff[1]
			}
			got, err := f.led.ApproveExpense(f.ctx, by, e.id)
			if m.balance[e.org] >= e.amount {
				if err != nil {
					t.Fatalf("step %d approve %d (%d of %d): %v", step, e.id, e.amount, m.balance[e.org], err)
				}
				m.balance[e.org] -= e.amount
				m.postings = append(m.postings, modelPosting{id: got.PostingID, org: e.org, delta: -e.amount})
				m.pending = slices.Delete(m.pending, i, i+1)
				seen["approve"]++
			} else if !errs.Is(err, errs.Conflict) {
				t.Fatalf("step %d: approving %d with %d held: %v, want refusal", step, e.amount, m.balance[e.org], err)
			} else {
				seen["refuse"]++
			}
			desc = fmt.Sprintf("approve %d", e.id)
		case op < 88 && len(m.pending) > 0: // return
			i := r.IntN(len(m.pending))
			if _, err := f.led.ReturnExpense(f.ctx, staff[r.IntN(2)], m.pending[i].id, "请补充说明"); err != nil {
				if m.pending[i].submitter.Role == auth.HubStaff && errs.Is(err, errs.Forbidden) {
					continue // the submitter may not decide; the other staff member will
				}
				t.Fatalf("step %d return: %v", step, err)
			}
			m.pending = slices.Delete(m.pending, i, i+1)
			desc = "return"
			seen["return"]++
		case len(m.postings) > 0: // reverse
			i := r.IntN(len(m.postings))
			p := m.postings[i]
			_, err := f.led.Reverse(f.ctx, staff[r.IntN(2)], p.id, "冲销")
			seen["reverse refused"]++
			switch {
			case p.reversal:
				wantCode(t, err, errs.Conflict, "err.reverse_reversal")
			case p.reversed:
				wantCode(t, err, errs.Conflict, "err.already_reversed")
			case m.balance[p.org]-p.delta < 0:
				wantCode(t, err, errs.Conflict, "err.insufficient_funds")
			case err != nil:
				t.Fatalf("step %d reverse %d: %v", step, p.id, err)
			default:
				seen["reverse refused"]--
				seen["reverse"]++
				m.balance[p.org] -= p.delta
				m.postings[i].reversed = true
				rev := modelPosting{org: p.org, delta: -p.delta, reversal: true}
				st, _ := f.led.OrgStatement(f.ctx, f.district, p.org, ledger.Period{From: "2000-01-01", To: "2099-12-31"})
				rev.id = st.Entries[len(st.Entries)-1].PostingID
				m.postings = append(m.postings, rev)
			}
			desc = fmt.Sprintf("reverse %d", p.id)
		default:
			continue
		}
		f.check(t, m, step, desc)
	}
}

// check compares the ledger with the model and runs every invariant.
func (f *fixture) check(t *testing.T, m *model, step int, desc string) {
	t.Helper()
	rep, err := ledger.Verify(f.ctx, f.db)
	if err != nil || rep.Problem != nil {
		t.Fatalf("step %d (%s): verify %v %v", step, desc, err, rep.Problem)
	}
	if rep.Postings != int64(len(m.postings)) {
		t.Fatalf("step %d (%s): %d postings, model %d", step, desc, rep.Postings, len(m.postings))
	}
	all := ledger.Period{From: "2000-01-01", To: "2099-12-31"}
	var held ledger.Fen
	for _, org := range []int64{f.orgA.ID, f.orgB.ID, f.hubOrg.ID} {
		st, err := f.led.OrgStatement(f.ctx, f.district, org, all)
		if errs.Is(err, errs.NotFound) && m.balance[org] == 0 {
			continue // the hub has no money of its own yet
		}
		if err != nil {
			t.Fatalf("step %d: statement %d: %v", step, org, err)
		}
		if st.Balance != m.balance[org] || st.Closing != m.balance[org] {
			t.Fatalf("step %d (%s): org %d balance %d closing %d, model %d", step, desc, org, st.Balance, st.Closing, m.balance[org])
		}
		held += st.Balance
	}
	hs, err := f.led.HubStatementFor(f.ctx, f.staff1, f.hubOrg.ID, all)
	if err != nil {
		t.Fatal(err)
	}
	if hs.CashClosing != held || hs.HeldClosing+hs.OwnClosing != hs.CashClosing {
		t.Fatalf("step %d (%s): cash %d, held %d + own %d, model %d", step, desc, hs.CashClosing, hs.HeldClosing, hs.OwnClosing, held)
	}
}
