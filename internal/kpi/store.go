package kpi

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"linli/internal/activity"
	"linli/internal/effective"
	"linli/internal/registry"

	"linli/internal/geo"
	"linli/internal/orgroll"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/flight"
)

// Service is the indicators' rules over their store.
type Service struct {
	DB  *db.DB
	Geo *geo.Store
	Now func() time.Time
	// Coverage answers the coverage source (nil: it has no data).
	Coverage Coverage

	tables  sync.Map    // table name → bool: does it exist
	firstMu sync.Mutex  // one firstEntry read at a time: the first requests after start wait for it
	records atomic.Bool // count from the records even where the rollup answers (tests, measurements)
	cache   resultCache
	dash    flight.Cache[*dashEntry] // finished dashboards (dashboard.go)
	frames  flight.Cache[*frame]     // the dashboards' frames, by unit (frame.go)
	// scratch buffers the dashboards' JSON is written in (*[]byte; each
	// answer is then copied out at its size: see Dashboard.encode)
	jsonBufs sync.Pool
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

const indColumns = `id, key, name_zh, name_en, level, scope_code, rule, target, start_on, deadline, clause,
	builtin, active, position, COALESCE(created_by, 0), created_at, updated_at, version`

func scanIndicator(sc interface{ Scan(...any) error }) (*Indicator, error) {
	var ind Indicator
	var rule string
	var builtin, active int
	if err := sc.Scan(&ind.ID, &ind.Key, &ind.NameZH, &ind.NameEN, &ind.Level, &ind.ScopeCode, &rule, &ind.Target,
		&ind.StartOn, &ind.Deadline, &ind.Clause, &builtin, &active, &ind.Position, &ind.CreatedBy, &ind.CreatedAt,
		&ind.UpdatedAt, &ind.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(rule), &ind.Rule); err != nil {
		return nil, fmt.Errorf("indicator %s: bad rule: %w", ind.Key, err)
	}
	ind.Builtin, ind.Active = builtin != 0, active != 0
	ind.CreatedAt, ind.UpdatedAt = ind.CreatedAt.UTC(), ind.UpdatedAt.UTC()
	return &ind, nil
}

func getIndicator(ctx context.Context, q db.Querier, key string) (*Indicator, error) {
	return db.One(ctx, q, "get indicator", scanIndicator, `SELECT `+indColumns+` FROM indicators WHERE key = $1`, key)
}

// Get returns an indicator the user may see.
func (s *Service) Get(ctx context.Context, u *auth.User, key string) (*Indicator, error) {
	ind, err := getIndicator(ctx, s.DB.Read, key)
	return errs.Seen(ind, err, func(ind *Indicator) bool { return seesIndicator(u, ind) })
}

// List returns the indicators the user may see, city-wide ones first. With
// at set, only those that apply at that division; inactive ones only with all.
func (s *Service) List(ctx context.Context, u *auth.User, at string, all bool) ([]*Indicator, error) {
	inds, err := s.listAll(ctx)
	if err != nil {
		return nil, err
	}
	return listed(inds, u, at, all), nil
}

// listAll reads every indicator, city-wide ones first.
func (s *Service) listAll(ctx context.Context) ([]*Indicator, error) {
	rows, err := s.query(ctx, `SELECT `+indColumns+` FROM indicators ORDER BY length(scope_code), scope_code, position, id`)
	if err != nil {
		return nil, fmt.Errorf("list indicators: %w", err)
	}
	defer rows.Close()
	out := []*Indicator{}
	for rows.Next() {
		ind, err := scanIndicator(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ind)
	}
	return out, rows.Err()
}

// listed keeps, of every indicator in the list's order, those List answers:
// the ones the user may see; with at set, those that apply at that
// division; inactive ones only with all.
func listed(inds []*Indicator, u *auth.User, at string, all bool) []*Indicator {
	out := []*Indicator{}
	for _, ind := range inds {
		if !seesIndicator(u, ind) || (!all && !ind.Active) || (at != "" && !strings.HasPrefix(at, ind.ScopeCode)) {
			continue
		}
		out = append(out, ind)
	}
	return out
}

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{2,39}$`)

func (in *Input) normalize() {
	in.Key = strings.TrimSpace(in.Key)
	in.NameZH = strings.TrimSpace(in.NameZH)
	in.NameEN = strings.TrimSpace(in.NameEN)
	in.ScopeCode = strings.TrimSpace(in.ScopeCode)
	in.Clause = strings.TrimSpace(in.Clause)
	in.StartOn = strings.TrimSpace(in.StartOn)
	in.Deadline = strings.TrimSpace(in.Deadline)
	if in.StartOn == "" {
		in.StartOn = Phases[0].From
	}
	slices.Sort(in.Rule.Years)
	in.Rule.Years = slices.Compact(in.Rule.Years)
}

// validate checks an indicator's fields and rule for a user.
func (s *Service) validate(ctx context.Context, u *auth.User, in *Input) error {
	f := errs.Fields{}
	if !keyRE.MatchString(in.Key) {
		f.Add("key", "kpi.err.key_format")
	}
	if in.NameZH == "" {
		f.Add("name_zh", "err.required")
	}
	for k, v := range map[string]string{"name_zh": in.NameZH, "name_en": in.NameEN} {
		f.Length(k, v, 0, 80)
	}
	f.Length("clause", in.Clause, 0, 500)
	if !slices.Contains(Levels, in.Level) {
		f.Add("level", "err.choose_one")
	}
	if err := s.validateScope(ctx, u, in, f); err != nil {
		return err
	}
	if in.Target <= 0 {
		f.Add("target", "kpi.err.target_positive")
	}
	if !effective.Valid(in.Deadline) {
		f.Add("deadline", "kpi.err.date")
	}
	if !effective.Valid(in.StartOn) {
		f.Add("start_on", "kpi.err.date")
	} else if effective.Valid(in.Deadline) && in.StartOn >= in.Deadline {
		f.Add("deadline", "kpi.err.deadline_after_start")
	}
	validateRule(in, f)
	return f.Err()
}

// validateScope checks the unit an indicator is set for by the unit rule
// (geo.Unit): a division, a city or a district, one the user sets
// indicators for. err is only a failed lookup.
func (s *Service) validateScope(ctx context.Context, u *auth.User, in *Input, f errs.Fields) error {
	if in.ScopeCode == "" {
		in.ScopeCode = u.ScopeCode
	}
	exists, err := s.Geo.Exists(ctx, in.ScopeCode)
	if err != nil {
		return err
	}
	lv := geo.LevelOf(in.ScopeCode)
	geo.Unit(f, "scope_code", exists, lv == geo.City || lv == geo.District, setsFor(u, in.ScopeCode), "kpi.err.scope_level")
	if ll, ok := levelLen[in.Level]; ok && ll < len(in.ScopeCode) {
		f.Add("level", "kpi.err.level_above_scope")
	}
	return nil
}

func validateRule(in *Input, f errs.Fields) {
	r := &in.Rule
	if !slices.Contains(Kinds, r.Kind) {
		f.Add("rule.kind", "err.choose_one")
	}
	if !slices.Contains(Sources, r.Source) {
		f.Add("rule.source", "err.choose_one")
	}
	switch r.Kind {
	case KindUnitShare:
		ul, ok := levelLen[r.UnitLevel]
		if !ok || r.UnitLevel == LevelProvince || r.UnitLevel == LevelCity {
			f.Add("rule.unit_level", "err.choose_one")
		} else if ll, ok := levelLen[in.Level]; ok && ul <= ll {
			f.Add("rule.unit_level", "kpi.err.unit_level_below")
		}
		if r.MinCount < 0 || r.MinCount > 1000 {
			f.Add("rule.min_count", "kpi.err.range", 0, 1000)
		}
		if in.Target > 1 {
			f.Add("target", "kpi.err.share_target")
		}
	case KindRecordShare:
		if r.NumeratorFilter == nil {
			f.Add("rule.numerator_filter", "err.required")
		}
		if in.Target > 1 {
			f.Add("target", "kpi.err.share_target")
		}
	case KindCountPerYear:
		if len(r.Years) == 0 || len(r.Years) > 20 {
			f.Add("rule.years", "err.required")
		}
		for _, y := range r.Years {
			if y < 2000 || y > 2100 {
				f.Add("rule.years", "kpi.err.range", 2000, 2100)
			}
		}
	}
	for _, code := range r.Units {
		if !strings.HasPrefix(code, in.ScopeCode) || levelLen[in.Level] < len(code) {
			f.Add("rule.units", "kpi.err.units")
		}
	}
	checkFilter(r.Filter, "rule.filter", f)
	checkCoverageRule(r, f)
	if r.NumeratorFilter != nil {
		checkFilter(*r.NumeratorFilter, "rule.numerator_filter", f)
	}
	if r.YearField != "" && r.YearField != "demonstration_year" && r.YearField != "founded_on" &&
		r.YearField != "opened_on" && r.YearField != "designated_on" && r.YearField != "year" {
		f.Add("rule.year_field", "err.choose_one")
	}
}

var (
	hostTypes  = []string{"party_mass_center", "civilization_center", "social_work_station", "other"}
	pilotKinds = []string{"rural"}
	baseLevels = []string{"district", "street", "community"}
	pointKinds = []string{"point", "provincial_pilot"}
	// the training room's topic and form codes (internal/training/rules.go)
	trainingTopics = []string{"party_building", "cultivation", "capacity", "project_design", "finance", "emergency", "other"}
	trainingForms  = []string{"demonstration", "online", "field_visit", "other"}
	// the readings of a recognition survey's answer (internal/civic)
	surveyReadings = []string{"aware", "took_part", "satisfied"}
)

// activityFields are every campaign's service fields (internal/activity).
func activityFields() []string {
	var out []string
	for _, t := range activity.Themes {
		out = append(out, activity.ThemeFields[t]...)
	}
	return out
}

func checkFilter(fl Filter, name string, f errs.Fields) {
	for _, c := range []struct {
		vals, allowed []string
	}{{fl.Status, registry.Statuses}, {fl.Tiers, registry.Tiers}, {fl.Types, registry.Types}, {fl.PartyOrg, registry.PartyOrgs},
		{fl.HostTypes, hostTypes}, {fl.PilotKind, pilotKinds}, {fl.BaseLevels, baseLevels}, {fl.PointKind, pointKinds},
		{fl.TrainingTopics, trainingTopics}, {fl.TrainingForms, trainingForms}, {fl.SurveyReadings, surveyReadings},
		{fl.ActivityThemes, activity.Themes}, {fl.ActivityKinds, activity.Kinds}, {fl.ActivityFields, activityFields()}} {
		for _, v := range c.vals {
			if !slices.Contains(c.allowed, v) {
				f.Add(name, "err.unknown_value", v)
			}
		}
	}
	if fl.ContactedDays < 0 || fl.ContactedDays > 366 {
		f.Add(name, "kpi.err.range", 0, 366)
	}
	if fl.MinWorkers < 0 || fl.MinWorkers > 100 {
		f.Add(name, "kpi.err.range", 0, 100)
	}
}

// Create adds an indicator; it is evaluated at once.
func (s *Service) Create(ctx context.Context, u *auth.User, in Input) (*Indicator, error) {
	if !managesIndicators(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	in.normalize()
	if err := s.validate(ctx, u, &in); err != nil {
		return nil, err
	}
	rule, _ := json.Marshal(in.Rule)
	now := s.now()
	active := in.Active == nil || *in.Active
	if in.Position == 0 {
		in.Position = 100
	}
	var out *Indicator
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO indicators (key, name_zh, name_en, level, scope_code, rule, target,
			start_on, deadline, clause, builtin, active, position, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13, $14, $14)`,
			in.Key, in.NameZH, in.NameEN, in.Level, in.ScopeCode, string(rule), in.Target, in.StartOn, in.Deadline,
			in.Clause, db.BoolInt(active), in.Position, db.NullID(u.ID), now)
		if s.DB.Dialect.IsUniqueViolation(err) {
			return errs.FieldConflict("key", "kpi.err.key_taken")
		}
		if err != nil {
			return fmt.Errorf("create indicator: %w", err)
		}
		if out, err = getIndicator(ctx, tx, in.Key); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "indicator.create", ObjectType: "indicator",
			ObjectID: in.Key, ScopeCode: in.ScopeCode, Detail: in})
	})
	return out, err
}

// Update changes an indicator: its key and the division it belongs to stay.
func (s *Service) Update(ctx context.Context, u *auth.User, key string, in Input) (*Indicator, error) {
	if !managesIndicators(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	now := s.now()
	in.normalize()
	var out *Indicator
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getIndicator(ctx, tx, key)
		if err != nil {
			return err
		}
		if !seesIndicator(u, old) {
			return errs.Missing()
		}
		if !setsFor(u, old.ScopeCode) {
			return errs.E(errs.Forbidden, "err.forbidden")
		}
		if in.Version != 0 && in.Version != old.Version {
			return errs.E(errs.Conflict, "err.edited_meanwhile")
		}
		in.Key, in.ScopeCode = old.Key, old.ScopeCode
		if err := s.validate(ctx, u, &in); err != nil {
			return err
		}
		active := old.Active
		if in.Active != nil {
			active = *in.Active
		}
		rule, _ := json.Marshal(in.Rule)
		if _, err := tx.ExecContext(ctx, `UPDATE indicators SET name_zh = $1, name_en = $2, level = $3, rule = $4,
			target = $5, start_on = $6, deadline = $7, clause = $8, active = $9, position = $10, updated_at = $11,
			version = version + 1 WHERE id = $12`,
			in.NameZH, in.NameEN, in.Level, string(rule), in.Target, in.StartOn, in.Deadline, in.Clause, db.BoolInt(active),
			in.Position, now, old.ID); err != nil {
			return fmt.Errorf("update indicator: %w", err)
		}
		if out, err = getIndicator(ctx, tx, key); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "indicator.update", ObjectType: "indicator",
			ObjectID: key, ScopeCode: old.ScopeCode, Detail: map[string]any{"from": InputOf(old), "to": InputOf(out)}})
	})
	return out, err
}

// changes is the version of the records under a unit (orgroll.Changes).
func (s *Service) changes(ctx context.Context, code string) (int64, error) {
	return orgroll.Changes(ctx, s.DB, code)
}

// query runs a read query (prepared once per SQLite connection by the db
// package's statement cache; pgx caches its own).
func (s *Service) query(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	return s.DB.Query(ctx, text, args...)
}

// queryGeneric is query for a dashboard's statements whose planning on
// PostgreSQL cost ten times their execution (a UNION ALL of many parts;
// the late entries' statement): on the pool that plans each once per
// connection (db.DB.Generic), each checked to plan the same without its
// arguments' values. On SQLite it is query.
func (s *Service) queryGeneric(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	return s.DB.Generic.QueryContext(ctx, text, args...)
}

// queryRow is query for one row.
func (s *Service) queryRow(ctx context.Context, text string, args ...any) *sql.Row {
	return s.DB.QueryRow(ctx, text, args...)
}
