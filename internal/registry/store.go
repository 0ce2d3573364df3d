package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/orgroll"
	"linli/internal/platform/audit"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/pii"
)

func ph(n int) string { return "$" + strconv.Itoa(n) }

// pageLimit is a list page's LIMIT and OFFSET, the offset's argument added
// to args. The page size (an int, 1 to MaxPerPage) is written into the
// statement and the first page has no OFFSET: with no parameter there,
// PostgreSQL's cost of the prepared statement's generic plan matches a
// custom plan's, so it keeps the generic plan instead of planning the
// statement again on every call (a district's first page: 183 → 93 µs of
// the server's processor time at the Guangzhou scale, issue 19). A later
// page's offset stays a parameter, so paging prepares no statement per page.
func pageLimit(f Filter, args []any) (string, []any) {
	c := ` LIMIT ` + strconv.Itoa(f.PerPage)
	if f.Page > 1 {
		args = append(args, (f.Page-1)*f.PerPage)
		c += ` OFFSET ` + ph(len(args))
	}
	return c, args
}

// orgColumns are an organization's columns as scanOrg reads them, its
// times through db.Time (read without the SQLite driver's layout search).
var orgColumns = `o.id, o.name, o.tier, o.types_mask, o.groups_mask, o.community_code, o.street_code,
	o.district_code, COALESCE(o.credit_code, ''), o.address, o.founded_on, o.members, o.leader_name,
	o.leader_phone, o.party_org, o.party_instructor, o.hub, o.brand, COALESCE(o.demonstration_year, 0),
	o.volunteer_mark, o.status, o.return_reason, COALESCE(o.created_by, 0), ` +
	db.TimeExpr("o.created_at") + `, ` + db.TimeExpr("o.updated_at") + `, o.version`

func scanOrg(sc interface{ Scan(...any) error }) (*Org, error) {
	var o Org
	var types, groups int64
	var hub, brand, vm int
	err := sc.Scan(&o.ID, &o.Name, &o.Tier, &types, &groups, &o.CommunityCode, &o.StreetCode, &o.DistrictCode,
		&o.CreditCode, &o.Address, &o.FoundedOn, &o.Members, &o.LeaderName, &o.LeaderPhone, &o.PartyOrg,
		&o.PartyInstructor, &hub, &brand, &o.DemonstrationYear, &vm, &o.Status, &o.ReturnReason, &o.CreatedBy,
		db.Time{T: &o.CreatedAt}, db.Time{T: &o.UpdatedAt}, &o.Version)
	if err != nil {
		return nil, err
	}
	finishOrg(&o, types, groups, hub != 0, brand != 0, vm != 0)
	return &o, nil
}

// finishOrg completes an organization read from its columns (scanOrg) or
// its packed row (packedOrg): the masks' names, the flags, the leader's
// phone unsealed, the times in UTC.
func finishOrg(o *Org, types, groups int64, hub, brand, vm bool) {
	o.Types, o.TargetGroups = db.Unmask(Types, types), db.Unmask(TargetGroups, groups)
	o.Hub, o.Brand, o.VolunteerMark = hub, brand, vm
	o.LeaderPhone = pii.Open(o.LeaderPhone)
	o.Demonstration = o.DemonstrationYear != 0
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
}

func getOrg(ctx context.Context, q db.Querier, id int64, forUpdate string) (*Org, error) {
	return db.One(ctx, q, "get org", scanOrg, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`+forUpdate, id)
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullYear(y int) any {
	if y == 0 {
		return nil
	}
	return y
}

// where builds the WHERE clause of a list for the viewer and filter; d
// writes the engine's full-text condition for the search box, or, with
// scan set, a plain match suited to a small list (see searchList).
func where(d db.Dialect, u *auth.User, f *Filter) (string, []any) {
	c, args := scopeWhere(u, nil)
	// A division filter inside the viewer's scope replaces the scope
	// condition (it is the narrower of the two, and one condition lets the
	// engine use one index); one that overlaps nothing matches nothing.
	switch code, ok := u.Narrow(f.Within); {
	case ok && code == u.ScopeCode:
	case u.OwnOrgOnly():
		var in string
		in, args = db.ScopeCond("o.community_code", f.Within, args)
		c += " AND " + in
	case ok:
		c, args = placeWhere(code, args[:0])
	default:
		c = "1 = 0"
		args = args[:0]
	}
	w := db.Where{Args: args}
	w.Add(c)
	if f.Tier != "" {
		w.Add("o.tier = ?", f.Tier)
	}
	if i := indexOf(Types, f.Type); i >= 0 {
		w.Add("(o.types_mask & ?) <> 0", int64(1)<<i)
	}
	if i := indexOf(TargetGroups, f.TargetGroup); i >= 0 {
		w.Add("(o.groups_mask & ?) <> 0", int64(1)<<i)
	}
	if f.Status != "" {
		w.Add("o.status = ?", f.Status)
	}
	if f.Hub {
		w.Add("o.hub = 1")
	}
	if f.Brand {
		w.Add("o.brand = 1")
	}
	if f.Demonstration {
		w.Add("o.demonstration_year IS NOT NULL")
	}
	if f.VolunteerMark {
		w.Add("o.volunteer_mark = 1")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		var c string
		c, w.Args = searchCond(d, f.searchIn, q, w.Args)
		w.Add("(" + c + ")")
	}
	return w.String(), w.Args
}

// sorts maps the accepted sort keys to ORDER BY clauses.
var sorts = map[string]string{
	"":           "o.id DESC",
	"newest":     "o.id DESC",
	"oldest":     "o.id",
	"name":       "o.name, o.id",
	"founded_on": "o.founded_on DESC, o.id DESC",
	"members":    "o.members DESC, o.id DESC",
	"code":       "o.community_code, o.id",
	"relevance":  "o.id", // with a search: exact name, prefix, substring, pinyin (searchOrder)
}

// sortOrder is the ORDER BY of a list's sort (sorts), or the refusal of
// an unknown one.
func sortOrder(sort string) (string, error) {
	order, ok := sorts[sort]
	if !ok {
		return "", errs.Field("sort", "err.unknown_value", sort)
	}
	return order, nil
}

// orgInsertColumns are the columns of a new organization, orgInsertN values
// (orgInsertArgs). The leader's phone is sealed (pii) with its keyed hash.
const orgInsertColumns = `name, name_key, tier, types_mask, groups_mask, community_code, street_code, district_code,
	credit_code, address, founded_on, members, leader_name, leader_phone, party_org, party_instructor, hub, brand,
	demonstration_year, volunteer_mark, status, created_by, created_at, updated_at, leader_phone_hash`

const orgInsertN = 25

// orgInsertArgs are the values of orgInsertColumns for a new organization.
func orgInsertArgs(o *Org) []any {
	return []any{o.Name, NameKey(o.Name), o.Tier, db.Mask(Types, o.Types), db.Mask(TargetGroups, o.TargetGroups),
		o.CommunityCode, o.StreetCode, o.DistrictCode, nullStr(o.CreditCode), o.Address, o.FoundedOn, o.Members,
		o.LeaderName, pii.Seal(o.LeaderPhone), o.PartyOrg, o.PartyInstructor, db.BoolInt(o.Hub), db.BoolInt(o.Brand),
		nullYear(o.DemonstrationYear), db.BoolInt(o.VolunteerMark), o.Status, o.CreatedBy, o.CreatedAt, o.UpdatedAt,
		pii.Hash(o.LeaderPhone)}
}

// The registry's writers are batch-first: each takes a slice, writes it
// with multi-row statements where the engines allow, and serves both a
// single edit (a batch of one) and the census import (thousands).

// insertBatch is how many organizations one INSERT writes (orgInsertN parameters
// each).
const insertBatch = 400

// insertOrgs writes new organizations and sets their ids. A row that would
// break a unique constraint (a name in its community, a credit code) is
// skipped, not failed, so the statement (and a PostgreSQL transaction)
// goes on: refused lists the positions of those rows.
func insertOrgs(ctx context.Context, tx *sql.Tx, d db.Dialect, orgs []*Org) (refused []int, err error) {
	if len(orgs) >= copyMin {
		if refused, ok, err := copyOrgs(ctx, tx, orgs); ok || err != nil {
			return refused, err
		}
	}
	for start := 0; start < len(orgs); start += insertBatch {
		chunk := orgs[start:min(len(orgs), start+insertBatch)]
		args := make([]any, 0, len(chunk)*orgInsertN)
		for _, o := range chunk {
			args = append(args, orgInsertArgs(o)...)
		}
		stmt := `INSERT INTO orgs (` + orgInsertColumns + `) VALUES ` + db.Values(d, len(chunk), orgInsertN) +
			` ON CONFLICT DO NOTHING RETURNING id, community_code, name_key`
		ids := make(map[string]int64, len(chunk))
		added := make([]int64, 0, len(chunk))
		err := bulkMaintained(ctx, tx, d, "orgs_added", func() error {
			rows, err := tx.QueryContext(ctx, stmt, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var comm, key string
				if err := rows.Scan(&id, &comm, &key); err != nil {
					return err
				}
				ids[comm+"|"+key] = id
				added = append(added, id)
			}
			return rows.Err()
		}, func() []int64 { return added })
		if err != nil {
			return nil, fmt.Errorf("insert orgs: %w", err)
		}
		for i, o := range chunk {
			id, ok := ids[o.CommunityCode+"|"+NameKey(o.Name)]
			if !ok {
				refused = append(refused, start+i)
				continue
			}
			o.ID = id
		}
	}
	return refused, nil
}

// copyMin is the least number of rows written with COPY (PostgreSQL, in a
// transaction that can: db.CopyFrom) instead of a multi-row INSERT; a
// single edit inserts.
const copyMin = 50

// copyOrgs writes new organizations with COPY into a staging table of the
// session (org_copy, emptied at commit), then moves them into orgs with one
// INSERT … SELECT in the file's order, which keeps insertOrgs' rules: ids in
// order, a row breaking a unique rule skipped and reported, the insert
// triggers run once. ok is false when the transaction cannot copy.
func copyOrgs(ctx context.Context, tx *sql.Tx, orgs []*Org) (refused []int, ok bool, err error) {
	if !db.CanCopy(tx) {
		// before the rows are built: SQLite's insert builds them again,
		// sealing every phone a second time (4 µs a census row)
		return nil, false, nil
	}
	rows := make([][]any, len(orgs))
	for i, o := range orgs {
		rows[i] = append([]any{i}, orgInsertArgs(o)...)
	}
	cols := append([]string{"pos"}, orgInsertColumnList...)
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS org_copy ON COMMIT DELETE ROWS AS
		SELECT 0 AS pos, `+orgInsertColumns+` FROM orgs WITH NO DATA`); err != nil {
		return nil, true, fmt.Errorf("insert orgs: staging: %w", err)
	}
	if _, err := db.CopyFrom(ctx, tx, "org_copy", cols, rows); err != nil {
		return nil, true, fmt.Errorf("insert orgs: %w", err)
	}
	res, err := tx.QueryContext(ctx, `WITH c AS (DELETE FROM org_copy RETURNING *)
		INSERT INTO orgs (`+orgInsertColumns+`) SELECT `+orgInsertColumns+` FROM c ORDER BY pos
		ON CONFLICT DO NOTHING RETURNING id, community_code, name_key`)
	if err != nil {
		return nil, true, fmt.Errorf("insert orgs: %w", err)
	}
	defer res.Close()
	ids := make(map[string]int64, len(orgs))
	for res.Next() {
		var id int64
		var comm, key string
		if err := res.Scan(&id, &comm, &key); err != nil {
			return nil, true, fmt.Errorf("insert orgs: %w", err)
		}
		ids[comm+"|"+key] = id
	}
	if err := res.Err(); err != nil {
		return nil, true, fmt.Errorf("insert orgs: %w", err)
	}
	for i, o := range orgs {
		id, found := ids[o.CommunityCode+"|"+NameKey(o.Name)]
		if !found {
			refused = append(refused, i)
			continue
		}
		o.ID = id
	}
	return refused, true, nil
}

// orgInsertColumnList is orgInsertColumns as a list.
var orgInsertColumnList = func() []string {
	var cols []string
	for _, c := range strings.Split(orgInsertColumns, ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	return cols
}()

// bulkMaintained runs a multi-row insert into orgs or org_history so that
// what the engine derives from the rows (tally, coverage, change counters)
// is maintained once for the statement, not once per row. PostgreSQL's
// insert triggers already run per statement; on SQLite the org_bulk flag
// switches the row triggers off around the insert, and inserting the rows'
// ids (of organizations; for history rows, each row's organization) into
// the view applies their maintenance as a set and clears the flag
// (migration 041).
func bulkMaintained(ctx context.Context, tx *sql.Tx, d db.Dialect, view string, insert func() error, ids func() []int64) error {
	if d.StatementTriggers() {
		return insert()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO org_bulk (id) VALUES (1) ON CONFLICT DO NOTHING`); err != nil {
		return err
	}
	if err := insert(); err != nil {
		_, _ = tx.ExecContext(ctx, `DELETE FROM org_bulk`)
		return err
	}
	js, err := json.Marshal(ids())
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO `+view+` (ids) VALUES ($1)`, string(js))
	return err
}

// duplicateOf tells which unique rule a new organization the database
// refused broke: its credit code if another organization holds it, else
// its name in its community.
func duplicateOf(ctx context.Context, q db.Querier, o *Org) (errs.Fields, error) {
	if o.CreditCode != "" {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs WHERE credit_code = $1`, o.CreditCode).Scan(&n); err != nil {
			return nil, fmt.Errorf("duplicate: %w", err)
		}
		if n > 0 {
			return errs.Fields{"credit_code": errs.M("err.duplicate_credit")}, nil
		}
	}
	return errs.Fields{"name": errs.M("err.duplicate_name")}, nil
}

// updateOrgs writes changed organizations whole (every field a plan may
// change), one statement each, and steps their versions. It stops at the
// first organization the database refuses, returning its position.
func updateOrgs(ctx context.Context, tx *sql.Tx, orgs []*Org, now time.Time) (int, error) {
	for i, o := range orgs {
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET name = $1, name_key = $2, tier = $3, types_mask = $4,
			groups_mask = $5, community_code = $6, street_code = $7, district_code = $8, credit_code = $9,
			address = $10, founded_on = $11, members = $12, leader_name = $13, leader_phone = $14, party_org = $15,
			party_instructor = $16, hub = $17, brand = $18, demonstration_year = $19, volunteer_mark = $20,
			status = $21, return_reason = $22, updated_at = $23, version = version + 1, leader_phone_hash = $25 WHERE id = $24`,
			o.Name, NameKey(o.Name), o.Tier, db.Mask(Types, o.Types), db.Mask(TargetGroups, o.TargetGroups),
			o.CommunityCode, o.StreetCode, o.DistrictCode, nullStr(o.CreditCode), o.Address,
			o.FoundedOn, o.Members, o.LeaderName, pii.Seal(o.LeaderPhone), o.PartyOrg, o.PartyInstructor,
			db.BoolInt(o.Hub), db.BoolInt(o.Brand), nullYear(o.DemonstrationYear), db.BoolInt(o.VolunteerMark), o.Status, o.ReturnReason,
			now, o.ID, pii.Hash(o.LeaderPhone)); err != nil {
			return i, err
		}
	}
	return len(orgs), nil
}

// histRow is one row of an organization's dated history: the change, when
// it took effect (at), when it was entered, and by whom.
type histRow struct {
	orgID     int64
	ev        Event
	at        time.Time
	enteredAt time.Time
	userID    int64
	username  string
}

// historyBatch is how many history rows one INSERT writes (9 parameters
// each).
const historyBatch = 500

// writeHistory writes dated history rows.
func writeHistory(ctx context.Context, tx *sql.Tx, d db.Dialect, hs []histRow) error {
	if err := insertHistory(ctx, tx, d, hs); err != nil {
		return err
	}
	return orgroll.Refresh(ctx, tx, d, rollIDs(nil, hs))
}

// historyColumns are the columns of a history row written.
var historyColumns = []string{"org_id", "field", "old_value", "value", "reason", "at", "entered_at", "late_reason", "user_id", "username"}

func historyArgs(args []any, h histRow) []any {
	return append(args, h.orgID, h.ev.Field, h.ev.OldValue, h.ev.Value, h.ev.Reason, h.at, h.enteredAt,
		h.ev.LateReason, db.NullID(h.userID), h.username)
}

// insertHistory writes dated history rows, without the rollup (refreshRoll).
func insertHistory(ctx context.Context, tx *sql.Tx, d db.Dialect, hs []histRow) error {
	if len(hs) >= copyMin && db.CanCopy(tx) {
		rows := make([][]any, len(hs))
		for i, h := range hs {
			rows[i] = historyArgs(make([]any, 0, len(historyColumns)), h)
		}
		if ok, err := db.CopyFrom(ctx, tx, "org_history", historyColumns, rows); ok || err != nil {
			if err != nil {
				return fmt.Errorf("org history: %w", err)
			}
			return nil
		}
	}
	for start := 0; start < len(hs); start += historyBatch {
		chunk := hs[start:min(len(hs), start+historyBatch)]
		args := make([]any, 0, len(chunk)*len(historyColumns))
		for _, h := range chunk {
			args = historyArgs(args, h)
		}
		stmt := `INSERT INTO org_history (` + strings.Join(historyColumns, ", ") + `) VALUES ` +
			db.Values(d, len(chunk), len(historyColumns))
		if err := bulkMaintained(ctx, tx, d, "history_added", func() error {
			_, err := tx.ExecContext(ctx, stmt, args...)
			return err
		}, func() []int64 {
			ids := make([]int64, len(chunk))
			for i, h := range chunk {
				ids[i] = h.orgID
			}
			return ids
		}); err != nil {
			return fmt.Errorf("org history: %w", err)
		}
	}
	return nil
}

// rollIDs appends the organizations whose dated rollup history rows move
// (orgroll.Refresh follows the history in the same transaction: a move or
// a late correction re-derives the organization's whole timeline).
func rollIDs(ids []int64, hs []histRow) []int64 {
	for _, h := range hs {
		if slices.Contains(orgroll.Fields, h.ev.Field) && (len(ids) == 0 || ids[len(ids)-1] != h.orgID) {
			ids = append(ids, h.orgID)
		}
	}
	return ids
}

// searchDoc is an organization's search document, to be (re)written.
type searchDoc struct {
	orgID          int64
	name, district string
	fresh          bool // a new organization's: it has no document yet
}

// docBatch is how many search documents one statement writes: one
// statement for many keeps SQLite's FTS5 from flushing its index at every
// statement.
const docBatch = 500

// indexDocs writes search documents (SearchRow's), replacing an
// organization's old one.
func indexDocs(ctx context.Context, tx *sql.Tx, d *db.DB, docs []searchDoc) error {
	cols := SearchColumns(d.Engine)
	docs, err := copyDocs(ctx, tx, cols, d.Engine, docs)
	if err != nil {
		return err
	}
	set := make([]string, 0, len(cols)-1)
	for _, c := range cols[1:] {
		set = append(set, c+" = excluded."+c)
	}
	for start := 0; start < len(docs); start += docBatch {
		chunk := docs[start:min(len(docs), start+docBatch)]
		var b strings.Builder
		b.WriteString(`INSERT INTO org_search (` + strings.Join(cols, ", ") + `) VALUES `)
		b.WriteString(db.Values(d.Dialect, len(chunk), len(cols)))
		args := make([]any, 0, len(chunk)*len(cols))
		for _, doc := range chunk {
			args = append(args, SearchRow(d.Engine, doc.orgID, doc.name, doc.district)...)
		}
		b.WriteString(` ON CONFLICT (org_id) DO UPDATE SET ` + strings.Join(set, ", "))
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("index orgs: %w", err)
		}
	}
	return nil
}

// copyDocs writes the documents of new organizations with COPY where the
// transaction can (db.CopyFrom), when there are enough of them, and
// returns the documents left to write.
func copyDocs(ctx context.Context, tx *sql.Tx, cols []string, engine string, docs []searchDoc) ([]searchDoc, error) {
	if len(docs) < copyMin || !db.CanCopy(tx) {
		return docs, nil
	}
	var rows [][]any
	var rest []searchDoc
	for _, doc := range docs {
		if !doc.fresh {
			rest = append(rest, doc)
			continue
		}
		rows = append(rows, SearchRow(engine, doc.orgID, doc.name, doc.district))
	}
	if len(rows) < copyMin {
		return docs, nil
	}
	ok, err := db.CopyFrom(ctx, tx, "org_search", cols, rows)
	if err != nil {
		return nil, fmt.Errorf("index orgs: %w", err)
	}
	if !ok {
		return docs, nil
	}
	return rest, nil
}

// written is what follows a batch of changes whose organizations are
// written (with their ids): their search documents, dated history and
// audit entries, appended to the pending slices.
func written(cs []*change, u *auth.User, now time.Time, docs []searchDoc, hs []histRow, as []audit.Entry) ([]searchDoc, []histRow, []audit.Entry) {
	for _, c := range cs {
		o := c.org
		if c.reword {
			docs = append(docs, searchDoc{o.ID, o.Name, o.DistrictCode, c.action == "org.create"})
		}
		for _, e := range c.events {
			at := e.At
			if at.IsZero() {
				at = now
			}
			hs = append(hs, histRow{orgID: o.ID, ev: e, at: at, enteredAt: now, userID: u.ID, username: u.Username})
		}
		as = append(as, audit.Entry{Action: c.action, ObjectType: "org", ObjectID: strconv.FormatInt(o.ID, 10),
			ScopeCode: o.CommunityCode, Detail: c.detail})
	}
	return docs, hs, as
}

// saveChanges stores what plans decided, for a single edit and for a batch
// alike: the organizations (new ones when create is set, their ids set),
// then their search documents, dated history and audit rows.
func (s *Service) saveChanges(ctx context.Context, tx *sql.Tx, u *auth.User, now time.Time, cs []*change, create bool) error {
	orgs := make([]*Org, len(cs))
	for i, c := range cs {
		orgs[i] = c.org
	}
	if create {
		refused, err := insertOrgs(ctx, tx, s.DB.Dialect, orgs)
		if err != nil {
			return err
		}
		if len(refused) > 0 {
			f, err := duplicateOf(ctx, tx, orgs[refused[0]])
			if err != nil {
				return err
			}
			return &errs.Error{Code: errs.Conflict, Message: f[slices.Collect(maps.Keys(f))[0]], Fields: f}
		}
	} else if _, err := updateOrgs(ctx, tx, orgs, now); err != nil {
		return s.conflict(err)
	}
	docs, hs, as := written(cs, u, now, nil, nil, nil)
	if err := indexDocs(ctx, tx, s.DB, docs); err != nil {
		return err
	}
	if err := writeHistory(ctx, tx, s.DB.Dialect, hs); err != nil {
		return err
	}
	return audit.RecordManyDialect(ctx, tx, s.DB.Dialect, now, u.Actor(), as)
}

// lastChanges reads each history field's latest effective time for an
// organization.
func lastChanges(ctx context.Context, q db.Querier, orgID int64) (map[string]time.Time, error) {
	rows, err := q.QueryContext(ctx, `SELECT field, at FROM org_history WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("org history: %w", err)
	}
	defer rows.Close()
	last := map[string]time.Time{}
	for rows.Next() {
		var field string
		var at time.Time
		if err := rows.Scan(&field, &at); err != nil {
			return nil, fmt.Errorf("org history: %w", err)
		}
		if at.After(last[field]) {
			last[field] = at.UTC()
		}
	}
	return last, rows.Err()
}
