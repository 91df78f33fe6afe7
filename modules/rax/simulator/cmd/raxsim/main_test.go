package main

import (
	"reflect"
	"testing"

	"github.com/goplay/goplay/modules/rax/simulator"
)

func TestParseLB(t *testing.T) {
	got, err := parseLB("name=app-lb1,algorithm=ROUND_ROBIN,listen=127.0.0.1:8081,health=HTTP:/healthz,node=127.0.0.2:8080,node=127.0.0.3:8080*3/draining")
	if err != nil {
		t.Fatal(err)
	}
	want := simulator.LoadBalancerSpec{Name: "app-lb1", Algorithm: "ROUND_ROBIN", Listen: "127.0.0.1:8081",
		HealthMonitor: &simulator.HealthMonitor{Type: "HTTP", Path: "/healthz", Delay: 1, Timeout: 1, AttemptsBeforeDeactivation: 2},
		Nodes: []simulator.NodeSpec{{Address: "127.0.0.2", Port: 8080},
			{Address: "127.0.0.3", Port: 8080, Weight: 3, Condition: "DRAINING"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	for _, bad := range []string{"algorithm=RANDOM", "name=x,node=127.0.0.2", "name=x,bogus=1", "name=x,port=eighty"} {
		if _, err := parseLB(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
