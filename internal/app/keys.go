package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"linli/internal/platform/db"
	"linli/internal/platform/pii"
)

// openKey loads the data key (creating its file on first start), proves it
// is the database's key, and seals what is still plain (migration 026's
// rows written before it; a no-op after).
func openKey(ctx context.Context, d *db.DB, keyFile string, log *slog.Logger) error {
	keys := pii.CurrentKeys()
	if keyFile != "" || os.Getenv(pii.EnvKey) != "" {
		k, created, err := pii.Load(keyFile)
		if err != nil {
			return err
		}
		if created {
			log.Info("created the data key: keep it with the backups, without it phones and ID numbers cannot be read", "file", keyFile)
		}
		pii.UseKeys(k)
		if os.Getenv(pii.EnvKey) == "" {
			pii.Watch(keyFile)
		}
		keys = k
	}
	if err := pii.CheckKey(ctx, d, keys); err != nil {
		return err
	}
	n, err := pii.EncryptExisting(ctx, d, keys)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("sealed personal fields left in clear", "rows", n)
	}
	return nil
}

// DefaultKeyFile is where the data key lives unless --key-file (or
// LINLI_KEY_FILE) says otherwise: beside a SQLite database (its data
// directory), and for PostgreSQL in the user's configuration directory,
// one file per database URL.
func DefaultKeyFile(dbURL string) string {
	if p := sqlitePath(dbURL); p != "" {
		p, _, _ = strings.Cut(p, "?")
		return filepath.Join(filepath.Dir(p), "linli.key")
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	h := sha256.Sum256([]byte(dbURL))
	return filepath.Join(dir, "linli", "keys", hex.EncodeToString(h[:8])+".key")
}
