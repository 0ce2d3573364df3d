package points_test

import (
	"testing"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/points"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

func TestPointRules(t *testing.T) {
	w := registrytest.NewWorld(t, time.Date(2023, 6, 15, 2, 0, 0, 0, time.UTC))
	ctx, d, reg := w.Ctx, w.DB, w.Reg
	city := registrytest.User(t, ctx, w.Users, auth.NewUser{Username: "city", Role: auth.CityAdmin, ScopeCode: "4401", Password: "correct-horse-9"})
	tianhe := registrytest.User(t, ctx, w.Users, auth.NewUser{Username: "tianhe", Role: auth.DistrictOfficer, ScopeCode: "440106", Password: "correct-horse-9"})
	o := registrytest.Org(t, ctx, reg, city, registry.Input{Name: "天河南街坊互助队", Tier: registry.TierStreet, Types: []string{"mutual_aid"},
		TargetGroups: []string{"elderly"}, CommunityCode: "440106008007", LeaderName: "陈大文", LeaderPhone: "13800138000",
		FoundedOn: "2020-03-01", Members: 12, PartyOrg: "none", Status: registry.StatusActive})
	svc := &points.Service{DB: d, Geo: w.Geo, Orgs: reg, Now: w.Clock}
	for _, c := range []struct {
		name  string
		by    *auth.User
		in    points.Input
		field string
	}{
		{"neither org nor community", tianhe, points.Input{DistrictCode: "440106", Year: 2023, Reason: "x"}, "org_id"},
		{"both", tianhe, points.Input{DistrictCode: "440106", Year: 2023, OrgID: o.ID, CommunityCode: "440106008007", Reason: "x"}, "community_code"},
		{"another district", tianhe, points.Input{DistrictCode: "440111", Year: 2023, CommunityCode: "440111020200", Reason: "x"}, "district_code"},
		{"org of another district", city, points.Input{DistrictCode: "440111", Year: 2023, OrgID: o.ID, Reason: "x"}, "org_id"},
		{"no such community", tianhe, points.Input{DistrictCode: "440106", Year: 2023, CommunityCode: "440106008999", Reason: "x"}, "community_code"},
		{"no reason", tianhe, points.Input{DistrictCode: "440106", Year: 2023, OrgID: o.ID}, "reason"},
		{"year before the plan", tianhe, points.Input{DistrictCode: "440106", Year: 2019, OrgID: o.ID, Reason: "x"}, "year"},
		{"approved in the future", tianhe, points.Input{DistrictCode: "440106", Year: 2023, OrgID: o.ID, Reason: "x", ApprovedOn: "2023-06-16"}, "approved_on"},
		{"late without a reason", tianhe, points.Input{DistrictCode: "440106", Year: 2022, OrgID: o.ID, Reason: "x", ApprovedOn: "2022-05-01"}, "late_reason"},
	} {
		_, err := svc.Create(ctx, c.by, c.in)
		e, ok := errs.As(err)
		if !ok || e.Code != errs.Invalid || e.Fields[c.field].Key == "" {
			t.Errorf("%s: %v, want a field error on %s", c.name, err, c.field)
		}
	}
	p, err := svc.Create(ctx, tianhe, points.Input{DistrictCode: "440106", Year: 2022, OrgID: o.ID, Reason: "邻里互助成效明显",
		ApprovedOn: "2022-05-01", LateReason: "纸质台账补录"})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Late || p.ApproverName != "tianhe" || p.CommunityCode != "440106008007" || p.OrgName != "天河南街坊互助队" {
		t.Fatalf("point %+v", p)
	}
	if _, err := svc.Create(ctx, tianhe, points.Input{DistrictCode: "440106", Year: 2022, OrgID: o.ID, Reason: "again",
		ApprovedOn: "2023-06-01"}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("the same point twice: %v", err)
	}
	// a point in another year is another point
	if _, err := svc.Create(ctx, tianhe, points.Input{DistrictCode: "440106", Year: 2023, OrgID: o.ID, Reason: "连续两年",
		ApprovedOn: "2023-06-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Cancel(ctx, tianhe, p.ID, ""); err == nil {
		t.Fatal("cancelled without a reason")
	}
	c, err := svc.Cancel(ctx, tianhe, p.ID, "认定有误")
	if err != nil || c.Status != points.StatusCancelled || c.CancelledAt == nil {
		t.Fatalf("cancel: %+v %v", c, err)
	}
	if _, err := svc.Cancel(ctx, tianhe, p.ID, "again"); !errs.Is(err, errs.Conflict) {
		t.Fatalf("cancel twice: %v", err)
	}
	all, err := svc.List(ctx, city, "", 0)
	if err != nil || len(all) != 2 {
		t.Fatalf("list %d %v", len(all), err)
	}
	var audits int
	d.Read.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'demonstration_point.%'`).Scan(&audits)
	if audits != 3 {
		t.Fatalf("%d audit rows, want 3", audits)
	}
}
