package kpi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

// formEnums is what the indicator form offers.
type formEnums struct {
	Levels, Kinds, Sources, UnitLevels, Statuses, Tiers, Types, PartyOrgs []string
}

var allFormEnums = formEnums{Levels: Levels, Kinds: Kinds, Sources: Sources,
	UnitLevels: []string{LevelDistrict, LevelStreet, LevelCommunity}, Statuses: registry.Statuses, Tiers: registry.Tiers,
	Types: registry.Types, PartyOrgs: registry.PartyOrgs}

// indicatorForm is an indicator's form values as strings.
type indicatorForm struct {
	Key, NameZH, NameEN, Level, ScopeCode, Kind, Source, UnitLevel, MinCount, Years string
	Target, StartOn, Deadline, Clause, Units, Position, Version                     string
	Active                                                                          bool
	F, N                                                                            filterForm
}

type filterForm struct {
	P                                               string // field name prefix: f_ or n_
	Status, Tiers, Types, PartyOrg                  []string
	Hub, Brand, Demonstration, VolunteerMark, Rural string // "" | "1" | "0"
	TrainedPersonnel                                string
	MinWorkers                                      string
	TargetGroups                                    string // coverage: group keys, comma-separated
}

// triField is a yes / no / any choice.
type triField struct{ Name, Label, Value string }

// Tris lists the filter's yes / no / any choices.
func (f filterForm) Tris() []triField {
	return []triField{{f.P + "hub", "kpi.filter.hub", f.Hub}, {f.P + "brand", "kpi.filter.brand", f.Brand},
		{f.P + "demonstration", "kpi.filter.demonstration", f.Demonstration},
		{f.P + "volunteer_mark", "kpi.filter.volunteer_mark", f.VolunteerMark}, {f.P + "rural", "kpi.filter.rural", f.Rural},
		{f.P + "trained_personnel", "kpi.filter.trained_personnel", f.TrainedPersonnel}}
}

// Enums is what the filter offers.
func (f filterForm) Enums() formEnums { return allFormEnums }

func triString(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "1"
	}
	return "0"
}

func filterFormOf(f *Filter) filterForm {
	if f == nil {
		return filterForm{}
	}
	ff := filterForm{Status: f.Status, Tiers: f.Tiers, Types: f.Types, PartyOrg: f.PartyOrg, Hub: triString(f.Hub),
		Brand: triString(f.Brand), Demonstration: triString(f.Demonstration), VolunteerMark: triString(f.VolunteerMark),
		Rural: triString(f.Rural), TrainedPersonnel: triString(f.TrainedPersonnel)}
	if f.MinWorkers > 0 {
		ff.MinWorkers = strconv.Itoa(f.MinWorkers)
	}
	ff.TargetGroups = strings.Join(f.TargetGroups, ",")
	return ff
}

func formOf(in Input) indicatorForm {
	years := make([]string, len(in.Rule.Years))
	for i, y := range in.Rule.Years {
		years[i] = strconv.Itoa(y)
	}
	f := indicatorForm{Key: in.Key, NameZH: in.NameZH, NameEN: in.NameEN, Level: in.Level, ScopeCode: in.ScopeCode,
		Kind: in.Rule.Kind, Source: in.Rule.Source, UnitLevel: in.Rule.UnitLevel, Years: strings.Join(years, ","),
		Target: strconv.FormatFloat(in.Target, 'f', -1, 64), StartOn: in.StartOn, Deadline: in.Deadline,
		Clause: in.Clause, Units: strings.Join(in.Rule.Units, ","), Position: strconv.Itoa(in.Position),
		Active: in.Active == nil || *in.Active, F: filterFormOf(&in.Rule.Filter), N: filterFormOf(in.Rule.NumeratorFilter)}
	f.F.P, f.N.P = "f_", "n_"
	if in.Rule.MinCount > 0 {
		f.MinCount = strconv.Itoa(in.Rule.MinCount)
	}
	if in.Target == 0 {
		f.Target = ""
	}
	return f
}

func tri(v string) *bool {
	switch v {
	case "1":
		t := true
		return &t
	case "0":
		f := false
		return &f
	}
	return nil
}

func filterFrom(form url.Values, prefix string, fe errs.Fields) Filter {
	f := Filter{Status: form[prefix+"status"], Tiers: form[prefix+"tiers"], Types: form[prefix+"types"],
		PartyOrg: form[prefix+"party_org"], Hub: tri(form.Get(prefix + "hub")), Brand: tri(form.Get(prefix + "brand")),
		Demonstration: tri(form.Get(prefix + "demonstration")), VolunteerMark: tri(form.Get(prefix + "volunteer_mark")),
		Rural: tri(form.Get(prefix + "rural")), TrainedPersonnel: tri(form.Get(prefix + "trained_personnel"))}
	f.TargetGroups = splitList(form.Get(prefix + "target_groups"))
	if s := strings.TrimSpace(form.Get(prefix + "min_workers")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			fe.Add(prefix+"min_workers", "err.bad_number")
		}
		f.MinWorkers = n
	}
	return f
}

func (f Filter) empty() bool {
	return len(f.Status)+len(f.Tiers)+len(f.Types)+len(f.PartyOrg)+len(f.HostTypes)+len(f.PilotKind)+len(f.TrainingTopics)+len(f.TrainingForms)+
		len(f.ActivityThemes)+len(f.ActivityKinds)+len(f.ActivityFields)+len(f.SurveyReadings) == 0 &&
		f.Hub == nil && f.Brand == nil && f.Demonstration == nil && f.VolunteerMark == nil && f.Rural == nil &&
		f.TrainedPersonnel == nil && f.PartyCovered == nil && f.ContactedDays == 0 && f.MinWorkers == 0 && !f.QualifiedWorkers &&
		len(f.TargetGroups) == 0
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
		out = append(out, p)
	}
	return out
}

// inputFromForm reads an indicator from a form; number errors are returned
// as field messages.
func inputFromForm(form url.Values) (Input, errs.Fields) {
	fe := errs.Fields{}
	in := Input{Key: form.Get("key"), NameZH: form.Get("name_zh"), NameEN: form.Get("name_en"), Level: form.Get("level"),
		ScopeCode: form.Get("scope_code"), StartOn: form.Get("start_on"), Deadline: form.Get("deadline"), Clause: form.Get("clause")}
	in.Rule = Rule{Kind: form.Get("kind"), Source: form.Get("source"), UnitLevel: form.Get("unit_level"),
		Filter: filterFrom(form, "f_", fe), Units: splitList(form.Get("units"))}
	if in.Rule.Kind != KindUnitShare {
		in.Rule.UnitLevel = ""
	}
	if in.Rule.Kind == KindRecordShare {
		n := filterFrom(form, "n_", fe)
		in.Rule.NumeratorFilter = &n
		if n.empty() {
			in.Rule.NumeratorFilter = nil
		}
	}
	atoi := func(field string, dst *int) {
		if s := strings.TrimSpace(form.Get(field)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				fe.Add(field, "err.bad_number")
			}
			*dst = n
		}
	}
	atoi("min_count", &in.Rule.MinCount)
	atoi("position", &in.Position)
	atoi("version", &in.Version)
	if in.Rule.Kind == KindCountPerYear {
		for _, y := range splitList(form.Get("years")) {
			n, err := strconv.Atoi(y)
			if err != nil {
				fe.Add("rule.years", "err.bad_number")
			}
			in.Rule.Years = append(in.Rule.Years, n)
		}
	}
	if s := strings.TrimSpace(form.Get("target")); s != "" {
		s = strings.TrimSuffix(s, "%")
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			fe.Add("target", "err.bad_number")
		}
		if strings.HasSuffix(strings.TrimSpace(form.Get("target")), "%") {
			v /= 100
		}
		in.Target = v
	}
	active := form.Get("active") == "1"
	in.Active = &active
	return in, fe
}

type indicatorsView struct {
	Items     []*Indicator
	Targets   map[string]string
	Form      indicatorForm
	Enums     formEnums
	CanManage bool
	Errors    map[string]string
	Action    string
	Edit      bool
}

func (h *Handlers) indicatorsView(r *http.Request, u *auth.User, form indicatorForm, errs map[string]string) (*indicatorsView, error) {
	items, err := h.Svc.List(r.Context(), u, "", true)
	if err != nil {
		return nil, err
	}
	x := h.texts(r)
	v := &indicatorsView{Items: items, Targets: map[string]string{}, Form: form, Enums: allFormEnums,
		CanManage: CanManage(u), Errors: errs, Action: "/indicators"}
	for _, ind := range items {
		v.Targets[ind.Key] = x.target(ind)
	}
	return v, nil
}

func newForm(u *auth.User) indicatorForm {
	lvl := LevelDistrict
	return indicatorForm{ScopeCode: u.ScopeCode, Level: lvl, Kind: KindCount, Source: SourceOrgs, StartOn: Phases[0].From,
		Deadline: Phases[len(Phases)-1].To, Active: true, Position: "100", UnitLevel: LevelStreet,
		F: filterForm{P: "f_"}, N: filterForm{P: "n_"}}
}

func (h *Handlers) indicatorsPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	v, err := h.indicatorsView(r, u, newForm(u), nil)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "kpi_indicators", web.View{Title: h.texts(r).t("kpi.indicators.title"), Data: v})
}

func (h *Handlers) indicatorCreate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !h.S.ParsedForm(w, r) {
		return
	}
	in, fe := inputFromForm(r.PostForm)
	var ind *Indicator
	err := fe.Then(func() (err error) {
		ind, err = h.Svc.Create(r.Context(), u, in)
		return err
	})
	h.S.SavedAt(w, r, err, func() string { return savedAt(ind) }, func(status int, msgs map[string]string) {
		v, verr := h.indicatorsView(r, u, formOf(in), msgs)
		if verr != nil {
			h.S.PageError(w, r, verr)
			return
		}
		h.S.Render(w, r, status, "kpi_indicators", web.View{Title: h.texts(r).t("kpi.indicators.title"), Data: v, Errors: msgs})
	})
}

// savedAt is the page an indicator's form goes on to once it is saved.
func savedAt(ind *Indicator) string {
	return "/indicators/" + ind.Key + "?unit=" + ind.ScopeCode + "&flash=kpi.indicator.created"
}

func (h *Handlers) indicatorEditPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !CanManage(u) {
		h.S.PageError(w, r, errs.E(errs.Forbidden, "err.forbidden"))
		return
	}
	ind, err := h.Svc.Get(r.Context(), u, r.PathValue("key"))
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	f := formOf(InputOf(ind))
	f.Version = strconv.Itoa(ind.Version)
	v, err := h.indicatorsView(r, u, f, nil)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	v.Edit, v.Action = true, "/indicators/"+ind.Key
	h.S.Render(w, r, http.StatusOK, "kpi_indicator_form", web.View{Title: h.texts(r).t("kpi.indicator.edit") + " · " + ind.NameZH, Data: v})
}

func (h *Handlers) indicatorUpdate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !h.S.ParsedForm(w, r) {
		return
	}
	key := r.PathValue("key")
	in, fe := inputFromForm(r.PostForm)
	var ind *Indicator
	err := fe.Then(func() (err error) {
		ind, err = h.Svc.Update(r.Context(), u, key, in)
		return err
	})
	h.S.SavedAt(w, r, err, func() string { return savedAt(ind) }, func(status int, msgs map[string]string) {
		in.Key = key
		v, verr := h.indicatorsView(r, u, formOf(in), msgs)
		if verr != nil {
			h.S.PageError(w, r, verr)
			return
		}
		v.Edit, v.Action = true, "/indicators/"+key
		h.S.Render(w, r, status, "kpi_indicator_form", web.View{Title: h.texts(r).t("kpi.indicator.edit"), Data: v, Errors: msgs})
	})
}

type pilotsView struct {
	Items        []*Pilot
	Names        map[string]string
	Form         PilotInput
	Errors       map[string]string
	CanDesignate bool
	Today        string
}

func (h *Handlers) pilotsView(r *http.Request, u *auth.User, form PilotInput, msgs map[string]string) (*pilotsView, error) {
	items, err := h.Svc.Pilots(r.Context(), u, r.URL.Query().Get("within"))
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, p := range items {
		codes = append(codes, p.StreetCode, p.DistrictCode)
	}
	names, err := h.Svc.Geo.Names(r.Context(), codes)
	if err != nil {
		return nil, err
	}
	return &pilotsView{Items: items, Names: names, Form: form, Errors: msgs, CanDesignate: CanDesignate(u), Today: h.Svc.Today()}, nil
}

func (h *Handlers) pilotsPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.renderPilots(w, r, u, http.StatusOK, PilotInput{DesignatedOn: h.Svc.Today()}, nil)
}

func (h *Handlers) pilotCreate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !h.S.ParsedForm(w, r) {
		return
	}
	in := PilotInput{CommunityCode: r.PostForm.Get("community_code"), DesignatedOn: r.PostForm.Get("designated_on"),
		Note: r.PostForm.Get("note"), Kind: PilotRural, LateReason: r.PostForm.Get("late_reason")}
	// the community by name, "街道 · 社区", "name #code" or its code; the
	// form shows again what was typed (in, as designate leaves it)
	h.S.Saved(w, r, h.designate(r, u, in), "/pilots?flash=kpi.pilot.designated", func(status int, msgs map[string]string) {
		h.renderPilots(w, r, u, status, in, msgs)
	})
}

// designate designates the pilot of the form in, in the community its
// place picker names (in itself kept as typed, for the form again).
func (h *Handlers) designate(r *http.Request, u *auth.User, in PilotInput) error {
	code, err := geo.ResolvePlace(r.Context(), h.Svc.Geo, u, "community_code", in.CommunityCode, geo.Community)
	if err != nil {
		return err
	}
	in.CommunityCode = code
	_, err = h.Svc.Designate(r.Context(), u, in)
	return err
}

func (h *Handlers) pilotRevoke(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	if !h.S.ParsedForm(w, r) {
		return
	}
	_, err := h.Svc.RevokeLate(r.Context(), u, id, r.PostForm.Get("revoked_on"), r.PostForm.Get("reason"), r.PostForm.Get("late_reason"))
	h.S.Saved(w, r, err, "/pilots?flash=kpi.pilot.revoked", func(status int, msgs map[string]string) {
		h.renderPilots(w, r, u, status, PilotInput{DesignatedOn: h.Svc.Today()}, msgs)
	})
}

// renderPilots shows the pilots' page with form in its designation form
// and a refusal's messages by field.
func (h *Handlers) renderPilots(w http.ResponseWriter, r *http.Request, u *auth.User, status int, form PilotInput, msgs map[string]string) {
	v, err := h.pilotsView(r, u, form, msgs)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, status, "kpi_pilots", web.View{Title: h.texts(r).t("kpi.pilots.title"), Data: v, Errors: msgs})
}
