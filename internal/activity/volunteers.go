package activity

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// CreateVolunteer records a volunteer in the user's place.
func (s *Service) CreateVolunteer(ctx context.Context, u *auth.User, in VolunteerInput) (*Volunteer, error) {
	ok, err := s.exists(ctx, in.CommunityCode)
	if err != nil {
		return nil, err
	}
	orgs, err := s.orgRefs(ctx, in.OrgIDs)
	if err != nil {
		return nil, err
	}
	v, err := planVolunteer(in, ok, orgs)
	if err != nil {
		return nil, err
	}
	var refs []OrgRef
	for _, o := range orgs {
		refs = append(refs, *o)
	}
	if !canManageVolunteers(u, v.CommunityCode, refs) {
		if u.ReadOnly() || u.InScope(v.CommunityCode) {
			return nil, errs.E(errs.Forbidden, "err.forbidden")
		}
		return nil, errs.Field("community_code", "err.outside_scope")
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertVolunteers(ctx, tx, []*Volunteer{v}, u.ID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "volunteer.create", ObjectType: "volunteer",
			ObjectID: itoa(v.ID), ScopeCode: v.CommunityCode, Detail: map[string]any{"name": v.Name, "org_ids": v.OrgIDs}})
	})
	if err != nil {
		return nil, err
	}
	v.maskFor(u)
	return v, nil
}

// Volunteers lists a page of the volunteers the user may see (phones
// masked): an organization's for its leader, else those of the user's place.
func (s *Service) Volunteers(ctx context.Context, u *auth.User, p Paging) (*List[*Volunteer], error) {
	var leader int64
	if u.Role == auth.OrgLeader {
		if u.OrgID == 0 {
			return &List[*Volunteer]{Items: []*Volunteer{}, Page: 1, PerPage: p.bounded().PerPage}, nil
		}
		leader = u.OrgID
	}
	l, err := listVolunteers(ctx, s.DB.Read, leader, u.ScopeCode, p)
	if err != nil {
		return nil, err
	}
	for _, v := range l.Items {
		v.maskFor(u)
	}
	return l, nil
}

// Volunteer returns a volunteer the user may see.
func (s *Service) Volunteer(ctx context.Context, u *auth.User, id int64) (*Volunteer, error) {
	v, err := getVolunteer(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	if !seesVolunteer(u, v) {
		return nil, errs.Missing()
	}
	v.maskFor(u)
	return v, nil
}

// AddHours records a volunteer's hours at an activity; once the activity's
// hours are confirmed, the entry is a correction (with a reason).
func (s *Service) AddHours(ctx context.Context, u *auth.User, activityID int64, in HoursInput) (*HoursEntry, error) {
	now := s.now()
	var out *HoursEntry
	err := s.recording(ctx, u, activityID, func(tx *sql.Tx, a *Activity) error {
		v, err := getVolunteer(ctx, tx, in.VolunteerID)
		if errs.Is(err, errs.NotFound) {
			v, err = nil, nil
		}
		if err != nil {
			return err
		}
		if v != nil && !seesVolunteer(u, v) && v.DistrictCode == a.DistrictCode && !u.InScope(a.CommunityCode) {
			v = nil
		}
		var day, own int
		var overlap bool
		if v != nil {
			if day, own, err = minutesOn(ctx, tx, v.ID, a.ID, a.StartsOn); err != nil {
				return err
			}
			if overlap, err = overlaps(ctx, tx, v.ID, a.ID, a.StartsAt, a.EndsAt); err != nil {
				return err
			}
		}
		minutes, err := planHours(a, v, in, day, own, overlap)
		if err != nil {
			return err
		}
		e := &HoursEntry{ActivityID: a.ID, VolunteerID: v.ID, ServedOn: a.StartsOn, minutes: minutes,
			Correction: a.HoursConfirmed, Reason: strings.TrimSpace(in.Reason), Hours: float64(minutes) / 60}
		if err := insertHours(ctx, tx, []*HoursEntry{e}, u.ID, now); err != nil {
			return err
		}
		out = e
		action := "activity.hours"
		if e.Correction {
			action = "activity.hours_correction"
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: action, ObjectType: "activity", ObjectID: itoa(a.ID),
			ScopeCode: a.CommunityCode, Detail: map[string]any{"volunteer_id": v.ID, "minutes": minutes, "reason": e.Reason}})
	})
	return out, err
}

// Confirm locks an activity's hours: later entries are corrections. Only
// a recorded activity (not one held for its report) is confirmed.
func (s *Service) Confirm(ctx context.Context, u *auth.User, activityID int64) (*Activity, error) {
	now := s.now()
	var out *Activity
	err := s.recording(ctx, u, activityID, func(tx *sql.Tx, a *Activity) error {
		switch {
		case a.HoursConfirmed:
			return errs.E(errs.Conflict, "err.hours_already_confirmed")
		case a.Status == StatusRefused:
			return errs.E(errs.Conflict, "err.activity_refused")
		case a.Status == StatusAwaiting:
			return errs.E(errs.Conflict, "err.activity_awaiting")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activities SET hours_confirmed = 1, confirmed_by = $1, confirmed_at = $2,
			updated_at = $2, version = version + 1 WHERE id = $3`, db.NullID(u.ID), now, a.ID); err != nil {
			return err
		}
		a.HoursConfirmed, a.UpdatedAt = true, now
		a.Version++
		out = a
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "activity.confirm", ObjectType: "activity",
			ObjectID: itoa(a.ID), ScopeCode: a.CommunityCode, Detail: map[string]any{"volunteer_hours": a.VolunteerHours}})
	})
	return out, err
}

// VolunteerHours is a volunteer's total over a period, computed from the
// entries (corrections included), never typed.
func (s *Service) VolunteerHours(ctx context.Context, u *auth.User, id int64, from, to string) (*Hours, error) {
	v, err := s.Volunteer(ctx, u, id)
	if err != nil {
		return nil, err
	}
	from, to, err = dayRange(from, to)
	if err != nil {
		return nil, err
	}
	es, total, err := hoursEntries(ctx, s.DB.Read, id, from, to)
	if err != nil {
		return nil, err
	}
	return &Hours{Volunteer: v, From: from, To: to, Hours: float64(total) / 60, Entries: es}, nil
}

// ActivityHours lists the hour entries of an activity the user may see.
func (s *Service) ActivityHours(ctx context.Context, u *auth.User, id int64) ([]HoursEntry, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	return activityHours(ctx, s.DB.Read, id)
}

var _ = time.Now
