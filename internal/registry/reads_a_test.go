package registry_test

import (
	"testing"
	"time"

	"linli/internal/registry"
)

// TestNamedReadsA: the named reads other rooms use. StatusesOn gives each
// organization of a place its status as the dated history has it before a
// moment (the current column when current); FieldHistory a field's events
// in the order they took effect; FirstActive the organizations first made
// active in a window, once each (a suspension and resumption in the window
// is not a second arrival; one active before the window is not an
// arrival); OrgsIn the organizations of streets or communities, one level
// at a time; OrgLines and OrgNames by id.
func TestNamedReadsA(t *testing.T) {
	f := setup(t)
	t0 := f.now
	at := func(d time.Duration) { f.now = t0.Add(d) }
	early := f.create(t, f.street, input("育蕾早年舞蹈队", yulei))
	f.move(t, f.street, early, registry.ActApprove, "") // active before the window
	at(24 * time.Hour)
	a := f.create(t, f.street, input("育蕾合唱团", yulei))
	at(25 * time.Hour)
	f.move(t, f.street, a, registry.ActApprove, "")
	at(48 * time.Hour)
	b := f.create(t, f.street, input("志杰读书会", zhijie))
	at(49 * time.Hour)
	f.move(t, f.street, b, registry.ActApprove, "")
	at(72 * time.Hour)
	a = f.move(t, f.street, a, registry.ActSuspend, "暂停活动")
	at(96 * time.Hour)
	a = f.move(t, f.street, a, registry.ActResume, "")
	pending := f.create(t, f.street, input("育蕾筹备组", yulei))

	statuses := func(within string, cut time.Time, current bool) map[int64]string {
		t.Helper()
		rows, err := f.reg.StatusesOn(f.ctx, within, cut, current)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]string{}
		for i, r := range rows {
			if i > 0 && rows[i-1].ID >= r.ID {
				t.Errorf("statuses not in id order: %+v", rows)
			}
			out[r.ID] = r.Status
		}
		return out
	}
	if got := statuses(yulei, t0.Add(80*time.Hour), false); got[a.ID] != registry.StatusSuspended || got[early.ID] != registry.StatusActive ||
		got[pending.ID] != "" || len(got) != 3 {
		t.Errorf("statuses before the resumption %v", got)
	}
	if got := statuses(yulei, t0.Add(80*time.Hour), true); got[a.ID] != registry.StatusActive || got[pending.ID] != registry.StatusPending {
		t.Errorf("current statuses %v", got)
	}
	if got := statuses(zhijie, t0, false); len(got) != 1 || got[b.ID] != "" {
		t.Errorf("statuses of a community before its organization existed %v", got)
	}

	hist, err := f.reg.FieldHistory(f.ctx, []int64{a.ID, b.ID, pending.ID}, "status")
	if err != nil {
		t.Fatal(err)
	}
	var seq []string
	for _, e := range hist[a.ID] {
		seq = append(seq, e.Value)
	}
	if want := []string{registry.StatusActive, registry.StatusSuspended, registry.StatusActive}; len(seq) < 3 ||
		seq[len(seq)-3] != want[0] || seq[len(seq)-2] != want[1] || seq[len(seq)-1] != want[2] || len(hist[b.ID]) == 0 {
		t.Errorf("status history of %d: %v", a.ID, seq)
	}

	first, err := f.reg.FirstActive(f.ctx, "440106", t0.Add(time.Hour), t0.Add(200*time.Hour), 200)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || first[0].ID != a.ID || !first[0].At.Equal(t0.Add(25*time.Hour)) || first[0].Community != yulei ||
		first[1].ID != b.ID || first[1].Name != "志杰读书会" {
		t.Errorf("first active %+v, want 育蕾合唱团 once then 志杰读书会", first)
	}

	orgs, err := f.reg.OrgsIn(f.ctx, []string{"440106008"})
	if err != nil || len(orgs) != 4 || orgs[0].ID != early.ID || orgs[3].ID != pending.ID || orgs[3].Status != registry.StatusPending {
		t.Errorf("orgs of the street %+v %v", orgs, err)
	}
	if _, err := f.reg.OrgsIn(f.ctx, []string{"440106008", zhijie}); err == nil {
		t.Errorf("streets and communities at once: no error")
	}
	lines, err := f.reg.OrgLines(f.ctx, []int64{b.ID, a.ID, 999999})
	if err != nil || len(lines) != 2 || lines[0].ID != a.ID || lines[1].Tier != registry.TierCommunity || lines[1].Community != zhijie {
		t.Errorf("org lines %+v %v", lines, err)
	}
	if names, err := f.reg.OrgNames(f.ctx, []int64{a.ID, 999999}); err != nil || len(names) != 1 || names[a.ID] != "育蕾合唱团" {
		t.Errorf("names %v %v", names, err)
	}
}
