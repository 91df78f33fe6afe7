package template

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// The expected values below come from the reference implementations:
// Python 3.11's crypt (glibc), random.Random, math.pow, hash(), and
// ansible-playbook 2.14 for the rendered templates.

func TestShaMd5Crypt(t *testing.T) {
	cases := []struct{ got, want string }{
		{"$5$saltstring$" + shaCrypt([]byte("Hello world!"), []byte("saltstring"), 5000, false),
			"$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"},
		{"$5$rounds=10000$saltstringsaltst$" + shaCrypt([]byte("Hello world!"), []byte("saltstringsaltst"), 10000, false),
			"$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA"},
		{"$6$saltstring$" + shaCrypt([]byte("Hello world!"), []byte("saltstring"), 5000, true),
			"$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"},
		{"$6$rounds=10000$saltstringsaltst$" + shaCrypt([]byte("Hello world!"), []byte("saltstringsaltst"), 10000, true),
			"$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v."},
		{"$1$saltsalt$" + md5Crypt([]byte("password"), []byte("saltsalt")), "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %s\nwant %s", c.got, c.want)
		}
	}
}

func TestPyRandom(t *testing.T) {
	cases := []struct {
		seed      any
		words     []uint64
		bits48    uint64
		below1000 uint64
	}{
		{42, []uint64{2746317213, 478163327, 107420369}, 77415675478267, 250},
		{"abc", []uint64{3315820543, 4246262336, 2397318194}, 199713660852872, 939},
		{0, []uint64{3626764237, 1654615998, 3255389356}, 118381712180866, 41},
		{1 << 40, []uint64{445128065, 1517081360, 2880015531}, 120091862592504, 49},
		{1.5, []uint64{2369807148, 3534653101, 1099911448}, 164192929455171, 459},
	}
	for _, c := range cases {
		r, err := newPyRandom(c.seed)
		if err != "" {
			t.Fatal(err)
		}
		for i, w := range c.words {
			if got := r.getrandbits(32); got != w {
				t.Errorf("seed %v: word %d = %d, want %d", c.seed, i, got, w)
			}
		}
		if got := r.getrandbits(48); got != c.bits48 {
			t.Errorf("seed %v: getrandbits(48) = %d, want %d", c.seed, got, c.bits48)
		}
		if got := r.randbelow(1000); got != c.below1000 {
			t.Errorf("seed %v: randrange(1000) = %d, want %d", c.seed, got, c.below1000)
		}
	}
	for x, want := range map[float64]int64{0.1: 230584300921369408, -2.5: -1152921504606846978, 1e300: 1224995262755759164} {
		if got := pyHashFloat(x); got != want {
			t.Errorf("hash(%v) = %d, want %d", x, got, want)
		}
	}
}

func TestPyPow(t *testing.T) {
	cases := []struct{ x, y, want float64 }{
		{27, 1.0 / 3, 3.0}, {1000, 1.0 / 3, 9.999999999999998}, {2, 1.0 / 3, 1.2599210498948732},
		{10, 0.2, 1.5848931924611136}, {1.1, 10, 2.5937424601000023}, {7, 1.0 / 3, 1.912931182772389},
		{123.456, 2.5, 169348.16848325965}, {5, -0.75, 0.2990697562442441}, {-2, 3, -8},
	}
	for _, c := range cases {
		got, err := pyPow(c.x, c.y)
		if err != "" || got != c.want {
			t.Errorf("pow(%v, %v) = %v %q, want %v", c.x, c.y, got, err, c.want)
		}
	}
	for _, c := range [][2]float64{{-8, 1.0 / 3}, {0, -1}} {
		if _, err := pyPow(c[0], c[1]); err != "math domain error" {
			t.Errorf("pow(%v, %v): error %q", c[0], c[1], err)
		}
	}
	if _, err := pyPow(10, 400); err != "math range error" {
		t.Errorf("pow(10, 400): error %q", err)
	}
	if math.Pow(27, 1.0/3) == 3 {
		t.Log("note: Go's math.Pow(27, 1/3) is exact on this platform")
	}
}

func TestDateTimeHelpers(t *testing.T) {
	tm, err := pyStrptime("03:04 PM, Feb 29 2024", "%I:%M %p, %b %d %Y")
	if err != "" || !tm.Equal(time.Date(2024, 2, 29, 15, 4, 0, 0, time.UTC)) {
		t.Errorf("strptime: %v %q", tm, err)
	}
	for _, c := range []struct{ s, f, err string }{
		{"bad", "%Y-%m-%d %H:%M:%S", "time data 'bad' does not match format '%Y-%m-%d %H:%M:%S'"},
		{"2024-01-02 03:04:05 extra", "%Y-%m-%d %H:%M:%S", "unconverted data remains:  extra"},
		{"2024-02-30", "%Y-%m-%d", "day is out of range for month"},
	} {
		if _, err := pyStrptime(c.s, c.f); err != c.err {
			t.Errorf("strptime(%q, %q): error %q, want %q", c.s, c.f, err, c.err)
		}
	}
	u := time.Unix(1700000000, 0).UTC()
	got := pyStrftime(u, "%a %A %b %B %d %j %y %p %I %M %U %W %w %e %Z %z %%", "GMT", true)
	if want := "Tue Tuesday Nov November 14 318 23 PM 10 13 46 46 2 14 GMT +0000 %"; got != want {
		t.Errorf("strftime: %q, want %q", got, want)
	}
	d := &TimeDelta{US: -(27*3600 + 4*60 + 5) * 1e6}
	if d.pyStr() != "-2 days, 20:55:55" || d.pyRepr() != "datetime.timedelta(days=-2, seconds=75355)" {
		t.Errorf("timedelta: %s %s", d.pyStr(), d.pyRepr())
	}
}

// TestExtraRender renders through the templar (values seen in
// ansible-playbook's output).
func TestExtraRender(t *testing.T) {
	tp := New(Options{})
	cases := map[string]string{
		"{{ 'secret' | password_hash('sha512', 'mysalt') }}":                                        "$6$rounds=656000$mysalt$cDA0t8lm/qt.LT6DzpoHxJ.NwTpx.WTkOPwhseSva8pRixDSH2./ffedCjAMbTX1Uo1QNT7jJPJ6FIzU2i59K/",
		"{{ 'secret' | password_hash('sha256', 'mysalt') }}":                                        "$5$rounds=535000$mysalt$GnEktJhWXRuwViyPsEWK9s63HYW1GqXFqU5SdKDqol6",
		"{{ 'secret' | password_hash('blowfish', '1234567890123456789012') }}":                      "$2b$12$123456789012345678901uO/yptqYYqXPYviqOvezm2C7cYzKwtUq",
		"{{ 'secret' | password_hash('blowfish', 'abcdefghijklmnopqrstuv', rounds=5, ident='2') }}": "$2$05$abcdefghijklmnopqrstuuJyGr0Q1dyir1q0W/vhDdxA1kZPsPRty",
		"{{ ('x' * 80) | password_hash('blowfish', 'abcdefghijklmnopqrstuv', rounds=4) }}":          "$2b$04$abcdefghijklmnopqrstuubzadhGtS2zEF.gu0yd0opP6cVzb.e0i",
		"{{ 'secret' | password_hash('md5', 'mysalt') }}":                                           "$1$mysalt$n/EfEiV74OYgBdqhKQzSW/",
		"{{ 'secret' | password_hash('sha512', 'mysalt', rounds=5000) }}":                           "$6$mysalt$UX6P1VKOf6dr0s2pg4pLNvIUB6hLXvP6M5f/Yj9hJgMPdAJ4oArvk5YUD9/XWtk1JOpVwt/JTsczMJr8sFVML1",
		"{{ ('2024-01-01 00:00:00' | to_datetime - '2024-01-02 03:04:05' | to_datetime) }}":         "-2 days, 20:55:55",
		"{{ ['2024-01-02 03:04:05' | to_datetime] }}":                                               "[datetime.datetime(2024, 1, 2, 3, 4, 5)]",
		"{{ 'http://u:p@h:8/p?q=1#f' | urlsplit('hostname') }}":                                     "h",
		"{{ [1,2,3] | permutations(2) | list | length }}":                                           "6",
		"{{ 'abc' | to_uuid }}":                                             "27dc713b-d72c-5825-88f3-9f240e739319",
		"{{ 'text' | comment }}":                                            "#\n# text\n#",
		"{{ 123456789012 | human_readable }}":                               "114.98 GB",
		"{{ '1.5K' | human_to_bytes }}":                                     "1536",
		"{{ '/a/b' | relpath('/a/c/d') }}":                                  "../../b",
		"{{ 27 | root(3) }}":                                                "3.0",
		"{{ lookup('sequence', '0x0a-0x10/3:%x') }}":                        "a,d,10",
		"{{ query('sequence', 'start=10 count=3 stride=-1') | join(',') }}": "10,9,8,7,6",
		"{{ lookup('nested', [[1,2],[3]], ['x']) | string }}":               "[[1, 2, 'x'], [3, 'x']]",
		"{{ [1,2,3,4,5,6,7,8,9,10] | shuffle(seed=42) | join(',') }}":       "8,4,3,9,6,7,10,5,1,2",
		"{{ (2**40) | random(seed='big') }}":                                "247717398425",
	}
	for in, want := range cases {
		got, err := tp.RenderString(in, nil)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if got != want {
			t.Errorf("%s:\n got %q\nwant %q", in, got, want)
		}
	}
	_, err := tp.RenderString("{{ query('sequence', 'start=0600 end=0602') }}", nil)
	if err == nil || !strings.Contains(err.Error(), "can't parse start=0600 as integer") {
		t.Errorf("sequence with a leading zero: %v", err)
	}
}

// TestLookupItems checks the entry point for with_sequence, with_nested and
// with_lines (items as ansible-playbook loops over them).
func TestLookupItems(t *testing.T) {
	got, err := LookupItems("sequence", []any{"start=10 count=3 stride=-1"}, "")
	if err != nil || fmt.Sprint(got) != "[10 9 8 7 6]" {
		t.Errorf("sequence: %v %v", got, err)
	}
	if _, err := LookupItems("sequence", []any{"start=0600 end=0601"}, ""); err == nil || err.Error() != "can't parse start=0600 as integer" {
		t.Errorf("sequence error: %v", err)
	}
	got, err = LookupItems("nested", []any{[]any{[]any{1, 2}, []any{3}}, []any{"x"}}, "")
	if err != nil || fmt.Sprint(got) != "[[1 2 x] [3 x]]" {
		t.Errorf("nested: %v %v", got, err)
	}
	got, err = LookupItems("lines", []any{"printf 'a\\nb'"}, "")
	if err != nil || fmt.Sprint(got) != "[a b]" {
		t.Errorf("lines: %v %v", got, err)
	}
	if _, err := LookupItems("lines", []any{"exit 3"}, ""); err == nil || err.Error() != "lookup_plugin.lines(exit 3) returned 3" {
		t.Errorf("lines error: %v", err)
	}
}
