// Package sheet holds what every spreadsheet the product writes shares.
package sheet

import "strings"

// Neutralize keeps a spreadsheet from reading text as a formula: text
// starting with = + - @ (or a tab or carriage return) gets a leading
// apostrophe (issue 18: the custody statement.xlsx wrote it as is). The
// organization import takes it off again.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// NeutralizeAll neutralizes the strings among a row's values.
func NeutralizeAll(vals []any) []any {
	for i, v := range vals {
		if s, ok := v.(string); ok {
			vals[i] = Neutralize(s)
		}
	}
	return vals
}
