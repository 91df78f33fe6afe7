package runner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/pyfmt"
)

// List prints what ansible-playbook prints for --list-hosts, --list-tasks
// and --list-tags, without running anything.
func (r *Runner) List(pb *playbook.Playbook, file string, hosts, tasks, tags bool) int {
	r.pb = pb
	// PlaybookExecutor resolves every play's hosts (and warns) first.
	playHosts := make([][]string, len(pb.Plays))
	for i, play := range pb.Plays {
		_ = r.varsPrompt(play, false)
		hs, err := r.playHosts(play)
		if err != nil {
			r.d.Error(err.Error())
			return 1
		}
		playHosts[i] = hs
	}
	r.d.Print("\nplaybook: "+file, "")
	for i, play := range pb.Plays {
		pattern := make([]any, len(play.Hosts))
		for j, h := range play.Hosts {
			pattern[j] = h
		}
		msg := fmt.Sprintf("\n  play #%d (%s): %s", i+1, strings.Join(play.Hosts, ","), play.Name)
		msg += "\tTAGS: [" + strings.Join(uniq(play.Tags), ",") + "]"
		if hosts {
			hs := playHosts[i]
			msg += fmt.Sprintf("\n    pattern: %s\n    hosts (%d):", pyfmt.Repr(pattern), len(hs))
			for _, h := range hs {
				msg += "\n      " + h
			}
		}
		r.d.Print(msg, "")
		if !tasks && !tags {
			continue
		}
		var b strings.Builder
		if tasks {
			b.WriteString("    tasks:\n")
		}
		all := map[string]bool{}
		for _, t := range play.Tags {
			all[t] = true
		}
		var walk func(list []*playbook.Task)
		walk = func(list []*playbook.Task) {
			for _, t := range list {
				if t.IsBlock {
					walk(t.Block)
					continue
				}
				own := allTags(t)
				if !tagsMatch(own, r.opt.Tags, r.opt.SkipTags) {
					continue
				}
				for _, tg := range own {
					all[tg] = true
				}
				if tasks {
					cur := sortedSet(append(append([]string(nil), own...), play.Tags...))
					name := t.Action
					if t.HasName {
						name = t.DisplayName()
						if t.Role != nil {
							name = t.Role.Name + " : " + name
						}
					}
					fmt.Fprintf(&b, "      %s\tTAGS: [%s]\n", name, strings.Join(cur, ", "))
				}
			}
		}
		var roleBlocks []*playbook.Task
		for _, role := range play.Roles {
			roleBlocks = append(roleBlocks, playbook.RoleBlock(role, nil, play))
		}
		for _, sec := range [][]*playbook.Task{play.PreTasks, roleBlocks, play.Tasks, play.PostTasks} {
			walk(sec)
		}
		if tags {
			keys := make([]string, 0, len(all))
			for k := range all {
				keys = append(keys, k)
			}
			fmt.Fprintf(&b, "      TASK TAGS: [%s]\n", strings.Join(sortedSet(keys), ", "))
		}
		r.d.Print(b.String(), "")
	}
	return 0
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func sortedSet(ss []string) []string {
	out := uniq(ss)
	sort.Strings(out)
	return out
}
