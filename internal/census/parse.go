package census

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/registry"
)

// cleanText trims a cell and folds runs of spaces (including full-width and
// non-breaking ones) into one; it undoes the export's formula neutralizing.
func cleanText(s string) string {
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
		s = s[1:]
	}
	return s
}

// cleanCode folds full-width characters and drops every space.
func cleanCode(s string) string {
	s = norm.NFKC.String(cleanText(s))
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), "")
}

// numberRE is how a spreadsheet may write a plain number: 12, 12.0, 1.2E+10.
var numberRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?([eE][+]?[0-9]+)?$`)

// cleanPhone reads a phone number, also one Excel stored as a number.
func cleanPhone(s string) string {
	s = cleanCode(s)
	if strings.ContainsAny(s, ".eE") && numberRE.MatchString(s) {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && f < 1e15 {
			return strconv.FormatInt(int64(f), 10)
		}
	}
	return s
}

// parseInt reads a whole number: full-width digits, thousands separators,
// "20人" and Excel's "20.0" are accepted.
func parseInt(s string) (int, bool) {
	s = strings.TrimSuffix(strings.ReplaceAll(cleanCode(s), ",", ""), "人")
	if s == "" {
		return 0, true
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	if numberRE.MatchString(s) {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && f < 1e9 {
			return int(f), true
		}
	}
	return 0, false
}

// excelEpoch is day 0 of Excel's 1900 date system, counting its phantom
// 1900-02-29: serial 61 is 1900-03-01.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

var (
	dateSepRE = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$`)
	dateCNRE  = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})日?$`)
	date8RE   = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
)

// parseDate reads 2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日, 20210305,
// or an Excel serial number (44260), with a time part ignored; it returns
// YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	s = cleanCode(s)
	if s == "" {
		return "", true
	}
	if i := strings.IndexAny(s, "T"); i > 0 {
		s = s[:i]
	} else if len(s) > 10 && s[4] == '-' {
		s = s[:10]
	}
	var y, m, d int
	if p := dateSepRE.FindStringSubmatch(s); p != nil {
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	} else if p := dateCNRE.FindStringSubmatch(s); p != nil {
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	} else if p := date8RE.FindStringSubmatch(s); p != nil {
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	} else if numberRE.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 61 || f > 2958465 {
			return "", false
		}
		return excelEpoch.AddDate(0, 0, int(f)).Format(time.DateOnly), true
	} else {
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// parseBool reads 是/否 and their usual spellings; empty is no.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(cleanCode(s)) {
	case "", "否", "n", "no", "false", "0", "×", "x", "无", "不是":
		return false, true
	case "是", "y", "yes", "true", "1", "√", "✓", "有":
		return true, true
	}
	return false, false
}

// multiSep splits a cell of several values.
var multiSep = regexp.MustCompile(`[、,，;；/|\s]+`)

// rowReader turns a sheet's cells into an Input, reporting by field what
// does not read.
type rowReader struct {
	values []map[string]string // per column: folded label or code → code
	places *placeIndex         // the scope's communities by name (nil: the file has no name column)
}

func newRowReader(cat *i18n.Catalog) *rowReader {
	rr := &rowReader{values: make([]map[string]string, len(columns))}
	for i, c := range columns {
		if c.Kind == kEnum || c.Kind == kMulti {
			rr.values[i] = valueIndex(cat, c)
		}
	}
	return rr
}

// read fills an Input from the cells of the mapped columns (colOf[i] is the
// cell index of column i, -1 when the file lacks it).
func (rr *rowReader) read(cells []string, colOf []int) (registry.Input, errs.Fields) {
	var in registry.Input
	f := errs.Fields{}
	for i, c := range columns {
		if colOf[i] < 0 || c.Kind == kInfo {
			continue
		}
		v := ""
		if colOf[i] < len(cells) {
			v = cells[colOf[i]]
		}
		rr.set(&in, f, i, c, v)
	}
	return in, f
}

func (rr *rowReader) set(in *registry.Input, f errs.Fields, i int, c column, v string) {
	switch c.Kind {
	case kText:
		setText(in, c.Field, cleanText(v))
	case kCode:
		setText(in, c.Field, cleanCode(v))
	case kPhone:
		in.LeaderPhone = cleanPhone(v)
	case kInt:
		n, ok := parseInt(v)
		if !ok {
			f.Add(c.Field, "err.bad_number")
		}
		if c.Field == "members" {
			in.Members = n
		} else {
			in.DemonstrationYear = n
		}
	case kDate:
		d, ok := parseDate(v)
		if !ok {
			f.Add(c.Field, "census.err.date")
		}
		field := "status" // a new organization's status takes effect on its founding date
		if c.Field == "founded_on" {
			in.FoundedOn = d
		} else {
			field = strings.TrimSuffix(c.Field, "_on")
		}
		if d != "" {
			if in.Dates == nil {
				in.Dates = map[string]string{}
			}
			in.Dates[field] = d
		}
	case kBool:
		b, ok := parseBool(v)
		if !ok {
			f.Add(c.Field, "census.err.yes_no", cleanText(v))
		}
		switch c.Field {
		case "hub":
			in.Hub = b
		case "brand":
			in.Brand = b
		default:
			in.VolunteerMark = b
		}
	case kEnum:
		v = cleanText(v)
		code := ""
		if v != "" {
			var ok bool
			if code, ok = rr.values[i][headerKey(v)]; !ok {
				f.Add(c.Field, "err.unknown_value", v)
			}
		}
		setText(in, c.Field, code)
	case kPlace:
		rr.place(in, f, cleanText(v))
	case kMulti:
		var codes []string
		for _, part := range multiSep.Split(cleanText(v), -1) {
			if part == "" {
				continue
			}
			code, ok := rr.values[i][headerKey(part)]
			if !ok {
				f.Add(c.Field, "err.unknown_value", part)
				continue
			}
			codes = append(codes, code)
		}
		if c.Field == "types" {
			in.Types = codes
		} else {
			in.TargetGroups = codes
		}
	}
}

// place reads the community's name: it gives the code when the code cell
// is empty, and must agree with it otherwise.
func (rr *rowReader) place(in *registry.Input, f errs.Fields, v string) {
	if v == "" || rr.places == nil {
		return
	}
	code, ambiguous := rr.places.resolve(v)
	switch {
	case len(ambiguous) > 0 && in.CommunityCode == "":
		f.Add("community", "census.err.community_ambiguous", v, strings.Join(ambiguous, "、"))
	case code == "" && len(ambiguous) == 0 && in.CommunityCode == "":
		f.Add("community", "census.err.community_unknown", v)
	case in.CommunityCode == "":
		in.CommunityCode = code
	case code != "" && code != in.CommunityCode:
		f.Add("community", "census.err.community_mismatch", v, in.CommunityCode)
	}
}

func setText(in *registry.Input, field, v string) {
	switch field {
	case "name":
		in.Name = v
	case "credit_code":
		in.CreditCode = v
	case "tier":
		in.Tier = v
	case "community_code":
		in.CommunityCode = v
	case "address":
		in.Address = v
	case "leader_name":
		in.LeaderName = v
	case "party_org":
		in.PartyOrg = v
	case "party_instructor":
		in.PartyInstructor = v
	case "status":
		in.Status = v
	case "late_reason":
		in.LateReason = v
	}
}
