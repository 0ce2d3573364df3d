// Package errs carries application error codes, independent of HTTP or SQL.
// The web layer maps a code to a status in exactly one function.
package errs

import (
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// Application error codes; also the "code" of a JSON error.
const (
	Invalid         = "invalid"
	NotFound        = "not_found"
	Forbidden       = "forbidden"
	Conflict        = "conflict"
	Unauthenticated = "unauthenticated"
	Internal        = "internal"
	// TooMany is a request refused by a rate limit (429 with Retry-After).
	TooMany = "too_many_requests"
	// Unavailable is a request that ran out of time (its deadline) or
	// found the service busy (503).
	Unavailable = "unavailable"
)

// Msg is a translatable message: a catalog key and its arguments.
type Msg struct {
	Key  string
	Args []any
}

// M builds a Msg.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

// Error is an application error with a code, a message and per-field messages.
type Error struct {
	Code    string
	Message Msg
	Fields  map[string]Msg
	// RetryAfter is when a TooMany request may be tried again.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Message.Key
	for f, m := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f, m.Key)
	}
	return s
}

// E builds an error with a code and message.
func E(code, key string, args ...any) *Error {
	return &Error{Code: code, Message: M(key, args...)}
}

// Missing is the one answer for an object that is not there or that the
// user may not see (the two are told apart by no one): code NotFound,
// message "err.not_found". Each call builds a new error, so no caller can
// change another's.
func Missing() error { return E(NotFound, "err.not_found") }

// Seen is a read answered to a user: v when the read succeeded and the
// user sees it (sees(v)), Missing when the user does not (the answer for
// no row, so a refusal does not tell that the object exists), err as it
// came otherwise.
func Seen[T any](v T, err error, sees func(T) bool) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if !sees(v) {
		return zero, Missing()
	}
	return v, nil
}

// Code returns the application code of err, Internal for unknown errors.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries the application code.
func Is(err error, code string) bool { return err != nil && Code(err) == code }

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Fields collects field-level validation messages.
type Fields map[string]Msg

// Add records a message for a field unless it already has one.
func (f Fields) Add(field, key string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = M(key, args...)
	}
}

// Length checks a text's length in characters: an empty text where at
// least min are wanted is "err.required", a shorter one "err.too_short"
// (min), a longer one "err.too_long" (max). With min 0 an empty text passes.
func (f Fields) Length(field, s string, min, max int) {
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && min > 0:
		f.Add(field, "err.required")
	case n < min:
		f.Add(field, "err.too_short", min)
	case n > max:
		f.Add(field, "err.too_long", max)
	}
}

// OneOf records key (with args) for a field unless v is one of allowed:
// the rule of a choice among fixed values (a theme, a kind, a level).
func (f Fields) OneOf(field, v string, allowed []string, key string, args ...any) {
	if !slices.Contains(allowed, v) {
		f.Add(field, key, args...)
	}
}

// Then is a form read field by field, then its call: the fields'
// refusal (Err) when any has a message, otherwise fn's error.
func (f Fields) Then(fn func() error) error {
	if err := f.Err(); err != nil {
		return err
	}
	return fn()
}

// Field is the refusal of one field: Invalid, as Fields.Err answers, with
// key (and args) on field.
func Field(field, key string, args ...any) error {
	return Fields{field: M(key, args...)}.Err()
}

// FieldConflict is the refusal of one field that conflicts with what is
// stored (a name taken, a slot booked, an answer already given): Conflict,
// with key (and args) as both the error's message and the field's.
func FieldConflict(field, key string, args ...any) error {
	m := M(key, args...)
	return &Error{Code: Conflict, Message: m, Fields: Fields{field: m}}
}

// Err returns an Invalid error if any field has a message, nil otherwise.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: M("err.invalid_input"), Fields: f}
}
