package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"

	"linli/internal/platform/db"
	"linli/internal/platform/pii"
)

// Key rotation (issue 18): "linli keys rotate" puts a new data key in front
// of the key file (the old one stays behind it, so both open what they
// sealed), seals every personal field and second-factor secret again under
// the new key in batches, with the keyed hashes recomputed, and seals the
// database's check value under it; "linli keys retire" then takes the old
// key out of the key file once nothing is left under it. Every step can be
// run again: a rotation stopped half-way resumes where rows are left.

// keysSetup parses a keys command's flags and opens its database and key
// file (a file: the commands write it), refusing a key file that is not
// the database's.
func keysSetup(ctx context.Context, env Env, log *slog.Logger, name string, args []string) (*App, string, [][]byte, *pii.Keys, int, error) {
	fs, dbURL := flags(env, name)
	batch := fs.Int("batch", 500, "rows sealed again per transaction")
	if err := parse(fs, args); err != nil {
		return nil, "", nil, nil, 0, err
	}
	if env.Getenv(pii.EnvKey) != "" || os.Getenv(pii.EnvKey) != "" {
		return nil, "", nil, nil, 0, fmt.Errorf("%s is set: key rotation writes a key file; unset it and use --key-file", pii.EnvKey)
	}
	if *batch < 1 {
		return nil, "", nil, nil, 0, usageError{errors.New("--batch must be at least 1")}
	}
	path := keyFile(fs, *dbURL)
	raw, err := pii.ReadKeyFile(path)
	if err != nil {
		return nil, "", nil, nil, 0, fmt.Errorf("read the key file: %w", err)
	}
	a, err := openExisting(ctx, *dbURL, log)
	if err != nil {
		return nil, "", nil, nil, 0, err
	}
	keys, err := pii.NewKeys(raw...)
	if err == nil {
		err = pii.CheckKey(ctx, a.DB, keys)
	}
	if err != nil {
		a.Close()
		return nil, "", nil, nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return a, path, raw, keys, *batch, nil
}

// keysRotate is linli keys rotate.
func keysRotate(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	a, path, raw, keys, batch, err := keysSetup(ctx, env, log, "keys rotate", args)
	if err != nil {
		return err
	}
	defer a.Close()
	if len(raw) == 1 {
		k, err := pii.NewKey()
		if err != nil {
			return err
		}
		raw = append([][]byte{k}, raw...)
		if err := pii.ReplaceKeyFile(path, raw); err != nil {
			return fmt.Errorf("write the new key: %w", err)
		}
		if keys, err = pii.NewKeys(raw...); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "key file %s: sealing under key %s; older keys %s still open what they sealed\n",
		path, keys.Primary().ID(), ids(keys.Boxes[1:]))
	pii.UseKeys(keys)
	// a server writing meanwhile with only the old key (not restarted, and
	// not yet reading the file again) can leave a value behind: a second
	// pass picks it up
	for pass := 1; pass <= 3; pass++ {
		if err := rotatePass(ctx, env.Stdout, a.DB, keys, batch); err != nil {
			return err
		}
		if err := pii.Recheck(ctx, a.DB, keys); err != nil {
			return err
		}
		left, n, err := pii.Left(ctx, a.DB, keys)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		if pass == 3 {
			return fmt.Errorf("%d values are still not under key %s (%v): a server is writing with the old key; restart it and run linli keys rotate again", n, keys.Primary().ID(), left)
		}
	}
	if a.DB.Engine == db.SQLite {
		// no freed page keeps a value sealed under the old key
		for _, q := range []string{`VACUUM`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
			if _, err := a.DB.Write.ExecContext(ctx, q); err != nil {
				// a server writing meanwhile can keep VACUUM out; the
				// rotation itself is done
				fmt.Fprintf(env.Stdout, "note: %s did not run (%v): free pages may keep values sealed under the old key until the next VACUUM\n", q, err)
				break
			}
		}
	}
	var codes int
	if err := a.DB.Read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT user_id) FROM recovery_codes WHERE used_at IS NULL`).Scan(&codes); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "done: every sealed value is under key %s.\n", keys.Primary().ID())
	if codes > 0 {
		fmt.Fprintf(env.Stdout, "%d accounts hold unused recovery codes made under the old key: they work until it is retired; ask their owners to make new ones (账户 → 两步验证) first.\n", codes)
	}
	fmt.Fprintf(env.Stdout, "next: restart every linli serve process, then run linli keys retire to take the old key out of %s.\n", path)
	return nil
}

func rotatePass(ctx context.Context, w io.Writer, d *db.DB, keys *pii.Keys, batch int) error {
	for _, c := range pii.Sealing() {
		total := 0
		var after int64
		for {
			n, last, err := pii.RotateBatch(ctx, d, keys, c, after, batch)
			if err != nil {
				return err
			}
			total += n
			if last == 0 {
				break
			}
			after = last
		}
		if total > 0 {
			fmt.Fprintf(w, "  %s.%s: %d sealed again\n", c.Table, c.Col, total)
		}
	}
	return nil
}

// keysRetire is linli keys retire: the older keys leave the key file once
// no value is sealed under them; each is set aside in FILE.retired-ID for
// the backups made before the rotation.
func keysRetire(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	a, path, raw, keys, _, err := keysSetup(ctx, env, log, "keys retire", args)
	if err != nil {
		return err
	}
	defer a.Close()
	if len(keys.Boxes) == 1 {
		fmt.Fprintf(env.Stdout, "nothing to retire: %s holds one key (%s)\n", path, keys.Primary().ID())
		return nil
	}
	left, n, err := pii.Left(ctx, a.DB, keys)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%d values are not under key %s yet (%v): run linli keys rotate first", n, keys.Primary().ID(), left)
	}
	for i, b := range keys.Boxes[1:] {
		side := path + ".retired-" + b.ID()
		if err := pii.WriteKey(side, raw[i+1]); err != nil {
			return fmt.Errorf("set the old key aside: %w", err)
		}
		fmt.Fprintf(env.Stdout, "key %s retired to %s: keep it with the backups made before the rotation (they need it), delete it when they expire\n", b.ID(), side)
	}
	if err := pii.ReplaceKeyFile(path, raw[:1]); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s now holds key %s only\n", path, keys.Primary().ID())
	return nil
}

// keysStatus is linli keys status: the key file's keys and, per sealed
// column, how many values are not under its sealing key.
func keysStatus(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	a, path, _, keys, _, err := keysSetup(ctx, env, log, "keys status", args)
	if err != nil {
		return err
	}
	defer a.Close()
	left, n, err := pii.Left(ctx, a.DB, keys)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "key file %s: sealing key %s, older keys %s\n", path, keys.Primary().ID(), ids(keys.Boxes[1:]))
	cols := make([]string, 0, len(left))
	for c := range left {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	for _, c := range cols {
		if left[c] > 0 {
			fmt.Fprintf(env.Stdout, "  %s: %d not under the sealing key\n", c, left[c])
		}
	}
	fmt.Fprintf(env.Stdout, "%d values left to rotate\n", n)
	return nil
}

func ids(bs []*pii.Box) string {
	if len(bs) == 0 {
		return "(none)"
	}
	s := ""
	for i, b := range bs {
		if i > 0 {
			s += ", "
		}
		s += b.ID()
	}
	return s
}
