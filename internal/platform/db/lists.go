package db

import (
	"strconv"
	"strings"
)

// A list column holds a short list of codes or ids as one text value, the
// items joined by commas (a session's topics, a drill's organizations). It
// is read whole with its row and never searched inside.

// JoinIDs is the list column of ids.
func JoinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

// SplitIDs reads a list column of ids (JoinIDs): never nil, so that an
// empty list answers [] in JSON; an item that is not a number is passed
// over.
func SplitIDs(s string) []int64 {
	out := []int64{}
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// SplitList reads a list column of codes: never nil, so that an empty
// list answers [] in JSON.
func SplitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}
