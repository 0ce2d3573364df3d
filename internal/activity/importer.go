package activity

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"linli/internal/geo"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/sheet"
	"linli/internal/registry"
)

// The activities' spreadsheet import (issue 13): the template's columns
// name organizations, themes, kinds, fields and groups in words; every row
// goes through the form's rules (CreateMany → planActivity, AddHours →
// planHours) inside one transaction; a single problem anywhere and nothing
// is written, and the report names each problem by row and column, the
// first MaxReportErrors of them with the count of all (as the census).

// importCol is one column of the template.
type importCol struct {
	Key      string // message key of the header
	Field    string // the Input field whose errors it carries
	Required bool
}

var importCols = []importCol{
	{"imp.col.orgs", "org_ids", true},
	{"imp.col.title", "title", true},
	{"imp.col.theme", "theme", true},
	{"imp.col.kind", "kind", true},
	{"imp.col.fields", "fields", false},
	{"imp.col.day", "starts_at", true},
	{"imp.col.start", "starts_at", true},
	{"imp.col.end", "ends_at", true},
	{"imp.col.end_day", "ends_at", false},
	{"imp.col.community", "community_code", false},
	{"imp.col.address", "address", false},
	{"imp.col.groups", "target_groups", false},
	{"imp.col.participants", "participants", false},
	{"imp.col.beneficiaries", "beneficiaries", true},
	{"imp.col.by_group", "beneficiaries", false},
	{"imp.col.fund_raising", "fund_raising", false},
	{"imp.col.minors", "minors", false},
	{"imp.col.overnight", "overnight", false},
	{"imp.col.volunteers", "volunteers", false},
	{"imp.col.write_up", "write_up", false},
}

const (
	cOrgs = iota
	cTitle
	cTheme
	cKind
	cFields
	cDay
	cStart
	cEnd
	cEndDay
	cCommunity
	cAddress
	cGroups
	cParticipants
	cBenef
	cByGroup
	cFund
	cMinors
	cOvernight
	cVolunteers
	cWriteUp
)

// ImportLimits bound an activity file: a street's year of activities fits
// in one (about 20 per organization), more is split.
var ImportLimits = func() sheet.Limits {
	l := sheet.DefaultLimits
	l.Rows = 20_000 + 1
	l.Columns = 60
	l.CellBytes = 8 << 10
	l.Unzipped = 128 << 20
	l.SharedStrings = 32 << 20
	return l
}()

// MaxImportBytes is the largest file accepted.
const MaxImportBytes = 16 << 20

// MaxReportErrors is how many problems a report lists; the rest are counted.
const MaxReportErrors = 1000

// RowError is one problem of a file: its row, the column's header, what.
type RowError struct {
	Row     int      `json:"row"`
	Column  string   `json:"column"`
	Msg     errs.Msg `json:"-"`
	Message string   `json:"message"`
}

// ImportReport is the answer to an import.
type ImportReport struct {
	Rows       int        `json:"rows"`
	Created    int        `json:"created"`
	Hours      int        `json:"hour_entries"`
	Committed  bool       `json:"committed"`
	DryRun     bool       `json:"dry_run"`
	Errors     []RowError `json:"errors"`
	ErrorCount int        `json:"error_count"`
	IDs        []int64    `json:"ids,omitempty"`
}

func (r *ImportReport) add(es ...RowError) {
	r.ErrorCount += len(es)
	if room := MaxReportErrors - len(r.Errors); room > 0 {
		r.Errors = append(r.Errors, es[:min(room, len(es))]...)
	}
}

// words maps what a cell may say (key, Chinese or English label) to a key.
type words map[string]string

func wordsOf(cat *i18n.Catalog, prefix string, keys []string) words {
	w := words{}
	for _, k := range keys {
		w[strings.ToLower(k)] = k
		for _, lang := range i18n.Langs {
			w[strings.ToLower(msgT(cat, lang, prefix+k))] = k
		}
	}
	return w
}

func (w words) get(s string) (string, bool) {
	k, ok := w[strings.ToLower(strings.TrimSpace(s))]
	return k, ok
}

// splitCell splits a list cell on 、 , ， ; ； and new lines.
func splitCell(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == '\n'
	}) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// namedNumber reads "老年人:10", "老年人：10" or "老年人 10".
func namedNumber(s string) (string, float64, bool) {
	s = strings.TrimSpace(s)
	i := strings.LastIndexAny(s, ":： =")
	if i < 0 {
		j := strings.IndexAny(s, "0123456789")
		if j <= 0 {
			return "", 0, false
		}
		name, num := strings.TrimSpace(s[:j]), s[j:]
		n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		return name, n, err == nil && name != ""
	}
	name := strings.TrimSpace(s[:i])
	_, size := firstRune(s[i:])
	n, err := strconv.ParseFloat(strings.TrimSpace(s[i+size:]), 64)
	return name, n, err == nil && name != ""
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// cellDay reads a date cell: text (2023-05-01, 2023/5/1, 2023年5月1日) or an
// Excel date serial.
func cellDay(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 20000 && f < 80000 {
		t, err := excelize.ExcelDateToTime(f, false)
		return t.Format(time.DateOnly), err == nil
	}
	s = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(s)
	t, err := time.Parse("2006-1-2", s)
	return t.Format(time.DateOnly), err == nil
}

// cellClock reads a time cell: 09:00, 9:30, 9点 or an Excel day fraction.
func cellClock(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1 {
		m := int(math.Round(f * 24 * 60))
		return twoDigits(m/60) + ":" + twoDigits(m%60), m < 24*60
	}
	s = strings.NewReplacer("：", ":", "点半", ":30", "点", ":00").Replace(s)
	for _, l := range []string{"15:04", "15:04:05"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("15:04"), true
		}
	}
	return "", false
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func yesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "否", "no", "n", "0", "false":
		return false, true
	case "是", "yes", "y", "1", "true":
		return true, true
	}
	return false, false
}

// importRow is one data row read into an Input, its problems so far and
// the volunteers it names.
type importRow struct {
	n          int
	orgNames   []string
	community  string
	in         Input
	volunteers []namedHours
	problems   map[int]errs.Msg
}

type namedHours struct {
	name  string
	hours float64
}

// importer reads rows with a catalog's words.
type importer struct {
	themes, kinds, fields, groups words
	cols                          map[string]int // header text → column
	cat                           *i18n.Catalog
}

func newImporter(cat *i18n.Catalog) *importer {
	var all []string
	for _, t := range Themes {
		all = append(all, ThemeFields[t]...)
	}
	im := &importer{themes: wordsOf(cat, "theme.", Themes), kinds: wordsOf(cat, "kind.", Kinds),
		fields: wordsOf(cat, "afield.", all), groups: wordsOf(cat, "group.", registry.TargetGroups),
		cols: map[string]int{}, cat: cat}
	for i, c := range importCols {
		for _, lang := range i18n.Langs {
			im.cols[headerKey(msgT(cat, lang, c.Key))] = i
		}
	}
	return im
}

// headerKey ignores spaces, a trailing mark of required (*) and notes in
// brackets: “组织名称*（联合举办用、分隔）” reads as “组织名称”.
func headerKey(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "（("); i > 0 {
		s = s[:i]
	}
	s = strings.TrimRight(strings.TrimSpace(s), "*＊")
	return strings.ToLower(strings.ReplaceAll(s, " ", ""))
}

func (im *importer) read(n int, cells []string, colOf []int) *importRow {
	row := &importRow{n: n, problems: map[int]errs.Msg{}}
	get := func(c int) string {
		if j := colOf[c]; j >= 0 && j < len(cells) {
			return strings.TrimSpace(strings.TrimPrefix(cells[j], "'"))
		}
		return ""
	}
	bad := func(c int, key string, args ...any) {
		if _, ok := row.problems[c]; !ok {
			row.problems[c] = errs.M(key, args...)
		}
	}
	in := &row.in
	row.orgNames = splitCell(get(cOrgs))
	in.Title, in.Address, in.WriteUp = get(cTitle), get(cAddress), get(cWriteUp)
	row.community = get(cCommunity)
	if s := get(cTheme); s != "" {
		if in.Theme, _ = im.themes.get(s); in.Theme == "" {
			bad(cTheme, "imp.err.unknown", s)
		}
	}
	if s := get(cKind); s != "" {
		if in.Kind, _ = im.kinds.get(s); in.Kind == "" {
			bad(cKind, "imp.err.unknown", s)
		}
	}
	for _, s := range splitCell(get(cFields)) {
		k, ok := im.fields.get(s)
		if !ok {
			bad(cFields, "imp.err.unknown", s)
			continue
		}
		in.Fields = append(in.Fields, k)
	}
	for _, s := range splitCell(get(cGroups)) {
		k, ok := im.groups.get(s)
		if !ok {
			bad(cGroups, "imp.err.unknown", s)
			continue
		}
		in.TargetGroups = append(in.TargetGroups, k)
	}
	day, okDay := cellDay(get(cDay))
	if !okDay {
		bad(cDay, "imp.err.day")
	}
	endDay := day
	if s := get(cEndDay); s != "" {
		var ok bool
		if endDay, ok = cellDay(s); !ok {
			bad(cEndDay, "imp.err.day")
		}
	}
	start, okS := cellClock(get(cStart))
	if !okS {
		bad(cStart, "imp.err.clock")
	}
	end, okE := cellClock(get(cEnd))
	if !okE {
		bad(cEnd, "imp.err.clock")
	}
	if okDay && okS {
		in.StartsAt = day + "T" + start + ":00+08:00"
	}
	if okDay && okE {
		in.EndsAt = endDay + "T" + end + ":00+08:00"
	}
	count := func(c int) int {
		s := get(c)
		if s == "" {
			return 0
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f != math.Trunc(f) || f < 0 {
			bad(c, "imp.err.number")
			return 0
		}
		return int(f)
	}
	in.Participants = count(cParticipants)
	in.Beneficiaries.Total = count(cBenef)
	if get(cBenef) == "" {
		bad(cBenef, "err.required")
	}
	sum := 0
	for _, s := range splitCell(get(cByGroup)) {
		name, v, ok := namedNumber(s)
		g, known := im.groups.get(name)
		switch {
		case !ok || v != math.Trunc(v) || v < 0:
			bad(cByGroup, "imp.err.by_group", s)
			continue
		case !known:
			bad(cByGroup, "imp.err.unknown", name)
			continue
		}
		if in.Beneficiaries.ByGroup == nil {
			in.Beneficiaries.ByGroup = map[string]int{}
		}
		in.Beneficiaries.ByGroup[g] += int(v)
		sum += int(v)
	}
	// those under no group are the rest (a sum over the total is the
	// rules' own error, beneficiaries_sum)
	in.Beneficiaries.Other = max(in.Beneficiaries.Total-sum, 0)
	for c, p := range map[int]*bool{cFund: &in.FundRaising, cMinors: &in.Minors, cOvernight: &in.Overnight} {
		v, ok := yesNo(get(c))
		if !ok {
			bad(c, "imp.err.yes_no", get(c))
		}
		*p = v
	}
	for _, s := range splitCell(get(cVolunteers)) {
		name, h, ok := namedNumber(s)
		if !ok {
			bad(cVolunteers, "imp.err.volunteer_hours", s)
			continue
		}
		row.volunteers = append(row.volunteers, namedHours{name, h})
	}
	return row
}

// Import reads an .xlsx of activities and records them all, or none.
func (s *Service) Import(ctx context.Context, u *auth.User, data []byte, cat *i18n.Catalog, dryRun bool) (*ImportReport, error) {
	if !recordsAny(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	rep := &ImportReport{Errors: []RowError{}, DryRun: dryRun}
	rows, err := sheet.OpenXLSX(data, ImportLimits)
	if err != nil {
		return s.sheetError(rep, 1, err)
	}
	defer rows.Close()
	im := newImporter(cat)
	header := func(c int) string { return msgT(cat, i18n.ZH, importCols[c].Key) }
	// the header: the row, among the first few, with the most known columns
	var colOf []int
	var heads []string
	hdrRow := 0
	for colOf == nil {
		n, cells, err := rows.Next()
		if errors.Is(err, io.EOF) || n > 12 {
			rep.add(RowError{Row: 1, Msg: errs.M("imp.err.no_header")})
			return rep, nil
		}
		if err != nil {
			return s.sheetError(rep, n, err)
		}
		found := make([]int, len(importCols))
		for i := range found {
			found[i] = -1
		}
		hits := 0
		for j, c := range cells {
			if i, ok := im.cols[headerKey(c)]; ok && found[i] < 0 {
				found[i], hits = j, hits+1
			}
		}
		if hits >= 3 {
			colOf, heads, hdrRow = found, cells, n
		}
	}
	colName := func(c int) string {
		if j := colOf[c]; j >= 0 && j < len(heads) {
			return strings.TrimSpace(heads[j])
		}
		return header(c)
	}
	for i, c := range importCols {
		if c.Required && colOf[i] < 0 {
			rep.add(RowError{Row: hdrRow, Column: header(i), Msg: errs.M("imp.err.missing_column")})
		}
	}
	if rep.ErrorCount > 0 {
		return rep, nil
	}
	var parsed []*importRow
	for {
		n, cells, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s.sheetError(rep, n, err)
		}
		if blankRow(cells) {
			continue
		}
		parsed = append(parsed, im.read(n, cells, colOf))
	}
	rep.Rows = len(parsed)
	if rep.Rows == 0 {
		rep.add(RowError{Row: hdrRow + 1, Msg: errs.M("imp.err.empty")})
		return rep, nil
	}
	errDone := errors.New("rolled back")
	// every row planned by the form's rules (each organization, community
	// and rule read once for the file), the valid ones written with the
	// batch writers, then their volunteers' hours in the file's order; the
	// problems reported by row
	err = s.DB.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		names, err := s.orgsByName(db.WithTx(ctx, tx), u, parsed)
		if err != nil {
			return err
		}
		rc := newRecording()
		comms := map[string]string{}
		var planned []*Activity
		var plannedRows []*importRow
		for _, row := range parsed {
			problems := row.problems
			for _, name := range row.orgNames {
				switch ids := names[name]; len(ids) {
				case 0:
					problems[cOrgs] = errs.M("imp.err.org_unknown", name)
				case 1:
					row.in.OrgIDs = append(row.in.OrgIDs, ids[0])
				default:
					problems[cOrgs] = errs.M("imp.err.org_ambiguous", name, len(ids))
				}
			}
			if len(row.orgNames) == 0 {
				problems[cOrgs] = errs.M("err.required")
			}
			if len(problems) > 0 {
				continue
			}
			host, err := s.refs(ctx, rc, row.in.OrgIDs[:1])
			if err != nil {
				return err
			}
			if host[0] == nil {
				problems[cOrgs] = errs.M("imp.err.org_unknown", row.orgNames[0])
				continue
			}
			row.in.CommunityCode = host[0].CommunityCode
			if row.community != "" {
				code, err := s.communityOf(db.WithTx(ctx, tx), comms, host[0].DistrictCode, row.community)
				if err != nil {
					return err
				}
				if code == "" {
					problems[cCommunity] = errs.M("imp.err.community", row.community)
					continue
				}
				row.in.CommunityCode = code
			}
			a, err := s.plan(ctx, tx, u, rc, row.in)
			if err != nil {
				e, ok := errs.As(err)
				if !ok {
					return err
				}
				if len(e.Fields) == 0 {
					// the organization is outside the uploader's reach
					problems[cOrgs] = errs.M("imp.err.org_scope", row.orgNames[0])
				}
				for f, m := range e.Fields {
					problems[colOfField(f)] = m
				}
				continue
			}
			planned = append(planned, a)
			plannedRows = append(plannedRows, row)
		}
		if err := s.store(ctx, tx, u, planned); err != nil {
			return err
		}
		vols := map[string][]int64{}
		for i, a := range planned {
			row := plannedRows[i]
			rep.Created++
			rep.IDs = append(rep.IDs, a.ID)
			for _, v := range row.volunteers {
				key := a.DistrictCode + "|" + v.name
				ids, ok := vols[key]
				if !ok {
					if ids, err = volunteersByName(ctx, tx, a.DistrictCode, v.name); err != nil {
						return err
					}
					vols[key] = ids
				}
				if len(ids) != 1 {
					row.problems[cVolunteers] = errs.M("imp.err.volunteer_unknown", v.name, len(ids))
					break
				}
				if _, err := s.AddHours(ctx, u, a.ID, HoursInput{VolunteerID: ids[0], Hours: v.hours}); err != nil {
					e, ok := errs.As(err)
					if !ok {
						return err
					}
					msg := e.Message
					for _, m := range e.Fields {
						msg = m
					}
					row.problems[cVolunteers] = errs.M("imp.err.volunteer", v.name, msg)
					break
				}
				rep.Hours++
			}
		}
		for _, row := range parsed {
			cols := make([]int, 0, len(row.problems))
			for c := range row.problems {
				cols = append(cols, c)
			}
			sort.Ints(cols)
			for _, c := range cols {
				rep.add(RowError{Row: row.n, Column: colName(c), Msg: row.problems[c]})
			}
		}
		if rep.ErrorCount > 0 || dryRun {
			return errDone
		}
		return audit.Record(ctx, tx, s.now(), u.Actor(), audit.Entry{Action: "activity.import", ObjectType: "activity",
			ObjectID: "import", ScopeCode: u.ScopeCode, Detail: map[string]any{"rows": rep.Rows, "created": rep.Created, "hour_entries": rep.Hours}})
	})
	if err != nil && !errors.Is(err, errDone) {
		return nil, err
	}
	rep.Committed = err == nil
	if !rep.Committed {
		rep.Created, rep.Hours, rep.IDs = 0, 0, nil
	}
	return rep, nil
}

// colOfField is the column carrying a rule's field error.
func colOfField(f string) int {
	for i, c := range importCols {
		if c.Field == f {
			return i
		}
	}
	return cTitle
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// sheetError turns a refused file into the report's one problem.
func (s *Service) sheetError(rep *ImportReport, row int, err error) (*ImportReport, error) {
	var le *sheet.LimitError
	if !errors.As(err, &le) {
		return nil, err
	}
	rep.add(RowError{Row: max(row, 1), Msg: le.Msg()})
	return rep, nil
}

// orgsByName finds the named organizations inside the uploader's place
// (a leader: their own; hub staff: the hub's and those it serves): name →
// ids. Whether the uploader may record for one is CreateMany's rule.
// It reads through the registry, in the import's transaction (on ctx).
func (s *Service) orgsByName(ctx context.Context, u *auth.User, rows []*importRow) (map[string][]int64, error) {
	seen := map[string]bool{}
	var names []string
	for _, r := range rows {
		for _, n := range r.orgNames {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	out, err := s.Orgs.NamedIDs(ctx, u, names)
	if err != nil {
		return nil, err
	}
	if u.Role == auth.OrgLeader {
		for n, ids := range out {
			if len(ids) > 1 && containsID(ids, u.OrgID) {
				out[n] = []int64{u.OrgID}
			}
		}
	}
	return out, nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// communityOf reads a community cell (its name or code) inside a district.
func (s *Service) communityOf(ctx context.Context, cache map[string]string, district, cell string) (string, error) {
	key := district + "|" + cell
	if c, ok := cache[key]; ok {
		return c, nil
	}
	if s.Find == nil {
		return "", errors.New("activity: import: no division finder")
	}
	codes, err := s.Find(ctx, district, geo.Community, cell)
	if err != nil {
		return "", err
	}
	code := ""
	if len(codes) == 1 {
		code = codes[0]
	}
	cache[key] = code
	return code, nil
}

// volunteersByName finds volunteers of a district by name.
func volunteersByName(ctx context.Context, q db.Querier, district, name string) ([]int64, error) {
	return db.ListColumn[int64](ctx, q, "activity: volunteers by name", `SELECT id FROM volunteers WHERE district_code = $1 AND name = $2 ORDER BY id LIMIT 5`, district, name)
}

// Template is the import template: the header, one example row, and a
// second sheet listing the words each column takes.
func Template(cat *i18n.Catalog, lang string, orgs []string) ([]byte, error) {
	var head []any
	for _, c := range importCols {
		h := msgT(cat, lang, c.Key)
		if c.Required {
			h += "*"
		}
		head = append(head, h)
	}
	org := "某某社区志愿服务队"
	if len(orgs) > 0 {
		org = orgs[0]
	}
	example := []any{org, msgT(cat, lang, "imp.example_title"), msgT(cat, lang, "theme.neighbourly_watch"), msgT(cat, lang, "kind.service"),
		msgT(cat, lang, "afield.companionship"), "2023-05-06", "09:00", "11:30", "", "", msgT(cat, lang, "imp.example_address"),
		msgT(cat, lang, "group.elderly"), 12, 8, msgT(cat, lang, "group.elderly") + ":8", msgT(cat, lang, "common.no"), msgT(cat, lang, "common.no"),
		msgT(cat, lang, "common.no"), "", ""}
	rows := [][]any{head, example}
	words := [][]any{{msgT(cat, lang, "imp.col.theme"), msgT(cat, lang, "imp.col.fields")}}
	for _, t := range Themes {
		for _, f := range ThemeFields[t] {
			words = append(words, []any{msgT(cat, lang, "theme."+t), msgT(cat, lang, "afield."+f)})
		}
	}
	words = append(words, []any{}, []any{msgT(cat, lang, "imp.col.kind")})
	for _, k := range Kinds {
		words = append(words, []any{msgT(cat, lang, "kind."+k)})
	}
	words = append(words, []any{}, []any{msgT(cat, lang, "imp.col.groups")})
	for _, g := range registry.TargetGroups {
		words = append(words, []any{msgT(cat, lang, "group."+g)})
	}
	words = append(words, []any{}, []any{msgT(cat, lang, "imp.col.orgs")})
	for _, o := range orgs {
		words = append(words, []any{o})
	}
	words = append(words, []any{}, []any{msgT(cat, lang, "imp.notes")})
	return writeSheets([]string{msgT(cat, lang, "imp.sheet"), msgT(cat, lang, "imp.words")}, [][][]any{rows, words})
}
