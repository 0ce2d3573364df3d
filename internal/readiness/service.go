package readiness

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// Geo is what the room needs from the hierarchy.
type Geo interface {
	Exists(ctx context.Context, code string) (bool, error)
	Names(ctx context.Context, codes []string) (map[string]string, error)
	// Under lists a level's divisions in a subtree (geo.Store.Under).
	Under(ctx context.Context, code string, level, limit int) ([]geo.Node, error)
}

// Orgs is what the room needs from the registry.
type Orgs interface {
	Lookup(ctx context.Context, id int64) (*registry.Org, error)
	registry.Lister // the organization picker
}

// Service is the room's rules over its tables.
type Service struct {
	DB   *db.DB
	Geo  Geo
	Orgs Orgs
	Now  func() time.Time
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

// place narrows a requested division to the user's subtree: a division
// outside it is not found.
func place(u *auth.User, within string) (string, error) {
	if !readsReadiness(u) {
		return "", errs.E(errs.Forbidden, "err.forbidden")
	}
	return u.Within(within)
}

// orgsIn checks that organizations lie in the community.
func (s *Service) orgsIn(ctx context.Context, ids []int64, community, field string) error {
	for _, id := range ids {
		o, err := s.Orgs.Lookup(ctx, id)
		if err != nil || o.CommunityCode != community {
			return errs.Field(field, "readiness.err.org_elsewhere")
		}
	}
	return nil
}

// AddContact records an emergency contact of a community.
func (s *Service) AddContact(ctx context.Context, u *auth.User, in ContactInput) (*Contact, error) {
	ok, err := s.Geo.Exists(ctx, in.CommunityCode)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := planContact(u, &in, now, ok); err != nil {
		return nil, err
	}
	if in.OrgID != 0 {
		if err := s.orgsIn(ctx, []int64{in.OrgID}, in.CommunityCode, "org_id"); err != nil {
			return nil, err
		}
	}
	detail := in
	detail.Phone = registry.MaskPhone(in.Phone) // no phone numbers in the audit log
	id, err := audit.Created(ctx, s.DB, now, u.Actor(), insertContacts, in, audit.Entry{Action: "readiness.contact_add", ObjectType: "emergency_contact",
		ScopeCode: in.CommunityCode, Detail: detail})
	if err != nil {
		return nil, err
	}
	return &Contact{ID: id, ContactInput: in, Stale: Stale(in.CheckedOn, clock.Day(now))}, nil
}

// Contacts lists the emergency contacts of a community (or a subtree).
func (s *Service) Contacts(ctx context.Context, u *auth.User, community string) ([]Contact, error) {
	code, err := place(u, community)
	if err != nil {
		return nil, err
	}
	return listContacts(ctx, s.DB.Read, code, clock.Day(s.now()))
}

// AddDrill records a drill.
func (s *Service) AddDrill(ctx context.Context, u *auth.User, in DrillInput) (*Drill, error) {
	ok, err := s.Geo.Exists(ctx, in.CommunityCode)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := planDrill(u, &in, now, ok); err != nil {
		return nil, err
	}
	if err := s.orgsIn(ctx, in.OrgIDs, in.CommunityCode, "org_ids"); err != nil {
		return nil, err
	}
	id, err := audit.Created(ctx, s.DB, now, u.Actor(), insertDrills, in, audit.Entry{Action: "readiness.drill_add", ObjectType: "drill",
		ScopeCode: in.CommunityCode, Detail: in})
	if err != nil {
		return nil, err
	}
	if in.OrgIDs == nil {
		in.OrgIDs = []int64{}
	}
	return &Drill{ID: id, DrillInput: in}, nil
}

// Drills lists the drills of a subtree.
func (s *Service) Drills(ctx context.Context, u *auth.User, within string) ([]Drill, error) {
	code, err := place(u, within)
	if err != nil {
		return nil, err
	}
	return listDrills(ctx, s.DB.Read, code)
}

// AddLiaison records a liaison post of a community.
func (s *Service) AddLiaison(ctx context.Context, u *auth.User, in LiaisonInput) (*Liaison, error) {
	ok, err := s.Geo.Exists(ctx, in.CommunityCode)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := planLiaison(u, &in, now, ok); err != nil {
		return nil, err
	}
	if err := s.orgsIn(ctx, in.OrgIDs, in.CommunityCode, "org_ids"); err != nil {
		return nil, err
	}
	id, err := audit.Created(ctx, s.DB, now, u.Actor(), insertLiaisons, in, audit.Entry{Action: "readiness.liaison_add", ObjectType: "liaison",
		ScopeCode: in.CommunityCode, Detail: in})
	if err != nil {
		return nil, err
	}
	return getLiaison(ctx, s.DB.Read, id)
}

// LogContact adds an entry to a liaison's contact log.
func (s *Service) LogContact(ctx context.Context, u *auth.User, id int64, in ContactLogInput) (*Liaison, error) {
	l, err := getLiaison(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	if !u.InScope(l.CommunityCode) || !readsReadiness(u) {
		return nil, errs.Missing()
	}
	if !canKeep(u, l.CommunityCode) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	now := s.now()
	if err := planLog(&in, l.Since, now); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertLogs(ctx, tx, now, id, []ContactLogInput{in}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "readiness.liaison_log", ObjectType: "liaison",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: l.CommunityCode, Detail: in})
	})
	if err != nil {
		return nil, err
	}
	list, err := listLiaisons(ctx, s.DB.Read, l.CommunityCode)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], nil
		}
	}
	return nil, errs.Missing()
}

// Liaisons lists the posts of a subtree, and the communities without one.
type Liaisons struct {
	Items   []Liaison `json:"items"`
	Without []Place   `json:"without_liaison"`
}

// Place is a community named in a report.
type Place struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// facts reads the communities of a place and their facts on a day.
func (s *Service) facts(ctx context.Context, code, day string) ([]*communityFacts, error) {
	comms, err := s.Geo.Under(ctx, code, geo.Community, 0)
	if err != nil {
		return nil, fmt.Errorf("readiness: communities: %w", err)
	}
	return readFacts(ctx, s.DB.Read, comms, code, day)
}

// Liaisons lists the posts of a subtree and the communities without one.
func (s *Service) Liaisons(ctx context.Context, u *auth.User, within string) (*Liaisons, error) {
	code, err := place(u, within)
	if err != nil {
		return nil, err
	}
	items, err := listLiaisons(ctx, s.DB.Read, code)
	if err != nil {
		return nil, err
	}
	facts, err := s.facts(ctx, code, clock.Day(s.now()))
	if err != nil {
		return nil, err
	}
	out := &Liaisons{Items: items, Without: []Place{}}
	for _, f := range facts {
		if !f.Liaison {
			out.Without = append(out.Without, Place{f.Code, f.Name})
		}
	}
	return out, nil
}

// StreetCoverage is a street's emergency readiness.
type StreetCoverage struct {
	Street      string  `json:"street_code"`
	Communities int     `json:"communities"`
	CurrentList int     `json:"current_list"`
	Drilled     int     `json:"drilled"`
	Covered     int     `json:"covered"` // both
	Share       float64 `json:"share"`
	Missing     []Place `json:"missing"`
}

// Coverage is, per street of a subtree, the share of communities with a
// current contact list and a drill in the last 12 months.
func (s *Service) Coverage(ctx context.Context, u *auth.User, within string) ([]StreetCoverage, error) {
	code, err := place(u, within)
	if err != nil {
		return nil, err
	}
	day := clock.Day(s.now())
	facts, err := s.facts(ctx, code, day)
	if err != nil {
		return nil, err
	}
	out := []StreetCoverage{}
	for _, f := range facts {
		st := f.Code[:9]
		if len(out) == 0 || out[len(out)-1].Street != st {
			out = append(out, StreetCoverage{Street: st, Missing: []Place{}})
		}
		c := &out[len(out)-1]
		c.Communities++
		cur, drilled := CurrentList(f.Latest, day), RecentDrill(f.LastDrill, day)
		if cur {
			c.CurrentList++
		}
		if drilled {
			c.Drilled++
		}
		if cur && drilled {
			c.Covered++
		} else {
			c.Missing = append(c.Missing, Place{f.Code, f.Name})
		}
	}
	for i := range out {
		out[i].Share = float64(out[i].Covered) / float64(out[i].Communities)
	}
	return out, nil
}
