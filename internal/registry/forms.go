package registry

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"linli/internal/platform/errs"
)

// inputFromForm reads an organization form; number fields that do not parse
// are reported, the rest is kept as typed.
func inputFromForm(r *http.Request) (Input, errs.Fields) {
	r.ParseForm()
	f := r.PostForm
	fe := errs.Fields{}
	in := Input{
		Name: f.Get("name"), Tier: f.Get("tier"), Types: f["types"], TargetGroups: f["target_groups"],
		CommunityCode: f.Get("community_code"), CreditCode: f.Get("credit_code"), Address: f.Get("address"),
		FoundedOn: f.Get("founded_on"), LeaderName: f.Get("leader_name"), LeaderPhone: f.Get("leader_phone"),
		PartyOrg: f.Get("party_org"), PartyInstructor: f.Get("party_instructor"),
		Hub: f.Get("hub") == "1", Brand: f.Get("brand") == "1", VolunteerMark: f.Get("volunteer_mark") == "1",
		Status: f.Get("status"), EffectiveOn: strings.TrimSpace(f.Get("effective_on")), LateReason: strings.TrimSpace(f.Get("late_reason")),
	}
	in.Members = formInt(f, "members", fe)
	in.DemonstrationYear = formInt(f, "demonstration_year", fe)
	in.Version = formInt(f, "version", fe)
	return in, fe
}

func formInt(f url.Values, name string, fe errs.Fields) int {
	v := strings.TrimSpace(f.Get(name))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		fe.Add(name, "err.bad_number")
	}
	return n
}

// filterFromQuery reads list filters from a query string; "within" or the
// most specific of the cascade selects.
func filterFromQuery(q url.Values) (Filter, errs.Fields) {
	fe := errs.Fields{}
	f := Filter{Q: q.Get("q"), Tier: q.Get("tier"), Type: q.Get("type"), TargetGroup: q.Get("target_group"),
		Status: q.Get("status"), Sort: q.Get("sort"),
		Hub: q.Get("hub") == "1", Brand: q.Get("brand") == "1", Demonstration: q.Get("demonstration") == "1",
		VolunteerMark: q.Get("volunteer_mark") == "1"}
	f.Within = strings.TrimSpace(q.Get("within"))
	for _, k := range []string{"pick4", "pick6", "pick9", "community"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			f.Within = v
		}
	}
	f.Page = queryInt(q, "page", fe)
	f.PerPage = queryInt(q, "per_page", fe)
	if f.Page > MaxPage {
		fe.Add("page", "err.page_max", MaxPage)
	}
	if f.PerPage > MaxPerPage {
		fe.Add("per_page", "err.per_page_max", MaxPerPage)
	}
	if f.Tier != "" && indexOf(Tiers, f.Tier) < 0 {
		fe.Add("tier", "err.unknown_value", f.Tier)
	}
	if f.Type != "" && indexOf(Types, f.Type) < 0 {
		fe.Add("type", "err.unknown_value", f.Type)
	}
	if f.TargetGroup != "" && indexOf(TargetGroups, f.TargetGroup) < 0 {
		fe.Add("target_group", "err.unknown_value", f.TargetGroup)
	}
	if f.Status != "" && indexOf(Statuses, f.Status) < 0 {
		fe.Add("status", "err.unknown_value", f.Status)
	}
	if _, ok := sorts[f.Sort]; !ok {
		fe.Add("sort", "err.unknown_value", f.Sort)
	}
	if f.Within != "" && strings.Trim(f.Within, "0123456789") != "" {
		fe.Add("within", "err.unknown_division")
	}
	return f, fe
}

// queryInt is formInt for a count, which is never negative.
func queryInt(q url.Values, name string, fe errs.Fields) int {
	n := formInt(q, name, fe)
	if n < 0 {
		fe.Add(name, "err.bad_number")
	}
	return n
}

// MaxPage and MaxPerPage bound a list's page parameters: per_page above 200
// or page above a billion is a field error, and a page past the last is an
// empty page (its cost is a count, never the rows skipped).
const (
	MaxPage    = 1_000_000_000
	MaxPerPage = 200
)
