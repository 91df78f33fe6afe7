// Package web holds the HTTP modules: uri (run on the controller) and
// get_url.
//
// Requests follow Ansible's fetch_url: urllib's redirect rules per
// follow_redirects, Basic auth on a 401 challenge (or at once with
// force_basic_auth), gzip decoding, If-Modified-Since for an existing dest,
// and its result keys and error messages. get_url downloads on the
// controller and puts the file on the target: one round trip asks about
// dest (existence, checksums, permissions), then the file is put only when
// its sha1 differs, and mode/owner/group are applied in the same call that
// reads the file's final state.
package web
