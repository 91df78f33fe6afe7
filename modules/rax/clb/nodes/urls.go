package nodes

import (
	"strconv"

	"github.com/gophercloud/gophercloud/v2"
)

func rootURL(c *gophercloud.ServiceClient, lbID int) string {
	return c.ServiceURL("loadbalancers", strconv.Itoa(lbID), "nodes")
}

func resourceURL(c *gophercloud.ServiceClient, lbID, nodeID int) string {
	return c.ServiceURL("loadbalancers", strconv.Itoa(lbID), "nodes", strconv.Itoa(nodeID))
}
