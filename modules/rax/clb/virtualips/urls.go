package virtualips

import (
	"strconv"

	"github.com/gophercloud/gophercloud/v2"
)

func rootURL(c *gophercloud.ServiceClient, lbID int) string {
	return c.ServiceURL("loadbalancers", strconv.Itoa(lbID), "virtualips")
}

func resourceURL(c *gophercloud.ServiceClient, lbID, vipID int) string {
	return c.ServiceURL("loadbalancers", strconv.Itoa(lbID), "virtualips", strconv.Itoa(vipID))
}
