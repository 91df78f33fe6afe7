package output

import "testing"

// Expected texts printed by ansible-playbook 2.14 --diff for copy and
// lineinfile (CallbackBase._get_diff).
func TestFormatDiff(t *testing.T) {
	cases := []struct {
		diff any
		want string
	}{
		{map[string]any{"before": "", "after": "a\nb\nc\n", "after_header": "/tmp/x"},
			"--- before\n+++ after: /tmp/x\n@@ -0,0 +1,3 @@\n+a\n+b\n+c\n\n"},
		{[]any{map[string]any{"before": "a\nb\nc\n", "after": "a\nB\nc\nd", "before_header": "/tmp/lt/df.txt", "after_header": "/tmp/y"}},
			"--- before: /tmp/lt/df.txt\n+++ after: /tmp/y\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n\\ No newline at end of file\n\n"},
		{map[string]any{"before": "a\nB\nc\nd", "after": "a\nB\nc\nd\nzzz\n", "before_header": "/tmp/lt/df.txt (content)", "after_header": "/tmp/lt/df.txt (content)"},
			"--- before: /tmp/lt/df.txt (content)\n+++ after: /tmp/lt/df.txt (content)\n@@ -1,4 +1,5 @@\n a\n B\n c\n-d\n\\ No newline at end of file\n+d\n+zzz\n\n"},
		{map[string]any{"before": "same\n", "after": "same\n"}, ""},
		{map[string]any{"dst_binary": 1}, "diff skipped: destination file appears to be binary\n"},
	}
	for i, c := range cases {
		if got := FormatDiff(c.diff, false); got != c.want {
			t.Errorf("%d: got\n%q\nwant\n%q", i, got, c.want)
		}
	}
}
