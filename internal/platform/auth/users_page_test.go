package auth_test

import (
	"fmt"
	"strings"
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// TestUsersPage: the accounts list is paged and searchable, so a city with
// tens of thousands of accounts answers one bounded page; counts, pages,
// the role filter, the name search (a '%' typed is a character, not a
// wildcard) and the scope all agree with an independent count.
func TestUsersPage(t *testing.T) {
	f := setup(t)
	const n = 2*auth.UsersPerPage + 7
	for i := 0; i < n; i++ {
		f.user(t, f.admin, fmt.Sprintf("lead%03d", i), auth.OrgLeader, "440106008007")
	}
	if _, err := f.users.CreateUser(f.ctx, f.admin, auth.NewUser{Username: "pctx", DisplayName: "五成%满", Role: auth.StreetOfficer,
		ScopeCode: "440106008", Password: "a-long-password-1"}); err != nil {
		t.Fatal(err)
	}
	f.user(t, f.admin, "haizhu1", auth.DistrictOfficer, "440105")
	district := f.user(t, f.admin, "thsec", auth.SecurityAdmin, "440106")

	all, err := f.users.ListUsers(f.ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	total := 0
	for page := 1; ; page++ {
		us, tot, err := f.users.UsersPage(f.ctx, f.admin, auth.UserFilter{Page: page})
		if err != nil {
			t.Fatal(err)
		}
		if tot != len(all) {
			t.Fatalf("total %d, want %d", tot, len(all))
		}
		if len(us) > auth.UsersPerPage {
			t.Fatalf("page %d holds %d", page, len(us))
		}
		if len(us) == 0 {
			break
		}
		for _, u := range us {
			if seen[u.Username] {
				t.Fatalf("%s on two pages", u.Username)
			}
			seen[u.Username] = true
			total++
		}
	}
	if total != len(all) {
		t.Fatalf("pages hold %d accounts, want %d", total, len(all))
	}

	leaders, tot, err := f.users.UsersPage(f.ctx, f.admin, auth.UserFilter{Role: auth.OrgLeader, Page: 3})
	if err != nil || tot != n || len(leaders) != n-2*auth.UsersPerPage {
		t.Fatalf("leaders page 3: %d of %d, %v", len(leaders), tot, err)
	}
	us, tot, err := f.users.UsersPage(f.ctx, f.admin, auth.UserFilter{Q: "lead01"})
	if err != nil || tot != 10 || len(us) != 10 {
		t.Fatalf("lead01*: %d of %d, %v", len(us), tot, err)
	}
	us, tot, err = f.users.UsersPage(f.ctx, f.admin, auth.UserFilter{Q: "成%满"})
	if err != nil || tot != 1 || us[0].Username != "pctx" {
		t.Fatalf("a typed %%: %d, %v", tot, err)
	}
	us, tot, err = f.users.UsersPage(f.ctx, f.admin, auth.UserFilter{Q: "%"})
	if err != nil || tot != 1 {
		t.Fatalf("%% alone matches %d, want 1", tot)
	}
	us, _, err = f.users.UsersPage(f.ctx, district, auth.UserFilter{Q: "haizhu"})
	if err != nil || len(us) != 0 {
		t.Fatalf("a district security admin finds another district's account: %v %v", us, err)
	}
	for _, u := range mustPage(t, f, district) {
		if !strings.HasPrefix(u.ScopeCode, "440106") {
			t.Fatalf("outside the scope: %s", u.ScopeCode)
		}
	}
	if us, tot, err = f.users.UsersPage(f.ctx, f.admin, auth.UserFilter{Page: 1_000_000_000}); err != nil || len(us) != 0 || tot != len(all) {
		t.Fatalf("a page far past the last: %d of %d, %v", len(us), tot, err)
	}
	if _, _, err := f.users.UsersPage(f.ctx, &auth.User{ID: 99, Role: auth.DistrictOfficer, ScopeCode: "440106"}, auth.UserFilter{}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a district officer lists accounts: %v", err)
	}
}

func mustPage(t *testing.T, f *fixture, u *auth.User) []*auth.User {
	t.Helper()
	us, _, err := f.users.UsersPage(f.ctx, u, auth.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return us
}
