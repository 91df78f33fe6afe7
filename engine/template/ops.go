package template

import (
	"math"
	"strings"
)

func checkUndef(vs ...any) {
	for _, v := range vs {
		if u, ok := v.(*Undefined); ok {
			throwUndef(u)
		}
	}
}

func unsupported(op string, a, b any) {
	typeErr("unsupported operand type(s) for %s: '%s' and '%s'", op, typeName(a), typeName(b))
}

func binaryOp(op string, a, b any) any {
	if op == "~" {
		return pyStr(a) + pyStr(b)
	}
	checkUndef(a, b)
	if r, ok := dateOp(op, a, b); ok {
		return r
	}
	if op == "%" {
		if s, ok := a.(string); ok {
			return percentFormat(s, b)
		}
	}
	ai, af, aF, aok := numeric(a)
	bi, bf, bF, bok := numeric(b)
	if aok && bok {
		isF := aF || bF
		switch op {
		case "+":
			if isF {
				return af + bf
			}
			return ai + bi
		case "-":
			if isF {
				return af - bf
			}
			return ai - bi
		case "*":
			if isF {
				return af * bf
			}
			return ai * bi
		case "/":
			if bf == 0 {
				if isF {
					pyErr("ZeroDivisionError", "float division by zero")
				}
				pyErr("ZeroDivisionError", "division by zero")
			}
			return af / bf
		case "//":
			if isF {
				if bf == 0 {
					pyErr("ZeroDivisionError", "float floor division by zero")
				}
				return math.Floor(af / bf)
			}
			if bi == 0 {
				pyErr("ZeroDivisionError", "integer division or modulo by zero")
			}
			q := ai / bi
			if (ai%bi != 0) && ((ai < 0) != (bi < 0)) {
				q--
			}
			return q
		case "%":
			if isF {
				if bf == 0 {
					pyErr("ZeroDivisionError", "float modulo")
				}
				r := math.Mod(af, bf)
				if r != 0 && (r < 0) != (bf < 0) {
					r += bf
				}
				return r
			}
			if bi == 0 {
				pyErr("ZeroDivisionError", "integer modulo by zero")
			}
			r := ai % bi
			if r != 0 && (r < 0) != (bi < 0) {
				r += bi
			}
			return r
		case "**":
			if !isF && bi >= 0 {
				res := 1
				base := ai
				for e := bi; e > 0; e >>= 1 {
					if e&1 == 1 {
						res *= base
					}
					base *= base
				}
				return res
			}
			if af == 0 && bf < 0 {
				valErr("0.0 cannot be raised to a negative power")
			}
			return math.Pow(af, bf)
		}
	}
	switch op {
	case "+":
		switch x := a.(type) {
		case string:
			if y, ok := b.(string); ok {
				return x + y
			}
			typeErr("can only concatenate str (not \"%s\") to str", typeName(b))
		case []any:
			if y, ok := b.([]any); ok {
				out := make([]any, 0, len(x)+len(y))
				return append(append(out, x...), y...)
			}
			typeErr("can only concatenate list (not \"%s\") to list", typeName(b))
		case Tuple:
			if y, ok := b.(Tuple); ok {
				out := make(Tuple, 0, len(x)+len(y))
				return append(append(out, x...), y...)
			}
			typeErr("can only concatenate tuple (not \"%s\") to tuple", typeName(b))
		}
	case "*":
		seq, n := a, b
		if _, _, _, ok := numeric(a); ok {
			seq, n = b, a
		}
		switch seq.(type) {
		case string, []any, Tuple:
			cnt, _, isF, ok := numeric(n)
			if !ok || isF {
				typeErr("can't multiply sequence by non-int of type '%s'", typeName(n))
			}
			if cnt < 0 {
				cnt = 0
			}
			limit := int64(1_000_000)
			if _, isStr := seq.(string); isStr {
				limit = 10_000_000
			}
			if int64(cnt)*seqSize(seq) > limit {
				valErr("repeated sequence too large")
			}
			switch s := seq.(type) {
			case string:
				return strings.Repeat(s, cnt)
			case []any:
				out := make([]any, 0, len(s)*cnt)
				for i := 0; i < cnt; i++ {
					out = append(out, s...)
				}
				return out
			case Tuple:
				out := make(Tuple, 0, len(s)*cnt)
				for i := 0; i < cnt; i++ {
					out = append(out, s...)
				}
				return out
			}
		}
	}
	unsupported(op, a, b)
	return nil
}

func compareOp(op string, a, b any) bool {
	switch op {
	case "==":
		return pyEqual(a, b)
	case "!=":
		return !pyEqual(a, b)
	case "<":
		return pyCompare(a, b, op) < 0
	case "<=":
		return pyCompare(a, b, op) <= 0
	case ">":
		return pyCompare(a, b, op) > 0
	case ">=":
		return pyCompare(a, b, op) >= 0
	case "in":
		return contains(b, a)
	case "notin":
		return !contains(b, a)
	}
	valErr("unknown operator %s", op)
	return false
}

// contains is Python's `item in container`.
func contains(container, item any) bool {
	checkUndef(container)
	switch c := container.(type) {
	case string:
		checkUndef(item)
		s, ok := item.(string)
		if !ok {
			typeErr("'in <string>' requires string as left operand, not %s", typeName(item))
		}
		return strings.Contains(c, s)
	case []any:
		for _, v := range c {
			if pyEqual(norm(v), item) {
				return true
			}
		}
		return false
	case Tuple:
		for _, v := range c {
			if pyEqual(v, item) {
				return true
			}
		}
		return false
	case map[string]any:
		checkUndef(item)
		switch k := item.(type) {
		case string:
			_, ok := c[k]
			return ok
		case []any, map[string]any:
			typeErr("unhashable type: '%s'", typeName(item))
		case nil:
			return false
		default:
			_, ok := c[pyStr(k)]
			return ok
		}
	}
	typeErr("argument of type '%s' is not iterable", typeName(container))
	return false
}

func negate(v any) any {
	checkUndef(v)
	switch x := v.(type) {
	case int:
		return -x
	case float64:
		return -x
	case bool:
		if x {
			return -1
		}
		return 0
	}
	typeErr("bad operand type for unary -: '%s'", typeName(v))
	return nil
}

func positive(v any) any {
	checkUndef(v)
	switch x := v.(type) {
	case int, float64:
		return x
	case bool:
		if x {
			return 1
		}
		return 0
	}
	typeErr("bad operand type for unary +: '%s'", typeName(v))
	return nil
}

// seqSize is the byte length of a string or the element count of a list.
func seqSize(seq any) int64 {
	switch s := seq.(type) {
	case string:
		return int64(len(s))
	case []any:
		return int64(len(s))
	case Tuple:
		return int64(len(s))
	}
	return 0
}
