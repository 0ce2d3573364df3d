package activity

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are the activities' texts.
var Messages = i18n.MustLoad("activity/messages.json", messagesJSON)
