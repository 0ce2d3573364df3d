package hub

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are the hubs' texts.
var Messages = i18n.MustLoad("hub/messages.json", messagesJSON)
