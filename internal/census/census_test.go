package census_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"linli/internal/census"
	"linli/internal/geo/geotest"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/i18n"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// Places used by the tests.
const (
	yulei  = "440106008007" // 育蕾社区, 天河南街道, 天河区
	zhijie = "440106008008" // 天河直街社区, 天河南街道
	liede  = "440106013001" // 猎德社区, 猎德街道, 天河区
)

type fixture struct {
	ctx    context.Context
	db     *db.DB
	reg    *registry.Service
	census *census.Service
	cat    *i18n.Catalog
	users  *auth.Service
	now    time.Time

	admin, tianhe, street, street2, hub *auth.User
}

func setup(t testing.TB) *fixture {
	t.Helper()
	return setupOn(t, dbtest.Open(t))
}

// setupOn is setup on a database already migrated.
func setupOn(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	st := geotest.Load(t, d)
	f := &fixture{ctx: ctx, db: d, now: time.Date(2023, 3, 1, 8, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	f.reg = &registry.Service{DB: d, Geo: st, Now: clock}
	f.cat = i18n.New(i18n.Common, registry.Messages, census.Messages)
	f.census = &census.Service{DB: d, Registry: f.reg, Geo: st, Cat: f.cat, Now: clock}
	f.users = registrytest.Auth(d, st, f.reg, time.Now)
	f.admin = f.user(t, "admin", auth.CityAdmin, "4401")
	f.tianhe = f.user(t, "tianhe", auth.DistrictOfficer, "440106")
	f.street = f.user(t, "street", auth.StreetOfficer, "440106008")
	f.street2 = f.user(t, "street2", auth.StreetOfficer, "440106013")
	f.hub = f.user(t, "hub", auth.HubStaff, "440106008")
	return f
}

// user creates the account name of role at scope.
func (f *fixture) user(t testing.TB, name, role, scope string) *auth.User {
	t.Helper()
	return registrytest.Named(t, f.ctx, f.users, name, role, scope)
}

func credit(first17 string) string { return first17 + string(registry.CreditCheckDigit(first17)) }

// write stores content as a file in the test's folder.
func write(t testing.TB, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// cell is a spreadsheet cell: a string, or an int stored as a number.
type sheet struct {
	rows   map[int][]any
	merges [][2]string
}

func (s sheet) xlsx(t testing.TB) string {
	t.Helper()
	x := excelize.NewFile()
	for r, cells := range s.rows {
		for c, v := range cells {
			if v == nil {
				continue
			}
			name, _ := excelize.CoordinatesToCellName(c+1, r)
			if err := x.SetCellValue("Sheet1", name, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, m := range s.merges {
		if err := x.MergeCell("Sheet1", m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return write(t, "摸底表.xlsx", buf.Bytes())
}

// messy is a census file as districts pass them around: a title row merged
// across the sheet, group headers merged over sub-headers, headers merged
// down over two rows, a serial-number column, a column order of its own,
// Excel serial dates, full-width digits, stray spaces, numbers stored as
// numbers, and empty rows at the end.
func messy() sheet {
	return sheet{rows: map[int][]any{
		1:  {"天河南街道社区社会组织摸底登记表（2023年）"},
		2:  {"序号", "基本信息", nil, nil, nil, nil, nil, nil, nil, nil, "负责人", nil, "党组织", "状态"},
		3:  {nil, "组织名称", "统一社会信用代码", "管理层级", "组织类型", "服务对象", "社区代码", "活动地址", "成立日期", "成员人数", "姓名", "电话"},
		4:  {1, "街坊互助队", "", "社区管理", "居民互助性、文体娱乐性", "老年人，儿童", "４４０１０６００８００７", "  天河南二路　 1号 ", 43536, "２０", "陈丽", 13812345678, "未建立", "正常活动"},
		5:  {2, "天河南长者关爱协会", credit("51440106MJ0000001"), "依法登记", "公益慈善性", "老年人", "440106008007", "天河南一路", "2021/3/5", 35, "李明", "020-87654321", "独立建立", "正常活动"},
		6:  {3, "育蕾书法社", "", "街道（乡镇）管理", "文体娱乐性", "", "440106008008", "", "2021年3月5日", "", "王芳", "139 1234 5678", "", "待审核"},
		7:  {4, "", "", "社区管理", "居民互助性", "", "440106008007", "", "2021-13-45", 10, "张三", "12345", "", "正常活动"},
		8:  {5, "猎德舞蹈队", "", "未知层级", "文体娱乐性", "", "440106013001", "", "", 10, "赵四", "13912345678", "", "正常活动"},
		9:  {6, "街坊互助队", "", "社区管理", "居民互助性", "", "440106008007", "", "", 10, "钱五", "13912345679", "", "正常活动"},
		10: {7, "育蕾志愿服务队", "51440106MJ0000002", "依法登记", "志愿", "", "440106008007", "", "", 10, "孙六", "13912345670", "否", "正常活动"},
		11: {nil, "", "", ""},
		12: {nil, "  ", "　"},
		14: {nil, ""},
	}, merges: [][2]string{{"A1", "N1"}, {"B2", "J2"}, {"K2", "L2"}, {"A2", "A3"}, {"M2", "M3"}, {"N2", "N3"}}}
}

func report(t *testing.T, f *fixture, u *auth.User, path, name string, dry bool) *census.Report {
	t.Helper()
	rep, err := f.census.Import(f.ctx, u, path, name, census.Options{DryRun: dry})
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	rep.Translate(f.cat, i18n.ZH)
	return rep
}

func errorLines(rep *census.Report) string {
	var b strings.Builder
	for _, e := range rep.Errors {
		fmt.Fprintf(&b, "%d|%s|%s\n", e.Row, e.Column, e.Message)
	}
	return b.String()
}

func count(t *testing.T, f *fixture, table string) int {
	t.Helper()
	var n int
	if err := f.db.Read.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMessyFileReportsEveryProblemAndChangesNothing(t *testing.T) {
	f := setup(t)
	path := messy().xlsx(t)
	audits := count(t, f, "audit_log")
	rep := report(t, f, f.street, path, "摸底表.xlsx", false)
	want := `7|组织名称|必填。
7|成立日期|日期无法识别，请写作 2021-03-05、2021/3/5 或 2021年3月5日。
7|电话|请填写 11 位手机号或带区号的固定电话（如 020-12345678）。
8|管理层级|不认识的取值“未知层级”。
8|社区代码|不在您的管辖范围内。
9|组织名称|与第 4 行重复。
10|统一社会信用代码|统一社会信用代码无效（18 位，校验位不符）。
10|组织类型|不认识的取值“志愿”。
`
	if got := errorLines(rep); got != want {
		t.Errorf("error report:\n%s\nwant:\n%s", got, want)
	}
	if rep.Committed || rep.HeaderRow != 3 || rep.Rows != 7 {
		t.Errorf("committed %v, header row %d, %d rows", rep.Committed, rep.HeaderRow, rep.Rows)
	}
	if n := count(t, f, "orgs"); n != 0 {
		t.Errorf("%d organizations written from a rejected file", n)
	}
	if n := count(t, f, "audit_log"); n != audits {
		t.Errorf("audit rows written from a rejected file: %d → %d", audits, n)
	}
}

func TestMessyFileOnceCorrectedImportsAndReimportsUnchanged(t *testing.T) {
	f := setup(t)
	s := messy()
	for r := 7; r <= 10; r++ {
		delete(s.rows, r)
	}
	path := s.xlsx(t)
	rep := report(t, f, f.street, path, "摸底表.xlsx", true)
	if len(rep.Errors) != 0 || rep.Created != 3 || rep.Committed || count(t, f, "orgs") != 0 {
		t.Fatalf("dry run: %+v %s", rep, errorLines(rep))
	}
	rep = report(t, f, f.street, path, "摸底表.xlsx", false)
	if len(rep.Errors) != 0 || rep.Created != 3 || rep.Updated != 0 || rep.Unchanged != 0 || !rep.Committed {
		t.Fatalf("import: %+v %s", rep, errorLines(rep))
	}
	p, err := f.reg.List(f.ctx, f.street, registry.Filter{Sort: "oldest"})
	if err != nil || p.Total != 3 {
		t.Fatalf("list: %v %v", p, err)
	}
	o := p.Items[0]
	if o.Name != "街坊互助队" || o.CommunityCode != yulei || o.Address != "天河南二路 1号" || o.FoundedOn != "2019-03-12" ||
		o.Members != 20 || o.LeaderPhone != "13812345678" || o.Status != registry.StatusActive ||
		strings.Join(o.Types, ",") != "mutual_aid,culture_sports" || strings.Join(o.TargetGroups, ",") != "elderly,children" {
		t.Errorf("first row stored as %+v", o)
	}
	if o := p.Items[1]; o.FoundedOn != "2021-03-05" || o.Tier != registry.TierRegistered || o.PartyOrg != registry.PartyIndependent || o.LeaderPhone != "020-87654321" {
		t.Errorf("second row stored as %+v", o)
	}
	if o := p.Items[2]; o.FoundedOn != "2021-03-05" || o.Tier != registry.TierStreet || o.Status != registry.StatusPending || o.LeaderPhone != "13912345678" {
		t.Errorf("third row stored as %+v", o)
	}
	var creates int
	f.db.Read.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'org.create'`).Scan(&creates)
	if creates != 3 {
		t.Errorf("%d org.create audit rows", creates)
	}
	if n := count(t, f, "org_history"); n != 15 { // status, tier, party organization, types and groups of each
		t.Errorf("%d history rows", n)
	}
	if n := count(t, f, "org_search"); n != 3 {
		t.Errorf("%d search documents", n)
	}

	if n, problem, err := audit.Verify(f.ctx, f.db.Read); err != nil || problem != nil || n != int64(count(t, f, "audit_log")) {
		t.Fatalf("audit chain after a bulk import: %d rows, %v, %v", n, problem, err)
	}
	audits := count(t, f, "audit_log")
	rep = report(t, f, f.street, path, "摸底表.xlsx", false)
	if len(rep.Errors) != 0 || rep.Created != 0 || rep.Updated != 0 || rep.Unchanged != 3 {
		t.Fatalf("second import: %+v %s", rep, errorLines(rep))
	}
	if n := count(t, f, "audit_log"); n != audits+1 { // only the import's own row
		t.Errorf("audit rows %d → %d on an unchanged import", audits, n)
	}

	t.Run("a changed row is updated and audited like an edit", func(t *testing.T) {
		s.rows[4][9] = 25
		rep := report(t, f, f.street, s.xlsx(t), "摸底表.xlsx", false)
		if rep.Updated != 1 || rep.Unchanged != 2 || len(rep.Errors) != 0 {
			t.Fatalf("%+v %s", rep, errorLines(rep))
		}
		var detail string
		if err := f.db.Read.QueryRow(`SELECT detail FROM audit_log WHERE action = 'org.update'`).Scan(&detail); err != nil {
			t.Fatal(err)
		}
		if detail != `{"members":["20","25"]}` {
			t.Errorf("audit detail %s", detail)
		}
	})
}

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const csvFile = "组织名称,统一社会信用代码,管理层级,组织类型,服务对象,所属社区（村）代码,活动地址,成立日期,成员人数,负责人,负责人电话,党组织建设,状态\r\n" +
	"街坊互助队,,社区管理,居民互助性,老年人,440106008007,天河南二路,43536,20,陈丽,13812345678,未建立,正常活动\r\n" +
	"  夕阳红舞蹈队 ,,社区管理,文体娱乐性,\"老年人、妇女\",４４０１０６００８００８,,2020年1月2日,１５,刘芳,１３９１２３４５６７８,,正常活动\r\n" +
	"坏日期小组,,社区管理,文体娱乐性,,440106008008,,2020年2月30日,5,刘芳,13912345678,,正常活动\r\n" +
	",,,,,,,,,,,,\r\n"

func TestCSVInEveryEncoding(t *testing.T) {
	for _, c := range []struct {
		name    string
		content func(t *testing.T) []byte
	}{
		{"utf-8", func(t *testing.T) []byte { return []byte(csvFile) }},
		{"utf-8 with BOM", func(t *testing.T) []byte { return append([]byte("\uFEFF"), csvFile...) }},
		{"gbk", func(t *testing.T) []byte { return gbk(t, csvFile) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := setup(t)
			path := write(t, "census.csv", c.content(t))
			rep := report(t, f, f.street, path, "census.csv", false)
			want := "4|成立日期|日期无法识别，请写作 2021-03-05、2021/3/5 或 2021年3月5日。\n"
			if got := errorLines(rep); got != want || count(t, f, "orgs") != 0 {
				t.Fatalf("errors:\n%s\nwant:\n%s", got, want)
			}
			fixed := strings.Replace(string(c.content(t)), "2020年2月30日", "2020年2月3日", 1)
			if c.name == "gbk" {
				fixed = strings.Replace(string(c.content(t)), string(gbk(t, "2020年2月30日")), string(gbk(t, "2020年2月3日")), 1)
			}
			rep = report(t, f, f.street, write(t, "census.csv", []byte(fixed)), "census.csv", false)
			if len(rep.Errors) != 0 || rep.Created != 3 {
				t.Fatalf("%+v %s", rep, errorLines(rep))
			}
			p, _ := f.reg.List(f.ctx, f.street, registry.Filter{Q: "夕阳红"})
			if p.Total != 1 || p.Items[0].Name != "夕阳红舞蹈队" || p.Items[0].Members != 15 || p.Items[0].LeaderPhone != "13912345678" ||
				p.Items[0].FoundedOn != "2020-01-02" || strings.Join(p.Items[0].TargetGroups, ",") != "elderly,women" {
				t.Fatalf("stored %+v", p.Items)
			}
		})
	}
}
