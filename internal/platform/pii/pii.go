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
)

// Prefix marks a sealed value; a value without it is legacy plain text
// (read as is, and sealed by EncryptExisting).
const Prefix = "enc1:"

// KeySize is the length of the application key in bytes.
const KeySize = 32

// Box seals and opens values under one key.
type Box struct {
	aead cipher.AEAD
	mac  []byte
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
	return &Box{aead: aead, mac: derive(key, "linli lookup v1")}, nil
}

func derive(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts a value ("" stays "", a sealed value stays as it is).
func (b *Box) Seal(plain string) string {
	if plain == "" || strings.HasPrefix(plain, Prefix) {
		return plain
	}
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("pii: no randomness: " + err.Error())
	}
	ct := b.aead.Seal(nonce, nonce, []byte(plain), []byte(Prefix))
	return Prefix + base64.RawStdEncoding.EncodeToString(ct)
}

// Open decrypts a sealed value; a value without the prefix is returned as is.
func (b *Box) Open(s string) (string, error) {
	if !strings.HasPrefix(s, Prefix) {
		return s, nil
	}
	ct, err := base64.RawStdEncoding.DecodeString(s[len(Prefix):])
	if err != nil || len(ct) < b.aead.NonceSize() {
		return "", errors.New("pii: malformed sealed value")
	}
	n := b.aead.NonceSize()
	p, err := b.aead.Open(nil, ct[:n], ct[n:], []byte(Prefix))
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

// ---- the process's box -------------------------------------------------

var (
	current   atomic.Pointer[Box]
	ephemeral = sync.OnceValue(func() *Box {
		k := make([]byte, KeySize)
		rand.Read(k)
		b, _ := New(k)
		return b
	})
)

// Use makes b the process's box (the stores seal and open through it).
// Boxes used before stay able to open what they sealed (a test process
// opens several databases).
func Use(b *Box) {
	ringMu.Lock()
	defer ringMu.Unlock()
	if prev := current.Load(); prev != nil && prev != b {
		ring = append([]*Box{prev}, ring...)
	}
	current.Store(b)
}

var (
	ringMu sync.Mutex
	ring   []*Box
)

// Current is the process's box; without Use, a random key for this process
// only (tests: nothing outlives the process).
func Current() *Box {
	if b := current.Load(); b != nil {
		return b
	}
	return ephemeral()
}

// Seal seals with the process's box.
func Seal(plain string) string { return Current().Seal(plain) }

// Hash hashes with the process's box.
func Hash(plain string) string { return Current().Hash(plain) }

// Open opens with the process's box (or one it used before); a value
// that does not open (which CheckKey prevents at start) reads as "".
func Open(s string) string {
	p, err := Current().Open(s)
	if err == nil {
		return p
	}
	ringMu.Lock()
	defer ringMu.Unlock()
	for _, b := range ring {
		if p, err := b.Open(s); err == nil {
			return p
		}
	}
	return ""
}

// FromKey is New for a key known to be right (tests).
func FromKey(key []byte) *Box {
	b, err := New(key)
	if err != nil {
		panic(err)
	}
	return b
}

// WriteKey writes a key file (mode 0600) unless one is there already.
func WriteKey(path string, key []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// a link never replaces: two processes starting at once keep one key
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return nil
}

// EnvKey names the environment variable that may carry the key (base64).
const EnvKey = "LINLI_DATA_KEY"

// Load reads the key from LINLI_DATA_KEY if set, else from the file at
// path, creating the file (mode 0600, a fresh random key) when it is absent.
// It reports whether it created the file.
func Load(path string) (*Box, bool, error) {
	if v := strings.TrimSpace(os.Getenv(EnvKey)); v != "" {
		k, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, false, fmt.Errorf("pii: %s is not base64: %w", EnvKey, err)
		}
		b, err := New(k)
		return b, false, err
	}
	if path == "" {
		return nil, false, fmt.Errorf("pii: no key file and no %s", EnvKey)
	}
	data, err := os.ReadFile(path)
	created := false
	if errors.Is(err, os.ErrNotExist) {
		k := make([]byte, KeySize)
		if _, err := rand.Read(k); err != nil {
			return nil, false, err
		}
		if err := WriteKey(path, k); err != nil {
			return nil, false, fmt.Errorf("pii: create key file: %w", err)
		}
		created = true
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("pii: read key file: %w", err)
	}
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, false, fmt.Errorf("pii: key file %s is not base64: %w", path, err)
	}
	b, err := New(k)
	return b, created, err
}
