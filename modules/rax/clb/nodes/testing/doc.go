// Package testing holds the nodes fixtures and their tests.
package testing
