package loadbalancers

import (
	"strconv"

	"github.com/gophercloud/gophercloud/v2"
)

func rootURL(c *gophercloud.ServiceClient) string {
	return c.ServiceURL("loadbalancers")
}

func resourceURL(c *gophercloud.ServiceClient, id int) string {
	return c.ServiceURL("loadbalancers", strconv.Itoa(id))
}

func subURL(c *gophercloud.ServiceClient, id int, sub string) string {
	return c.ServiceURL("loadbalancers", strconv.Itoa(id), sub)
}
