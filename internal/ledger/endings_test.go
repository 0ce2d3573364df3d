package ledger_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli/internal/ledger"
)

// TestRefusedAPIWritesNothing: each refused custody call answers the
// status of its refusal (a bad body 422, a refused role 403, a foreign
// organization 404, a decided expense 409), keyed or not, and writes no
// posting, expense, receipt or line; a keyed refusal is not kept as an
// answer, so the corrected call with the same key is made.
func TestRefusedAPIWritesNothing(t *testing.T) {
	w := newWeb(t)
	income := fmt.Sprintf("/api/v1/custody/%d/income", w.orgID)
	expenses := fmt.Sprintf("/api/v1/custody/%d/expenses", w.orgID)
	good := map[string]any{"amount_fen": 5000, "source": "donation", "voucher": "JZ-9", "received_on": "2023-06-02"}
	counts := func() [4]int {
		return [4]int{w.a.Count("postings"), w.a.Count("posting_lines"), w.a.Count("expenses"), w.a.Count("receipts")}
	}
	before := counts()
	fields := map[string]string{"amount_fen": "4.5", "purpose": "横幅", "payee": "广告店", "spent_on": "2023-06-10"}
	badAmount, ctype := multipartBody(t, fields, "receipt", "scan.pdf", pdf)
	badSource := map[string]any{"amount_fen": 5000, "source": "lottery", "voucher": "JZ-9", "received_on": "2023-06-02"}
	for _, c := range []struct {
		name   string
		do     func() int
		status int
	}{
		{"unknown field", func() int {
			return w.staff.Do("POST", income, map[string]any{"amount_fen": 1, "colour": "red"}, "Idempotency-Key", "k-1").Status
		}, http.StatusUnprocessableEntity},
		{"bad source", func() int { return w.staff.Do("POST", income, badSource, "Idempotency-Key", "k-2").Status }, http.StatusUnprocessableEntity},
		{"leader records income", func() int { return w.leader.Do("POST", income, good, "Idempotency-Key", "k-3").Status }, http.StatusForbidden},
		{"other street records income", func() int { return w.stranger.Do("POST", income, good).Status }, http.StatusNotFound},
		{"amount not in fen", func() int {
			return w.leader.Do("POST", expenses, badAmount, "Content-Type", ctype, "Idempotency-Key", "k-4").Status
		}, http.StatusUnprocessableEntity},
		{"other street submits", func() int {
			return w.stranger.Do("POST", expenses, badAmount, "Content-Type", ctype).Status
		}, http.StatusNotFound},
	} {
		if got := c.do(); got != c.status {
			t.Errorf("%s: %d, want %d", c.name, got, c.status)
		}
		if now := counts(); now != before {
			t.Fatalf("%s wrote: %v, was %v", c.name, now, before)
		}
	}
	// the key of a refused call is free: the corrected call is made
	if r := w.staff.Do("POST", income, good, "Idempotency-Key", "k-2"); r.Status != http.StatusCreated || r.Header.Get("Location") == "" {
		t.Fatalf("corrected call: %d %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}

	// an expense decided refuses a second decision and writes nothing
	fields["amount_fen"] = "450"
	mb, ctype := multipartBody(t, fields, "receipt", "scan.pdf", pdf)
	var e ledger.Expense
	r := w.leader.Do("POST", expenses, mb, "Content-Type", ctype)
	if r.Status != http.StatusCreated || r.Header.Get("Location") == "" {
		t.Fatalf("expense: %d %s", r.Status, r.Body)
	}
	r.Decode(&e)
	if r := w.staff.Do("POST", fmt.Sprintf("/api/v1/expenses/%d/return", e.ID), map[string]any{"reason": "缺发票"}); r.Status != http.StatusOK {
		t.Fatalf("return: %d %s", r.Status, r.Body)
	}
	before = counts()
	if r := w.staff.Do("POST", fmt.Sprintf("/api/v1/expenses/%d/approve", e.ID), nil, "Idempotency-Key", "k-5"); r.Status != http.StatusConflict {
		t.Fatalf("approve a returned expense: %d %s", r.Status, r.Body)
	}
	if now := counts(); now != before {
		t.Fatalf("a refused approval wrote: %v, was %v", now, before)
	}
}

// TestApproveReplay: an approval keyed is answered once; the same key
// again replays the first answer, byte for byte, and pays nothing more.
func TestApproveReplay(t *testing.T) {
	w := newWeb(t)
	w.donation(t, 90000)
	fields := map[string]string{"amount_fen": "4500", "purpose": "横幅", "payee": "广告店", "spent_on": "2023-06-10"}
	mb, ctype := multipartBody(t, fields, "receipt", "scan.pdf", pdf)
	var e ledger.Expense
	w.leader.Do("POST", fmt.Sprintf("/api/v1/custody/%d/expenses", w.orgID), mb, "Content-Type", ctype).Decode(&e)
	approve := fmt.Sprintf("/api/v1/expenses/%d/approve", e.ID)
	first := w.staff.Do("POST", approve, nil, "Idempotency-Key", "appr-x")
	if first.Status != http.StatusOK {
		t.Fatalf("approve: %d %s", first.Status, first.Body)
	}
	postings := w.a.Count("postings")
	again := w.staff.Do("POST", approve, nil, "Idempotency-Key", "appr-x")
	if again.Status != http.StatusOK || !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %s %q (first %s)", again.Status, again.Body, again.Header.Get("Idempotent-Replayed"), first.Body)
	}
	if n := w.a.Count("postings"); n != postings {
		t.Fatalf("%d postings after the replay, %d before", n, postings)
	}
}

// TestReversePage: a reversal from the custody page goes back to that
// page with a flash; a refused one (no reason, or a posting already
// reversed) shows the custody page again with its message, at the API's
// status (422, 409), not an error page; a posting the user cannot see is
// not found.
func TestReversePage(t *testing.T) {
	w := newWeb(t)
	p := w.donation(t, 999)
	reverse := fmt.Sprintf("/postings/%d/reverse", p.ID)
	postings := w.a.Count("postings")
	if r := w.staff.Do("POST", reverse, url.Values{"reason": {""}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.String(), "income-form") {
		t.Fatalf("reverse without reason: %d, custody page shown: %v", r.Status, strings.Contains(r.String(), "income-form"))
	}
	if n := w.a.Count("postings"); n != postings {
		t.Fatalf("a refused reversal wrote %d postings", n-postings)
	}
	if r := w.stranger.Do("POST", reverse, url.Values{"reason": {"入侵"}}); r.Status != http.StatusNotFound {
		t.Fatalf("other street reverses: %d", r.Status)
	}
	r := w.staff.Do("POST", reverse, url.Values{"reason": {"捐赠方撤回"}})
	if want := fmt.Sprintf("/custody/%d?flash=ledger.reversed", w.orgID); r.Status != http.StatusSeeOther || r.Header.Get("Location") != want {
		t.Fatalf("reverse: %d %q, want 303 %q", r.Status, r.Header.Get("Location"), want)
	}
	if r := w.staff.Do("POST", reverse, url.Values{"reason": {"再次"}}); r.Status != http.StatusConflict ||
		!strings.Contains(r.String(), "income-form") {
		t.Fatalf("reverse twice: %d, custody page shown: %v", r.Status, strings.Contains(r.String(), "income-form"))
	}
}
