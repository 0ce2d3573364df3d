package activity

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/upload"
	"linli/internal/registry"
)

// Orgs is what activities need from the registry.
type Orgs interface {
	Lookup(ctx context.Context, id int64) (*registry.Org, error)
	Summarize(ctx context.Context, u *auth.User, within string) (*registry.Summary, error)
	// NamedIDs finds organizations by exact name in the user's scope (the import).
	NamedIDs(ctx context.Context, u *auth.User, names []string) (map[string][]int64, error)
	registry.Lister // the organization picker
}

// Service is the activities' rules over their tables.
type Service struct {
	DB     *db.DB
	Orgs   Orgs
	Exists func(ctx context.Context, code string) (bool, error)
	// Serves reports whether a hub serves an organization (hub staff record
	// the activities of the organizations their hub serves).
	Serves  func(ctx context.Context, hubID, orgID int64) (bool, error)
	Now     func() time.Time
	MaxFile int64
	// OrgList lists the organizations a user sees (the recording form's choice).
	OrgList func(ctx context.Context, u *auth.User, f registry.Filter) (*registry.Page, error)
	// Children lists the divisions directly below a code (geo's tree).
	Children func(ctx context.Context, code string) ([]geo.Node, error)
	// Find finds divisions of a level below a code by code or name (geo's
	// named read; the import's community cells).
	Find func(ctx context.Context, within string, level int, text string) ([]string, error)
}

// DefaultMaxFile is the largest photo or document accepted: 5 MiB.
const DefaultMaxFile = 5 << 20

// FileTypes are the accepted photos and documents, told by content.
var FileTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

func (s *Service) maxFile() int64 {
	if s.MaxFile > 0 {
		return s.MaxFile
	}
	return DefaultMaxFile
}

func (s *Service) orgRefs(ctx context.Context, ids []int64) ([]*OrgRef, error) {
	out := make([]*OrgRef, len(ids))
	for i, id := range ids {
		o, err := s.Orgs.Lookup(ctx, id)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[i] = &OrgRef{ID: o.ID, Name: o.Name, Tier: o.Tier, Status: o.Status, CommunityCode: o.CommunityCode,
			StreetCode: o.StreetCode, DistrictCode: o.DistrictCode}
	}
	return out, nil
}

func (s *Service) exists(ctx context.Context, code string) (bool, error) {
	if len(code) != 12 {
		return false, nil
	}
	return s.Exists(ctx, code)
}

// recordable loads an activity (with lock, "" or the dialect's FOR UPDATE)
// for a change by the user: one the user does not see is not found, and its
// host organization decides, by mayRecord, whether the user may record.
func (s *Service) recordable(ctx context.Context, q db.Querier, u *auth.User, id int64, lock string) (*Activity, error) {
	a, err := s.seen(ctx, q, u, id, lock)
	if err == nil {
		err = s.mayRecordOn(ctx, u, a)
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

// recording runs fn in a transaction with the activity u may record on
// (recordable), locked for the change.
func (s *Service) recording(ctx context.Context, u *auth.User, id int64, fn func(tx *sql.Tx, a *Activity) error) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		a, err := s.recordable(ctx, tx, u, id, s.DB.Dialect.ForUpdate())
		if err != nil {
			return err
		}
		return fn(tx, a)
	})
}

// seen loads an activity the user sees; one the user does not see is not
// found.
func (s *Service) seen(ctx context.Context, q db.Querier, u *auth.User, id int64, lock string) (*Activity, error) {
	a, err := getActivity(ctx, q, id, lock)
	return errs.Seen(a, err, func(a *Activity) bool { return s.sees(ctx, u, a) })
}

// mayRecordOn is mayRecord for an activity's host organization.
func (s *Service) mayRecordOn(ctx context.Context, u *auth.User, a *Activity) error {
	orgs, err := s.orgRefs(ctx, a.OrgIDs[:1])
	if err != nil {
		return err
	}
	return s.mayRecord(ctx, u, orgs[0])
}

// mayRecord checks that the user may record for the host organization; an
// organization the user cannot see is not found.
func (s *Service) mayRecord(ctx context.Context, u *auth.User, host *OrgRef) error {
	if host == nil {
		return errs.Missing()
	}
	serves, err := s.hubServes(ctx, u, host)
	if err != nil {
		return err
	}
	if canRecord(u, *host, serves) {
		return nil
	}
	if hidesHost(u, *host, serves) {
		return errs.Missing()
	}
	return errs.E(errs.Forbidden, "err.forbidden")
}

// hubServes reads whether the user's hub serves the host organization
// (false for everyone but hub staff).
func (s *Service) hubServes(ctx context.Context, u *auth.User, host *OrgRef) (bool, error) {
	if u == nil || u.Role != auth.HubStaff || u.OrgID == 0 || s.Serves == nil {
		return false, nil
	}
	return s.Serves(ctx, u.OrgID, host.ID)
}

// mayReport applies canReport to an activity the user sees (reported: it
// has a report already), for the activity page's report form.
func (s *Service) mayReport(ctx context.Context, u *auth.User, a *Activity, reported bool) (bool, error) {
	if !a.Major || reported || len(a.OrgIDs) == 0 { // canReport is false: spare the reads
		return false, nil
	}
	orgs, err := s.orgRefs(ctx, a.OrgIDs[:1])
	if err != nil || orgs[0] == nil {
		return false, err
	}
	serves, err := s.hubServes(ctx, u, orgs[0])
	if err != nil {
		return false, err
	}
	return canReport(u, a, *orgs[0], serves, reported), nil
}

// Create records an activity: its status is awaiting_report when the rule
// in force makes it major.
func (s *Service) Create(ctx context.Context, u *auth.User, in Input) (*Activity, error) {
	if len(in.OrgIDs) > 0 {
		host, err := s.orgRefs(ctx, in.OrgIDs[:1])
		if err != nil {
			return nil, err
		}
		if err := s.mayRecord(ctx, u, host[0]); err != nil {
			return nil, err
		}
	} else if !recordsAny(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	return s.CreateWithFile(ctx, u, in, nil)
}

// CreateWithFile records an activity and its photo (optional) together:
// a refused photo records nothing.
func (s *Service) CreateWithFile(ctx context.Context, u *auth.User, in Input, f *upload.File) (*Activity, error) {
	if u.ReadOnly() {
		return nil, errs.E(errs.Forbidden, "err.read_only")
	}
	var out *Activity
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		as, err := s.CreateMany(ctx, tx, u, []Input{in})
		if err != nil {
			return err
		}
		out = as[0]
		if f != nil {
			file, err := s.storeFile(ctx, tx, u, out, f, s.now())
			if err != nil {
				return err
			}
			out.Files = append(out.Files, *file)
		}
		return nil
	})
	return out, err
}

// CreateMany plans and stores activities inside tx (the form, the API, the
// import and the demo share it): the recorder's right is checked for each.
func (s *Service) CreateMany(ctx context.Context, tx *sql.Tx, u *auth.User, ins []Input) ([]*Activity, error) {
	rc := newRecording()
	out := make([]*Activity, 0, len(ins))
	for _, in := range ins {
		a, err := s.plan(ctx, tx, u, rc, in)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, s.store(ctx, tx, u, out)
}

// recording is what planning a batch of activities reads once: each
// organization, whether the user may record for each host, whether each
// community exists and the rule in force there.
type recording struct {
	orgs   map[int64]*OrgRef
	may    map[int64]error
	places map[string]bool
	rules  map[string]Rule
}

func newRecording() *recording {
	return &recording{orgs: map[int64]*OrgRef{}, may: map[int64]error{}, places: map[string]bool{}, rules: map[string]Rule{}}
}

// refs are orgRefs, each organization read once per batch.
func (s *Service) refs(ctx context.Context, rc *recording, ids []int64) ([]*OrgRef, error) {
	out := make([]*OrgRef, len(ids))
	var missing []int64
	for i, id := range ids {
		o, ok := rc.orgs[id]
		if !ok {
			missing = append(missing, id)
		}
		out[i] = o
	}
	if len(missing) == 0 {
		return out, nil
	}
	got, err := s.orgRefs(ctx, missing)
	if err != nil {
		return nil, err
	}
	for i, id := range missing {
		rc.orgs[id] = got[i]
	}
	for i, id := range ids {
		out[i] = rc.orgs[id]
	}
	return out, nil
}

// plan checks one activity as CreateMany records it: the recorder's right
// on its host, its community, the rule in force, the form's rules.
func (s *Service) plan(ctx context.Context, tx *sql.Tx, u *auth.User, rc *recording, in Input) (*Activity, error) {
	orgs, err := s.refs(ctx, rc, in.OrgIDs)
	if err != nil {
		return nil, err
	}
	if len(orgs) > 0 {
		may, seen := rc.may[in.OrgIDs[0]]
		if !seen {
			may = s.mayRecord(ctx, u, orgs[0])
			if _, ok := errs.As(may); may != nil && !ok {
				return nil, may
			}
			rc.may[in.OrgIDs[0]] = may
		}
		if may != nil {
			return nil, may
		}
	}
	ok, seen := rc.places[in.CommunityCode]
	if !seen {
		if ok, err = s.exists(ctx, in.CommunityCode); err != nil {
			return nil, err
		}
		rc.places[in.CommunityCode] = ok
	}
	rule, seen := rc.rules[in.CommunityCode]
	if ok && !seen {
		if rule, err = ruleFor(ctx, tx, in.CommunityCode); err != nil {
			return nil, err
		}
		rc.rules[in.CommunityCode] = rule
	}
	a, err := planActivity(in, orgs, ok, rule)
	if err != nil {
		return nil, err
	}
	a.Status = statusOf(a.Major, "")
	return a, nil
}

// store writes planned activities and their audit entries, with the batch
// writers.
func (s *Service) store(ctx context.Context, tx *sql.Tx, u *auth.User, as []*Activity) error {
	now := s.now()
	if err := insertActivities(ctx, tx, s.DB.Dialect, as, u.ID, now); err != nil {
		return err
	}
	es := make([]audit.Entry, len(as))
	for i, a := range as {
		es[i] = audit.Entry{Action: "activity.create", ObjectType: "activity",
			ObjectID: strconv.FormatInt(a.ID, 10), ScopeCode: a.CommunityCode,
			Detail: map[string]any{"title": a.Title, "theme": a.Theme, "status": a.Status, "org_ids": a.OrgIDs}}
	}
	return audit.RecordManyDialect(ctx, tx, s.DB.Dialect, now, u.Actor(), es)
}

// Get returns an activity the user may see, with its files.
func (s *Service) Get(ctx context.Context, u *auth.User, id int64) (*Activity, error) {
	a, err := s.seen(ctx, s.DB.Read, u, id, "")
	if err != nil {
		return nil, err
	}
	if a.Files, err = listFiles(ctx, s.DB.Read, id); err != nil {
		return nil, err
	}
	return a, nil
}

// InputOf is an activity's editable fields.
func InputOf(a *Activity) Input {
	return Input{OrgIDs: slices.Clone(a.OrgIDs), Title: a.Title, Theme: a.Theme, Kind: a.Kind, Fields: slices.Clone(a.Fields),
		StartsAt: a.StartsAt.Format(time.RFC3339), EndsAt: a.EndsAt.Format(time.RFC3339), CommunityCode: a.CommunityCode,
		Address: a.Address, TargetGroups: slices.Clone(a.TargetGroups), Participants: a.Participants,
		Beneficiaries: a.Beneficiaries, FundRaising: a.FundRaising, Minors: a.Minors, Overnight: a.Overnight, WriteUp: a.WriteUp}
}

// Update applies a JSON merge of the editable fields. The organizations do
// not change; once hours are confirmed neither does the time. The activity
// keeps the major-activity rule it was entered under.
func (s *Service) Update(ctx context.Context, u *auth.User, id int64, patch json.RawMessage) (*Activity, error) {
	now := s.now()
	var out *Activity
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.seen(ctx, tx, u, id, s.DB.Dialect.ForUpdate())
		if err != nil {
			return err
		}
		orgs, err := s.orgRefs(ctx, old.OrgIDs)
		if err != nil {
			return err
		}
		if err := s.mayRecord(ctx, u, orgs[0]); err != nil {
			return err
		}
		in := InputOf(old)
		if err := json.Unmarshal(patch, &in); err != nil {
			return errs.E(errs.Invalid, "err.bad_json", err.Error())
		}
		if !slices.Equal(in.OrgIDs, old.OrgIDs) {
			return errs.Field("org_ids", "err.activity_orgs_fixed")
		}
		if old.Status == StatusRefused {
			return errs.E(errs.Conflict, "err.activity_refused")
		}
		ok, err := s.exists(ctx, in.CommunityCode)
		if err != nil {
			return err
		}
		for i := range orgs {
			if orgs[i] != nil && orgs[i].Status != registry.StatusActive {
				orgs[i].Status = registry.StatusActive // an organization suspended since keeps its past activities editable
			}
		}
		a, err := planActivity(in, orgs, ok, old.rule)
		if err != nil {
			return err
		}
		if old.HoursConfirmed && (!a.StartsAt.Equal(old.StartsAt) || !a.EndsAt.Equal(old.EndsAt)) {
			return errs.E(errs.Conflict, "err.hours_locked")
		}
		report, err := reportStatus(ctx, tx, id)
		if err != nil {
			return err
		}
		a.ID, a.Version, a.CreatedAt, a.CreatedBy = id, old.Version, old.CreatedAt, old.CreatedBy
		a.VolunteerHours, a.HoursConfirmed = old.VolunteerHours, old.HoursConfirmed
		a.Status = statusOf(a.Major, report)
		if err := updateActivity(ctx, tx, a, now); err != nil {
			return err
		}
		out = a
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "activity.update", ObjectType: "activity",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: a.CommunityCode, Detail: map[string]any{"patch": patch, "status": a.Status}})
	})
	return out, err
}

func reportStatus(ctx context.Context, q db.Querier, activityID int64) (string, error) {
	var st string
	err := q.QueryRowContext(ctx, `SELECT status FROM major_reports WHERE activity_id = $1`, activityID).Scan(&st)
	return st, db.Optional(err, "activity: report status")
}

// List returns a page of activities in the user's scope.
func (s *Service) List(ctx context.Context, u *auth.User, f Filter) (*Page, error) {
	pg := Paging{Page: f.Page, PerPage: f.PerPage}.bounded()
	f.Page, f.PerPage = pg.Page, pg.PerPage
	var leader, hub int64
	switch u.Role {
	case auth.OrgLeader:
		// the organization's own activities wherever they took place;
		// f.Within, if any, only filters them
		if leader = u.OrgID; leader == 0 {
			return &Page{Items: []*Activity{}, Page: 1, PerPage: f.PerPage}, nil
		}
	default:
		if u.Role == auth.HubStaff {
			// the hub's own activities and those of the organizations it serves
			if hub = u.OrgID; hub == 0 {
				return &Page{Items: []*Activity{}, Page: 1, PerPage: f.PerPage}, nil
			}
		}
		place, ok := u.Narrow(f.Within)
		if !ok {
			return nil, errs.Missing()
		}
		f.Within = place
	}
	where, args := listWhere(leader, hub, f)
	items, err := listActivities(ctx, s.DB.Read, where, args, f.PerPage, (f.Page-1)*f.PerPage)
	if err != nil {
		return nil, err
	}
	total, err := countActivities(ctx, s.DB.Read, where, args)
	if err != nil {
		return nil, err
	}
	return &Page{Items: items, Total: total, Page: f.Page, PerPage: f.PerPage}, nil
}

// AddFile attaches a photo or document, checked by its content.
func (s *Service) AddFile(ctx context.Context, u *auth.User, id int64, f *upload.File) (*File, error) {
	now := s.now()
	var out *File
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		a, err := s.recordable(ctx, tx, u, id, "")
		if err != nil {
			return err
		}
		if out, err = s.storeFile(ctx, tx, u, a, f, now); err != nil {
			return err
		}
		return nil
	})
	return out, err
}

func (s *Service) storeFile(ctx context.Context, tx *sql.Tx, u *auth.User, a *Activity, f *upload.File, now time.Time) (*File, error) {
	var data []byte
	if f != nil {
		data = f.Data
	}
	ct, p := upload.Check(data, s.maxFile(), FileTypes)
	fe := errs.Fields{}
	if p != upload.OK {
		m := upload.Msg(p, data, s.maxFile(), FileTypes)
		fe.Add("file", m.Key, m.Args...)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	out, err := insertFile(ctx, tx, a.ID, u.ID, now, ct, f)
	if err != nil {
		return nil, err
	}
	return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "activity.file", ObjectType: "activity",
		ObjectID: strconv.FormatInt(a.ID, 10), ScopeCode: a.CommunityCode,
		Detail: map[string]any{"file_id": out.ID, "content_type": ct, "size": out.Size, "sha256": out.SHA256}})
}

// File returns a photo or document of an activity the user may see.
func (s *Service) File(ctx context.Context, u *auth.User, activityID, fileID int64) (*File, error) {
	if _, err := s.Get(ctx, u, activityID); err != nil {
		return nil, err
	}
	f, err := getFile(ctx, s.DB.Read, fileID)
	if err != nil {
		return nil, err
	}
	if f.activityID != activityID {
		return nil, errs.Missing()
	}
	return f, nil
}

// Days of an activity in a form's date fields are read in China time.
func dayRange(from, to string) (string, string, error) {
	f := errs.Fields{}
	if from == "" {
		from = "0000-01-01"
	} else if _, err := time.Parse(time.DateOnly, from); err != nil {
		f.Add("from", "err.bad_date")
	}
	if to == "" {
		to = "9999-12-31"
	} else if _, err := time.Parse(time.DateOnly, to); err != nil {
		f.Add("to", "err.bad_date")
	}
	return from, to, f.Err()
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

var _ = fmt.Sprint

// sees applies canSee; for hub staff it reads whether their hub is one of
// the activity's organizations or serves one (the hub's members now). A
// failed read is a refusal.
func (s *Service) sees(ctx context.Context, u *auth.User, a *Activity) bool {
	served := false
	if u != nil && u.Role == auth.HubStaff && u.OrgID != 0 {
		served = slices.Contains(a.OrgIDs, u.OrgID)
		for _, o := range a.OrgIDs {
			if served || s.Serves == nil {
				break
			}
			ok, err := s.Serves(ctx, u.OrgID, o)
			if err != nil {
				return false
			}
			served = ok
		}
	}
	return canSee(u, a, served)
}
