package activity

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/pii"
	"linli/internal/platform/upload"
	"linli/internal/registry"
)

// Every statement on this room's tables.

// activityBatch is how many activities one INSERT writes (activityInsertN
// parameters each).
const activityBatch = 200

const (
	activityInsertCols = `org_id, title, theme, kind, fields, starts_at, ends_at, starts_on, community_code, street_code,
	district_code, address, groups_mask, participants, beneficiaries, beneficiary_detail, fund_raising, minors, overnight,
	write_up, status, major, major_rule, ack_level, report_due_on, created_by, created_at, updated_at`
	activityInsertN = 28
)

// insertActivities stores new activities with their organizations, with
// multi-row statements (a form's one activity is a batch of one; the
// import writes thousands). The ids of a statement's rows are assigned in
// the order of its VALUES on both engines (SQLite's next rowid, a
// sequence's next value), so the ids returned, sorted, are the rows' in
// order.
func insertActivities(ctx context.Context, tx *sql.Tx, d db.Dialect, as []*Activity, by int64, now time.Time) error {
	for start := 0; start < len(as); start += activityBatch {
		chunk := as[start:min(len(as), start+activityBatch)]
		args := make([]any, 0, len(chunk)*activityInsertN)
		for _, a := range chunk {
			detail, _ := json.Marshal(a.Beneficiaries)
			rule, _ := json.Marshal(a.rule)
			args = append(args, a.OrgIDs[0], a.Title, a.Theme, a.Kind, strings.Join(a.Fields, ","), a.StartsAt, a.EndsAt, a.StartsOn,
				a.CommunityCode, a.StreetCode, a.DistrictCode, a.Address, db.Mask(registry.TargetGroups, a.TargetGroups), a.Participants,
				a.Beneficiaries.Total, string(detail), db.BoolInt(a.FundRaising), db.BoolInt(a.Minors), db.BoolInt(a.Overnight), a.WriteUp, a.Status,
				db.BoolInt(a.Major), string(rule), a.AckLevel, a.ReportDueOn, db.NullID(by), now, now)
		}
		rows, err := tx.QueryContext(ctx, `INSERT INTO activities (`+activityInsertCols+`) VALUES `+
			db.Values(d, len(chunk), activityInsertN)+` RETURNING id`, args...)
		if err != nil {
			return fmt.Errorf("activity: insert: %w", err)
		}
		ids, err := db.Column[int64](rows)
		if err != nil {
			return fmt.Errorf("activity: insert: %w", err)
		}
		if len(ids) != len(chunk) {
			return fmt.Errorf("activity: insert: %d ids for %d rows", len(ids), len(chunk))
		}
		slices.Sort(ids)
		for i, a := range chunk {
			a.ID = ids[i]
			a.CreatedBy, a.CreatedAt, a.UpdatedAt, a.Version = by, now, now, 1
		}
	}
	var links []any
	for _, a := range as {
		for _, o := range a.OrgIDs {
			links = append(links, a.ID, o)
		}
	}
	const per = 1000 // links a statement
	for start := 0; start < len(links); start += 2 * per {
		chunk := links[start:min(len(links), start+2*per)]
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_orgs (activity_id, org_id) VALUES `+db.Values(d, len(chunk)/2, 2), chunk...); err != nil {
			return fmt.Errorf("activity: insert orgs: %w", err)
		}
	}
	return nil
}

// updateActivity stores an edited activity (its organizations unchanged).
func updateActivity(ctx context.Context, tx *sql.Tx, a *Activity, now time.Time) error {
	detail, _ := json.Marshal(a.Beneficiaries)
	_, err := tx.ExecContext(ctx, `UPDATE activities SET title = $1, theme = $2, kind = $3, fields = $4, starts_at = $5, ends_at = $6,
		starts_on = $7, community_code = $8, street_code = $9, district_code = $10, address = $11, groups_mask = $12,
		participants = $13, beneficiaries = $14, beneficiary_detail = $15, fund_raising = $16, minors = $17, overnight = $18,
		write_up = $19, status = $20, major = $21, ack_level = $22, report_due_on = $23, updated_at = $24, version = version + 1
		WHERE id = $25`,
		a.Title, a.Theme, a.Kind, strings.Join(a.Fields, ","), a.StartsAt, a.EndsAt, a.StartsOn, a.CommunityCode, a.StreetCode,
		a.DistrictCode, a.Address, db.Mask(registry.TargetGroups, a.TargetGroups), a.Participants, a.Beneficiaries.Total, string(detail),
		db.BoolInt(a.FundRaising), db.BoolInt(a.Minors), db.BoolInt(a.Overnight), a.WriteUp, a.Status, db.BoolInt(a.Major), a.AckLevel, a.ReportDueOn, now, a.ID)
	if err != nil {
		return fmt.Errorf("activity: update: %w", err)
	}
	a.UpdatedAt = now
	a.Version++
	return nil
}

const activityCols = `a.id, a.title, a.theme, a.kind, a.fields, a.starts_at, a.ends_at, a.starts_on, a.community_code, a.street_code,
	a.district_code, a.address, a.groups_mask, a.participants, a.beneficiary_detail, a.fund_raising, a.minors, a.overnight,
	a.write_up, a.status, a.major, a.major_rule, a.ack_level, a.report_due_on, a.volunteer_minutes, a.hours_confirmed,
	COALESCE(a.created_by, 0), a.created_at, a.updated_at, a.version`

func scanActivity(sc interface{ Scan(...any) error }) (*Activity, error) {
	var a Activity
	var fields, detail, rule string
	var mask int64
	var fund, minors, overnight, major, confirmed, minutes int
	if err := sc.Scan(&a.ID, &a.Title, &a.Theme, &a.Kind, &fields, &a.StartsAt, &a.EndsAt, &a.StartsOn, &a.CommunityCode,
		&a.StreetCode, &a.DistrictCode, &a.Address, &mask, &a.Participants, &detail, &fund, &minors, &overnight, &a.WriteUp,
		&a.Status, &major, &rule, &a.AckLevel, &a.ReportDueOn, &minutes, &confirmed, &a.CreatedBy, &a.CreatedAt,
		&a.UpdatedAt, &a.Version); err != nil {
		return nil, err
	}
	a.Fields, a.TargetGroups = db.SplitList(fields), db.Unmask(registry.TargetGroups, mask)
	_ = json.Unmarshal([]byte(detail), &a.Beneficiaries)
	_ = json.Unmarshal([]byte(rule), &a.rule)
	a.FundRaising, a.Minors, a.Overnight, a.Major, a.HoursConfirmed = fund == 1, minors == 1, overnight == 1, major == 1, confirmed == 1
	a.VolunteerHours = float64(minutes) / 60
	a.StartsAt, a.EndsAt = a.StartsAt.UTC(), a.EndsAt.UTC()
	return &a, nil
}

// getActivity reads one activity with its organizations' ids.
func getActivity(ctx context.Context, q db.Querier, id int64, lock string) (*Activity, error) {
	a, err := db.One(ctx, q, "activity: get", scanActivity, `SELECT `+activityCols+` FROM activities a WHERE a.id = $1`+lock, id)
	if err != nil {
		return nil, err
	}
	if err := fillOrgs(ctx, q, []*Activity{a}); err != nil {
		return nil, err
	}
	return a, nil
}

// fillOrgs sets the organizations (ids and names) of activities, host first.
func fillOrgs(ctx context.Context, q db.Querier, as []*Activity) error {
	if len(as) == 0 {
		return nil
	}
	by := map[int64]*Activity{}
	ids := make([]string, 0, len(as))
	for _, a := range as {
		by[a.ID] = a
		a.OrgIDs, a.OrgNames = nil, nil
		ids = append(ids, strconv.FormatInt(a.ID, 10))
	}
	rows, err := q.QueryContext(ctx, `SELECT ao.activity_id, ao.org_id, o.name, a.org_id FROM activity_orgs ao
		JOIN orgs o ON o.id = ao.org_id JOIN activities a ON a.id = ao.activity_id
		WHERE ao.activity_id IN (`+strings.Join(ids, ",")+`) ORDER BY ao.activity_id, ao.org_id`)
	if err != nil {
		return fmt.Errorf("activity: orgs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var aid, oid, host int64
		var name string
		if err := rows.Scan(&aid, &oid, &name, &host); err != nil {
			return err
		}
		a := by[aid]
		if oid == host {
			a.OrgIDs = append([]int64{oid}, a.OrgIDs...)
			a.OrgNames = append([]string{name}, a.OrgNames...)
		} else {
			a.OrgIDs = append(a.OrgIDs, oid)
			a.OrgNames = append(a.OrgNames, name)
		}
	}
	return rows.Err()
}

// placeCond is the condition "in the place" on the district, street and
// community columns: an equality on the district (the leading column of
// the list's and the campaign's indexes) wherever the place is a district
// or below, a range of districts above (db.ScopeCond). It appends its
// parameters to args and numbers its placeholders after them.
func placeCond(alias, place string, args []any) (string, []any) {
	if len(place) < 6 {
		return db.ScopeCond(alias+"district_code", place, args)
	}
	p, args := db.Arg(args, place[:6])
	c := alias + "district_code = " + p
	switch {
	case len(place) >= 12:
		p, args = db.Arg(args, place)
		c += " AND " + alias + "community_code = " + p
	case len(place) >= 9:
		p, args = db.Arg(args, place)
		c += " AND " + alias + "street_code = " + p
	}
	return c, args
}

// hubServed is "an activity of the hub or of an organization it serves".
const hubServed = `a.id IN (SELECT activity_id FROM activity_orgs WHERE org_id = ? OR org_id IN
	(SELECT org_id FROM hub_members WHERE hub_org_id = ? AND status = 'active'))`

// listWhere builds the list's condition: the viewer's scope first, the
// place being f.Within as the service narrowed it (empty: anywhere, for an
// organization's leader).
func listWhere(leaderOrg, hubOrg int64, f Filter) (string, []any) {
	var w db.Where
	if leaderOrg != 0 {
		w.Add(`a.id IN (SELECT activity_id FROM activity_orgs WHERE org_id = ?)`, leaderOrg)
	}
	if hubOrg != 0 {
		w.Add(hubServed, hubOrg, hubOrg)
	}
	if f.Within != "" {
		var c string
		c, w.Args = placeCond("a.", f.Within, w.Args)
		w.Add(c)
	}
	if f.Theme != "" {
		w.Add(`a.theme = ?`, f.Theme)
	}
	if f.Field != "" {
		w.Add(`(',' || a.fields || ',') LIKE ?`, "%,"+db.EscapeLike(f.Field)+",%")
	}
	if f.TargetGroup != "" {
		w.Add(`(a.groups_mask & ?) <> 0`, db.Mask(registry.TargetGroups, []string{f.TargetGroup}))
	}
	if f.OrgID != 0 {
		w.Add(`a.id IN (SELECT activity_id FROM activity_orgs WHERE org_id = ?)`, f.OrgID)
	}
	if f.Status != "" {
		w.Add(`a.status = ?`, f.Status)
	}
	if f.From != "" {
		w.Add(`a.starts_on >= ?`, f.From)
	}
	if f.To != "" {
		w.Add(`a.starts_on <= ?`, f.To)
	}
	return w.String(), w.Args
}

func listActivities(ctx context.Context, q db.Querier, where string, args []any, limit, offset int) ([]*Activity, error) {
	n := len(args)
	rows, err := q.QueryContext(ctx, `SELECT `+activityCols+` FROM activities a WHERE `+where+
		` ORDER BY a.starts_on DESC, a.id DESC LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("activity: list: %w", err)
	}
	out, err := db.CollectPtrs(rows, scanActivity)
	if err != nil {
		return nil, fmt.Errorf("activity: list: %w", err)
	}
	return out, fillOrgs(ctx, q, out)
}

func countActivities(ctx context.Context, q db.Querier, where string, args []any) (int, error) {
	return db.Scalar[int](ctx, q, `SELECT COUNT(*) FROM activities a WHERE `+where, args...)
}

// insertFile stores a photo or document of an activity.
func insertFile(ctx context.Context, tx *sql.Tx, activityID, by int64, now time.Time, ct string, f *upload.File) (*File, error) {
	sum := sha256.Sum256(f.Data)
	out := &File{ContentType: ct, Size: len(f.Data), SHA256: hex.EncodeToString(sum[:]), Filename: upload.CleanName(f.Filename), CreatedAt: now}
	err := tx.QueryRowContext(ctx, `INSERT INTO activity_files (activity_id, content_type, size_bytes, sha256, filename, data, uploaded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		activityID, ct, len(f.Data), out.SHA256, out.Filename, f.Data, db.NullID(by), now).Scan(&out.ID)
	if err != nil {
		return nil, fmt.Errorf("activity: store file: %w", err)
	}
	return out, nil
}

func listFiles(ctx context.Context, q db.Querier, activityID int64) ([]File, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, content_type, size_bytes, sha256, filename, created_at FROM activity_files
		WHERE activity_id = $1 ORDER BY id`, activityID)
	if err != nil {
		return nil, fmt.Errorf("activity: files: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*File, error) {
		var f File
		return &f, r.Scan(&f.ID, &f.ContentType, &f.Size, &f.SHA256, &f.Filename, &f.CreatedAt)
	})
}

func getFile(ctx context.Context, q db.Querier, id int64) (*File, error) {
	var f File
	err := q.QueryRowContext(ctx, `SELECT id, activity_id, content_type, size_bytes, sha256, filename, data, created_at
		FROM activity_files WHERE id = $1`, id).Scan(&f.ID, &f.activityID, &f.ContentType, &f.Size, &f.SHA256, &f.Filename, &f.Data, &f.CreatedAt)
	if err != nil {
		return nil, db.Found(err, "activity: file")
	}
	return &f, nil
}

// insertVolunteers stores new volunteers with their organizations.
func insertVolunteers(ctx context.Context, tx *sql.Tx, vs []*Volunteer, by int64, now time.Time) error {
	for _, v := range vs {
		if err := tx.QueryRowContext(ctx, `INSERT INTO volunteers (name, phone, community_code, district_code, created_by, created_at, phone_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, v.Name, pii.Seal(v.Phone), v.CommunityCode, v.DistrictCode, db.NullID(by), now,
			pii.Hash(v.Phone)).Scan(&v.ID); err != nil {
			return fmt.Errorf("activity: insert volunteer: %w", err)
		}
		v.CreatedAt = now
		for _, o := range v.OrgIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_orgs (volunteer_id, org_id) VALUES ($1, $2)`, v.ID, o); err != nil {
				return fmt.Errorf("activity: insert volunteer org: %w", err)
			}
		}
	}
	return nil
}

func getVolunteer(ctx context.Context, q db.Querier, id int64) (*Volunteer, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+volunteerCols+` FROM volunteers v WHERE v.id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("activity: volunteer: %w", err)
	}
	vs, err := scanVolunteers(rows)
	if err != nil {
		return nil, fmt.Errorf("activity: volunteer: %w", err)
	}
	if len(vs) == 0 {
		return nil, errs.Missing()
	}
	return vs[0], volunteerOrgs(ctx, q, vs)
}

const volunteerCols = `v.id, v.name, v.phone, v.community_code, v.district_code, v.created_at`

// listVolunteers reads a page of volunteers by id: an organization's
// (leaderOrg), else those of a place; each with its organizations.
func listVolunteers(ctx context.Context, q db.Querier, leaderOrg int64, scope string, p Paging) (*List[*Volunteer], error) {
	lq := listQuery{cols: volunteerCols, order: "v.id", key: "v.id"}
	if leaderOrg != 0 {
		lq.from, lq.args = `FROM volunteers v JOIN volunteer_orgs vo ON vo.volunteer_id = v.id WHERE vo.org_id = $1`, []any{leaderOrg}
	} else {
		var in string
		in, lq.args = db.ScopeCond("v.community_code", scope, nil)
		lq.from = `FROM volunteers v WHERE ` + in
	}
	l, err := readPage(ctx, q, lq, p, scanVolunteers, func(v *Volunteer) int64 { return v.ID })
	if err != nil {
		return nil, err
	}
	return l, volunteerOrgs(ctx, q, l.Items)
}

func scanVolunteers(rows *sql.Rows) ([]*Volunteer, error) { return db.CollectPtrs(rows, scanVolunteer) }

// scanVolunteer reads a volunteer (its organizations empty, filled by
// volunteerOrgs), the phone opened.
func scanVolunteer(sc interface{ Scan(...any) error }) (*Volunteer, error) {
	v := &Volunteer{OrgIDs: []int64{}}
	if err := sc.Scan(&v.ID, &v.Name, &v.Phone, &v.CommunityCode, &v.DistrictCode, &v.CreatedAt); err != nil {
		return nil, err
	}
	v.Phone = pii.Open(v.Phone)
	return v, nil
}

// volunteerOrgs sets the organizations of volunteers, in one read.
func volunteerOrgs(ctx context.Context, q db.Querier, vs []*Volunteer) error {
	if len(vs) == 0 {
		return nil
	}
	by := make(map[int64]*Volunteer, len(vs))
	ids := make([]string, len(vs))
	for i, v := range vs {
		by[v.ID], ids[i] = v, strconv.FormatInt(v.ID, 10)
	}
	rows, err := q.QueryContext(ctx, `SELECT volunteer_id, org_id FROM volunteer_orgs WHERE volunteer_id IN (`+strings.Join(ids, ",")+`)
		ORDER BY volunteer_id, org_id`)
	if err != nil {
		return fmt.Errorf("activity: volunteer orgs: %w", err)
	}
	return db.EachPair(rows, func(v, o int64) { by[v].OrgIDs = append(by[v].OrgIDs, o) })
}

// overlaps reports whether the volunteer served another activity whose time
// overlaps [starts, ends).
func overlaps(ctx context.Context, q db.Querier, volunteerID, activityID int64, starts, ends time.Time) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_hours h JOIN activities a ON a.id = h.activity_id
		WHERE h.volunteer_id = $1 AND h.activity_id <> $2 AND a.starts_at < $3 AND a.ends_at > $4 AND a.status <> $5`,
		volunteerID, activityID, ends, starts, StatusRefused).Scan(&n)
	return n > 0, err
}

// minutesOn is what the volunteer served on a day, and at one activity.
func minutesOn(ctx context.Context, q db.Querier, volunteerID, activityID int64, day string) (dayMin, own int, err error) {
	err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(minutes), 0), COALESCE(SUM(CASE WHEN activity_id = $3 THEN minutes ELSE 0 END), 0)
		FROM volunteer_hours WHERE volunteer_id = $1 AND served_on = $2`, volunteerID, day, activityID).Scan(&dayMin, &own)
	return
}

func insertHours(ctx context.Context, tx *sql.Tx, es []*HoursEntry, by int64, now time.Time) error {
	for _, e := range es {
		if err := tx.QueryRowContext(ctx, `INSERT INTO volunteer_hours (activity_id, volunteer_id, served_on, minutes, correction, reason, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, e.ActivityID, e.VolunteerID, e.ServedOn, e.minutes, db.BoolInt(e.Correction),
			e.Reason, db.NullID(by), now).Scan(&e.ID); err != nil {
			return fmt.Errorf("activity: insert hours: %w", err)
		}
		e.CreatedAt = now
		if _, err := tx.ExecContext(ctx, `UPDATE activities SET volunteer_minutes = volunteer_minutes + $1 WHERE id = $2`, e.minutes, e.ActivityID); err != nil {
			return fmt.Errorf("activity: add minutes: %w", err)
		}
	}
	return nil
}

func hoursEntries(ctx context.Context, q db.Querier, volunteerID int64, from, to string) ([]HoursEntry, int, error) {
	rows, err := q.QueryContext(ctx, `SELECT h.id, h.activity_id, a.title, h.served_on, h.minutes, h.correction, h.reason, h.created_at
		FROM volunteer_hours h JOIN activities a ON a.id = h.activity_id
		WHERE h.volunteer_id = $1 AND h.served_on >= $2 AND h.served_on <= $3 AND a.status <> $4 ORDER BY h.served_on, h.id`,
		volunteerID, from, to, StatusRefused)
	if err != nil {
		return nil, 0, fmt.Errorf("activity: hours: %w", err)
	}
	out, err := db.Collect(rows, func(r interface{ Scan(...any) error }) (*HoursEntry, error) {
		e := HoursEntry{VolunteerID: volunteerID}
		var corr int
		err := r.Scan(&e.ID, &e.ActivityID, &e.ActivityTitle, &e.ServedOn, &e.minutes, &corr, &e.Reason, &e.CreatedAt)
		e.Correction, e.Hours = corr == 1, float64(e.minutes)/60
		return &e, err
	})
	if err != nil {
		return nil, 0, err
	}
	total := 0
	for _, e := range out {
		total += e.minutes
	}
	return out, total, nil
}

func activityHours(ctx context.Context, q db.Querier, activityID int64) ([]HoursEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, volunteer_id, served_on, minutes, correction, reason, created_at
		FROM volunteer_hours WHERE activity_id = $1 ORDER BY id`, activityID)
	if err != nil {
		return nil, fmt.Errorf("activity: hours: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*HoursEntry, error) {
		e := HoursEntry{ActivityID: activityID}
		var corr int
		err := r.Scan(&e.ID, &e.VolunteerID, &e.ServedOn, &e.minutes, &corr, &e.Reason, &e.CreatedAt)
		e.Correction, e.Hours = corr == 1, float64(e.minutes)/60
		return &e, err
	})
}

// ruleFor reads the rule in force for a community: its street's, else its
// district's, else the default.
func ruleFor(ctx context.Context, q db.Querier, community string) (Rule, error) {
	for _, unit := range []string{community[:9], community[:6]} {
		r, ok, err := getRule(ctx, q, unit)
		if err != nil || ok {
			return r, err
		}
	}
	return DefaultRule(), nil
}

func getRule(ctx context.Context, q db.Querier, unit string) (Rule, bool, error) {
	r := Rule{UnitCode: unit}
	var kinds string
	var outside, fund, minors, overnight, tier int
	err := q.QueryRowContext(ctx, `SELECT kinds, min_participants, outside_home, fund_raising, minors, overnight, community_ack_tier,
		days_ahead, version FROM major_report_rules WHERE unit_code = $1`, unit).Scan(&kinds, &r.MinParticipants, &outside, &fund,
		&minors, &overnight, &tier, &r.DaysAhead, &r.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("activity: rule: %w", err)
	}
	r.Kinds = db.SplitList(kinds)
	r.OutsideHome, r.FundRaising, r.Minors, r.Overnight, r.CommunityAckTier = outside == 1, fund == 1, minors == 1, overnight == 1, tier == 1
	return r, true, nil
}

func putRule(ctx context.Context, tx *sql.Tx, r Rule, by int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO major_report_rules (unit_code, kinds, min_participants, outside_home, fund_raising, minors,
		overnight, community_ack_tier, days_ahead, updated_by, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
		ON CONFLICT (unit_code) DO UPDATE SET kinds = excluded.kinds, min_participants = excluded.min_participants,
		outside_home = excluded.outside_home, fund_raising = excluded.fund_raising, minors = excluded.minors,
		overnight = excluded.overnight, community_ack_tier = excluded.community_ack_tier, days_ahead = excluded.days_ahead,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at, version = major_report_rules.version + 1`,
		r.UnitCode, strings.Join(r.Kinds, ","), r.MinParticipants, db.BoolInt(r.OutsideHome), db.BoolInt(r.FundRaising), db.BoolInt(r.Minors),
		db.BoolInt(r.Overnight), db.BoolInt(r.CommunityAckTier), r.DaysAhead, db.NullID(by), now)
	if err != nil {
		return fmt.Errorf("activity: put rule: %w", err)
	}
	return nil
}

const reportCols = `r.id, r.activity_id, a.title, a.starts_at, r.status, r.ack_level, r.community_code, r.street_code, r.due_on, r.late,
	r.submitted_at, r.decided_at, r.reason`

func scanReport(sc interface{ Scan(...any) error }) (*Report, error) {
	var r Report
	var late int
	var decided sql.NullTime
	if err := sc.Scan(&r.ID, &r.ActivityID, &r.ActivityTitle, &r.StartsAt, &r.Status, &r.AckLevel, &r.CommunityCode, &r.StreetCode,
		&r.DueOn, &late, &r.SubmittedAt, &decided, &r.Reason); err != nil {
		return nil, err
	}
	r.Late = late == 1
	if decided.Valid {
		t := decided.Time
		r.DecidedAt = &t
	}
	return &r, nil
}

func getReport(ctx context.Context, q db.Querier, id int64, lock string) (*Report, error) {
	return db.One(ctx, q, "activity: report", scanReport, `SELECT `+reportCols+` FROM major_reports r JOIN activities a ON a.id = r.activity_id
		WHERE r.id = $1`+lock, id)
}

func insertReport(ctx context.Context, tx *sql.Tx, r *Report, by int64, now time.Time) error {
	if err := tx.QueryRowContext(ctx, `INSERT INTO major_reports (activity_id, status, ack_level, community_code, street_code, due_on, late,
		submitted_by, submitted_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`, r.ActivityID, r.Status, r.AckLevel,
		r.CommunityCode, r.StreetCode, r.DueOn, db.BoolInt(r.Late), db.NullID(by), now).Scan(&r.ID); err != nil {
		return fmt.Errorf("activity: insert report: %w", err)
	}
	r.SubmittedAt = now
	return nil
}

// reportsWhere is the condition of the reports in a place (of a hub's
// organizations, for its staff), with a status or any.
func reportsWhere(scope string, hubOrg int64, status string) (string, []any) {
	where, args := db.ScopeCond("r.community_code", scope, nil)
	var n string
	if status != "" {
		n, args = db.Arg(args, status)
		where += ` AND r.status = ` + n
	}
	if hubOrg != 0 {
		n, args = db.Arg(args, hubOrg)
		where += ` AND ` + strings.Replace(strings.Replace(hubServed, "?", n, 1), "?", n, 1)
	}
	return where, args
}

const reportsFrom = `FROM major_reports r JOIN activities a ON a.id = r.activity_id WHERE `

// listReports reads a page of the reports in a place, by due day.
func listReports(ctx context.Context, q db.Querier, scope string, hubOrg int64, status string, p Paging) (*List[*Report], error) {
	where, args := reportsWhere(scope, hubOrg, status)
	return readPage(ctx, q, listQuery{cols: reportCols, from: reportsFrom + where, args: args, order: "r.due_on, r.id"}, p, scanReports, nil)
}

// eachReport calls fn with every report in a place with a status, in
// due-day order, streamed (the inbox's count of those awaiting a user).
func eachReport(ctx context.Context, q db.Querier, scope string, hubOrg int64, status string, fn func(*Report)) error {
	where, args := reportsWhere(scope, hubOrg, status)
	rows, err := q.QueryContext(ctx, `SELECT `+reportCols+` `+reportsFrom+where+` ORDER BY r.due_on, r.id`, args...)
	if err != nil {
		return fmt.Errorf("activity: reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return err
		}
		fn(r)
	}
	return rows.Err()
}

func scanReports(rows *sql.Rows) ([]*Report, error) { return db.CollectPtrs(rows, scanReport) }

// StreetReporting is a street's count of late and unreported major activities.
type StreetReporting struct {
	StreetCode string `json:"street_code"`
	Major      int    `json:"major"`
	Late       int    `json:"late"`
	Unreported int    `json:"unreported"`
}

func reportingByStreet(ctx context.Context, q db.Querier, scope string) ([]StreetReporting, error) {
	in, args := db.ScopeCond("a.community_code", scope, nil)
	rows, err := q.QueryContext(ctx, `SELECT a.street_code, COUNT(*),
		COALESCE(SUM(CASE WHEN r.late = 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN r.id IS NULL THEN 1 ELSE 0 END), 0)
		FROM activities a LEFT JOIN major_reports r ON r.activity_id = a.id
		WHERE a.major = 1 AND `+in+` GROUP BY a.street_code ORDER BY a.street_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("activity: reporting: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*StreetReporting, error) {
		var s StreetReporting
		return &s, r.Scan(&s.StreetCode, &s.Major, &s.Late, &s.Unreported)
	})
}
