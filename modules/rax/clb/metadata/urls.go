package metadata

import (
	"strconv"

	"github.com/gophercloud/gophercloud/v2"
)

func rootURL(c *gophercloud.ServiceClient, lbID int) string {
	return c.ServiceURL("loadbalancers", strconv.Itoa(lbID), "metadata")
}
