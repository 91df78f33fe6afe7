package simulator

import (
	"time"
)

// Event kinds.
const (
	EventLBCreated     = "lb.created"     // To is the initial status
	EventLBStatus      = "lb.status"      // From -> To load balancer status
	EventLBDeleted     = "lb.deleted"     // the load balancer reached DELETED
	EventNodeAdded     = "node.added"     // To is the node's condition
	EventNodeRemoved   = "node.removed"   // From is the node's last condition
	EventNodeCondition = "node.condition" // From -> To condition
	EventNodeStatus    = "node.status"    // From -> To status (ONLINE/OFFLINE)
	// EventLBImmutable records a change refused with 422 "considered
	// immutable" (From is the status that refused it). It changes no state;
	// it shows that two changes collided.
	EventLBImmutable = "lb.immutable"
)

// Event is one state change, recorded when it happened.
type Event struct {
	Seq            int       `json:"seq"`
	Time           time.Time `json:"time"`
	Kind           string    `json:"kind"`
	LoadBalancerID int       `json:"loadBalancerId"`
	NodeID         int       `json:"nodeId,omitempty"`
	Address        string    `json:"address,omitempty"`
	Port           int       `json:"port,omitempty"`
	From           string    `json:"from,omitempty"`
	To             string    `json:"to,omitempty"`
	// Status is the node's status at the time of a node.added event.
	Status string `json:"status,omitempty"`
}

// emit records an event. s.mu must be held.
func (s *Simulator) emit(e Event) {
	s.seq++
	e.Seq = s.seq
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	s.events = append(s.events, e)
}

// Events returns a copy of the event log, oldest first.
func (s *Simulator) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// EventsFor returns the events of one load balancer, oldest first.
func EventsFor(events []Event, lbID int) []Event {
	var out []Event
	for _, e := range events {
		if e.LoadBalancerID == lbID {
			out = append(out, e)
		}
	}
	return out
}

// MaxNotEnabled replays events (as returned by Events) for one load
// balancer and returns the largest number of its nodes whose condition was
// not ENABLED at the same moment. Removed nodes stop counting.
func MaxNotEnabled(events []Event, lbID int) int {
	return maxOut(events, lbID, false)
}

// MaxOutOfRotation is like MaxNotEnabled but also counts ENABLED nodes whose
// status is OFFLINE (failed health checks), that is every node that could
// not receive new traffic.
func MaxOutOfRotation(events []Event, lbID int) int {
	return maxOut(events, lbID, true)
}

func maxOut(events []Event, lbID int, countOffline bool) int {
	type ns struct{ cond, status string }
	nodes := map[int]*ns{}
	out := func() int {
		c := 0
		for _, n := range nodes {
			if n.cond != ConditionEnabled || (countOffline && n.status == NodeOffline) {
				c++
			}
		}
		return c
	}
	max := 0
	for _, e := range events {
		if e.LoadBalancerID != lbID {
			continue
		}
		switch e.Kind {
		case EventNodeAdded:
			st := e.Status
			if st == "" {
				st = NodeOnline
			}
			nodes[e.NodeID] = &ns{cond: e.To, status: st}
		case EventNodeRemoved:
			delete(nodes, e.NodeID)
		case EventNodeCondition:
			if n := nodes[e.NodeID]; n != nil {
				n.cond = e.To
			}
		case EventNodeStatus:
			if n := nodes[e.NodeID]; n != nil {
				n.status = e.To
			}
		case EventLBDeleted:
			nodes = map[int]*ns{}
		}
		if c := out(); c > max {
			max = c
		}
	}
	return max
}
