package metadata

import (
	"github.com/gophercloud/gophercloud/v2"
)

// Metadatum is one stored metadata item.
type Metadatum struct {
	ID    int    `json:"id"`
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ListResult is the result of List.
type ListResult struct{ gophercloud.Result }

// Extract returns the items in the API's order.
func (r ListResult) Extract() ([]Metadatum, error) {
	var s struct {
		M []Metadatum `json:"metadata"`
	}
	err := r.ExtractInto(&s)
	return s.M, err
}

// CreateResult is the result of Create; call ExtractErr.
type CreateResult struct{ gophercloud.ErrResult }

// DeleteResult is the result of Delete; call ExtractErr.
type DeleteResult struct{ gophercloud.ErrResult }
