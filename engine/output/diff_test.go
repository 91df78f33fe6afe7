package output

import (
	"strings"
	"testing"
)

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

// TestColorWarningNoBlankLine: a coloured message that ends in a newline
// (a warning) is coloured without it, as Display.display does, so no empty
// coloured line follows it.
func TestColorWarningNoBlankLine(t *testing.T) {
	var out, errb strings.Builder
	d := NewDisplay(&out, &errb)
	d.Color = true
	d.Warning("one")
	d.Warning("two")
	want := "\x1b[1;35m[WARNING]: one\x1b[0m\n\x1b[1;35m[WARNING]: two\x1b[0m\n"
	if errb.String() != want {
		t.Errorf("got %q, want %q", errb.String(), want)
	}
}
