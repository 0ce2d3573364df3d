package registry

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"linli/internal/platform/errs"
)

// creditChars is the alphabet of the unified social credit code (GB 32100-2015).
const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCheckDigit returns the check character for the first 17 characters,
// or 0 if they hold a character outside the alphabet.
func CreditCheckDigit(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditChars, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * creditWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditChars[c]
}

// ValidCreditCode checks length, alphabet and check digit.
func ValidCreditCode(s string) bool {
	if len(s) != 18 {
		return false
	}
	c := CreditCheckDigit(s[:17])
	return c != 0 && s[17] == c
}

var (
	mobileRE   = regexp.MustCompile(`^1[3-9]\d{9}$`)
	landlineRE = regexp.MustCompile(`^0\d{2,3}-?\d{7,8}$`)
)

// ValidPhone accepts a mainland mobile number or a landline with area code.
func ValidPhone(s string) bool { return mobileRE.MatchString(s) || landlineRE.MatchString(s) }

// MaskPhone hides the middle of a phone number: 138****5678.
func MaskPhone(s string) string {
	r := []rune(s)
	if len(r) < 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}

// NameKey normalizes a name for duplicate detection: full-width to
// half-width (NFKC), no spaces, lower case.
func NameKey(name string) string {
	n := norm.NFKC.String(name)
	var b strings.Builder
	for _, r := range n {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// clean trims a text field and folds full-width ASCII (NFKC) where it matters.
func clean(s string) string { return strings.TrimSpace(s) }

func cleanCode(s string) string { return strings.ToUpper(strings.TrimSpace(norm.NFKC.String(s))) }

// normalize tidies the input in place.
func (in *Input) normalize() {
	in.Name = clean(in.Name)
	in.Tier = clean(in.Tier)
	in.CommunityCode = cleanCode(in.CommunityCode)
	in.CreditCode = cleanCode(in.CreditCode)
	in.Address = clean(in.Address)
	in.FoundedOn = clean(in.FoundedOn)
	in.LeaderName = clean(in.LeaderName)
	in.LeaderPhone = strings.ReplaceAll(strings.ReplaceAll(cleanCode(in.LeaderPhone), " ", ""), "－", "-")
	in.PartyOrg = clean(in.PartyOrg)
	in.PartyInstructor = clean(in.PartyInstructor)
	if in.PartyOrg == "" {
		in.PartyOrg = PartyNone
	}
	in.Types = dedupe(in.Types)
	in.TargetGroups = dedupe(in.TargetGroups)
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, x := range xs {
		x = strings.TrimSpace(x)
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// validate checks every field and returns all problems at once. now bounds
// the founding date.
func (in *Input) validate(now time.Time) errs.Fields {
	f := errs.Fields{}
	f.Length("name", in.Name, 2, 60)
	if indexOf(Tiers, in.Tier) < 0 {
		f.Add("tier", "err.choose_one")
	}
	if len(in.Types) == 0 {
		f.Add("types", "err.choose_at_least_one")
	}
	for _, t := range in.Types {
		if indexOf(Types, t) < 0 {
			f.Add("types", "err.unknown_value", t)
		}
	}
	for _, g := range in.TargetGroups {
		if indexOf(TargetGroups, g) < 0 {
			f.Add("target_groups", "err.unknown_value", g)
		}
	}
	if len(in.CommunityCode) != 12 || strings.Trim(in.CommunityCode, "0123456789") != "" {
		f.Add("community_code", "err.community_code")
	}
	switch {
	case in.Tier == TierRegistered && in.CreditCode == "":
		f.Add("credit_code", "err.credit_required")
	case in.CreditCode != "" && !ValidCreditCode(in.CreditCode):
		f.Add("credit_code", "err.credit_invalid")
	}
	f.Length("address", in.Address, 0, 200)
	if in.FoundedOn != "" {
		d, err := time.Parse(time.DateOnly, in.FoundedOn)
		switch {
		case err != nil:
			f.Add("founded_on", "err.date_format")
		case d.After(now):
			f.Add("founded_on", "err.date_future")
		case d.Year() < 1949:
			f.Add("founded_on", "err.date_too_early")
		}
	}
	if in.Members < 0 || in.Members > 1_000_000 {
		f.Add("members", "err.members_range")
	}
	f.Length("leader_name", in.LeaderName, 1, 30)
	if in.LeaderPhone == "" {
		f.Add("leader_phone", "err.required")
	} else if !ValidPhone(in.LeaderPhone) {
		f.Add("leader_phone", "err.phone_format")
	}
	if indexOf(PartyOrgs, in.PartyOrg) < 0 {
		f.Add("party_org", "err.choose_one")
	}
	f.Length("party_instructor", in.PartyInstructor, 0, 30)
	if in.DemonstrationYear != 0 && (in.DemonstrationYear < 2021 || in.DemonstrationYear > now.Year()+1) {
		f.Add("demonstration_year", "err.year_range", 2021, now.Year()+1)
	}
	if in.Status != "" && in.Status != StatusPending && in.Status != StatusActive {
		f.Add("status", "err.choose_one")
	}
	return f
}
