package registry_test

import (
	"fmt"
	"slices"
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/registry"
)

func searchNames(t *testing.T, f *fixture, q string) []string {
	t.Helper()
	p, err := f.reg.List(f.ctx, f.admin, registry.Filter{Q: q, PerPage: 50})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var out []string
	for _, o := range p.Items {
		out = append(out, o.Name)
	}
	if p.Total != len(out) {
		t.Fatalf("search %q: total %d, %d items", q, p.Total, len(out))
	}
	return out
}

func TestSearchDoc(t *testing.T) {
	chars, py, ini := registry.SearchDoc("街坊 互助队（Ａ组）")
	if chars != "街 坊 互 助 队 a 组" {
		t.Errorf("chars %q", chars)
	}
	if py != "jie fang hu zhu dui a zu" {
		t.Errorf("py %q", py)
	}
	if ini != "0j 0jf 0jfh 0jfhz 0jfhzd 0jfhzda 0jfhzdaz 0f 0fh 0fhz 0fhzd 0fhzda 0fhzdaz 0h 0hz 0hzd 0hzda 0hzdaz 0z 0zd 0zda 0zdaz 0d 0da 0daz 0a 0az" {
		t.Errorf("ini %q", ini)
	}
	if _, py, _ := registry.SearchDoc("长者乐队"); py != "zhang zhe yue dui" {
		t.Errorf("word readings: %q", py)
	}
}

// TestSearch runs every case both ways a search can go: through the
// full-text index (large lists) and by scanning the list (small ones).
func TestSearch(t *testing.T) { searchWays(t, testSearch) }

func testSearch(t *testing.T) {
	f := setup(t)
	for _, n := range []string{"街坊互助队", "育蕾街坊互助队", "互助", "互助会", "天河书法协会", "夕阳红舞蹈队", "长者关爱服务队"} {
		f.create(t, f.admin, input(n, yulei))
	}
	f.create(t, f.admin, input("街坊互助队", liede)) // same name, another community
	cases := []struct {
		q    string
		want []string
	}{
		// two characters are enough; exact, then prefix, then substring, ties by id
		{"互助", []string{"互助", "互助会", "街坊互助队", "育蕾街坊互助队", "街坊互助队"}},
		{"书法", []string{"天河书法协会"}},
		{"舞蹈队", []string{"夕阳红舞蹈队"}},
		{"互助队", []string{"街坊互助队", "育蕾街坊互助队", "街坊互助队"}},
		{"全角　互助 队", []string{}},
		{"ｊｆｈｚ", []string{"街坊互助队", "育蕾街坊互助队", "街坊互助队"}},
		{"jfhz", []string{"街坊互助队", "育蕾街坊互助队", "街坊互助队"}},
		{"JieFang", []string{"街坊互助队", "育蕾街坊互助队", "街坊互助队"}},
		{"jiefanghuzhudui", []string{"街坊互助队", "育蕾街坊互助队", "街坊互助队"}},
		{"huzhuh", []string{"互助会"}},
		{"zhangzhe", []string{"长者关爱服务队"}},
		{"xyh", []string{"夕阳红舞蹈队"}},
		{"街坊互助队", []string{"街坊互助队", "街坊互助队", "育蕾街坊互助队"}},
		{"没有", []string{}},
		{"%", []string{}},
	}
	for _, c := range cases {
		got := searchNames(t, f, c.q)
		if !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("search %q: got %q, want %q", c.q, got, c.want)
		}
	}

	t.Run("a rename is searchable at once", func(t *testing.T) {
		o := f.create(t, f.admin, input("旧名称小组", yulei))
		in := registry.InputOf(o)
		in.Name = "邻里守望先锋队"
		if _, err := f.reg.Update(f.ctx, f.admin, o.ID, in); err != nil {
			t.Fatal(err)
		}
		if got := searchNames(t, f, "守望"); !slices.Equal(got, []string{"邻里守望先锋队"}) {
			t.Errorf("new name: %q", got)
		}
		if got := searchNames(t, f, "旧名"); len(got) != 0 {
			t.Errorf("old name still found: %q", got)
		}
		if got := searchNames(t, f, "llsw"); !slices.Equal(got, []string{"邻里守望先锋队"}) {
			t.Errorf("initials of the new name: %q", got)
		}
	})

	t.Run("search stays within scope", func(t *testing.T) {
		p, err := f.reg.List(f.ctx, f.street2, registry.Filter{Q: "互助"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 1 || p.Items[0].CommunityCode != liede {
			t.Fatalf("street officer of 猎德 finds %+v", p.Items)
		}
	})

	t.Run("pages of a search count every match", func(t *testing.T) {
		for _, page := range []int{1, 2, 3, 9} {
			p, err := f.reg.List(f.ctx, f.admin, registry.Filter{Q: "互助", PerPage: 2, Page: page})
			if err != nil || p.Total != 5 {
				t.Fatalf("page %d: %+v %v", page, p, err)
			}
			if want := max(0, min(2, 5-2*(page-1))); len(p.Items) != want {
				t.Errorf("page %d has %d items, want %d", page, len(p.Items), want)
			}
		}
	})

	t.Run("past the count's cap the order is the same", func(t *testing.T) {
		// on PostgreSQL past the cap the page comes from walking the
		// scope's documents in id order instead of the GIN index, the
		// index answering past the walk's bound (0: at once; 1: after the
		// first documents)
		for _, q := range []string{"互助", "jfhz", "街坊互助队"} {
			want := searchNames(t, f, q)
			for _, per := range []int{50, 1, 0} {
				t.Run(fmt.Sprintf("%s, walk %d per row", q, per), func(t *testing.T) {
					registry.SetSearchCountCapForTest(t, 1)
					registry.SetWalkPerRowForTest(t, per)
					for _, u := range []*auth.User{f.admin, f.tianhe} {
						p, err := f.reg.List(f.ctx, u, registry.Filter{Q: q})
						if err != nil {
							t.Fatal(err)
						}
						var got []string
						for _, o := range p.Items {
							got = append(got, o.Name)
						}
						if u == f.admin && !slices.Equal(got, want) {
							t.Errorf("%s, cap 1: %q, want %q", u.Username, got, want)
						}
						// the index stops counting at the cap; a scan counts all
						if p.More && p.Total != 1 || !p.More && p.Total != len(got) {
							t.Errorf("%s: total %d, more %v, %d found", u.Username, p.Total, p.More, len(got))
						}
					}
				})
			}
		}
	})

	t.Run("a search counts up to a cap and says there are more", func(t *testing.T) {
		registry.SetSearchCountCapForTest(t, 3)
		p, err := f.reg.List(f.ctx, f.admin, registry.Filter{Q: "互助", PerPage: 2, Page: 3})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total < 3 || len(p.Items) != 1 {
			t.Fatalf("page 3 past the cap: total %d, %d items", p.Total, len(p.Items))
		}
		// the full-text path stops counting at the cap; a scan counts all
		if p.More != (p.Total == 3) {
			t.Errorf("total %d, more %v", p.Total, p.More)
		}
	})

	t.Run("an explicit sort overrides relevance", func(t *testing.T) {
		p, err := f.reg.List(f.ctx, f.admin, registry.Filter{Q: "互助", Sort: "newest"})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != 5 || p.Items[0].CommunityCode != liede {
			t.Fatalf("newest first: %+v", p.Items[0])
		}
	})
}

func TestEnsureSearchIndex(t *testing.T) {
	f := setup(t)
	o := f.create(t, f.admin, input("街坊互助队", yulei))
	if _, err := f.db.Write.Exec(`DELETE FROM org_search WHERE org_id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	if got := searchNames(t, f, "jfhz"); len(got) != 0 {
		t.Fatalf("found without a document: %q", got)
	}
	n, err := f.reg.EnsureSearchIndex(f.ctx)
	if err != nil || n != 1 {
		t.Fatalf("indexed %d, %v", n, err)
	}
	if got := searchNames(t, f, "jfhz"); !slices.Equal(got, []string{"街坊互助队"}) {
		t.Fatalf("after reindex: %q", got)
	}
}
