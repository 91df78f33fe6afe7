// Package testing holds the metadata fixtures and their tests.
package testing
