package i18n

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Load parses a catalog file: a JSON object mapping each key to its text
// in every language, {"key": {"zh-CN": "…", "en": "…"}}. A malformed file,
// a key given twice, an unknown language, or a key without a text in
// every language is an error naming the file and the key.
func Load(name string, data []byte) (Messages, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	fail := func(format string, args ...any) (Messages, error) {
		return nil, fmt.Errorf("i18n: %s: %s", name, fmt.Sprintf(format, args...))
	}
	if err := delim(dec, '{'); err != nil {
		return fail("%v", err)
	}
	out := Messages{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail("%v", err)
		}
		key := tok.(string) // an object's keys are strings
		if _, ok := out[key]; ok {
			return fail("key %q given twice", key)
		}
		var texts map[string]string
		if err := dec.Decode(&texts); err != nil {
			return fail("key %q: %v", key, err)
		}
		for l := range texts {
			if !slices.Contains(Langs, l) {
				return fail("key %q: unknown language %q", key, l)
			}
		}
		for _, l := range Langs {
			if texts[l] == "" {
				return fail("key %q has no text in %s", key, l)
			}
		}
		out[key] = texts
	}
	if err := delim(dec, '}'); err != nil {
		return fail("%v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fail("text after the catalog")
	}
	return out, nil
}

// MustLoad is Load for a package's embedded catalog, read once as the
// program starts: a bad catalog stops the program before it serves a page.
func MustLoad(name string, data []byte) Messages {
	m, err := Load(name, data)
	if err != nil {
		panic(err)
	}
	return m
}

func delim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("want %q: %w", string(want), err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, found %v", string(want), tok)
	}
	return nil
}
