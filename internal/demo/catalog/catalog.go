// Package catalog is the one catalogue of the kinds of community social
// organization that the generators draw from: the demonstration's (package
// demo) and the benchmark's datasets (package bench). A kind's name is what
// follows a community's name (育蕾社区 + 舞蹈队), the way residents' groups
// are named in Guangzhou; its types and target groups go together, as they
// do in the registry's own records.
package catalog

import (
	"math/rand/v2"
	"slices"
)

// Where says where a kind of organization is found.
type Where int

const (
	Anywhere Where = iota
	UrbanOnly
	RuralOnly
	RegisteredOnly // only as a registered (依法登记) organization
)

// Kind is one kind of community social organization.
type Kind struct {
	Name                   string
	Types                  []string
	Groups                 []string
	Where                  Where
	Weight                 int
	MinMembers, MaxMembers int
	Formal                 bool     // a name that suits a registered organization
	Districts              []string // if set, only in these districts
}

// Place is where an organization is to be: its district, whether its
// community is rural, and whether it is a registered organization.
type Place struct {
	District   string
	Rural      bool
	Registered bool
}

// Suits is the rule of which kinds an organization may be of: one found
// in its district and in its kind of community (urban or rural), and a
// registered organization's kind has a name that suits one.
func (k *Kind) Suits(p Place) bool {
	if k.Districts != nil && !slices.Contains(k.Districts, p.District) {
		return false
	}
	ok := k.Where == Anywhere || (k.Where == UrbanOnly && !p.Rural) || (k.Where == RuralOnly && p.Rural) ||
		(k.Where == RegisteredOnly && p.Registered)
	return ok && (!p.Registered || k.Formal)
}

// Pick draws one of the kinds of ks that suit p, each as likely as its
// weight, with one draw of r (as weighted.Index over those kinds' weights,
// so that a seed gives the same kinds), and without allocating: the
// benchmark draws one per organization. With none that suits, the first.
func Pick(r *rand.Rand, ks []Kind, p Place) Kind {
	total := 0
	for i := range ks {
		if ks[i].Suits(p) {
			total += ks[i].Weight
		}
	}
	if total == 0 {
		return ks[0]
	}
	n := r.IntN(total)
	last := 0
	for i := range ks {
		if !ks[i].Suits(p) {
			continue
		}
		if n < ks[i].Weight {
			return ks[i]
		}
		n -= ks[i].Weight
		last = i
	}
	return ks[last]
}

// The types, as the registry spells them.
const (
	life      = "life_service"
	charity   = "charity"
	mutual    = "mutual_aid"
	culture   = "culture_sports"
	ruralTech = "rural_technical"
	volunteer = "volunteer"
)

func ts(xs ...string) []string { return xs }

// Kinds are the ordinary organizations of a community.
var Kinds = []Kind{
	{"长者关爱服务队", ts(volunteer, life), ts("elderly"), Anywhere, 8, 8, 60, false, nil},
	{"街坊互助队", ts(mutual), ts("elderly", "families_in_difficulty"), UrbanOnly, 6, 10, 80, false, nil},
	{"舞蹈队", ts(culture), ts("women", "elderly"), Anywhere, 8, 10, 50, false, nil},
	{"粤曲社", ts(culture), ts("elderly"), Anywhere, 6, 8, 40, false, nil},
	{"书法协会", ts(culture), ts("elderly", "children"), Anywhere, 4, 10, 80, true, nil},
	{"志愿服务队", ts(volunteer), ts("elderly", "disabled", "families_in_difficulty"), Anywhere, 10, 15, 200, false, nil},
	{"亲子阅读会", ts(culture), ts("children", "women"), UrbanOnly, 5, 10, 60, false, nil},
	{"平安巡逻队", ts(volunteer, mutual), nil, Anywhere, 6, 8, 40, false, nil},
	{"调解工作室", ts(mutual), ts("families_in_difficulty", "community_correction"), Anywhere, 3, 5, 15, false, nil},
	{"环保宣传队", ts(volunteer, charity), nil, Anywhere, 4, 10, 50, false, nil},
	{"太极拳协会", ts(culture), ts("elderly"), UrbanOnly, 4, 15, 100, true, nil},
	{"合唱团", ts(culture), ts("elderly", "women"), Anywhere, 4, 15, 60, false, nil},
	{"巾帼志愿服务队", ts(volunteer), ts("women", "children"), Anywhere, 4, 10, 80, false, nil},
	{"助残服务队", ts(volunteer, charity), ts("disabled"), Anywhere, 3, 8, 40, false, nil},
	{"四点半课堂", ts(life), ts("children"), UrbanOnly, 3, 5, 20, false, nil},
	{"来穗人员融合服务队", ts(mutual, volunteer), ts("migrant_workers"), UrbanOnly, 3, 10, 60, false, nil},
	{"就业互助会", ts(mutual), ts("unemployed", "migrant_workers"), UrbanOnly, 2, 8, 40, false, nil},
	{"康园关爱小组", ts(life), ts("severe_mental_disorder", "disabled", "families_in_difficulty"), UrbanOnly, 2, 5, 20, false, nil},
	{"邻里议事会", ts(mutual), nil, Anywhere, 4, 7, 25, false, nil},
	{"垃圾分类督导队", ts(volunteer), nil, UrbanOnly, 4, 10, 40, false, nil},
	{"爱心帮扶会", ts(charity), ts("families_in_difficulty", "elderly", "disabled"), Anywhere, 3, 10, 60, false, nil},
	{"青少年成长营", ts(life), ts("children", "at_risk_youth"), UrbanOnly, 2, 5, 30, false, nil},
	{"社区矫正帮教小组", ts(mutual), ts("community_correction", "at_risk_youth"), Anywhere, 1, 5, 12, false, nil},
	{"长者饭堂互助组", ts(life, mutual), ts("elderly"), UrbanOnly, 2, 5, 30, false, nil},
	{"象棋协会", ts(culture), ts("elderly"), Anywhere, 2, 10, 60, true, nil},
	{"醒狮队", ts(culture), ts("children", "at_risk_youth"), Anywhere, 2, 15, 50, false, nil},
	{"健身气功队", ts(culture), ts("elderly"), UrbanOnly, 3, 10, 60, false, nil},
	{"应急救援志愿队", ts(volunteer), nil, Anywhere, 2, 10, 50, false, nil},
	{"心理健康服务队", ts(life, volunteer), ts("families_in_difficulty", "severe_mental_disorder"), UrbanOnly, 1, 5, 20, false, nil},
	{"科普宣传队", ts(culture, volunteer), ts("children", "elderly"), UrbanOnly, 2, 5, 30, false, nil},
	{"困境儿童关爱队", ts(charity, volunteer), ts("children", "children_of_detained", "families_in_difficulty"), Anywhere, 1, 5, 30, false, nil},

	{"农技协会", ts(ruralTech), nil, RuralOnly, 8, 20, 150, true, nil},
	{"果蔬种植技术协会", ts(ruralTech), nil, RuralOnly, 4, 15, 120, true, nil},
	{"留守儿童关爱队", ts(volunteer, charity), ts("children"), RuralOnly, 5, 8, 40, false, nil},
	{"留守老人互助会", ts(mutual), ts("elderly"), RuralOnly, 5, 10, 60, false, nil},
	{"乡村清洁志愿队", ts(volunteer), nil, RuralOnly, 4, 10, 50, false, nil},
	{"乡贤理事会", ts(mutual), nil, RuralOnly, 3, 7, 25, false, nil},
	{"红白理事会", ts(mutual, culture), nil, RuralOnly, 2, 5, 15, false, nil},
	{"龙舟协会", ts(culture), nil, RuralOnly, 3, 20, 120, true, nil},
	{"妇女互助会", ts(mutual), ts("women"), RuralOnly, 3, 10, 60, false, nil},
	{"电商助农服务队", ts(ruralTech, volunteer), ts("unemployed"), RuralOnly, 2, 5, 30, false, nil},
	{"荔枝种植协会", ts(ruralTech), nil, RuralOnly, 5, 20, 150, true, []string{"440117", "440118"}},
	{"花卉苗木种植协会", ts(ruralTech), nil, RuralOnly, 5, 15, 100, true, []string{"440113", "440114"}},
	{"水产养殖技术协会", ts(ruralTech), nil, RuralOnly, 5, 15, 100, true, []string{"440113", "440115"}},

	{"社会工作服务中心", ts(life), ts("elderly", "children", "families_in_difficulty", "disabled"), RegisteredOnly, 4, 10, 40, true, nil},
	{"志愿者协会", ts(volunteer), ts("elderly", "disabled", "children"), RegisteredOnly, 3, 50, 200, true, nil},
	{"慈善会", ts(charity), ts("families_in_difficulty", "elderly", "disabled"), RegisteredOnly, 2, 15, 80, true, nil},
	{"长者服务促进会", ts(life), ts("elderly"), RegisteredOnly, 2, 15, 80, true, nil},
	{"邻里互助促进会", ts(mutual), ts("elderly", "families_in_difficulty"), RegisteredOnly, 2, 15, 80, true, nil},
}

// HubKinds are the street-level hub (枢纽型) organizations.
var HubKinds = []Kind{
	{"社区社会组织联合会", ts(mutual, charity), ts("elderly", "children", "families_in_difficulty"), Anywhere, 4, 20, 120, true, nil},
	{"社区社会组织服务中心", ts(life, charity), ts("elderly", "children", "disabled"), Anywhere, 3, 10, 40, true, nil},
	{"社区公益服务中心", ts(charity, life), ts("families_in_difficulty", "elderly"), Anywhere, 2, 10, 40, true, nil},
	{"志愿服务联合会", ts(volunteer, charity), ts("elderly", "disabled", "children"), Anywhere, 2, 30, 200, true, nil},
}
