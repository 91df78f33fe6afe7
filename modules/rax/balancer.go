package rax

import (
	"math/big"

	"github.com/goplay/goplay/engine/pyfmt"
)

// pyrax's load balancer attributes as rax_to_dict(balancer, 'clb') turns
// them into the registered "balancer" dict (community.general
// module_utils/rax.py; pyrax CloudLoadBalancer._add_details, Node, VirtualIP,
// BaseResource).

// lbExtras are the values of pyrax's extra properties and class attributes.
type lbExtras struct {
	loaded             bool
	connectionLogging  bool
	contentCaching     bool
	sessionPersistence string
}

// mergeAttrs overlays an API object on a pyrax object's attributes, as
// BaseResource._add_details does: keys in add replace, others stay.
func mergeAttrs(attrs, add map[string]any) map[string]any {
	if attrs == nil {
		attrs = map[string]any{}
	}
	for k, v := range add {
		attrs[k] = v
	}
	return attrs
}

// balancerDict converts the load balancer's attributes (the API's JSON
// objects merged in request order) to rax_to_dict's dict.
func balancerDict(attrs map[string]any, x lbExtras) map[string]any {
	out := map[string]any{
		"HUMAN_ID":            false,
		"NAME_ATTR":           "name",
		"get_details":         true,
		"human_id":            nil,
		"loaded":              x.loaded,
		"connection_logging":  x.connectionLogging,
		"content_caching":     x.contentCaching,
		"session_persistence": x.sessionPersistence,
	}
	for k, v := range attrs {
		switch k {
		case "nodes":
			list, _ := v.([]any)
			nodes := make([]any, 0, len(list))
			for _, n := range list {
				if m, ok := n.(map[string]any); ok {
					nodes = append(nodes, nodeDict(m))
				}
			}
			out["nodes"] = nodes
		case "virtualIps":
			list, _ := v.([]any)
			vips := make([]any, 0, len(list))
			for _, e := range list {
				if m, ok := e.(map[string]any); ok {
					vips = append(vips, map[string]any{
						"address":    m["address"],
						"id":         m["id"],
						"ip_version": m["ipVersion"],
						"type":       m["type"],
					})
				}
			}
			out["virtual_ips"] = vips
		case "cluster":
			if m, ok := v.(map[string]any); ok {
				out["cluster"] = m["name"]
			} else if plain(v) {
				out["cluster"] = v
			}
		case "sessionPersistence":
			if m, ok := v.(map[string]any); ok {
				out["sessionPersistence"] = m["persistenceType"]
			} else if plain(v) {
				out["sessionPersistence"] = v
			}
		default:
			if len(k) > 0 && k[0] == '_' {
				continue
			}
			if plain(v) {
				out[k] = v
			}
		}
	}
	return out
}

// plain tells whether rax_to_dict copies a value: str, bool, dict, int,
// list and None are copied; floats (and anything else) are dropped.
func plain(v any) bool {
	switch v.(type) {
	case nil, string, bool, int, *big.Int, map[string]any, []any:
		return true
	}
	return false
}

// nodeDict is rax_clb_node_to_dict: pyrax Node.to_dict() (address, port,
// condition, type, id) plus id and weight. condition defaults to ENABLED,
// weight to 1, type to None; the node's status is not included.
func nodeDict(n map[string]any) map[string]any {
	if n == nil {
		return map[string]any{}
	}
	cond, ok := n["condition"]
	if !ok || cond == nil {
		cond = "ENABLED"
	}
	weight, ok := n["weight"]
	if !ok || weight == nil {
		weight = 1
	}
	out := map[string]any{
		"address":   n["address"],
		"port":      n["port"],
		"condition": cond,
		"type":      n["type"],
		"id":        n["id"],
		"weight":    weight,
	}
	pyfmt.SetOrder(out, nodeKeys)
	return out
}

// nodeKeys is the key order of rax_clb_node_to_dict's dict: Node.to_dict()
// builds {address, port, condition, type, id}, then id and weight are set
// (id keeps its place). Templates ("{{ item }}", loop labels) print it in
// this order.
var nodeKeys = []string{"address", "port", "condition", "type", "id", "weight"}

// copyOrdered copies m into a new map that keeps m's recorded key order.
func copyOrdered(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	pyfmt.SetOrder(out, pyfmt.KeyOrder(m))
	return out
}

// intOf reads an int attribute.
func intOf(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case float64:
		if x == float64(int(x)) {
			return int(x), true
		}
	}
	return 0, false
}

// strOf reads a string attribute ("" if absent).
func strOf(v any) string {
	s, _ := v.(string)
	return s
}
