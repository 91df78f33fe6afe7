package all

import (
	"context"
	"strings"

	"github.com/goplay/goplay/modules"
)

// Fallback registrations for core actions, used only while modules/builtin
// does not provide them yet (builtin's init runs first, so its versions win).
func init() {
	reg := func(info modules.Info) {
		if _, ok := modules.Lookup(info.Name); !ok {
			info.Aliases = []string{"ansible.builtin." + info.Name}
			modules.Register(info)
		}
	}
	reg(modules.Info{Name: "debug", Local: true, CheckMode: true, New: func() modules.Module { return &debugMod{} }})
	reg(modules.Info{Name: "fail", Local: true, CheckMode: true, New: func() modules.Module { return &failMod{} }})
	reg(modules.Info{Name: "set_fact", Local: true, CheckMode: true, RawParams: true, New: func() modules.Module { return &setFactMod{} }})
	reg(modules.Info{Name: "add_host", Local: true, CheckMode: true, RawParams: true, BypassHostLoop: true, New: func() modules.Module { return &addHostMod{} }})
	reg(modules.Info{Name: "meta", Local: true, CheckMode: true, RawParams: true, New: func() modules.Module { return &metaMod{} }})
}

type debugMod struct {
	Msg       any    `arg:"msg"`
	Var       string `arg:"var"`
	Verbosity int    `arg:"verbosity"`
}

func (m *debugMod) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if m.Verbosity > req.Verbosity {
		return &modules.Result{Skipped: true, Data: map[string]any{"skipped_reason": "Verbosity threshold not met."}}, nil
	}
	if m.Msg != nil && m.Var != "" {
		return modules.Failf("'msg' and 'var' are incompatible options"), nil
	}
	data := map[string]any{"_ansible_verbose_always": true}
	if m.Var != "" {
		v, err := req.Template(m.Var)
		if err != nil {
			if req.Verbosity > 0 {
				data[m.Var] = "VARIABLE IS NOT DEFINED!: " + err.Error()
			} else {
				data[m.Var] = "VARIABLE IS NOT DEFINED!"
			}
		} else {
			data[m.Var] = v
		}
		return &modules.Result{Data: data}, nil
	}
	if m.Msg == nil {
		data["msg"] = "Hello world!"
	} else {
		data["msg"] = m.Msg
	}
	return &modules.Result{Data: data}, nil
}

type failMod struct {
	Msg any `arg:"msg"`
}

func (m *failMod) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	msg := any("Failed as requested from task")
	if m.Msg != nil {
		msg = m.Msg
	}
	return &modules.Result{Failed: true, Data: map[string]any{"msg": msg}}, nil
}

type setFactMod struct {
	Cacheable bool           `arg:"cacheable"`
	Facts     map[string]any `arg:",remain"`
}

func (m *setFactMod) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	facts := map[string]any{}
	_, kvForm := req.Args["_raw_params"]
	for k, v := range m.Facts {
		if k == "_raw_params" {
			continue
		}
		if s, ok := v.(string); ok && !kvForm {
			switch strings.ToLower(s) {
			case "true", "yes":
				v = true
			case "false", "no":
				v = false
			}
		}
		facts[k] = v
	}
	return &modules.Result{Data: map[string]any{"ansible_facts": facts}, Effects: []modules.Effect{modules.SetFacts{Facts: facts, Cacheable: m.Cacheable}}}, nil
}

type addHostMod struct {
	Args map[string]any `arg:",remain"`
}

func (m *addHostMod) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	a := m.Args
	name := ""
	for _, k := range []string{"name", "hostname", "host"} {
		if s, ok := a[k]; ok && s != nil {
			name = modules.ToString(s)
			break
		}
	}
	if name == "" {
		return modules.Failf("name, host or hostname needs to be provided"), nil
	}
	port := 0
	if i := strings.LastIndex(name, ":"); i > 0 && !strings.Contains(name[:i], ":") {
		if p, ok := modules.ToInt(name[i+1:]); ok {
			port = p
			name = name[:i]
		}
	}
	var groups []string
	for _, k := range []string{"groupname", "groups", "group"} {
		if g, ok := a[k]; ok && g != nil {
			switch x := g.(type) {
			case []any:
				for _, y := range x {
					groups = append(groups, modules.ToString(y))
				}
			default:
				for _, p := range strings.Split(modules.ToString(x), ",") {
					groups = append(groups, strings.TrimSpace(p))
				}
			}
			break
		}
	}
	vars := map[string]any{}
	for k, v := range a {
		switch k {
		case "name", "hostname", "groupname", "groups", "_raw_params":
			continue
		}
		vars[k] = v
	}
	if port > 0 {
		vars["ansible_ssh_port"] = port
	}
	g := make([]any, len(groups))
	for i, x := range groups {
		g[i] = x
	}
	return &modules.Result{
		Data:    map[string]any{"add_host": map[string]any{"host_name": name, "groups": g, "host_vars": vars}},
		Effects: []modules.Effect{modules.AddHost{Name: name, Port: port, Groups: groups, Vars: vars}},
	}, nil
}

type metaMod struct {
	Raw string `arg:"_raw_params"`
}

func (m *metaMod) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	return &modules.Result{Effects: []modules.Effect{modules.Meta{Action: m.Raw}}}, nil
}
