package db

import "strconv"

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
