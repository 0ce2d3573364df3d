// Package pii keeps personal fields (phones, ID numbers, second-factor
// secrets) encrypted at rest: AES-256-GCM under an application key, with a
// keyed hash (HMAC-SHA256) beside each sealed column for exact lookups and
// duplicate checks. The key is a file (or the LINLI_DATA_KEY environment
// variable); the database alone reveals no plain value.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Prefix marks a value sealed before keys had ids (one key only); a value
// with neither prefix is legacy plain text (read as is, and sealed by
// EncryptExisting).
const Prefix = "enc1:"

// Prefix2 marks a sealed value carrying the id of its key:
// enc2:<8 hex>:<base64>, so that during a key rotation the old and the new
// key both read what they sealed and RotateBatch knows what is left.
const Prefix2 = "enc2:"

// Sealed reports whether s is a sealed value (of any version).
func Sealed(s string) bool { return strings.HasPrefix(s, Prefix) || strings.HasPrefix(s, Prefix2) }

// KeySize is the length of the application key in bytes.
const KeySize = 32

// Box seals and opens values under one key.
type Box struct {
	aead cipher.AEAD
	mac  []byte
	id   string
}

// New derives the sealing and hashing keys from a 32-byte application key.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("pii: the key must be %d bytes, not %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(derive(key, "linli seal v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead, mac: derive(key, "linli lookup v1"), id: hex.EncodeToString(derive(key, "linli key id v1")[:4])}, nil
}

// ID is the key's public id (8 hex digits of a one-way derivation), kept
// beside every value it seals.
func (b *Box) ID() string { return b.id }

// Tag is the start of every value this box seals.
func (b *Box) Tag() string { return Prefix2 + b.id + ":" }

func derive(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts a value under the box's key with its id in front ("" stays
// "", a value already sealed stays as it is).
func (b *Box) Seal(plain string) string {
	if plain == "" || Sealed(plain) {
		return plain
	}
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("pii: no randomness: " + err.Error())
	}
	tag := b.Tag()
	ct := b.aead.Seal(nonce, nonce, []byte(plain), []byte(tag))
	return tag + base64.RawStdEncoding.EncodeToString(ct)
}

// keyID is the key id of an enc2 value, "" for any other.
func keyID(s string) string {
	if rest, ok := strings.CutPrefix(s, Prefix2); ok {
		if id, _, ok := strings.Cut(rest, ":"); ok {
			return id
		}
	}
	return ""
}

// Open decrypts a sealed value; a value without a prefix is returned as
// is. A value sealed under another key is an error.
func (b *Box) Open(s string) (string, error) {
	var aad, body string
	switch {
	case strings.HasPrefix(s, Prefix):
		aad, body = Prefix, s[len(Prefix):]
	case strings.HasPrefix(s, Prefix2):
		if id := keyID(s); id != b.id {
			return "", fmt.Errorf("pii: a value sealed under key %s, not %s", id, b.id)
		}
		aad, body = b.Tag(), s[len(b.Tag()):]
	default:
		return s, nil
	}
	ct, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(ct) < b.aead.NonceSize() {
		return "", errors.New("pii: malformed sealed value")
	}
	n := b.aead.NonceSize()
	p, err := b.aead.Open(nil, ct[:n], ct[n:], []byte(aad))
	if err != nil {
		return "", errors.New("pii: a sealed value does not open with this key")
	}
	return string(p), nil
}

// Hash is the keyed hash of a value for equality lookups ("" stays "").
func (b *Box) Hash(plain string) string {
	if plain == "" {
		return ""
	}
	m := hmac.New(sha256.New, b.mac)
	m.Write([]byte(plain))
	return hex.EncodeToString(m.Sum(nil))
}

// Keyed is an HMAC of a value under the box's lookup key with a purpose
// label (recovery codes), never equal to Hash of the same value.
func (b *Box) Keyed(purpose, v string) string {
	m := hmac.New(sha256.New, b.mac)
	m.Write([]byte(purpose + "\x00" + v))
	return hex.EncodeToString(m.Sum(nil))
}

// ---- key sets --------------------------------------------------------

// Keys is a database's key set: the first key seals and hashes, every key
// opens what it sealed (more than one only during a rotation).
type Keys struct{ Boxes []*Box }

// NewKeys makes a key set of raw keys, the sealing key first.
func NewKeys(raw ...[]byte) (*Keys, error) {
	if len(raw) == 0 {
		return nil, errors.New("pii: no key")
	}
	k := &Keys{}
	seen := map[string]bool{}
	for _, r := range raw {
		b, err := New(r)
		if err != nil {
			return nil, err
		}
		if !seen[b.id] {
			seen[b.id] = true
			k.Boxes = append(k.Boxes, b)
		}
	}
	return k, nil
}

// Primary is the key that seals.
func (k *Keys) Primary() *Box { return k.Boxes[0] }

// Open opens a value sealed under any key of the set.
func (k *Keys) Open(s string) (string, error) {
	if id := keyID(s); id != "" {
		for _, b := range k.Boxes {
			if b.id == id {
				return b.Open(s)
			}
		}
		return "", fmt.Errorf("pii: a value sealed under key %s, which is not in the key set", id)
	}
	var err error
	for _, b := range k.Boxes {
		var p string
		if p, err = b.Open(s); err == nil {
			return p, nil
		}
	}
	return "", err
}

// Hashes are the keyed hashes of a value under every key of the set, the
// sealing key's first: an equality lookup matches any of them, so rows not
// yet rotated are still found during a rotation.
func (k *Keys) Hashes(plain string) []string {
	out := make([]string, len(k.Boxes))
	for i, b := range k.Boxes {
		out[i] = b.Hash(plain)
	}
	return out
}

// Keyed is Box.Keyed under every key of the set.
func (k *Keys) Keyed(purpose, v string) []string {
	out := make([]string, len(k.Boxes))
	for i, b := range k.Boxes {
		out[i] = b.Keyed(purpose, v)
	}
	return out
}

// ---- the process's keys ------------------------------------------------

var (
	current   atomic.Pointer[Keys]
	ephemeral = sync.OnceValue(func() *Keys {
		k := make([]byte, KeySize)
		rand.Read(k)
		ks, _ := NewKeys(k)
		return ks
	})
)

// Use makes b the process's only key (the stores seal and open through it).
func Use(b *Box) { UseKeys(&Keys{Boxes: []*Box{b}}) }

// UseKeys makes k the process's key set. Keys used before stay able to
// open what they sealed (a test process opens several databases).
func UseKeys(k *Keys) {
	ringMu.Lock()
	defer ringMu.Unlock()
	if prev := current.Load(); prev != nil && prev != k {
		ring = append(append([]*Box(nil), prev.Boxes...), ring...)
	}
	current.Store(k)
}

var (
	ringMu sync.Mutex
	ring   []*Box

	watchMu    sync.Mutex
	watchPath  string
	lastReload time.Time
)

// Watch names the key file the process's keys came from: a value sealed
// under a key the process does not hold makes it read the file again (at
// most every few seconds), so a server running while "linli keys rotate"
// adds a key reads the values rotated under it, and seals under it from
// then on.
func Watch(path string) {
	watchMu.Lock()
	defer watchMu.Unlock()
	watchPath = path
}

// reload reads the watched key file again; it reports whether the set
// changed.
func reload() bool {
	watchMu.Lock()
	defer watchMu.Unlock()
	if watchPath == "" || time.Since(lastReload) < 3*time.Second {
		return false
	}
	lastReload = time.Now()
	raw, err := ReadKeyFile(watchPath)
	if err != nil {
		return false
	}
	k, err := NewKeys(raw...)
	if err != nil {
		return false
	}
	if cur := current.Load(); cur != nil && len(cur.Boxes) == len(k.Boxes) && cur.Primary().id == k.Primary().id {
		return false
	}
	UseKeys(k)
	return true
}

// CurrentKeys is the process's key set; without UseKeys, a random key for
// this process only (tests: nothing outlives the process).
func CurrentKeys() *Keys {
	if k := current.Load(); k != nil {
		return k
	}
	return ephemeral()
}

// Current is the process's sealing key.
func Current() *Box { return CurrentKeys().Primary() }

// Seal seals with the process's sealing key.
func Seal(plain string) string { return Current().Seal(plain) }

// Hash hashes with the process's sealing key (what is stored beside a
// sealed value).
func Hash(plain string) string { return Current().Hash(plain) }

// Hashes are the value's keyed hashes under each of the process's keys,
// for lookups (see Keys.Hashes).
func Hashes(plain string) []string { return CurrentKeys().Hashes(plain) }

// Keyed is Keys.Keyed under the process's keys.
func Keyed(purpose, v string) []string { return CurrentKeys().Keyed(purpose, v) }

// OpenErr opens with the process's keys (or ones it used before, or, for a
// key it does not know, the watched key file read again).
func OpenErr(s string) (string, error) {
	p, err := CurrentKeys().Open(s)
	if err == nil {
		return p, nil
	}
	ringMu.Lock()
	for _, b := range ring {
		if q, e := b.Open(s); e == nil {
			ringMu.Unlock()
			return q, nil
		}
	}
	ringMu.Unlock()
	if keyID(s) != "" && reload() {
		return CurrentKeys().Open(s)
	}
	return "", err
}

// Open is OpenErr for display: a value that does not open (which CheckKey
// prevents at start) reads as "".
func Open(s string) string {
	p, _ := OpenErr(s)
	return p
}

// FromKey is New for a key known to be right (tests).
func FromKey(key []byte) *Box {
	b, err := New(key)
	if err != nil {
		panic(err)
	}
	return b
}

// NewKey is a fresh random key.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	_, err := rand.Read(k)
	return k, err
}

// WriteKey writes a key file (mode 0600) unless one is there already.
func WriteKey(path string, key []byte) error {
	return writeKeys(path, [][]byte{key}, false)
}

// ReplaceKeyFile writes the keys (the sealing key first, one base64 line
// each) to path in place of what is there, atomically (a new file renamed
// over the old).
func ReplaceKeyFile(path string, keys [][]byte) error {
	return writeKeys(path, keys, true)
}

func writeKeys(path string, keys [][]byte, replace bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	var text strings.Builder
	for _, k := range keys {
		text.WriteString(base64.StdEncoding.EncodeToString(k) + "\n")
	}
	if _, err := tmp.WriteString(text.String()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if replace {
		return os.Rename(tmp.Name(), path)
	}
	// a link never replaces: two processes starting at once keep one key
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return nil
}

// ReadKeyFile reads the raw keys of a key file, the sealing key first.
func ReadKeyFile(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return decodeKeys(string(data), path)
}

// decodeKeys reads base64 keys separated by lines, commas or spaces.
func decodeKeys(text, from string) ([][]byte, error) {
	var out [][]byte
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ' ' || r == '\t' }) {
		k, err := base64.StdEncoding.DecodeString(f)
		if err != nil {
			return nil, fmt.Errorf("pii: %s is not base64 keys: %w", from, err)
		}
		out = append(out, k)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("pii: %s holds no key", from)
	}
	return out, nil
}

// EnvKey names the environment variable that may carry the keys (base64,
// the sealing key first, more than one separated by commas during a
// rotation).
const EnvKey = "LINLI_DATA_KEY"

// Load reads the keys from LINLI_DATA_KEY if set, else from the file at
// path, creating the file (mode 0600, a fresh random key) when it is absent.
// It reports whether it created the file.
func Load(path string) (*Keys, bool, error) {
	if v := strings.TrimSpace(os.Getenv(EnvKey)); v != "" {
		raw, err := decodeKeys(v, EnvKey)
		if err != nil {
			return nil, false, err
		}
		k, err := NewKeys(raw...)
		return k, false, err
	}
	if path == "" {
		return nil, false, fmt.Errorf("pii: no key file and no %s", EnvKey)
	}
	created := false
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		k, err := NewKey()
		if err != nil {
			return nil, false, err
		}
		if err := WriteKey(path, k); err != nil {
			return nil, false, fmt.Errorf("pii: create key file: %w", err)
		}
		created = true
	}
	raw, err := ReadKeyFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("pii: read key file: %w", err)
	}
	k, err := NewKeys(raw...)
	return k, created, err
}
