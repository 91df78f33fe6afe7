package virtualips

import (
	"github.com/gophercloud/gophercloud/v2"
)

// VirtualIP is a virtual IP of a load balancer.
type VirtualIP struct {
	ID        int    `json:"id"`
	Address   string `json:"address"`
	Type      string `json:"type"`
	IPVersion string `json:"ipVersion"`
}

// ListResult is the result of List.
type ListResult struct{ gophercloud.Result }

// Extract returns the virtual IPs.
func (r ListResult) Extract() ([]VirtualIP, error) {
	var s struct {
		V []VirtualIP `json:"virtualIps"`
	}
	err := r.ExtractInto(&s)
	return s.V, err
}

// DeleteResult is the result of Delete; call ExtractErr.
type DeleteResult struct{ gophercloud.ErrResult }
