package stats

import (
	"strconv"

	"github.com/gophercloud/gophercloud/v2"
)

func getURL(c *gophercloud.ServiceClient, lbID int) string {
	return c.ServiceURL("loadbalancers", strconv.Itoa(lbID), "stats")
}
