package simulator

import (
	"net/http"
	"strconv"
	"strings"
)

func (s *Simulator) serveMetadata(w http.ResponseWriter, r *http.Request, tenant string, id int, rest []string) {
	if len(rest) > 1 {
		errResourceNotFound(w)
		return
	}
	var postBody struct {
		Metadata []metaReq `json:"metadata"`
	}
	var putBody struct {
		Meta *metaReq `json:"meta"`
	}
	if r.Method == http.MethodPost && len(rest) == 0 {
		if err := decodeStrict(r, &postBody); err != nil {
			errSchema(w)
			return
		}
	}
	if r.Method == http.MethodPut && len(rest) == 1 {
		if err := decodeStrict(r, &putBody); err != nil || putBody.Meta == nil {
			errSchema(w)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lookupLocked(w, tenant, id)
	if l == nil {
		return
	}
	if len(rest) == 1 {
		mid, _ := strconv.Atoi(rest[0])
		idx := -1
		for i, m := range l.Metadata {
			if m.ID == mid {
				idx = i
			}
		}
		if idx < 0 {
			errFlat(w, http.StatusNotFound, "Metadata item not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, map[string]any{"meta": l.Metadata[idx]})
		case http.MethodPut:
			if putBody.Meta.Value == nil || putBody.Meta.Key != nil || putBody.Meta.ID != nil {
				errValidation(w, "Must provide only a value to update a metadata item.")
				return
			}
			l.Metadata[idx].Value = *putBody.Meta.Value
			s.saveLocked()
			w.WriteHeader(http.StatusOK)
		case http.MethodDelete:
			l.Metadata = append(l.Metadata[:idx:idx], l.Metadata[idx+1:]...)
			s.saveLocked()
			w.WriteHeader(http.StatusAccepted)
		default:
			errMethod(w)
		}
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, 200, map[string]any{"metadata": l.metadataJSON()})
	case http.MethodPost:
		var msgs []string
		keys := map[string]bool{}
		for _, m := range l.Metadata {
			keys[m.Key] = true
		}
		if len(postBody.Metadata) == 0 {
			msgs = append(msgs, "Must provide at least one metadata item.")
		}
		for _, m := range postBody.Metadata {
			if m.Key == nil || *m.Key == "" || m.Value == nil {
				msgs = append(msgs, "Metadata must have a key and a value.")
				continue
			}
			if keys[*m.Key] {
				msgs = append(msgs, "Duplicate keys detected: "+*m.Key)
			}
			keys[*m.Key] = true
		}
		if len(msgs) > 0 {
			errValidation(w, msgs...)
			return
		}
		if len(l.Metadata)+len(postBody.Metadata) > s.cfg.Limits.LoadBalancerMeta {
			errFlat(w, http.StatusRequestEntityTooLarge, "Metadata must not exceed "+strconv.Itoa(s.cfg.Limits.LoadBalancerMeta)+" per load balancer.")
			return
		}
		var out []metaItem
		for _, m := range postBody.Metadata {
			s.nextMeta++
			it := metaItem{ID: s.nextMeta, Key: *m.Key, Value: *m.Value}
			l.Metadata = append(l.Metadata, it)
			out = append(out, it)
		}
		s.saveLocked()
		writeJSON(w, http.StatusOK, map[string]any{"metadata": out})
	case http.MethodDelete:
		ids := r.URL.Query()["id"]
		if len(ids) == 0 {
			errValidation(w, "Must supply one or more id's to process this request.")
			return
		}
		del := map[int]bool{}
		var missing []string
		for _, v := range ids {
			mid, err := strconv.Atoi(v)
			found := false
			for _, m := range l.Metadata {
				found = found || (err == nil && m.ID == mid)
			}
			if !found {
				missing = append(missing, v)
			}
			del[mid] = true
		}
		if len(missing) > 0 {
			errValidation(w, "Metadata ids "+strings.Join(missing, ",")+" are not a part of your load balancer")
			return
		}
		var keep []metaItem
		for _, m := range l.Metadata {
			if !del[m.ID] {
				keep = append(keep, m)
			}
		}
		l.Metadata = keep
		s.saveLocked()
		w.WriteHeader(http.StatusAccepted)
	default:
		errMethod(w)
	}
}

func (s *Simulator) serveVirtualIPs(w http.ResponseWriter, r *http.Request, tenant string, id int, rest []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lookupLocked(w, tenant, id)
	if l == nil {
		return
	}
	if len(rest) == 0 && r.Method == http.MethodGet {
		writeJSON(w, 200, map[string]any{"virtualIps": l.vipsJSON()})
		return
	}
	if len(rest) == 1 && r.Method == http.MethodDelete {
		vid, _ := strconv.Atoi(rest[0])
		idx := -1
		for i, v := range l.VIPs {
			if v.ID == vid {
				idx = i
			}
		}
		if idx < 0 {
			errFlat(w, http.StatusNotFound, "Virtual ip not found")
			return
		}
		if len(l.VIPs) == 1 {
			errValidation(w, "Cannot delete the last virtual ip of a load balancer.")
			return
		}
		if !s.mutableLocked(w, l) {
			return
		}
		l.VIPs = append(l.VIPs[:idx:idx], l.VIPs[idx+1:]...)
		s.changedLocked(l)
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if len(rest) > 1 {
		errResourceNotFound(w)
		return
	}
	errMethod(w)
}

func (s *Simulator) serveStats(w http.ResponseWriter, r *http.Request, tenant string, id int, rest []string) {
	if len(rest) != 0 {
		errResourceNotFound(w)
		return
	}
	if r.Method != http.MethodGet {
		errMethod(w)
		return
	}
	s.mu.Lock()
	l := s.lookupLocked(w, tenant, id)
	var f *forwarder
	if l != nil {
		f = l.fwd
	}
	s.mu.Unlock()
	if l == nil {
		return
	}
	var st Stats
	if f != nil {
		st = f.stats()
	}
	writeJSON(w, 200, map[string]any{
		"connectTimeOut":       st.ConnectTimeOut,
		"connectError":         st.ConnectError,
		"connectFailure":       st.ConnectFailure,
		"dataTimedOut":         st.DataTimedOut,
		"keepAliveTimedOut":    0,
		"maxConn":              st.MaxConn,
		"currentConn":          st.CurrentConn,
		"connectTimeOutSsl":    0,
		"connectErrorSsl":      0,
		"connectFailureSsl":    0,
		"dataTimedOutSsl":      0,
		"keepAliveTimedOutSsl": 0,
		"maxConnSsl":           0,
		"currentConnSsl":       0,
	})
}

// serveSetting serves the single-object sub-resources of a load balancer.
func (s *Simulator) serveSetting(w http.ResponseWriter, r *http.Request, tenant string, id int, name string) {
	var (
		enabled struct {
			ConnectionLogging *enabledReq `json:"connectionLogging"`
			ContentCaching    *enabledReq `json:"contentCaching"`
		}
		sp struct {
			SessionPersistence *spReq `json:"sessionPersistence"`
		}
		hm struct {
			HealthMonitor *HealthMonitor `json:"healthMonitor"`
		}
		ct struct {
			ConnectionThrottle *throttle `json:"connectionThrottle"`
		}
	)
	if r.Method == http.MethodPut {
		var target any
		switch name {
		case "connectionlogging", "contentcaching":
			target = &enabled
		case "sessionpersistence":
			target = &sp
		case "healthmonitor":
			target = &hm
		case "connectionthrottle":
			target = &ct
		default:
			errMethod(w)
			return
		}
		if err := decodeStrict(r, target); err != nil {
			errSchema(w)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lookupLocked(w, tenant, id)
	if l == nil {
		return
	}
	switch r.Method {
	case http.MethodGet:
		switch name {
		case "connectionlogging":
			writeJSON(w, 200, map[string]any{"connectionLogging": map[string]bool{"enabled": l.ConnectionLogging}})
		case "contentcaching":
			writeJSON(w, 200, map[string]any{"contentCaching": map[string]bool{"enabled": l.ContentCaching}})
		case "sessionpersistence":
			v := map[string]string{}
			if l.SessionPersistence != "" {
				v["persistenceType"] = l.SessionPersistence
			}
			writeJSON(w, 200, map[string]any{"sessionPersistence": v})
		case "healthmonitor":
			var v any = map[string]any{}
			if l.HealthMonitor != nil {
				v = *l.HealthMonitor
			}
			writeJSON(w, 200, map[string]any{"healthMonitor": v})
		case "connectionthrottle":
			var v any = map[string]any{}
			if l.ConnectionThrottle != nil {
				v = *l.ConnectionThrottle
			}
			writeJSON(w, 200, map[string]any{"connectionThrottle": v})
		case "accesslist":
			v := l.AccessList
			if v == nil {
				v = []accessItem{}
			}
			writeJSON(w, 200, map[string]any{"accessList": v})
		}
	case http.MethodPut:
		var msgs []string
		switch name {
		case "connectionlogging":
			if enabled.ConnectionLogging == nil || enabled.ConnectionLogging.Enabled == nil {
				msgs = append(msgs, "Must provide a value for enabled.")
			}
		case "contentcaching":
			if enabled.ContentCaching == nil || enabled.ContentCaching.Enabled == nil {
				msgs = append(msgs, "Must provide a value for enabled.")
			}
		case "sessionpersistence":
			if sp.SessionPersistence == nil {
				msgs = append(msgs, "Must provide a persistenceType.")
			} else {
				msgs = append(msgs, validPersistence(sp.SessionPersistence.PersistenceType)...)
			}
		case "healthmonitor":
			if hm.HealthMonitor == nil {
				msgs = append(msgs, "Must provide a health monitor.")
			} else {
				msgs = append(msgs, validHealthMonitor(hm.HealthMonitor)...)
			}
		case "connectionthrottle":
			if ct.ConnectionThrottle == nil {
				msgs = append(msgs, "Must provide a connection throttle.")
			}
		}
		if len(msgs) > 0 {
			errValidation(w, msgs...)
			return
		}
		if !s.mutableLocked(w, l) {
			return
		}
		switch name {
		case "connectionlogging":
			l.ConnectionLogging = *enabled.ConnectionLogging.Enabled
		case "contentcaching":
			l.ContentCaching = *enabled.ContentCaching.Enabled
		case "sessionpersistence":
			l.SessionPersistence = *sp.SessionPersistence.PersistenceType
		case "healthmonitor":
			v := *hm.HealthMonitor
			l.HealthMonitor = &v
			s.startMonitorLocked(l)
		case "connectionthrottle":
			l.ConnectionThrottle = ct.ConnectionThrottle
		}
		s.changedLocked(l)
		w.WriteHeader(http.StatusAccepted)
	case http.MethodDelete:
		switch name {
		case "sessionpersistence":
			if l.SessionPersistence == "" {
				errFlat(w, http.StatusUnprocessableEntity, "Session persistence is not enabled for this load balancer.")
				return
			}
		case "healthmonitor", "connectionthrottle":
		default:
			errMethod(w)
			return
		}
		if !s.mutableLocked(w, l) {
			return
		}
		switch name {
		case "sessionpersistence":
			l.SessionPersistence = ""
		case "healthmonitor":
			l.HealthMonitor = nil
			s.stopMonitorLocked(l)
			for _, n := range l.Nodes {
				s.setNodeStatusLocked(l, n, NodeOnline)
			}
		case "connectionthrottle":
			l.ConnectionThrottle = nil
		}
		s.changedLocked(l)
		w.WriteHeader(http.StatusAccepted)
	default:
		errMethod(w)
	}
}
