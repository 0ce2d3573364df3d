package db

import (
	"strconv"
	"strings"
)

// ScopeCond is the one SQL condition "column lies in the subtree of the
// division code": an equality for a community (12 digits, a leaf), else the
// half-open range of PrefixRange, which an index on column serves on both
// engines. It appends its parameters to args and numbers its placeholders
// after them ($n). An empty code is the whole tree.
func ScopeCond(column, code string, args []any) (string, []any) {
	if len(code) == 12 {
		args = append(args, code)
		return column + " = $" + strconv.Itoa(len(args)), args
	}
	lo, hi := PrefixRange(code)
	args = append(args, lo, hi)
	return column + " >= $" + strconv.Itoa(len(args)-1) + " AND " + column + " < $" + strconv.Itoa(len(args)), args
}

// OverlapCond is the SQL twin of auth.User.Overlaps: column lies in the
// subtree of code (ScopeCond) or is one of the divisions above it (its
// province, city, district and street: the prefixes of 2, 4, 6 and 9
// digits). It reads the records run at a level above a scope that the
// scope sees, such as a city's training sessions or a district's funding
// calls. The condition is parenthesized; it appends its parameters to args.
func OverlapCond(column, code string, args []any) (string, []any) {
	in, args := ScopeCond(column, code, args)
	var above []string
	for _, l := range []int{2, 4, 6, 9} {
		if len(code) > l {
			args = append(args, code[:l])
			above = append(above, "$"+strconv.Itoa(len(args)))
		}
	}
	if len(above) == 0 {
		return "(" + in + ")", args
	}
	return "(" + in + " OR " + column + " IN (" + strings.Join(above, ", ") + "))", args
}
