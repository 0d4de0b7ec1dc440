package consent

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer. The web layer maps each to one HTTP status.
const (
	EInvalid      = "invalid"      // bad input from the caller
	ENotFound     = "not_found"    // the thing asked for does not exist
	EConflict     = "conflict"     // the request clashes with what is stored
	EUnauthorized = "unauthorized" // missing or wrong credentials or signature
	ETooLarge     = "too_large"    // a body over the configured cap
	EUnavailable  = "unavailable"  // a dependency (the database, upstream) cannot answer now
	EInternal     = "internal"     // a bug or an unexpected failure
)

// Error is optgate's application error: a code and a message that is safe to
// show to a client. Wrapped causes stay in logs only.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted client-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the client-safe message of err, or a generic one.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
