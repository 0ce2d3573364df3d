package incubation

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"linli/internal/effective"
	"linli/internal/geo"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
)

const incubateeColumns = `i.id, i.base_id, i.org_id, o.name, i.entered_on, i.left_on, i.status, i.note`

func scanIncubatee(sc interface{ Scan(...any) error }) (*Incubatee, error) {
	var i Incubatee
	err := sc.Scan(&i.ID, &i.BaseID, &i.OrgID, &i.OrgName, &i.EnteredOn, &i.LeftOn, &i.Status, &i.Note)
	return &i, err
}

// Incubatees lists a base's incubated organizations, current first.
func (s *Service) Incubatees(ctx context.Context, baseID int64) ([]Incubatee, error) {
	return db.List(ctx, s.DB.Read, "incubation: incubatees", scanIncubatee, `SELECT `+incubateeColumns+` FROM base_incubatees i JOIN orgs o ON o.id = i.org_id
		WHERE i.base_id = $1 ORDER BY i.status <> 'incubating', i.entered_on DESC, i.id DESC`, baseID)
}

// Enter starts the incubation of an organization the base serves.
func (s *Service) Enter(ctx context.Context, u *auth.User, baseID int64, in IncubateeInput) (*Incubatee, error) {
	b, err := s.operated(ctx, u, baseID)
	if err != nil {
		return nil, err
	}
	in.EnteredOn, in.Note = strings.TrimSpace(in.EnteredOn), strings.TrimSpace(in.Note)
	if in.EnteredOn == "" {
		in.EnteredOn = s.today()
	}
	f := errs.Fields{}
	o, err := s.servedOrg(ctx, b, in.OrgID, f)
	if err != nil {
		return nil, err
	}
	checkDate(in.EnteredOn, "entered_on", s.today(), true, f)
	f.Length("note", in.Note, 0, 500)
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	return idem.Do(ctx, s.DB, now, func(tx *sql.Tx) (*Incubatee, error) {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO base_incubatees (base_id, org_id, entered_on, status, note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, baseID, in.OrgID, in.EnteredOn, Incubating, in.Note, now).Scan(&id)
		if s.DB.Dialect.IsUniqueViolation(err) {
			return nil, errs.FieldConflict("org_id", "err.already_incubating")
		}
		if err != nil {
			return nil, fmt.Errorf("incubation: enter: %w", err)
		}
		out, err := getIncubatee(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "base.incubate", ObjectType: "org",
			ObjectID: strconv.FormatInt(in.OrgID, 10), ScopeCode: o.CommunityCode,
			Detail: map[string]any{"base_id": baseID, "entered_on": in.EnteredOn, "note": in.Note}})
	})
}

func getIncubatee(ctx context.Context, q db.Querier, id int64) (*Incubatee, error) {
	return db.One(ctx, q, "incubation: incubatee", scanIncubatee, `SELECT `+incubateeColumns+` FROM base_incubatees i JOIN orgs o ON o.id = i.org_id
		WHERE i.id = $1`, id)
}

// Leave ends an incubation: graduated or exited, on a day.
func (s *Service) Leave(ctx context.Context, u *auth.User, baseID, id int64, status, leftOn string) (*Incubatee, error) {
	b, err := s.operated(ctx, u, baseID)
	if err != nil {
		return nil, err
	}
	leftOn = strings.TrimSpace(leftOn)
	if leftOn == "" {
		leftOn = s.today()
	}
	f := errs.Fields{}
	if status != Graduated && status != Exited {
		f.Add("status", "err.choose_one")
	}
	checkDate(leftOn, "left_on", s.today(), true, f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	return idem.Do(ctx, s.DB, now, func(tx *sql.Tx) (*Incubatee, error) {
		i, err := getIncubatee(ctx, tx, id)
		if err != nil || i.BaseID != baseID {
			return nil, errs.Missing()
		}
		if i.Status != Incubating {
			return nil, errs.E(errs.Conflict, "err.incubation_over")
		}
		if leftOn < i.EnteredOn {
			return nil, errs.Field("left_on", "err.period_order")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE base_incubatees SET status = $1, left_on = $2, updated_at = $3 WHERE id = $4`,
			status, leftOn, now, id); err != nil {
			return nil, fmt.Errorf("incubation: leave: %w", err)
		}
		i.Status, i.LeftOn = status, leftOn
		return i, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "base.incubation_end", ObjectType: "org",
			ObjectID: strconv.FormatInt(i.OrgID, 10), ScopeCode: b.DivisionCode,
			Detail: map[string]any{"base_id": baseID, "status": status, "left_on": leftOn}})
	})
}

// Area is one division's coverage: how many of its streets have an open
// street- or community-level base on the day.
type Area struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Streets int      `json:"streets"`
	Covered int      `json:"covered"`
	Percent float64  `json:"percent"`
	Bases   []string `json:"bases,omitempty"`
}

// Coverage is the coverage of streets by incubation bases below a division.
type Coverage struct {
	Within string `json:"within"`
	Name   string `json:"name"`
	On     string `json:"on"`
	Area
	Rows []Area `json:"rows"`
}

// Coverage tells, for a day, which streets have an open base serving the
// street or one of its communities, summed by district (above a district)
// or listed by street (within a district). Street-level viewers see their street.
func (s *Service) Coverage(ctx context.Context, u *auth.User, within, on string) (*Coverage, error) {
	if within == "" {
		within = u.ScopeCode
	}
	if len(within) > 9 {
		within = within[:9]
	}
	if !u.InScope(within) && !(len(u.ScopeCode) > 9 && strings.HasPrefix(u.ScopeCode, within)) {
		return nil, errs.Missing()
	}
	if on == "" {
		on = s.today()
	}
	if !effective.Valid(on) {
		return nil, errs.Field("on", "err.date_format")
	}
	node, err := s.Geo.Get(ctx, within)
	if err != nil {
		return nil, err
	}
	covered, err := s.coveredStreets(ctx, within, on)
	if err != nil {
		return nil, err
	}
	streets, err := s.streets(ctx, within)
	if err != nil {
		return nil, err
	}
	c := &Coverage{Within: within, Name: node.Name, On: on, Rows: []Area{}}
	var units []geo.Node
	switch {
	case node.Level >= geo.Street:
		units = []geo.Node{*node}
	default:
		if units, err = s.Geo.Children(ctx, within); err != nil {
			return nil, err
		}
	}
	for _, n := range units {
		if n.Level == geo.Street && !geo.Counted(n.Code) && n.Code != within {
			continue // a special area is no street of the plan's (geo.Counted)
		}
		a := Area{Code: n.Code, Name: n.Name}
		if n.Level == geo.Street && geo.Counted(n.Code) {
			a.Streets = 1
			if names, ok := covered[n.Code]; ok {
				a.Covered, a.Bases = 1, names
			}
		} else if n.Level == geo.Street {
			a.Bases = covered[n.Code] // shown, not counted
		} else {
			for _, st := range streets {
				if strings.HasPrefix(st, n.Code) {
					a.Streets++
					if _, ok := covered[st]; ok {
						a.Covered++
					}
				}
			}
		}
		a.Percent = percent(a.Covered, a.Streets)
		c.Streets += a.Streets
		c.Covered += a.Covered
		c.Rows = append(c.Rows, a)
	}
	c.Code, c.Area.Name, c.Percent = within, node.Name, percent(c.Covered, c.Streets)
	return c, nil
}

func percent(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(int(float64(n)*1000/float64(d)+0.5)) / 10
}

// coveredStreets maps each covered street below a division to its bases' names.
func (s *Service) coveredStreets(ctx context.Context, within, on string) (map[string][]string, error) {
	in, args := db.ScopeCond("street_code", within[:min(9, len(within))], nil)
	day, args := db.Arg(args, on)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT street_code, name FROM bases WHERE street_code <> '' AND level IN ('street', 'community')
		AND `+in+` AND opened_on <= `+day+` AND (closed_on = '' OR closed_on > `+day+`)
		ORDER BY street_code, name`, args...)
	if err != nil {
		return nil, fmt.Errorf("incubation: coverage: %w", err)
	}
	out := map[string][]string{}
	return out, db.Groups(rows, out)
}

// streets lists the codes of the streets below a division that the plan
// counts (geo.Counted: no special areas), as the indicators do.
func (s *Service) streets(ctx context.Context, within string) ([]string, error) {
	nodes, err := s.Geo.Under(ctx, within, geo.Street, 0)
	if err != nil {
		return nil, fmt.Errorf("incubation: streets: %w", err)
	}
	var out []string
	for _, n := range nodes {
		if geo.Counted(n.Code) {
			out = append(out, n.Code)
		}
	}
	return out, nil
}
