package bench

import (
	"math/rand/v2"

	"linli/internal/registry"
)

// What the generator draws from besides the kinds of organization (the
// demonstration's catalogue, package catalog): every person and telephone
// number is made up.

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
