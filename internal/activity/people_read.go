package activity

import (
	"context"
	"database/sql"
	"fmt"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// The reads behind the officers' pages of registered beneficiaries,
// consultations and street associations (the API has the writes).

// ServedEntry is an activity that served a registered beneficiary.
type ServedEntry struct {
	ActivityID int64
	Title      string
	Day        string
}

// beneficiaryScope is the place whose beneficiaries the user reads: a
// leader's organization's community, else the user's scope.
func (s *Service) beneficiaryScope(ctx context.Context, u *auth.User) (string, error) {
	if u.Role != auth.OrgLeader {
		return u.ScopeCode, nil
	}
	if u.OrgID == 0 {
		return "", errs.Missing()
	}
	o, err := s.Orgs.Lookup(ctx, u.OrgID)
	if err != nil {
		return "", err
	}
	return o.CommunityCode, nil
}

// Beneficiary is one registered beneficiary in the user's place, with the
// latest activities that served them; its phone is masked for every reader.
func (s *Service) Beneficiary(ctx context.Context, u *auth.User, id int64) (*Beneficiary, []ServedEntry, error) {
	scope, err := s.beneficiaryScope(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	bs, err := beneficiariesByID(ctx, s.DB.Read, []int64{id})
	if err != nil {
		return nil, nil, err
	}
	b := bs[id]
	if b == nil || len(b.CommunityCode) < len(scope) || b.CommunityCode[:len(scope)] != scope {
		return nil, nil, errs.Missing()
	}
	b.maskFor(nil)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT a.id, a.title, a.starts_on FROM activity_beneficiaries ab
		JOIN activities a ON a.id = ab.activity_id WHERE ab.beneficiary_id = $1 ORDER BY a.starts_on DESC, a.id DESC LIMIT 50`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("activity: served: %w", err)
	}
	out, err := db.Collect(rows, func(r interface{ Scan(...any) error }) (*ServedEntry, error) {
		var e ServedEntry
		return &e, r.Scan(&e.ActivityID, &e.Title, &e.Day)
	})
	if err != nil {
		return nil, nil, err
	}
	return b, out, nil
}

// Consultation is one consultation the user sees, with its meetings and,
// if opened, its survey's tally (nil otherwise).
func (s *Service) Consultation(ctx context.Context, u *auth.User, id int64) (*Consultation, *Survey, error) {
	if _, err := s.consultationActivity(ctx, u, id, false); err != nil {
		return nil, nil, err
	}
	var c Consultation
	err := s.DB.Read.QueryRowContext(ctx, `SELECT id, activity_id, topic, topic_kind, community_code, raised_by, COALESCE(raised_by_org_id, 0),
		raised_note, follow_up, created_at FROM consultations WHERE id = $1`, id).Scan(&c.ID, &c.ActivityID, &c.Topic, &c.TopicKind,
		&c.CommunityCode, &c.RaisedBy, &c.RaisedByOrgID, &c.RaisedNote, &c.FollowUp, &c.CreatedAt)
	if err != nil {
		return nil, nil, fmt.Errorf("activity: consultation: %w", err)
	}
	c.Meetings = []Meeting{}
	if err := consultationMeetings(ctx, s.DB.Read, []*Consultation{&c}); err != nil {
		return nil, nil, err
	}
	sv, err := getSurvey(ctx, s.DB.Read, id)
	if err != nil && !isNotFound(err) {
		return nil, nil, err
	}
	return &c, sv, nil
}

// StreetAssociation is a street's association for the pages: nil when the
// street has none named yet (not found when the user may not see it).
func (s *Service) StreetAssociation(ctx context.Context, u *auth.User, street string) (*Association, error) {
	a, err := s.Association(ctx, u, street)
	if isNotFound(err) && seesAssociation(u, street) {
		return nil, nil
	}
	return a, err
}

// Associations lists a page of the associations named in the user's
// place, by street.
func (s *Service) Associations(ctx context.Context, u *auth.User, p Paging) (*List[Association], error) {
	if !readsPlace(u) {
		return &List[Association]{Items: []Association{}, Page: 1, PerPage: p.bounded().PerPage}, nil
	}
	in, args := db.ScopeCond("va.street_code", u.ScopeCode, nil)
	return readPage(ctx, s.DB.Read, listQuery{cols: `va.street_code, va.org_id, o.name,
		(SELECT COUNT(*) FROM association_members m WHERE m.association_id = va.org_id AND m.left_on = '')`,
		from: `FROM volunteer_associations va JOIN orgs o ON o.id = va.org_id WHERE ` + in, args: args, order: "va.street_code"},
		p, scanAssociations, nil)
}

// scanAssociations reads associations with their count of current members
// (Members holds that many empty entries).
func scanAssociations(rows *sql.Rows) ([]Association, error) {
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*Association, error) {
		var a Association
		var n int
		if err := r.Scan(&a.StreetCode, &a.OrgID, &a.OrgName, &n); err != nil {
			return nil, err
		}
		a.Members = make([]Member, n)
		return &a, nil
	})
}

// OrgChoice is an organization offered by a page's select.
type OrgChoice struct {
	ID   int64
	Name string
}

// StreetOrgs lists a street's active organizations by name, all of them
// (the registry's list, read page by page, in the user's scope).
func (s *Service) StreetOrgs(ctx context.Context, u *auth.User, street string) ([]OrgChoice, error) {
	out := []OrgChoice{}
	if s.OrgList == nil {
		return out, nil
	}
	for page := 1; ; page++ {
		p, err := s.OrgList(ctx, u, registry.Filter{Within: street, Status: registry.StatusActive, Sort: "name",
			Page: page, PerPage: registry.MaxPerPage})
		if err != nil {
			return nil, fmt.Errorf("activity: street orgs: %w", err)
		}
		for _, o := range p.Items {
			out = append(out, OrgChoice{ID: o.ID, Name: o.Name})
		}
		if len(p.Items) < p.PerPage || page*p.PerPage >= p.Total {
			return out, nil
		}
	}
}

func isNotFound(err error) bool { return errs.Is(err, errs.NotFound) }

// PlaceChoice is a division offered by a page's select.
type PlaceChoice struct {
	Code, Name string
}

// Streets lists the streets of the user's place for the associations'
// chooser: a district's streets (the city's officers choose the district
// first, by ?district=), or the street officer's own street.
func (s *Service) Streets(ctx context.Context, u *auth.User, district string) ([]PlaceChoice, error) {
	place := u.ScopeCode
	switch {
	case len(place) >= 9:
		place = place[:6]
	case len(place) < 6:
		if len(district) != 6 || !u.InScope(district) {
			return []PlaceChoice{}, nil
		}
		place = district
	}
	return s.places(ctx, place, u.InScope)
}

// Districts lists the city's districts for a city officer's chooser.
func (s *Service) Districts(ctx context.Context, u *auth.User) ([]PlaceChoice, error) {
	if len(u.ScopeCode) != 4 {
		return []PlaceChoice{}, nil
	}
	return s.places(ctx, u.ScopeCode, func(string) bool { return true })
}

// places are the divisions directly below code that keep accepts, from
// the division tree (geo).
func (s *Service) places(ctx context.Context, code string, keep func(code string) bool) ([]PlaceChoice, error) {
	out := []PlaceChoice{}
	if s.Children == nil {
		return out, nil
	}
	nodes, err := s.Children(ctx, code)
	if err != nil {
		return nil, fmt.Errorf("activity: places below %s: %w", code, err)
	}
	for _, n := range nodes {
		if keep(n.Code) {
			out = append(out, PlaceChoice{Code: n.Code, Name: n.Name})
		}
	}
	return out, nil
}
