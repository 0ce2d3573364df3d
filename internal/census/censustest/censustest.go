// Package censustest helps tests run a change through a one-row census
// import and compare what became of it with the same change made through
// the form or the API.
package censustest

import (
	"bytes"
	"encoding/csv"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"linli/internal/census"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// headers are the census columns a one-row file carries, headed by the
// registry's field names (which the import accepts as headers).
var headers = []string{"name", "credit_code", "tier", "types", "target_groups", "community_code", "address",
	"founded_on", "members", "leader_name", "leader_phone", "party_org", "party_instructor", "hub", "brand",
	"demonstration_year", "volunteer_mark", "status"}

// OneRowFile writes in as a one-row census file (.csv) in the test's
// folder and returns its path.
func OneRowFile(t testing.TB, in registry.Input) string {
	t.Helper()
	return File(t, in)
}

// File writes ins as the rows of a census file (.csv), in order, in the
// test's folder and returns its path.
func File(t testing.TB, ins ...registry.Input) string {
	t.Helper()
	yes := func(b bool) string {
		if b {
			return "是"
		}
		return "否"
	}
	rows := [][]string{headers}
	for _, in := range ins {
		year := ""
		if in.DemonstrationYear != 0 {
			year = strconv.Itoa(in.DemonstrationYear)
		}
		rows = append(rows, []string{in.Name, in.CreditCode, in.Tier, strings.Join(in.Types, "、"), strings.Join(in.TargetGroups, "、"),
			in.CommunityCode, in.Address, in.FoundedOn, strconv.Itoa(in.Members), in.LeaderName, in.LeaderPhone, in.PartyOrg,
			in.PartyInstructor, yes(in.Hub), yes(in.Brand), year, yes(in.VolunteerMark), in.Status})
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(t.TempDir(), "census-*.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

// OutcomeOfErr tells what became of a change made through a service:
// "ok", or the refused fields with their message keys, "!forbidden" for a
// refusal of the whole change, "!outside" for a place or an organization
// outside the user's scope.
func OutcomeOfErr(err error) string {
	if err == nil {
		return "ok"
	}
	e, ok := errs.As(err)
	if !ok {
		return "error: " + err.Error()
	}
	switch e.Code {
	case errs.Forbidden:
		return "!forbidden"
	case errs.NotFound:
		return "!outside"
	}
	if len(e.Fields) == 0 {
		return e.Code + ":" + e.Message.Key
	}
	return fieldsOutcome(e.Fields)
}

func fieldsOutcome(f map[string]errs.Msg) string {
	if len(f) == 1 && f["community_code"].Key == "err.outside_scope" {
		// outside the user's scope: the form answers not found, the
		// import refuses the row without saying whether it exists
		return "!outside"
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(f)) {
		out = append(out, k+"|"+f[k].Key)
	}
	return strings.Join(out, ";")
}

// OutcomeOfImport reads the answer of a one-row import the same way.
func OutcomeOfImport(rep *census.Report, err error) string {
	if err != nil {
		return OutcomeOfErr(err)
	}
	if len(rep.Errors) == 0 {
		if !rep.Committed {
			return "not committed"
		}
		return "ok"
	}
	f := map[string]errs.Msg{}
	for _, e := range rep.Errors {
		if e.Column == "" && e.Msg.Key == "err.forbidden" {
			return "!forbidden"
		}
		f[e.Column] = e.Msg
	}
	return fieldsOutcome(f)
}
