package demo

// The tables the generator draws from. Every person and telephone number is
// made up; organization names are built from real community names plus a
// kind, the way residents' groups are named in Guangzhou.

// where a kind of organization is found.
const (
	anywhere = iota
	urbanOnly
	ruralOnly
	registeredOnly // only as a registered (依法登记) organization
)

// kind is one kind of community social organization.
type kind struct {
	name       string
	types      []string
	groups     []string
	where      int
	weight     int
	minM, maxM int      // members
	formal     bool     // a name that suits a registered organization
	districts  []string // if set, only in these districts
}

const (
	life      = "life_service"
	charity   = "charity"
	mutual    = "mutual_aid"
	culture   = "culture_sports"
	ruralTech = "rural_technical"
	volunteer = "volunteer"
)

func ts(xs ...string) []string { return xs }

var kinds = []kind{
	{"长者关爱服务队", ts(volunteer, life), ts("elderly"), anywhere, 8, 8, 60, false, nil},
	{"街坊互助队", ts(mutual), ts("elderly", "families_in_difficulty"), urbanOnly, 6, 10, 80, false, nil},
	{"舞蹈队", ts(culture), ts("women", "elderly"), anywhere, 8, 10, 50, false, nil},
	{"粤曲社", ts(culture), ts("elderly"), anywhere, 6, 8, 40, false, nil},
	{"书法协会", ts(culture), ts("elderly", "children"), anywhere, 4, 10, 80, true, nil},
	{"志愿服务队", ts(volunteer), ts("elderly", "disabled", "families_in_difficulty"), anywhere, 10, 15, 200, false, nil},
	{"亲子阅读会", ts(culture), ts("children", "women"), urbanOnly, 5, 10, 60, false, nil},
	{"平安巡逻队", ts(volunteer, mutual), nil, anywhere, 6, 8, 40, false, nil},
	{"调解工作室", ts(mutual), ts("families_in_difficulty", "community_correction"), anywhere, 3, 5, 15, false, nil},
	{"环保宣传队", ts(volunteer, charity), nil, anywhere, 4, 10, 50, false, nil},
	{"太极拳协会", ts(culture), ts("elderly"), urbanOnly, 4, 15, 100, true, nil},
	{"合唱团", ts(culture), ts("elderly", "women"), anywhere, 4, 15, 60, false, nil},
	{"巾帼志愿服务队", ts(volunteer), ts("women", "children"), anywhere, 4, 10, 80, false, nil},
	{"助残服务队", ts(volunteer, charity), ts("disabled"), anywhere, 3, 8, 40, false, nil},
	{"四点半课堂", ts(life), ts("children"), urbanOnly, 3, 5, 20, false, nil},
	{"来穗人员融合服务队", ts(mutual, volunteer), ts("migrant_workers"), urbanOnly, 3, 10, 60, false, nil},
	{"就业互助会", ts(mutual), ts("unemployed", "migrant_workers"), urbanOnly, 2, 8, 40, false, nil},
	{"康园关爱小组", ts(life), ts("severe_mental_disorder", "disabled", "families_in_difficulty"), urbanOnly, 2, 5, 20, false, nil},
	{"邻里议事会", ts(mutual), nil, anywhere, 4, 7, 25, false, nil},
	{"垃圾分类督导队", ts(volunteer), nil, urbanOnly, 4, 10, 40, false, nil},
	{"爱心帮扶会", ts(charity), ts("families_in_difficulty", "elderly", "disabled"), anywhere, 3, 10, 60, false, nil},
	{"青少年成长营", ts(life), ts("children", "at_risk_youth"), urbanOnly, 2, 5, 30, false, nil},
	{"社区矫正帮教小组", ts(mutual), ts("community_correction", "at_risk_youth"), anywhere, 1, 5, 12, false, nil},
	{"长者饭堂互助组", ts(life, mutual), ts("elderly"), urbanOnly, 2, 5, 30, false, nil},
	{"象棋协会", ts(culture), ts("elderly"), anywhere, 2, 10, 60, true, nil},
	{"醒狮队", ts(culture), ts("children", "at_risk_youth"), anywhere, 2, 15, 50, false, nil},
	{"健身气功队", ts(culture), ts("elderly"), urbanOnly, 3, 10, 60, false, nil},
	{"应急救援志愿队", ts(volunteer), nil, anywhere, 2, 10, 50, false, nil},
	{"心理健康服务队", ts(life, volunteer), ts("families_in_difficulty", "severe_mental_disorder"), urbanOnly, 1, 5, 20, false, nil},
	{"科普宣传队", ts(culture, volunteer), ts("children", "elderly"), urbanOnly, 2, 5, 30, false, nil},
	{"困境儿童关爱队", ts(charity, volunteer), ts("children", "children_of_detained", "families_in_difficulty"), anywhere, 1, 5, 30, false, nil},

	{"农技协会", ts(ruralTech), nil, ruralOnly, 8, 20, 150, true, nil},
	{"果蔬种植技术协会", ts(ruralTech), nil, ruralOnly, 4, 15, 120, true, nil},
	{"留守儿童关爱队", ts(volunteer, charity), ts("children"), ruralOnly, 5, 8, 40, false, nil},
	{"留守老人互助会", ts(mutual), ts("elderly"), ruralOnly, 5, 10, 60, false, nil},
	{"乡村清洁志愿队", ts(volunteer), nil, ruralOnly, 4, 10, 50, false, nil},
	{"乡贤理事会", ts(mutual), nil, ruralOnly, 3, 7, 25, false, nil},
	{"红白理事会", ts(mutual, culture), nil, ruralOnly, 2, 5, 15, false, nil},
	{"龙舟协会", ts(culture), nil, ruralOnly, 3, 20, 120, true, nil},
	{"妇女互助会", ts(mutual), ts("women"), ruralOnly, 3, 10, 60, false, nil},
	{"电商助农服务队", ts(ruralTech, volunteer), ts("unemployed"), ruralOnly, 2, 5, 30, false, nil},
	{"荔枝种植协会", ts(ruralTech), nil, ruralOnly, 5, 20, 150, true, []string{"440117", "440118"}},
	{"花卉苗木种植协会", ts(ruralTech), nil, ruralOnly, 5, 15, 100, true, []string{"440113", "440114"}},
	{"水产养殖技术协会", ts(ruralTech), nil, ruralOnly, 5, 15, 100, true, []string{"440113", "440115"}},

	{"社会工作服务中心", ts(life), ts("elderly", "children", "families_in_difficulty", "disabled"), registeredOnly, 4, 10, 40, true, nil},
	{"志愿者协会", ts(volunteer), ts("elderly", "disabled", "children"), registeredOnly, 3, 50, 200, true, nil},
	{"慈善会", ts(charity), ts("families_in_difficulty", "elderly", "disabled"), registeredOnly, 2, 15, 80, true, nil},
	{"长者服务促进会", ts(life), ts("elderly"), registeredOnly, 2, 15, 80, true, nil},
	{"邻里互助促进会", ts(mutual), ts("elderly", "families_in_difficulty"), registeredOnly, 2, 15, 80, true, nil},
}

// hubKinds are the street-level hub (枢纽型) organizations.
var hubKinds = []kind{
	{"社区社会组织联合会", ts(mutual, charity), ts("elderly", "children", "families_in_difficulty"), anywhere, 4, 20, 120, true, nil},
	{"社区社会组织服务中心", ts(life, charity), ts("elderly", "children", "disabled"), anywhere, 3, 10, 40, true, nil},
	{"社区公益服务中心", ts(charity, life), ts("families_in_difficulty", "elderly"), anywhere, 2, 10, 40, true, nil},
	{"志愿服务联合会", ts(volunteer, charity), ts("elderly", "disabled", "children"), anywhere, 2, 30, 200, true, nil},
}

// district is a district's size and its (made-up) record on the plan's
// targets, so that the dashboards have leaders and laggards.
type district struct {
	code       string
	population float64 // 2020 census, ten thousands
	hubShare   float64 // share of its streets with a hub
	brands     int
	demoYears  []int
}

var districts = []district{
	{"440103", 123.8, 0.90, 3, []int{2022, 2023}}, // 荔湾
	{"440104", 103.9, 0.95, 4, []int{2022, 2023}}, // 越秀
	{"440105", 181.9, 0.85, 3, []int{2022}},       // 海珠
	{"440106", 224.2, 0.90, 4, []int{2022, 2023}}, // 天河
	{"440111", 374.3, 0.60, 2, []int{2022, 2023}}, // 白云
	{"440112", 126.4, 0.80, 3, []int{2023}},       // 黄埔
	{"440113", 265.3, 0.75, 3, []int{2022}},       // 番禺
	{"440114", 164.2, 0.50, 2, []int{2023}},       // 花都
	{"440115", 84.7, 0.85, 1, nil},                // 南沙
	{"440117", 71.7, 0.40, 1, []int{2023}},        // 从化
	{"440118", 146.6, 0.65, 2, nil},               // 增城
}

// Common surnames in Guangzhou, by rough frequency.
var surnames = []struct {
	s string
	w int
}{
	{"陈", 10}, {"李", 7}, {"黄", 7}, {"梁", 5}, {"张", 5}, {"林", 4}, {"刘", 4}, {"吴", 3}, {"何", 3},
	{"罗", 3}, {"郑", 2}, {"谭", 2}, {"杨", 2}, {"周", 2}, {"邓", 2}, {"冯", 2}, {"麦", 1}, {"潘", 1},
	{"钟", 1}, {"叶", 1}, {"卢", 1}, {"曾", 1}, {"区", 1}, {"关", 1}, {"苏", 1}, {"朱", 1}, {"徐", 1},
	{"谢", 1}, {"赖", 1}, {"余", 1}, {"骆", 1}, {"伍", 1},
}

var (
	givenMale   = []rune("伟强志华建国明俊杰文辉锦荣永家德耀浩嘉卓冠健柱成坚振")
	givenFemale = []rune("秀丽玉芳美珍婷燕慧玲凤红霞敏洁静颖琳淑桂金莲好妹萍")
)

// Mobile prefixes of the three carriers.
var mobilePrefixes = []string{"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159", "176", "177", "180", "181", "182",
	"183", "185", "186", "187", "188", "189", "198", "199"}

var returnReasons = []string{
	"负责人联系电话无法接通，请核实后重新提交",
	"章程未写明负责人的产生方式和任期，请补充后重新提交",
	"成员名单不足，请补充成员信息",
	"服务对象与活动内容不一致，请修改后重新提交",
	"活动场所未取得使用同意，请补充场地证明",
}

var suspendReasons = []string{
	"连续六个月未开展活动，暂停待整改",
	"负责人变更未及时报备，暂停待核实",
	"活动场地存在安全隐患，整改完成前暂停",
}

var deregisterReasons = []string{
	"成员解散，经社区两委确认予以注销",
	"与本社区同类组织合并，原组织注销",
}

// Addresses: %[1]s district, %[2]s street or town, %[3]s community or village.
var (
	urbanAddresses = []string{
		"%[1]s%[2]s%[3]s党群服务中心",
		"%[2]s%[3]s居委会二楼活动室",
		"%[2]s%[3]s文化活动室",
		"%[1]s%[2]s社工服务站",
	}
	ruralAddresses = []string{
		"%[1]s%[2]s%[3]s党群服务中心",
		"%[2]s%[3]s村委会文化室",
		"%[2]s%[3]s农家书屋",
		"%[2]s%[3]s祠堂活动室",
	}
)
