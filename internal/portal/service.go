// Package portal is the public portal (issue 17, C16/C23): pages and a JSON
// API with no sign-in for a place (city, district, street, community), an
// organization and the activities, and the publication settings (信息公开)
// an organization keeps for what it shows beyond the registry's public
// facts. It reads the other rooms through their services: the registry's
// list and search, the indicators' dashboard evaluation, the funding
// calls' public view.
package portal

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"linli/internal/activity"
	"linli/internal/funding"
	"linli/internal/geo"
	"linli/internal/hub"
	"linli/internal/kpi"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/flight"
	"linli/internal/platform/i18n"
	"linli/internal/platform/upload"
	"linli/internal/registry"
)

// Extras are what other rooms add to the portal's pages once wired: an
// organization's ratings summary and a place's typical cases (the
// residents' room). Nil, or a nil answer, shows nothing.
type Extras interface {
	OrgRatings(ctx context.Context, orgID int64) (*Ratings, error)
	PlaceCases(ctx context.Context, code string, n int) ([]Case, error)
}

// Ratings summarises residents' ratings of an organization.
type Ratings struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"` // 1…5
	Link    string  `json:"link,omitempty"`
}

// Case is a published typical case (典型案例) on a place's page.
type Case struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Link    string `json:"link"`
}

// SurveyRef is a residents' survey with published results on a place's page.
type SurveyRef struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	Place   string `json:"place"`
	Period  string `json:"period"`
	Answers int    `json:"answers"`
	Link    string `json:"link"`
}

// Service answers the portal's questions.
type Service struct {
	DB      *db.DB
	Geo     *geo.Store
	Orgs    *registry.Service
	KPI     *kpi.Service
	Funding *funding.Service
	Cat     *i18n.Catalog
	Now     func() time.Time
	// Extras (ratings, cases) and Grade (an organization's grade, from the
	// evaluation room) are optional hooks.
	Extras Extras
	Grade  func(ctx context.Context, orgID int64) (string, error)
	// Surveys lists the residents' surveys whose results their owner
	// published, concerning a place (the residents' room); nil: none.
	Surveys func(ctx context.Context, code string, n int) ([]SurveyRef, error)
	// MaxPhoto is the largest photo accepted (bytes; 0: 2 MiB).
	MaxPhoto int64

	pages flight.Cache[*Place] // the places' default pages (cache.go)
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

func (s *Service) today() time.Time {
	t := s.now().In(clock.China)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// viewer is who the portal reads the registry as: an auditor of the
// place's city (read-only), whose answers the portal then narrows to the
// public facts.
func viewer(code string) *auth.User {
	if len(code) > 4 {
		code = code[:4]
	}
	return &auth.User{Username: "portal", Role: auth.Auditor, ScopeCode: code}
}

// PublicOrg is an organization as the public sees it: the registry's
// public facts always, the rest only as published.
type PublicOrg struct {
	ID                int64    `json:"id"`
	Name              string   `json:"name"`
	Tier              string   `json:"tier"`
	Types             []string `json:"types"`
	TargetGroups      []string `json:"target_groups"`
	CommunityCode     string   `json:"community_code"`
	CommunityName     string   `json:"community_name,omitempty"`
	StreetCode        string   `json:"street_code"`
	DistrictCode      string   `json:"district_code"`
	IsHub             bool     `json:"is_hub"`
	Brand             bool     `json:"brand"`
	Demonstration     bool     `json:"demonstration"`
	DemonstrationYear int      `json:"demonstration_year,omitempty"`
	VolunteerMark     bool     `json:"volunteer_mark"`
	// HubID/HubName: the hub organization it is a custody member of.
	HubID   int64  `json:"hub_id,omitempty"`
	HubName string `json:"hub_name,omitempty"`
	// Grade is the evaluation grade (等级), once the evaluation room tells it.
	Grade string `json:"grade,omitempty"`
	// Published parts.
	Contact     *Contact   `json:"contact,omitempty"`
	Description string     `json:"description,omitempty"`
	HowToJoin   string     `json:"how_to_join,omitempty"`
	Finances    string     `json:"finances,omitempty"`
	Charter     string     `json:"charter,omitempty"`
	Officers    string     `json:"officers,omitempty"`
	Photos      []Photo    `json:"photos,omitempty"`
	Activities  []Activity `json:"activities,omitempty"`
	Ratings     *Ratings   `json:"ratings,omitempty"`
	URL         string     `json:"url"`
}

// Contact is a public contact an organization published.
type Contact struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// publicOf copies the public facts of an organization, and what its
// settings publish (pub may be nil).
func publicOf(o *registry.Org, pub *Settings) PublicOrg {
	p := PublicOrg{ID: o.ID, Name: o.Name, Tier: o.Tier, Types: nonNil(o.Types), TargetGroups: nonNil(o.TargetGroups),
		CommunityCode: o.CommunityCode, StreetCode: o.StreetCode, DistrictCode: o.DistrictCode, IsHub: o.Hub,
		Brand: o.Brand, Demonstration: o.Demonstration, DemonstrationYear: o.DemonstrationYear,
		VolunteerMark: o.VolunteerMark, URL: fmt.Sprintf("/p/orgs/%d", o.ID)}
	if pub == nil {
		return p
	}
	v := published(pub)
	if v.Contact {
		p.Contact = &Contact{Name: v.ContactName, Phone: v.ContactPhone}
	}
	p.Description, p.HowToJoin, p.Finances, p.Charter, p.Officers = v.Description, v.HowToJoin, v.FinancesText, v.CharterText, v.OfficersText
	return p
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// OrgQuery selects organizations for a public list.
type OrgQuery struct {
	Within      string
	Q           string
	Type        string
	TargetGroup string
	Page        int
	PerPage     int
}

// OrgPage is a page of public organizations.
type OrgPage struct {
	Items   []PublicOrg `json:"items"`
	Total   int         `json:"total"`
	More    bool        `json:"more,omitempty"`
	Page    int         `json:"page"`
	PerPage int         `json:"per_page"`
}

// maxPerPage bounds the portal's pages.
const maxPerPage = 50

// checkPlacePage checks what every public list of a place is asked: the
// place's code, and a page within the portal's bounds.
func checkPlacePage(f errs.Fields, within string, page, perPage int) {
	if !validCode(within) {
		f.Add("within", "err.portal.place")
	}
	if perPage < 0 || perPage > maxPerPage {
		f.Add("per_page", "err.portal.per_page", maxPerPage)
	}
	if page < 0 || page > 10000 {
		f.Add("page", "err.portal.page")
	}
}

// SearchOrgs lists the active organizations of a place, by name (the
// registry's own Chinese and pinyin search), type and target group.
func (s *Service) SearchOrgs(ctx context.Context, q OrgQuery) (*OrgPage, error) {
	return s.searchOrgs(ctx, q, false)
}

// searchOrgs is SearchOrgs; known: the place is known to exist (a place's
// page read it already).
func (s *Service) searchOrgs(ctx context.Context, q OrgQuery, known bool) (*OrgPage, error) {
	f := errs.Fields{}
	if q.Within == "" {
		q.Within = s.homeCode(ctx)
	}
	checkPlacePage(f, q.Within, q.Page, q.PerPage)
	if q.Type != "" && !slices.Contains(registry.Types, q.Type) {
		f.Add("type", "err.unknown_value", q.Type)
	}
	if q.TargetGroup != "" && !slices.Contains(registry.TargetGroups, q.TargetGroup) {
		f.Add("target_group", "err.unknown_value", q.TargetGroup)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if !known {
		ok, err := s.Geo.Exists(ctx, q.Within)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errs.Missing()
		}
	}
	if q.PerPage == 0 {
		q.PerPage = 20
	}
	// without a search, by community: the order of the registry's
	// community index, so a page reads its rows and no more
	sort := ""
	if strings.TrimSpace(q.Q) == "" {
		sort = "code"
	}
	pg, err := s.Orgs.List(ctx, viewer(q.Within), registry.Filter{Within: q.Within, Q: q.Q, Type: q.Type,
		TargetGroup: q.TargetGroup, Status: registry.StatusActive, Sort: sort, Page: max(q.Page, 1), PerPage: q.PerPage})
	if err != nil {
		return nil, err
	}
	out := &OrgPage{Items: []PublicOrg{}, Total: pg.Total, More: pg.More, Page: pg.Page, PerPage: pg.PerPage}
	ids := make([]int64, 0, len(pg.Items))
	codes := make([]string, 0, len(pg.Items))
	for _, o := range pg.Items {
		ids = append(ids, o.ID)
		codes = append(codes, o.CommunityCode)
	}
	pubs, err := settingsOf(ctx, s.DB.Read, ids)
	if err != nil {
		return nil, err
	}
	// the communities' names in one read (a city's page lists many)
	slices.Sort(codes)
	nodes, err := s.Geo.GetMany(ctx, slices.Compact(codes))
	if err != nil {
		return nil, err
	}
	for _, o := range pg.Items {
		if o.Status != registry.StatusActive {
			continue
		}
		p := publicOf(o, pubs[o.ID])
		if n := nodes[o.CommunityCode]; n != nil {
			p.CommunityName = n.Name
		}
		out.Items = append(out.Items, p)
	}
	return out, nil
}

// Org is an active organization's public page.
func (s *Service) Org(ctx context.Context, id int64) (*PublicOrg, error) {
	o, err := s.Orgs.Lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	if o == nil || o.Status != registry.StatusActive {
		return nil, errs.Missing()
	}
	set, err := getSettings(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	p := publicOf(o, set)
	if n, err := s.Geo.Get(ctx, o.CommunityCode); err == nil && n != nil {
		p.CommunityName = n.Name
	}
	if p.HubID, p.HubName, err = hub.HubOf(ctx, s.DB.Read, id); err != nil {
		return nil, err
	}
	if set.Photos {
		if p.Photos, err = listPhotos(ctx, s.DB.Read, id); err != nil {
			return nil, err
		}
	}
	if set.Activities {
		if p.Activities, err = orgActivities(ctx, s.DB.Read, id, 10); err != nil {
			return nil, err
		}
	}
	if s.Grade != nil {
		if p.Grade, err = s.Grade(ctx, id); err != nil {
			return nil, err
		}
	}
	if s.Extras != nil {
		if p.Ratings, err = s.Extras.OrgRatings(ctx, id); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

// homeCode is the place the portal's home page shows: the first city.
func (s *Service) homeCode(ctx context.Context) string {
	cities, err := s.Geo.Under(ctx, "", geo.City, 1)
	if err != nil || len(cities) == 0 {
		return "4401"
	}
	return cities[0].Code
}

// districts lists a city's districts, which its activity lists read one
// by one (each a range of the activities' district-and-day index); nil
// below a city.
func (s *Service) districts(ctx context.Context, code string) ([]string, error) {
	if len(code) != 4 {
		return nil, nil
	}
	kids, err := s.Geo.Children(ctx, code)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(kids))
	for _, k := range kids {
		out = append(out, k.Code)
	}
	return out, nil
}

// ActivityDays counts a place's public activities per day of a period.
func (s *Service) ActivityDays(ctx context.Context, code, from, to string) (map[string]int, error) {
	ds, err := s.districts(ctx, code)
	if err != nil {
		return nil, err
	}
	return activityDays(ctx, s.DB.Read, code, ds, from, to)
}

// ActivityQuery selects public activities.
type ActivityQuery struct {
	Within   string
	From, To string
	Page     int
	PerPage  int
}

// ActivityPage is a page of public activities.
type ActivityPage struct {
	Items   []Activity `json:"items"`
	Total   int        `json:"total"`
	Page    int        `json:"page"`
	PerPage int        `json:"per_page"`
}

// Activities lists the public activities of a place in a period, soonest
// first (default: from today on).
func (s *Service) Activities(ctx context.Context, q ActivityQuery) (*ActivityPage, error) {
	if q.Within == "" {
		q.Within = s.homeCode(ctx)
	}
	f := errs.Fields{}
	checkPlacePage(f, q.Within, q.Page, q.PerPage)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if err := checkRange(q.From, q.To); err != nil {
		return nil, err
	}
	if ok, err := s.Geo.Exists(ctx, q.Within); err != nil {
		return nil, err
	} else if !ok {
		return nil, errs.Missing()
	}
	if q.From == "" && q.To == "" {
		q.From = s.today().Format(time.DateOnly)
	}
	q.Page, q.PerPage = max(q.Page, 1), cmp.Or(q.PerPage, 20)
	ds, err := s.districts(ctx, q.Within)
	if err != nil {
		return nil, err
	}
	items, total, err := publicActivities(ctx, s.DB.Read, activity.PublicFilter{Within: q.Within, Districts: ds, From: q.From, To: q.To, Asc: true,
		Limit: q.PerPage, Offset: (q.Page - 1) * q.PerPage})
	if err != nil {
		return nil, err
	}
	return &ActivityPage{Items: items, Total: total, Page: q.Page, PerPage: q.PerPage}, nil
}

// ChildPlace is a place one level down, with its active organizations.
type ChildPlace struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Orgs int    `json:"orgs"`
}

// Indicator is one of the plan's indicators at a place, as the dashboard
// evaluates it, with its reading.
type Indicator struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	Status    string   `json:"status"`
	State     string   `json:"state_text"`
	Value     *float64 `json:"value"`
	ValueText string   `json:"value_text"`
	Target    float64  `json:"target"`
	Goal      string   `json:"target_text"`
	Deadline  string   `json:"deadline"`
	UnitsMet  string   `json:"units_met,omitempty"`
	Verdict   string   `json:"verdict,omitempty"`
	Clause    string   `json:"clause,omitempty"`
	Reading   string   `json:"reading,omitempty"`
}

// CallRef is a project call open to a place, with its results.
type CallRef struct {
	ID         int64                  `json:"id"`
	Title      string                 `json:"title"`
	Channel    string                 `json:"channel"`
	UnitCode   string                 `json:"unit_code"`
	State      string                 `json:"state"`
	OpensOn    string                 `json:"opens_on"`
	ClosesOn   string                 `json:"closes_on"`
	BudgetFen  int64                  `json:"budget_fen"`
	AwardedFen int64                  `json:"awarded_fen"`
	Results    []funding.PublicResult `json:"results"`
	URL        string                 `json:"url"`
}

// Place is the portal's data for a place.
type Place struct {
	Code       string         `json:"code"`
	Name       string         `json:"name"`
	Level      string         `json:"level"`
	Path       []geo.Node     `json:"path"`
	Children   []ChildPlace   `json:"children"`
	Orgs       *OrgPage       `json:"orgs"`
	Upcoming   []Activity     `json:"upcoming_activities"`
	Recent     []Activity     `json:"recent_activities"`
	Month      string         `json:"month"`
	Days       map[string]int `json:"activity_days"`
	Calls      []CallRef      `json:"calls"`
	AsOf       string         `json:"as_of"`
	Indicators []Indicator    `json:"indicators"`
	Cases      []Case         `json:"cases"`
	Surveys    []SurveyRef    `json:"surveys"`
	// MapLayers are the public map's choices (none: no boundaries below).
	MapLayers []MapLayer `json:"-"`
	// Locator: a district without boundaries below is shown on its city's
	// map (the city's code; "" for none), and Ranking, its places below by
	// organizations, is the table the map degrades to.
	Locator  string       `json:"-"`
	Ranking  []ChildPlace `json:"-"`
	Calendar [][]CalDay   `json:"-"`
	// page: the rendered pages of a cached Place (cache.go); nil otherwise
	page *finished
}

// PlaceQuery is what a place's page may choose.
type PlaceQuery struct {
	Code   string
	Orgs   OrgQuery
	Month  string
	AsOf   string
	Lang   string
	NoOrgs bool
}

// Place gathers a place's page: its default view (no search, the first
// page of organizations, this month, today's indicators) from the cache
// (cache.go), any other from the records. The Place returned is read, never
// changed.
func (s *Service) Place(ctx context.Context, q PlaceQuery) (*Place, error) {
	if !validCode(q.Code) {
		return nil, errs.Missing()
	}
	q.Lang = cmpStr(q.Lang, i18n.ZH)
	today := s.today()
	if o := q.Orgs; o.Q == "" && o.Type == "" && o.TargetGroup == "" && o.Page <= 1 && o.PerPage == 0 && q.AsOf == "" && !q.NoOrgs &&
		(q.Month == "" || q.Month == today.Format("2006-01")) {
		return s.cachedPlace(ctx, q, today)
	}
	return s.makePlace(ctx, q)
}

// makePlace makes a place's page from the records.
func (s *Service) makePlace(ctx context.Context, q PlaceQuery) (*Place, error) {
	code := q.Code
	// the place and its ancestors in one read
	path, err := s.Geo.Path(ctx, code)
	if err != nil {
		return nil, err
	}
	if len(path) == 0 || path[len(path)-1].Code != code {
		return nil, errs.Missing()
	}
	p := &Place{Code: code, Name: path[len(path)-1].Name, Level: levelName(code), Children: []ChildPlace{}, Upcoming: []Activity{},
		Recent: []Activity{}, Calls: []CallRef{}, Indicators: []Indicator{}, Cases: []Case{}, Surveys: []SurveyRef{}, Path: path}
	// the path starts at the city: the province is not a portal page
	p.Path = slices.DeleteFunc(p.Path, func(n geo.Node) bool { return len(n.Code) < 4 })
	if n := geo.ChildLen(code); n > 0 {
		kids, err := s.Geo.Children(ctx, code)
		if err != nil {
			return nil, err
		}
		counts, err := s.Orgs.ChildCounts(ctx, viewer(code), code, n)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			p.Children = append(p.Children, ChildPlace{Code: k.Code, Name: k.Name, Orgs: counts[k.Code]})
		}
	}
	oq := q.Orgs
	oq.Within = code
	if p.Orgs, err = s.searchOrgs(ctx, oq, true); err != nil {
		return nil, err
	}
	today := s.today()
	day := today.Format(time.DateOnly)
	ds, err := s.districts(ctx, code)
	if err != nil {
		return nil, err
	}
	// the days ahead and behind a page lists: a community's two months, a
	// street's one, a district's or a city's two weeks (where activities
	// are many and the lists read every one of the period)
	span := map[int]int{4: 14, 6: 14, 9: 30}[len(code)]
	if span == 0 {
		span = 60
	}
	if p.Upcoming, _, err = publicActivities(ctx, s.DB.Read, activity.PublicFilter{Within: code, Districts: ds, From: day,
		To: today.AddDate(0, 0, span).Format(time.DateOnly), Asc: true, NoCount: true, Limit: 8}); err != nil {
		return nil, err
	}
	if p.Recent, _, err = publicActivities(ctx, s.DB.Read, activity.PublicFilter{Within: code, Districts: ds,
		From: today.AddDate(0, 0, -span).Format(time.DateOnly), To: today.AddDate(0, 0, -1).Format(time.DateOnly), NoCount: true, Limit: 8}); err != nil {
		return nil, err
	}
	month := monthOf(q.Month, today)
	p.Month = month.Format("2006-01")
	last := month.AddDate(0, 1, -1)
	if p.Days, err = activityDays(ctx, s.DB.Read, code, ds, month.Format(time.DateOnly), last.Format(time.DateOnly)); err != nil {
		return nil, err
	}
	p.Calendar = calendar(month, p.Days, day)
	if p.Calls, err = s.calls(ctx, code); err != nil {
		return nil, err
	}
	d, rows, err := s.KPI.Public(ctx, code, q.AsOf, s.Cat, cmpStr(q.Lang, i18n.ZH))
	if err != nil {
		return nil, err
	}
	p.AsOf = d.AsOf
	for _, r := range rows {
		p.Indicators = append(p.Indicators, Indicator{Key: r.Result.Key, Name: r.Row.Name, Status: r.Result.Status,
			State: r.Row.StatusText, Value: r.Result.Value, ValueText: r.Row.Value, Target: r.Result.Target, Goal: r.Target,
			Deadline: r.Result.Deadline, UnitsMet: r.Row.UnitsMet, Verdict: r.Row.Verdict, Clause: r.Result.Clause, Reading: r.Reading})
	}
	if s.Extras != nil {
		cs, err := s.Extras.PlaceCases(ctx, code, 5)
		if err != nil {
			return nil, err
		}
		if cs != nil {
			p.Cases = cs
		}
	}
	p.MapLayers = mapLayers(code, p.Indicators, cmpStr(q.Lang, i18n.ZH))
	if len(p.MapLayers) == 0 {
		p.Locator, p.Ranking = locator(code), ranking(p.Children)
	}
	if s.Surveys != nil {
		svs, err := s.Surveys(ctx, code, 5)
		if err != nil {
			return nil, err
		}
		if svs != nil {
			p.Surveys = svs
		}
	}
	return p, nil
}

func cmpStr(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// calls lists the project calls open to a place (its own and those of the
// places above and below it), newest first, with their published results.
func (s *Service) calls(ctx context.Context, code string) ([]CallRef, error) {
	list, _, err := s.Funding.Calls(ctx, &auth.User{Username: "portal", Role: auth.Auditor, ScopeCode: code}, 1, 5)
	if err != nil {
		return nil, err
	}
	out := []CallRef{}
	for _, c := range list {
		pc, err := s.Funding.Public(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		ref := CallRef{ID: c.ID, Title: c.Title, Channel: c.Channel, UnitCode: c.UnitCode, State: pc.State, OpensOn: c.OpensOn,
			ClosesOn: c.ClosesOn, BudgetFen: c.BudgetFen, AwardedFen: pc.AwardedFen, Results: pc.Results,
			URL: fmt.Sprintf("/p/calls/%d", c.ID)}
		if len(ref.Results) > 5 {
			ref.Results = ref.Results[:5]
		}
		out = append(out, ref)
	}
	return out, nil
}

// Call is a project call as published.
func (s *Service) Call(ctx context.Context, id int64) (*funding.PublicCall, error) {
	return s.Funding.Public(ctx, id)
}

// manages reads an organization whose publication settings the user
// keeps (keepsSettings).
func (s *Service) manages(ctx context.Context, u *auth.User, orgID int64) (*registry.Org, error) {
	if u == nil {
		return nil, errs.E(errs.Unauthenticated, "err.sign_in")
	}
	o, err := s.Orgs.Get(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	if !keepsSettings(u, o) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	return o, nil
}

// CanManage tells whether the user keeps the organization's settings.
func (s *Service) CanManage(ctx context.Context, u *auth.User, orgID int64) bool {
	_, err := s.manages(ctx, u, orgID)
	return err == nil
}

// Settings returns an organization's publication settings to those who
// keep them.
func (s *Service) Settings(ctx context.Context, u *auth.User, orgID int64) (*Settings, []Photo, error) {
	if _, err := s.manages(ctx, u, orgID); err != nil {
		return nil, nil, err
	}
	set, err := getSettings(ctx, s.DB.Read, orgID)
	if err != nil {
		return nil, nil, err
	}
	ps, err := listPhotos(ctx, s.DB.Read, orgID)
	return set, ps, err
}

// PutSettings saves an organization's publication settings, audited with
// what changed. in.Version must be the version read (0 when none stored).
func (s *Service) PutSettings(ctx context.Context, u *auth.User, orgID int64, in Settings) (*Settings, error) {
	o, err := s.manages(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	in.OrgID = orgID
	if err := checkSettings(&in); err != nil {
		return nil, err
	}
	now := s.now()
	var out *Settings
	err = s.DB.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := getSettings(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if in.Version != old.Version {
			return errs.E(errs.Conflict, "err.portal.version")
		}
		ok, err := putSettings(ctx, tx, &in, old.Version, u.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "err.portal.version")
		}
		if out, err = getSettings(ctx, tx, orgID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "portal.publication", ObjectType: "org",
			ObjectID: fmt.Sprint(orgID), ScopeCode: o.CommunityCode, Detail: map[string]any{"before": auditView(old), "after": auditView(out)}})
	})
	return out, err
}

// PutSettingsMany sets the publication settings of several organizations
// at once, each replacing what is stored (the batch form of PutSettings,
// for a committee publishing for its community's organizations, and the
// demo): the same rule per organization (its leader or its community's
// committee), the same checks, one audit row each, all or nothing.
func (s *Service) PutSettingsMany(ctx context.Context, u *auth.User, in []Settings) error {
	scope := make(map[int64]string, len(in))
	for i := range in {
		o, err := s.manages(ctx, u, in[i].OrgID)
		if err != nil {
			return err
		}
		if err := checkSettings(&in[i]); err != nil {
			return err
		}
		scope[in[i].OrgID] = o.CommunityCode
	}
	now := s.now()
	return s.DB.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for lo := 0; lo < len(in); lo += 500 {
			part := in[lo:min(lo+500, len(in))]
			ids := make([]int64, len(part))
			for i, x := range part {
				ids[i] = x.OrgID
			}
			olds, err := settingsOf(ctx, tx, ids)
			if err != nil {
				return err
			}
			for i := range part {
				old := olds[part[i].OrgID]
				if old == nil {
					old = &Settings{OrgID: part[i].OrgID}
				}
				ok, err := putSettings(ctx, tx, &part[i], old.Version, u.ID, now)
				if err != nil {
					return err
				}
				if !ok {
					return errs.E(errs.Conflict, "err.portal.version")
				}
				after := part[i]
				after.Version = old.Version + 1
				if err := audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "portal.publication", ObjectType: "org",
					ObjectID: fmt.Sprint(after.OrgID), ScopeCode: scope[after.OrgID],
					Detail: map[string]any{"before": auditView(old), "after": auditView(&after)}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// auditView is what the audit row keeps of settings: the switches and
// texts, with the contact phone masked (audit rows keep only masked phones).
func auditView(s *Settings) map[string]any {
	return map[string]any{"contact": s.Contact, "contact_name": s.ContactName, "contact_phone": maskPhone(s.ContactPhone),
		"about": s.About, "description": s.Description, "how_to_join": s.HowToJoin, "photos": s.Photos,
		"finances": s.Finances, "finances_text": s.FinancesText, "charter": s.Charter, "charter_text": s.CharterText,
		"officers_text": s.OfficersText, "activities": s.Activities, "version": s.Version}
}

func maskPhone(p string) string {
	r := []rune(p)
	if len(r) < 7 {
		return p
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}

// photoTypes are the images accepted.
var photoTypes = []string{"image/jpeg", "image/png", "image/webp", "image/gif"}

func (s *Service) maxPhoto() int64 {
	if s.MaxPhoto > 0 {
		return s.MaxPhoto
	}
	return 2 << 20
}

// AddPhoto stores a photo an organization publishes (checked by content).
func (s *Service) AddPhoto(ctx context.Context, u *auth.User, orgID int64, f *upload.File, caption string) (*Photo, error) {
	o, err := s.manages(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	fe := errs.Fields{}
	ct, prob := "", upload.Missing
	if f != nil {
		ct, prob = upload.Check(f.Data, s.maxPhoto(), photoTypes)
	}
	if prob != upload.OK {
		var data []byte
		if f != nil {
			data = f.Data
		}
		m := upload.Msg(prob, data, s.maxPhoto(), photoTypes)
		fe.Add("photo", m.Key, m.Args...)
	}
	if len([]rune(caption)) > 100 {
		fe.Add("caption", "err.portal.too_long", 100)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	p := &Photo{OrgID: orgID, ContentType: ct, Size: int64(len(f.Data)), Caption: caption, CreatedAt: now}
	sum := sha256.Sum256(f.Data)
	err = s.DB.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		ps, err := listPhotos(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if len(ps) >= maxPhotos {
			return errs.Field("photo", "err.portal.photo_count", maxPhotos)
		}
		if err := insertPhoto(ctx, tx, p, hex.EncodeToString(sum[:]), f.Data, u.ID); err != nil {
			return fmt.Errorf("portal: add photo: %w", err)
		}
		p.URL = fmt.Sprintf("/p/orgs/%d/photos/%d", orgID, p.ID)
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "portal.photo_add", ObjectType: "org",
			ObjectID: fmt.Sprint(orgID), ScopeCode: o.CommunityCode,
			Detail: map[string]any{"photo_id": p.ID, "content_type": ct, "size_bytes": p.Size, "sha256": hex.EncodeToString(sum[:]), "caption": caption}})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeletePhoto removes a photo, audited.
func (s *Service) DeletePhoto(ctx context.Context, u *auth.User, orgID, id int64) error {
	o, err := s.manages(ctx, u, orgID)
	if err != nil {
		return err
	}
	now := s.now()
	return s.DB.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		ok, err := deletePhoto(ctx, tx, orgID, id)
		if err != nil {
			return err
		}
		if !ok {
			return errs.Missing()
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "portal.photo_delete", ObjectType: "org",
			ObjectID: fmt.Sprint(orgID), ScopeCode: o.CommunityCode, Detail: map[string]any{"photo_id": id}})
	})
}

// PhotoData returns a published photo's bytes: only while the organization
// is active and publishes its photos.
func (s *Service) PhotoData(ctx context.Context, orgID, id int64) (string, []byte, error) {
	o, err := s.Orgs.Lookup(ctx, orgID)
	if err != nil || o == nil || o.Status != registry.StatusActive {
		return "", nil, errs.Missing()
	}
	set, err := getSettings(ctx, s.DB.Read, orgID)
	if err != nil {
		return "", nil, err
	}
	if !set.Photos {
		return "", nil, errs.Missing()
	}
	ct, data, err := photoData(ctx, s.DB.Read, orgID, id)
	if err != nil {
		return "", nil, err
	}
	if data == nil {
		return "", nil, errs.Missing()
	}
	return ct, data, nil
}
