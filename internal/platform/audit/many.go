package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"linli/internal/platform/db"
)

// manyChunk is how many rows one INSERT of RecordMany writes.
const manyChunk = 25 // small: modernc looks each numbered parameter up by name

// manyChunkDialect is how many rows one INSERT of RecordManyDialect writes.
const manyChunkDialect = 250

// RecordMany appends entries in order inside tx, exactly as calling Record
// for each would (same sequence numbers, same hash chain), with one update
// of the head and multi-row inserts: for bulk changes such as imports.
func RecordMany(ctx context.Context, tx *sql.Tx, now time.Time, a Actor, es []Entry) error {
	return RecordManyDialect(ctx, tx, nil, now, a, es)
}

// RecordManyDialect is RecordMany writing larger statements with the
// engine's bulk parameters (db.Dialect.Param); d nil writes $n.
func RecordManyDialect(ctx context.Context, tx *sql.Tx, d db.Dialect, now time.Time, a Actor, es []Entry) error {
	if len(es) == 0 {
		return nil
	}
	var last int64
	var prev string
	if err := tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, last_hash`,
		len(es)).Scan(&last, &prev); err != nil {
		return fmt.Errorf("audit: advance head: %w", err)
	}
	at := now.UTC().Truncate(time.Microsecond)
	rows := make([]Row, len(es))
	for i, e := range es {
		detail, err := json.Marshal(e.Detail)
		if err != nil {
			return fmt.Errorf("audit: marshal detail: %w", err)
		}
		if e.Detail == nil {
			detail = []byte("{}")
		}
		r := Row{Seq: last - int64(len(es)) + int64(i) + 1, At: at, UserID: a.UserID, Username: a.Username, IP: a.IP,
			Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID, ScopeCode: e.ScopeCode, Detail: detail, PrevHash: prev}
		r.Hash = r.computeHash()
		rows[i], prev = r, r.Hash
	}
	per := manyChunk
	if d != nil {
		per = manyChunkDialect
	}
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		args := make([]any, 0, len(chunk)*12)
		for _, r := range chunk {
			args = append(args, r.Seq, r.At, db.NullID(r.UserID), r.Username, r.IP, r.Action, r.ObjectType, r.ObjectID,
				r.ScopeCode, string(r.Detail), r.PrevHash, r.Hash)
		}
		stmt := `INSERT INTO audit_log
			(seq, at, user_id, username, ip, action, object_type, object_id, scope_code, detail, prev_hash, hash) VALUES ` +
			db.Values(d, len(chunk), 12)
		if _, err := tx.ExecContext(ctx, stmt, args...); err != nil {
			return fmt.Errorf("audit: insert: %w", err)
		}
	}
	// each insert has set audit_head.last_hash to its last row's hash, the
	// last being prev (trigger audit_log_head)
	return nil
}
