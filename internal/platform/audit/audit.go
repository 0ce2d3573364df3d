// Package audit is the append-only, hash-chained audit log. Every change
// writes its row in the same transaction as the change itself.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"linli/internal/platform/db"
)

// Actor is who did something, and from where.
type Actor struct {
	UserID   int64
	Username string
	IP       string
}

// Entry is one change to record.
type Entry struct {
	Action     string // e.g. "org.create", "org.transition", "user.create"
	ObjectType string // e.g. "org", "user", "token"
	ObjectID   string
	ScopeCode  string // the division the object belongs to, for scoped reading
	Detail     any    // what changed; marshalled to JSON
}

// Row is a stored audit row.
type Row struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	UserID     int64           `json:"user_id"`
	Username   string          `json:"username"`
	IP         string          `json:"ip"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	ScopeCode  string          `json:"scope_code"`
	Detail     json.RawMessage `json:"detail"`
	PrevHash   string          `json:"-"`
	Hash       string          `json:"hash"`
}

func (r *Row) computeHash() string {
	b := make([]byte, 0, 256+len(r.Detail))
	b = AppendField(b, r.PrevHash)
	b = AppendField(b, strconv.FormatInt(r.Seq, 10))
	b = r.appendMid(b)
	b = AppendField(b, r.ObjectID)
	b = r.appendTail(b)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// AppendField appends one field of a hash input to b: its length in
// bytes, a colon, the field and a newline. The audit chain and the
// ledger's posting chain build their inputs from it.
func AppendField(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	b = append(b, s...)
	return append(b, '\n')
}

// appendMid and appendTail append the fields of the hash input between
// the sequence number and the object id, and after the object id.
func (r *Row) appendMid(b []byte) []byte {
	for _, s := range [...]string{r.At.UTC().Format(time.RFC3339Nano), strconv.FormatInt(r.UserID, 10), r.Username, r.IP,
		r.Action, r.ObjectType} {
		b = AppendField(b, s)
	}
	return b
}

func (r *Row) appendTail(b []byte) []byte {
	return AppendField(AppendField(b, r.ScopeCode), string(r.Detail))
}

// Prepared is an entry made ready for an appender that takes the chain's
// head itself, in the database (a function that writes a change and its
// audit row in one round trip): the row's hash is the SHA-256, in hex, of
// len:prev_hash, len:seq (each field as length, colon, field, newline),
// then Mid, then len:object_id, then Tail; Detail is the stored JSON.
type Prepared struct {
	At        time.Time
	Detail    string
	Mid, Tail []byte
}

// Prepare makes an entry ready for such an appender; the entry's object id
// is the appender's to fill in.
func Prepare(now time.Time, a Actor, e Entry) (*Prepared, error) {
	r, err := newRow(now, a, e)
	if err != nil {
		return nil, err
	}
	return &Prepared{At: r.At, Detail: string(r.Detail), Mid: r.appendMid(nil), Tail: r.appendTail(nil)}, nil
}

func newRow(now time.Time, a Actor, e Entry) (Row, error) {
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return Row{}, fmt.Errorf("audit: marshal detail: %w", err)
	}
	if e.Detail == nil {
		detail = []byte("{}")
	}
	return Row{At: now.UTC().Truncate(time.Microsecond), UserID: a.UserID, Username: a.Username, IP: a.IP,
		Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID, ScopeCode: e.ScopeCode, Detail: detail}, nil
}

// Record appends an entry inside tx. Taking the head row first serializes
// appenders on both engines, so the chain has no forks and no gaps. Two
// statements: advance the head (reading the previous hash), insert the row;
// the insert moves the head's last_hash along (trigger audit_log_head).
func Record(ctx context.Context, tx *sql.Tx, now time.Time, a Actor, e Entry) error {
	r, err := newRow(now, a, e)
	if err != nil {
		return err
	}
	// the head's id is an argument so that SQLite's statement cache keeps
	// the statement (statements without arguments are compiled every time)
	if err := tx.QueryRowContext(ctx,
		`UPDATE audit_head SET seq = seq + 1 WHERE id = $1 RETURNING seq, last_hash`, 1).Scan(&r.Seq, &r.PrevHash); err != nil {
		return fmt.Errorf("audit: advance head: %w", err)
	}
	r.Hash = r.computeHash()
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log
		(seq, at, user_id, username, ip, action, object_type, object_id, scope_code, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		r.Seq, r.At, db.NullID(r.UserID), r.Username, r.IP, r.Action, r.ObjectType, r.ObjectID, r.ScopeCode,
		string(r.Detail), r.PrevHash, r.Hash); err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	// the insert sets audit_head.last_hash (trigger audit_log_head)
	return nil
}

// Created writes one new row with a room's batch writer (insert, given a
// batch of one) and records e for it, the new row's id as e's object, in
// one transaction; it returns the id.
func Created[T any](ctx context.Context, d *db.DB, now time.Time, a Actor,
	insert func(context.Context, *sql.Tx, time.Time, []T) ([]int64, error), in T, e Entry) (int64, error) {
	var id int64
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		ids, err := insert(ctx, tx, now, []T{in})
		if err != nil {
			return err
		}
		id = ids[0]
		e.ObjectID = strconv.FormatInt(id, 10)
		return Record(ctx, tx, now, a, e)
	})
	return id, err
}

const rowColumns = `seq, at, COALESCE(user_id, 0), username, ip, action, object_type, object_id, scope_code, detail, prev_hash, hash`

func scanRow(sc interface{ Scan(...any) error }) (Row, error) {
	var r Row
	var detail string
	err := sc.Scan(&r.Seq, &r.At, &r.UserID, &r.Username, &r.IP, &r.Action, &r.ObjectType,
		&r.ObjectID, &r.ScopeCode, &detail, &r.PrevHash, &r.Hash)
	r.Detail = json.RawMessage(detail)
	r.At = r.At.UTC()
	return r, err
}

// Problem is the first break found in the chain.
type Problem struct {
	Seq    int64
	Reason string
}

func (p *Problem) Error() string { return fmt.Sprintf("audit row %d: %s", p.Seq, p.Reason) }

// Verify walks the chain in order and returns the number of rows checked and
// the first problem: a changed row, a removed row, or a cut-off tail.
func Verify(ctx context.Context, q db.Querier) (int64, *Problem, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+rowColumns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return 0, nil, fmt.Errorf("audit verify: %w", err)
	}
	defer rows.Close()
	var n, want int64 = 0, 1
	prev := ""
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return n, nil, fmt.Errorf("audit verify: scan: %w", err)
		}
		switch {
		case r.Seq != want:
			return n, &Problem{want, fmt.Sprintf("missing (next row present is %d)", r.Seq)}, nil
		case r.PrevHash != prev:
			return n, &Problem{r.Seq, "previous-hash link broken (a row before it was changed or removed)"}, nil
		case r.computeHash() != r.Hash:
			return n, &Problem{r.Seq, "content does not match its hash (row was altered)"}, nil
		}
		prev, want, n = r.Hash, want+1, n+1
	}
	if err := rows.Err(); err != nil {
		return n, nil, err
	}
	var headSeq int64
	var headHash string
	if err := q.QueryRowContext(ctx, `SELECT seq, last_hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return n, nil, fmt.Errorf("audit verify: head: %w", err)
	}
	if headSeq != n || headHash != prev {
		return n, &Problem{n + 1, fmt.Sprintf("log ends at row %d but %d rows were written (rows removed from the end)", n, headSeq)}, nil
	}
	return n, nil, nil
}

// Filter selects audit rows for reading.
type Filter struct {
	Scope      string // division prefix; "" for all
	UserID     int64
	Username   string
	ObjectType string
	ObjectID   string
	From, To   time.Time
	Limit      int
	BeforeSeq  int64
}

// List returns rows newest first.
func List(ctx context.Context, q db.Querier, f Filter) ([]Row, error) {
	var w db.Where
	if f.Scope != "" {
		var c string
		c, w.Args = db.ScopeCond("scope_code", f.Scope, w.Args)
		w.Add(c)
	}
	if f.UserID != 0 {
		w.Add("user_id = ?", f.UserID)
	}
	if f.Username != "" {
		w.Add("username = ?", f.Username)
	}
	if f.ObjectType != "" {
		w.Add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		w.Add("object_id = ?", f.ObjectID)
	}
	if !f.From.IsZero() {
		w.Add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		w.Add("at < ?", f.To.UTC())
	}
	if f.BeforeSeq > 0 {
		w.Add("seq < ?", f.BeforeSeq)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	sqlq := `SELECT ` + rowColumns + ` FROM audit_log`
	if !w.Empty() {
		sqlq += " WHERE " + w.String()
	}
	sqlq += " ORDER BY seq DESC LIMIT " + strconv.Itoa(limit)
	rows, err := q.QueryContext(ctx, sqlq, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("audit list: %w", err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (*Row, error) {
		r, err := scanRow(sc)
		return &r, err
	})
}
