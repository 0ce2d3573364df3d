package demo

import (
	"context"
	"errors"
	"fmt"

	"linli/internal/geo"
	"linli/internal/platform/auth"
)

// accounts creates one account for each role, in 天河区 where the role has a
// place, and lists them with the admin account first.
func accounts(ctx context.Context, st *geo.Store, users *auth.Service, admin *auth.User, plans []*planned) ([]Account, error) {
	var hub, leader *planned
	for _, o := range plans {
		if hub == nil && o.in.Hub && o.street == demoStreet {
			hub = o
		}
		if o.leader {
			leader = o
		}
	}
	if hub == nil || leader == nil {
		return nil, errors.New("demo: the plan has no hub or leader organization in the demonstration street")
	}
	news := []auth.NewUser{
		{Username: "tianhe", DisplayName: "天河区民政局", Role: auth.DistrictOfficer, ScopeCode: demoDistrict},
		{Username: "haizhu", DisplayName: "海珠区民政局", Role: auth.DistrictOfficer, ScopeCode: "440105"},
		{Username: "street", DisplayName: "天河南街道办事处", Role: auth.StreetOfficer, ScopeCode: demoStreet},
		{Username: "street2", DisplayName: "猎德街道办事处", Role: auth.StreetOfficer, ScopeCode: otherStreet},
		{Username: "community", DisplayName: "", Role: auth.CommunityCommittee, ScopeCode: demoCommunity},
		{Username: "hub", DisplayName: hub.in.Name, Role: auth.HubStaff, ScopeCode: demoStreet, OrgID: hub.id},
		{Username: "leader", DisplayName: leader.in.LeaderName, Role: auth.OrgLeader, ScopeCode: leader.in.CommunityCode, OrgID: leader.id},
		{Username: "auditor", DisplayName: "审计员", Role: auth.Auditor, ScopeCode: geo.GuangzhouCode},
		{Username: "security", DisplayName: "安全管理员", Role: auth.SecurityAdmin, ScopeCode: geo.GuangzhouCode},
		// a district's own accounts are managed by its security
		// administrator, not by the district officer (三员分立)
		{Username: "tianhe-security", DisplayName: "天河区安全管理员", Role: auth.SecurityAdmin, ScopeCode: demoDistrict},
	}
	out := []Account{{Username: admin.Username, Role: admin.Role, ScopeCode: admin.ScopeCode, DisplayName: admin.DisplayName}}
	for _, nu := range news {
		n, err := st.Get(ctx, nu.ScopeCode)
		if err != nil {
			return nil, fmt.Errorf("demo: scope of %s: %w", nu.Username, err)
		}
		if nu.DisplayName == "" {
			nu.DisplayName = n.Name
		}
		nu.Password = DemoPassword
		u, err := users.CreateUser(ctx, nil, nu)
		if err != nil {
			return nil, fmt.Errorf("demo: create %s: %w", nu.Username, err)
		}
		a := Account{Username: u.Username, Role: u.Role, ScopeCode: u.ScopeCode, ScopeName: n.Name,
			DisplayName: u.DisplayName, OrgID: u.OrgID}
		switch u.OrgID {
		case hub.id:
			a.OrgName = hub.in.Name
		case leader.id:
			a.OrgName = leader.in.Name
		}
		out = append(out, a)
	}
	if n, err := st.Get(ctx, admin.ScopeCode); err == nil {
		out[0].ScopeName = n.Name
	}
	return out, nil
}

// enrolDemo turns the second factor on for every listed account whose role
// requires it, with a secret anyone can compute (auth.KnownSecret: the
// demonstration is fictional) that serve prints beside the accounts.
func enrolDemo(ctx context.Context, users *auth.Service, accts []Account) error {
	for i, a := range accts {
		if !auth.RequiresTOTP(a.Role) {
			continue
		}
		u, err := users.UserByName(ctx, a.Username)
		if err != nil {
			return fmt.Errorf("demo: enrol %s: %w", a.Username, err)
		}
		secret := auth.KnownSecret(a.Username)
		if _, err := users.EnrolKnown(ctx, u.ID, secret); err != nil {
			return fmt.Errorf("demo: enrol %s: %w", a.Username, err)
		}
		accts[i].TOTPSecret = secret
	}
	return nil
}
