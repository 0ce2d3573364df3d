package catalog_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"linli/internal/demo/catalog"
	"linli/internal/platform/weighted"
	"linli/internal/registry"
)

// TestKindsAreTheRegistrysValues: every kind's types and target groups are
// the registry's own, its members a range, and every place has kinds that
// suit it, registered or not.
func TestKindsAreTheRegistrysValues(t *testing.T) {
	for _, ks := range [][]catalog.Kind{catalog.Kinds, catalog.HubKinds} {
		for _, k := range ks {
			if len(k.Types) == 0 || k.Weight <= 0 || k.MinMembers <= 0 || k.MaxMembers < k.MinMembers {
				t.Errorf("%s: %+v", k.Name, k)
			}
			for _, x := range k.Types {
				if !slices.Contains(registry.Types, x) {
					t.Errorf("%s: type %q", k.Name, x)
				}
			}
			for _, x := range k.Groups {
				if !slices.Contains(registry.TargetGroups, x) {
					t.Errorf("%s: target group %q", k.Name, x)
				}
			}
			if k.Where == catalog.RegisteredOnly && !k.Formal {
				t.Errorf("%s: registered only but not a registered organization's name", k.Name)
			}
		}
	}
	for _, rural := range []bool{false, true} {
		for _, reg := range []bool{false, true} {
			p := catalog.Place{District: "440106", Rural: rural, Registered: reg}
			n := 0
			for _, k := range catalog.Kinds {
				if k.Suits(p) {
					n++
				}
			}
			if n < 3 {
				t.Errorf("%+v: %d kinds suit", p, n)
			}
		}
	}
}

// TestSuits: the rule of which kind an organization may be of.
func TestSuits(t *testing.T) {
	kind := func(name string) catalog.Kind {
		for _, k := range catalog.Kinds {
			if k.Name == name {
				return k
			}
		}
		t.Fatalf("no kind %s", name)
		return catalog.Kind{}
	}
	urban, rural := catalog.Place{District: "440106"}, catalog.Place{District: "440117", Rural: true}
	regUrban := catalog.Place{District: "440106", Registered: true}
	for _, c := range []struct {
		kind  string
		place catalog.Place
		want  bool
	}{
		{"舞蹈队", urban, true},
		{"舞蹈队", rural, true},
		{"舞蹈队", regUrban, false},     // not a registered organization's name
		{"书法协会", regUrban, true},     // anywhere, and formal
		{"四点半课堂", rural, false},      // urban only
		{"农技协会", urban, false},       // rural only
		{"农技协会", rural, true},        // rural only
		{"社会工作服务中心", urban, false},   // registered only
		{"社会工作服务中心", regUrban, true}, // registered only
		{"荔枝种植协会", rural, true},      // 从化 and 增城 only
		{"荔枝种植协会", catalog.Place{District: "440113", Rural: true}, false},
	} {
		k := kind(c.kind)
		if got := k.Suits(c.place); got != c.want {
			t.Errorf("%s in %+v: %v, want %v", c.kind, c.place, got, c.want)
		}
	}
}

// TestPickIsOneWeightedDraw: Pick draws as weighted.Pick over the kinds
// that suit, one draw of the source a pick, so that a seed gives the same
// kinds whichever generator picks them.
func TestPickIsOneWeightedDraw(t *testing.T) {
	p := catalog.Place{District: "440117", Rural: true}
	var fit []catalog.Kind
	var w []int
	for _, k := range catalog.Kinds {
		if k.Suits(p) {
			fit, w = append(fit, k), append(w, k.Weight)
		}
	}
	a, b := rand.New(rand.NewPCG(3, 4)), rand.New(rand.NewPCG(3, 4))
	seen := map[string]bool{}
	for range 2000 {
		got, want := catalog.Pick(a, catalog.Kinds, p), weighted.Pick(b, fit, w)
		if got.Name != want.Name {
			t.Fatalf("Pick %s, the weighted draw %s", got.Name, want.Name)
		}
		seen[got.Name] = true
	}
	if len(seen) != len(fit) {
		t.Errorf("%d of %d kinds drawn", len(seen), len(fit))
	}
}
