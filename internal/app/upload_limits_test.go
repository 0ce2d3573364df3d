package app_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/census"
	"linli/internal/civic"
	"linli/internal/funding"
	"linli/internal/ledger"
)

// TestUploadTooLarge sends a file over the limit to every route that takes
// an upload, as its rightful user: each refuses it with a Chinese message
// naming the limit in MB, none of Go's English, and writes nothing (no
// audit row, no row of the room's, no temporary file left).
func TestUploadTooLarge(t *testing.T) {
	w := newWorld(t)
	a := w.a
	owner := a.As(w.owner)
	leader := a.Login("wushan-leader", apptest.Password)
	staff := a.Login("wushan-hub", apptest.Password)
	fundLeader := a.Login("wushan-fund-leader", apptest.Password)
	portalLeader := a.Login("wushan-portal-leader", apptest.Password)
	mb := int64(1 << 20)
	cases := []struct {
		who         *apptest.Client
		path, field string
		limit       int64
		fields      map[string]string
	}{
		{owner, "/api/v1/orgs/import?dry_run=1", "file", census.MaxUpload, nil},
		{owner, "/census/import", "file", census.MaxUpload, nil},
		{owner, "/api/v1/census/rounds/{round}/submissions", "file", census.MaxUpload, nil},
		{owner, "/census/rounds/{round}/submit", "file", census.MaxUpload, nil},
		{owner, "/api/v1/activities/import?dry_run=1", "file", activity.MaxImportBytes, nil},
		{owner, "/activities/import", "file", activity.MaxImportBytes, nil},
		{owner, "/api/v1/activities/{activity}/files", "file", activity.DefaultMaxFile, nil},
		{owner, "/activities", "file", activity.DefaultMaxFile, map[string]string{"title": "超大附件的活动"}},
		{leader, "/api/v1/custody/{custorg}/expenses", "receipt", ledger.DefaultMaxReceipt,
			map[string]string{"amount_fen": "2000", "purpose": "活动物资", "payee": "五山超市", "spent_on": "2023-06-10"}},
		{leader, "/custody/{custorg}/expenses", "receipt", ledger.DefaultMaxReceipt,
			map[string]string{"amount": "20.00", "purpose": "活动物资", "payee": "五山超市", "spent_on": "2023-06-10"}},
		{staff, "/api/v1/custody/{custorg}/income", "attachment", ledger.DefaultMaxReceipt,
			map[string]string{"amount_fen": "1000", "source": "government_purchase", "voucher": "WS-9", "received_on": "2023-06-01"}},
		{staff, "/custody/{custorg}/income", "attachment", ledger.DefaultMaxReceipt,
			map[string]string{"amount": "10.00", "source": "government_purchase", "voucher": "WS-9", "received_on": "2023-06-01"}},
		{owner, "/api/v1/cases/{case}/photos", "file", civic.MaxPhoto, nil},
		{owner, "/cases/{case}/photos", "file", civic.MaxPhoto, nil},
		{fundLeader, "/projects/{fproject}/milestones/{fmilestone}/report", "file", funding.MaxAttachment,
			map[string]string{"report": "五山启动完成", "reported_on": "2023-06-30"}},
		{portalLeader, "/p/orgs/{porg}/photos", "photo", 2 * mb, map[string]string{"caption": "超大合影"}},
	}
	tmp := func() int {
		m, _ := filepath.Glob(filepath.Join(os.TempDir(), fmt.Sprintf("linli-upload-%d-*", os.Getpid())))
		return len(m)
	}
	for _, c := range cases {
		path := w.fill(c.path)
		t.Run(strings.TrimPrefix(c.path, "/"), func(t *testing.T) {
			audit, files := a.Count("audit_log"), tmp()
			status, body := sendLarge(t, a, c.who, path, c.field, c.limit+2*mb, c.fields)
			if status < 400 || status >= 500 {
				t.Errorf("status %d, want a refusal: %.300s", status, body)
			}
			check(t, path, body, fmt.Sprintf("%d MB", c.limit/mb))
			t.Logf("%d %s", status, firstLine(body))
			if n := a.Count("audit_log"); n != audit {
				t.Errorf("%d audit rows written", n-audit)
			}
			if n := tmp(); n != files {
				t.Errorf("%d temporary upload folders left", n-files)
			}
		})
	}
}

// sendLarge posts a multipart body whose file field holds size bytes,
// generated as it is sent (no buffer of that size), and returns the answer.
// The server may stop reading at its limit: the answer counts, not the
// rest of the body.
func sendLarge(t *testing.T, a *apptest.App, c *apptest.Client, path, field string, size int64, fields map[string]string) (int, string) {
	t.Helper()
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if _, err := mw.CreateFormFile(field, "大文件.xlsx"); err != nil {
		t.Fatal(err)
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	body := io.MultiReader(&head, io.LimitReader(zeros{}, size), strings.NewReader(tail))
	req, err := http.NewRequest("POST", a.URL()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// zeros reads as an endless run of a byte that is no file's signature.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// firstLine is the refusal's message, for the log.
func firstLine(body string) string {
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, " MB") {
			return strings.TrimSpace(l)
		}
	}
	return ""
}
