package census

import (
	"context"
	"errors"
	"io"
	"slices"
	"sort"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/registry"
)

// Service is the census over the registry.
type Service struct {
	DB       *db.DB
	Registry *registry.Service
	Geo      *geo.Store
	Cat      *i18n.Catalog
	Now      func() time.Time
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

// RowError is one problem of a file: the spreadsheet's own row number and
// column header, and what is wrong.
type RowError struct {
	Row    int      `json:"row"`
	Column string   `json:"column"`
	Msg    errs.Msg `json:"-"`
	// Message is Msg in the reader's language, filled by Translate.
	Message string `json:"message"`
}

// Summary counts what a file held, by tier, type, status and target group.
type Summary struct {
	Rows     int            `json:"rows"`
	ByTier   map[string]int `json:"by_tier"`
	ByType   map[string]int `json:"by_type"`
	ByStatus map[string]int `json:"by_status"`
	ByGroup  map[string]int `json:"by_group"`
}

func newSummary() Summary {
	return Summary{ByTier: map[string]int{}, ByType: map[string]int{}, ByStatus: map[string]int{}, ByGroup: map[string]int{}}
}

func (s *Summary) add(in registry.Input) {
	s.Rows++
	s.ByTier[in.Tier]++
	for _, t := range in.Types {
		s.ByType[t]++
	}
	for _, g := range in.TargetGroups {
		s.ByGroup[g]++
	}
	st := in.Status
	if st == "" {
		st = registry.StatusPending
	}
	s.ByStatus[st]++
}

// Merge adds another summary.
func (s *Summary) Merge(o Summary) {
	s.Rows += o.Rows
	for _, p := range [][2]map[string]int{{s.ByTier, o.ByTier}, {s.ByType, o.ByType}, {s.ByStatus, o.ByStatus}, {s.ByGroup, o.ByGroup}} {
		for k, v := range p[1] {
			p[0][k] += v
		}
	}
}

// Report is the answer to an import.
type Report struct {
	Created   int        `json:"created"`
	Updated   int        `json:"updated"`
	Unchanged int        `json:"unchanged"`
	Errors    []RowError `json:"errors"`
	// ErrorCount is every problem found; Errors keeps the first
	// MaxReportErrors of them, so a file of a million bad rows answers
	// with a bounded report.
	ErrorCount int     `json:"error_count"`
	Committed  bool    `json:"committed"`
	DryRun     bool    `json:"dry_run"`
	Rows       int     `json:"rows"`
	HeaderRow  int     `json:"header_row"`
	Summary    Summary `json:"summary"`

	width int // columns of the header row, where the annotated file adds its own
}

// MaxReportErrors is how many problems a report lists; the rest are counted.
const MaxReportErrors = 1000

// addErrors counts problems and keeps the first MaxReportErrors.
func (r *Report) addErrors(es ...RowError) {
	r.ErrorCount += len(es)
	if room := MaxReportErrors - len(r.Errors); room > 0 {
		r.Errors = append(r.Errors, es[:min(room, len(es))]...)
	}
}

// Truncated reports whether problems were counted but not listed.
func (r *Report) Truncated() bool { return r.ErrorCount > len(r.Errors) }

// Translate fills the messages in a language.
func (r *Report) Translate(cat *i18n.Catalog, lang string) {
	for i := range r.Errors {
		r.Errors[i].Message = cat.Msg(lang, r.Errors[i].Msg)
	}
}

// Options tune an import.
type Options struct {
	DryRun bool
	// Progress, if set, is called with the number of data rows read so far.
	Progress func(rows int)
}

// Import reads a stored upload (name tells .xlsx from .csv) and imports it
// through the registry: every row is checked, nothing is written unless all
// rows are valid, and then all in one transaction, the caller's when ctx
// carries one (db.InTx; Submit).
func (s *Service) Import(ctx context.Context, u *auth.User, path, name string, opts Options) (*Report, error) {
	rows, err := openRows(path, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rep := &Report{Errors: []RowError{}, DryRun: opts.DryRun, Summary: newSummary()}
	lay, pending, nums, err := findHeader(rows, headerIndex(s.Cat))
	if err != nil {
		if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
			rep.addErrors(RowError{Row: 1, Msg: e.Message})
			return rep, nil
		}
		return nil, err
	}
	rep.HeaderRow, rep.width = lay.HeaderRow, len(lay.Headers)
	if missing := s.missingColumns(lay); len(missing) > 0 {
		rep.addErrors(missing...)
		return rep, nil
	}
	var fields []string
	for i, c := range columns {
		if lay.ColOf[i] < 0 || c.Kind == kInfo {
			continue
		}
		switch {
		case c.Kind != kPlace:
			fields = append(fields, c.Field)
		case !slices.Contains(fields, "community_code"):
			fields = append(fields, "community_code") // the name sets the code
		}
	}
	var places *placeIndex
	for i, c := range columns {
		if c.Kind == kPlace && lay.ColOf[i] >= 0 {
			if places, err = s.places(ctx, u.ScopeCode); err != nil {
				return nil, err
			}
		}
	}
	im, err := s.Registry.BeginImport(ctx, u, registry.ImportOptions{DryRun: opts.DryRun, Source: name, Fields: fields,
		LateReason: text(s.Cat, i18n.ZH, "census.late_reason") + name})
	if err != nil {
		return nil, err
	}
	defer im.Abort()
	// Reading and parsing run on their own goroutine, ahead of the checks
	// and writes: on two cores the file is read while the database works.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parsed := make(chan parsedRow, 512)
	var readErr error
	go func() {
		defer close(parsed)
		readErr = s.parseRows(ctx, rows, lay, places, pending, nums, parsed)
	}()
	// Rows are checked and written a batch at a time: the registry reads
	// what a batch needs in a few queries and writes it in a few statements.
	batch := make([]registry.ImportRow, 0, importBatch)
	add := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := im.AddRows(ctx, batch)
		if err != nil {
			return err
		}
		for i, r := range res {
			rep.Rows++
			if len(r.Fields) > 0 {
				rep.addErrors(s.rowErrors(lay, batch[i].N, r.Fields)...)
			} else {
				rep.Summary.add(batch[i].In)
			}
		}
		batch = batch[:0]
		if opts.Progress != nil {
			opts.Progress(rep.Rows)
		}
		return nil
	}
	var addErr error
	for p := range parsed {
		if addErr != nil {
			continue // drain the reader
		}
		batch = append(batch, registry.ImportRow{N: p.n, In: p.in, Pre: p.pre})
		if len(batch) == importBatch {
			if addErr = add(); addErr != nil {
				cancel()
			}
		}
	}
	if addErr == nil {
		addErr = add()
	}
	if addErr != nil {
		return nil, addErr
	}
	if readErr != nil {
		if e, ok := errs.As(readErr); ok && e.Code == errs.Invalid {
			rep.addErrors(RowError{Row: rep.HeaderRow + rep.Rows + 1, Msg: e.Message})
			return rep, nil
		}
		return nil, readErr
	}
	if opts.Progress != nil {
		opts.Progress(rep.Rows)
	}
	res, err := im.Finish(ctx)
	if err != nil {
		return nil, err
	}
	rep.Created, rep.Updated, rep.Unchanged, rep.Committed = res.Created, res.Updated, res.Unchanged, res.Committed
	if len(rep.Errors) > 0 {
		rep.Summary = newSummary()
	}
	return rep, nil
}

// importBatch is how many rows are checked and written together.
const importBatch = 1000

// parsedRow is a data row read into an Input.
type parsedRow struct {
	n   int
	in  registry.Input
	pre errs.Fields
}

// parseRows reads the data rows (first those read looking for the header),
// skipping blank ones, and sends them parsed.
func (s *Service) parseRows(ctx context.Context, rows sheetRows, lay *layout, places *placeIndex, pending [][]string, nums []int, out chan<- parsedRow) error {
	rr := newRowReader(s.Cat)
	rr.places = places
	send := func(n int, cells []string) error {
		if blank(cells) {
			return nil
		}
		in, pre := rr.read(cells, lay.ColOf)
		select {
		case out <- parsedRow{n, in, pre}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for i, cells := range pending {
		if err := send(nums[i], cells); err != nil {
			return err
		}
	}
	for {
		n, cells, err := rows.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := send(n, cells); err != nil {
			return err
		}
	}
}

// missingColumns reports required columns the file lacks.
func (s *Service) missingColumns(lay *layout) []RowError {
	var out []RowError
	code, name := -1, -1
	for i, c := range columns {
		if c.Required && lay.ColOf[i] < 0 {
			out = append(out, RowError{Row: lay.HeaderRow, Column: c.header(s.Cat), Msg: errs.M("census.err.missing_column")})
		}
		switch c.Field {
		case "community_code":
			code = i
		case "community":
			name = i
		}
	}
	if lay.ColOf[code] < 0 && lay.ColOf[name] < 0 {
		out = append(out, RowError{Row: lay.HeaderRow, Column: columns[code].header(s.Cat), Msg: errs.M("census.err.missing_community")})
	}
	return out
}

// rowErrors turns a row's problems by field into problems by the file's
// own column headers, in column order.
func (s *Service) rowErrors(lay *layout, row int, fe errs.Fields) []RowError {
	type item struct {
		pos int
		e   RowError
	}
	var items []item
	for field, m := range fe {
		pos, head := -1, ""
		for i, c := range columns {
			if c.Field == field {
				if j := lay.ColOf[i]; j >= 0 {
					pos, head = j, lay.Headers[j]
				} else {
					pos, head = 1000+i, c.header(s.Cat)
				}
			}
		}
		items = append(items, item{pos, RowError{Row: row, Column: head, Msg: m}})
	}
	sort.Slice(items, func(a, b int) bool { return items[a].pos < items[b].pos })
	out := make([]RowError, len(items))
	for i, it := range items {
		out[i] = it.e
	}
	return out
}
