package census

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/sync/errgroup"

	"linli/internal/platform/sheet"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/i18n"
	"linli/internal/registry"
)

// Sheet names.
const (
	sheetOrgs        = "组织信息"
	sheetHelp        = "填写说明"
	sheetCommunities = "社区列表"
)

// neutralize keeps a spreadsheet from reading a cell as a formula: a cell
// starting with = + - @ (or a tab or carriage return) gets a leading
// apostrophe, which the import takes off again.
func neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// headers are the column headers of the sheet.
func (s *Service) headers() []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.header(s.Cat)
	}
	return out
}

// rowWriter turns organizations into the sheet's cells, with the labels of
// coded values looked up once per export.
type rowWriter struct {
	labels []map[string]string // per column: code → Chinese label (kEnum, kMulti)
	out    []string            // the current row, reused
	parts  []string
}

func (s *Service) newRowWriter() *rowWriter {
	rw := &rowWriter{labels: make([]map[string]string, len(columns)), out: make([]string, len(columns))}
	for i, c := range columns {
		if c.Kind == kEnum || c.Kind == kMulti {
			m := make(map[string]string, len(c.Codes))
			for _, code := range c.Codes {
				m[code] = c.label(s.Cat, code)
			}
			rw.labels[i] = m
		}
	}
	return rw
}

// label is a code's label, or the code itself when it has none.
func (rw *rowWriter) label(i int, code string) string {
	if l, ok := rw.labels[i][code]; ok {
		return l
	}
	return code
}

// cells writes an organization as the sheet's cells, in a slice reused
// for the next row.
func (rw *rowWriter) cells(o *registry.Org, communityName string) []string {
	yesNo := func(b bool) string {
		if b {
			return "是"
		}
		return "否"
	}
	for i, c := range columns {
		var v string
		switch c.Field {
		case "name":
			v = o.Name
		case "credit_code":
			v = o.CreditCode
		case "tier":
			v = rw.label(i, o.Tier)
		case "types", "target_groups":
			codes := o.Types
			if c.Field == "target_groups" {
				codes = o.TargetGroups
			}
			rw.parts = rw.parts[:0]
			for _, code := range codes {
				rw.parts = append(rw.parts, rw.label(i, code))
			}
			v = strings.Join(rw.parts, "、")
		case "community_code":
			v = o.CommunityCode
		case "community":
			v = communityName
		case "address":
			v = o.Address
		case "founded_on":
			v = o.FoundedOn
		case "members":
			v = strconv.Itoa(o.Members)
		case "leader_name":
			v = o.LeaderName
		case "leader_phone":
			v = o.LeaderPhone
		case "party_org":
			v = rw.label(i, o.PartyOrg)
		case "party_instructor":
			v = o.PartyInstructor
		case "hub":
			v = yesNo(o.Hub)
		case "brand":
			v = yesNo(o.Brand)
		case "demonstration_year":
			if o.DemonstrationYear != 0 {
				v = strconv.Itoa(o.DemonstrationYear)
			}
		case "volunteer_mark":
			v = yesNo(o.VolunteerMark)
		case "status":
			v = rw.label(i, o.Status)
		case "hub_on", "brand_on", "demonstration_year_on", "volunteer_mark_on":
			v = o.Since[strings.TrimSuffix(c.Field, "_on")]
		}
		rw.out[i] = neutralize(v)
	}
	return rw.out
}

// Export writes the organizations of a list (same filters, no paging) as
// .xlsx or .csv in the template's columns, streaming: memory does not grow
// with the number of rows. Phones are masked for viewers who do not manage
// the organizations, as in the list. The rows are read on one goroutine
// and written (cells, XML or CSV) on another, and an .xlsx is compressed
// on a third (sheetWriter), so an export uses more than one core.
func (s *Service) Export(ctx context.Context, u *auth.User, f registry.Filter, format string, w io.Writer) error {
	rw := s.newRowWriter()
	if format == FormatCSV {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		if err := cw.Write(s.headers()); err != nil {
			return err
		}
		err := s.eachRow(ctx, u, f, func(o *registry.Org, community string) error {
			return cw.Write(rw.cells(o, community))
		})
		cw.Flush()
		if err != nil {
			return err
		}
		return cw.Error()
	}
	widths := make([]float64, len(columns))
	for i, c := range columns {
		widths[i] = colWidth(c)
	}
	sw, err := newSheetWriter(w, sheetOrgs, widths, s.headers())
	if err != nil {
		return err
	}
	err = s.eachRow(ctx, u, f, func(o *registry.Org, community string) error {
		sw.Row()
		for i, v := range rw.cells(o, community) {
			// numbers as numbers, everything else as text
			if columns[i].Kind == kInt && v != "" {
				if n, err := strconv.Atoi(v); err == nil {
					sw.Int(n)
					continue
				}
			}
			sw.String(v)
		}
		return sw.EndRow()
	})
	if err != nil {
		sw.Abort()
		return err
	}
	return sw.Close()
}

// exportRow is one organization on its way from the goroutine that reads
// the rows to the one that writes them.
type exportRow struct {
	org       registry.Org
	community string
}

// exportBatch is how many rows go from the reading goroutine to the
// writing one at a time; three batches circulate, so memory stays bounded.
const exportBatch = 256

// eachRow calls write for every organization of the list, in its order,
// as registry.Service.EachExport does, but reads the rows on a goroutine of
// its own: the database's work and the writing overlap. The first error of
// either side stops both and is returned.
func (s *Service) eachRow(ctx context.Context, u *auth.User, f registry.Filter, write func(o *registry.Org, community string) error) error {
	g, gctx := errgroup.WithContext(ctx)
	full, free := make(chan []exportRow, 3), make(chan []exportRow, 3)
	for range 3 {
		free <- make([]exportRow, 0, exportBatch)
	}
	g.Go(func() error {
		defer close(full)
		batch := <-free
		send := func() error {
			select {
			case full <- batch:
			case <-gctx.Done():
				return gctx.Err()
			}
			select {
			case batch = <-free:
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		err := s.Registry.EachExport(gctx, u, f, func(o *registry.Org, community string) error {
			batch = append(batch, exportRow{org: *o, community: community})
			if len(batch) < exportBatch {
				return nil
			}
			return send()
		})
		if err == nil && len(batch) > 0 {
			err = send()
		}
		return err
	})
	g.Go(func() error {
		for batch := range full {
			for i := range batch {
				if err := write(&batch[i].org, batch[i].community); err != nil {
					return err
				}
			}
			free <- batch[:0]
		}
		return nil
	})
	return g.Wait()
}

// templateSheet writes the organizations sheet of the template (not
// streamed: validations need the ordinary worksheet).
func (s *Service) templateSheet(x *excelize.File) error {
	if err := x.SetSheetName("Sheet1", sheetOrgs); err != nil {
		return err
	}
	bold, err := x.NewStyle(headerStyle)
	if err != nil {
		return err
	}
	hdr := s.headers()
	if err := x.SetSheetRow(sheetOrgs, "A1", &hdr); err != nil {
		return err
	}
	last := colName(len(columns) - 1)
	if err := x.SetCellStyle(sheetOrgs, "A1", last+"1", bold); err != nil {
		return err
	}
	for i := range columns {
		if err := x.SetColWidth(sheetOrgs, colName(i), colName(i), colWidth(columns[i])); err != nil {
			return err
		}
	}
	return x.SetPanes(sheetOrgs, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

var headerStyle = &excelize.Style{Font: &excelize.Font{Bold: true},
	Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}}

func colWidth(c column) float64 {
	switch c.Field {
	case "name", "address":
		return 30
	case "credit_code", "community_code", "types", "target_groups", "community":
		return 22
	}
	return 14
}

// templateRows is how many rows of the template carry the drop-downs.
const templateRows = 10000

// Template writes the census workbook: the organizations sheet with its
// headers and drop-downs, the instructions, and the communities in the
// user's scope.
func (s *Service) Template(ctx context.Context, u *auth.User, w io.Writer) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := s.templateSheet(x); err != nil {
		return err
	}
	comms, err := s.communities(ctx, u.ScopeCode)
	if err != nil {
		return err
	}
	if err := s.helpSheet(x); err != nil {
		return err
	}
	if err := s.communitySheet(x, comms); err != nil {
		return err
	}
	if err := s.dropDowns(x, len(comms)); err != nil {
		return err
	}
	x.SetActiveSheet(0)
	return x.Write(w)
}

func colName(i int) string {
	n, _ := excelize.ColumnNumberToName(i + 1)
	return n
}

// dropDowns adds the validation lists: strict for single values, a hint
// only for columns that take several values separated by 、.
func (s *Service) dropDowns(x *excelize.File, nComms int) error {
	for i, c := range columns {
		sqref := fmt.Sprintf("%s2:%s%d", colName(i), colName(i), templateRows+1)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = sqref
		switch c.Kind {
		case kEnum:
			if err := dv.SetDropList(c.labels(s.Cat)); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, "请从下拉列表选择", "请从下拉列表中选择一项。")
		case kMulti:
			if err := dv.SetDropList(c.labels(s.Cat)); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleInformation, "可填多项", "多项请用顿号“、”分隔。")
		case kBool:
			if err := dv.SetDropList([]string{"是", "否"}); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, "请选择", "请选择“是”或“否”。")
		case kPlace:
			if nComms == 0 {
				continue
			}
			// the names as the list sheet writes them (街道 · 社区): unique
			// where two streets have a community of the same name
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!$E$2:$E$%d", sheetCommunities, nComms+1))
			dv.SetError(excelize.DataValidationErrorStyleWarning, "社区名称", "请从下拉列表选择管辖范围内的社区（村），或填写社区代码。")
		default:
			if c.Field != "community_code" || nComms == 0 {
				continue
			}
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!$A$2:$A$%d", sheetCommunities, nComms+1))
			dv.SetError(excelize.DataValidationErrorStyleWarning, "社区代码", "请填写管辖范围内的 12 位社区（村）代码，或只填社区名称，见“社区列表”。")
		}
		if err := x.AddDataValidation(sheetOrgs, dv); err != nil {
			return err
		}
	}
	return nil
}

// helpSheet explains each column.
func (s *Service) helpSheet(x *excelize.File) error {
	if _, err := x.NewSheet(sheetHelp); err != nil {
		return err
	}
	rows := [][]any{
		{"社区社会组织摸底登记表 填写说明"},
		{"1. 每行填写一个组织，第一行为表头，请勿修改表头；表头上方可保留标题行。"},
		{"2. 已存在的组织以统一社会信用代码为准，无代码的以“所属社区（村）代码 + 组织名称”为准；重复导入同一文件不会产生变化。"},
		{"3. 文件中任何一行有误，整个文件都不会导入；系统会列出每个错误所在的行与列，并可下载标注错误的文件。"},
		{"4. 日期可写作 2021-03-05、2021/3/5 或 2021年3月5日；全角数字与多余空格会自动规整。"},
		{"5. 已在活动的组织“状态”填“正常活动”（须为有审核权限的单位导入）；新申请的填“待审核”。"},
		{},
		{"列名", "是否必填", "填写要求", "可选值"},
	}
	for _, c := range columns {
		req := "选填"
		switch {
		case c.Required:
			req = "必填"
		case c.Field == "community_code" || c.Field == "community":
			req = "代码与名称至少填一项"
		}
		hint := ""
		if c.Hint != "" {
			hint = text(s.Cat, i18n.ZH, c.Hint)
		}
		opts := ""
		switch c.Kind {
		case kEnum:
			opts = strings.Join(c.labels(s.Cat), " / ")
		case kMulti:
			opts = strings.Join(c.labels(s.Cat), "、") + "（可多选，用顿号分隔）"
		case kBool:
			opts = "是 / 否"
		case kInfo:
			hint = "仅供查看，导入时不读取"
		}
		if c.Field == "tier" {
			hint = "依法登记的组织须填写统一社会信用代码"
		}
		rows = append(rows, []any{c.header(s.Cat), req, hint, opts})
	}
	for i, r := range rows {
		if err := x.SetSheetRow(sheetHelp, "A"+strconv.Itoa(i+1), &r); err != nil {
			return err
		}
	}
	if err := x.SetColWidth(sheetHelp, "A", "A", 24); err != nil {
		return err
	}
	if err := x.SetColWidth(sheetHelp, "C", "D", 60); err != nil {
		return err
	}
	return nil
}

// communitySheet lists the communities in scope.
func (s *Service) communitySheet(x *excelize.File, comms []community) error {
	if _, err := x.NewSheet(sheetCommunities); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheetCommunities)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 5, 22); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"社区（村）代码", "社区（村）名称", "街道（乡镇）", "区", "填表用名称"}); err != nil {
		return err
	}
	for i, c := range comms {
		if err := sw.SetRow("A"+strconv.Itoa(i+2), []any{c.Code, c.Name, c.Street, c.District, c.label()}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// community is one community of the list sheet.
type community struct{ Code, Name, Street, District string }

// communities lists the communities below a scope, in code order.
func (s *Service) communities(ctx context.Context, scope string) ([]community, error) {
	var out []community
	var walk func(code, street, district string) error
	walk = func(code, street, district string) error {
		kids, err := s.Geo.Children(ctx, code)
		if err != nil {
			return err
		}
		for _, k := range kids {
			switch k.Level {
			case geo.Community:
				out = append(out, community{k.Code, k.Name, street, district})
				continue
			case geo.Street:
				street = k.Name
			case geo.District:
				district = k.Name
			}
			if err := walk(k.Code, street, district); err != nil {
				return err
			}
		}
		return nil
	}
	path, err := s.Geo.Path(ctx, scope)
	if err != nil {
		return nil, err
	}
	var street, district string
	for _, n := range path {
		switch n.Level {
		case geo.Community:
			return []community{{n.Code, n.Name, street, district}}, nil
		case geo.Street:
			street = n.Name
		case geo.District:
			district = n.Name
		}
	}
	return out, walk(scope, street, district)
}

// Annotated writes the uploaded file back as .xlsx with an error column
// added after the file's own columns, each row's problems in it.
func (s *Service) Annotated(path, name string, rep *Report, lang string, w io.Writer) error {
	rows, err := openRows(path, name)
	if err != nil {
		return err
	}
	defer rows.Close()
	byRow := map[int][]string{}
	width := rep.width
	for _, e := range rep.Errors {
		msg := s.Cat.Msg(lang, e.Msg)
		if e.Column != "" {
			msg = e.Column + "：" + msg
		}
		byRow[e.Row] = append(byRow[e.Row], msg)
	}
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", sheetOrgs); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheetOrgs)
	if err != nil {
		return err
	}
	red, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "C00000"}})
	if err != nil {
		return err
	}
	var buffered [][]any
	var nums []int
	for {
		n, cells, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		r := make([]any, len(cells))
		for i, c := range cells {
			r[i] = c
		}
		buffered = append(buffered, r)
		nums = append(nums, n)
		if len(buffered) < 1000 {
			continue
		}
		if err := flushAnnotated(sw, buffered, nums, byRow, rep.HeaderRow, red, width); err != nil {
			return err
		}
		buffered, nums = buffered[:0], nums[:0]
	}
	if err := flushAnnotated(sw, buffered, nums, byRow, rep.HeaderRow, red, width); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}

// errorColumn is the header of the added column; the import ignores it.
const errorColumn = "错误说明"

func flushAnnotated(sw *excelize.StreamWriter, rows [][]any, nums []int, byRow map[int][]string, header int,
	style int, width int) error {
	for i, r := range rows {
		n := nums[i]
		cell := excelize.Cell{StyleID: style}
		switch {
		case n == header:
			cell.Value = errorColumn
		case len(byRow[n]) > 0:
			cell.Value = strings.Join(byRow[n], "；")
		}
		r = sheet.NeutralizeAll(r) // the uploaded cells, written back
		for len(r) < width {
			r = append(r, nil)
		}
		r = append(r, cell)
		if err := sw.SetRow("A"+strconv.Itoa(n), r); err != nil {
			return err
		}
	}
	return nil
}
