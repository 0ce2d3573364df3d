package app_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"
	"testing"

	"linli/internal/platform/auth"
)

// Hubs, incubation bases and the custody ledger in the scope walk. The
// foreign objects, all in 五山: a hub serving an organization whose money it
// holds (an income, a paid expense with its receipt and posting, a pending
// expense), a social worker, and a street-level base with a room, a booking
// and an incubated organization. Only the public disclosure answers.
func init() {
	scopeSetups = append(scopeSetups, func(t *testing.T, w *world) {
		a := w.a
		owner := a.As(w.owner)
		active := func(name string) int64 {
			return a.ActiveOrg(w.owner, name, wushanComm).ID
		}
		hubID, orgID, candidate := active("五山社会组织服务中心"), active("五山长者互助队"), active("五山书法社")
		must := setupMust(t, "custody")
		must(owner.Do("POST", "/api/v1/hubs", map[string]any{"org_id": hubID}), 200, nil)
		staff := a.As(a.CreateUser("wushan-hub", auth.HubStaff, wushan, hubID))
		staff2 := a.As(a.CreateUser("wushan-hub2", auth.HubStaff, wushan, hubID))
		leader := a.As(a.CreateUser("wushan-leader", auth.OrgLeader, wushanComm, orgID))
		must(staff.Do("POST", fmt.Sprintf("/api/v1/hubs/%d/members", hubID), map[string]any{"org_id": orgID}), 201, nil)
		var p struct{ ID int64 }
		must(staff.Do("POST", fmt.Sprintf("/api/v1/custody/%d/income", orgID), map[string]any{"amount_fen": 100000,
			"source": "government_purchase", "voucher": "WS-1", "received_on": "2023-06-01"}), 201, &p)
		expense := func() (id, receipt int64) {
			body, ctype := multipartForm(t, map[string]string{"amount_fen": "2000", "purpose": "活动物资", "payee": "五山超市",
				"spent_on": "2023-06-10"}, "receipt", []byte("%PDF-1.4\n%%EOF\n"))
			var e struct {
				ID        int64 `json:"id"`
				ReceiptID int64 `json:"receipt_id"`
			}
			must(leader.Do("POST", fmt.Sprintf("/api/v1/custody/%d/expenses", orgID), body, "Content-Type", ctype), 201, &e)
			return e.ID, e.ReceiptID
		}
		paidID, receipt := expense()
		pendingID, _ := expense()
		var approved struct {
			PostingID int64 `json:"posting_id"`
		}
		must(staff2.Do("POST", fmt.Sprintf("/api/v1/expenses/%d/approve", paidID), nil), 200, &approved)
		var worker struct{ ID int64 }
		must(staff.Do("POST", fmt.Sprintf("/api/v1/hubs/%d/workers", hubID), map[string]any{"name": "五山社工",
			"kind": "full_time", "started_on": "2022-01-01", "late_reason": "补录"}), 201, &worker)
		var base struct{ ID int64 }
		must(owner.Do("POST", "/api/v1/bases", map[string]any{"name": "五山培育基地", "host_type": "party_mass_center",
			"division_code": wushan, "opened_on": "2021-10-01", "services": []string{"incubation"}, "late_reason": "补录"}), 201, &base)
		var room struct{ ID int64 }
		must(owner.Do("POST", fmt.Sprintf("/api/v1/bases/%d/rooms", base.ID), map[string]any{"name": "五山活动室"}), 201, &room)
		var booking struct{ ID int64 }
		must(owner.Do("POST", fmt.Sprintf("/api/v1/bases/%d/bookings", base.ID), map[string]any{"room_id": room.ID, "org_id": orgID,
			"starts_at": "2023-06-20T09:00:00+08:00", "ends_at": "2023-06-20T11:00:00+08:00", "purpose": "五山排练"}), 201, &booking)
		var inc struct{ ID int64 }
		must(owner.Do("POST", fmt.Sprintf("/api/v1/bases/%d/incubatees", base.ID), map[string]any{"org_id": candidate}), 201, &inc)
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		for k, v := range map[string]int64{"{hub}": hubID, "{custorg}": orgID, "{candidate}": candidate, "{posting}": approved.PostingID,
			"{expense}": pendingID, "{receipt}": receipt, "{worker}": worker.ID, "{base}": base.ID, "{booking}": booking.ID,
			"{incubatee}": inc.ID, "{room}": room.ID} {
			w.IDs[k] = id(v)
		}
	})
	scopeSnapshots = append(scopeSnapshots, func(t *testing.T, w *world) string {
		return snapshotOf(t, w, "custody",
			`SELECT COUNT(*) || '/' || COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0) FROM hub_members`,
			`SELECT COUNT(*) || '/' || COALESCE(MAX(ended_on), '') FROM hub_workers`,
			`SELECT COUNT(*) FROM postings`,
			`SELECT COUNT(*) || '/' || COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) FROM expenses`,
			`SELECT COUNT(*) || '/' || COALESCE(MAX(closed_on), '') || '/' || COALESCE(MAX(name), '') FROM bases`,
			`SELECT COUNT(*) FROM base_rooms`,
			`SELECT COUNT(*) || '/' || COALESCE(SUM(CASE WHEN status = 'booked' THEN 1 ELSE 0 END), 0) FROM room_bookings`,
			`SELECT COUNT(*) || '/' || COALESCE(MAX(status), '') FROM base_incubatees`,
			`SELECT COUNT(*) FROM receipts`,
			`SELECT COUNT(*) FROM idempotency_keys`,
			`SELECT CAST(COALESCE(SUM(balance_fen * id), 0) AS BIGINT) || '' FROM ledger_accounts`,
			`SELECT COUNT(*) FROM orgs WHERE hub = 1`,
		)
	})
	nf, ok := http.StatusNotFound, http.StatusOK
	income := map[string]any{"amount_fen": 1, "source": "donation", "voucher": "X", "received_on": "2023-06-01"}
	reason := map[string]any{"reason": "入侵"}
	baseJSON := map[string]any{"name": "入侵基地", "host_type": "other", "division_code": wushan, "opened_on": "2021-01-01"}
	// Bodies are not filled in: 1 is the walk's own foreign organization.
	booking := map[string]any{"room_id": 1, "org_id": 1, "starts_at": "2023-06-21T09:00:00+08:00",
		"ends_at": "2023-06-21T10:00:00+08:00", "purpose": "入侵"}
	scopeTable = append(scopeTable,
		// the ledger
		scopeCase{pattern: "GET /custody/{org_id}", path: "/custody/{custorg}", want: nf},
		scopeCase{pattern: "POST /custody/{org_id}/income", path: "/custody/{custorg}/income",
			body: form("amount", "1", "source", "donation", "voucher", "X", "received_on", "2023-06-01"), want: nf},
		scopeCase{pattern: "POST /custody/{org_id}/expenses", path: "/custody/{custorg}/expenses",
			body: form("amount", "1", "purpose", "x", "payee", "y", "spent_on", "2023-06-01"), want: nf},
		scopeCase{pattern: "GET /custody/{org_id}/statement.xlsx", path: "/custody/{custorg}/statement.xlsx", want: nf},
		scopeCase{pattern: "GET /expenses/{id}", path: "/expenses/{expense}", want: nf},
		scopeCase{pattern: "POST /expenses/{id}/approve", path: "/expenses/{expense}/approve", body: form(), want: nf},
		scopeCase{pattern: "POST /expenses/{id}/return", path: "/expenses/{expense}/return", body: form("reason", "入侵"), want: nf},
		scopeCase{pattern: "POST /postings/{id}/reverse", path: "/postings/{posting}/reverse", body: form("reason", "入侵"), want: nf},
		scopeCase{pattern: "GET /receipts/{id}", path: "/receipts/{receipt}", want: nf},
		scopeCase{pattern: "GET /hubs/{hub_id}/statement", path: "/hubs/{hub}/statement", want: nf},
		scopeCase{pattern: "GET /hubs/{hub_id}/statement.xlsx", path: "/hubs/{hub}/statement.xlsx", want: nf},
		scopeCase{pattern: "GET /public/orgs/{org_id}/disclosure", path: "/public/orgs/{custorg}/disclosure", want: ok,
			check: hides("五山超市", "WS-1", "wushan-leader")},
		scopeCase{pattern: "GET /api/v1/custody/{org_id}", path: "/api/v1/custody/{custorg}", want: nf},
		scopeCase{pattern: "GET /api/v1/custody/{org_id}/statement.xlsx", path: "/api/v1/custody/{custorg}/statement.xlsx", want: nf},
		scopeCase{pattern: "POST /api/v1/custody/{org_id}/income", path: "/api/v1/custody/{custorg}/income", body: income, want: nf},
		scopeCase{pattern: "POST /api/v1/custody/{org_id}/expenses", path: "/api/v1/custody/{custorg}/expenses", body: map[string]any{}, want: nf},
		scopeCase{pattern: "GET /api/v1/custody/{org_id}/expenses", path: "/api/v1/custody/{custorg}/expenses", want: nf},
		scopeCase{pattern: "GET /api/v1/expenses/{id}", path: "/api/v1/expenses/{expense}", want: nf},
		scopeCase{pattern: "POST /api/v1/expenses/{id}/approve", path: "/api/v1/expenses/{expense}/approve", want: nf},
		scopeCase{pattern: "POST /api/v1/expenses/{id}/return", path: "/api/v1/expenses/{expense}/return", body: reason, want: nf},
		scopeCase{pattern: "GET /api/v1/postings/{id}", path: "/api/v1/postings/{posting}", want: nf},
		scopeCase{pattern: "POST /api/v1/postings/{id}/reverse", path: "/api/v1/postings/{posting}/reverse", body: reason, want: nf},
		scopeCase{pattern: "GET /api/v1/receipts/{id}", path: "/api/v1/receipts/{receipt}", want: nf},
		scopeCase{pattern: "GET /api/v1/hubs/{hub_id}/statement", path: "/api/v1/hubs/{hub}/statement", want: nf},
		scopeCase{pattern: "GET /api/v1/hubs/{hub_id}/statement.xlsx", path: "/api/v1/hubs/{hub}/statement.xlsx", want: nf},
		scopeCase{pattern: "GET /api/v1/hubs/{hub_id}/expenses", path: "/api/v1/hubs/{hub}/expenses", want: nf},
		scopeCase{pattern: "GET /api/v1/public/orgs/{org_id}/disclosure", path: "/api/v1/public/orgs/{custorg}/disclosure", want: ok,
			check: hides("五山超市", "WS-1", "wushan-leader")},

		// hubs
		scopeCase{pattern: "GET /hubs", path: "/hubs", want: ok, check: hides("五山社会组织服务中心", "五山书法社")},
		scopeCase{pattern: "POST /hubs", path: "/hubs", body: form("org_id", "1", "reason", "入侵"), want: nf},
		scopeCase{pattern: "GET /hubs/{hub_id}", path: "/hubs/{hub}", want: nf},
		scopeCase{pattern: "POST /hubs/{hub_id}/revoke", path: "/hubs/{hub}/revoke", body: form("reason", "入侵"), want: nf},
		scopeCase{pattern: "POST /hubs/{hub_id}/members", path: "/hubs/{hub}/members", body: form("org_id", "1"), want: nf},
		scopeCase{pattern: "POST /hubs/{hub_id}/members/{org_id}/release", path: "/hubs/{hub}/members/{custorg}/release",
			body: form("reason", "入侵"), want: nf},
		scopeCase{pattern: "POST /hubs/{hub_id}/workers", path: "/hubs/{hub}/workers",
			body: form("name", "入侵", "kind", "full_time", "started_on", "2023-01-01"), want: nf},
		scopeCase{pattern: "POST /hubs/{hub_id}/workers/{id}/end", path: "/hubs/{hub}/workers/{worker}/end", body: form(), want: nf},
		scopeCase{pattern: "GET /api/v1/hubs", path: "/api/v1/hubs", want: ok, check: hides("五山社会组织服务中心")},
		scopeCase{pattern: "POST /api/v1/hubs", path: "/api/v1/hubs", body: map[string]any{"org_id": 1}, want: nf},
		scopeCase{pattern: "GET /api/v1/hubs/{hub_id}", path: "/api/v1/hubs/{hub}", want: nf},
		scopeCase{pattern: "POST /api/v1/hubs/{hub_id}/revoke", path: "/api/v1/hubs/{hub}/revoke", body: reason, want: nf},
		scopeCase{pattern: "POST /api/v1/hubs/{hub_id}/members", path: "/api/v1/hubs/{hub}/members", body: map[string]any{"org_id": 1}, want: nf},
		scopeCase{pattern: "POST /api/v1/hubs/{hub_id}/members/{org_id}/release", path: "/api/v1/hubs/{hub}/members/{custorg}/release", body: reason, want: nf},
		scopeCase{pattern: "POST /api/v1/hubs/{hub_id}/workers", path: "/api/v1/hubs/{hub}/workers",
			body: map[string]any{"name": "入侵", "kind": "full_time", "started_on": "2023-01-01"}, want: nf},
		scopeCase{pattern: "POST /api/v1/hubs/{hub_id}/workers/{id}/end", path: "/api/v1/hubs/{hub}/workers/{worker}/end",
			body: map[string]any{}, want: nf},

		// incubation bases
		scopeCase{pattern: "GET /bases", path: "/bases", want: ok, check: hides("五山培育基地")},
		scopeCase{pattern: "GET /bases/coverage", path: "/bases/coverage", want: ok, check: hides("五山培育基地")},
		scopeCase{pattern: "GET /bases/coverage", path: "/bases/coverage?within=" + wushan, want: nf},
		scopeCase{pattern: "GET /bases/new", path: "/bases/new", want: ok},
		scopeCase{pattern: "POST /bases", path: "/bases", body: form("name", "入侵基地", "host_type", "other", "division_code", wushan,
			"opened_on", "2021-01-01"), want: 422},
		scopeCase{pattern: "GET /bases/{base_id}", path: "/bases/{base}", want: nf},
		scopeCase{pattern: "GET /bases/{base_id}/edit", path: "/bases/{base}/edit", want: nf},
		scopeCase{pattern: "POST /bases/{base_id}", path: "/bases/{base}", body: form("name", "入侵基地", "host_type", "other",
			"division_code", wushan, "opened_on", "2021-01-01"), want: nf},
		scopeCase{pattern: "POST /bases/{base_id}/rooms", path: "/bases/{base}/rooms", body: form("name", "入侵"), want: nf},
		scopeCase{pattern: "POST /bases/{base_id}/bookings", path: "/bases/{base}/bookings", body: form("room_id", "1",
			"org_id", "1", "starts_at", "2023-06-21T09:00", "ends_at", "2023-06-21T10:00", "purpose", "入侵"), want: nf},
		scopeCase{pattern: "POST /bases/{base_id}/bookings/{id}/cancel", path: "/bases/{base}/bookings/{booking}/cancel", body: form(), want: nf},
		scopeCase{pattern: "POST /bases/{base_id}/incubatees", path: "/bases/{base}/incubatees", body: form("org_id", "1"), want: nf},
		scopeCase{pattern: "POST /bases/{base_id}/incubatees/{id}/leave", path: "/bases/{base}/incubatees/{incubatee}/leave",
			body: form("status", "exited"), want: nf},
		scopeCase{pattern: "GET /api/v1/bases", path: "/api/v1/bases", want: ok, check: hides("五山培育基地")},
		scopeCase{pattern: "POST /api/v1/bases", path: "/api/v1/bases", body: baseJSON, want: 422},
		scopeCase{pattern: "GET /api/v1/bases/coverage", path: "/api/v1/bases/coverage", want: ok, check: hides("五山培育基地")},
		scopeCase{pattern: "GET /api/v1/bases/{base_id}", path: "/api/v1/bases/{base}", want: nf},
		scopeCase{pattern: "PUT /api/v1/bases/{base_id}", path: "/api/v1/bases/{base}", body: baseJSON, want: nf},
		scopeCase{pattern: "POST /api/v1/bases/{base_id}/rooms", path: "/api/v1/bases/{base}/rooms", body: map[string]any{"name": "入侵"}, want: nf},
		scopeCase{pattern: "POST /api/v1/bases/{base_id}/bookings", path: "/api/v1/bases/{base}/bookings", body: booking, want: nf},
		scopeCase{pattern: "POST /api/v1/bases/{base_id}/bookings/{id}/cancel", path: "/api/v1/bases/{base}/bookings/{booking}/cancel", want: nf},
		scopeCase{pattern: "POST /api/v1/bases/{base_id}/incubatees", path: "/api/v1/bases/{base}/incubatees", body: map[string]any{"org_id": 1}, want: nf},
		scopeCase{pattern: "POST /api/v1/bases/{base_id}/incubatees/{id}/leave", path: "/api/v1/bases/{base}/incubatees/{incubatee}/leave",
			body: map[string]any{"status": "exited"}, want: nf},
	)
}

// multipartForm builds a multipart body with one file.
func multipartForm(t *testing.T, fields map[string]string, fileField string, data []byte) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile(fileField, "receipt.pdf")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}
