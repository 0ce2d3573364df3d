package hub_test

import (
	"fmt"
	"testing"
	"time"

	"linli/internal/census"
	"linli/internal/census/censustest"
	"linli/internal/hub"
	"linli/internal/platform/auth"
	"linli/internal/platform/i18n"
	"linli/internal/registry"
)

// TestDesignationEveryWay designates and revokes hubs three ways, through
// the hub service, through an edit of the organization (form and API) and
// through a one-row census import: the outcome must be the same.
func TestDesignationEveryWay(t *testing.T) {
	f := setup(t)
	cens := &census.Service{DB: f.DB, Registry: f.Reg, Geo: f.Reg.Geo, Now: func() time.Time { return f.Now },
		Cat: i18n.New(i18n.Common, registry.Messages, census.Messages)}
	district := f.User(t, auth.DistrictOfficer, "440106", 0)
	n := 0
	org := func(t *testing.T, status string, isHub, member bool) *registry.Org {
		n++
		o := f.org(t, f.officer, fmt.Sprintf("枢纽样例%02d服务中心", n), yulei, status)
		if !isHub {
			return o
		}
		o, err := f.hubs.Designate(f.Ctx, f.officer, o.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if member {
			n++
			m := f.org(t, f.officer, fmt.Sprintf("枢纽样例%02d互助队", n), yulei, "active")
			if _, err := f.hubs.TakeIntoCustody(f.Ctx, f.officer, o.ID, hub.MemberInput{OrgID: m.ID}); err != nil {
				t.Fatal(err)
			}
		}
		return o
	}
	cases := []struct {
		name          string
		u             func() *auth.User
		status        string
		isHub, member bool
		on            bool
		want          string
	}{
		{"street officer designates an active organization", func() *auth.User { return f.officer }, "active", false, false, true, "ok"},
		{"district officer designates an active organization", func() *auth.User { return district }, "active", false, false, true, "ok"},
		{"a pending organization is no hub", func() *auth.User { return f.officer }, "", false, false, true, "hub|err.hub_needs_active"},
		{"another street's officer", func() *auth.User { return f.otherOfficer }, "active", false, false, true, "!outside"},
		{"the auditor", func() *auth.User { return f.auditor }, "active", false, false, true, "!forbidden"},
		{"revoking a hub that serves nobody", func() *auth.User { return f.officer }, "active", true, false, false, "ok"},
		{"revoking a hub that serves an organization", func() *auth.User { return f.officer }, "active", true, true, false, "hub|err.hub_has_members"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got [3]string
			for way := range 3 {
				o := org(t, c.status, c.isHub, c.member)
				u := c.u()
				var err error
				switch way {
				case 0:
					if c.on {
						_, err = f.hubs.Designate(f.Ctx, u, o.ID, "")
					} else {
						_, err = f.hubs.Revoke(f.Ctx, u, o.ID, "")
					}
					got[way] = censustest.OutcomeOfErr(err)
				case 1:
					in := registry.InputOf(o)
					in.Hub = c.on
					_, err = f.Reg.Update(f.Ctx, u, o.ID, in)
					got[way] = censustest.OutcomeOfErr(err)
				case 2:
					in := registry.InputOf(o)
					in.Hub, in.Status = c.on, o.Status
					rep, err := cens.Import(f.Ctx, u, censustest.OneRowFile(t, in), "one-row.csv", census.Options{})
					got[way] = censustest.OutcomeOfImport(rep, err)
				}
				after, err := f.Reg.Lookup(f.Ctx, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				if ok := got[way] == "ok"; ok && after.Hub != c.on || !ok && after.Hub != o.Hub {
					t.Errorf("way %d: hub %v after %s", way, after.Hub, got[way])
				}
			}
			if got[0] != c.want || got[1] != c.want || got[2] != c.want {
				t.Fatalf("hub service: %s; edit: %s; census import: %s; want %s", got[0], got[1], got[2], c.want)
			}
		})
	}
}
