// Package upload checks uploaded files by their content, never their name:
// the one rule the custody ledger's receipts and activities' photos share.
package upload

import (
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"
)

// File is a file as received: its name (kept for display only) and bytes.
type File struct {
	Filename string
	Data     []byte
}

// Read reads at most max+1 bytes, so an oversized file is told without
// reading all of it.
func Read(r io.Reader, name string, max int64) (*File, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	return &File{Filename: name, Data: b}, nil
}

// Problem says why a file was refused.
type Problem int

// The reasons a file is refused.
const (
	OK       Problem = iota
	Missing          // no file, or an empty one
	TooLarge         // over the size limit
	BadType          // its content is none of the accepted types
)

// Check tells a file's content type from its first bytes and checks it
// against the accepted types and the size limit. It returns the type, or
// the problem.
func Check(data []byte, max int64, types []string) (string, Problem) {
	if len(data) == 0 {
		return "", Missing
	}
	if int64(len(data)) > max {
		return "", TooLarge
	}
	ct := http.DetectContentType(data[:min(512, len(data))])
	ct, _, _ = strings.Cut(ct, ";")
	for _, t := range types {
		if ct == t {
			return ct, OK
		}
	}
	return "", BadType
}

// CleanName keeps a file name fit for display and a Content-Disposition
// header: no directories, no control characters or quotes, 100 characters.
func CleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" {
		name = ""
	}
	for utf8.RuneCountInString(name) > 100 {
		_, n := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-n]
	}
	return name
}
