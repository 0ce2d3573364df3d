package app_test

import (
	"fmt"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
)

// TestUsersPageIsPagedAndSearchable: the security administrator's accounts
// page shows one page of accounts with the total and a way on, and the
// search and role filter narrow it (it used to list up to 2,000 accounts on
// one page, 23,000 pixels tall on a phone).
func TestUsersPageIsPagedAndSearchable(t *testing.T) {
	a := apptest.New(t)
	sec := a.User(auth.SecurityAdmin, "4401")
	for i := 0; i < auth.UsersPerPage+5; i++ {
		a.CreateUser(fmt.Sprintf("volunteer%03d", i), auth.StreetOfficer, "440106008", 0)
	}
	c := a.As(sec)
	r := c.Do("GET", "/users", nil)
	if r.Status != 200 || strings.Count(r.String(), `action="/users/`) == 0 {
		t.Fatalf("GET /users: %d", r.Status)
	}
	body := r.String()
	last := fmt.Sprintf("volunteer%03d", auth.UsersPerPage+4)
	if strings.Contains(body, last) || !strings.Contains(body, `id="users-next"`) {
		t.Fatalf("the first page should hold %d accounts and lead on", auth.UsersPerPage)
	}
	r = c.Do("GET", "/users?page=2", nil)
	if !strings.Contains(r.String(), last) || strings.Contains(r.String(), `id="users-next"`) {
		t.Fatalf("page 2 should end the list with %s", last)
	}
	r = c.Do("GET", "/users?q=volunteer01&role=street_officer", nil)
	if n := strings.Count(r.String(), `/disabled"`); n != 10 { // one form per row
		t.Fatalf("search volunteer01: %d rows, want 10", n)
	}
	r = c.Do("GET", "/users?q=volunteer01&role=auditor", nil)
	if strings.Contains(r.String(), ">volunteer01") {
		t.Fatal("the role filter let a street officer through")
	}
}
