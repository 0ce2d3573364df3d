// Package idem makes state-changing requests safe to retry. A request that
// carries an Idempotency-Key runs its transaction with the key reserved in
// the same transaction: the first success stores its response; a retry with
// the same key and the same payload gets that response back without doing
// anything again; the same key with another payload is refused (409).
//
// The key row is inserted first, so on PostgreSQL a concurrent retry waits
// on the unique index until the first attempt commits or rolls back; on
// SQLite the single writer already serializes them. A failed attempt rolls
// back with its key, so it may be retried.
package idem

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
)

// Header is the request header that carries the key.
const Header = "Idempotency-Key"

// MaxKeyLen bounds a key.
const MaxKeyLen = 200

// TTL is how long a key is remembered (issue 18: keys never expired): a
// retry within 24 hours replays the first answer; after that the key is
// free again, and Purge removes it.
const TTL = 24 * time.Hour

// Purge deletes the keys older than TTL.
func Purge(ctx context.Context, d *db.DB, now time.Time) (int64, error) {
	res, err := d.Write.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, now.Add(-TTL))
	if err != nil {
		return 0, fmt.Errorf("idem: purge: %w", err)
	}
	return res.RowsAffected()
}

// forgetExpired deletes one key if it has expired, so it may be used anew.
func forgetExpired(ctx context.Context, q db.Querier, k *Key, now time.Time) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND created_at < $3`,
		k.UserID, k.Key, now.Add(-TTL)); err != nil {
		return fmt.Errorf("idem: expire: %w", err)
	}
	return nil
}

// Key is one request's idempotency key.
type Key struct {
	UserID int64
	Key    string
	// Hash identifies the payload: method, path and canonical body.
	Hash string
	// Status is the success status the handler answers with.
	Status int
}

// Replay is returned instead of running a request again: the stored
// response of the first attempt.
type Replay struct {
	Status int
	Body   []byte
}

func (r *Replay) Error() string { return fmt.Sprintf("idempotent replay (%d)", r.Status) }

// AsReplay reports whether err is a replay.
func AsReplay(err error) (*Replay, bool) {
	var r *Replay
	ok := errors.As(err, &r)
	return r, ok
}

type ctxKey struct{}

// With returns a context carrying the key.
func With(ctx context.Context, k *Key) context.Context { return context.WithValue(ctx, ctxKey{}, k) }

// From returns the context's key, or nil.
func From(ctx context.Context) *Key {
	k, _ := ctx.Value(ctxKey{}).(*Key)
	return k
}

// FromRequest builds the key of a request from its header and a canonical
// form of its payload; it returns a nil key when the header is absent.
func FromRequest(r *http.Request, userID int64, status int, payload ...any) (*Key, error) {
	k := strings.TrimSpace(r.Header.Get(Header))
	if k == "" {
		return nil, nil
	}
	if len(k) > MaxKeyLen {
		return nil, errs.E(errs.Invalid, "err.idem_key")
	}
	for _, c := range k {
		if c < 0x21 || c > 0x7e {
			return nil, errs.E(errs.Invalid, "err.idem_key")
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", r.Method, r.URL.Path)
	for _, p := range payload {
		switch v := p.(type) {
		case []byte:
			fmt.Fprintf(h, "%d:", len(v))
			h.Write(v)
		default:
			b, err := json.Marshal(v)
			if err != nil {
				return nil, fmt.Errorf("idem: payload: %w", err)
			}
			fmt.Fprintf(h, "%d:", len(b))
			h.Write(b)
		}
	}
	return &Key{UserID: userID, Key: k, Hash: hex.EncodeToString(h.Sum(nil)), Status: status}, nil
}

// Marshal encodes a response body exactly as web.JSON does, so a replay
// sends the same bytes as the first answer.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Tx runs fn in a write transaction. Without a key in ctx it is d.Tx. With
// one, it reserves the key first and stores fn's result as the response, in
// the same transaction; a stored response for the same payload comes back
// as a *Replay error. It is the only mode: the key, the work and the
// response commit together or not at all. Work done through another
// service joins the transaction when called with db.WithTx(ctx, tx)
// (its own db.Tx then runs in this one).
func Tx(ctx context.Context, d *db.DB, now time.Time, fn func(tx *sql.Tx) (any, error)) error {
	k := From(ctx)
	var replay *Replay
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if k != nil {
			rp, err := reserve(ctx, tx, k, now)
			if err != nil {
				return err
			}
			if rp != nil {
				replay = rp
				return nil
			}
		}
		v, err := fn(tx)
		if err != nil || k == nil {
			return err
		}
		body, err := Marshal(v)
		if err != nil {
			return fmt.Errorf("idem: marshal response: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET status_code = $1, response = $2
			WHERE user_id = $3 AND idem_key = $4`, k.Status, string(body), k.UserID, k.Key); err != nil {
			return fmt.Errorf("idem: store response: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if replay != nil {
		return replay
	}
	return nil
}

// Do is Tx for work that answers a value: fn's value comes back with its
// error, as the service returns it (nothing, with the *Replay error, when a
// stored response answers instead).
func Do[T any](ctx context.Context, d *db.DB, now time.Time, fn func(tx *sql.Tx) (T, error)) (T, error) {
	var out T
	err := Tx(ctx, d, now, func(tx *sql.Tx) (any, error) {
		var err error
		out, err = fn(tx)
		return out, err
	})
	return out, err
}

// reserve inserts the key, or finds the stored response of an earlier
// attempt with the same key.
func reserve(ctx context.Context, tx *sql.Tx, k *Key, now time.Time) (*Replay, error) {
	if err := forgetExpired(ctx, tx, k, now); err != nil {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, idem_key) DO NOTHING`, k.UserID, k.Key, k.Hash, now)
	if err != nil {
		return nil, fmt.Errorf("idem: reserve: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	var hash, body string
	var status int
	if err := tx.QueryRowContext(ctx, `SELECT request_hash, status_code, response FROM idempotency_keys
		WHERE user_id = $1 AND idem_key = $2`, k.UserID, k.Key).Scan(&hash, &status, &body); err != nil {
		return nil, fmt.Errorf("idem: read: %w", err)
	}
	if hash != k.Hash {
		return nil, errs.E(errs.Conflict, "err.idem_mismatch")
	}
	return &Replay{Status: status, Body: []byte(body)}, nil
}

// Write sends a stored response again, marked as a replay.
func Write(w http.ResponseWriter, rp *Replay) {
	w.Header().Set("Idempotent-Replayed", "true")
	web.JSONBytes(w, rp.Status, rp.Body)
}
