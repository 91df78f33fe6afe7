package clb

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/goplay/goplay/engine/pyfmt"
)

// APIError is an error response of the CLB API. Its Error text is the API's
// message alone, as pyrax reports it (the HTTP code is not part of it).
type APIError struct {
	// Code is the HTTP status code.
	Code int
	// Fault is the wrapper key of a wrapped body ("overLimit",
	// "itemNotFound"), empty for CLB's flat bodies.
	Fault string
	// Message is the API's message, or the HTTP status text when the body
	// had none.
	Message string
	// Details is the API's details, if any.
	Details string
	// Method and URL identify the request.
	Method, URL string
	// RetryAfter is the Retry-After header of a 413 or 503, if any.
	RetryAfter string
}

func (e *APIError) Error() string { return e.Message }

// Immutable tells whether the error is CLB's 422 refusal to change a load
// balancer that is not ACTIVE ("... is considered immutable.").
func (e *APIError) Immutable() bool {
	return e.Code == 422 && strings.Contains(e.Message, "considered immutable")
}

// IsImmutable tells whether err is an APIError for which Immutable is true.
func IsImmutable(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Immutable()
}

// IsNotFound tells whether err is a 404 from the API.
func IsNotFound(err error) bool {
	return StatusCode(err) == http.StatusNotFound
}

// StatusCode returns the HTTP status of err, or 0 if err is not an HTTP
// error.
func StatusCode(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	var ue gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &ue) {
		return ue.Actual
	}
	var up *gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &up) {
		return up.Actual
	}
	return 0
}

// ParseError converts gophercloud's ErrUnexpectedResponseCode (also when it
// is wrapped, for example after a re-authentication) into an *APIError.
// Other errors are returned unchanged; nil stays nil.
func ParseError(err error) error {
	if err == nil {
		return nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return err
	}
	var ue gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &ue) {
		return FromResponse(ue.Method, ue.URL, ue.Actual, ue.ResponseHeader, ue.Body)
	}
	var up *gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &up) && up != nil {
		return FromResponse(up.Method, up.URL, up.Actual, up.ResponseHeader, up.Body)
	}
	var re gophercloud.ErrUnableToReauthenticate
	if errors.As(err, &re) {
		return &APIError{Code: http.StatusUnauthorized, Message: "Unable to re-authenticate: " + messageOf(re.ErrReauth)}
	}
	return err
}

func messageOf(err error) string {
	if err == nil {
		return ""
	}
	var ae *APIError
	if errors.As(ParseError(err), &ae) {
		return ae.Message
	}
	return err.Error()
}

// FromResponse builds an APIError from a response, taking the message the
// way pyrax's exceptions.from_response does: body["message"] for flat bodies,
// else the "message" of the body's first key.
func FromResponse(method, url string, code int, header http.Header, body []byte) *APIError {
	e := &APIError{Code: code, Method: method, URL: url}
	if header != nil {
		e.RetryAfter = header.Get("Retry-After")
	}
	// pyrax exceptions.from_response: body["message"] and
	// body["details"]; if both are missing, the first key's value (its
	// "message" and "details" when it is an object).
	parsed, _ := pyfmt.ParseJSON(body)
	if m, ok := parsed.(map[string]any); ok && len(m) > 0 {
		msg, hasMsg := m["message"]
		det, hasDet := m["details"]
		if (hasMsg && msg != nil) || (hasDet && det != nil) {
			e.Message, e.Details = text(msg), text(det)
		} else {
			k := pyfmt.KeyOrder(m)[0]
			if inner, ok := m[k].(map[string]any); ok {
				e.Fault = k
				e.Message, e.Details = text(inner["message"]), text(inner["details"])
				if e.RetryAfter == "" {
					e.RetryAfter = text(inner["retryAfter"])
				}
			} else {
				e.Message = text(m[k])
			}
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(code)
		if e.Message == "" {
			e.Message = fmt.Sprintf("HTTP %d", code)
		}
	}
	return e
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any, map[string]any:
		// pyrax formats a non-string message with '%s': Python's str().
		return pyfmt.Str(x)
	}
	return fmt.Sprint(v)
}
