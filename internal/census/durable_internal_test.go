package census

import (
	"context"
	"os"
	"path/filepath"

	"linli/internal/platform/auth"
)

// RecordForTest stores a job for a file as an upload would, without
// running it.
func (js *Jobs) RecordForTest(ctx context.Context, u *auth.User, path, name string, dryRun bool, roundID int64) (string, error) {
	return js.record(ctx, u, &upload{Path: path, Name: name, DryRun: dryRun}, roundID)
}

// ClaimForTest claims a job for this replica; RunForTest runs a claimed one.
func (js *Jobs) ClaimForTest(ctx context.Context, id string) (bool, error) { return js.claim(ctx, id) }

// RunForTest runs a job this replica claimed, as its goroutine would.
func (js *Jobs) RunForTest(ctx context.Context, id string) { js.run(ctx, id) }

// StartFileForTest starts a job for a copy of a file, as an upload would.
func (js *Jobs) StartFileForTest(ctx context.Context, u *auth.User, path, name string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", uploadPrefix())
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "upload"+filepath.Ext(name))
	if err := os.WriteFile(p, b, 0o600); err != nil {
		return "", err
	}
	return js.Start(ctx, u, &upload{Path: p, Name: name}, 0)
}
