package registry_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

func TestLifecycle(t *testing.T) {
	f := setup(t)
	o := f.create(t, f.street, input("育蕾社区舞蹈队", yulei))
	leader := f.leader(t, "leader", o)
	step := func(t *testing.T, u *auth.User, action, reason, want string) {
		t.Helper()
		f.now = f.now.Add(time.Hour)
		got := f.move(t, u, o, action, reason)
		if got.Status != want {
			t.Fatalf("%s: status %s, want %s", action, got.Status, want)
		}
		o = got
	}
	refused := func(t *testing.T, u *auth.User, action, reason, code string, fields ...string) {
		t.Helper()
		_, err := f.reg.Transition(f.ctx, u, o.ID, action, reason)
		wantErr(t, err, code, fields...)
	}

	t.Run("filed as pending", func(t *testing.T) {
		if o.Status != registry.StatusPending {
			t.Fatalf("status %s", o.Status)
		}
		if got := registry.Allowed(f.street, o); !slices.Equal(got, []string{"approve", "return", "deregister"}) {
			t.Fatalf("street officer may %v", got)
		}
	})
	t.Run("org_leader cannot approve", func(t *testing.T) {
		if got := registry.Allowed(leader, o); len(got) != 0 {
			t.Fatalf("leader may %v", got)
		}
		refused(t, leader, registry.ActApprove, "", errs.Forbidden)
	})
	t.Run("unknown action", func(t *testing.T) {
		refused(t, f.street, "promote", "", errs.Invalid, "action")
	})
	t.Run("return needs a reason", func(t *testing.T) {
		refused(t, f.street, registry.ActReturn, "", errs.Invalid, "reason")
		refused(t, f.street, registry.ActReturn, "   ", errs.Invalid, "reason")
	})
	t.Run("return", func(t *testing.T) {
		step(t, f.street, registry.ActReturn, "请补充成员名单", registry.StatusReturned)
		if o.ReturnReason != "请补充成员名单" {
			t.Fatalf("return reason %q", o.ReturnReason)
		}
	})
	t.Run("a returned filing cannot be approved", func(t *testing.T) {
		refused(t, f.street, registry.ActApprove, "", errs.Conflict)
	})
	t.Run("leader resubmits", func(t *testing.T) {
		step(t, leader, registry.ActSubmit, "", registry.StatusPending)
		if o.ReturnReason != "" {
			t.Fatalf("return reason kept: %q", o.ReturnReason)
		}
	})
	t.Run("approve", func(t *testing.T) {
		step(t, f.street, registry.ActApprove, "", registry.StatusActive)
	})
	t.Run("suspend needs a reason", func(t *testing.T) {
		refused(t, f.street, registry.ActSuspend, "", errs.Invalid, "reason")
	})
	t.Run("suspend and resume", func(t *testing.T) {
		step(t, f.tianhe, registry.ActSuspend, "连续六个月未开展活动", registry.StatusSuspended)
		refused(t, leader, registry.ActResume, "", errs.Forbidden)
		step(t, f.street, registry.ActResume, "", registry.StatusActive)
	})
	t.Run("deregister", func(t *testing.T) {
		refused(t, f.street, registry.ActDeregister, "", errs.Invalid, "reason")
		step(t, f.street, registry.ActDeregister, "成员解散", registry.StatusDeregistered)
	})
	t.Run("nothing after deregistration", func(t *testing.T) {
		refused(t, f.street, registry.ActResume, "", errs.Conflict)
		_, err := f.reg.Update(f.ctx, f.street, o.ID, registry.InputOf(o))
		wantErr(t, err, errs.Forbidden)
	})
	t.Run("history records who, when and why", func(t *testing.T) {
		evs, err := f.reg.History(f.ctx, f.admin, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		slices.Reverse(evs)
		var got []string
		base := time.Date(2023, 3, 1, 8, 0, 0, 0, time.UTC)
		for _, e := range evs {
			if e.Field != "status" {
				continue
			}
			h := int(e.At.Sub(base) / time.Hour)
			got = append(got, strings.Join([]string{e.OldValue, e.Value, e.Username, e.Reason, strconv.Itoa(h)}, "|"))
		}
		want := []string{
			"|pending|street||0",
			"pending|returned|street|请补充成员名单|1",
			"returned|pending|leader||2",
			"pending|active|street||3",
			"active|suspended|tianhe|连续六个月未开展活动|4",
			"suspended|active|street||5",
			"active|deregistered|street|成员解散|6",
		}
		if !slices.Equal(got, want) {
			t.Fatalf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, e := range evs {
			if e.UserID == 0 {
				t.Errorf("event %+v has no user id", e)
			}
		}
	})
}

func TestWhoApproves(t *testing.T) {
	f := setup(t)
	community := f.create(t, f.street, input("育蕾社区粤曲社", yulei))
	streetTier := input("育蕾社区平安巡逻队", yulei)
	streetTier.Tier = registry.TierStreet
	street := f.create(t, f.street, streetTier)
	other := f.create(t, f.street, input("天河直街社区粤曲社", zhijie))

	t.Run("committee approves a community-tier group", func(t *testing.T) {
		if o := f.move(t, f.committee, community, registry.ActApprove, ""); o.Status != registry.StatusActive {
			t.Fatal(o.Status)
		}
	})
	t.Run("committee may not approve a street-tier group", func(t *testing.T) {
		_, err := f.reg.Transition(f.ctx, f.committee, street.ID, registry.ActApprove, "")
		wantErr(t, err, errs.Forbidden)
	})
	t.Run("committee of another community sees nothing", func(t *testing.T) {
		_, err := f.reg.Transition(f.ctx, f.committee, other.ID, registry.ActApprove, "")
		wantErr(t, err, errs.NotFound)
	})
	t.Run("hub staff and auditors approve nothing", func(t *testing.T) {
		for _, u := range []*auth.User{f.hub, f.auditor} {
			_, err := f.reg.Transition(f.ctx, u, street.ID, registry.ActApprove, "")
			wantErr(t, err, errs.Forbidden)
		}
	})
	t.Run("district officer approves a street-tier group", func(t *testing.T) {
		if o := f.move(t, f.tianhe, street, registry.ActApprove, ""); o.Status != registry.StatusActive {
			t.Fatal(o.Status)
		}
	})
	t.Run("committee records an active community-tier group", func(t *testing.T) {
		in := input("育蕾社区书法协会", yulei)
		in.Status = registry.StatusActive
		if o := f.create(t, f.committee, in); o.Status != registry.StatusActive {
			t.Fatal(o.Status)
		}
	})
}

func TestUpdate(t *testing.T) {
	f := setup(t)
	o := f.create(t, f.street, input("育蕾社区舞蹈队", yulei))
	t.Run("no change writes nothing", func(t *testing.T) {
		logs := f.count(t, "audit_log")
		got, err := f.reg.Update(f.ctx, f.street, o.ID, registry.InputOf(o))
		if err != nil || got.Version != o.Version || f.count(t, "audit_log") != logs {
			t.Fatalf("%+v %v", got, err)
		}
	})
	t.Run("stale version", func(t *testing.T) {
		in := registry.InputOf(o)
		in.Members, in.Version = 30, o.Version
		if _, err := f.reg.Update(f.ctx, f.street, o.ID, in); err != nil {
			t.Fatal(err)
		}
		in.Members = 40
		_, err := f.reg.Update(f.ctx, f.street, o.ID, in)
		wantErr(t, err, errs.Conflict)
	})
	t.Run("validation names every bad field", func(t *testing.T) {
		in := registry.InputOf(o)
		in.Name, in.LeaderPhone, in.Members = "", "110", -1
		_, err := f.reg.Update(f.ctx, f.street, o.ID, in)
		wantErr(t, err, errs.Invalid, "name", "leader_phone", "members")
	})
	t.Run("status only through transitions", func(t *testing.T) {
		in := registry.InputOf(o)
		in.Status = registry.StatusActive
		_, err := f.reg.Update(f.ctx, f.street, o.ID, in)
		wantErr(t, err, errs.Invalid, "status")
	})
}

// auditRows returns the actions recorded for an organization, oldest first.
func auditRows(t *testing.T, f *fixture, id int64) []audit.Row {
	t.Helper()
	rows, err := audit.List(f.ctx, f.db.Read, audit.Filter{ObjectType: "org", ObjectID: strconv.FormatInt(id, 10)})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(rows)
	return rows
}

func TestAuditTrail(t *testing.T) {
	f := setup(t)
	o := f.create(t, f.street, input("育蕾社区舞蹈队", yulei))
	in := registry.InputOf(o)
	in.Members, in.LeaderPhone = 25, "13987654321"
	if _, err := f.reg.Update(f.ctx, f.street, o.ID, in); err != nil {
		t.Fatal(err)
	}
	f.move(t, f.tianhe, o, registry.ActApprove, "")
	rows := auditRows(t, f, o.ID)

	t.Run("one row per change", func(t *testing.T) {
		var got []string
		for _, r := range rows {
			got = append(got, r.Action+" by "+r.Username+" in "+r.ScopeCode)
		}
		want := []string{"org.create by street in " + yulei, "org.update by street in " + yulei,
			"org.transition by tianhe in " + yulei}
		if !slices.Equal(got, want) {
			t.Fatalf("%v", got)
		}
	})
	t.Run("update records old and new values", func(t *testing.T) {
		var d map[string][2]string
		if err := json.Unmarshal(rows[1].Detail, &d); err != nil {
			t.Fatal(err)
		}
		if d["members"] != [2]string{"20", "25"} || len(d) != 2 {
			t.Fatalf("detail %s", rows[1].Detail)
		}
	})
	t.Run("phones are kept masked", func(t *testing.T) {
		for _, r := range rows {
			s := string(r.Detail)
			if strings.Contains(s, phone) || strings.Contains(s, "13987654321") {
				t.Errorf("%s row shows a phone number: %s", r.Action, s)
			}
		}
		if !strings.Contains(string(rows[1].Detail), `["138****5678","139****4321"]`) {
			t.Errorf("update detail %s", rows[1].Detail)
		}
	})
	t.Run("transition records the move", func(t *testing.T) {
		var d map[string]string
		json.Unmarshal(rows[2].Detail, &d)
		if d["action"] != "approve" || d["from"] != "pending" || d["to"] != "active" {
			t.Fatalf("detail %s", rows[2].Detail)
		}
	})
	t.Run("refusals write nothing", func(t *testing.T) {
		n := f.count(t, "audit_log")
		f.reg.Transition(f.ctx, f.street2, o.ID, registry.ActSuspend, "x")
		f.reg.Transition(f.ctx, f.committee, o.ID, registry.ActSuspend, "")
		f.reg.Update(f.ctx, f.auditor, o.ID, in)
		if f.count(t, "audit_log") != n {
			t.Fatal("a refused change was audited")
		}
	})
	t.Run("chain verifies", func(t *testing.T) {
		n, p, err := audit.Verify(f.ctx, f.db.Read)
		if err != nil || p != nil || n < 3 {
			t.Fatal(n, p, err)
		}
	})
}
