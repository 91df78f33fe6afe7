package builtin

import (
	"context"
	"strings"

	"github.com/goplay/goplay/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:      "group_by",
		Aliases:   []string{"ansible.builtin.group_by"},
		New:       func() modules.Module { return new(GroupBy) },
		CheckMode: true,
		RawParams: true,
		Local:     true,
		Short:     "Create Ansible groups based on facts",
	})
}

// GroupBy puts the current host into a group named by key, as
// ansible.builtin.group_by does. It runs for every host (it does not bypass
// the host loop); spaces in group names become dashes.
type GroupBy struct {
	Key     any            `arg:"key" doc:"The group to put the host in."`
	Parents any            `arg:"parents" doc:"Parent group(s) of the new group; default all. A string is one group."`
	Other   map[string]any `arg:"_other,remain"`
}

// Run returns add_group and parent_groups and a GroupBy effect.
func (g *GroupBy) Run(ctx context.Context, req *modules.Request) (*modules.Result, error) {
	if r := invalidOptions("group_by", g.Other); r != nil {
		return r, nil
	}
	if !has(req, "key") {
		return &modules.Result{Failed: true, Msg: "the 'key' param is required when using group_by"}, nil
	}
	group := strings.ReplaceAll(modules.ToString(g.Key), " ", "-")
	var parents []string
	switch p := g.Parents.(type) {
	case nil:
		if has(req, "parents") {
			parents = []string{"None"}
		} else {
			parents = []string{"all"}
		}
	case string:
		parents = []string{p}
	case []any:
		for _, x := range p {
			parents = append(parents, modules.ToString(x))
		}
	case []string:
		parents = append(parents, p...)
	default:
		parents = []string{modules.ToString(p)}
	}
	out := make([]any, len(parents))
	for i, p := range parents {
		parents[i] = strings.ReplaceAll(p, " ", "-")
		out[i] = parents[i]
	}
	return &modules.Result{
		Data:    map[string]any{"add_group": group, "parent_groups": out},
		Effects: []modules.Effect{modules.GroupBy{Groups: []string{group}, Parents: parents}},
	}, nil
}

var _ modules.Module = (*GroupBy)(nil)
