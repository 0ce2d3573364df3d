package registry

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// Update saves a whole new set of editable fields. Flags may be changed only
// by the roles they belong to; every changed field is audited, and status,
// tier, party organization and flag changes enter the dated history.
func (s *Service) Update(ctx context.Context, u *auth.User, id int64, in Input) (*Org, error) {
	now := s.now()
	in.normalize()
	var out *Org
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getOrg(ctx, tx, id, s.DB.Dialect.ForUpdate())
		if err != nil {
			return err
		}
		if !visible(u, old) {
			return errs.E(errs.NotFound, "err.not_found")
		}
		if !manages(u, old) || old.Status == StatusDeregistered {
			return errs.E(errs.Forbidden, "err.forbidden")
		}
		if in.Version != 0 && in.Version != old.Version {
			return errs.E(errs.Conflict, "err.edited_meanwhile")
		}
		f := in.validate(now)
		if in.Status != "" && in.Status != old.Status {
			f.Add("status", "err.use_transition")
		}
		if in.CommunityCode != old.CommunityCode {
			if u.Role == auth.OrgLeader {
				f.Add("community_code", "err.forbidden_field")
			} else if err := s.checkCommunity(ctx, u, in.CommunityCode, f); err != nil {
				return err
			}
		}
		if in.Tier != old.Tier && (!approves(u, old) || !approves(u, &Org{CommunityCode: old.CommunityCode, Tier: in.Tier})) {
			f.Add("tier", "err.forbidden_field")
		}
		newFlags := &Org{Hub: in.Hub, Brand: in.Brand, DemonstrationYear: in.DemonstrationYear, VolunteerMark: in.VolunteerMark}
		for i, fl := range flagValues(newFlags) {
			if fl.Value != flagValues(old)[i].Value && !setsFlag(u, fl.Field) {
				f.Add(fl.Field, "err.flag_not_yours")
			}
		}
		if in.Hub && !old.Hub && old.Status != StatusActive {
			f.Add("hub", "err.hub_needs_active")
		}
		if err := f.Err(); err != nil {
			return err
		}
		changes := diff(old, &in)
		if len(changes) == 0 {
			out = old
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET name = $1, name_key = $2, tier = $3, types_mask = $4,
			groups_mask = $5, community_code = $6, street_code = $7, district_code = $8, credit_code = $9,
			address = $10, founded_on = $11, members = $12, leader_name = $13, leader_phone = $14, party_org = $15,
			party_instructor = $16, hub = $17, brand = $18, demonstration_year = $19, volunteer_mark = $20,
			updated_at = $21, version = version + 1 WHERE id = $22`,
			in.Name, NameKey(in.Name), in.Tier, mask(Types, in.Types), mask(TargetGroups, in.TargetGroups),
			in.CommunityCode, in.CommunityCode[:9], in.CommunityCode[:6], nullStr(in.CreditCode), in.Address,
			in.FoundedOn, in.Members, in.LeaderName, in.LeaderPhone, in.PartyOrg, in.PartyInstructor,
			b2i(in.Hub), b2i(in.Brand), nullYear(in.DemonstrationYear), b2i(in.VolunteerMark), now, id); err != nil {
			return s.conflict(err)
		}
		_, renamed := changes["name"]
		if _, moved := changes["community_code"]; renamed || moved {
			if err := indexOrg(ctx, tx, id, in.Name, in.CommunityCode[:6]); err != nil {
				return err
			}
		}
		var hist []Event
		for _, field := range []string{"tier", "party_org", "hub", "brand", "demonstration_year", "volunteer_mark"} {
			if c, ok := changes[field]; ok {
				hist = append(hist, Event{Field: field, OldValue: c[0], Value: c[1]})
			}
		}
		if err := s.recordHistory(ctx, tx, u, id, now, hist); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "org.update", ObjectType: "org",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: in.CommunityCode, Detail: changes}); err != nil {
			return err
		}
		out, err = getOrg(ctx, tx, id, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	maskFor(u, out)
	return out, nil
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
	add("hub", strconv.Itoa(b2i(cur.Hub)), strconv.Itoa(b2i(in.Hub)))
	add("brand", strconv.Itoa(b2i(cur.Brand)), strconv.Itoa(b2i(in.Brand)))
	add("demonstration_year", yearStr(cur.DemonstrationYear), yearStr(in.DemonstrationYear))
	add("volunteer_mark", strconv.Itoa(b2i(cur.VolunteerMark)), strconv.Itoa(b2i(in.VolunteerMark)))
	return ch
}

func sorted(xs, order []string) []string {
	out := slices.Clone(xs)
	slices.SortFunc(out, func(a, b string) int { return indexOf(order, a) - indexOf(order, b) })
	return out
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
		if (t.byApprover && approves(u, o)) || (!t.byApprover && manages(u, o) && !u.ReadOnly()) {
			out = append(out, a)
		}
	}
	return out
}

// Transition moves an organization through its lifecycle, recording who,
// when and why.
func (s *Service) Transition(ctx context.Context, u *auth.User, id int64, action, reason string) (*Org, error) {
	t, ok := transitions[action]
	reason = strings.TrimSpace(reason)
	f := errs.Fields{}
	if !ok {
		f.Add("action", "err.unknown_value", action)
	}
	if ok && t.needReason && reason == "" {
		f.Add("reason", "err.reason_required")
	}
	if utf8.RuneCountInString(reason) > 500 {
		f.Add("reason", "err.too_long", 500)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	var out *Org
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		o, err := getOrg(ctx, tx, id, s.DB.Dialect.ForUpdate())
		if err != nil {
			return err
		}
		if !visible(u, o) {
			return errs.E(errs.NotFound, "err.not_found")
		}
		if !slices.Contains(Allowed(u, o), action) {
			if slices.Contains(t.from, o.Status) {
				return errs.E(errs.Forbidden, "err.forbidden")
			}
			return errs.E(errs.Conflict, "err.bad_transition", o.Status, action)
		}
		rr := o.ReturnReason
		if action == ActReturn {
			rr = reason
		} else if action == ActSubmit || action == ActApprove {
			rr = ""
		}
		hubOff := ""
		if t.to != StatusActive && o.Hub {
			hubOff = ", hub = 0"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET status = $1, return_reason = $2, updated_at = $3,
			version = version + 1`+hubOff+` WHERE id = $4`, t.to, rr, now, id); err != nil {
			return fmt.Errorf("transition: %w", err)
		}
		hist := []Event{{Field: "status", OldValue: o.Status, Value: t.to, Reason: reason}}
		if hubOff != "" {
			hist = append(hist, Event{Field: "hub", OldValue: "1", Value: "0", Reason: action})
		}
		if err := s.recordHistory(ctx, tx, u, id, now, hist); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "org.transition", ObjectType: "org",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: o.CommunityCode,
			Detail: map[string]string{"action": action, "from": o.Status, "to": t.to, "reason": reason}}); err != nil {
			return err
		}
		out, err = getOrg(ctx, tx, id, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	maskFor(u, out)
	return out, nil
}
