package ledger

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are the ledger's texts.
var Messages = i18n.MustLoad("ledger/messages.json", messagesJSON)
