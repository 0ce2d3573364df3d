package geomap

import "testing"

// The vendored boundaries parse into Guangzhou's 11 districts, and Finish
// says which units have a boundary, which map to draw and the value range.
func TestBoundariesAndFinish(t *testing.T) {
	b := For("4401")
	if b == nil || b.Map != "广州" || len(b.Areas) != 11 || b.Areas["440106"] != "天河区" || b.Areas["440117"] != "从化区" {
		t.Fatalf("Guangzhou's boundaries: %+v", b)
	}
	if For("440106") != nil || For("4403") != nil {
		t.Error("boundaries where none are vendored")
	}
	v := func(f float64) *float64 { return &f }
	d := (&Data{Unit: "4401", Areas: []Area{{Code: "440106", Value: v(3)}, {Code: "440105", Value: v(7)},
		{Code: "440199", Value: nil}}}).Finish()
	if d.Map == nil || d.Map.Src != "/static/geomap/boundaries/guangzhou.js" || d.Min != 3 || d.Max != 7 ||
		len(d.Missing) != 1 || d.Missing[0] != "440199" || !d.Areas[0].Boundary || d.Areas[0].Feature != "天河区" {
		t.Errorf("finished: %+v", d)
	}
	s := (&Data{Unit: "440106", Share: true, Areas: []Area{{Code: "440106001", Value: v(0.5)}}}).Finish()
	if s.Map != nil || len(s.Missing) != 1 || s.Min != 0 || s.Max != 1 {
		t.Errorf("a district: %+v", s)
	}
}
