// Package testing holds the identity fixtures and their tests.
package testing
