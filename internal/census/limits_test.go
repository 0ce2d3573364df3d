package census

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linli/internal/platform/errs"
)

// readAll streams a file as the import does and returns the error that
// stopped it and the bytes allocated meanwhile.
func readAll(t *testing.T, path string) (error, uint64) {
	t.Helper()
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	rows, err := openRows(path, filepath.Base(path))
	if err == nil {
		for {
			if _, _, err = rows.Next(); err != nil {
				break
			}
		}
		rows.Close()
	}
	runtime.ReadMemStats(&b)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return err, b.TotalAlloc - a.TotalAlloc
}

func wantLimit(t *testing.T, err error, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid || e.Message.Key != key {
		t.Fatalf("want %s, got %v", key, err)
	}
}

func write(t *testing.T, name string, fill func(w io.Writer)) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	fh, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	fill(fh)
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantLineLimit: the file at p is refused at the line limit before what
// it holds (what) allocates 64 MiB.
func wantLineLimit(t *testing.T, p, what string) {
	t.Helper()
	err, n := readAll(t, p)
	wantLimit(t, err, "census.err.limit_line")
	if n > 64<<20 {
		t.Errorf("%s allocated %d MiB", what, n>>20)
	}
}

// lower sets an import limit to n until the test ends.
func lower[N int | int64](t *testing.T, limit *N, n N) {
	old := *limit
	*limit = n
	t.Cleanup(func() { *limit = old })
}

// headed is a workbook with the template's first two column names.
func headed() *excelize.File {
	x := excelize.NewFile()
	x.SetCellStr("Sheet1", "A1", "组织名称")
	x.SetCellStr("Sheet1", "B1", "统一社会信用代码")
	return x
}

// save writes the workbook to a file of that name and returns its path.
func save(t *testing.T, x *excelize.File, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := x.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportBombs reproduces issue 18's failure 2 at a small scale: a CSV
// of commas, a huge cell, endless rows and a huge shared string were read
// whole (4 GB for 60 MB of commas). Each is now refused while streaming,
// naming the limit, before the memory is spent.
func TestImportBombs(t *testing.T) {
	t.Run("a line of commas", func(t *testing.T) {
		p := write(t, "commas.csv", func(w io.Writer) {
			io.WriteString(w, "组织名称,统一社会信用代码\n")
			w.Write(bytes.Repeat([]byte{','}, 8<<20))
		})
		wantLineLimit(t, p, "8 MB of commas")
	})
	t.Run("a huge cell", func(t *testing.T) {
		p := write(t, "cell.csv", func(w io.Writer) {
			io.WriteString(w, "组织名称,统一社会信用代码\n\"")
			w.Write(bytes.Repeat([]byte("社\n"), 4<<20))
			io.WriteString(w, "\",x\n")
		})
		wantLineLimit(t, p, "a 16 MB cell")
	})
	t.Run("too many columns", func(t *testing.T) {
		p := write(t, "wide.csv", func(w io.Writer) {
			io.WriteString(w, "组织名称,统一社会信用代码\n")
			io.WriteString(w, strings.Repeat("a,", importLimits.Columns+5)+"\n")
		})
		err, _ := readAll(t, p)
		wantLimit(t, err, "census.err.limit_columns")
	})
	t.Run("endless rows", func(t *testing.T) {
		lower(t, &importLimits.Rows, 1000)
		p := write(t, "rows.csv", func(w io.Writer) {
			io.WriteString(w, "组织名称,统一社会信用代码\n")
			io.WriteString(w, strings.Repeat(" \n", 5000))
		})
		err, _ := readAll(t, p)
		wantLimit(t, err, "census.err.limit_rows")
	})
	t.Run("a huge shared string", func(t *testing.T) {
		lower(t, &importLimits.SharedStrings, 1<<20)
		x := headed()
		x.SetCellStr("Sheet1", "A2", strings.Repeat("x", 32000))
		for i := 3; i < 100; i++ {
			cell, _ := excelize.CoordinatesToCellName(1, i)
			x.SetCellStr("Sheet1", cell, strings.Repeat(string(rune('a'+i%26)), 30000)+cell)
		}
		err, _ := readAll(t, save(t, x, "shared.xlsx"))
		wantLimit(t, err, "census.err.limit_shared")
	})
	t.Run("a zip bomb", func(t *testing.T) {
		lower(t, &importLimits.Unzipped, 1<<20)
		x := headed()
		for i := 2; i < 60000; i++ {
			cell, _ := excelize.CoordinatesToCellName(1, i)
			x.SetCellInt("Sheet1", cell, int64(i))
		}
		err, _ := readAll(t, save(t, x, "bomb.xlsx"))
		wantLimit(t, err, "census.err.limit_unzipped")
	})
	t.Run("an ordinary file reads", func(t *testing.T) {
		p := write(t, "ok.csv", func(w io.Writer) {
			io.WriteString(w, "组织名称,统一社会信用代码\n五山舞蹈队,\n")
		})
		if err, _ := readAll(t, p); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzReadCSV and FuzzReadXLSX: whatever the bytes, the readers end with
// rows, io.EOF or an application error, never a panic.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{"组织名称,统一社会信用代码\n五山舞蹈队,\n", "\"a\"\"b,\n", ",,,,\n\n", "\xef\xbb\xbfa,b\r\n", "\xd6\xd0\xce\xc4,b\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err, _ := readAll(t, p); err != nil {
			if _, ok := errs.As(err); !ok {
				t.Fatalf("%q: %v", b, err)
			}
		}
	})
}

func FuzzReadXLSX(f *testing.F) {
	x := excelize.NewFile()
	x.SetCellStr("Sheet1", "A1", "组织名称")
	x.SetCellStr("Sheet1", "B1", "=1+1")
	var buf bytes.Buffer
	x.Write(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "f.xlsx")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err, _ := readAll(t, p); err != nil {
			if _, ok := errs.As(err); !ok {
				t.Fatalf("%v", err)
			}
		}
	})
}

// TestSweepUploads reproduces issue 18's failure 7: the upload of an import
// killed with kill -9 stayed in the temporary folder for ever. A start
// sweeps the folders of processes that no longer run, and keeps its own.
func TestSweepUploads(t *testing.T) {
	dir := t.TempDir()
	dead := filepath.Join(dir, "linli-upload-999999999-abc")
	mine := filepath.Join(dir, uploadPrefix()+"def")
	other := filepath.Join(dir, "linli-import-12345") // an older version's, recent: kept
	for _, d := range []string{dead, mine, other} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(d, "upload.xlsx"), []byte("x"), 0o600)
	}
	n, err := SweepUploads(dir)
	if err != nil || n != 1 {
		t.Fatalf("swept %d: %v", n, err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("a dead process's upload is still there")
	}
	for _, d := range []string{mine, other} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s removed", d)
		}
	}
}
