package portal

import (
	"strings"
	"time"
	"unicode/utf8"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// keepsSettings: an organization's publication settings are kept by its
// leader and by the community committee of its community (the portal's
// organization page shows them the link to the settings).
func keepsSettings(u *auth.User, o *registry.Org) bool {
	switch {
	case u == nil || u.ReadOnly():
		return false
	case u.OwnOrgOnly():
		return u.OrgID == o.ID
	}
	return u.Role == auth.CommunityCommittee && u.InScope(o.CommunityCode)
}

// Settings are what an organization publishes on the portal (信息公开) beyond
// the registry's public facts. Every part is off until turned on.
type Settings struct {
	OrgID        int64     `json:"org_id"`
	Contact      bool      `json:"contact"`
	ContactName  string    `json:"contact_name"`
	ContactPhone string    `json:"contact_phone"`
	About        bool      `json:"about"`
	Description  string    `json:"description"`
	HowToJoin    string    `json:"how_to_join"`
	Photos       bool      `json:"photos"`
	Finances     bool      `json:"finances"`
	FinancesText string    `json:"finances_text"`
	Charter      bool      `json:"charter"`
	CharterText  string    `json:"charter_text"`
	OfficersText string    `json:"officers_text"`
	Activities   bool      `json:"activities"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"`
	Version      int       `json:"version"`
}

// Limits of the published texts, in characters.
const (
	maxName  = 40
	maxShort = 2000
	maxLong  = 8000
)

// normalize trims the texts.
func (s *Settings) normalize() {
	for _, p := range []*string{&s.ContactName, &s.ContactPhone, &s.Description, &s.HowToJoin, &s.FinancesText,
		&s.CharterText, &s.OfficersText} {
		*p = strings.TrimSpace(*p)
	}
	s.ContactPhone = strings.ReplaceAll(s.ContactPhone, " ", "")
}

// validPhone: a public contact number, 7 to 20 digits with optional
// hyphens and a leading plus.
func validPhone(p string) bool {
	p = strings.TrimPrefix(p, "+")
	digits := 0
	for _, c := range p {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '-':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 20
}

// checkSettings decides whether settings may be saved: a published contact
// needs a name and a valid phone; a published description needs a text;
// every text is bounded.
func checkSettings(s *Settings) error {
	s.normalize()
	f := errs.Fields{}
	if s.Contact {
		if s.ContactName == "" {
			f.Add("contact_name", "err.required")
		}
		if !validPhone(s.ContactPhone) {
			f.Add("contact_phone", "err.portal.phone")
		}
	}
	if s.About && s.Description == "" {
		f.Add("description", "err.required")
	}
	if s.Finances && s.FinancesText == "" {
		f.Add("finances_text", "err.required")
	}
	if s.Charter && s.CharterText == "" && s.OfficersText == "" {
		f.Add("charter_text", "err.required")
	}
	for _, c := range []struct {
		field, v string
		max      int
	}{{"contact_name", s.ContactName, maxName}, {"contact_phone", s.ContactPhone, 24},
		{"description", s.Description, maxShort}, {"how_to_join", s.HowToJoin, maxShort},
		{"finances_text", s.FinancesText, maxShort}, {"charter_text", s.CharterText, maxLong},
		{"officers_text", s.OfficersText, maxShort}} {
		if utf8.RuneCountInString(c.v) > c.max {
			f.Add(c.field, "err.portal.too_long", c.max)
		}
	}
	return f.Err()
}

// published keeps only the parts an organization turned on: what the
// portal may show of its settings.
func published(s *Settings) Settings {
	out := Settings{OrgID: s.OrgID}
	if s.Contact {
		out.Contact, out.ContactName, out.ContactPhone = true, s.ContactName, s.ContactPhone
	}
	if s.About {
		out.About, out.Description, out.HowToJoin = true, s.Description, s.HowToJoin
	}
	if s.Finances {
		out.Finances, out.FinancesText = true, s.FinancesText
	}
	if s.Charter {
		out.Charter, out.CharterText, out.OfficersText = true, s.CharterText, s.OfficersText
	}
	out.Photos, out.Activities = s.Photos, s.Activities
	return out
}

// Place levels by code length.
func levelName(code string) string {
	switch len(code) {
	case 2:
		return "province"
	case 4:
		return "city"
	case 6:
		return "district"
	case 9:
		return "street"
	case 12:
		return "community"
	}
	return ""
}

// validCode: a division code of a level the portal has a page for.
func validCode(code string) bool {
	if levelName(code) == "" || len(code) == 2 {
		return false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// monthOf parses YYYY-MM, falling back to the month of today.
func monthOf(s string, today time.Time) time.Time {
	if t, err := time.Parse("2006-01", s); err == nil && t.Year() >= 2000 && t.Year() <= 2100 {
		return t
	}
	return time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// CalDay is a day of a month calendar with its activities count.
type CalDay struct {
	Day   string // YYYY-MM-DD; "" for the padding before the first
	N     int
	Num   int
	Today bool
}

// calendar lays a month out in weeks starting on Monday.
func calendar(month time.Time, counts map[string]int, today string) [][]CalDay {
	first := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	pad := (int(first.Weekday()) + 6) % 7
	var weeks [][]CalDay
	week := make([]CalDay, pad)
	for d := first; d.Month() == first.Month(); d = d.AddDate(0, 0, 1) {
		k := d.Format(time.DateOnly)
		week = append(week, CalDay{Day: k, N: counts[k], Num: d.Day(), Today: k == today})
		if len(week) == 7 {
			weeks = append(weeks, week)
			week = nil
		}
	}
	if len(week) > 0 {
		for len(week) < 7 {
			week = append(week, CalDay{})
		}
		weeks = append(weeks, week)
	}
	return weeks
}

// checkRange checks a from/to pair of dates (YYYY-MM-DD, either empty).
func checkRange(from, to string) error {
	f := errs.Fields{}
	for _, c := range []struct{ field, v string }{{"from", from}, {"to", to}} {
		if c.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, c.v); err != nil {
			f.Add(c.field, "err.portal.date")
		}
	}
	if len(f) == 0 && from != "" && to != "" && to < from {
		f.Add("to", "err.portal.range")
	}
	if len(f) == 0 && from != "" && to != "" {
		a, _ := time.Parse(time.DateOnly, from)
		b, _ := time.Parse(time.DateOnly, to)
		if b.Sub(a) > 366*24*time.Hour {
			f.Add("to", "err.portal.range_long")
		}
	}
	return f.Err()
}
