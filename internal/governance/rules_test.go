package governance

import (
	"slices"
	"testing"
)

func TestPeriods(t *testing.T) {
	for key, want := range map[string]Period{
		"2023":    {"2023", "2023-01-01", "2023-12-31", "2024-01-15"},
		"2023-H1": {"2023-H1", "2023-01-01", "2023-06-30", "2023-07-15"},
		"2024-Q1": {"2024-Q1", "2024-01-01", "2024-03-31", "2024-04-15"},
		"2023-Q4": {"2023-Q4", "2023-10-01", "2023-12-31", "2024-01-15"},
	} {
		if p, ok := ParsePeriod(key); !ok || p != want {
			t.Errorf("%s: %+v %v", key, p, ok)
		}
	}
	for _, bad := range []string{"", "2023-Q5", "2023-H3", "23", "1999", "2023-q1"} {
		if _, ok := ParsePeriod(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
	var keys []string
	for _, p := range DuePeriods(Quarterly, "2023-02-01", 2023, "2023-10-01") {
		keys = append(keys, p.Key)
	}
	// Q1 ended after the cycle began; Q4 has not ended
	if !slices.Equal(keys, []string{"2023-Q1", "2023-Q2", "2023-Q3"}) {
		t.Errorf("due %v", keys)
	}
	if n := len(DuePeriods(Yearly, "2022-01-01", 2023, "2023-12-31")); n != 0 {
		t.Errorf("the year is not over: %d due", n)
	}
	if TermEnd("2020-03-01", 3) != "2023-02-28" || TermEnd("2020-02-29", 1) != "2021-02-28" {
		t.Errorf("term ends %s %s", TermEnd("2020-03-01", 3), TermEnd("2020-02-29", 1))
	}
}

func TestDecisionRules(t *testing.T) {
	in := DecisionInput{MeetingOn: "2023-01-01", Title: "x", Kind: "other", Members: 30, Quorum: 16, Present: 21, For: 14}
	if ok, err := CheckDecision(&in, "2023-06-01"); err != nil || !ok || in.Majority != "two_thirds" {
		t.Errorf("14 of 21: %v %v", ok, err)
	}
	in.For = 13
	if ok, _ := CheckDecision(&in, "2023-06-01"); ok {
		t.Error("13 of 21 passed")
	}
	in.Majority = "simple"
	if ok, _ := CheckDecision(&in, "2023-06-01"); !ok {
		t.Error("13 of 21 by simple majority")
	}
	in.Against, in.Abstain = 5, 4 // 22 votes, 21 present
	if _, err := CheckDecision(&in, "2023-06-01"); err == nil {
		t.Error("votes above present")
	}
}

func TestFillAndClauses(t *testing.T) {
	m := ModelCharter(Record{Name: "甲", Types: []string{"文体娱乐性"}})
	if got := MissingClauses(m); !slices.Equal(got, []string{"officer_term", "meeting_rules", "finance", "disclosure"}) {
		t.Errorf("model missing %v", got)
	}
	empty := ModelCharter(Record{Name: "乙"}) // no fields: purpose and scope are blanks too
	if got := MissingClauses(empty); !slices.Contains(got, "purpose") || !slices.Contains(got, "business_scope") {
		t.Errorf("without fields: %v", got)
	}
	full := FillBlanks(m, func(l string) string { return "按" + l + "办理" })
	if got := MissingClauses(full); len(got) != 0 {
		t.Errorf("filled still missing %v", got)
	}
	part := FillBlanks(m, func(l string) string {
		if l == "信息公开" {
			return ""
		}
		return "按规定办理"
	})
	if got := MissingClauses(part); !slices.Equal(got, []string{"disclosure"}) {
		t.Errorf("partly filled: %v", got)
	}
	if chapterNumber(0) != "第一章" || chapterNumber(10) != "第十一章" || chapterNumber(19) != "第二十章" || chapterNumber(22) != "第二十三章" {
		t.Error("chapter numbers")
	}
}
