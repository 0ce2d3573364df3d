package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/upload"
)

// DefaultMaxReceipt is the largest receipt accepted: 5 MiB.
const DefaultMaxReceipt = 5 << 20

// ReceiptTypes are the accepted kinds of receipt, told by content.
var ReceiptTypes = []string{"image/png", "image/jpeg", "application/pdf"}

// Upload is a file as received: its name (kept for display only) and bytes.
type Upload = upload.File

func (s *Service) maxReceipt() int64 {
	if s.MaxReceipt > 0 {
		return s.MaxReceipt
	}
	return DefaultMaxReceipt
}

// ReadUpload reads at most max+1 bytes, so an oversized file is told
// without reading all of it.
func ReadUpload(r io.Reader, name string, max int64) (*Upload, error) {
	return upload.Read(r, name, max)
}

// checkUpload validates a receipt by its content, never its name: PNG, JPEG
// or PDF, not empty, not over the size limit. It returns the content type.
func (s *Service) checkUpload(up *Upload, field string, f errs.Fields) string {
	var data []byte
	if up != nil {
		data = up.Data
	}
	ct, p := upload.Check(data, s.maxReceipt(), ReceiptTypes)
	if p != upload.OK {
		m := upload.Msg(p, data, s.maxReceipt(), ReceiptTypes)
		if p == upload.Missing {
			m.Key = "err.receipt_required" // a receipt is the rule, not a slip
		}
		f.Add(field, m.Key, m.Args...)
	}
	return ct
}

// storeReceipt saves an uploaded file inside tx.
func storeReceipt(ctx context.Context, tx *sql.Tx, u *auth.User, now time.Time, hubID, orgID int64, ct string, up *Upload) (int64, error) {
	sum := sha256.Sum256(up.Data)
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO receipts (hub_org_id, org_id, content_type, size_bytes, sha256, filename, data,
		uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		hubID, orgID, ct, len(up.Data), hex.EncodeToString(sum[:]), upload.CleanName(up.Filename), up.Data, db.NullID(u.ID), now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("ledger: store receipt: %w", err)
	}
	return id, nil
}

// Receipt returns a receipt the viewer may see, with its bytes.
func (s *Service) Receipt(ctx context.Context, u *auth.User, id int64) (*Receipt, error) {
	var r Receipt
	err := s.DB.Read.QueryRowContext(ctx, `SELECT id, hub_org_id, org_id, content_type, size_bytes, sha256, filename, data, created_at
		FROM receipts WHERE id = $1`, id).Scan(&r.ID, &r.HubID, &r.OrgID, &r.ContentType, &r.Size, &r.SHA256, &r.Filename, &r.Data, &r.CreatedAt)
	if err != nil {
		return nil, db.Found(err, "ledger: receipt")
	}
	if _, err := s.viewedOrg(ctx, u, r.OrgID, r.HubID); err != nil {
		return nil, err
	}
	return &r, nil
}
