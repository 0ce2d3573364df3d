package registry_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"linli/internal/registry"
)

// encoded is v as the API wrote it before Page had its own AppendJSON:
// json.Encoder with HTML not escaped.
func encoded(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// filled is an organization with every field set (by reflection, so a
// field added to Org is covered), its strings s.
func filled(s string, n int64) *registry.Org {
	o := &registry.Org{}
	v := reflect.ValueOf(o).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString(s)
		case reflect.Int, reflect.Int64:
			f.SetInt(n)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{s, "社区"}))
		}
	}
	o.CreatedAt = time.Date(2023, 5, 6, 7, 8, 9, 123456789, time.UTC)
	o.UpdatedAt = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	return o
}

// TestOrgJSONMatchesEncoder holds a page's own JSON equal to
// encoding/json's, byte for byte, over every field, the omitted empty
// ones, and strings that need escaping.
func TestOrgJSONMatchesEncoder(t *testing.T) {
	strs := []string{"", "舞蹈队", `引号" 反斜杠\ <b>&amp;`, "tab\there\nline\x01\x1f", "sep\u2028\u2029",
		"bad \xff\xfe utf-8", "emoji 🙂 ascii ~"}
	var items []*registry.Org
	for i, s := range strs {
		items = append(items, filled(s, int64(i+1)))
	}
	items = append(items, &registry.Org{}, &registry.Org{ID: 9, Types: []string{}, CreatedAt: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)})
	tz := time.FixedZone("CST", 8*3600)
	items = append(items, &registry.Org{ID: 10, CreatedAt: time.Date(2022, 2, 3, 4, 5, 6, 7000, tz)})
	pages := []*registry.Page{
		{Items: items, Total: 12345, More: true, Page: 3, PerPage: 20},
		{Items: []*registry.Org{}, Page: 1, PerPage: 20},
		{Items: []*registry.Org{nil, items[0]}},
		{},
	}
	for i, p := range pages {
		want := encoded(t, p)
		got := string(p.AppendJSON(nil)) + "\n"
		if got != want {
			t.Errorf("page %d:\n got %s\nwant %s", i, got, want)
		}
	}
	for i, o := range items {
		if got, want := string(o.AppendJSON(nil))+"\n", encoded(t, o); got != want {
			t.Errorf("org %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
