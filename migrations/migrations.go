// Package migrations holds the numbered schema versions, one file a version
// for both engines, embedded in the binary.
//
// A file's lines are SQL for both engines until a marker line switches:
// "-- @sqlite" and "-- @postgres" start lines for one engine only, "-- @both"
// returns to lines for both. Where the engines differ (types, triggers,
// functions), the two forms stand side by side; the rest is written once.
package migrations

import "embed"

// FS holds *.sql.
//
//go:embed *.sql
var FS embed.FS
