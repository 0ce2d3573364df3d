package incubation

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are the bases' texts.
var Messages = i18n.MustLoad("incubation/messages.json", messagesJSON)
