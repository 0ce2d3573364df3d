package registry

import (
	"context"
	"strconv"

	"linli/internal/geo"
	"linli/internal/platform/auth"
)

// Picker is one select of a district → street → community cascade.
type Picker struct {
	ID       string
	Level    int
	Options  []geo.Node
	Selected string
	Next     string // id of the next select, for the script
	Last     bool
}

var pickerLens = []int{2, 4, 6, 9, 12}

// cascade builds the selects below the user's scope down to communities,
// with options limited to the scope and to the current choice.
func (s *Service) cascade(ctx context.Context, u *auth.User, chosen string, lastName string) ([]Picker, error) {
	scope := u.ScopeCode
	if !u.InScope(chosen) {
		chosen = ""
	}
	var out []Picker
	parent := scope
	for _, l := range pickerLens {
		if l <= len(scope) {
			continue
		}
		p := Picker{ID: "pick" + strconv.Itoa(l), Level: geo.LevelOf(zeros(l))}
		if l == 12 {
			p.ID, p.Last = lastName, true
		}
		if len(chosen) >= l {
			p.Selected = chosen[:l]
		}
		if parent != "" && len(parent) == parentLen(l) {
			kids, err := s.Geo.Children(ctx, parent)
			if err != nil {
				return nil, err
			}
			p.Options = kids
		}
		out = append(out, p)
		parent = p.Selected
	}
	for i := range out {
		if i+1 < len(out) {
			out[i].Next = out[i+1].ID
		}
	}
	return out, nil
}

func parentLen(l int) int {
	switch l {
	case 4:
		return 2
	case 6:
		return 4
	case 9:
		return 6
	case 12:
		return 9
	}
	return 0
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}
