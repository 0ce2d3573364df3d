package registry

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Service is the registry's rules over its store.
type Service struct {
	DB  *db.DB
	Geo *geo.Store
	Now func() time.Time
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// Get returns an organization the viewer may see; any other answers not found.
func (s *Service) Get(ctx context.Context, u *auth.User, id int64) (*Org, error) {
	o, err := getOrg(ctx, s.DB.Read, id, "")
	if err != nil {
		return nil, err
	}
	if !visible(u, o) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	maskFor(u, o)
	return o, nil
}

// OrgCommunity tells an organization's community (auth.OrgLookup).
func (s *Service) OrgCommunity(ctx context.Context, id int64) (string, error) {
	o, err := getOrg(ctx, s.DB.Read, id, "")
	if err != nil {
		return "", err
	}
	return o.CommunityCode, nil
}

// List returns one page of the organizations the viewer may see.
func (s *Service) List(ctx context.Context, u *auth.User, f Filter) (*Page, error) {
	if f.PerPage <= 0 {
		f.PerPage = 20
	}
	f.PerPage = min(f.PerPage, MaxPerPage)
	f.Page = min(max(f.Page, 1), MaxPage)
	order, ok := sorts[f.Sort]
	if !ok {
		return nil, &errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"),
			Fields: map[string]errs.Msg{"sort": errs.M("err.unknown_value", f.Sort)}}
	}
	if strings.TrimSpace(f.Q) != "" {
		return s.searchList(ctx, u, f, order)
	}
	w, args := where(s.DB.Dialect, u, &f)
	p := &Page{Items: []*Org{}, Page: f.Page, PerPage: f.PerPage}
	n, tallied, err := s.tallyTotal(ctx, u, f)
	if err != nil {
		return nil, err
	}
	p.Total = n
	if !tallied {
		if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM orgs o WHERE `+w, args...).Scan(&p.Total); err != nil {
			return nil, fmt.Errorf("count orgs: %w", err)
		}
	}
	if (f.Page-1)*f.PerPage >= p.Total {
		return p, nil // past the last page: the count is the whole cost
	}
	args = append(args, f.PerPage, (f.Page-1)*f.PerPage)
	rows, err := s.DB.Query(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE `+w+
		` ORDER BY `+order+` LIMIT `+ph(len(args)-1)+` OFFSET `+ph(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		maskFor(u, o)
		p.Items = append(p.Items, o)
	}
	return p, rows.Err()
}

// checkCommunity verifies that the code names a community in the viewer's scope.
func (s *Service) checkCommunity(ctx context.Context, u *auth.User, code string, f errs.Fields) error {
	if _, bad := f["community_code"]; bad {
		return nil
	}
	n, err := s.Geo.Get(ctx, code)
	switch {
	case errs.Is(err, errs.NotFound):
		f.Add("community_code", "err.unknown_division")
	case err != nil:
		return err
	case n.Level != geo.Community:
		f.Add("community_code", "err.community_code")
	case u.Role == auth.OrgLeader && u.OrgID == 0:
		// a leader filing their first organization may pick any community
	case u.Role == auth.OrgLeader:
		if code != u.ScopeCode {
			f.Add("community_code", "err.outside_scope")
		}
	case !u.InScope(code):
		f.Add("community_code", "err.outside_scope")
	}
	return nil
}

// Create files a new organization.
func (s *Service) Create(ctx context.Context, u *auth.User, in Input) (*Org, error) {
	if u.ReadOnly() || u.Role == auth.HubStaff || (u.Role == auth.OrgLeader && u.OrgID != 0) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	now := s.now()
	in.normalize()
	f := in.validate(now)
	if err := s.checkCommunity(ctx, u, in.CommunityCode, f); err != nil {
		return nil, err
	}
	probe := &Org{CommunityCode: in.CommunityCode, Tier: in.Tier}
	for flag, set := range map[string]bool{"hub": in.Hub, "brand": in.Brand, "volunteer_mark": in.VolunteerMark,
		"demonstration_year": in.DemonstrationYear != 0} {
		if set && !setsFlag(u, flag) {
			f.Add(flag, "err.flag_not_yours")
		}
	}
	status := StatusPending
	if in.Status == StatusActive {
		if _, bad := f["community_code"]; !bad && !approves(u, probe) {
			f.Add("status", "err.cannot_activate")
		}
		status = StatusActive
	}
	if in.Hub && status != StatusActive {
		f.Add("hub", "err.hub_needs_active")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var o *Org
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO orgs (name, name_key, tier, types_mask, groups_mask,
			community_code, street_code, district_code, credit_code, address, founded_on, members, leader_name,
			leader_phone, party_org, party_instructor, hub, brand, demonstration_year, volunteer_mark, status,
			created_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$23)
			RETURNING id`,
			in.Name, NameKey(in.Name), in.Tier, mask(Types, in.Types), mask(TargetGroups, in.TargetGroups),
			in.CommunityCode, in.CommunityCode[:9], in.CommunityCode[:6], nullStr(in.CreditCode), in.Address,
			in.FoundedOn, in.Members, in.LeaderName, in.LeaderPhone, in.PartyOrg, in.PartyInstructor,
			b2i(in.Hub), b2i(in.Brand), nullYear(in.DemonstrationYear), b2i(in.VolunteerMark), status, u.ID, now).Scan(&id)
		if err != nil {
			return s.conflict(err)
		}
		o, err = getOrg(ctx, tx, id, "")
		if err != nil {
			return err
		}
		if err := indexOrg(ctx, tx, id, o.Name, o.DistrictCode); err != nil {
			return err
		}
		hist := []Event{{Field: "status", Value: status}, {Field: "tier", Value: o.Tier},
			{Field: "party_org", Value: o.PartyOrg}}
		for _, fl := range flagValues(o) {
			if fl.Value != "" && fl.Value != "0" {
				hist = append(hist, fl)
			}
		}
		if err := s.recordHistory(ctx, tx, u, o.ID, now, hist); err != nil {
			return err
		}
		if u.Role == auth.OrgLeader && u.OrgID == 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET org_id = $1, scope_code = $2 WHERE id = $3`, id, o.CommunityCode, u.ID); err != nil {
				return fmt.Errorf("bind leader: %w", err)
			}
			u.OrgID, u.ScopeCode = id, o.CommunityCode
		}
		detail := InputOf(o)
		detail.LeaderPhone = MaskPhone(detail.LeaderPhone) // as in updates: no phone numbers in the audit log
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "org.create", ObjectType: "org",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: o.CommunityCode, Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// conflict turns a unique violation into a clear duplicate message.
func (s *Service) conflict(err error) error {
	if !s.DB.Dialect.IsUniqueViolation(err) {
		return fmt.Errorf("save org: %w", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "credit_code") {
		return &errs.Error{Code: errs.Conflict, Message: errs.M("err.duplicate_credit"),
			Fields: map[string]errs.Msg{"credit_code": errs.M("err.duplicate_credit")}}
	}
	return &errs.Error{Code: errs.Conflict, Message: errs.M("err.duplicate_name"),
		Fields: map[string]errs.Msg{"name": errs.M("err.duplicate_name")}}
}

func flagValues(o *Org) []Event {
	return []Event{
		{Field: "hub", Value: strconv.Itoa(b2i(o.Hub))},
		{Field: "brand", Value: strconv.Itoa(b2i(o.Brand))},
		{Field: "demonstration_year", Value: yearStr(o.DemonstrationYear)},
		{Field: "volunteer_mark", Value: strconv.Itoa(b2i(o.VolunteerMark))},
	}
}

func yearStr(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

func (s *Service) recordHistory(ctx context.Context, tx *sql.Tx, u *auth.User, id int64, now time.Time, evs []Event) error {
	for _, e := range evs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO org_history (org_id, field, old_value, value, reason, at, user_id, username)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, e.Field, e.OldValue, e.Value, e.Reason, now, nullID(u.ID), u.Username); err != nil {
			return fmt.Errorf("org history: %w", err)
		}
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// History returns an organization's dated changes, newest first.
func (s *Service) History(ctx context.Context, u *auth.User, id int64) ([]Event, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT id, field, old_value, value, reason, at, COALESCE(user_id, 0), username
		FROM org_history WHERE org_id = $1 ORDER BY at DESC, id DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("org history: %w", err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.Field, &e.OldValue, &e.Value, &e.Reason, &e.At, &e.UserID, &e.Username); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
