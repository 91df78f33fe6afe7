package nodes

import (
	"github.com/gophercloud/gophercloud/v2"
	"github.com/goplay/goplay/modules/rax/clb"
)

// Node is a node of a load balancer. Weight and Type are absent from the API
// unless set (weight only matters for WEIGHTED_* algorithms); pointers keep
// the difference.
type Node struct {
	ID        int     `json:"id"`
	Address   string  `json:"address"`
	Port      int     `json:"port"`
	Condition string  `json:"condition"`
	Status    string  `json:"status"`
	Weight    *int    `json:"weight"`
	Type      *string `json:"type"`
}

type commonResult struct {
	gophercloud.Result
}

// GetResult is the result of Get.
type GetResult struct{ commonResult }

// Extract returns the node.
func (r GetResult) Extract() (*Node, error) {
	var s struct {
		Node *Node `json:"node"`
	}
	err := r.ExtractInto(&s)
	return s.Node, err
}

// ExtractRaw returns the node as the API sent it (integers as int).
func (r GetResult) ExtractRaw() (map[string]any, error) {
	if r.Err != nil {
		return nil, r.Err
	}
	return clb.Object(r.Body, "node"), nil
}

// ListResult is the result of List.
type ListResult struct{ gophercloud.Result }

// Extract returns the nodes.
func (r ListResult) Extract() ([]Node, error) {
	return extractNodes(r.Result)
}

// ExtractRaw returns the nodes as the API sent them (integers as int).
func (r ListResult) ExtractRaw() ([]map[string]any, error) {
	if r.Err != nil {
		return nil, r.Err
	}
	return clb.Array(r.Body, "nodes"), nil
}

// CreateResult is the result of Create: the added nodes.
type CreateResult struct{ gophercloud.Result }

// Extract returns the added nodes.
func (r CreateResult) Extract() ([]Node, error) {
	return extractNodes(r.Result)
}

// ExtractRaw returns the added nodes as the API sent them.
func (r CreateResult) ExtractRaw() ([]map[string]any, error) {
	if r.Err != nil {
		return nil, r.Err
	}
	return clb.Array(r.Body, "nodes"), nil
}

func extractNodes(r gophercloud.Result) ([]Node, error) {
	var s struct {
		Nodes []Node `json:"nodes"`
	}
	err := r.ExtractInto(&s)
	return s.Nodes, err
}

// UpdateResult is the result of Update; call ExtractErr.
type UpdateResult struct{ gophercloud.ErrResult }

// DeleteResult is the result of Delete and BulkDelete; call ExtractErr.
type DeleteResult struct{ gophercloud.ErrResult }
