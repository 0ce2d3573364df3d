package registry_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"linli/internal/geo/geotest"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// Places used by the tests.
const (
	yulei  = "440106008007" // 育蕾社区, 天河南街道, 天河区
	zhijie = "440106008008" // 天河直街社区, 天河南街道
	liede  = "440106013001" // 猎德社区, 猎德街道, 天河区
	phone  = "13812345678"
	masked = "138****5678"
	pw     = "a long enough password"
)

type fixture struct {
	ctx   context.Context
	db    *db.DB
	reg   *registry.Service
	users *auth.Service
	now   time.Time
	seq   int // for unique credit codes

	admin, tianhe, haizhu, street, street2, committee, committee2, hub, auditor *auth.User
}

// setup loads the Guangzhou hierarchy and one account per role, all through
// the services.
func setup(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	d, st := geotest.Open(t)
	f := &fixture{ctx: ctx, db: d, now: time.Date(2023, 3, 1, 8, 0, 0, 0, time.UTC)}
	f.reg = &registry.Service{DB: d, Geo: st, Now: func() time.Time { return f.now }}
	f.users = registrytest.Auth(d, st, f.reg, time.Now)
	f.admin = f.user(t, "admin", auth.CityAdmin, "4401", 0)
	f.tianhe = f.user(t, "tianhe", auth.DistrictOfficer, "440106", 0)
	f.haizhu = f.user(t, "haizhu", auth.DistrictOfficer, "440105", 0)
	f.street = f.user(t, "street", auth.StreetOfficer, "440106008", 0)
	f.street2 = f.user(t, "street2", auth.StreetOfficer, "440106013", 0)
	f.committee = f.user(t, "yulei", auth.CommunityCommittee, yulei, 0)
	f.committee2 = f.user(t, "zhijie", auth.CommunityCommittee, zhijie, 0)
	f.hub = f.user(t, "hub", auth.HubStaff, "440106008", 0)
	f.auditor = f.user(t, "auditor", auth.Auditor, "4401", 0)
	return f
}

func (f *fixture) user(t testing.TB, name, role, scope string, org int64) *auth.User {
	t.Helper()
	return registrytest.User(t, f.ctx, f.users, auth.NewUser{Username: name, DisplayName: name, Role: role,
		ScopeCode: scope, OrgID: org, Password: pw})
}

// haizhuComm is a community of 海珠区, the other district of the fixtures.
const haizhuComm = "440105001101"

// replica is another registry service on the fixture's database and clock,
// as another replica serving it.
func (f *fixture) replica() *registry.Service {
	return &registry.Service{DB: f.db, Geo: f.reg.Geo, Now: func() time.Time { return f.now }}
}

// importRow files one row through the census import, as u.
func (f *fixture) importRow(t *testing.T, u *auth.User, in registry.Input) {
	t.Helper()
	im, err := f.reg.BeginImport(f.ctx, u, registry.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if out, fe, err := im.Add(f.ctx, 2, in, nil); err != nil || len(fe) > 0 {
		t.Fatalf("import row: %s %v %v", out, fe, err)
	}
	if _, err := im.Finish(f.ctx); err != nil {
		t.Fatal(err)
	}
}

// leader creates the org_leader account of an organization.
func (f *fixture) leader(t *testing.T, name string, o *registry.Org) *auth.User {
	t.Helper()
	return f.user(t, name, auth.OrgLeader, o.CommunityCode, o.ID)
}

func input(name, community string) registry.Input {
	return registry.Input{Name: name, Tier: registry.TierCommunity, Types: []string{"culture_sports"},
		TargetGroups: []string{"elderly"}, CommunityCode: community, FoundedOn: "2019-05-01", Members: 20,
		LeaderName: "陈丽", LeaderPhone: phone}
}

func (f *fixture) create(t testing.TB, u *auth.User, in registry.Input) *registry.Org {
	t.Helper()
	o, err := f.reg.Create(f.ctx, u, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Name, err)
	}
	return o
}

// active records an existing, active organization as the city administrator.
func (f *fixture) active(t *testing.T, name, community, tier string) *registry.Org {
	t.Helper()
	in := input(name, community)
	in.Tier, in.Status = tier, registry.StatusActive
	if tier == registry.TierRegistered {
		f.seq++
		in.CreditCode = creditCode(fmt.Sprintf("51440106MJ%07d", f.seq))
	}
	return f.create(t, f.admin, in)
}

func (f *fixture) move(t *testing.T, u *auth.User, o *registry.Org, action, reason string) *registry.Org {
	t.Helper()
	out, err := f.reg.Transition(f.ctx, u, o.ID, action, reason)
	if err != nil {
		t.Fatalf("%s %s: %v", action, o.Name, err)
	}
	return out
}

func (f *fixture) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.db.Read.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func creditCode(first17 string) string {
	return first17 + string(registry.CreditCheckDigit(first17))
}

// wantErr checks the error's code and that exactly the named fields have
// messages; it returns the error.
func wantErr(t *testing.T, err error, code string, fields ...string) *errs.Error {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != code {
		t.Fatalf("want %s, got %v", code, err)
	}
	var got []string
	for k := range e.Fields {
		got = append(got, k)
	}
	sort.Strings(got)
	sort.Strings(fields)
	if fields != nil && !slices.Equal(got, fields) {
		t.Fatalf("fields %v, want %v (%v)", got, fields, err)
	}
	return e
}

func TestCreditCode(t *testing.T) {
	valid := []string{
		"91350100M000100Y43", // the example of GB 32100-2015
		creditCode("51440106MJ0000001"),
		creditCode("52440106MJABCDEFG"),
		creditCode("53440106MJ1234567"),
	}
	for _, c := range valid {
		t.Run("valid "+c, func(t *testing.T) {
			if !registry.ValidCreditCode(c) {
				t.Fatal("rejected")
			}
		})
	}
	invalid := map[string]string{
		"wrong check digit":        "91350100M000100Y44",
		"too short":                "91350100M000100Y4",
		"too long":                 "91350100M000100Y431",
		"lower case":               "91350100m000100y43",
		"letter outside alphabet":  "91350100O000100Y43",
		"check outside alphabet":   "91350100M000100Y4I",
		"full-width (not cleaned)": "９１３５０１００Ｍ０００１００Ｙ４３",
		"empty":                    "",
	}
	for name, c := range invalid {
		t.Run("invalid "+name, func(t *testing.T) {
			if registry.ValidCreditCode(c) {
				t.Fatal("accepted")
			}
		})
	}
	t.Run("check digit of a bad prefix is 0", func(t *testing.T) {
		if registry.CreditCheckDigit("9135010IM000100Y4") != 0 || registry.CreditCheckDigit("short") != 0 {
			t.Fatal("want 0")
		}
	})
}

func TestPhone(t *testing.T) {
	cases := []struct {
		in    string
		valid bool
		mask  string
	}{
		{"13812345678", true, "138****5678"},
		{"19912345678", true, "199****5678"},
		{"12812345678", false, "128****5678"},
		{"1381234567", false, "138****4567"},
		{"020-83001234", true, "020****1234"},
		{"02083001234", true, "020****1234"},
		{"0755-1234567", true, "075****4567"},
		{"+8613812345678", false, "+86****5678"},
		{"12345", false, "*****"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := registry.ValidPhone(c.in); got != c.valid {
				t.Errorf("valid %v, want %v", got, c.valid)
			}
			if got := registry.MaskPhone(c.in); got != c.mask {
				t.Errorf("mask %q, want %q", got, c.mask)
			}
		})
	}
}

func TestCreateNormalizes(t *testing.T) {
	f := setup(t)
	in := input("  育蕾社区粤曲社 ", yulei)
	in.Tier = registry.TierRegistered
	in.CreditCode = " ９１３５０１００ｍ０００１００ｙ４３ "
	in.LeaderPhone = "１３８ 1234 5678"
	in.Types = []string{"culture_sports", "culture_sports", " "}
	o := f.create(t, f.street, in)
	if o.Name != "育蕾社区粤曲社" || o.CreditCode != "91350100M000100Y43" || o.LeaderPhone != phone ||
		len(o.Types) != 1 || o.PartyOrg != registry.PartyNone || o.Status != registry.StatusPending ||
		o.StreetCode != "440106008" || o.DistrictCode != "440106" {
		t.Fatalf("%+v", o)
	}
}

func TestValidation(t *testing.T) {
	f := setup(t)
	orgs, hist, logs := f.count(t, "orgs"), f.count(t, "org_history"), f.count(t, "audit_log")
	everything := registry.Input{Name: "", Tier: "club", TargetGroups: []string{"aliens"}, CommunityCode: "4401",
		CreditCode: "123", Address: strings.Repeat("路", 201), FoundedOn: "2020-02-30", Members: -5,
		LeaderPhone: "12345", PartyOrg: "maybe", PartyInstructor: strings.Repeat("张", 31),
		DemonstrationYear: 1999, Status: "deregistered"}
	with := func(change func(*registry.Input)) registry.Input {
		in := input("育蕾社区舞蹈队", yulei)
		change(&in)
		return in
	}
	cases := []struct {
		name   string
		by     *auth.User
		in     registry.Input
		fields []string
	}{
		{"every field at once", f.admin, everything, []string{"name", "tier", "types", "target_groups",
			"community_code", "credit_code", "address", "founded_on", "members", "leader_name", "leader_phone",
			"party_org", "party_instructor", "demonstration_year", "status"}},
		{"name too short", f.street, with(func(in *registry.Input) { in.Name = "舞" }), []string{"name"}},
		{"name too long", f.street, with(func(in *registry.Input) { in.Name = strings.Repeat("舞", 61) }), []string{"name"}},
		{"registered needs a credit code", f.street, with(func(in *registry.Input) { in.Tier = registry.TierRegistered }), []string{"credit_code"}},
		{"bad credit check digit", f.street, with(func(in *registry.Input) { in.CreditCode = "91350100M000100Y44" }), []string{"credit_code"}},
		{"founded tomorrow", f.street, with(func(in *registry.Input) { in.FoundedOn = "2023-03-02" }), []string{"founded_on"}},
		{"founded before 1949", f.street, with(func(in *registry.Input) { in.FoundedOn = "1948-12-31" }), []string{"founded_on"}},
		{"unknown community", f.street, with(func(in *registry.Input) { in.CommunityCode = "440106008999" }), []string{"community_code"}},
		{"community outside scope", f.street, with(func(in *registry.Input) { in.CommunityCode = liede }), []string{"community_code"}},
		{"flags not the street's, with a bad field", f.street, with(func(in *registry.Input) {
			in.Name, in.Brand, in.DemonstrationYear = "舞", true, 2023
		}), []string{"name", "brand", "demonstration_year"}},
		{"committee cannot activate a street-tier group", f.committee, with(func(in *registry.Input) {
			in.Tier, in.Status = registry.TierStreet, registry.StatusActive
		}), []string{"status"}},
		{"committee sets no flags", f.committee, with(func(in *registry.Input) { in.VolunteerMark = true }), []string{"volunteer_mark"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.reg.Create(f.ctx, c.by, c.in)
			e := wantErr(t, err, errs.Invalid, c.fields...)
			if e.Message.Key != "err.invalid_input" {
				t.Errorf("message %s", e.Message.Key)
			}
		})
	}
	t.Run("roles that may not file", func(t *testing.T) {
		for _, u := range []*auth.User{f.auditor, f.hub} {
			_, err := f.reg.Create(f.ctx, u, input("育蕾社区舞蹈队", yulei))
			wantErr(t, err, errs.Forbidden)
		}
	})
	t.Run("nothing was written", func(t *testing.T) {
		if f.count(t, "orgs") != orgs || f.count(t, "org_history") != hist || f.count(t, "audit_log") != logs {
			t.Fatal("a refused filing wrote rows")
		}
	})
}

func TestDuplicates(t *testing.T) {
	f := setup(t)
	f.create(t, f.street, input("ABC舞蹈队", yulei))
	code := creditCode("52440106MJ7654321")
	reg := input("广州市天河区育蕾社区社会工作服务中心", yulei)
	reg.Tier, reg.CreditCode = registry.TierRegistered, code
	f.create(t, f.street, reg)
	orgs := f.count(t, "orgs")

	for _, name := range []string{"ABC舞蹈队", "ＡＢＣ舞蹈队", "abc舞蹈队", "ABC 舞蹈队", "ABC　舞蹈队", "A B C 舞 蹈 队"} {
		t.Run("name "+name, func(t *testing.T) {
			_, err := f.reg.Create(f.ctx, f.street, input(name, yulei))
			e := wantErr(t, err, errs.Conflict, "name")
			if e.Fields["name"].Key != "err.duplicate_name" {
				t.Fatalf("%v", e)
			}
		})
	}
	t.Run("same credit code in another community", func(t *testing.T) {
		for _, c := range []string{code, strings.ToLower(code)} {
			in := input("天河直街社区长者服务协会", zhijie)
			in.Tier, in.CreditCode = registry.TierRegistered, c
			_, err := f.reg.Create(f.ctx, f.street, in)
			e := wantErr(t, err, errs.Conflict, "credit_code")
			if e.Fields["credit_code"].Key != "err.duplicate_credit" {
				t.Fatalf("%v", e)
			}
		}
	})
	t.Run("nothing was written", func(t *testing.T) {
		if f.count(t, "orgs") != orgs {
			t.Fatal("a duplicate was saved")
		}
	})
	t.Run("same name in another community is fine", func(t *testing.T) {
		f.create(t, f.street, input("ABC舞蹈队", zhijie))
	})
	t.Run("renaming onto a duplicate", func(t *testing.T) {
		o := f.create(t, f.street, input("育蕾社区合唱团", yulei))
		in := registry.InputOf(o)
		in.Name = "ａｂｃ舞蹈队"
		_, err := f.reg.Update(f.ctx, f.street, o.ID, in)
		wantErr(t, err, errs.Conflict, "name")
	})
	t.Run("audit chain intact", func(t *testing.T) {
		if _, p, err := audit.Verify(f.ctx, f.db.Read); err != nil || p != nil {
			t.Fatal(p, err)
		}
	})
}
