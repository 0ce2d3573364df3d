package auditlog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"linli/internal/platform/audit"
)

// Item is one line of a row's "what changed": a field by its name, its
// value, or its value before and after.
type Item struct {
	Label   string
	Value   string
	Old     string
	New     string
	Changed bool
}

// View is an audit row as a person reads it: the action and the object by
// name, the changes as before → after, the raw JSON kept for "details".
type View struct {
	audit.Row
	ActionLabel string
	ObjectLabel string
	Link        string
	Items       []Item
	Raw         string
}

// labeler names keys in the reader's language; ok is false for an unknown key.
type labeler func(key string) (string, bool)

// describe turns a stored row into what the page shows. It is pure: the
// translations come in through label.
func describe(label labeler, r audit.Row) View {
	v := View{Row: r, ActionLabel: r.Action, ObjectLabel: r.ObjectType, Raw: string(r.Detail)}
	if s, ok := label("audit.action." + r.Action); ok {
		v.ActionLabel = s
	}
	if s, ok := label("audit.object." + r.ObjectType); ok {
		v.ObjectLabel = s
	}
	v.Link = objectLink(r.ObjectType, r.ObjectID)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.Detail, &m); err != nil {
		return v
	}
	v.Items = items(label, m)
	return v
}

// objectLink is the page of an object, where it has one.
func objectLink(kind, id string) string {
	if id == "" {
		return ""
	}
	if _, err := strconv.ParseInt(id, 10, 64); err != nil && kind != "indicator" {
		return ""
	}
	switch kind {
	case "org":
		return "/orgs/" + id
	case "base":
		return "/bases/" + id
	case "indicator":
		return "/indicators/" + id
	}
	return ""
}

// items reads a detail object: a pair of objects (before/after, from/to)
// becomes the fields that differ; a two-element array is a field's old and
// new value; anything else is a field and its value. Keys are in a stable
// order.
func items(label labeler, m map[string]json.RawMessage) []Item {
	for _, pair := range [][2]string{{"before", "after"}, {"from", "to"}} {
		a, b := object(m[pair[0]]), object(m[pair[1]])
		if a == nil || b == nil {
			continue
		}
		out := diff(label, a, b)
		delete(m, pair[0])
		delete(m, pair[1])
		return append(out, items(label, m)...)
	}
	var out []Item
	if from, to, ok := scalarPair(m); ok {
		out = append(out, Item{Label: fieldLabel(label, "status"), Old: value(label, "status", from), New: value(label, "status", to), Changed: true})
		delete(m, "from")
		delete(m, "to")
	}
	for _, k := range sortedKeys(m) {
		raw := m[k]
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) == nil && len(arr) == 2 && isScalar(arr[0]) && isScalar(arr[1]) {
			out = append(out, Item{Label: fieldLabel(label, k), Old: value(label, k, arr[0]), New: value(label, k, arr[1]), Changed: true})
			continue
		}
		if inner := object(raw); inner != nil {
			for _, ik := range sortedKeys(inner) {
				out = append(out, Item{Label: fieldLabel(label, ik), Value: value(label, ik, inner[ik])})
			}
			continue
		}
		out = append(out, Item{Label: fieldLabel(label, k), Value: value(label, k, raw)})
	}
	return out
}

// scalarPair finds a transition's "from" and "to" given as plain values.
func scalarPair(m map[string]json.RawMessage) (from, to json.RawMessage, ok bool) {
	from, okf := m["from"]
	to, okt := m["to"]
	if !okf || !okt || !isScalar(from) || !isScalar(to) {
		return nil, nil, false
	}
	return from, to, true
}

func diff(label labeler, a, b map[string]json.RawMessage) []Item {
	keys := sortedKeys(a)
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []Item
	for _, k := range keys {
		if bytes.Equal(compact(a[k]), compact(b[k])) {
			continue
		}
		out = append(out, Item{Label: fieldLabel(label, k), Old: value(label, k, a[k]), New: value(label, k, b[k]), Changed: true})
	}
	return out
}

func object(raw json.RawMessage) map[string]json.RawMessage {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

func isScalar(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] != '{' && raw[0] != '['
}

func compact(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}

func sortedKeys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// fieldLabel names a field: the registry's field names first, then the
// audit log's own, else the key itself.
func fieldLabel(label labeler, k string) string {
	for _, key := range []string{"field." + k, "audit.field." + k} {
		if s, ok := label(key); ok {
			return s
		}
	}
	return k
}

// value shows a value: amounts in fen as yuan, booleans as yes/no, known
// codes (status, tier, roles…) by their names, lists joined.
func value(label labeler, k string, raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		return code(label, k, s)
	case 't', 'f':
		key := "common.no"
		if string(raw) == "true" {
			key = "common.yes"
		}
		if s, ok := label(key); ok {
			return s
		}
		return string(raw)
	case '[':
		var xs []json.RawMessage
		if json.Unmarshal(raw, &xs) != nil {
			return string(raw)
		}
		parts := make([]string, 0, len(xs))
		for _, x := range xs {
			parts = append(parts, value(label, k, x))
		}
		return strings.Join(parts, "、")
	case '{':
		return string(compact(raw))
	}
	if strings.HasSuffix(k, "_fen") {
		if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
			return yuan(n)
		}
	}
	return string(raw)
}

// code names a coded value where the catalog knows it (statuses, tiers,
// types, roles, sources); otherwise the value as stored.
func code(label labeler, k, s string) string {
	for _, key := range []string{k + "." + s, "audit.value." + s} {
		if v, ok := label(key); ok {
			return v
		}
	}
	return s
}

// yuan formats fen as yuan with two decimals and thousands separators.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	whole := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s¥%s.%02d", sign, b.String(), fen%100)
}
