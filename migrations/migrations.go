// Package migrations holds the numbered schema versions, the same numbers in
// sqlite/ and postgres/, embedded in the binary.
package migrations

import "embed"

// FS holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
