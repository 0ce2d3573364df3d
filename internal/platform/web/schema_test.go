package web

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"
)

type inner struct {
	Code string `json:"code"`
	Day  string `json:"day_on,omitempty"`
	Hide string `json:"-"`
}

type base struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type answer struct {
	base
	Name    string          `json:"name"` // the outer field wins over base's
	Items   []*inner        `json:"items"`
	More    bool            `json:"more,omitempty"`
	At      time.Time       `json:"at"`
	Counts  map[string]int  `json:"counts"`
	Raw     json.RawMessage `json:"raw"`
	Score   float64         `json:"score"`
	Maybe   *float64        `json:"maybe"`
	Perhaps *bool           `json:"perhaps,omitempty"`
	Self    *answer         `json:"self,omitempty"`
	private int             //nolint:unused // not encoded
	Untag   string
	Nested  struct {
		X int `json:"x"`
	} `json:"nested"`
}

// SchemaOf lists exactly the keys encoding/json writes, at every depth.
func TestSchemaOfMatchesTheEncoding(t *testing.T) {
	s := SchemaOf(answer{}, map[string]any{"name": Enum("a", "b")})
	v := answer{Items: []*inner{{Code: "x"}}, More: true, Self: &answer{}, Perhaps: new(bool)}
	b, _ := json.Marshal(v)
	var m map[string]any
	json.Unmarshal(b, &m)
	props := s["properties"].(map[string]any)
	var keys, doc []string
	for k := range m {
		keys = append(keys, k)
	}
	for k := range props {
		doc = append(doc, k)
	}
	slices.Sort(keys)
	slices.Sort(doc)
	if !slices.Equal(keys, doc) {
		t.Errorf("encoded %v, documented %v", keys, doc)
	}
	if !reflect.DeepEqual(props["name"], Enum("a", "b")) {
		t.Errorf("props did not replace name: %v", props["name"])
	}
	items := props["items"].(map[string]any)["items"].(map[string]any)["properties"].(map[string]any)
	if _, ok := items["code"]; !ok || len(items) != 2 || items["day_on"].(map[string]any)["format"] != "date" {
		t.Errorf("items: %v", items)
	}
	if props["at"].(map[string]any)["format"] != "date-time" || props["score"].(map[string]any)["type"] != "number" ||
		props["counts"].(map[string]any)["additionalProperties"].(map[string]any)["type"] != "integer" {
		t.Errorf("types: %v %v %v", props["at"], props["score"], props["counts"])
	}
	if props["maybe"].(map[string]any)["nullable"] != true || props["perhaps"].(map[string]any)["nullable"] != nil ||
		props["self"].(map[string]any)["nullable"] != nil {
		t.Errorf("nullable: a nil pointer is null only without omitempty: %v %v %v", props["maybe"], props["perhaps"], props["self"])
	}
	defer func() {
		if recover() == nil {
			t.Error("a props key that is not a field did not panic")
		}
	}()
	SchemaOf(answer{}, map[string]any{"nope": Str()})
}

// A request body's required fields are named once and must be fields.
func TestSchemaOfRequired(t *testing.T) {
	s := SchemaOf(inner{}, nil, "code")
	if !slices.Equal(s["required"].([]string), []string{"code"}) {
		t.Errorf("required: %v", s["required"])
	}
	if _, ok := SchemaOf(inner{}, nil)["required"]; ok {
		t.Error("required without names")
	}
	defer func() {
		if recover() == nil {
			t.Error("a required name that is not a field did not panic")
		}
	}()
	SchemaOf(inner{}, nil, "Hide")
}
