// Package testing holds the virtualips fixtures and their tests.
package testing
