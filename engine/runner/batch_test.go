package runner

import (
	"fmt"
	"slices"
	"testing"

	"github.com/goplay/goplay/engine/playbook"
	"github.com/goplay/goplay/engine/template"
)

// The expected sizes below were produced by ansible-core 2.14.18 itself:
// PlaybookExecutor._get_serialized_batches called with a stub inventory of
// n hosts (see the script in the comment at the end of this file). Ansible's
// rules, for reference:
//   - no serial: one batch of every host;
//   - an int (or a numeric string) is int(value); a size <= 0 takes all the
//     hosts that are left;
//   - "N%" is int(N/100 * total hosts of the play) or 1 (so never 0),
//     truncating, computed from the play's total, not from what is left;
//   - a list gives the batch sizes in turn and its last element repeats;
//   - a size larger than what is left takes what is left.
func TestSerialBatches(t *testing.T) {
	cases := []struct {
		serial []any
		hosts  int
		want   []int
	}{
		// no serial
		{nil, 5, []int{5}},
		{[]any{}, 1, []int{1}},
		// ints
		{[]any{1}, 5, []int{1, 1, 1, 1, 1}},
		{[]any{2}, 5, []int{2, 2, 1}},
		{[]any{3}, 4, []int{3, 1}},
		{[]any{5}, 3, []int{3}},
		{[]any{0}, 4, []int{4}},
		{[]any{-1}, 4, []int{4}},
		// floats are truncated by int()
		{[]any{1.9}, 5, []int{1, 1, 1, 1, 1}},
		// numeric strings
		{[]any{"3"}, 5, []int{3, 2}},
		{[]any{" 2 "}, 5, []int{2, 2, 1}},
		// percentages: truncation and `or 1`
		{[]any{"50%"}, 4, []int{2, 2}},
		{[]any{"50%"}, 5, []int{2, 2, 1}},
		{[]any{"30%"}, 4, []int{1, 1, 1, 1}},
		{[]any{"10%"}, 5, []int{1, 1, 1, 1, 1}},
		{[]any{"0%"}, 3, []int{1, 1, 1}},
		{[]any{"100%"}, 3, []int{3}},
		{[]any{"150%"}, 4, []int{4}},
		{[]any{"99%"}, 5, []int{4, 1}},
		{[]any{"33%"}, 10, []int{3, 3, 3, 1}},
		{[]any{"25%"}, 7, []int{1, 1, 1, 1, 1, 1, 1}},
		{[]any{"-50%"}, 4, []int{4}},
		// lists: in turn, the last element repeats
		{[]any{1, 2}, 4, []int{1, 2, 1}},
		{[]any{1, 2}, 6, []int{1, 2, 2, 1}},
		{[]any{1, "40%"}, 5, []int{1, 2, 2}},
		{[]any{"30%", 3}, 4, []int{1, 3}},
		{[]any{10, 1}, 5, []int{5}},
		{[]any{1, 2, 3}, 10, []int{1, 2, 3, 3, 1}},
		{[]any{2, 0}, 6, []int{2, 4}},
		{[]any{1, -1}, 5, []int{1, 4}},
		{[]any{1, 1, 5}, 3, []int{1, 1, 1}},
		{[]any{3, 1}, 3, []int{3}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v/%d", c.serial, c.hosts), func(t *testing.T) {
			got := serialBatches(c.serial, c.hosts, nil)
			if !slices.Equal(got, c.want) {
				t.Errorf("serialBatches(%#v, %d) = %v, Ansible gives %v", c.serial, c.hosts, got, c.want)
			}
			if b := BatchSizes(c.serial, c.hosts); !slices.Equal(b, c.want) {
				t.Errorf("BatchSizes(%#v, %d) = %v, Ansible gives %v", c.serial, c.hosts, b, c.want)
			}
			sum := 0
			for _, n := range got {
				if n <= 0 {
					t.Errorf("batch of size %d in %v", n, got)
				}
				sum += n
			}
			if sum != c.hosts {
				t.Errorf("batches %v cover %d hosts, want %d", got, sum, c.hosts)
			}
		})
	}
}

// With no hosts there is no batch at all (Ansible's while loop never runs),
// whatever serial says.
func TestSerialBatchesNoHosts(t *testing.T) {
	for _, s := range [][]any{nil, {1}, {"50%"}, {1, 2}, {0}} {
		if got := serialBatches(s, 0, nil); len(got) != 0 {
			t.Errorf("serialBatches(%#v, 0) = %v, want no batch", s, got)
		}
	}
}

// serial is templated with the play's variables, extra vars included,
// before the batches are cut (PlaybookExecutor.run calls
// play.post_validate(templar) first). Recorded with ansible-playbook over 5
// hosts: vars {bs: 2} + serial "{{ bs }}" gives 2,2,1 (compat case
// 82-serial-more-forms); the same with -e bs=3 gives 3,2; vars
// {lst: [1, "40%"]} + serial "{{ lst }}" gives 1,2,2.
func TestSerialBatchesTemplated(t *testing.T) {
	cases := []struct {
		serial []any
		vars   map[string]any
		extra  map[string]any
		want   []int
	}{
		{[]any{"{{ bs }}"}, map[string]any{"bs": 2}, nil, []int{2, 2, 1}},
		{[]any{"{{ bs }}"}, map[string]any{"bs": 2}, map[string]any{"bs": "3"}, []int{3, 2}},
		{[]any{1, "{{ pct }}"}, map[string]any{"pct": "40%"}, nil, []int{1, 2, 2}},
		{[]any{"{{ lst }}"}, map[string]any{"lst": []any{1, "40%"}}, nil, []int{1, 2, 2}},
	}
	for _, c := range cases {
		r := &Runner{tpl: template.New(template.Options{}), opt: Options{ExtraVars: c.extra}}
		play := &playbook.Play{Serial: c.serial}
		play.Vars = c.vars
		got := serialBatches(r.renderSerial(play), 5, nil)
		if !slices.Equal(got, c.want) {
			t.Errorf("serial %#v with vars %v, extra vars %v: batches %v, Ansible gives %v", c.serial, c.vars, c.extra, got, c.want)
		}
	}
}

/* The expected values were printed by this script, run with /usr/bin/python3
   (ansible-core 2.14.18):

from ansible.executor.playbook_executor import PlaybookExecutor
class Inv:
    def __init__(s, n): s.n = n
    def get_hosts(s, pattern, order=None): return ['h%d' % i for i in range(s.n)]
class Play:
    def __init__(s, serial): s.serial = serial; s.hosts = 'all'; s.order = None
class PE: pass
for serial, n in [([2], 5), (["50%"], 5), ([1, "40%"], 5)]:  # ... every case above
    pe = PE(); pe._inventory = Inv(n)
    print(serial, n, [len(b) for b in PlaybookExecutor._get_serialized_batches(pe, Play(serial))])

   Not covered here because goplay has no error path in serialBatches:
   Ansible raises ValueError (a fatal error) for a non-integer percentage
   such as "12.5%" or a non-numeric string such as "abc".
*/
