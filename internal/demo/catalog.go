package demo

// The tables the generator draws from, besides the kinds of organization
// (package catalog, which the benchmark's generator shares). Every person
// and telephone number is made up; organization names are built from real
// community names plus a kind, the way residents' groups are named in
// Guangzhou.

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
