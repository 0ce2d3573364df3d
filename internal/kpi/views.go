package kpi

import (
	"slices"
	"strconv"
	"strings"

	"linli/internal/geo"
	"linli/internal/platform/i18n"
)

// The pages show numbers as text made here, in the reader's language:
// shares as percentages, counts as whole numbers.

type texts struct {
	lang string
	t    func(key string, args ...any) string // translates into lang
}

func newTexts(cat *i18n.Catalog, lang string) texts {
	return texts{lang: lang, t: func(key string, args ...any) string { return cat.T(lang, key, args...) }}
}

// num formats a count or a share.
func num(v float64, share bool) string {
	if share {
		return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
	}
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func (x texts) value(r *Result, v *float64) string {
	if v == nil {
		return "—"
	}
	return num(*v, r.Kind == KindUnitShare || r.Kind == KindRecordShare)
}

// targetText says what the target is: "≥ 80.0%", "≥ 3 per district".
func (x texts) target(ind *Indicator) string {
	share := ind.IsShare()
	t := num(ind.Target, share)
	switch {
	case share:
		return x.t("kpi.at_least", t)
	case ind.Rule.Kind == KindCountPerYear:
		return x.t("kpi.per_unit_year", x.t("kpi.level."+ind.Level), t)
	}
	return x.t("kpi.per_unit", x.t("kpi.level."+ind.Level), t)
}

func (x texts) shortfall(r *Result, s *float64) string {
	if s == nil || *s <= 0 {
		return ""
	}
	return num(*s, false)
}

// Row is one indicator on a page, as text.
type Row struct {
	Key, Name, Target, Value, Deadline, Status, StatusText string
	UnitsMet, Shortfall, Expected, Clause, Level           string
	Period                                                 string
	Periods                                                []string
	Chart                                                  bool
	NoData                                                 bool
	// Verdict is "4 / 11 个区达标" for a per-unit target judged above its
	// level, with the units behind; Corrected marks a value at the deadline
	// changed after it ("2024-03 补录后由 60% 改为 82%"); Late counts the
	// records behind the number entered late.
	Verdict   string
	Behind    []UnitRef
	Corrected string
	Late      string
}

func (x texts) row(ind *Indicator, r *Result) Row {
	row := Row{Key: r.Key, Name: ind.Name(x.lang), Target: x.target(ind), Value: x.value(r, r.Value),
		Deadline: r.Deadline, Status: r.Status, StatusText: x.t("kpi.state." + r.Status),
		Shortfall: x.shortfall(r, r.Shortfall), Clause: r.Clause, Level: x.t("kpi.level." + r.Level),
		NoData: r.Status == StateNoData}
	if r.UnitsTotal != nil {
		row.UnitsMet = x.t("kpi.units_of", *r.UnitsMet, *r.UnitsTotal)
		if ind.Rule.Kind != KindUnitShare {
			row.Verdict = x.t("kpi.verdict", *r.UnitsMet, *r.UnitsTotal, x.t("kpi.level."+ind.Level))
			row.Behind = r.Behind
		}
	} else if r.Numerator != nil && r.Denominator != nil {
		row.UnitsMet = x.t("kpi.units_of", *r.Numerator, *r.Denominator)
	}
	if c := r.Correction; c != nil && c.Was != nil && c.Now != nil {
		row.Corrected = x.t("kpi.corrected", c.Month, x.value(r, c.Was), x.value(r, c.Now), c.Deadline)
	}
	if r.LateEntries > 0 {
		row.Late = x.t("kpi.late_entries", r.LateEntries)
	}
	if r.Expected != nil && r.Status != StateMet {
		row.Expected = num(*r.Expected, ind.IsShare())
	}
	if r.Period != nil {
		row.Period = x.t("kpi.period", *r.Period)
	}
	for _, p := range r.Periods {
		st := StateMet
		switch {
		case !p.Met && p.Ended:
			st = StateBehind
		case !p.Met:
			st = StateOnTrack // the year is not over
		}
		row.Periods = append(row.Periods, x.t("kpi.period", p.Year)+": "+strconv.Itoa(p.Value)+" "+x.t("kpi.state."+st))
	}
	for _, c := range r.Children {
		if c.Value != nil {
			row.Chart = true
		}
	}
	return row
}

// Cell is one child's value of one indicator, as text.
type Cell struct {
	Value, Status, StatusText string
}

func (x texts) cell(r *Result, c Child) Cell {
	return Cell{Value: x.value(r, c.Value), Status: c.Status, StatusText: x.t("kpi.state." + c.Status)}
}

// chartData is what dashboard.js draws: per indicator, the child units'
// values against the target.
type chartData struct {
	Lang   string       `json:"lang"`
	Charts []chartEntry `json:"charts"`
}

type chartEntry struct {
	Key    string     `json:"key"`
	Name   string     `json:"name"`
	Share  bool       `json:"share"`
	Target *float64   `json:"target"`
	Units  []string   `json:"units"`
	Names  []string   `json:"names"`
	Values []*float64 `json:"values"`
	States []string   `json:"states"`
	Labels []string   `json:"labels"`
}

func (x texts) chart(ind *Indicator, r *Result) chartEntry {
	e := chartEntry{Key: r.Key, Name: ind.Name(x.lang), Share: ind.IsShare()}
	judgedHere := len(r.Unit) < levelLen[ind.Level] && geo.ChildLen(r.Unit) == levelLen[ind.Level]
	if ind.IsShare() || judgedHere {
		e.Target = ptr(ind.Target)
	}
	for _, c := range r.Children {
		if c.Status == StateNotApplicable && c.Value == nil {
			continue
		}
		e.Units = append(e.Units, c.Unit)
		e.Names = append(e.Names, shortName(c.Name))
		e.Values = append(e.Values, c.Value)
		e.States = append(e.States, c.Status)
		e.Labels = append(e.Labels, x.value(r, c.Value)+" · "+x.t("kpi.state."+c.Status))
	}
	return e
}

// shortName drops the committee suffixes that crowd a chart's axis.
func shortName(s string) string {
	for _, suf := range []string{"社区居委会", "居委会", "村民委员会", "村委会", "街道办事处"} {
		if t, ok := strings.CutSuffix(s, suf); ok && t != "" {
			if strings.HasSuffix(suf, "村委会") || strings.HasSuffix(suf, "村民委员会") {
				return t + "村"
			}
			return t
		}
	}
	return s
}

// reading says how an incubation-coverage rule reads the plan's sentence:
// districts with a district-level base (the literal reading, in use by
// default), streets with a street- or community-level base, or streets with
// any base. Other rules have no reading to state.
func (x texts) reading(ind *Indicator) string {
	if ind.Rule.Source != SourceBases || ind.Rule.Kind != KindUnitShare {
		return ""
	}
	lv := ind.Rule.Filter.BaseLevels
	switch {
	case ind.Rule.UnitLevel == LevelDistrict && len(lv) == 1 && lv[0] == "district":
		return x.t("kpi.reading.district_bases")
	case ind.Rule.UnitLevel == LevelStreet && len(lv) > 0 && !slices.Contains(lv, "district"):
		return x.t("kpi.reading.street_bases")
	case ind.Rule.UnitLevel == LevelStreet:
		return x.t("kpi.reading.any_base")
	}
	return x.t("kpi.reading.other")
}
