package points

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are the points' texts.
var Messages = i18n.MustLoad("points/messages.json", messagesJSON)
