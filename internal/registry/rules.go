package registry

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// The registry's decisions: who may do what to an organization, and what a
// change writes. Pure functions, no context, no SQL, no I/O: the form, the
// JSON API, the census import (one row or a hundred thousand), hub
// designation and the lifecycle transitions load what a decision needs
// (lookups), call one of these plans, and store what it returns. Nothing
// else decides.

// lookups are what a plan needs besides the user, the organization and the
// input, read by the caller.
type lookups struct {
	// community is the division the input's community code names (nil:
	// none). Read for a new organization and whenever the code changes.
	community *geo.Node
	// hubMembers is how many organizations the hub serves now; read when a
	// change would end a hub's designation.
	hubMembers int
	// last is each history field's latest effective time (an existing
	// organization's), against which a new change's date is checked.
	last map[string]time.Time
}

// change is what a plan decided: the organization as it will be stored,
// its dated history, whether its search document is rewritten, and its
// audit row's action and detail.
type change struct {
	org    *Org
	events []Event
	reword bool // new, renamed or moved: the search document is (re)written
	action string
	detail any
}

// planCreate decides the filing of a new organization. A non-nil error
// refuses the whole request; field errors refuse it field by field.
func planCreate(u *auth.User, in Input, now time.Time, lk lookups) (*change, errs.Fields, error) {
	if !files(u) {
		return nil, nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	f := in.validate(now)
	checkCommunity(u, in.CommunityCode, lk.community, f)
	for _, fl := range flagValues(orgOf(&Org{}, &in)) {
		if fl.Value != "" && fl.Value != "0" && !setsFlag(u, fl.Field) {
			f.Add(fl.Field, "err.flag_not_yours")
		}
	}
	status := StatusPending
	if in.Status == StatusActive {
		if _, bad := f["community_code"]; !bad && !approves(u, &Org{CommunityCode: in.CommunityCode, Tier: in.Tier}) {
			f.Add("status", "err.cannot_activate")
		}
		status = StatusActive
	}
	if in.Hub && status != StatusActive {
		f.Add("hub", "err.hub_needs_active")
	}
	checkLateReason(in.LateReason, f)
	o := orgOf(&Org{Status: status, CreatedBy: u.ID, CreatedAt: now}, &in)
	o.UpdatedAt = now
	evs := []Event{{Field: "status", Value: status}, {Field: "tier", Value: o.Tier}, {Field: "party_org", Value: o.PartyOrg},
		maskEvent("types", Types, nil, o.Types, true), maskEvent("groups", TargetGroups, nil, o.TargetGroups, true)}
	for _, fl := range flagValues(o) {
		if fl.Value != "" && fl.Value != "0" {
			evs = append(evs, fl)
		}
	}
	// what an organization was filed with took effect when its status did
	// (the census's 成立日期), unless a field has its own date
	dates := maps.Clone(in.Dates)
	if st := dates["status"]; st != "" {
		for _, field := range []string{"tier", "party_org", "types", "groups"} {
			if dates[field] == "" {
				dates[field] = st
			}
		}
	}
	if len(f) == 0 {
		d := dating{now: now, founded: in.FoundedOn, on: in.EffectiveOn, dates: dates, reason: in.LateReason}
		d.dateAll(evs, f)
	}
	if len(f) > 0 {
		return nil, f, nil
	}
	detail := InputOf(o)
	detail.LeaderPhone = MaskPhone(detail.LeaderPhone) // as in updates: no phone numbers in the audit log
	detail.EffectiveOn = in.EffectiveOn
	for _, e := range evs {
		if e.LateReason != "" {
			detail.LateReason = e.LateReason // a late entry (补录)
		}
	}
	return &change{org: o, events: evs, reword: true, action: "org.create", detail: detail}, nil, nil
}

// planUpdate decides an edit of an organization's fields (every editable
// field set in in, as the form and a whole import row do). A nil change
// with no error and no field errors means nothing changes.
func planUpdate(u *auth.User, old *Org, in Input, now time.Time, lk lookups) (*change, errs.Fields, error) {
	if !visible(u, old) {
		return nil, nil, errs.Missing()
	}
	if !edits(u, old) {
		return nil, nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if in.Version != 0 && in.Version != old.Version {
		return nil, nil, errs.E(errs.Conflict, "err.edited_meanwhile")
	}
	f := errs.Fields{}
	if in.Status != "" && in.Status != old.Status {
		f.Add("status", "err.use_transition")
	}
	in.Status = ""
	for k, v := range in.validate(now) {
		f.Add(k, v.Key, v.Args...)
	}
	if in.CommunityCode != old.CommunityCode {
		if u.Role == auth.OrgLeader {
			f.Add("community_code", "err.forbidden_field")
		} else {
			checkCommunity(u, in.CommunityCode, lk.community, f)
		}
	}
	if in.Tier != old.Tier && (!approves(u, old) || !approves(u, &Org{CommunityCode: old.CommunityCode, Tier: in.Tier})) {
		f.Add("tier", "err.forbidden_field")
	}
	oldFlags := flagValues(old)
	for i, fl := range flagValues(orgOf(&Org{}, &in)) {
		if fl.Value != oldFlags[i].Value && !setsFlag(u, fl.Field) {
			f.Add(fl.Field, "err.flag_not_yours")
		}
	}
	hubRules(old, in.Hub, lk, f)
	checkLateReason(in.LateReason, f)
	if len(f) > 0 {
		return nil, f, nil
	}
	d := diff(old, &in)
	if len(d) == 0 {
		return nil, nil, nil
	}
	o := orgOf(old, &in)
	o.UpdatedAt = now
	var evs []Event
	for _, field := range historyFields {
		if c, ok := d[field]; ok {
			evs = append(evs, Event{Field: field, OldValue: c[0], Value: c[1]})
		}
	}
	if _, ok := d["types"]; ok {
		evs = append(evs, maskEvent("types", Types, old.Types, o.Types, false))
	}
	if _, ok := d["target_groups"]; ok {
		evs = append(evs, maskEvent("groups", TargetGroups, old.TargetGroups, o.TargetGroups, false))
	}
	if c, ok := d["community_code"]; ok {
		// a move between communities is dated like any other change, so a
		// past date's coverage counts the organization where it was then
		evs = append(evs, Event{Field: "community", OldValue: c[0], Value: c[1]})
	}
	dt := dating{now: now, founded: o.FoundedOn, last: lk.last, on: in.EffectiveOn, dates: in.Dates, reason: in.LateReason}
	dt.dateAll(evs, f)
	if len(f) > 0 {
		return nil, f, nil
	}
	if len(evs) > 0 {
		late(d, evs, in.EffectiveOn)
	}
	_, renamed := d["name"]
	_, moved := d["community_code"]
	return &change{org: o, events: evs, reword: renamed || moved, action: "org.update", detail: d}, nil, nil
}

// late notes in an update's audit detail when its changes took effect
// and, for a late entry (补录), its reason.
func late(d map[string][2]string, evs []Event, on string) {
	if on != "" {
		d["effective_on"] = [2]string{"", on}
	}
	for _, e := range evs {
		if e.LateReason != "" {
			d["late_entry"] = [2]string{"", e.LateReason}
			return
		}
	}
}

// historyFields are the fields whose changes enter the dated history.
var historyFields = []string{"tier", "party_org", "hub", "brand", "demonstration_year", "volunteer_mark"}

// hubRules are the rules of a hub's designation, however it is changed:
// only an active organization becomes a hub, and a hub that serves
// organizations stays one until they are released.
func hubRules(old *Org, on bool, lk lookups, f errs.Fields) {
	switch {
	case on && !old.Hub && old.Status != StatusActive:
		f.Add("hub", "err.hub_needs_active")
	case !on && old.Hub && lk.hubMembers > 0:
		f.Add("hub", "err.hub_has_members", lk.hubMembers)
	}
}

// planHub decides a hub's designation (on) or its end, with a reason in the
// dated history. Only the street and the officers above it decide.
func planHub(u *auth.User, old *Org, on bool, reason string, now time.Time, lk lookups) (*change, errs.Fields, error) {
	if utf8.RuneCountInString(reason) > 500 {
		return nil, errs.Fields{"reason": errs.M("err.too_long", 500)}, nil
	}
	if !visible(u, old) {
		return nil, nil, errs.Missing()
	}
	if !DesignatesHubs(u) || !u.InScope(old.CommunityCode) {
		return nil, nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	f := errs.Fields{}
	hubRules(old, on, lk, f)
	if len(f) > 0 {
		// a state of the organization, not a mistake in the request
		return nil, nil, &errs.Error{Code: errs.Conflict, Message: f["hub"], Fields: f}
	}
	if old.Hub == on {
		return nil, nil, nil
	}
	o := *old
	o.Hub, o.UpdatedAt = on, now
	ov, nv := strconv.Itoa(db.BoolInt(old.Hub)), strconv.Itoa(db.BoolInt(on))
	return &change{org: &o, events: []Event{{Field: "hub", OldValue: ov, Value: nv, Reason: reason}},
		action: "org.hub", detail: map[string]string{"hub": nv, "reason": reason}}, nil, nil
}

// Transition actions.
const (
	ActSubmit     = "submit"     // returned → pending
	ActApprove    = "approve"    // pending → active
	ActReturn     = "return"     // pending → returned (reason)
	ActSuspend    = "suspend"    // active → suspended (reason)
	ActResume     = "resume"     // suspended → active
	ActDeregister = "deregister" // any but deregistered → deregistered (reason)
)

type transition struct {
	from       []string
	to         string
	needReason bool
	byApprover bool // else by whoever manages the organization
}

var transitions = map[string]transition{
	ActSubmit:     {[]string{StatusReturned}, StatusPending, false, false},
	ActApprove:    {[]string{StatusPending}, StatusActive, false, true},
	ActReturn:     {[]string{StatusPending}, StatusReturned, true, true},
	ActSuspend:    {[]string{StatusActive}, StatusSuspended, true, true},
	ActResume:     {[]string{StatusSuspended}, StatusActive, false, true},
	ActDeregister: {[]string{StatusPending, StatusReturned, StatusActive, StatusSuspended}, StatusDeregistered, true, true},
}

// Actions lists the transitions in the order pages show them.
var Actions = []string{ActSubmit, ActApprove, ActReturn, ActSuspend, ActResume, ActDeregister}

// Allowed lists the actions the viewer may take on the organization now.
func Allowed(u *auth.User, o *Org) []string {
	var out []string
	for _, a := range Actions {
		t := transitions[a]
		if !slices.Contains(t.from, o.Status) {
			continue
		}
		if (t.byApprover && approves(u, o)) || (!t.byApprover && writes(u, o)) {
			out = append(out, a)
		}
	}
	return out
}

// checkTransition checks what a transition request says by itself.
func checkTransition(action, reason string) errs.Fields {
	t, ok := transitions[action]
	f := errs.Fields{}
	if !ok {
		f.Add("action", "err.unknown_value", action)
	}
	if ok && t.needReason && reason == "" {
		f.Add("reason", "err.reason_required")
	}
	f.Length("reason", reason, 0, 500)
	return f
}

// Move is a transition request: the action, its reason, and when it took
// effect (effective_on, default today) with a late entry's reason.
type Move struct {
	Action      string `json:"action"`
	Reason      string `json:"reason"`
	EffectiveOn string `json:"effective_on,omitempty"`
	LateReason  string `json:"late_reason,omitempty"`
}

// planTransition decides a move through the lifecycle. Leaving the active
// status ends a hub's designation.
func planTransition(u *auth.User, old *Org, mv Move, now time.Time, lk lookups) (*change, errs.Fields, error) {
	action, reason := mv.Action, strings.TrimSpace(mv.Reason)
	mv.LateReason = strings.TrimSpace(mv.LateReason)
	f := checkTransition(action, reason)
	checkLateReason(mv.LateReason, f)
	if len(f) > 0 {
		return nil, f, nil
	}
	t := transitions[action]
	if !visible(u, old) {
		return nil, nil, errs.Missing()
	}
	if !slices.Contains(Allowed(u, old), action) {
		if slices.Contains(t.from, old.Status) {
			return nil, nil, errs.E(errs.Forbidden, "err.forbidden")
		}
		return nil, nil, errs.E(errs.Conflict, "err.bad_transition", old.Status, action)
	}
	o := *old
	o.Status, o.UpdatedAt = t.to, now
	switch action {
	case ActReturn:
		o.ReturnReason = reason
	case ActSubmit, ActApprove:
		o.ReturnReason = ""
	}
	evs := []Event{{Field: "status", OldValue: old.Status, Value: t.to, Reason: reason}}
	if t.to != StatusActive && old.Hub {
		o.Hub = false
		evs = append(evs, Event{Field: "hub", OldValue: "1", Value: "0", Reason: action})
	}
	d := dating{now: now, founded: old.FoundedOn, last: lk.last, on: strings.TrimSpace(mv.EffectiveOn), reason: mv.LateReason}
	d.dateAll(evs, f)
	if len(f) > 0 {
		return nil, f, nil
	}
	detail := map[string]string{"action": action, "from": old.Status, "to": t.to, "reason": reason}
	if mv.EffectiveOn != "" {
		detail["effective_on"] = clock.Day(evs[0].At)
	}
	if evs[0].LateReason != "" {
		detail["late_entry"], detail["late_reason"] = "1", evs[0].LateReason
	}
	return &change{org: &o, events: evs, action: "org.transition", detail: detail}, nil, nil
}

// checkCommunity checks that the code names a community in the user's
// scope; n is the division it names (nil: none).
func checkCommunity(u *auth.User, code string, n *geo.Node, f errs.Fields) {
	if _, bad := f["community_code"]; bad {
		return
	}
	switch {
	case n == nil:
		f.Add("community_code", "err.unknown_division")
	case n.Level != geo.Community:
		f.Add("community_code", "err.community_code")
	case filesFirst(u):
		// a leader filing their first organization may pick any community
	case u.Role == auth.OrgLeader:
		if code != u.ScopeCode {
			f.Add("community_code", "err.outside_scope")
		}
	case !u.InScope(code):
		f.Add("community_code", "err.outside_scope")
	}
}

// orgOf is base with the editable fields of in.
func orgOf(base *Org, in *Input) *Org {
	o := *base
	o.Name, o.Tier, o.Types, o.TargetGroups = in.Name, in.Tier, in.Types, in.TargetGroups
	o.CommunityCode, o.CreditCode, o.Address, o.FoundedOn = in.CommunityCode, in.CreditCode, in.Address, in.FoundedOn
	if len(in.CommunityCode) >= 9 {
		o.StreetCode, o.DistrictCode = in.CommunityCode[:9], in.CommunityCode[:6]
	}
	o.Members, o.LeaderName, o.LeaderPhone = in.Members, in.LeaderName, in.LeaderPhone
	o.PartyOrg, o.PartyInstructor = in.PartyOrg, in.PartyInstructor
	o.Hub, o.Brand, o.DemonstrationYear, o.VolunteerMark = in.Hub, in.Brand, in.DemonstrationYear, in.VolunteerMark
	o.Demonstration = in.DemonstrationYear != 0
	return &o
}

// diff lists changed fields as [old, new] strings.
func diff(o *Org, in *Input) map[string][2]string {
	cur := InputOf(o)
	ch := map[string][2]string{}
	add := func(name, a, b string) {
		if a != b {
			ch[name] = [2]string{a, b}
		}
	}
	add("name", cur.Name, in.Name)
	add("tier", cur.Tier, in.Tier)
	add("types", strings.Join(sorted(cur.Types, Types), ","), strings.Join(sorted(in.Types, Types), ","))
	add("target_groups", strings.Join(sorted(cur.TargetGroups, TargetGroups), ","), strings.Join(sorted(in.TargetGroups, TargetGroups), ","))
	add("community_code", cur.CommunityCode, in.CommunityCode)
	add("credit_code", cur.CreditCode, in.CreditCode)
	add("address", cur.Address, in.Address)
	add("founded_on", cur.FoundedOn, in.FoundedOn)
	add("members", strconv.Itoa(cur.Members), strconv.Itoa(in.Members))
	add("leader_name", cur.LeaderName, in.LeaderName)
	if cur.LeaderPhone != in.LeaderPhone {
		// phones are personal data: the audit keeps only the masked forms
		ch["leader_phone"] = [2]string{MaskPhone(cur.LeaderPhone), MaskPhone(in.LeaderPhone)}
	}
	add("party_org", cur.PartyOrg, in.PartyOrg)
	add("party_instructor", cur.PartyInstructor, in.PartyInstructor)
	add("hub", strconv.Itoa(db.BoolInt(cur.Hub)), strconv.Itoa(db.BoolInt(in.Hub)))
	add("brand", strconv.Itoa(db.BoolInt(cur.Brand)), strconv.Itoa(db.BoolInt(in.Brand)))
	add("demonstration_year", yearStr(cur.DemonstrationYear), yearStr(in.DemonstrationYear))
	add("volunteer_mark", strconv.Itoa(db.BoolInt(cur.VolunteerMark)), strconv.Itoa(db.BoolInt(in.VolunteerMark)))
	return ch
}

func sorted(xs, order []string) []string {
	out := slices.Clone(xs)
	slices.SortFunc(out, func(a, b string) int { return indexOf(order, a) - indexOf(order, b) })
	return out
}

func flagValues(o *Org) []Event {
	return []Event{
		{Field: "hub", Value: strconv.Itoa(db.BoolInt(o.Hub))},
		{Field: "brand", Value: strconv.Itoa(db.BoolInt(o.Brand))},
		{Field: "demonstration_year", Value: yearStr(o.DemonstrationYear)},
		{Field: "volunteer_mark", Value: strconv.Itoa(db.BoolInt(o.VolunteerMark))},
	}
}

func yearStr(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}
