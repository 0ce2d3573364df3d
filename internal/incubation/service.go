package incubation

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/effective"

	"linli/internal/geo"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
	"linli/internal/registry"
)

// Orgs is what bases need from the registry.
type Orgs interface {
	Lookup(ctx context.Context, id int64) (*registry.Org, error)
	List(ctx context.Context, u *auth.User, f registry.Filter) (*registry.Page, error)
}

// Service is the bases' rules over their tables.
type Service struct {
	DB   *db.DB
	Geo  *geo.Store
	Orgs Orgs
	Now  func() time.Time
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

func (s *Service) today() string { return clock.Day(s.now()) }

// servedOrg looks up the organization a base's form names (org_id); one the
// base does not serve (serves) is err.base_org_not_served on org_id in f. o
// is nil when no organization of the base's area has the id.
func (s *Service) servedOrg(ctx context.Context, b *Base, id int64, f errs.Fields) (*registry.Org, error) {
	o, err := s.Orgs.Lookup(ctx, id)
	switch {
	case errs.Is(err, errs.NotFound):
		o = nil
	case err != nil:
		return nil, err
	case !strings.HasPrefix(o.CommunityCode, b.DivisionCode):
		o = nil
	}
	if o == nil || !serves(b, o) {
		f.Add("org_id", "err.base_org_not_served")
	}
	return o, nil
}

// operated returns a base the user sees (404 otherwise) and runs day to
// day (403 otherwise): what adding a room, entering and leaving an
// incubated organization each check first.
func (s *Service) operated(ctx context.Context, u *auth.User, baseID int64) (*Base, error) {
	b, err := s.Get(ctx, u, baseID)
	return auth.Permit(u, b, err, canOperate)
}

const baseColumns = `b.id, b.name, b.host_type, b.address, b.division_code, b.district_code, b.street_code, b.level,
	COALESCE(b.operator_org_id, 0), COALESCE(o.name, ''), b.opening_hours, b.services_mask, b.opened_on, b.closed_on,
	b.late_reason, b.created_at, b.updated_at`

const baseFrom = ` FROM bases b LEFT JOIN orgs o ON o.id = b.operator_org_id`

func scanBase(sc interface{ Scan(...any) error }) (*Base, error) {
	var b Base
	var m int64
	err := sc.Scan(&b.ID, &b.Name, &b.HostType, &b.Address, &b.DivisionCode, &b.DistrictCode, &b.StreetCode, &b.Level,
		&b.OperatorOrgID, &b.OperatorName, &b.OpeningHours, &m, &b.OpenedOn, &b.ClosedOn, &b.LateReason, &b.CreatedAt, &b.UpdatedAt)
	b.Late = b.LateReason != ""
	b.Services = db.Unmask(Services, m)
	b.CreatedAt, b.UpdatedAt = b.CreatedAt.UTC(), b.UpdatedAt.UTC()
	return &b, err
}

func getBase(ctx context.Context, q db.Querier, id int64) (*Base, error) {
	return db.One(ctx, q, "incubation: base", scanBase, `SELECT `+baseColumns+baseFrom+` WHERE b.id = $1`, id)
}

// Get returns a base the viewer may see.
func (s *Service) Get(ctx context.Context, u *auth.User, id int64) (*Base, error) {
	b, err := getBase(ctx, s.DB.Read, id)
	return auth.Visible(u, b, err, canSee)
}

// List returns the bases the viewer sees within a division (its own scope
// when empty): those in the subtree, and those serving an area above it.
func (s *Service) List(ctx context.Context, u *auth.User, within string) ([]*Base, error) {
	within, err := u.Within(within)
	if err != nil {
		return nil, err
	}
	// Bases lie at a district or below (validate), so the divisions above
	// within that OverlapCond adds are its district and street.
	cond, args := db.OverlapCond("b.division_code", within, nil)
	return db.ListPtrs(ctx, s.DB.Read, "incubation: list", scanBase, `SELECT `+baseColumns+baseFrom+` WHERE `+cond+
		` ORDER BY b.closed_on <> '', b.division_code, b.name`, args...)
}

// validate trims and checks a base's input (old: the base it changes, nil
// for a new one) and refuses it with every field at fault.
func (s *Service) validate(ctx context.Context, u *auth.User, in *BaseInput, old *Base) error {
	in.Name, in.Address, in.OpeningHours = strings.TrimSpace(in.Name), strings.TrimSpace(in.Address), strings.TrimSpace(in.OpeningHours)
	in.DivisionCode, in.OpenedOn, in.ClosedOn = strings.TrimSpace(in.DivisionCode), strings.TrimSpace(in.OpenedOn), strings.TrimSpace(in.ClosedOn)
	f := errs.Fields{}
	f.Length("name", in.Name, 2, 100)
	f.Length("address", in.Address, 0, 200)
	f.Length("opening_hours", in.OpeningHours, 0, 100)
	f.OneOf("host_type", in.HostType, HostTypes, "err.choose_one")
	for _, sv := range in.Services {
		f.OneOf("services", sv, Services, "err.unknown_value", sv)
	}
	today := s.today()
	checkDate(in.OpenedOn, "opened_on", today, true, f)
	if in.ClosedOn != "" {
		checkDate(in.ClosedOn, "closed_on", today, true, f)
		if in.ClosedOn <= in.OpenedOn {
			f.Add("closed_on", "err.period_order")
		}
	}
	in.Level = strings.TrimSpace(in.Level)
	if in.Level == "" {
		in.Level = levelOf(in.DivisionCode)
		if old != nil && old.DivisionCode == in.DivisionCode {
			in.Level = old.Level
		}
	}
	switch {
	case !slices.Contains(Levels, in.Level):
		f.Add("level", "err.choose_one")
	case in.Level == "street" && len(in.DivisionCode) < 9, in.Level == "community" && len(in.DivisionCode) < 12:
		f.Add("level", "base.err.level_division")
	}
	// effective dates: opening (and a new closing) entered more than 30
	// days after the fact is a late entry and says why
	late := (old == nil || old.OpenedOn != in.OpenedOn) && effective.IsLate(in.OpenedOn, today)
	late = late || (in.ClosedOn != "" && (old == nil || old.ClosedOn != in.ClosedOn) && effective.IsLate(in.ClosedOn, today))
	if r := effective.Reason(f, late, in.LateReason); r != "" {
		in.LateReason = r
	} else if old != nil {
		in.LateReason = old.LateReason
	} else {
		in.LateReason = ""
	}
	exists, err := s.Geo.Exists(ctx, in.DivisionCode)
	if err != nil {
		return err
	}
	geo.Unit(f, "division_code", exists, geo.LevelOf(in.DivisionCode) >= geo.District, u.InScope(in.DivisionCode), "err.base_division")
	if in.OperatorOrgID != 0 {
		o, err := s.Orgs.Lookup(ctx, in.OperatorOrgID)
		switch {
		case errs.Is(err, errs.NotFound) || (err == nil && len(in.DivisionCode) >= 6 && !strings.HasPrefix(o.CommunityCode, in.DivisionCode[:6])):
			f.Add("operator_org_id", "err.base_operator")
		case err != nil:
			return err
		}
	}
	return f.Err()
}

// baseValues are a base's stored fields from its checked input, in the
// order of the columns the insert and the update both name first.
func baseValues(in BaseInput) []any {
	return []any{in.Name, in.HostType, in.Address, in.DivisionCode, in.DivisionCode[:6], streetOf(in.DivisionCode),
		db.NullID(in.OperatorOrgID), in.OpeningHours, db.Mask(Services, in.Services), in.OpenedOn, in.ClosedOn}
}

func streetOf(code string) string {
	if len(code) >= 9 {
		return code[:9]
	}
	return ""
}

// Create records a base.
func (s *Service) Create(ctx context.Context, u *auth.User, in BaseInput) (*Base, error) {
	if !canCreate(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if err := s.validate(ctx, u, &in, nil); err != nil {
		return nil, err
	}
	now := s.now()
	return idem.Do(ctx, s.DB, now, func(tx *sql.Tx) (*Base, error) {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO bases (name, host_type, address, division_code, district_code, street_code,
			operator_org_id, opening_hours, services_mask, opened_on, closed_on, created_at, updated_at, level, late_reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14) RETURNING id`,
			append(baseValues(in), now, in.Level, in.LateReason)...).Scan(&id); err != nil {
			return nil, fmt.Errorf("incubation: create base: %w", err)
		}
		out, err := getBase(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "base.create", ObjectType: "base",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: in.DivisionCode, Detail: in})
	})
}

// Update saves a base's fields; closing it is setting closed_on.
func (s *Service) Update(ctx context.Context, u *auth.User, id int64, in BaseInput) (*Base, error) {
	old, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !canEdit(u, old.DivisionCode) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if err := s.validate(ctx, u, &in, old); err != nil {
		return nil, err
	}
	now := s.now()
	return idem.Do(ctx, s.DB, now, func(tx *sql.Tx) (*Base, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE bases SET name = $1, host_type = $2, address = $3, division_code = $4,
			district_code = $5, street_code = $6, operator_org_id = $7, opening_hours = $8, services_mask = $9, opened_on = $10,
			closed_on = $11, updated_at = $12, level = $14, late_reason = $15 WHERE id = $13`,
			append(baseValues(in), now, id, in.Level, in.LateReason)...); err != nil {
			return nil, fmt.Errorf("incubation: update base: %w", err)
		}
		out, err := getBase(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "base.update", ObjectType: "base",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: in.DivisionCode, Detail: map[string]any{"before": InputOf(old), "after": in}})
	})
}

func checkDate(s, field, latest string, required bool, f errs.Fields) {
	switch {
	case s == "" && required:
		f.Add(field, "err.required")
	case s == "":
	case !effective.Day(f, field, s, latest, "err.date_format", "err.date_future"):
	case s < "1990-01-01":
		f.Add(field, "err.date_too_early")
	}
}
