package account

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are this package's texts.
var Messages = i18n.MustLoad("account/messages.json", messagesJSON)
