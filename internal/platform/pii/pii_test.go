package pii

import (
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sealV1 is how values were sealed before keys had ids.
func sealV1(b *Box, plain string) string {
	nonce := make([]byte, b.aead.NonceSize())
	rand.Read(nonce)
	return Prefix + base64.RawStdEncoding.EncodeToString(b.aead.Seal(nonce, nonce, []byte(plain), []byte(Prefix)))
}

func TestKeySet(t *testing.T) {
	rawA, rawB := make([]byte, KeySize), make([]byte, KeySize)
	rawA[0], rawB[0] = 1, 2
	a, b := FromKey(rawA), FromKey(rawB)
	if a.ID() == b.ID() || len(a.ID()) != 8 {
		t.Fatalf("ids %q %q", a.ID(), b.ID())
	}
	sa := a.Seal("13800000000")
	if !strings.HasPrefix(sa, "enc2:"+a.ID()+":") || a.Seal(sa) != sa || b.Seal(sa) != sa {
		t.Fatalf("sealed %q", sa)
	}
	if _, err := b.Open(sa); err == nil {
		t.Error("key B opened a value sealed under key A")
	}
	old := sealV1(a, "13900000000")
	both, _ := NewKeys(rawB, rawA)
	for v, want := range map[string]string{sa: "13800000000", old: "13900000000", "plain": "plain"} {
		if p, err := both.Open(v); err != nil || p != want {
			t.Errorf("open %q: %q %v", v, p, err)
		}
	}
	if p, err := (&Keys{Boxes: []*Box{b}}).Open(old); err == nil {
		t.Errorf("key B alone opened an enc1 value of key A: %q", p)
	}
	if h := both.Hashes("x"); len(h) != 2 || h[0] != b.Hash("x") || h[1] != a.Hash("x") {
		t.Errorf("hashes %v", h)
	}
	// a tampered key id is refused, not tried under another key
	forged := strings.Replace(sa, a.ID(), b.ID(), 1)
	if _, err := both.Open(forged); err == nil {
		t.Error("a value with a forged key id opened")
	}

	dir := t.TempDir()
	f := filepath.Join(dir, "k")
	if err := WriteKey(f, rawA); err != nil {
		t.Fatal(err)
	}
	if err := WriteKey(f, rawB); err != nil { // never replaces
		t.Fatal(err)
	}
	if err := ReplaceKeyFile(f, [][]byte{rawB, rawA}); err != nil {
		t.Fatal(err)
	}
	k, created, err := Load(f)
	if err != nil || created || len(k.Boxes) != 2 || k.Primary().ID() != b.ID() {
		t.Fatalf("load: %v %v %v", k, created, err)
	}
	if st, _ := os.Stat(f); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", st.Mode())
	}
	t.Setenv(EnvKey, base64.StdEncoding.EncodeToString(rawA)+","+base64.StdEncoding.EncodeToString(rawB))
	if k, _, err := Load(""); err != nil || len(k.Boxes) != 2 || k.Primary().ID() != a.ID() {
		t.Fatalf("load from %s: %v", EnvKey, err)
	}
	if cond, args := in("c", []string{"x", "y"}, []any{1}); cond != "c IN ($2, $3)" || len(args) != 3 {
		t.Errorf("in: %s %v", cond, args)
	}
}
