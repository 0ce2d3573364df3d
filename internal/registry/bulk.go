package registry

import (
	"cmp"
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/orgroll"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/pii"
)

// Outcomes of an imported row.
const (
	Created   = "created"
	Updated   = "updated"
	Unchanged = "unchanged"
)

// ImportOptions tune an import.
type ImportOptions struct {
	// DryRun checks every row and writes nothing.
	DryRun bool
	// Source names what is imported (a file name), for the audit log.
	Source string
	// Fields, when set, lists the fields the file has (JSON names); an
	// existing organization keeps its value of every other field.
	Fields []string
	// LateReason is the reason of a row's late entry (补录) when the row
	// gives none: a census records facts after they took effect.
	LateReason string
}

// ImportResult counts what an import did (or, in a dry run or a rejected
// file, would have done).
type ImportResult struct {
	Rows      int  `json:"rows"`
	Created   int  `json:"created"`
	Updated   int  `json:"updated"`
	Unchanged int  `json:"unchanged"`
	Invalid   int  `json:"invalid"`
	Committed bool `json:"committed"`
}

//go:embed bulk_messages.json
var bulkMessagesJSON []byte

// BulkMessages are the texts of the import's own row errors.
var BulkMessages = i18n.MustLoad("registry/bulk_messages.json", bulkMessagesJSON)

// Import is an import in progress. Rows arrive in batches (AddRows); each
// is checked by the registry's own rules, against what the batch needs from
// the database read first in a few queries (organizations by credit code,
// the organizations of its communities, its divisions). While every row so
// far is valid the batch is also written, with multi-row statements, all in
// one transaction, which Finish commits only if no row failed. A file with
// any invalid row therefore changes nothing, and memory holds one batch of
// rows, the keys seen and the organizations of the communities touched.
type Import struct {
	s    *Service
	u    *auth.User
	opts ImportOptions
	now  time.Time
	tx   *sql.Tx
	q    db.Querier

	divs     map[string]*geo.Node // division lookups (nil: no such code)
	byComm   map[string][]*known  // organizations already in a community, by name
	byCredit map[string]*Org      // organizations by credit code (nil: none)
	full     map[int64]*Org       // the batch's organizations matched by name
	seen     map[string]int       // natural keys and near-duplicate keys → first row
	res      ImportResult
	failed   bool
	joined   bool           // im.tx is the caller's: it commits or rolls back
	locked   orgroll.Locked // the change counters im.tx holds
	end      func()         // releases the connection of im.tx once it ended
	// new organizations, search documents, history rows and audit entries
	// waiting to be written in batches; results of the batch being added
	pending []pendingCreate
	results []RowResult
	audits  []audit.Entry
	docs    []searchDoc
	hists   []histRow
	// rolls are the organizations whose dated rollup the import refreshes
	// once, before it commits: refreshed per history batch, each batch
	// moved every later day of the same keys again (quadratic in the file)
	rolls []int64
}

// pendingCreate is a valid new organization waiting for its batch insert.
type pendingCreate struct {
	idx int // in the batch's results
	c   *change
}

// auditBatch is how many audit entries an import writes at once; search
// documents and history rows wait for batches of docBatch and
// historyBatch.
const auditBatch = 500

// lookupBatch is how many keys one prefetch query looks up.
const lookupBatch = 500

// BeginImport starts an import for an officer.
func (s *Service) BeginImport(ctx context.Context, u *auth.User, opts ImportOptions) (*Import, error) {
	if !Imports(u) {
		return nil, errs.E(errs.Forbidden, "err.import_not_officer")
	}
	im := &Import{s: s, u: u, opts: opts, now: s.now(), q: s.DB.Read,
		divs: map[string]*geo.Node{}, byComm: map[string][]*known{}, byCredit: map[string]*Org{},
		full: map[int64]*Org{}, seen: map[string]int{}}
	if opts.DryRun {
		return im, nil
	}
	if tx := db.TxFrom(ctx); tx != nil {
		// the caller's transaction (db.InTx): the import writes in it and
		// the caller commits
		im.tx, im.q, im.joined = tx, tx, true
		if err := im.lockScope(ctx); err != nil {
			return nil, err
		}
		return im, nil
	}
	tx, end, err := s.DB.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	im.tx, im.q, im.end = tx, tx, end
	if err := im.lockScope(ctx); err != nil {
		im.Abort()
		return nil, err
	}
	return im, nil
}

// lockScope takes the change counters of every district in the uploader's
// scope, and of every district the timelines of the organizations in it
// reach, in code order, before the import's first write
// (orgroll.LockScope): its rows, in any district of the scope, come a batch
// at a time, and a late entry, and the rollup's refresh at the end
// (flushRollup), advance the counter of every district an organization's
// timeline was in. Other writers in the scope wait for the import, as
// every audited writer already did once its first batch of audit rows held
// the audit chain's head.
func (im *Import) lockScope(ctx context.Context) error {
	var err error
	if im.locked, err = orgroll.LockScope(ctx, im.tx, im.s.DB.Dialect, im.u.ScopeCode); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// Failed reports whether some row was invalid.
func (im *Import) Failed() bool { return im.failed }

// ImportRow is one row of an import: its row number in the file, what it
// sets, and problems the caller already found reading it (a date that does
// not parse, say), to which the registry's own checks are added.
type ImportRow struct {
	N   int
	In  Input
	Pre errs.Fields
}

// RowResult is what became of a row: its outcome, and its problems by
// field ("" for the row as a whole), none if it is valid.
type RowResult struct {
	Outcome string
	Fields  errs.Fields
}

// AddRows checks a batch of rows, in order, and, while the import is clean,
// writes them. It returns each row's result.
func (im *Import) AddRows(ctx context.Context, rows []ImportRow) ([]RowResult, error) {
	rows = append([]ImportRow(nil), rows...) // normalized here, the caller's left as they are
	for i := range rows {
		rows[i].In.normalize()
	}
	if err := im.prefetch(ctx, rows); err != nil {
		return nil, err
	}
	im.results = make([]RowResult, len(rows))
	defer func() { im.results = nil }()
	for i := range rows {
		outcome, f, err := im.add(ctx, i, rows[i].N, rows[i].In, rows[i].Pre)
		if err != nil {
			return nil, err
		}
		if len(f) == 0 {
			f = nil
		}
		im.results[i] = RowResult{Outcome: outcome, Fields: f}
	}
	if err := im.flushCreates(ctx); err != nil {
		return nil, err
	}
	return im.results, nil
}

// Add checks one row and, while the import is clean, writes it: AddRows
// for a single row.
func (im *Import) Add(ctx context.Context, row int, in Input, pre errs.Fields) (string, errs.Fields, error) {
	res, err := im.AddRows(ctx, []ImportRow{{N: row, In: in, Pre: pre}})
	if err != nil {
		return "", nil, err
	}
	return res[0].Outcome, res[0].Fields, nil
}

// add checks the row at index idx of the batch (already normalized) and
// queues or writes it.
func (im *Import) add(ctx context.Context, idx, row int, in Input, pre errs.Fields) (string, errs.Fields, error) {
	im.res.Rows++
	f := errs.Fields{}
	for k, v := range pre {
		f[k] = v
	}
	// A row for a community outside the uploader's scope gets only the scope
	// error (and the row's own format errors): no matching against, or
	// duplicate checks with, organizations the uploader may not see, so the
	// answer reveals nothing about them.
	if c := in.CommunityCode; len(c) == 12 && !im.u.InScope(c) {
		return im.refuse(&in, f, "community_code", "err.outside_scope")
	}
	old, err := im.match(ctx, &in, f)
	if err != nil {
		return "", nil, err
	}
	if old != nil && !visible(im.u, old) {
		// matched by a credit code that an organization out of scope holds
		return im.refuse(&in, f, "credit_code", "err.duplicate_credit")
	}
	if old != nil && im.opts.Fields != nil {
		keepAbsent(&in, old, im.opts.Fields)
	}
	if old != nil && NameKey(in.Name) == NameKey(old.Name) {
		in.Name = old.Name // spaces and width alone are no rename
	}
	if err := im.duplicates(ctx, row, &in, old, f); err != nil {
		return "", nil, err
	}
	if in.LateReason == "" {
		in.LateReason = im.opts.LateReason
	}
	// what the row changes is decided by the registry's own plans, as for
	// the form; an unchanged row has nothing to decide
	var c *change
	outcome := Unchanged
	if old == nil {
		outcome = Created
		lk, err := im.lookups(ctx, nil, &in)
		if err != nil {
			return "", nil, err
		}
		var fe errs.Fields
		c, fe, err = planCreate(im.u, in, im.now, lk)
		if err != nil {
			fe = rowRefusal(err)
		}
		merge(f, fe)
	} else if (in.Status != "" && in.Status != old.Status) || len(diff(old, &in)) > 0 {
		outcome = Updated
		lk, err := im.lookups(ctx, old, &in)
		if err != nil {
			return "", nil, err
		}
		var fe errs.Fields
		c, fe, err = planUpdate(im.u, old, in, im.now, lk)
		if err != nil {
			fe = rowRefusal(err)
		}
		merge(f, fe)
		if c == nil && len(f) == 0 {
			outcome = Unchanged
		}
	} else {
		merge(f, in.validate(im.now))
	}
	if len(f) > 0 {
		im.fail()
		return outcome, f, nil
	}
	if im.tx != nil && !im.failed && c != nil {
		var err error
		if outcome == Created {
			im.pending = append(im.pending, pendingCreate{idx: idx, c: c})
		} else if err = im.flushCreates(ctx); err == nil && !im.failed {
			// the batch's earlier new organizations first, so the writes
			// (and the audit rows) keep the file's order
			err = im.update(ctx, c)
		}
		if fe, ok := im.conflictFields(err); ok {
			im.fail()
			return outcome, fe, nil
		}
		if err != nil {
			return "", nil, err
		}
	}
	switch outcome {
	case Created:
		im.res.Created++
	case Updated:
		im.res.Updated++
	default:
		im.res.Unchanged++
	}
	return outcome, nil, nil
}

// rowRefusal is a plan's refusal of a whole change as a row's problem.
func rowRefusal(err error) errs.Fields {
	if errs.Is(err, errs.NotFound) {
		return errs.Fields{"community_code": errs.M("err.outside_scope")}
	}
	if e, ok := errs.As(err); ok && len(e.Fields) > 0 {
		return errs.Fields(e.Fields)
	}
	return errs.Fields{"": errs.M("err.forbidden")}
}

// merge adds problems to f, keeping f's first problem of each field.
func merge(f, more errs.Fields) {
	for k, v := range more {
		f.Add(k, v.Key, v.Args...)
	}
}

// lookups reads what a row's plan needs, from the batch's prefetched
// divisions; a hub's members are counted (rarely: a row that ends a
// designation) in the import's transaction.
func (im *Import) lookups(ctx context.Context, old *Org, in *Input) (lookups, error) {
	var lk lookups
	if old == nil || in.CommunityCode != old.CommunityCode {
		if len(in.CommunityCode) == 12 {
			n, err := im.division(ctx, in.CommunityCode)
			if err != nil {
				return lk, err
			}
			lk.community = n
		}
	}
	if old != nil {
		last, err := lastChanges(ctx, im.q, old.ID)
		if err != nil {
			return lk, err
		}
		lk.last = last
	}
	if old != nil && old.Hub && !in.Hub && im.s.HubMembers != nil {
		n, err := im.s.HubMembers(ctx, im.q, old.ID)
		if err != nil {
			return lk, err
		}
		lk.hubMembers = n
	}
	return lk, nil
}

// keepAbsent gives the fields a file lacks their stored values.
func keepAbsent(in *Input, old *Org, fields []string) {
	has := map[string]bool{}
	for _, f := range fields {
		has[f] = true
	}
	cur := InputOf(old)
	keep := func(field string, set func()) {
		if !has[field] {
			set()
		}
	}
	keep("name", func() { in.Name = cur.Name })
	keep("tier", func() { in.Tier = cur.Tier })
	keep("types", func() { in.Types = cur.Types })
	keep("target_groups", func() { in.TargetGroups = cur.TargetGroups })
	keep("community_code", func() { in.CommunityCode = cur.CommunityCode })
	keep("credit_code", func() { in.CreditCode = cur.CreditCode })
	keep("address", func() { in.Address = cur.Address })
	keep("founded_on", func() { in.FoundedOn = cur.FoundedOn })
	keep("members", func() { in.Members = cur.Members })
	keep("leader_name", func() { in.LeaderName = cur.LeaderName })
	keep("leader_phone", func() { in.LeaderPhone = cur.LeaderPhone })
	keep("party_org", func() { in.PartyOrg = cur.PartyOrg })
	keep("party_instructor", func() { in.PartyInstructor = cur.PartyInstructor })
	keep("hub", func() { in.Hub = cur.Hub })
	keep("brand", func() { in.Brand = cur.Brand })
	keep("demonstration_year", func() { in.DemonstrationYear = cur.DemonstrationYear })
	keep("volunteer_mark", func() { in.VolunteerMark = cur.VolunteerMark })
}

// known is an organization already registered, as far as matching by name
// needs it: the whole organization is read only for those a row matches
// (Import.full), so the communities of a large file cost little memory.
type known struct {
	id     int64
	name   string
	credit string
	key    string
	loose  string // "" until needed
}

// fail marks the import as failed: nothing more is written, and lookups
// leave the transaction (on PostgreSQL a failed statement ends it).
func (im *Import) fail() {
	im.failed = true
	im.res.Invalid++
	im.q = im.s.DB.Read
}

// match finds the organization a row stands for: by credit code when it has
// one, else by community and name.
func (im *Import) match(ctx context.Context, in *Input, f errs.Fields) (*Org, error) {
	if in.CreditCode != "" {
		o, err := im.credit(ctx, in.CreditCode)
		switch {
		case err != nil:
			return nil, err
		case o == nil:
		case !manages(im.u, o):
			f.Add("credit_code", "err.duplicate_credit")
			return nil, nil
		default:
			return o, nil
		}
	}
	if len(in.CommunityCode) != 12 {
		return nil, nil
	}
	orgs, err := im.community(ctx, in.CommunityCode)
	if err != nil {
		return nil, err
	}
	key := NameKey(in.Name)
	for _, k := range orgs {
		if k.key != key {
			continue
		}
		if k.credit != "" && in.CreditCode != "" {
			f.Add("name", "err.duplicate_name")
			return nil, nil
		}
		return im.org(ctx, k.id)
	}
	return nil, nil
}

// org returns a registered organization a row matched by name: read with
// the batch's others (prefetch), or else now.
func (im *Import) org(ctx context.Context, id int64) (*Org, error) {
	if o, ok := im.full[id]; ok {
		return o, nil
	}
	o, err := getOrg(ctx, im.q, id, "")
	if err != nil {
		return nil, fmt.Errorf("import: read organization: %w", err)
	}
	im.full[id] = o
	return o, nil
}

// knownColumns are what matching by name reads of every organization of a
// community.
const knownColumns = `o.id, o.community_code, o.name, COALESCE(o.credit_code, '')`

func scanKnown(sc interface{ Scan(...any) error }) (*known, string, error) {
	var k known
	var community string
	if err := sc.Scan(&k.id, &community, &k.name, &k.credit); err != nil {
		return nil, "", err
	}
	k.key = NameKey(k.name)
	return &k, community, nil
}

// credit returns the organization holding a credit code (nil if none),
// read once.
func (im *Import) credit(ctx context.Context, code string) (*Org, error) {
	if o, ok := im.byCredit[code]; ok {
		return o, nil
	}
	o, err := db.Maybe(ctx, im.q, "import: find credit code", scanOrg, `SELECT `+orgColumns+` FROM orgs o WHERE o.credit_code = $1`, code)
	if err != nil {
		return nil, err
	}
	im.byCredit[code] = o
	return o, nil
}

// prefetch reads, for a batch of rows, what their checks need and is not
// read yet: the organizations holding their credit codes, the
// organizations of their communities, and their divisions with the places
// above them. A handful of queries instead of several per row.
func (im *Import) prefetch(ctx context.Context, rows []ImportRow) error {
	var credits, comms []any
	var divs []string
	want := map[string]bool{}
	for i := range rows {
		in := &rows[i].In
		c := in.CommunityCode
		if len(c) == 12 && !im.u.InScope(c) {
			continue // refused before any lookup
		}
		if cc := in.CreditCode; cc != "" && !want["c|"+cc] {
			if _, ok := im.byCredit[cc]; !ok {
				credits = append(credits, cc)
			}
			want["c|"+cc] = true
		}
		if len(c) == 12 && !want["o|"+c] {
			if _, ok := im.byComm[c]; !ok {
				comms = append(comms, c)
			}
			want["o|"+c] = true
		}
		for d := c; d != ""; d = geo.ParentOf(d) {
			if !want["d|"+d] {
				want["d|"+d] = true
				if _, ok := im.divs[d]; !ok {
					divs = append(divs, d)
				}
			}
			if len(c) != 12 {
				break // a code that is no community: only itself is looked up
			}
		}
	}
	if len(credits) > 0 {
		for _, cc := range credits {
			im.byCredit[cc.(string)] = nil
		}
		if err := im.lookup(ctx, orgColumns, "o.credit_code", credits, func(rows *sql.Rows) error {
			o, err := scanOrg(rows)
			if err == nil {
				im.byCredit[o.CreditCode] = o
			}
			return err
		}); err != nil {
			return err
		}
	}
	if len(comms) > 0 {
		for _, c := range comms {
			im.byComm[c.(string)] = []*known{}
		}
		err := im.lookup(ctx, knownColumns, "o.community_code", comms, func(rows *sql.Rows) error {
			k, c, err := scanKnown(rows)
			if err == nil {
				im.byComm[c] = append(im.byComm[c], k)
			}
			return err
		})
		if err != nil {
			return err
		}
		for _, c := range comms {
			slices.SortFunc(im.byComm[c.(string)], func(a, b *known) int { return cmp.Compare(a.id, b.id) })
		}
	}
	// the organizations rows will match by name, read whole
	clear(im.full)
	var ids []any
	for i := range rows {
		in := &rows[i].In
		c := in.CommunityCode
		if len(c) != 12 || !im.u.InScope(c) {
			continue
		}
		if o := im.byCredit[in.CreditCode]; in.CreditCode != "" && o != nil {
			continue // matched by credit code
		}
		key := NameKey(in.Name)
		for _, k := range im.byComm[c] {
			if k.key == key {
				ids = append(ids, k.id)
				break
			}
		}
	}
	if len(ids) > 0 {
		if err := im.lookup(ctx, orgColumns, "o.id", ids, func(rows *sql.Rows) error {
			o, err := scanOrg(rows)
			if err == nil {
				im.full[o.ID] = o
			}
			return err
		}); err != nil {
			return err
		}
	}
	if len(divs) > 0 {
		nodes, err := im.s.Geo.GetMany(ctx, divs)
		if err != nil {
			return err
		}
		for _, d := range divs {
			im.divs[d] = nodes[d] // nil: no such division
		}
	}
	return nil
}

// lookup reads cols of the organizations whose column col holds one of
// vals, in no particular order (sorting them all in the query costs more
// than sorting each community's in Go), calling scan for each row.
func (im *Import) lookup(ctx context.Context, cols, col string, vals []any, scan func(*sql.Rows) error) error {
	for start := 0; start < len(vals); start += lookupBatch {
		chunk := vals[start:min(len(vals), start+lookupBatch)]
		rows, err := im.q.QueryContext(ctx, `SELECT `+cols+` FROM orgs o WHERE `+col+` IN `+db.Params(im.s.DB.Dialect, len(chunk)), chunk...)
		if err != nil {
			return fmt.Errorf("import: read organizations: %w", err)
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return fmt.Errorf("import: read organizations: %w", err)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("import: read organizations: %w", err)
		}
	}
	return nil
}

// community returns the organizations of a community, read once.
func (im *Import) community(ctx context.Context, code string) ([]*known, error) {
	if orgs, ok := im.byComm[code]; ok {
		return orgs, nil
	}
	orgs, err := db.ListPtrs(ctx, im.q, "import: read community", func(sc interface{ Scan(...any) error }) (*known, error) {
		k, _, err := scanKnown(sc)
		return k, err
	}, `SELECT `+knownColumns+` FROM orgs o WHERE o.community_code = $1 ORDER BY o.id`, code)
	if err != nil {
		return nil, err
	}
	im.byComm[code] = orgs
	return orgs, nil
}

// division looks a code up once.
func (im *Import) division(ctx context.Context, code string) (*geo.Node, error) {
	if n, ok := im.divs[code]; ok {
		return n, nil
	}
	n, err := im.s.Geo.Get(ctx, code)
	if errs.Is(err, errs.NotFound) {
		n, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	im.divs[code] = n
	return n, nil
}

// refuse fails a row with one error beside its format errors.
func (im *Import) refuse(in *Input, f errs.Fields, field, key string) (string, errs.Fields, error) {
	f.Add(field, key)
	for k, v := range in.validate(im.now) {
		f.Add(k, v.Key, v.Args...)
	}
	im.fail()
	return Created, f, nil
}

// looseKey is a name without spaces, width or case differences and without
// the names of the places above its community in front.
func (im *Import) looseKey(ctx context.Context, community, name string) (string, error) {
	key := NameKey(name)
	var prefixes []string
	for c := geo.ParentOf(community); c != ""; c = geo.ParentOf(c) {
		n, err := im.division(ctx, c)
		if err != nil {
			return "", err
		}
		if n != nil {
			prefixes = append(prefixes, NameKey(n.Name))
		}
	}
	for trimmed := true; trimmed; {
		trimmed = false
		for _, p := range prefixes {
			if p != "" && strings.HasPrefix(key, p) && len(key) > len(p) {
				key, trimmed = key[len(p):], true
			}
		}
	}
	return key, nil
}

// duplicates reports rows that repeat an earlier row's natural key and, for
// a row that would add or rename an organization, names that differ from
// another row's or a registered organization's in the same community only by
// a place prefix, spaces or width. Near-duplicates are reported, never merged.
func (im *Import) duplicates(ctx context.Context, row int, in *Input, old *Org, f errs.Fields) error {
	first := func(key string) (int, bool) {
		r, ok := im.seen[key]
		if !ok {
			im.seen[key] = row
		}
		return r, ok
	}
	if in.CreditCode != "" {
		if r, ok := first("c|" + in.CreditCode); ok {
			f.Add("credit_code", "err.duplicate_row", r)
		}
	}
	if len(in.CommunityCode) != 12 || in.Name == "" {
		return nil
	}
	key := NameKey(in.Name)
	if r, ok := first("n|" + in.CommunityCode + "|" + key); ok {
		f.Add("name", "err.duplicate_row", r)
		return nil
	}
	if old != nil && NameKey(old.Name) == key {
		return nil // the name stays as registered
	}
	loose, err := im.looseKey(ctx, in.CommunityCode, in.Name)
	if err != nil {
		return err
	}
	if r, ok := first("l|" + in.CommunityCode + "|" + loose); ok {
		f.Add("name", "err.near_duplicate_row", r)
		return nil
	}
	orgs, err := im.community(ctx, in.CommunityCode)
	if err != nil {
		return err
	}
	for _, k := range orgs {
		if (old != nil && k.id == old.ID) || k.key == key {
			continue
		}
		if k.loose == "" {
			if k.loose, err = im.looseKey(ctx, in.CommunityCode, k.name); err != nil {
				return err
			}
		}
		if k.loose == loose {
			f.Add("name", "err.near_duplicate", k.name, k.id)
			break
		}
	}
	return nil
}

// flushCreates writes the new organizations waiting, as Create does (row,
// search document, dated history, audit), with the same batch writers. A
// row the database refuses as a duplicate (another writer got there first)
// fails the import with that row's problem, as a single insert would.
func (im *Import) flushCreates(ctx context.Context) error {
	pending := im.pending
	im.pending = im.pending[:0]
	if im.tx == nil || im.failed || len(pending) == 0 {
		return nil
	}
	orgs := make([]*Org, len(pending))
	cs := make([]*change, len(pending))
	for i, pc := range pending {
		orgs[i], cs[i] = pc.c.org, pc.c
	}
	refused, err := insertOrgs(ctx, im.tx, im.s.DB.Dialect, orgs)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if len(refused) > 0 {
		// the rows before the first refused are written: what follows them
		// is queued (and rolled back with the import)
		cs = cs[:refused[0]]
	}
	if err := im.written(ctx, cs); err != nil {
		return err
	}
	if len(refused) > 0 {
		return im.refused(ctx, pending[refused[0]])
	}
	return nil
}

// refused fails the import at a new organization the database refused as
// a duplicate, with the problem a single insert would have reported.
func (im *Import) refused(ctx context.Context, pc pendingCreate) error {
	f, err := duplicateOf(ctx, im.tx, pc.c.org)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	im.res.Created--
	im.fail()
	if im.results != nil {
		im.results[pc.idx] = RowResult{Outcome: Created, Fields: f}
	}
	return nil
}

// written queues what follows written organizations (search documents,
// dated history, audit entries) and writes what fills a batch.
func (im *Import) written(ctx context.Context, cs []*change) error {
	im.docs, im.hists, im.audits = written(cs, im.u, im.now, im.docs, im.hists, im.audits)
	if len(im.docs) >= docBatch {
		if err := im.flushDocs(ctx); err != nil {
			return err
		}
	}
	if len(im.hists) >= historyBatch {
		if err := im.flushHistory(ctx); err != nil {
			return err
		}
	}
	if len(im.audits) >= auditBatch {
		return im.flushAudit(ctx)
	}
	return nil
}

func (im *Import) flushDocs(ctx context.Context) error {
	err := indexDocs(ctx, im.tx, im.s.DB, im.docs)
	im.docs = im.docs[:0]
	return err
}

func (im *Import) flushHistory(ctx context.Context) error {
	err := insertHistory(ctx, im.tx, im.s.DB.Dialect, im.hists)
	im.rolls = rollIDs(im.rolls, im.hists)
	im.hists = im.hists[:0]
	return err
}

// flushRollup refreshes the dated rollup of every organization the import
// wrote history for, in one pass (what writeHistory does per call). Its
// keys and the counters it advances lie in the districts of those
// organizations' timelines: organizations of the scope, whose districts
// lockScope holds, or new ones, in the scope.
func (im *Import) flushRollup(ctx context.Context) error {
	err := orgroll.Refresh(ctx, im.tx, im.s.DB.Dialect, im.rolls)
	im.rolls = im.rolls[:0]
	return err
}

func (im *Import) flushAudit(ctx context.Context) error {
	err := audit.RecordManyDialect(ctx, im.tx, im.s.DB.Dialect, im.now, im.u.Actor(), im.audits)
	im.audits = im.audits[:0]
	return err
}

// update writes a changed organization as Update does.
func (im *Import) update(ctx context.Context, c *change) error {
	if _, err := updateOrgs(ctx, im.tx, []*Org{c.org}, im.now); err != nil {
		return im.s.conflict(err)
	}
	return im.written(ctx, []*change{c})
}

// conflictFields turns a duplicate the database caught into row problems.
func (im *Import) conflictFields(err error) (errs.Fields, bool) {
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Conflict {
		return nil, false
	}
	return errs.Fields(e.Fields), true
}

// Finish commits a clean import, with an audit row for the import as a
// whole; it rolls back a dry run or an import with an invalid row. In a
// transaction the caller began (db.InTx) it commits nothing: Committed
// then says the import is written in that transaction, and a result that
// is not committed means the caller must roll back what the import wrote
// before its first invalid row.
func (im *Import) Finish(ctx context.Context) (ImportResult, error) {
	if im.tx == nil {
		return im.res, nil
	}
	if im.failed {
		im.Abort()
		return im.res, nil
	}
	if err := im.flushCreates(ctx); err != nil {
		im.Abort()
		return im.res, err
	}
	if im.failed {
		im.Abort()
		return im.res, nil
	}
	im.res.Committed = true
	if err := errors.Join(im.flushDocs(ctx), im.flushHistory(ctx)); err != nil {
		im.Abort()
		return im.res, err
	}
	if err := im.flushRollup(ctx); err != nil {
		im.Abort()
		return im.res, err
	}
	if err := im.flushAudit(ctx); err != nil {
		im.Abort()
		return im.res, err
	}
	if err := audit.Record(ctx, im.tx, im.now, im.u.Actor(), audit.Entry{Action: "org.import", ObjectType: "import",
		ObjectID: im.opts.Source, ScopeCode: im.u.ScopeCode, Detail: im.res}); err != nil {
		im.Abort()
		return im.res, err
	}
	if im.joined {
		im.tx = nil
		return im.res, nil
	}
	err := im.tx.Commit()
	im.end()
	if err != nil {
		im.tx = nil
		im.res.Committed = false
		return im.res, fmt.Errorf("import: commit: %w", err)
	}
	im.tx = nil
	// A bounded step of merging the full-text index's segments after many
	// documents at once; the import has committed, so a failure here only
	// leaves the index less tidy, and the next step catches up.
	if im.res.Created+im.res.Updated > 0 {
		_ = im.s.MergeSearchIndex(ctx, false)
	}
	return im.res, nil
}

// Abort abandons the import; safe to call more than once.
func (im *Import) Abort() {
	if im.tx != nil && !im.joined {
		im.tx.Rollback()
		im.end()
	}
	im.tx = nil
	im.res.Committed = false
}

// exportColumns are the columns EachExport reads: what a spreadsheet holds,
// what masking needs, and the community's name.
var exportColumns = `o.id, o.name, o.tier, o.types_mask, o.groups_mask, o.community_code,
	COALESCE(o.credit_code, ''), o.address, o.founded_on, o.members, o.leader_name, o.leader_phone, o.party_org,
	o.party_instructor, o.hub, o.brand, COALESCE(o.demonstration_year, 0), o.volunteer_mark, o.status,
	COALESCE(o.created_by, 0), COALESCE((SELECT d.name FROM divisions d WHERE d.code = o.community_code), ''),
	` + sinceColumn("hub", "o.hub = 1") + `, ` + sinceColumn("brand", "o.brand = 1") + `,
	` + sinceColumn("demonstration_year", "o.demonstration_year IS NOT NULL") + `, ` + sinceColumn("volunteer_mark", "o.volunteer_mark = 1")

// sinceColumn is the effective time of a flag's latest change, read only
// when the flag is set.
func sinceColumn(field, set string) string {
	return `CASE WHEN ` + set + ` THEN (SELECT MAX(h.at) FROM org_history h WHERE h.org_id = o.id AND h.field = '` + field + `') END`
}

// sinceFields are the flags whose dates the export reads, in sinceColumn order.
var sinceFields = []string{"hub", "brand", "demonstration_year", "volunteer_mark"}

// dateOfStored is the day in China of a time an aggregate returned: a
// time (PostgreSQL) or the text SQLite stores.
func dateOfStored(s string) string {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return clock.Day(t)
		}
	}
	return ""
}

// EachExport calls fn for every organization of the list the viewer would
// get with the filter, in the filter's order, without paging: for
// spreadsheet exports. Phones are masked as in the list. It reads only the
// exported fields (Org's timestamps, version and return reason stay zero),
// gives the community's name beside each organization, and reuses one Org
// for every call (fn may keep a copy of it): its Types and TargetGroups
// slices are shared between rows and must not be changed.
func (s *Service) EachExport(ctx context.Context, u *auth.User, f Filter, fn func(o *Org, community string) error) error {
	rows, err := s.eachQuery(ctx, u, f, exportColumns)
	if err != nil {
		return err
	}
	defer rows.Close()
	var o Org
	var types, groups int64
	var hub, brand, vm int
	var community string
	var since [4]sql.NullString
	typeSets, groupSets := map[int64][]string{}, map[int64][]string{}
	set := func(cache map[int64][]string, all []string, m int64) []string {
		v, ok := cache[m]
		if !ok {
			v = db.Unmask(all, m)
			cache[m] = v
		}
		return v
	}
	for rows.Next() {
		o = Org{}
		if err := rows.Scan(&o.ID, &o.Name, &o.Tier, &types, &groups, &o.CommunityCode, &o.CreditCode, &o.Address,
			&o.FoundedOn, &o.Members, &o.LeaderName, &o.LeaderPhone, &o.PartyOrg, &o.PartyInstructor, &hub, &brand,
			&o.DemonstrationYear, &vm, &o.Status, &o.CreatedBy, &community, &since[0], &since[1], &since[2], &since[3]); err != nil {
			return fmt.Errorf("export orgs: %w", err)
		}
		o.LeaderPhone = pii.Open(o.LeaderPhone)
		for i, field := range sinceFields {
			if since[i].Valid {
				if o.Since == nil {
					o.Since = map[string]string{}
				}
				o.Since[field] = dateOfStored(since[i].String)
			}
		}
		o.Types, o.TargetGroups = set(typeSets, Types, types), set(groupSets, TargetGroups, groups)
		o.Hub, o.Brand, o.VolunteerMark = hub != 0, brand != 0, vm != 0
		o.Demonstration = o.DemonstrationYear != 0
		if len(o.CommunityCode) >= 9 {
			o.StreetCode, o.DistrictCode = o.CommunityCode[:9], o.CommunityCode[:6]
		}
		maskFor(u, &o)
		if err := fn(&o, community); err != nil {
			return err
		}
	}
	return rows.Err()
}

// eachQuery is the query of the list the viewer would get with the filter,
// in its order, without paging, selecting cols.
func (s *Service) eachQuery(ctx context.Context, u *auth.User, f Filter, cols string) (*sql.Rows, error) {
	order, err := sortOrder(f.Sort)
	if err != nil {
		return nil, err
	}
	if f.Sort == "" {
		order = "o.id"
	}
	if strings.TrimSpace(f.Q) != "" {
		if err := s.searchScope(ctx, u, &f); err != nil {
			return nil, err
		}
	}
	w, args := where(s.DB.Dialect, u, &f)
	if q := strings.TrimSpace(f.Q); q != "" && (f.Sort == "" || f.Sort == "relevance") {
		order, args = searchOrder(q, args)
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT `+cols+` FROM orgs o WHERE `+w+` ORDER BY `+order, args...)
	if err != nil {
		return nil, fmt.Errorf("export orgs: %w", err)
	}
	return rows, nil
}

// FilterFromQuery reads list filters from a query string as the list page
// and API do, for other capabilities that serve the same list (exports).
func FilterFromQuery(q url.Values) (Filter, errs.Fields) { return filterFromQuery(q) }
