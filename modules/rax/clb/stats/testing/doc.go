// Package testing holds the stats fixtures and their tests.
package testing
