package audit

import (
	"encoding/json"
	"testing"
	"time"
)

// TestRowHashInputIsFixed pins an audit row's hash and the prepared parts
// an appender in the database (ledger_post_income_at) hashes: the stored
// chain stays valid only while the input is byte for byte the same,
// however it is built.
func TestRowHashInputIsFixed(t *testing.T) {
	r := Row{Seq: 98765, At: time.Date(2023, 6, 15, 0, 30, 1, 123456000, time.UTC), UserID: 5, Username: "staff1",
		IP: "10.0.0.1", Action: "ledger.income", ObjectType: "posting", ObjectID: "1234567", ScopeCode: "440106008007",
		Detail: json.RawMessage(`{"amount_fen":10050,"memo":"捐赠 100%"}`), PrevHash: "abcd"}
	const want = "cef8a70987b0fe9eb4368b3c95acb8838b38ebce46107407f0f1507237cdb1a1"
	if got := r.computeHash(); got != want {
		t.Errorf("row hash %s, want %s", got, want)
	}
	p, err := Prepare(r.At, Actor{UserID: r.UserID, Username: r.Username, IP: r.IP},
		Entry{Action: r.Action, ObjectType: r.ObjectType, ScopeCode: r.ScopeCode, Detail: map[string]any{"n": 1, "a": "é"}})
	if err != nil {
		t.Fatal(err)
	}
	const mid = "27:2023-06-15T00:30:01.123456Z\n1:5\n6:staff1\n8:10.0.0.1\n13:ledger.income\n7:posting\n"
	const tail = "12:440106008007\n16:{\"a\":\"é\",\"n\":1}\n"
	if string(p.Mid) != mid || string(p.Tail) != tail {
		t.Errorf("prepared mid %q tail %q, want %q %q", p.Mid, p.Tail, mid, tail)
	}
}
