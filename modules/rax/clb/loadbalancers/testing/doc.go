// Package testing holds the loadbalancers fixtures and their tests.
package testing
