package simulator

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// errFlat writes CLB's flat error body {"message":..,"code":..}.
func errFlat(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
	}{msg, code})
}

// errValidation writes the 400 "Validation Failure" body.
func errValidation(w http.ResponseWriter, msgs ...string) {
	type ve struct {
		Messages []string `json:"messages"`
	}
	writeJSON(w, http.StatusBadRequest, struct {
		ValidationErrors ve     `json:"validationErrors"`
		Message          string `json:"message"`
		Code             int    `json:"code"`
		Details          string `json:"details"`
	}{ve{msgs}, "Validation Failure", 400, "The object is not valid"})
}

// errSchema writes the 400 body for malformed JSON or unknown fields.
func errSchema(w http.ResponseWriter) {
	writeJSON(w, http.StatusBadRequest, map[string][]string{
		"message": {"JSON does not match the expected schema"},
	})
}

func errLBNotFound(w http.ResponseWriter) { errFlat(w, http.StatusNotFound, "Load balancer not found") }

func errNodeNotFound(w http.ResponseWriter) { errFlat(w, http.StatusNotFound, "Node not found") }

func errResourceNotFound(w http.ResponseWriter) {
	errFlat(w, http.StatusNotFound, "The resource could not be found.")
}

func errMethod(w http.ResponseWriter) {
	errFlat(w, http.StatusMethodNotAllowed, "Method not allowed")
}

// immutableMessage is the 422 text for a load balancer that is not ACTIVE.
func immutableMessage(id int, status string) string {
	if status == StatusDeleted {
		return "The load balancer is deleted and considered immutable."
	}
	return fmt.Sprintf("Load Balancer '%d' has a status of '%s' and is considered immutable.", id, status)
}

// errOverLimit writes a 413 overLimit body with Retry-After.
func errOverLimit(w http.ResponseWriter, retry time.Duration) {
	secs := int(math.Ceil(retry.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	at := time.Now().Add(time.Duration(secs) * time.Second).UTC().Format(timeLayout)
	type ol struct {
		Code       int    `json:"code"`
		Message    string `json:"message"`
		Details    string `json:"details"`
		RetryAfter string `json:"retryAfter"`
	}
	writeJSON(w, http.StatusRequestEntityTooLarge, map[string]ol{
		"overLimit": {413, "OverLimit Retry...", "Error Details...", at},
	})
}

// identityFault writes identity's {"<name>":{"code":..,"message":..}} body.
func identityFault(w http.ResponseWriter, code int, name, msg string) {
	type f struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	writeJSON(w, code, map[string]f{name: {code, msg}})
}
