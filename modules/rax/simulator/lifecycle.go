package simulator

import (
	"context"
	"net"
	"strconv"
	"time"
)

// setStatusLocked changes a load balancer's status and records the event.
func (s *Simulator) setStatusLocked(l *lb, st string) {
	if l.Status == st {
		return
	}
	s.emit(Event{Kind: EventLBStatus, LoadBalancerID: l.ID, From: l.Status, To: st})
	l.Status = st
}

// changedLocked finishes an accepted mutation: the load balancer goes to
// PENDING_UPDATE for Config.PendingUpdate, the forwarder gets the new
// configuration, and the state is saved.
func (s *Simulator) changedLocked(l *lb) {
	l.Updated = time.Now()
	if s.cfg.PendingUpdate > 0 {
		s.setStatusLocked(l, StatusPendingUpdate)
		s.scheduleLocked(l, s.cfg.PendingUpdate, StatusActive)
	}
	s.syncLocked(l)
	s.saveLocked()
}

// scheduleLocked moves l to status to after d.
func (s *Simulator) scheduleLocked(l *lb, d time.Duration, to string) {
	if old := s.timers[l.ID]; old != nil && old.t.Stop() {
		s.timerWG.Done()
	}
	id := l.ID
	pt := &pendingTimer{to: to}
	l.pendingUntil = time.Now().Add(d)
	s.timerWG.Add(1)
	pt.t = time.AfterFunc(d, func() {
		defer s.timerWG.Done()
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.closed || s.timers[id] != pt {
			return
		}
		delete(s.timers, id)
		l := s.lbs[id]
		if l == nil {
			return
		}
		s.transitionLocked(l, to)
		s.saveLocked()
	})
	s.timers[id] = pt
}

func (s *Simulator) transitionLocked(l *lb, to string) {
	if to == StatusDeleted {
		s.finishDeleteLocked(l)
		return
	}
	s.setStatusLocked(l, to)
}

// finishDeleteLocked makes l DELETED and closes its virtual IP.
func (s *Simulator) finishDeleteLocked(l *lb) {
	s.setStatusLocked(l, StatusDeleted)
	l.Updated = time.Now()
	s.emit(Event{Kind: EventLBDeleted, LoadBalancerID: l.ID})
	s.stopMonitorLocked(l)
	if f := l.fwd; f != nil {
		l.fwd = nil
		if !s.closed {
			s.bgWG.Add(1)
			go func() {
				defer s.bgWG.Done()
				f.close()
			}()
		}
	}
}

// syncLocked pushes l's nodes and settings to its forwarder.
func (s *Simulator) syncLocked(l *lb) {
	if l.fwd == nil {
		return
	}
	specs := make([]backendSpec, 0, len(l.Nodes))
	for _, n := range l.Nodes {
		specs = append(specs, backendSpec{
			ID: n.ID, Addr: hostPort(n.Address, n.Port), Condition: n.Condition,
			Status: n.Status, Type: n.Type, Weight: n.Weight,
		})
	}
	l.fwd.update(l.Algorithm, time.Duration(l.Timeout)*time.Second, specs)
}

// openVIPLocked starts l's virtual IP listener. listen may be empty.
func (s *Simulator) openVIPLocked(l *lb, listen string) error {
	if isUDP(l.Protocol) {
		return nil
	}
	if listen == "" {
		port := "0"
		if s.cfg.VIPUseLBPort {
			port = strconv.Itoa(l.Port)
		}
		listen = net.JoinHostPort(s.cfg.VIPHost, port)
	}
	if err := checkLoopback(listen); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	l.ListenAddr = ln.Addr().String()
	l.fwd = newForwarder(l.ID, l.Protocol, ln)
	s.syncLocked(l)
	return nil
}

// reopenVIPLocked replaces l's listener after a protocol or port change
// that the running listener cannot follow.
func (s *Simulator) reopenVIPLocked(l *lb, oldProtocol string, oldPort int) {
	httpChanged := (oldProtocol == "HTTP") != (l.Protocol == "HTTP")
	udpChanged := isUDP(oldProtocol) != isUDP(l.Protocol)
	portChanged := s.cfg.VIPUseLBPort && oldPort != l.Port
	if !httpChanged && !udpChanged && !portChanged {
		return
	}
	addr := l.ListenAddr
	if portChanged {
		addr = ""
	}
	if l.fwd != nil {
		l.fwd.close()
		l.fwd = nil
	}
	if err := s.openVIPLocked(l, addr); err != nil && addr != "" {
		if err := s.openVIPLocked(l, ""); err != nil {
			s.logf("raxsim: load balancer %d: cannot reopen virtual IP: %v", l.ID, err)
		}
	}
}

type monitor struct {
	cancel context.CancelFunc
}

func (s *Simulator) startMonitorLocked(l *lb) {
	s.stopMonitorLocked(l)
	if l.HealthMonitor == nil || s.closed || l.Status == StatusDeleted {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &monitor{cancel: cancel}
	l.mon = m
	s.monWG.Add(1)
	go s.runMonitor(ctx, l.ID, m, *l.HealthMonitor)
}

func (s *Simulator) stopMonitorLocked(l *lb) {
	if l.mon != nil {
		l.mon.cancel()
		l.mon = nil
	}
}

// setNodeStatusLocked changes a node's status (ONLINE/OFFLINE).
func (s *Simulator) setNodeStatusLocked(l *lb, n *node, st string) bool {
	if n.Status == st {
		return false
	}
	s.emit(Event{Kind: EventNodeStatus, LoadBalancerID: l.ID, NodeID: n.ID,
		Address: n.Address, Port: n.Port, From: n.Status, To: st})
	n.Status = st
	return true
}

func (s *Simulator) setConditionLocked(l *lb, n *node, c string) {
	if n.Condition == c {
		return
	}
	s.emit(Event{Kind: EventNodeCondition, LoadBalancerID: l.ID, NodeID: n.ID,
		Address: n.Address, Port: n.Port, From: n.Condition, To: c})
	n.Condition = c
}

func (s *Simulator) addNodeLocked(l *lb, n *node) {
	s.emit(Event{Kind: EventNodeAdded, LoadBalancerID: l.ID, NodeID: n.ID,
		Address: n.Address, Port: n.Port, To: n.Condition, Status: n.Status})
	l.Nodes = append(l.Nodes, n)
}

func (s *Simulator) removeNodeLocked(l *lb, id int) {
	for i, n := range l.Nodes {
		if n.ID == id {
			s.emit(Event{Kind: EventNodeRemoved, LoadBalancerID: l.ID, NodeID: n.ID,
				Address: n.Address, Port: n.Port, From: n.Condition})
			l.Nodes = append(l.Nodes[:i:i], l.Nodes[i+1:]...)
			return
		}
	}
}
