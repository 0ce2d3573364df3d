package bench

import (
	"math/rand/v2"

	"linli/internal/platform/weighted"
	"linli/internal/registry"
)

// What the generator draws from. Organization names are a community's name
// plus a kind, the way residents' groups are named; every person and
// telephone number is made up.

const (
	anywhere = iota
	urbanOnly
	ruralOnly
	formalOnly // registered (依法登记) organizations only
)

// kind is one kind of organization: its types and target groups go
// together, as they do in the registry's own records.
type kind struct {
	name   string
	types  []string
	groups []string
	where  int
	weight int
	formal bool // a name that suits a registered organization
}

func ts(xs ...string) []string { return xs }

var kinds = []kind{
	{"长者关爱服务队", ts("volunteer", "life_service"), ts("elderly"), anywhere, 8, false},
	{"街坊互助队", ts("mutual_aid"), ts("elderly", "families_in_difficulty"), urbanOnly, 6, false},
	{"舞蹈队", ts("culture_sports"), ts("women", "elderly"), anywhere, 8, false},
	{"粤曲社", ts("culture_sports"), ts("elderly"), urbanOnly, 4, false},
	{"书法协会", ts("culture_sports"), ts("elderly", "children"), anywhere, 4, true},
	{"志愿服务队", ts("volunteer"), ts("elderly", "disabled", "families_in_difficulty"), anywhere, 10, false},
	{"亲子阅读会", ts("culture_sports"), ts("children", "women"), urbanOnly, 5, false},
	{"平安巡逻队", ts("volunteer", "mutual_aid"), nil, anywhere, 6, false},
	{"调解工作室", ts("mutual_aid"), ts("families_in_difficulty", "community_correction"), anywhere, 3, false},
	{"环保宣传队", ts("volunteer", "charity"), nil, anywhere, 4, false},
	{"太极拳协会", ts("culture_sports"), ts("elderly"), urbanOnly, 4, true},
	{"合唱团", ts("culture_sports"), ts("elderly", "women"), anywhere, 4, false},
	{"巾帼志愿服务队", ts("volunteer"), ts("women", "children"), anywhere, 4, false},
	{"助残服务队", ts("volunteer", "charity"), ts("disabled"), anywhere, 3, false},
	{"四点半课堂", ts("life_service"), ts("children"), urbanOnly, 3, false},
	{"新市民融合服务队", ts("mutual_aid", "volunteer"), ts("migrant_workers"), urbanOnly, 3, false},
	{"就业互助会", ts("mutual_aid"), ts("unemployed", "migrant_workers"), urbanOnly, 2, false},
	{"康园关爱小组", ts("life_service"), ts("severe_mental_disorder", "disabled"), urbanOnly, 2, false},
	{"邻里议事会", ts("mutual_aid"), nil, anywhere, 4, false},
	{"垃圾分类督导队", ts("volunteer"), nil, urbanOnly, 4, false},
	{"爱心帮扶会", ts("charity"), ts("families_in_difficulty", "elderly", "disabled"), anywhere, 3, false},
	{"青少年成长营", ts("life_service"), ts("children", "at_risk_youth"), urbanOnly, 2, false},
	{"社区矫正帮教小组", ts("mutual_aid"), ts("community_correction", "at_risk_youth"), anywhere, 1, false},
	{"长者饭堂互助组", ts("life_service", "mutual_aid"), ts("elderly"), urbanOnly, 2, false},
	{"象棋协会", ts("culture_sports"), ts("elderly"), anywhere, 2, true},
	{"醒狮队", ts("culture_sports"), ts("children", "at_risk_youth"), anywhere, 2, false},
	{"健身气功队", ts("culture_sports"), ts("elderly"), urbanOnly, 3, false},
	{"应急救援志愿队", ts("volunteer"), nil, anywhere, 2, false},
	{"心理健康服务队", ts("life_service", "volunteer"), ts("families_in_difficulty", "severe_mental_disorder"), urbanOnly, 1, false},
	{"困境儿童关爱队", ts("charity", "volunteer"), ts("children", "children_of_detained", "families_in_difficulty"), anywhere, 1, false},
	{"农技协会", ts("rural_technical"), nil, ruralOnly, 8, true},
	{"果蔬种植技术协会", ts("rural_technical"), nil, ruralOnly, 4, true},
	{"留守儿童关爱队", ts("volunteer", "charity"), ts("children"), ruralOnly, 5, false},
	{"留守老人互助会", ts("mutual_aid"), ts("elderly"), ruralOnly, 5, false},
	{"乡村清洁志愿队", ts("volunteer"), nil, ruralOnly, 4, false},
	{"乡贤理事会", ts("mutual_aid"), nil, ruralOnly, 3, false},
	{"红白理事会", ts("mutual_aid", "culture_sports"), nil, ruralOnly, 2, false},
	{"龙舟协会", ts("culture_sports"), nil, ruralOnly, 3, true},
	{"妇女互助会", ts("mutual_aid"), ts("women"), ruralOnly, 3, false},
	{"电商助农服务队", ts("rural_technical", "volunteer"), ts("unemployed"), ruralOnly, 2, false},
	{"社会工作服务中心", ts("life_service"), ts("elderly", "children", "families_in_difficulty", "disabled"), formalOnly, 4, true},
	{"志愿者协会", ts("volunteer"), ts("elderly", "disabled", "children"), formalOnly, 3, true},
	{"慈善会", ts("charity"), ts("families_in_difficulty", "elderly", "disabled"), formalOnly, 2, true},
	{"长者服务促进会", ts("life_service"), ts("elderly"), formalOnly, 2, true},
}

// hubKinds are the street-level hub (枢纽型) organizations.
var hubKinds = []kind{
	{"社区社会组织联合会", ts("mutual_aid", "charity"), ts("elderly", "children", "families_in_difficulty"), anywhere, 4, true},
	{"社区社会组织服务中心", ts("life_service", "charity"), ts("elderly", "children", "disabled"), anywhere, 3, true},
	{"社区公益服务中心", ts("charity", "life_service"), ts("families_in_difficulty", "elderly"), anywhere, 2, true},
	{"志愿服务联合会", ts("volunteer", "charity"), ts("elderly", "disabled", "children"), anywhere, 2, true},
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力国志德海金荣春梅林斌宇浩凯鹏琳婷雪慧健俊宏晓燕云莉")
)

// Search terms the measurements cycle through: common two- and
// three-character words of organization names, and pinyin initials of
// common kinds.
var (
	terms2   = []string{"舞蹈", "志愿", "长者", "互助", "书法", "巡逻", "合唱", "关爱", "种植", "议事"}
	terms3   = []string{"舞蹈队", "服务队", "合唱团", "互助会", "书法协", "巡逻队", "理事会", "志愿服"}
	iniKinds = []string{"舞蹈队", "志愿服务队", "合唱团", "书法协会", "平安巡逻队", "邻里议事会", "农技协会", "互助会"}
)

// initials is the string of pinyin initials of a name, as the registry's
// search document spells them.
func initials(name string) string {
	_, py, _ := registry.SearchDoc(name)
	var b []byte
	for i := 0; i < len(py); i++ {
		if i == 0 || py[i-1] == ' ' {
			if py[i] != ' ' {
				b = append(b, py[i])
			}
		}
	}
	return string(b)
}

func pickKind(r *rand.Rand, ks []kind, ok func(k *kind) bool) *kind {
	total := 0
	for i := range ks {
		if ok(&ks[i]) {
			total += ks[i].weight
		}
	}
	if total == 0 {
		return &ks[0]
	}
	n := r.IntN(total)
	for i := range ks {
		if !ok(&ks[i]) {
			continue
		}
		if n < ks[i].weight {
			return &ks[i]
		}
		n -= ks[i].weight
	}
	return &ks[len(ks)-1]
}

func pickWeighted[T any](r *rand.Rand, xs []T, weights []int) T {
	return xs[weighted.Index(r, weights)]
}

func person(r *rand.Rand) string {
	s := string(surnames[r.IntN(len(surnames))]) + string(given[r.IntN(len(given))])
	if r.IntN(2) == 0 {
		s += string(given[r.IntN(len(given))])
	}
	return s
}

func phone(r *rand.Rand) string {
	prefixes := []string{"138", "139", "135", "136", "137", "150", "151", "158", "186", "188", "189", "177"}
	b := []byte(prefixes[r.IntN(len(prefixes))])
	for range 8 {
		b = append(b, byte('0'+r.IntN(10)))
	}
	return string(b)
}
