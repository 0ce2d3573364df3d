package registry

import "linli/internal/platform/web"

// AppendJSON writes the page as encoding/json would (web.Appender): the
// organization list's JSON without the reflective encoder.
// TestOrgJSONMatchesEncoder holds the two equal.
func (p *Page) AppendJSON(b []byte) []byte {
	b = append(b, `{"items":`...)
	if p.Items == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, o := range p.Items {
			if i > 0 {
				b = append(b, ',')
			}
			b = o.AppendJSON(b)
		}
		b = append(b, ']')
	}
	b = web.AppendInt(append(b, `,"total":`...), int64(p.Total))
	if p.More {
		b = append(b, `,"more":true`...)
	}
	b = web.AppendInt(append(b, `,"page":`...), int64(p.Page))
	b = web.AppendInt(append(b, `,"per_page":`...), int64(p.PerPage))
	return append(b, '}')
}

// AppendJSON writes the organization as encoding/json would (web.Appender).
func (o *Org) AppendJSON(b []byte) []byte {
	if o == nil {
		return append(b, "null"...)
	}
	str := func(b []byte, key, v string) []byte { return web.AppendString(append(b, key...), v) }
	num := func(b []byte, key string, v int64) []byte { return web.AppendInt(append(b, key...), v) }
	flag := func(b []byte, key string, v bool) []byte { return web.AppendBool(append(b, key...), v) }
	b = num(b, `{"id":`, o.ID)
	b = str(b, `,"name":`, o.Name)
	b = str(b, `,"tier":`, o.Tier)
	b = web.AppendStrings(append(b, `,"types":`...), o.Types)
	b = web.AppendStrings(append(b, `,"target_groups":`...), o.TargetGroups)
	for _, f := range [...]struct{ key, v string }{{`,"community_code":`, o.CommunityCode},
		{`,"street_code":`, o.StreetCode}, {`,"district_code":`, o.DistrictCode}, {`,"credit_code":`, o.CreditCode},
		{`,"address":`, o.Address}, {`,"founded_on":`, o.FoundedOn}} {
		b = str(b, f.key, f.v)
	}
	b = num(b, `,"members":`, int64(o.Members))
	for _, f := range [...]struct{ key, v string }{{`,"leader_name":`, o.LeaderName}, {`,"leader_phone":`, o.LeaderPhone},
		{`,"party_org":`, o.PartyOrg}, {`,"party_instructor":`, o.PartyInstructor}} {
		b = str(b, f.key, f.v)
	}
	b = flag(b, `,"hub":`, o.Hub)
	b = flag(b, `,"brand":`, o.Brand)
	b = flag(b, `,"demonstration":`, o.Demonstration)
	if o.DemonstrationYear != 0 {
		b = num(b, `,"demonstration_year":`, int64(o.DemonstrationYear))
	}
	b = flag(b, `,"volunteer_mark":`, o.VolunteerMark)
	b = str(b, `,"status":`, o.Status)
	if o.ReturnReason != "" {
		b = str(b, `,"return_reason":`, o.ReturnReason)
	}
	if o.CreatedBy != 0 {
		b = num(b, `,"created_by":`, o.CreatedBy)
	}
	b = web.AppendTime(append(b, `,"created_at":`...), o.CreatedAt)
	b = web.AppendTime(append(b, `,"updated_at":`...), o.UpdatedAt)
	b = num(b, `,"version":`, int64(o.Version))
	if o.PhoneMasked {
		b = append(b, `,"phone_masked":true`...)
	}
	return append(b, '}')
}
