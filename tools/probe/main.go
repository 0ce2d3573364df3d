// Command probe re-runs issue 18's attacker probes against a real
// "linli serve --demo" process and reports, for each, the answers and the
// server's peak resident memory (VmHWM from /proc/PID/status, reset before
// each probe through /proc/PID/clear_refs, which needs the same user or
// root). Slow (it writes 1 GB-when-unpacked files and loads the demo); not
// part of CI:
//
//	go build -o /tmp/linli ./cmd/linli
//	go run ./tools/probe --linli /tmp/linli
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	bin := flag.String("linli", "linli", "the linli binary")
	dir := flag.String("dir", "", "working directory (default: a new temporary one)")
	user := flag.String("user", "street", "demo account to probe as (one without a second factor)")
	flag.Parse()
	if err := run(*bin, *dir, *user); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

func run(bin, dir, user string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "linli-probe-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	fmt.Println("building the probe files in", dir)
	files := map[string]string{}
	for name, gen := range map[string]func(io.Writer) error{
		"cell-1g.xlsx":       func(w io.Writer) error { return xlsx(w, cellGB) },
		"whitespace-1g.xlsx": func(w io.Writer) error { return xlsx(w, whitespaceGB) },
		"rows-1g.xlsx":       func(w io.Writer) error { return xlsx(w, rowsGB) },
		"commas-60m.csv":     commas,
	} {
		p := filepath.Join(dir, name)
		files[name] = p
		if _, err := os.Stat(p); err == nil {
			continue // made by an earlier run in the same --dir
		}
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		if err := gen(bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		f.Close()
	}

	port, err := freePort()
	if err != nil {
		return err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	args := []string{"serve", "--db", "sqlite:" + filepath.Join(dir, "probe.db"), "--addr", "127.0.0.1:" + strconv.Itoa(port)}
	if _, err := os.Stat(filepath.Join(dir, "probe.db")); err != nil {
		args = append(args, "--demo") // an earlier run's database has it already
	}
	srv := exec.Command(bin, args...)
	srv.Env = append(os.Environ(), "LINLI_KEY_FILE="+filepath.Join(dir, "probe.key"))
	logf, _ := os.Create(filepath.Join(dir, "serve.log"))
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	pid := strconv.Itoa(srv.Process.Pid)
	fmt.Println("linli serve --demo pid", pid, "at", base, "(loading the demo)")
	for i := 0; ; i++ {
		if r, err := http.Get(base + "/healthz"); err == nil && r.StatusCode == 200 {
			r.Body.Close()
			break
		}
		if i > 1200 {
			return fmt.Errorf("serve did not answer in 10 minutes; see %s", filepath.Join(dir, "serve.log"))
		}
		if srv.ProcessState != nil {
			return fmt.Errorf("serve ended; see serve.log")
		}
		time.Sleep(500 * time.Millisecond)
	}
	fmt.Printf("started: VmHWM %s, VmRSS %s\n", kb(status(pid, "VmHWM")), kb(status(pid, "VmRSS")))

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 20 * time.Minute}
	if r, body := do(c, "POST", base+"/api/v1/session", "application/json", strings.NewReader(`{"username":"`+user+`","password":"linli-demo-2021"}`)); r != 200 {
		return fmt.Errorf("sign-in as %s: %d %s", user, r, body)
	}

	fmt.Println("\nprobe | answer | time | peak RSS of serve (VmHWM) | alive")
	fmt.Println("--- | --- | --- | --- | ---")
	probe := func(name string, f func() string) {
		os.WriteFile("/proc/"+pid+"/clear_refs", []byte("5"), 0)
		start := time.Now()
		ans := f()
		el := time.Since(start)
		alive := "yes"
		if r, err := http.Get(base + "/healthz"); err != nil || r.StatusCode != 200 {
			alive = "NO"
		} else {
			r.Body.Close()
		}
		fmt.Printf("%s | %s | %.2f s | %s | %s\n", name, ans, el.Seconds(), kb(status(pid, "VmHWM")), alive)
	}
	page := func(p string) func() string {
		return func() string {
			code, body := do(c, "GET", base+p, "", nil)
			return fmt.Sprintf("%d, %d bytes", code, len(body))
		}
	}
	probe("GET /api/v1/orgs?q=社区&page=1000000000&per_page=200", page("/api/v1/orgs?q="+url.QueryEscape("社区")+"&page=1000000000&per_page=200"))
	probe("GET /orgs?q=社区&page=1000000000&per_page=200 (HTML)", page("/orgs?q="+url.QueryEscape("社区")+"&page=1000000000&per_page=200"))
	probe("GET /api/v1/orgs?page=3000000&per_page=200", page("/api/v1/orgs?page=3000000&per_page=200"))
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		probe("POST /api/v1/orgs/import "+n+" ("+size(files[n])+")", func() string {
			code, body := upload(c, base+"/api/v1/orgs/import", files[n])
			for tries := 0; code == http.StatusTooManyRequests && tries < 5; tries++ {
				time.Sleep(21 * time.Second) // the upload rate limit, not the file
				code, body = upload(c, base+"/api/v1/orgs/import", files[n])
			}
			var e struct {
				Error struct {
					Message string `json:"message"`
				} `json:"error"`
			}
			json.Unmarshal(body, &e)
			if e.Error.Message == "" {
				e.Error.Message = string(body[:min(len(body), 240)])
			}
			return fmt.Sprintf("%d %s (%d bytes)", code, e.Error.Message, len(body))
		})
	}

	// lockout: 45 wrong passwords for the admin from one address, then the
	// right password of another account from another client
	counts := map[int]int{}
	probe("45 wrong passwords for admin", func() string {
		for range 45 {
			code, _ := do(&http.Client{}, "POST", base+"/api/v1/session", "application/json", strings.NewReader(`{"username":"admin","password":"wrong-password"}`))
			counts[code]++
		}
		return fmt.Sprint(counts)
	})
	unknown := map[int]int{}
	for range 3 {
		code, _ := do(&http.Client{}, "POST", base+"/api/v1/session", "application/json", strings.NewReader(`{"username":"no-such-user","password":"wrong-password"}`))
		unknown[code]++
	}
	fmt.Println("then an unknown name:", unknown)
	// API: 2,000 calls in a row from one signed-in client
	api := map[int]int{}
	probe("2,000 API calls in a row", func() string {
		for range 2000 {
			code, _ := do(c, "GET", base+"/api/v1/me", "", nil)
			api[code]++
		}
		return fmt.Sprint(api)
	})
	fmt.Printf("\nend: VmRSS %s; serve log: %s\n", kb(status(pid, "VmRSS")), filepath.Join(dir, "serve.log"))
	return nil
}

func do(c *http.Client, method, u, ctype string, body io.Reader) (int, []byte) {
	req, _ := http.NewRequestWithContext(context.Background(), method, u, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	r, err := c.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	return r.StatusCode, b
}

// upload streams a file as the multipart field "file".
func upload(c *http.Client, u, path string) (int, []byte) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, err := mw.CreateFormFile("file", filepath.Base(path))
		if err == nil {
			var f *os.File
			if f, err = os.Open(path); err == nil {
				_, err = io.Copy(fw, f)
				f.Close()
			}
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	return do(c, "POST", u, mw.FormDataContentType(), pr)
}

const gb = 1 << 30

// xlsx writes a minimal workbook whose one sheet is written by sheet.
func xlsx(w io.Writer, sheet func(io.Writer) error) error {
	z := zip.NewWriter(w)
	for _, f := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
	} {
		fw, err := z.Create(f.name)
		if err != nil {
			return err
		}
		io.WriteString(fw, f.body)
	}
	fw, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	io.WriteString(fw, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	io.WriteString(fw, `<row r="1"><c r="A1" t="inlineStr"><is><t>组织名称</t></is></c><c r="B1" t="inlineStr"><is><t>统一社会信用代码</t></is></c></row>`)
	if err := sheet(fw); err != nil {
		return err
	}
	io.WriteString(fw, `</sheetData></worksheet>`)
	return z.Close()
}

func repeat(w io.Writer, chunk []byte, total int) error {
	for n := 0; n < total; n += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return err
		}
	}
	return nil
}

// cellGB: one cell of 1 GB.
func cellGB(w io.Writer) error {
	io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>`)
	if err := repeat(w, bytes.Repeat([]byte("A"), 1<<20), gb); err != nil {
		return err
	}
	_, err := io.WriteString(w, `</t></is></c></row>`)
	return err
}

// whitespaceGB: 1 GB of whitespace between two rows.
func whitespaceGB(w io.Writer) error {
	if err := repeat(w, bytes.Repeat([]byte(" "), 1<<20), gb); err != nil {
		return err
	}
	_, err := io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>`)
	return err
}

// rowsGB: 1 GB of short rows.
func rowsGB(w io.Writer) error {
	var b bytes.Buffer
	for n, r := 0, 2; n < gb; r++ {
		b.Reset()
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d"><v>%d</v></c></row>`, r, r, r)
		n += b.Len()
		if _, err := w.Write(b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// commas: a 60 MB CSV of commas.
func commas(w io.Writer) error {
	io.WriteString(w, "组织名称,统一社会信用代码\n")
	return repeat(w, bytes.Repeat([]byte(","), 1<<20), 60<<20)
}

func status(pid, field string) uint64 {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func kb(n uint64) string { return fmt.Sprintf("%.1f MB", float64(n)/1024) }

func size(p string) string {
	st, err := os.Stat(p)
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%.1f MB", float64(st.Size())/(1<<20))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
