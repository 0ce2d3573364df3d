package registry_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"linli/internal/platform/errs"
	"linli/internal/registry"
)

var china = time.FixedZone("CST", 8*3600)

// Effective dates on the write path: a change takes effect on its
// effective_on (default today), refused in the future, before the founding
// date or before the field's last change; entered more than 30 days late it
// needs a reason and is marked as a late entry.
func TestEffectiveDates(t *testing.T) {
	f := setup(t)                                       // the clock: 2023-03-01 16:00 in China
	o := f.create(t, f.street, input("育蕾社区舞蹈队", yulei)) // founded 2019-05-01, filed today
	move := func(mv registry.Move) (*registry.Org, error) { return f.reg.Move(f.ctx, f.street, o.ID, mv) }

	_, err := move(registry.Move{Action: registry.ActApprove, EffectiveOn: "2023-03-02"})
	wantErr(t, err, errs.Invalid, "effective_on")
	_, err = move(registry.Move{Action: registry.ActApprove, EffectiveOn: "2023-3-1"})
	wantErr(t, err, errs.Invalid, "effective_on")
	// filed today: an approval cannot take effect before the filing
	_, err = move(registry.Move{Action: registry.ActApprove, EffectiveOn: "2023-02-27"})
	wantErr(t, err, errs.Invalid, "effective_on")

	// an organization loaded with its past: filed in 2021, approved, then a
	// hub, recorded years later
	in := input("育蕾长者协会", yulei)
	in.Tier, in.EffectiveOn, in.LateReason = registry.TierStreet, "2021-01-04", "2021 年台账补录"
	old := f.create(t, f.street, in)
	_, err = f.reg.Move(f.ctx, f.street, old.ID, registry.Move{Action: registry.ActApprove, EffectiveOn: "2021-02-01"})
	wantErr(t, err, errs.Invalid, "late_reason")
	if _, err := f.reg.Move(f.ctx, f.street, old.ID, registry.Move{Action: registry.ActApprove, EffectiveOn: "2021-02-01",
		LateReason: "2021 年台账补录"}); err != nil {
		t.Fatal(err)
	}
	// deregistered before it was approved: out of order
	_, err = f.reg.Move(f.ctx, f.street, old.ID, registry.Move{Action: registry.ActDeregister, Reason: "解散",
		EffectiveOn: "2021-01-20", LateReason: "补录"})
	wantErr(t, err, errs.Invalid, "effective_on")
	// before the founding date
	cur, _ := f.reg.Get(f.ctx, f.street, old.ID)
	upd := registry.InputOf(cur)
	upd.Hub, upd.EffectiveOn, upd.LateReason = true, "2019-04-30", "补录"
	_, err = f.reg.Update(f.ctx, f.street, old.ID, upd)
	wantErr(t, err, errs.Invalid, "effective_on")
	upd.EffectiveOn, upd.Types = "2021-06-01", []string{"culture_sports", "volunteer"}
	if _, err := f.reg.Update(f.ctx, f.street, old.ID, upd); err != nil {
		t.Fatal(err)
	}
	// a change within 30 days needs no reason
	cur, _ = f.reg.Get(f.ctx, f.street, old.ID)
	upd = registry.InputOf(cur)
	upd.VolunteerMark, upd.EffectiveOn = true, "2023-02-01"
	if _, err := f.reg.Update(f.ctx, f.street, old.ID, upd); err != nil {
		t.Fatal(err)
	}

	evs, err := f.reg.History(f.ctx, f.admin, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		late := "on time"
		if e.Late {
			late = "late: " + e.LateReason
		}
		if e.EnteredAt == nil || !e.EnteredAt.Equal(f.now) {
			t.Errorf("%s entered %v", e.Field, e.EnteredAt)
		}
		got = append(got, e.At.In(china).Format(time.DateOnly)+" "+e.Field+" "+e.OldValue+"→"+e.Value+" "+late)
	}
	slices.Sort(got)
	want := []string{
		"2021-01-04 groups →1 late: 2021 年台账补录",
		"2021-01-04 party_org →none late: 2021 年台账补录",
		"2021-01-04 status →pending late: 2021 年台账补录",
		"2021-01-04 tier →street late: 2021 年台账补录",
		"2021-01-04 types →8 late: 2021 年台账补录",
		"2021-02-01 status pending→active late: 2021 年台账补录",
		"2021-06-01 hub 0→1 late: 补录",
		"2021-06-01 types 8→40 late: 补录",
		"2023-02-01 volunteer_mark 0→1 on time",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("history:\n%q\nwant\n%q", got, want)
	}
	rows := auditRows(t, f, old.ID)
	var lateAudits int
	for _, r := range rows {
		if r.Action == "org.transition" || r.Action == "org.update" || r.Action == "org.create" {
			if d := string(r.Detail); strings.Contains(d, "late") {
				lateAudits++
			}
		}
	}
	if lateAudits != 3 {
		t.Fatalf("%d audit rows say late entry, want 3: %+v", lateAudits, rows)
	}
}
