package template

import (
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// Token-stream rewrites. gonja's grammar lacks some Jinja2 syntax that
// Ansible playbooks use; rather than parsing it ourselves, the token stream
// gonja's lexer produced is rewritten into constructs gonja's parser
// accepts, which the evaluator maps back:
//
//   - an inline if nested inside brackets, arguments or a chain
//     (f(a if c else b), [x if c else y], a if c else b if d else e)
//     becomes a call __goplay_if__(c, a, b), evaluated lazily;
//   - keyword arguments of test calls (is version('1', 'lt', strict=True))
//     become (True)|__goplay_kwarg__('strict');
//   - adjacent string literals ('a' 'b') are merged, as Python does.

const (
	condFunc    = "__goplay_if__"
	kwargFilter = "__goplay_kwarg__"
)

func collectTokens(stream *tokens.Stream) []*tokens.Token {
	var toks []*tokens.Token
	for {
		t := stream.Current()
		toks = append(toks, t)
		if stream.End() {
			break
		}
		stream.Next()
	}
	return toks
}

func isOpen(t *tokens.Token) bool {
	switch t.Type {
	case tokens.LeftParenthesis, tokens.LeftBracket, tokens.LeftBrace:
		return true
	}
	return false
}

func isClose(t *tokens.Token) bool {
	switch t.Type {
	case tokens.RightParenthesis, tokens.RightBracket, tokens.RightBrace:
		return true
	}
	return false
}

func isName(t *tokens.Token, name string) bool {
	return t.Type == tokens.Name && t.Val == name
}

func synth(at *tokens.Token, tt tokens.Type, val string) *tokens.Token {
	return &tokens.Token{Type: tt, Val: val, Pos: at.Pos, Line: at.Line, Col: at.Col}
}

// rewriteTokens applies the rewrites; it reports whether anything changed.
// Chains of inline ifs longer than maxNesting are refused (Jinja2 fails on
// them too, by recursion).
func rewriteTokens(toks []*tokens.Token) ([]*tokens.Token, bool, error) {
	need := false
	inVar, depth := false, 0
	for i, t := range toks {
		switch t.Type {
		case tokens.VariableBegin:
			inVar, depth = true, 0
		case tokens.VariableEnd, tokens.BlockEnd:
			inVar = false
		case tokens.LeftParenthesis, tokens.LeftBracket, tokens.LeftBrace:
			depth++
		case tokens.RightParenthesis, tokens.RightBracket, tokens.RightBrace:
			depth--
		}
		if isName(t, "if") || dottedNameAt(toks, i) || (t.Type == tokens.Is && hasTestCallKwargs(toks, i)) ||
			(t.Type == tokens.String && i+1 < len(toks) && toks[i+1].Type == tokens.String) ||
			(t.Type == tokens.Not && i+1 < len(toks) && toks[i+1].Type == tokens.Not) ||
			(inVar && depth == 0 && t.Type == tokens.Comma) {
			need = true
			break
		}
	}
	if !need {
		return toks, false, nil
	}
	ifs, nots := 0, 0
	for _, t := range toks {
		switch {
		case isName(t, "if"):
			ifs++
		case t.Type == tokens.Not:
			nots++
		case t.Type == tokens.VariableEnd || t.Type == tokens.BlockEnd:
			ifs, nots = 0, 0
		}
		if ifs > maxNesting || nots > maxNesting {
			return nil, false, syntaxErr("expression nested too deeply")
		}
	}
	toks = rewriteTestKwargs(toks)
	out := make([]*tokens.Token, 0, len(toks)+8)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Type != tokens.VariableBegin && t.Type != tokens.BlockBegin {
			out = append(out, t)
			continue
		}
		end := i + 1
		for end < len(toks) && toks[end].Type != tokens.VariableEnd && toks[end].Type != tokens.BlockEnd &&
			toks[end].Type != tokens.EOF && toks[end].Type != tokens.Error {
			end++
		}
		inner := doubleNots(mergeStrings(mergeDotted(toks[i+1 : end])))
		out = append(out, t)
		switch {
		case t.Type == tokens.VariableBegin:
			inner = rewriteLevel(inner)
			if hasTopComma(inner) {
				// {{ a, b }} prints a tuple
				inner = append(append([]*tokens.Token{synth(t, tokens.LeftParenthesis, "(")}, inner...),
					synth(t, tokens.RightParenthesis, ")"))
			}
			out = append(out, inner...)
		case len(inner) > 0 && isName(inner[0], "set"):
			eq := -1
			depth := 0
			for j, x := range inner {
				if isOpen(x) {
					depth++
				} else if isClose(x) {
					depth--
				} else if depth == 0 && x.Type == tokens.Assign {
					eq = j
					break
				}
			}
			if eq < 0 {
				out = append(out, rewriteGroups(inner)...)
			} else {
				out = append(out, inner[:eq+1]...)
				out = append(out, rewriteLevel(inner[eq+1:])...)
			}
		default:
			out = append(out, rewriteGroups(inner)...)
		}
		i = end - 1
	}
	return out, true, nil
}

// dottedNameAt reports whether toks[i] is a | or is followed by a dotted
// filter or test name (ansible.builtin.to_json).
func dottedNameAt(toks []*tokens.Token, i int) bool {
	if toks[i].Type != tokens.Pipe && toks[i].Type != tokens.Is {
		return false
	}
	j := i + 1
	if j < len(toks) && toks[j].Type == tokens.Not {
		j++
	}
	return j+2 < len(toks) && toks[j].Type == tokens.Name && toks[j+1].Type == tokens.Dot && toks[j+2].Type == tokens.Name
}

// mergeDotted joins dotted filter and test names into one name token, as
// Jinja2's parser does (gonja's takes a single name).
func mergeDotted(toks []*tokens.Token) []*tokens.Token {
	var out []*tokens.Token
	for i := 0; i < len(toks); i++ {
		out = append(out, toks[i])
		if !dottedNameAt(toks, i) {
			continue
		}
		j := i + 1
		if toks[j].Type == tokens.Not {
			out = append(out, toks[j])
			j++
		}
		name := toks[j].Val
		for j+2 < len(toks) && toks[j+1].Type == tokens.Dot && toks[j+2].Type == tokens.Name {
			name += "." + toks[j+2].Val
			j += 2
		}
		out = append(out, synth(toks[j], tokens.Name, name))
		i = j
	}
	return out
}

func hasTopComma(toks []*tokens.Token) bool {
	depth := 0
	for _, t := range toks {
		switch {
		case isOpen(t):
			depth++
		case isClose(t):
			depth--
		case depth == 0 && t.Type == tokens.Comma:
			return true
		}
	}
	return false
}

// doubleNots turns not not x (which gonja's grammar refuses) into
// not (not x).
func doubleNots(toks []*tokens.Token) []*tokens.Token {
	for {
		at := -1
		for i := 0; i+1 < len(toks); i++ {
			if toks[i].Type == tokens.Not && toks[i+1].Type == tokens.Not {
				at = i
				break
			}
		}
		if at < 0 {
			return toks
		}
		// the operand of the second not ends at and/or/if/else, a
		// separator or a closing bracket of the same level
		end := at + 2
		depth := 0
	scan:
		for ; end < len(toks); end++ {
			t := toks[end]
			switch {
			case isOpen(t):
				depth++
			case isClose(t):
				if depth == 0 {
					break scan
				}
				depth--
			case depth == 0 && (t.Type == tokens.And || t.Type == tokens.Or || t.Type == tokens.Comma ||
				t.Type == tokens.Colon || isName(t, "if") || isName(t, "else")):
				break scan
			}
		}
		out := make([]*tokens.Token, 0, len(toks)+2)
		out = append(out, toks[:at+1]...)
		out = append(out, synth(toks[at], tokens.LeftParenthesis, "("))
		out = append(out, toks[at+1:end]...)
		out = append(out, synth(toks[at], tokens.RightParenthesis, ")"))
		toks = append(out, toks[end:]...)
	}
}

func mergeStrings(toks []*tokens.Token) []*tokens.Token {
	var out []*tokens.Token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Type == tokens.String && i+1 < len(toks) && toks[i+1].Type == tokens.String {
			val := t.Val
			for i+1 < len(toks) && toks[i+1].Type == tokens.String {
				i++
				val += toks[i].Val
			}
			t = synth(t, tokens.String, val)
		}
		out = append(out, t)
	}
	return out
}

// rewriteLevel rewrites a comma/colon/assign separated list of expressions.
func rewriteLevel(toks []*tokens.Token) []*tokens.Token {
	out := make([]*tokens.Token, 0, len(toks))
	depth := 0
	start := 0
	for i, t := range toks {
		switch {
		case isOpen(t):
			depth++
		case isClose(t):
			depth--
		case depth == 0 && (t.Type == tokens.Comma || t.Type == tokens.Colon || t.Type == tokens.Assign):
			out = append(out, rewriteElem(toks[start:i])...)
			out = append(out, t)
			start = i + 1
		}
	}
	return append(out, rewriteElem(toks[start:])...)
}

// rewriteGroups rewrites the insides of the bracket groups of toks.
func rewriteGroups(toks []*tokens.Token) []*tokens.Token {
	out := make([]*tokens.Token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		out = append(out, t)
		if !isOpen(t) {
			continue
		}
		depth := 1
		j := i + 1
		for ; j < len(toks); j++ {
			if isOpen(toks[j]) {
				depth++
			} else if isClose(toks[j]) {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		out = append(out, rewriteLevel(toks[i+1:min(j, len(toks))])...)
		if j < len(toks) {
			out = append(out, toks[j])
		}
		i = j
	}
	return out
}

// rewriteElem rewrites one expression: X if C else Y -> __goplay_if__(C, X, Y).
func rewriteElem(el []*tokens.Token) []*tokens.Token {
	el = rewriteGroups(el)
	ifAt, elseAt := -1, -1
	depth := 0
	for i, t := range el {
		switch {
		case isOpen(t):
			depth++
		case isClose(t):
			depth--
		case depth == 0 && ifAt < 0 && isName(t, "if"):
			ifAt = i
		case depth == 0 && ifAt >= 0 && isName(t, "else"):
			elseAt = i
		}
		if elseAt >= 0 {
			break
		}
	}
	if ifAt <= 0 {
		return el
	}
	at := el[ifAt]
	out := []*tokens.Token{synth(at, tokens.Name, condFunc), synth(at, tokens.LeftParenthesis, "(")}
	cEnd := len(el)
	if elseAt >= 0 {
		cEnd = elseAt
	}
	out = append(out, el[ifAt+1:cEnd]...)
	out = append(out, synth(at, tokens.Comma, ","))
	out = append(out, el[:ifAt]...)
	if elseAt >= 0 {
		out = append(out, synth(at, tokens.Comma, ","))
		out = append(out, rewriteElem(el[elseAt+1:])...)
	}
	return append(out, synth(at, tokens.RightParenthesis, ")"))
}

// rewriteTestKwargs rewrites keyword arguments of test calls:
// strict=True becomes (True)|__goplay_kwarg__('strict').
func rewriteTestKwargs(toks []*tokens.Token) []*tokens.Token {
	found := false
	for i := range toks {
		if toks[i].Type == tokens.Is && hasTestCallKwargs(toks, i) {
			found = true
			break
		}
	}
	if !found {
		return toks
	}
	out := make([]*tokens.Token, 0, len(toks)+16)
	for i := 0; i < len(toks); i++ {
		out = append(out, toks[i])
		if toks[i].Type != tokens.Is || !hasTestCallKwargs(toks, i) {
			continue
		}
		j := i + 1
		if toks[j].Type == tokens.Not {
			out = append(out, toks[j])
			j++
		}
		out = append(out, toks[j], toks[j+1])
		depth := 1
		k := j + 2
		for ; k < len(toks) && depth > 0; k++ {
			t := toks[k]
			if isOpen(t) {
				depth++
			} else if isClose(t) {
				depth--
			}
			if depth == 1 && t.Type == tokens.Name && k+1 < len(toks) && toks[k+1].Type == tokens.Assign {
				end := k + 2
				d := 0
			scan:
				for ; end < len(toks); end++ {
					x := toks[end]
					switch {
					case isOpen(x):
						d++
					case isClose(x):
						if d == 0 {
							break scan
						}
						d--
					case x.Type == tokens.Comma && d == 0:
						break scan
					case x.Type == tokens.EOF || x.Type == tokens.Error || x.Type == tokens.VariableEnd || x.Type == tokens.BlockEnd:
						break scan
					}
				}
				out = append(out, synth(t, tokens.LeftParenthesis, "("))
				out = append(out, toks[k+2:end]...)
				out = append(out, synth(t, tokens.RightParenthesis, ")"), synth(t, tokens.Pipe, "|"),
					synth(t, tokens.Name, kwargFilter), synth(t, tokens.LeftParenthesis, "("),
					synth(t, tokens.String, t.Val), synth(t, tokens.RightParenthesis, ")"))
				k = end - 1
				continue
			}
			out = append(out, t)
		}
		i = k - 1
	}
	return out
}

func hasTestCallKwargs(toks []*tokens.Token, i int) bool {
	j := i + 1
	if j < len(toks) && toks[j].Type == tokens.Not {
		j++
	}
	if j+1 >= len(toks) || toks[j].Type != tokens.Name || toks[j+1].Type != tokens.LeftParenthesis {
		return false
	}
	depth := 0
	for k := j + 1; k+1 < len(toks); k++ {
		switch t := toks[k]; {
		case isOpen(t):
			depth++
		case isClose(t):
			depth--
			if depth == 0 {
				return false
			}
		case t.Type == tokens.Name:
			if depth == 1 && toks[k+1].Type == tokens.Assign {
				return true
			}
		case t.Type == tokens.EOF || t.Type == tokens.Error || t.Type == tokens.VariableEnd || t.Type == tokens.BlockEnd:
			return false
		}
	}
	return false
}
