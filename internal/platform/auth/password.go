package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id is the cost of an argon2id hash: passes, memory and lanes.
// CheckPassword reads a hash's own cost from the hash, so hashes of
// different costs check side by side.
type Argon2id struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
}

// OWASP is OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): the
// cost linli hashes every password with.
func OWASP() Argon2id { return Argon2id{Time: 2, MemoryKiB: 19 * 1024, Threads: 1} }

// Cheapest is the least cost argon2id allows (1 pass, 8 KiB), for the
// accounts tests create by the hundred, whose passwords protect nothing:
// a test binary spent most of its processor time hashing them at OWASP's
// cost. The product never uses it (Service.Hashing's zero value is OWASP).
func Cheapest() Argon2id { return Argon2id{Time: 1, MemoryKiB: 8, Threads: 1} }

const argonKeyLen = 32

// HashPassword returns a PHC-format argon2id hash at OWASP's cost.
func HashPassword(pw string) (string, error) { return OWASP().Hash(pw) }

// Hash returns a PHC-format argon2id hash of pw at this cost.
func (c Argon2id) Hash(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, c.Time, c.MemoryKiB, c.Threads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.MemoryKiB, c.Time,
		c.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword compares a password with a PHC argon2id hash in constant time.
func CheckPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("auth: unknown password hash format")
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, fmt.Errorf("auth: hash parameters: %w", err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("auth: salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("auth: key: %w", err)
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
