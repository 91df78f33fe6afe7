package simulator

import (
	"net/http"
	"strconv"
	"strings"
)

func (s *Simulator) serveNodes(w http.ResponseWriter, r *http.Request, tenant string, id int, rest []string) {
	if len(rest) > 1 {
		errResourceNotFound(w)
		return
	}
	if len(rest) == 1 {
		nid, err := strconv.Atoi(rest[0])
		if err != nil {
			errNodeNotFound(w)
			return
		}
		s.serveNode(w, r, tenant, id, nid)
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		defer s.mu.Unlock()
		if l := s.lookupLocked(w, tenant, id); l != nil {
			writeJSON(w, 200, map[string]any{"nodes": l.nodesJSON(false)})
		}
	case http.MethodPost:
		s.addNodes(w, r, tenant, id)
	case http.MethodPut:
		s.bulkUpdateNodes(w, r, tenant, id)
	case http.MethodDelete:
		s.bulkDeleteNodes(w, r, tenant, id)
	default:
		errMethod(w)
	}
}

func (s *Simulator) addNodes(w http.ResponseWriter, r *http.Request, tenant string, id int) {
	var body struct {
		Nodes []nodeReq `json:"nodes"`
	}
	if err := decodeStrict(r, &body); err != nil {
		errSchema(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lookupLocked(w, tenant, id)
	if l == nil {
		return
	}
	var msgs []string
	if len(body.Nodes) == 0 {
		msgs = append(msgs, "Must provide at least one node to add.")
	}
	for _, n := range body.Nodes {
		msgs = append(msgs, validNodeNew(n)...)
	}
	if len(msgs) > 0 {
		errValidation(w, msgs...)
		return
	}
	if !s.mutableLocked(w, l) {
		return
	}
	if len(l.Nodes)+len(body.Nodes) > s.cfg.Limits.Nodes {
		errFlat(w, http.StatusRequestEntityTooLarge, "Nodes must not exceed "+strconv.Itoa(s.cfg.Limits.Nodes)+" per load balancer.")
		return
	}
	seen := map[string]bool{}
	for _, n := range l.Nodes {
		seen[hostPort(n.Address, n.Port)] = true
	}
	for _, n := range body.Nodes {
		k := hostPort(*n.Address, *n.Port)
		if seen[k] {
			errFlat(w, http.StatusUnprocessableEntity, "Duplicate nodes detected. One or more nodes already configured on load balancer.")
			return
		}
		seen[k] = true
	}
	out := []nodeOut{}
	for _, nr := range body.Nodes {
		n := newNode(nr)
		s.nextNode++
		n.ID = s.nextNode
		s.addNodeLocked(l, n)
		out = append(out, nodeJSON(n, l.Algorithm, true))
	}
	s.changedLocked(l)
	writeJSON(w, http.StatusAccepted, map[string]any{"nodes": out})
}

func (s *Simulator) bulkUpdateNodes(w http.ResponseWriter, r *http.Request, tenant string, id int) {
	var body struct {
		Nodes []nodeReq `json:"nodes"`
	}
	if err := decodeStrict(r, &body); err != nil {
		errSchema(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lookupLocked(w, tenant, id)
	if l == nil {
		return
	}
	var msgs, missing []string
	if len(body.Nodes) == 0 {
		msgs = append(msgs, "Must provide at least one node to update.")
	}
	for _, n := range body.Nodes {
		if n.ID == nil {
			msgs = append(msgs, "Node id is required.")
			continue
		}
		if l.node(*n.ID) == nil {
			missing = append(missing, strconv.Itoa(*n.ID))
		}
		msgs = append(msgs, immutableNodeFields(n)...)
		msgs = append(msgs, validNodeAttrs(n)...)
	}
	if len(missing) > 0 {
		msgs = append(msgs, "Node ids "+strings.Join(missing, ",")+" are not a part of your loadbalancer")
	}
	if len(msgs) > 0 {
		errValidation(w, msgs...)
		return
	}
	if !s.mutableLocked(w, l) {
		return
	}
	for _, nr := range body.Nodes {
		s.applyNodeUpdateLocked(l, l.node(*nr.ID), nr)
	}
	s.changedLocked(l)
	w.WriteHeader(http.StatusAccepted)
}

func immutableNodeFields(n nodeReq) []string {
	var msgs []string
	if n.Address != nil {
		msgs = append(msgs, "Node ip field cannot be modified.")
	}
	if n.Port != nil {
		msgs = append(msgs, "Port field cannot be modified.")
	}
	if n.Status != nil {
		msgs = append(msgs, "Node status field cannot be modified.")
	}
	return msgs
}

func (s *Simulator) applyNodeUpdateLocked(l *lb, n *node, nr nodeReq) {
	if nr.Condition != nil {
		s.setConditionLocked(l, n, *nr.Condition)
	}
	if nr.Type != nil {
		n.Type = *nr.Type
	}
	if nr.Weight != nil {
		n.Weight = *nr.Weight
	}
}

func (s *Simulator) bulkDeleteNodes(w http.ResponseWriter, r *http.Request, tenant string, id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lookupLocked(w, tenant, id)
	if l == nil {
		return
	}
	ids := r.URL.Query()["id"]
	if len(ids) == 0 {
		errValidation(w, "Must supply one or more id's to process this request.")
		return
	}
	if len(ids) > s.cfg.Limits.BatchDelete {
		errValidation(w, "Request to delete more than "+strconv.Itoa(s.cfg.Limits.BatchDelete)+" nodes denied.")
		return
	}
	var missing []string
	var nids []int
	for _, v := range ids {
		nid, err := strconv.Atoi(v)
		if err != nil || l.node(nid) == nil {
			missing = append(missing, v)
			continue
		}
		nids = append(nids, nid)
	}
	if len(missing) > 0 {
		errValidation(w, "Node ids "+strings.Join(missing, ",")+" are not a part of your loadbalancer")
		return
	}
	if !s.mutableLocked(w, l) {
		return
	}
	for _, nid := range nids {
		s.removeNodeLocked(l, nid)
	}
	s.changedLocked(l)
	w.WriteHeader(http.StatusAccepted)
}

func (s *Simulator) serveNode(w http.ResponseWriter, r *http.Request, tenant string, id, nid int) {
	if r.Method == http.MethodPut {
		s.updateNode(w, r, tenant, id, nid)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lookupLocked(w, tenant, id)
	if l == nil {
		return
	}
	n := l.node(nid)
	if n == nil {
		errNodeNotFound(w)
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, 200, map[string]any{"node": nodeJSON(n, l.Algorithm, false)})
	case http.MethodDelete:
		if !s.mutableLocked(w, l) {
			return
		}
		s.removeNodeLocked(l, nid)
		s.changedLocked(l)
		w.WriteHeader(http.StatusAccepted)
	default:
		errMethod(w)
	}
}

func (s *Simulator) updateNode(w http.ResponseWriter, r *http.Request, tenant string, id, nid int) {
	var body struct {
		Node *nodeReq `json:"node"`
	}
	if err := decodeStrict(r, &body); err != nil || body.Node == nil {
		errSchema(w)
		return
	}
	nr := *body.Node
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lookupLocked(w, tenant, id)
	if l == nil {
		return
	}
	n := l.node(nid)
	if n == nil {
		errNodeNotFound(w)
		return
	}
	msgs := immutableNodeFields(nr)
	if nr.ID != nil {
		msgs = append(msgs, "Node id field cannot be modified.")
	}
	msgs = append(msgs, validNodeAttrs(nr)...)
	if nr.Condition == nil && nr.Type == nil && nr.Weight == nil && len(msgs) == 0 {
		msgs = append(msgs, "The node must have at least one attribute to update.")
	}
	if len(msgs) > 0 {
		errValidation(w, msgs...)
		return
	}
	if !s.mutableLocked(w, l) {
		return
	}
	s.applyNodeUpdateLocked(l, n, nr)
	s.changedLocked(l)
	w.WriteHeader(http.StatusAccepted)
}
