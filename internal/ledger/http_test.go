package ledger_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linli/internal/app/apptest"
	"linli/internal/ledger"
	"linli/internal/platform/auth"
)

type web struct {
	a                        *apptest.App
	hubID, orgID, otherOrgID int64
	officer, staff, staff2   *apptest.Client
	leader, stranger, anon   *apptest.Client
}

func newWeb(t *testing.T) *web {
	a := apptest.New(t)
	officerU := a.User(auth.StreetOfficer, street)
	w := &web{a: a, officer: a.As(officerU), anon: a.Anon()}
	hubOrg := a.ActiveOrg(officerU, "天河南社区服务中心", yulei)
	org := a.ActiveOrg(officerU, "育蕾长者互助队", yulei)
	w.hubID, w.orgID = hubOrg.ID, org.ID
	r := w.officer.Do("POST", "/api/v1/hubs", map[string]any{"org_id": hubOrg.ID, "reason": "街道认定"}, "Idempotency-Key", "designate-1")
	if r.Status != http.StatusOK {
		t.Fatalf("designate: %d %s", r.Status, r.Body)
	}
	w.staff = a.As(a.CreateUser("", auth.HubStaff, street, hubOrg.ID))
	w.staff2 = a.As(a.CreateUser("", auth.HubStaff, street, hubOrg.ID))
	w.leader = a.As(a.CreateUser("", auth.OrgLeader, yulei, org.ID))
	w.stranger = a.As(a.User(auth.StreetOfficer, otherStreet))
	r = w.staff.Do("POST", fmt.Sprintf("/api/v1/hubs/%d/members", hubOrg.ID), map[string]any{"org_id": org.ID})
	if r.Status != http.StatusCreated {
		t.Fatalf("take into custody: %d %s", r.Status, r.Body)
	}
	return w
}

// donation records a donation of fen to the organization in custody,
// through the API as hub staff.
func (w *web) donation(t *testing.T, fen int64) ledger.Posting {
	t.Helper()
	r := w.staff.Do("POST", fmt.Sprintf("/api/v1/custody/%d/income", w.orgID),
		map[string]any{"amount_fen": fen, "source": "donation", "voucher": "JZ-1", "received_on": "2023-06-02"})
	if r.Status != http.StatusCreated {
		t.Fatalf("donation: %d %s", r.Status, r.Body)
	}
	var p ledger.Posting
	r.Decode(&p)
	return p
}

// multipartBody builds a multipart form with one file.
func multipartBody(t *testing.T, fields map[string]string, fileField, fileName string, data []byte) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

func TestAPICustodyFlow(t *testing.T) {
	w := newWeb(t)
	income := fmt.Sprintf("/api/v1/custody/%d/income", w.orgID)
	body := map[string]any{"amount_fen": 150000, "source": "government_purchase", "voucher": "ZF-2023-088", "received_on": "2023-06-01"}

	first := w.staff.Do("POST", income, body, "Idempotency-Key", "inc-1")
	if first.Status != http.StatusCreated {
		t.Fatalf("income: %d %s", first.Status, first.Body)
	}
	again := w.staff.Do("POST", income, body, "Idempotency-Key", "inc-1")
	if again.Status != http.StatusCreated || !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d %s (first %s)", again.Status, again.Body, first.Body)
	}
	body["amount_fen"] = 150001
	if r := w.staff.Do("POST", income, body, "Idempotency-Key", "inc-1"); r.Status != http.StatusConflict {
		t.Fatalf("same key, other payload: %d %s", r.Status, r.Body)
	}
	if n := w.a.Count("postings"); n != 1 {
		t.Fatalf("%d postings after retries", n)
	}
	if r := w.leader.Do("POST", income, body); r.Status != http.StatusForbidden {
		t.Fatalf("a leader records income: %d", r.Status)
	}

	expenses := fmt.Sprintf("/api/v1/custody/%d/expenses", w.orgID)
	fields := map[string]string{"amount_fen": "45600", "purpose": "重阳节慰问品", "payee": "某某超市", "spent_on": "2023-06-10"}
	mb, ctype := multipartBody(t, fields, "receipt", "receipt.txt", png)
	r := w.leader.Do("POST", expenses, mb, "Content-Type", ctype, "Idempotency-Key", "exp-1")
	if r.Status != http.StatusCreated {
		t.Fatalf("expense: %d %s", r.Status, r.Body)
	}
	var e ledger.Expense
	r.Decode(&e)
	if e.Status != "pending" || e.ID == 0 {
		t.Fatalf("expense %+v", e)
	}
	// The same multipart payload with a new boundary is the same request.
	mb2, ctype2 := multipartBody(t, fields, "receipt", "receipt.txt", png)
	if r := w.leader.Do("POST", expenses, mb2, "Content-Type", ctype2, "Idempotency-Key", "exp-1"); r.Status != http.StatusCreated ||
		r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("multipart retry: %d %s", r.Status, r.Body)
	}
	bad, ctype3 := multipartBody(t, fields, "receipt", "receipt.png", []byte("<html>not an image</html>"))
	if r := w.leader.Do("POST", expenses, bad, "Content-Type", ctype3); r.Status != http.StatusUnprocessableEntity ||
		r.Error().Fields["receipt"] == "" {
		t.Fatalf("html as receipt: %d %s", r.Status, r.Body)
	}

	approve := fmt.Sprintf("/api/v1/expenses/%d/approve", e.ID)
	if r := w.leader.Do("POST", approve, nil); r.Status != http.StatusForbidden {
		t.Fatalf("leader approves: %d", r.Status)
	}
	if r := w.stranger.Do("POST", approve, nil); r.Status != http.StatusNotFound {
		t.Fatalf("other street approves: %d", r.Status)
	}
	r = w.staff.Do("POST", approve, nil, "Idempotency-Key", "appr-1")
	if r.Status != http.StatusOK {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	r.Decode(&e)
	if e.Status != "paid" || e.PostingID == 0 {
		t.Fatalf("approved %+v", e)
	}
	if r := w.staff.Do("POST", approve, nil, "Idempotency-Key", "appr-1"); r.Status != http.StatusOK {
		t.Fatalf("approve retry: %d %s", r.Status, r.Body)
	}
	if r := w.staff2.Do("POST", approve, nil); r.Status != http.StatusConflict {
		t.Fatalf("approve twice: %d", r.Status)
	}

	var st ledger.Statement
	r = w.leader.Do("GET", fmt.Sprintf("/api/v1/custody/%d?from=2023-06-01&to=2023-06-30", w.orgID), nil)
	if r.Status != http.StatusOK {
		t.Fatalf("statement: %d %s", r.Status, r.Body)
	}
	r.Decode(&st)
	if st.Balance != 150000-45600 || len(st.Entries) != 2 || st.Closing != st.Balance {
		t.Fatalf("statement %+v", st)
	}
	if r := w.stranger.Do("GET", fmt.Sprintf("/api/v1/custody/%d", w.orgID), nil); r.Status != http.StatusNotFound {
		t.Fatalf("other street reads: %d", r.Status)
	}

	var d ledger.Disclosure
	r = w.anon.Do("GET", fmt.Sprintf("/api/v1/public/orgs/%d/disclosure?from=2023-06-01&to=2023-06-30", w.orgID), nil)
	if r.Status != http.StatusOK {
		t.Fatalf("disclosure: %d %s", r.Status, r.Body)
	}
	r.Decode(&d)
	if d.Income != st.Income || d.Expense != st.Expense || d.Closing != st.Closing || len(d.Expenses) != 1 {
		t.Fatalf("disclosure %+v vs statement %+v", d, st)
	}
	for _, personal := range []string{"某某超市", "ZF-2023-088", "陈大文", "13800138000"} {
		if strings.Contains(r.String(), personal) {
			t.Fatalf("disclosure shows %q: %s", personal, r.Body)
		}
	}
	page := w.anon.Do("GET", fmt.Sprintf("/public/orgs/%d/disclosure?from=2023-06-01&to=2023-06-30", w.orgID), nil)
	if page.Status != http.StatusOK || !page.IsHTML() || !strings.Contains(page.String(), "1,044.00") ||
		strings.Contains(page.String(), "某某超市") {
		t.Fatalf("disclosure page: %d", page.Status)
	}
	if r := w.anon.Do("GET", fmt.Sprintf("/api/v1/public/orgs/%d/disclosure", w.hubID+1000), nil); r.Status != http.StatusNotFound {
		t.Fatalf("unknown org: %d", r.Status)
	}

	x := w.leader.Do("GET", fmt.Sprintf("/api/v1/custody/%d/statement.xlsx?from=2023-06-01&to=2023-06-30", w.orgID), nil)
	if x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx: %d %s", x.Status, x.Header.Get("Content-Type"))
	}
	book, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := book.GetRows(book.GetSheetName(0), excelize.Options{RawCellValue: true})
	found := false
	for _, row := range rows {
		if len(row) > 1 && row[1] == d.Closing.Plain() {
			found = true
		}
	}
	if !found {
		t.Fatalf("closing %s not in the workbook: %v", d.Closing.Plain(), rows)
	}
}

func TestAPIReverseAndHubStatement(t *testing.T) {
	w := newWeb(t)
	p := w.donation(t, 999)
	if r := w.staff.Do("POST", fmt.Sprintf("/api/v1/postings/%d/reverse", p.ID), map[string]any{}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("reverse without reason: %d %s", r.Status, r.Body)
	}
	if r := w.staff.Do("POST", fmt.Sprintf("/api/v1/postings/%d/reverse", p.ID), map[string]any{"reason": "捐赠方撤回"}); r.Status != http.StatusCreated {
		t.Fatalf("reverse: %d %s", r.Status, r.Body)
	}
	var hs ledger.HubStatement
	r := w.officer.Do("GET", fmt.Sprintf("/api/v1/hubs/%d/statement?from=2023-01-01&to=2023-12-31", w.hubID), nil)
	if r.Status != http.StatusOK {
		t.Fatalf("hub statement: %d %s", r.Status, r.Body)
	}
	r.Decode(&hs)
	if hs.CashIn != 999 || hs.CashOut != 999 || hs.CashClosing != 0 || len(hs.Entries) != 2 {
		t.Fatalf("hub statement %+v", hs)
	}
	if r := w.leader.Do("GET", fmt.Sprintf("/api/v1/hubs/%d/statement", w.hubID), nil); r.Status != http.StatusNotFound {
		t.Fatalf("leader reads hub books: %d", r.Status)
	}
}

func TestCustodyPages(t *testing.T) {
	w := newWeb(t)
	form := url.Values{"amount": {"1,234.50"}, "source": {"community_fund"}, "voucher": {"SQ-1"}, "received_on": {"2023-06-05"}}
	r := w.staff.Do("POST", fmt.Sprintf("/custody/%d/income", w.orgID), form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("income form: %d %s", r.Status, r.Body)
	}
	form.Set("amount", "12.345")
	if r := w.staff.Do("POST", fmt.Sprintf("/custody/%d/income", w.orgID), form); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.String(), "1280.50") {
		t.Fatalf("bad amount: %d", r.Status)
	}
	// An expense through the page, decided through the page.
	mb, ctype := multipartBody(t, map[string]string{"amount": "100.50", "purpose": "横幅制作", "payee": "广告店",
		"spent_on": "2023-06-14"}, "receipt", "scan.pdf", pdf)
	if r := w.leader.Do("POST", fmt.Sprintf("/custody/%d/expenses", w.orgID), mb, "Content-Type", ctype); r.Status != http.StatusSeeOther {
		t.Fatalf("expense form: %d %s", r.Status, r.Body)
	}
	var list struct{ Items []ledger.Expense }
	w.staff.Do("GET", fmt.Sprintf("/api/v1/custody/%d/expenses?status=pending", w.orgID), nil).Decode(&list)
	if len(list.Items) != 1 {
		t.Fatalf("pending %+v", list)
	}
	exp := fmt.Sprintf("/expenses/%d", list.Items[0].ID)
	if r := w.staff.Do("GET", exp, nil); r.Status != 200 || !strings.Contains(r.String(), `id="approve"`) {
		t.Fatalf("expense page: %d", r.Status)
	}
	if r := w.leader.Do("GET", exp, nil); r.Status != 200 || strings.Contains(r.String(), `id="approve"`) {
		t.Fatalf("leader's expense page: %d", r.Status)
	}
	if r := w.staff.Do("POST", exp+"/return", url.Values{"reason": {""}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("return without reason: %d", r.Status)
	}
	if r := w.staff.Do("POST", exp+"/approve", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("approve form: %d %s", r.Status, r.Body)
	}
	if r := w.staff.Do("GET", fmt.Sprintf("/receipts/%d", list.Items[0].ReceiptID), nil); r.Status != 200 ||
		r.Header.Get("Content-Type") != "application/pdf" || !bytes.Equal(r.Body, pdf) ||
		!strings.HasPrefix(r.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("receipt: %d %s, CSP %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Security-Policy"))
	}
	for _, c := range []struct {
		who  *apptest.Client
		path string
		want int
		text string
	}{
		{w.leader, fmt.Sprintf("/custody/%d", w.orgID), 200, "1,134.00"},
		{w.staff, fmt.Sprintf("/custody/%d", w.orgID), 200, "income-form"},
		{w.stranger, fmt.Sprintf("/custody/%d", w.orgID), 404, ""},
		{w.staff, fmt.Sprintf("/hubs/%d", w.hubID), 200, "育蕾长者互助队"},
		{w.officer, "/hubs", 200, "天河南社区服务中心"},
		{w.staff, fmt.Sprintf("/hubs/%d/statement", w.hubID), 200, "1,134.00"},
		{w.officer, fmt.Sprintf("/hubs/%d", w.hubID), 200, "take-custody"},
		{w.staff, fmt.Sprintf("/hubs/%d/statement.xlsx", w.hubID), 200, ""},
		{w.stranger, fmt.Sprintf("/hubs/%d", w.hubID), 404, ""},
	} {
		r := c.who.Do("GET", c.path, nil)
		if r.Status != c.want || (c.text != "" && !strings.Contains(r.String(), c.text)) {
			t.Errorf("GET %s: %d, want %d with %q", c.path, r.Status, c.want, c.text)
		}
	}
}

func TestOpenAPIDocumentsCustody(t *testing.T) {
	w := newWeb(t)
	r := w.anon.Do("GET", "/api/v1/openapi.json", nil)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	for path, method := range map[string]string{
		"/api/v1/hubs/{hub_id}/members":           "post",
		"/api/v1/custody/{org_id}/income":         "post",
		"/api/v1/custody/{org_id}/expenses":       "post",
		"/api/v1/expenses/{id}/approve":           "post",
		"/api/v1/expenses/{id}/return":            "post",
		"/api/v1/custody/{org_id}":                "get",
		"/api/v1/public/orgs/{org_id}/disclosure": "get",
		"/api/v1/postings/{id}/reverse":           "post",
		"/api/v1/bases":                           "post",
		"/api/v1/bases/coverage":                  "get",
		"/api/v1/bases/{base_id}/bookings":        "post",
	} {
		if doc.Paths[path][method] == nil {
			t.Errorf("%s %s not documented", method, path)
		}
	}
}

// TestAPIIncomeAnotherHub: hub staff post income without the custody read
// first (incomeAtOwnHub), yet another hub's staff still get not found,
// whatever the body, and no posting is made.
func TestAPIIncomeAnotherHub(t *testing.T) {
	w := newWeb(t)
	officerU := w.a.User(auth.StreetOfficer, otherStreet)
	other := w.a.ActiveOrg(officerU, "猎德社会组织服务中心", liede)
	if r := w.a.As(officerU).Do("POST", "/api/v1/hubs", map[string]any{"org_id": other.ID, "reason": "街道认定"}); r.Status != http.StatusOK {
		t.Fatalf("designate: %d %s", r.Status, r.Body)
	}
	otherStaff := w.a.As(w.a.CreateUser("", auth.HubStaff, otherStreet, other.ID))
	income := fmt.Sprintf("/api/v1/custody/%d/income", w.orgID)
	good := map[string]any{"amount_fen": 100, "source": "donation", "voucher": "X-1", "received_on": "2023-06-01"}
	for name, body := range map[string]any{"valid": good, "invalid": map[string]any{"amount_fen": -1}, "not JSON": "{"} {
		if r := otherStaff.Do("POST", income, body, "Idempotency-Key", "k-"+name); r.Status != http.StatusNotFound {
			t.Errorf("%s body from another hub: %d %s", name, r.Status, r.Body)
		}
	}
	if r := w.staff.Do("POST", income, map[string]any{"amount_fen": -1}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("invalid body from the hub: %d %s", r.Status, r.Body)
	}
	if n := w.a.Count("postings"); n != 0 {
		t.Fatalf("%d postings", n)
	}
	if r := w.staff.Do("POST", income, good); r.Status != http.StatusCreated {
		t.Fatalf("income: %d %s", r.Status, r.Body)
	}
}
