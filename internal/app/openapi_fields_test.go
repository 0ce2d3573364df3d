package app_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
)

type schemaDoc struct {
	Paths map[string]map[string]struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema map[string]any `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

// TestOpenAPIDocumentsEveryResponseField: every key of the JSON answers of
// the documented GET routes is in the route's schema, at every depth
// (through references, arrays and maps), as answered to a city
// administrator and a district officer over a registry holding an
// organization. (The organization list's "more" was once missing.)
func TestOpenAPIDocumentsEveryResponseField(t *testing.T) {
	a := apptest.New(t)
	district := a.User(auth.DistrictOfficer, "440106")
	o := a.CreateOrg(district, apptest.OrgInput("文档互助队", "440106008007"))
	var d schemaDoc
	a.Anon().Do("GET", "/api/v1/openapi.json", nil).Decode(&d)
	clients := []*apptest.Client{a.As(a.User(auth.CityAdmin, "4401")), a.As(district)}
	var missing []string
	checked := 0
	for path, item := range d.Paths {
		op, ok := item["get"]
		if !ok {
			continue
		}
		url := strings.ReplaceAll(path, "{id}", strconv.FormatInt(o.ID, 10))
		if strings.Contains(url, "{") || (strings.Contains(path, "{id}") && !strings.HasPrefix(path, "/api/v1/orgs/")) {
			continue // a path parameter this walk has no value for
		}
		schema := op.Responses["200"].Content["application/json"].Schema
		if schema == nil {
			continue
		}
		for _, c := range clients {
			r := c.Do("GET", url, nil)
			if r.Status != 200 || !r.IsJSON() {
				continue
			}
			var v any
			if err := json.Unmarshal(r.Body, &v); err != nil {
				t.Fatalf("GET %s: %v", url, err)
			}
			checked++
			undocumented(d.Components.Schemas, schema, v, "GET "+path+" ", &missing)
		}
	}
	if c := a.Router.SchemaClashes(); len(c) > 0 {
		t.Errorf("schema names defined differently by two rooms (one room's answer documented with the other's): %v", c)
	}
	if checked < 20 {
		t.Errorf("only %d answers checked", checked)
	}
	sort.Strings(missing)
	missing = compactStrings(missing)
	for _, m := range missing {
		t.Errorf("not as documented: %s", m)
	}
}

func compactStrings(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// undocumented appends the keys of v that schema does not document, and
// the values that are not of their documented type or date format.
func undocumented(schemas map[string]map[string]any, schema map[string]any, v any, at string, out *[]string) {
	for depth := 0; depth < 8; depth++ {
		ref, ok := schema["$ref"].(string)
		if !ok {
			break
		}
		schema = schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
	}
	if schema == nil {
		return
	}
	if typ, _ := schema["type"].(string); typ != "" && v != nil && !ofType(typ, v) {
		*out = append(*out, fmt.Sprintf("%s: %v is not of type %s", at, v, typ))
	}
	if str, ok := v.(string); ok && str != "" && schema["format"] == "date" {
		if _, err := time.Parse(time.DateOnly, str); err != nil {
			*out = append(*out, fmt.Sprintf("%s: %q is not a date", at, str))
		}
	}
	switch x := v.(type) {
	case []any:
		items, _ := schema["items"].(map[string]any)
		for _, e := range x {
			if items != nil {
				undocumented(schemas, items, e, at+"[]", out)
			}
		}
	case map[string]any:
		props, hasProps := schema["properties"].(map[string]any)
		extra, hasExtra := schema["additionalProperties"].(map[string]any)
		if !hasProps && !hasExtra {
			return // a free-form object
		}
		for k, e := range x {
			switch p, ok := props[k].(map[string]any); {
			case ok:
				undocumented(schemas, p, e, at+"."+k, out)
			case hasExtra:
				undocumented(schemas, extra, e, at+"."+k, out)
			default:
				*out = append(*out, at+"."+k)
			}
		}
	}
}

// ofType tells whether a decoded JSON value is of an OpenAPI type.
func ofType(typ string, v any) bool {
	switch x := v.(type) {
	case string:
		return typ == "string"
	case bool:
		return typ == "boolean"
	case float64:
		return typ == "number" || (typ == "integer" && x == float64(int64(x)))
	case []any:
		return typ == "array"
	case map[string]any:
		return typ == "object"
	}
	return true
}
