package web

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// SchemaOf is the JSON schema of the answer (or request body) a Go value
// encodes to, read by reflection from its type and json tags, so the
// OpenAPI document lists every field the code sends: nested structs,
// slices, maps, pointers, embedded structs (their fields inlined, as
// encoding/json does), time.Time as a date-time string, a string named
// …_on as a date (the app's tests check that every such value is one), a
// pointer to a value sent without omitempty as nullable. props replaces or enriches top-level
// properties the type cannot tell (an enum, a $ref, a description); a key
// of props that is not a field of the type panics, so the two cannot drift
// apart. required names the fields a request body
// must carry; a name that is not a field panics too.
func SchemaOf(v any, props map[string]any, required ...string) map[string]any {
	s := schemaOf(reflect.TypeOf(v), map[reflect.Type]bool{})
	ps, _ := s["properties"].(map[string]any)
	field := func(k string) {
		if _, ok := ps[k]; !ok {
			panic(fmt.Sprintf("web.SchemaOf(%T): %q is not a field", v, k))
		}
	}
	for k, p := range props {
		field(k)
		ps[k] = p
	}
	for _, k := range required {
		field(k)
	}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	rawType     = reflect.TypeFor[json.RawMessage]()
	marshalType = reflect.TypeFor[json.Marshaler]()
)

func schemaOf(t reflect.Type, seen map[reflect.Type]bool) map[string]any {
	if t == nil {
		return map[string]any{}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{} // any JSON
	case t.Implements(marshalType) || reflect.PointerTo(t).Implements(marshalType):
		return map[string]any{} // encodes itself
	}
	switch t.Kind() {
	case reflect.Bool:
		return Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Int()
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return Str()
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return Arr(schemaOf(t.Elem(), seen))
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), seen)}
	case reflect.Struct:
		if seen[t] {
			return map[string]any{"type": "object"} // a recursive type: not unfolded again
		}
		seen[t] = true
		defer delete(seen, t)
		props := map[string]any{}
		addFields(t, props, seen)
		return Obj(props)
	}
	return map[string]any{}
}

// addFields adds a struct's encoded fields, inlining embedded structs
// without a json name as encoding/json does.
func addFields(t reflect.Type, props map[string]any, seen map[reflect.Type]bool) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			for et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				embedded = append(embedded, et)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fs := schemaOf(f.Type, seen)
		if fs["type"] == "string" && strings.HasSuffix(name, "_on") {
			fs["format"] = "date" // linli's names: a day is …_on, a moment …_at
		}
		if f.Type.Kind() == reflect.Pointer && fs["type"] != nil && !slices.Contains(strings.Split(opts, ","), "omitempty") {
			fs["nullable"] = true // a nil pointer is sent as null
		}
		props[name] = fs
	}
	// an embedded struct's fields, where the outer struct has none of the name
	for _, et := range embedded {
		inner := map[string]any{}
		addFields(et, inner, seen)
		for k, v := range inner {
			if _, ok := props[k]; !ok {
				props[k] = v
			}
		}
	}
}
