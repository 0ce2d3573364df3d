package kpi

import (
	"slices"

	"linli/internal/geo"
	"linli/internal/platform/web"
)

// The dashboard's answer writes its own JSON, byte for byte what
// encoding/json (HTML not escaped) writes for it (web.Appender): the
// reflective encoder was the largest share of an evaluated dashboard's CPU
// after the reads (issue 19). TestDashboardJSONMatchesEncoder holds the two
// equal.

// jsonOut appends JSON; a value encoding/json refuses (a NaN or an
// infinite float) marks it failed, and the caller encodes with
// encoding/json instead, which reports the error as before.
type jsonOut struct {
	b      []byte
	failed bool
}

func (o *jsonOut) raw(s string)            { o.b = append(o.b, s...) }
func (o *jsonOut) str(key, v string)       { o.b = web.AppendString(append(o.b, key...), v) }
func (o *jsonOut) num(key string, v int)   { o.b = web.AppendInt(append(o.b, key...), int64(v)) }
func (o *jsonOut) flag(key string, v bool) { o.b = web.AppendBool(append(o.b, key...), v) }

// strs writes string fields: keys and values in turn.
func (o *jsonOut) strs(kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		o.str(kv[i], kv[i+1])
	}
}

func (o *jsonOut) float(key string, v float64) {
	var ok bool
	if o.b, ok = web.AppendFloat(append(o.b, key...), v); !ok {
		o.failed = true
	}
}

// pointer writes a pointer's value with write, or null; with omit, a nil
// pointer is left out (omitempty).
func pointer[T any](o *jsonOut, key string, v *T, omit bool, write func(*jsonOut, string, T)) {
	switch {
	case v != nil:
		write(o, key, *v)
	case !omit:
		o.raw(key + "null")
	}
}

func (o *jsonOut) floatPtr(key string, v *float64, omit bool) {
	pointer(o, key, v, omit, (*jsonOut).float)
}
func (o *jsonOut) boolPtr(key string, v *bool)          { pointer(o, key, v, false, (*jsonOut).flag) }
func (o *jsonOut) intPtr(key string, v *int, omit bool) { pointer(o, key, v, omit, (*jsonOut).num) }

// list writes a slice (nil as null) with each element's writer.
func list[T any](o *jsonOut, key string, vs []T, each func(*jsonOut, *T)) {
	o.raw(key)
	if vs == nil {
		o.raw("null")
		return
	}
	o.b = append(o.b, '[')
	for i := range vs {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		each(o, &vs[i])
	}
	o.b = append(o.b, ']')
}

// object writes a map with string keys in their order (nil as null), as
// encoding/json sorts them.
func object[V any](o *jsonOut, key string, m map[string]V, each func(*jsonOut, V)) {
	o.raw(key)
	if m == nil {
		o.raw("null")
		return
	}
	o.b = append(o.b, '{')
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	for i, k := range ks {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = append(web.AppendString(o.b, k), ':')
		each(o, m[k])
	}
	o.b = append(o.b, '}')
}

// appendJSON writes the dashboard as encoding/json would; ok is false when
// it holds a value encoding/json refuses (see jsonOut).
func (d *Dashboard) appendJSON(b []byte) (_ []byte, ok bool) {
	o := &jsonOut{b: b}
	o.raw(`{"unit":`)
	node(o, &d.Unit)
	list(o, `,"path":`, d.Path, node)
	o.str(`,"as_of":`, d.AsOf)
	if d.KnownOn != "" {
		o.str(`,"known_on":`, d.KnownOn)
	}
	o.str(`,"today":`, d.Today)
	o.raw(`,"timeline":`)
	timeline(o, &d.Timeline)
	list(o, `,"indicators":`, d.Results, func(o *jsonOut, r **Result) { result(o, *r) })
	list(o, `,"children":`, d.Children, node)
	list(o, `,"ranking":`, d.Ranking, rankRow)
	object(o, `,"summary":`, d.Summary, func(o *jsonOut, n int) { o.num("", n) })
	o.raw("}")
	return o.b, !o.failed
}

func node(o *jsonOut, n *geo.Node) {
	o.strs(`{"code":`, n.Code, `,"name":`, n.Name)
	o.num(`,"level":`, n.Level)
	if n.ParentCode != "" {
		o.str(`,"parent_code":`, n.ParentCode)
	}
	if n.Kind != "" {
		o.str(`,"kind":`, n.Kind)
	}
	o.raw("}")
}

func timeline(o *jsonOut, t *Timeline) {
	list(o, `{"phases":`, t.Phases, func(o *jsonOut, p *Phase) {
		o.strs(`{"key":`, p.Key, `,"from":`, p.From, `,"to":`, p.To)
		o.num(`,"months":`, p.Month)
		o.raw("}")
	})
	o.str(`,"current":`, t.Current)
	o.num(`,"month":`, t.Month)
	o.num(`,"months":`, t.Months)
	o.float(`,"progress":`, t.Progress)
	o.raw("}")
}

func result(o *jsonOut, r *Result) {
	if r == nil {
		o.raw("null")
		return
	}
	o.strs(`{"key":`, r.Key, `,"name":`, r.Name, `,"name_en":`, r.NameEN, `,"kind":`, r.Kind, `,"source":`, r.Source,
		`,"level":`, r.Level, `,"unit":`, r.Unit, `,"unit_name":`, r.UnitName, `,"as_of":`, r.AsOf, `,"status":`, r.Status)
	o.floatPtr(`,"value":`, r.Value, false)
	o.float(`,"target":`, r.Target)
	o.boolPtr(`,"met":`, r.Met)
	o.intPtr(`,"numerator":`, r.Numerator, false)
	o.intPtr(`,"denominator":`, r.Denominator, false)
	o.str(`,"deadline":`, r.Deadline)
	o.str(`,"clause":`, r.Clause)
	if r.KnownOn != "" {
		o.str(`,"known_on":`, r.KnownOn)
	}
	o.num(`,"late_entries":`, r.LateEntries)
	o.intPtr(`,"units_met":`, r.UnitsMet, true)
	o.intPtr(`,"units_total":`, r.UnitsTotal, true)
	list(o, `,"behind":`, r.Behind, func(o *jsonOut, u *UnitRef) {
		o.strs(`{"unit":`, u.Unit, `,"name":`, u.Name)
		o.raw("}")
	})
	if c := r.Correction; c != nil {
		o.str(`,"corrected":{"deadline":`, c.Deadline)
		o.floatPtr(`,"was":`, c.Was, false)
		o.floatPtr(`,"now":`, c.Now, false)
		o.str(`,"month":`, c.Month)
		o.raw("}")
	}
	o.floatPtr(`,"shortfall":`, r.Shortfall, true)
	o.floatPtr(`,"expected":`, r.Expected, true)
	o.intPtr(`,"period":`, r.Period, true)
	if len(r.Periods) > 0 {
		list(o, `,"periods":`, r.Periods, func(o *jsonOut, p *Period) {
			o.num(`{"year":`, p.Year)
			o.num(`,"value":`, p.Value)
			o.flag(`,"met":`, p.Met)
			o.flag(`,"ended":`, p.Ended)
			o.raw("}")
		})
	}
	list(o, `,"children":`, r.Children, child)
	o.raw("}")
}

func child(o *jsonOut, c *Child) {
	o.strs(`{"unit":`, c.Unit, `,"name":`, c.Name)
	o.floatPtr(`,"value":`, c.Value, false)
	o.boolPtr(`,"met":`, c.Met)
	o.str(`,"status":`, c.Status)
	o.intPtr(`,"numerator":`, c.Numerator, true)
	o.intPtr(`,"denominator":`, c.Denominator, true)
	o.intPtr(`,"units_met":`, c.UnitsMet, true)
	o.intPtr(`,"units_total":`, c.UnitsTotal, true)
	o.floatPtr(`,"shortfall":`, c.Shortfall, true)
	o.raw("}")
}

func rankRow(o *jsonOut, r *RankRow) {
	o.num(`{"rank":`, r.Rank)
	o.strs(`,"unit":`, r.Unit, `,"name":`, r.Name)
	for _, f := range [...]struct {
		key string
		v   int
	}{{`,"met":`, r.Met}, {`,"on_track":`, r.OnTrack}, {`,"behind":`, r.Behind}, {`,"judged":`, r.Judged}} {
		o.num(f.key, f.v)
	}
	o.float(`,"score":`, r.Score)
	object(o, `,"cells":`, r.Cells, func(o *jsonOut, c Child) { child(o, &c) })
	o.raw("}")
}
