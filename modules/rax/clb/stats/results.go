package stats

import (
	"github.com/gophercloud/gophercloud/v2"
)

// Stats are the connection counters of a load balancer.
type Stats struct {
	ConnectTimeOut       int `json:"connectTimeOut"`
	ConnectError         int `json:"connectError"`
	ConnectFailure       int `json:"connectFailure"`
	DataTimedOut         int `json:"dataTimedOut"`
	KeepAliveTimedOut    int `json:"keepAliveTimedOut"`
	MaxConn              int `json:"maxConn"`
	CurrentConn          int `json:"currentConn"`
	ConnectTimeOutSsl    int `json:"connectTimeOutSsl"`
	ConnectErrorSsl      int `json:"connectErrorSsl"`
	ConnectFailureSsl    int `json:"connectFailureSsl"`
	DataTimedOutSsl      int `json:"dataTimedOutSsl"`
	KeepAliveTimedOutSsl int `json:"keepAliveTimedOutSsl"`
	MaxConnSsl           int `json:"maxConnSsl"`
	CurrentConnSsl       int `json:"currentConnSsl"`
}

// GetResult is the result of Get.
type GetResult struct{ gophercloud.Result }

// Extract returns the statistics.
func (r GetResult) Extract() (*Stats, error) {
	var s Stats
	err := r.ExtractInto(&s)
	return &s, err
}
