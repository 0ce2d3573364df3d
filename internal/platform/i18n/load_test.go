package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadReadsACatalog(t *testing.T) {
	m, err := Load("t.json", []byte(`{"a.b": {"zh-CN": "甲 %d", "en": "A <%d> & \"b\""}, "c": {"en": "C", "zh-CN": "丙"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m["a.b"][ZH] != "甲 %d" || m["a.b"][EN] != `A <%d> & "b"` || m["c"][EN] != "C" || m["c"][ZH] != "丙" {
		t.Fatalf("catalog read as %v", m)
	}
}

func TestLoadRefusesABadCatalog(t *testing.T) {
	for _, c := range []struct{ name, data, want string }{
		{"empty", ``, `want "{"`},
		{"not an object", `["a"]`, `want "{", found [`},
		{"cut short", `{"a": {"zh-CN": "甲", "en": "A"}`, "unexpected end"},
		{"malformed", `{"a": {"zh-CN": "甲", "en": "A",}}`, `key "a"`},
		{"text not a string", `{"a": {"zh-CN": 1, "en": "A"}}`, `key "a"`},
		{"no English", `{"a": {"zh-CN": "甲"}}`, `key "a" has no text in en`},
		{"empty Chinese", `{"a": {"zh-CN": "", "en": "A"}}`, `key "a" has no text in zh-CN`},
		{"unknown language", `{"a": {"zh-CN": "甲", "en": "A", "fr": "A"}}`, `unknown language "fr"`},
		{"key twice", `{"a": {"zh-CN": "甲", "en": "A"}, "a": {"zh-CN": "乙", "en": "B"}}`, `key "a" given twice`},
		{"text after", `{"a": {"zh-CN": "甲", "en": "A"}} {}`, "text after the catalog"},
	} {
		_, err := Load("room/messages.json", []byte(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "room/messages.json") {
			t.Errorf("%s: error %v, want one naming the file and saying %q", c.name, err, c.want)
		}
	}
}

func TestMustLoadStopsOnABadCatalog(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), `key "a" has no text in en`) {
			t.Fatalf("MustLoad recovered %v, want the missing language", r)
		}
	}()
	MustLoad("room/messages.json", []byte(`{"a": {"zh-CN": "甲"}}`))
}

// TestEveryRoomCatalogLoads reads every catalog in the tree (messages.json
// or *_messages.json beside a package's Go files) the way the rooms do,
// checks each key has a text in every language, and that each file is
// embedded by its package.
func TestEveryRoomCatalogLoads(t *testing.T) {
	root := filepath.Join("..", "..") // internal
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		base := d.Name()
		if base != "messages.json" && !strings.HasSuffix(base, "_messages.json") {
			return nil
		}
		n++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		m, err := Load(path, data)
		if err != nil {
			t.Error(err)
			return nil
		}
		if len(m) == 0 {
			t.Errorf("%s: no keys", path)
		}
		for k, texts := range m {
			for _, l := range Langs {
				if strings.TrimSpace(texts[l]) == "" {
					t.Errorf("%s: %q has no %s text", path, k, l)
				}
			}
		}
		if !embeds(t, filepath.Dir(path), base) {
			t.Errorf("%s: no Go file of its package embeds it (//go:embed %s)", path, base)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 25 {
		t.Fatalf("found %d catalogs below %s, want every room's (25 or more)", n, root)
	}
}

func embeds(t *testing.T, dir, base string) bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "//go:embed "+base+"\n") {
			return true
		}
	}
	return false
}
