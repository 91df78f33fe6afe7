// Package web holds the HTTP modules: uri (run on the controller) and
// get_url.
package web
