package ledger_test

import (
	"testing"

	"linli/internal/ledger"
	"linli/internal/platform/auth"
)

// The home board's expense counts follow the ledger's own rules, for each
// account: a hub's staff count the pending expenses at their hub that they
// decide (CanDecide: never one they submitted themselves), a leader the
// expenses of their organization returned to them; everyone else has no
// such task (no link). Each count equals the room's own list filtered by
// the room's own decision. The board used to count every pending expense
// for the staff, their own submissions included, which they cannot decide.
func TestExpenseCountsFollowTheRules(t *testing.T) {
	f := setup(t)
	f.income(t, f.staff1, f.orgA.ID, 100000)
	f.income(t, f.staff1, f.orgB.ID, 100000)
	f.expense(t, f.leaderA, f.orgA.ID, 1000, "互助队茶水")
	f.expense(t, f.staff1, f.orgB.ID, 2000, "舞蹈队服装")
	back := f.expense(t, f.leaderA, f.orgA.ID, 3000, "互助队海报")
	if _, err := f.led.ReturnExpense(f.ctx, f.staff2, back.ID, "请补充收据"); err != nil {
		t.Fatalf("return: %v", err)
	}
	noOrg := f.user(t, auth.OrgLeader, "440106008007", 0)
	for name, c := range map[string]struct {
		u                  *auth.User
		awaiting, returned int
		decides, resubmits bool
	}{
		"staff1 (submitted one)":      {u: f.staff1, awaiting: 1, decides: true},
		"staff2":                      {u: f.staff2, awaiting: 2, decides: true},
		"other hub's staff":           {u: f.otherStaff, decides: true},
		"leader A":                    {u: f.leaderA, returned: 1, resubmits: true},
		"leader B":                    {u: f.leaderB, resubmits: true},
		"leader without organization": {u: noOrg},
		"street officer":              {u: f.officer},
		"auditor":                     {u: f.auditor},
	} {
		// independently: the room's lists, filtered by the room's decision
		want := 0
		if c.decides {
			es, err := f.led.HubExpenses(f.ctx, c.u, c.u.OrgID, ledger.ExpensePending)
			if err != nil {
				t.Fatalf("%s: hub expenses: %v", name, err)
			}
			for _, e := range es {
				if ledger.CanDecide(c.u, e) {
					want++
				}
			}
		}
		n, link, err := f.led.ExpensesAwaiting(f.ctx, c.u)
		if err != nil || n != want || n != c.awaiting || (link != "") != c.decides {
			t.Errorf("%s: awaiting %d %q %v; the hub's list says %d, want %d", name, n, link, err, want, c.awaiting)
		}
		want = 0
		if c.resubmits {
			if es, err := f.led.OrgExpenses(f.ctx, c.u, c.u.OrgID, ledger.ExpenseReturned); err == nil {
				want = len(es)
			}
		}
		n, link, err = f.led.ExpensesReturned(f.ctx, c.u)
		if err != nil || n != want || n != c.returned || (link != "") != c.resubmits {
			t.Errorf("%s: returned %d %q %v; the organization's list says %d, want %d", name, n, link, err, want, c.returned)
		}
	}
}
