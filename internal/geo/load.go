package geo

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

//go:embed data/*.csv
var shipped embed.FS

// GuangzhouCode is the city whose hierarchy ships in the binary.
const GuangzhouCode = "4401"

// batchRows is how many divisions one INSERT carries.
const batchRows = 400

// Importer loads division CSV files.
type Importer struct{ Store *Store }

// Result counts what an import did.
type Result struct {
	Read    int `json:"read"`
	Written int `json:"written"`
}

// LoadGuangzhou loads the shipped Guangzhou hierarchy (广东省, 广州市, its 11
// districts, 178 streets and 2,851 communities). Idempotent.
func (im *Importer) LoadGuangzhou(ctx context.Context) (Result, error) {
	var total Result
	files := []struct {
		name   string
		filter func(code string) bool
	}{
		{"data/provinces.csv", func(c string) bool { return c == GuangzhouCode[:2] }},
		{"data/cities.csv", func(c string) bool { return c == GuangzhouCode }},
		{"data/guangzhou-areas.csv", nil},
		{"data/guangzhou-streets.csv", nil},
		{"data/guangzhou-villages.csv", nil},
	}
	for _, f := range files {
		r, err := shipped.Open(f.name)
		if err != nil {
			return total, fmt.Errorf("geo: %w", err)
		}
		res, err := im.Read(ctx, r, f.filter)
		r.Close()
		if err != nil {
			return total, fmt.Errorf("geo: %s: %w", f.name, err)
		}
		total.Read += res.Read
		total.Written += res.Written
	}
	return total, nil
}

// ImportFile loads one CSV file (plain or .gz) in the format of the national
// statistical division files: a header with "code" and "name" columns.
func (im *Importer) ImportFile(ctx context.Context, path string) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, fmt.Errorf("geo: %w", err)
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<16)
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return Result{}, fmt.Errorf("geo: %s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	res, err := im.Read(ctx, r, nil)
	if err != nil {
		return res, fmt.Errorf("geo: %s: %w", path, err)
	}
	return res, nil
}

// Read loads divisions from CSV in batches, in one transaction. Rows whose
// name and kind are unchanged are not rewritten, so a second import of the
// same file writes nothing.
func (im *Importer) Read(ctx context.Context, r io.Reader, keep func(code string) bool) (Result, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return Result{}, fmt.Errorf("header: %w", err)
	}
	ci, ni := -1, -1
	for i, h := range head {
		switch strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) {
		case "code":
			ci = i
		case "name":
			ni = i
		}
	}
	if ci < 0 || ni < 0 {
		return Result{}, errors.New(`header must name "code" and "name" columns`)
	}
	var res Result
	d := im.Store.DB
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		batch := make([]Node, 0, batchRows)
		full, err := tx.PrepareContext(ctx, insertSQL(batchRows))
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		defer full.Close()
		flush := func() error {
			n, err := writeBatch(ctx, tx, full, batch)
			res.Written += n
			batch = batch[:0]
			return err
		}
		line := 1
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			line++
			if err != nil {
				return fmt.Errorf("line %d: %w", line, err)
			}
			code := strings.TrimSpace(rec[ci])
			if LevelOf(code) == 0 {
				return fmt.Errorf("line %d: %q is not a division code", line, code)
			}
			if keep != nil && !keep(code) {
				continue
			}
			res.Read++
			batch = append(batch, Node{Code: code, Name: strings.TrimSpace(rec[ni]), Level: LevelOf(code),
				ParentCode: ParentOf(code), Kind: KindOf(code)})
			if len(batch) == batchRows {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	})
	return res, err
}

func insertSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO divisions (code, name, level, parent_code, kind) VALUES ")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		p := i * 5
		fmt.Fprintf(&b, "($%d,$%d,$%d,$%d,$%d)", p+1, p+2, p+3, p+4, p+5)
	}
	b.WriteString(` ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind
		WHERE divisions.name <> excluded.name OR divisions.kind <> excluded.kind`)
	return b.String()
}

// writeBatch writes one batch: a full batch through the prepared statement,
// the last short one through its own.
func writeBatch(ctx context.Context, tx *sql.Tx, full *sql.Stmt, batch []Node) (int, error) {
	if len(batch) == 0 {
		return 0, nil
	}
	args := make([]any, 0, len(batch)*5)
	for _, n := range batch {
		var parent any
		if n.ParentCode != "" {
			parent = n.ParentCode
		}
		args = append(args, n.Code, n.Name, n.Level, parent, n.Kind)
	}
	var r sql.Result
	var err error
	if len(batch) == batchRows {
		r, err = full.ExecContext(ctx, args...)
	} else {
		r, err = tx.ExecContext(ctx, insertSQL(len(batch)), args...)
	}
	if err != nil {
		return 0, fmt.Errorf("insert divisions: %w", err)
	}
	n, _ := r.RowsAffected()
	return int(n), nil
}
