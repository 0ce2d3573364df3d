package kpi

import (
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"

	"linli/internal/platform/web"
	"linli/internal/registry"
)

// encodedDashboard is the dashboard as the API wrote it before the
// dashboard had its own appender: json.Encoder with HTML not escaped.
func encodedDashboard(t *testing.T, d *Dashboard) string {
	t.Helper()
	if _, ok := any(d).(web.Appender); ok {
		t.Fatal("the dashboard is a web.Appender: web.EncodeJSON would not be encoding/json's")
	}
	b, err := web.EncodeJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fill sets every exported field of v, recursively (by reflection, so a
// field added to the dashboard's types is covered): strings to s, numbers
// to n or f, booleans to true, pointers to a filled value, slices and maps
// to two filled elements.
func fill(v reflect.Value, s string, n int64, f float64) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		v.SetInt(n)
	case reflect.Float64:
		v.SetFloat(f)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), s, n, f)
		v.Set(p)
	case reflect.Slice:
		sl := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(sl.Index(i), s+string(rune('a'+i)), n+int64(i), f*float64(i+1))
		}
		v.Set(sl)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i, k := range []string{s + "z", s + "a"} {
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, s, n+int64(i), f)
			m.SetMapIndex(reflect.ValueOf(k), e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), s, n, f)
			}
		}
	}
}

// TestDashboardJSONMatchesEncoder holds the dashboard's own JSON equal to
// encoding/json's, byte for byte: every field filled (strings that need
// escaping, floats in both of encoding/json's formats), every field empty
// (nil slices, maps and pointers; the omitted ones), a nil result, and the
// scenario's real dashboards at every level, on several dates, known on a
// past day, and with corrections.
func TestDashboardJSONMatchesEncoder(t *testing.T) {
	strs := []string{"", "广州市", `引号" 反斜杠\ <b>&amp;`, "tab\there\nline\x01\x1f", "sep\u2028\u2029", "bad \xff\xfe utf-8"}
	floats := []float64{0, math.Copysign(0, -1), 1, 0.125, 1.0 / 3, 2.5e-7, 3e21, 176, -4}
	var ds []*Dashboard
	for i, s := range strs {
		d := &Dashboard{}
		fill(reflect.ValueOf(d).Elem(), s, int64(i), floats[i%len(floats)])
		ds = append(ds, d)
	}
	for _, f := range floats {
		d := &Dashboard{}
		fill(reflect.ValueOf(d).Elem(), "x", 7, f)
		ds = append(ds, d)
	}
	empty := &Dashboard{Results: []*Result{nil, {}, {Correction: &Correction{}, Behind: []UnitRef{}, Children: []Child{{}}, Periods: []Period{}}}}
	empty.Ranking = []RankRow{{}, {Cells: map[string]Child{}}}
	ds = append(ds, &Dashboard{}, empty)
	var bufs sync.Pool // (one pool for all: a buffer reused holds no bytes of the last)
	for i, d := range ds {
		got, err := d.encode(&bufs)
		if err != nil {
			t.Fatal(err)
		}
		if want := encodedDashboard(t, d); string(got) != want {
			t.Errorf("dashboard %d:\n got %s\nwant %s", i, got, want)
		}
	}
	// what encoding/json refuses is refused the same way
	bad := &Dashboard{Timeline: Timeline{Progress: math.NaN()}}
	if _, err := bad.encode(&bufs); err == nil {
		t.Error("a NaN encoded")
	}

	s := newScenario(t)
	s.clock.set("2024-03-10")
	// a brand entered late, after the brand organizations' deadline: a
	// correction
	s.change(s.d.ID, func(in *registry.Input) {
		in.Brand, in.EffectiveOn, in.LateReason = true, "2023-11-01", "品牌认定补录"
	})
	seen := 0
	for _, unit := range []string{cityCode, conghuaCode, tianheCode, jiekou, "440117103201"} {
		for _, w := range [][2]string{{"", ""}, {"2022-07-01", ""}, {"2023-12-31", ""}, {"2023-12-31", "2023-06-15"}} {
			body, err := s.kpi.DashboardJSON(s.ctx, s.city, unit, w[0], w[1])
			if err != nil {
				t.Fatal(err)
			}
			d, err := s.kpi.DashboardKnown(s.ctx, s.city, unit, w[0], w[1])
			if err != nil {
				t.Fatal(err)
			}
			if want := encodedDashboard(t, d); string(body) != want {
				t.Errorf("%s %v:\n got %s\nwant %s", unit, w, body, want)
			}
			seen += strings.Count(string(body), `"corrected":`)
		}
	}
	if seen == 0 {
		t.Error("no dashboard with a correction: the test does not cover them")
	}
}
