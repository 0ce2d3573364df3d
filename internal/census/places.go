package census

import (
	"context"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Communities by name (issue 12): a clerk writes 华工社区, or 五山街道华工社区
// where two streets have a community of that name, and the import finds
// the code. Names are looked up only among the communities of the
// uploader's scope.

// placeIndex maps folded names of the scope's communities to their codes.
type placeIndex struct {
	codes map[string][]string // folded key → codes (more than one: ambiguous)
	label map[string]string   // code → "街道 · 社区", for messages
}

// placeKey folds a written name: full-width to half-width, no spaces or
// separators people put between the street's name and the community's.
func placeKey(s string) string {
	return placeNoise.Replace(strings.ToLower(norm.NFKC.String(s)))
}

var placeNoise = strings.NewReplacer(" ", "", "\t", "", "·", "", "・", "", "/", "", "-", "", "—", "", "、", "", ",", "", "，", "", "|", "")

// label is how the template's community list names a community.
func (c community) label() string {
	if c.Street == "" {
		return c.Name
	}
	return c.Street + " · " + c.Name
}

func newPlaceIndex(comms []community) *placeIndex {
	p := &placeIndex{codes: map[string][]string{}, label: map[string]string{}}
	add := func(key, code string) {
		k := placeKey(key)
		for _, c := range p.codes[k] {
			if c == code {
				return
			}
		}
		p.codes[k] = append(p.codes[k], code)
	}
	for _, c := range comms {
		p.label[c.Code] = c.label()
		for _, name := range shortNames(c.Name) {
			add(name, c.Code)
			add(c.Street+name, c.Code)
			add(c.District+c.Street+name, c.Code)
		}
		add(c.Code, c.Code)
	}
	return p
}

// shortNames are the names people write for a committee's official name:
// 育蕾社区居委会 is also 育蕾社区, 石马村村委会 also 石马村.
func shortNames(official string) []string {
	out := []string{official}
	for _, suffix := range []string{"社区居民委员会", "社区居委会", "居民委员会", "居委会", "村民委员会", "村委会"} {
		if base, ok := strings.CutSuffix(official, suffix); ok && base != "" {
			switch {
			case strings.HasPrefix(suffix, "社区"):
				out = append(out, base+"社区", base)
			case strings.HasPrefix(suffix, "村"):
				if !strings.HasSuffix(base, "村") {
					out = append(out, base+"村")
				}
				out = append(out, base)
			default:
				out = append(out, base)
			}
			break
		}
	}
	return out
}

// resolve finds a written name's code; ambiguous lists the candidates when
// the name fits several communities.
func (p *placeIndex) resolve(name string) (code string, ambiguous []string) {
	codes := p.codes[placeKey(name)]
	switch len(codes) {
	case 0:
		return "", nil
	case 1:
		return codes[0], nil
	}
	for _, c := range codes {
		ambiguous = append(ambiguous, p.label[c])
	}
	return "", ambiguous
}

// places builds the index of a user's scope.
func (s *Service) places(ctx context.Context, scope string) (*placeIndex, error) {
	comms, err := s.communities(ctx, scope)
	if err != nil {
		return nil, err
	}
	return newPlaceIndex(comms), nil
}
