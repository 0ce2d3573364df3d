package auditlog

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed names_messages.json
var namesJSON []byte

// Names are the audit log's names for actions, objects and the fields that
// only audit rows carry. A room's action without a name here shows its key.
var Names = i18n.MustLoad("auditlog/names_messages.json", namesJSON)
