package i18n

import _ "embed"

//go:embed messages.json
var messagesJSON []byte

// Common holds the messages every part of the product uses.
var Common = MustLoad("platform/i18n/messages.json", messagesJSON)
