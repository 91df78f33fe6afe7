package kv

import (
	"strings"
	"unicode/utf8"

	"github.com/goplay/goplay/engine/pyfmt"
)

// Pair is one key=value argument.
type Pair struct{ Key, Value string }

// ParseError wraps the error of SplitArgs in ParseKV where Ansible wraps it
// in AnsibleParserError("Unable to parse argument string", orig_exc=...).
type ParseError struct {
	Msg string
	Err error
}

func (e *ParseError) Error() string { return e.Msg + ". " + e.Err.Error() }
func (e *ParseError) Unwrap() error { return e.Err }

// rawKeys are the k=v options a free-form module (check_raw) still accepts.
var rawKeys = map[string]bool{
	"creates": true, "removes": true, "chdir": true, "executable": true,
	"warn": true, "stdin": true, "stdin_add_newline": true, "strip_empty_ends": true,
}

// IsQuoted is quoting.is_quoted: s is longer than one character, starts and
// ends with the same quote character (' or "), and the character before the
// closing quote is not a backslash.
func IsQuoted(s string) bool {
	n := len(s)
	return n > 1 && s[0] == s[n-1] && (s[0] == '"' || s[0] == '\'') && s[n-2] != '\\'
}

// Unquote is quoting.unquote: it removes one pair of matching outer quotes
// (see IsQuoted) and leaves every other string alone.
func Unquote(s string) string {
	if IsQuoted(s) {
		return s[1 : len(s)-1]
	}
	return s
}

// isPySpace is Python's str.isspace for one code point.
func isPySpace(r rune) bool {
	switch {
	case r >= '\t' && r <= '\r', r >= 0x1c && r <= 0x20, r == 0x85, r == 0xa0, r == 0x1680,
		r >= 0x2000 && r <= 0x200a, r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

// PyStrip is Python's str.strip() with no argument.
func PyStrip(s string) string {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if (r == utf8.RuneError && n == 1) || !isPySpace(r) {
			break
		}
		s = s[n:]
	}
	for len(s) > 0 {
		r, n := utf8.DecodeLastRuneInString(s)
		if (r == utf8.RuneError && n == 1) || !isPySpace(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

// ParseKV is parse_kv. It splits s with SplitArgs, decodes the escapes of
// each token (DecodeEscapes) and splits the token at its first '=' that is
// not at index 0 and not preceded by a backslash: the key is the stripped
// left side, the value the stripped and unquoted right side.
//
// pairs are returned in order of first appearance; a repeated key keeps its
// first position and takes the last value (a Python dict). Tokens without
// a usable '=' are free-form words: they are returned joined by JoinArgs in
// raw (hasRaw reports whether there were any; raw is then non-empty). A
// free-form word is the original, undecoded token, except a token whose
// only '=' are escaped, which is decoded with `\=` turned into '='.
//
// checkRaw is set for free-form modules (command, shell, raw, script...):
// only the keys creates, removes, chdir, executable, warn, stdin,
// stdin_add_newline and strip_empty_ends become pairs, every other k=v
// token stays in raw.
//
// Ansible stores raw as options["_raw_params"] after the pairs; if a pair
// with the key "_raw_params" was given explicitly it is returned in pairs
// and Ansible would overwrite its value with raw (ParseKVMap does that).
//
// Errors: *SplitError (unbalanced quotes or Jinja2 block), *ParseError
// (wrapping ErrIndex), *DecodeError (a bad \U or \N{} escape).
func ParseKV(s string, checkRaw bool) (pairs []Pair, raw string, hasRaw bool, err error) {
	tokens, err := SplitArgs(s)
	if err != nil {
		if err == ErrIndex {
			err = &ParseError{Msg: "Unable to parse argument string", Err: err}
		}
		return nil, "", false, err
	}
	var rawParams []string
	var index map[string]int
	for _, orig := range tokens {
		x, err := DecodeEscapes(orig)
		if err != nil {
			return nil, "", false, err
		}
		if !strings.Contains(x, "=") {
			rawParams = append(rawParams, orig)
			continue
		}
		pos := -1
		for p := 1; p < len(x); p++ {
			if x[p] == '=' && x[p-1] != '\\' {
				pos = p
				break
			}
		}
		if pos < 0 {
			rawParams = append(rawParams, strings.ReplaceAll(x, `\=`, "="))
			continue
		}
		k, v := x[:pos], x[pos+1:]
		if checkRaw && !rawKeys[k] {
			rawParams = append(rawParams, orig)
			continue
		}
		key := PyStrip(k)
		val := Unquote(PyStrip(v))
		if i, ok := index[key]; ok {
			pairs[i].Value = val
			continue
		}
		if index == nil {
			index = make(map[string]int)
		}
		index[key] = len(pairs)
		pairs = append(pairs, Pair{Key: key, Value: val})
	}
	if len(rawParams) > 0 {
		return pairs, JoinArgs(rawParams), true, nil
	}
	return pairs, "", false, nil
}

// ParseKVMap returns exactly the dict parse_kv returns, in Python's key
// order, with string values; free-form words are under "_raw_params".
func ParseKVMap(s string, checkRaw bool) (*pyfmt.OrderedMap, error) {
	pairs, raw, hasRaw, err := ParseKV(s, checkRaw)
	if err != nil {
		return nil, err
	}
	m := pyfmt.NewOrderedMap(len(pairs) + 1)
	for _, p := range pairs {
		m.Set(p.Key, p.Value)
	}
	if hasRaw {
		m.Set("_raw_params", raw)
	}
	return m, nil
}
