package registry

import (
	"reflect"
	"testing"

	"linli/internal/platform/auth"
)

// TestListKeyCoversFilter sets each field of Filter in turn and requires a
// different cache key, or no caching at all: a field added to Filter and
// forgotten by listKey would let two lists share a page.
func TestListKeyCoversFilter(t *testing.T) {
	u := &auth.User{ID: 1, Role: auth.DistrictOfficer, ScopeCode: "440106"}
	base := Filter{Page: 1, PerPage: 20}
	key0, code, ok := listKey(u, base)
	if !ok || code != "440106" {
		t.Fatalf("the first page is not kept: %q %v", code, ok)
	}
	rt := reflect.TypeOf(base)
	for i := range rt.NumField() {
		sf := rt.Field(i)
		if !sf.IsExported() {
			continue // the search's places, set by searchScope
		}
		f := base
		v := reflect.ValueOf(&f).Elem().Field(i)
		switch v.Kind() {
		case reflect.String:
			v.SetString("4401060")
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Int:
			v.SetInt(2)
		default:
			t.Fatalf("%s: a field of a kind the test does not set", sf.Name)
		}
		key, _, ok := listKey(u, f)
		if ok && key == key0 {
			t.Errorf("%s changes the list but not its cache key", sf.Name)
		}
	}
	// the viewer's class: role and scope; a leader's list is never kept
	for _, v := range []*auth.User{{ID: 2, Role: auth.Auditor, ScopeCode: "440106"}, {ID: 3, Role: auth.DistrictOfficer, ScopeCode: "4401"}} {
		f := base
		f.Within = "440106"
		if key, _, _ := listKey(v, f); key == key0 {
			t.Errorf("%s@%s shares the district officer's key", v.Role, v.ScopeCode)
		}
	}
	if _, _, ok := listKey(&auth.User{ID: 4, Role: auth.OrgLeader, ScopeCode: "440106008007", OrgID: 9}, base); ok {
		t.Error("an organization leader's list is kept")
	}
	same := &auth.User{ID: 5, Role: auth.DistrictOfficer, ScopeCode: "440106", OrgID: 7}
	if key, _, _ := listKey(same, base); key != key0 {
		t.Error("two officers of one district and role do not share their list")
	}
}
