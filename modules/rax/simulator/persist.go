package simulator

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// saveLocked writes the state file, if one is configured.
func (s *Simulator) saveLocked() {
	if s.cfg.StateFile == "" {
		return
	}
	st := state{NextLB: s.nextLB, NextNode: s.nextNode, NextVIP: s.nextVIP, NextMeta: s.nextMeta,
		LBs: sortedLBs(s.lbs)}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		s.logf("raxsim: save state: %v", err)
		return
	}
	dir := filepath.Dir(s.cfg.StateFile)
	tmp, err := os.CreateTemp(dir, ".raxsim-state-*")
	if err != nil {
		s.logf("raxsim: save state: %v", err)
		return
	}
	_, werr := tmp.Write(append(data, '\n'))
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		s.logf("raxsim: save state: %v %v", werr, cerr)
		return
	}
	if err := os.Rename(tmp.Name(), s.cfg.StateFile); err != nil {
		os.Remove(tmp.Name())
		s.logf("raxsim: save state: %v", err)
	}
}

// load reads the state file. Load balancers caught in a transient status
// come back settled: BUILD and PENDING_UPDATE as ACTIVE, PENDING_DELETE as
// DELETED. Each live load balancer gets its virtual IP back (the same
// address when it is free) and its node.added events are replayed into the
// event log.
func (s *Simulator) load() error {
	data, err := os.ReadFile(s.cfg.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextLB, s.nextNode, s.nextVIP, s.nextMeta = max(st.NextLB, s.nextLB), max(st.NextNode, s.nextNode), max(st.NextVIP, s.nextVIP), max(st.NextMeta, s.nextMeta)
	sort.Slice(st.LBs, func(i, j int) bool { return st.LBs[i].ID < st.LBs[j].ID })
	for _, l := range st.LBs {
		switch l.Status {
		case StatusBuild, StatusPendingUpdate:
			l.Status = StatusActive
		case StatusPendingDelete:
			l.Status = StatusDeleted
		}
		s.lbs[l.ID] = l
		s.emit(Event{Kind: EventLBCreated, LoadBalancerID: l.ID, To: l.Status})
		if l.Status == StatusDeleted {
			continue
		}
		for _, n := range l.Nodes {
			s.emit(Event{Kind: EventNodeAdded, LoadBalancerID: l.ID, NodeID: n.ID,
				Address: n.Address, Port: n.Port, To: n.Condition, Status: n.Status})
		}
		if err := s.openVIPLocked(l, l.ListenAddr); err != nil {
			if err := s.openVIPLocked(l, ""); err != nil {
				return err
			}
		}
		s.startMonitorLocked(l)
	}
	return nil
}
