package template

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// percentFormat implements Python's str % args.
func percentFormat(format string, args any) string {
	var pos []any
	var mapping map[string]any
	switch a := args.(type) {
	case Tuple:
		pos = a
	case map[string]any:
		mapping = a
		pos = []any{a}
	default:
		pos = []any{a}
	}
	argi := 0
	nextArg := func() any {
		if argi >= len(pos) {
			typeErr("not enough arguments for format string")
		}
		v := pos[argi]
		argi++
		return v
	}
	usedMapping := false
	var b strings.Builder
	i := 0
	for i < len(format) {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			i++
			continue
		}
		i++
		if i >= len(format) {
			valErr("incomplete format")
		}
		var arg any
		haveArg := false
		if format[i] == '(' {
			depth := 1
			j := i + 1
			for j < len(format) && depth > 0 {
				if format[j] == '(' {
					depth++
				} else if format[j] == ')' {
					depth--
				}
				j++
			}
			if depth > 0 {
				valErr("incomplete format key")
			}
			key := format[i+1 : j-1]
			if mapping == nil {
				typeErr("format requires a mapping")
			}
			v, ok := mapping[key]
			if !ok {
				valErr("KeyError: %s", quoteString(key))
			}
			arg, haveArg = norm(v), true
			usedMapping = true
			i = j
		}
		flags := ""
		for i < len(format) && strings.IndexByte("#0- +", format[i]) >= 0 {
			flags += string(format[i])
			i++
		}
		width := -1
		if i < len(format) && format[i] == '*' {
			w, _, _, ok := numeric(nextArg())
			if !ok {
				typeErr("* wants int")
			}
			width = w
			i++
		} else {
			st := i
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				i++
			}
			if i > st {
				width, _ = strconv.Atoi(format[st:i])
			}
		}
		prec := -1
		if i < len(format) && format[i] == '.' {
			i++
			if i < len(format) && format[i] == '*' {
				p, _, _, ok := numeric(nextArg())
				if !ok {
					typeErr("* wants int")
				}
				prec = p
				i++
			} else {
				st := i
				for i < len(format) && format[i] >= '0' && format[i] <= '9' {
					i++
				}
				prec, _ = strconv.Atoi(format[st:i])
			}
		}
		for i < len(format) && strings.IndexByte("hlL", format[i]) >= 0 {
			i++
		}
		if i >= len(format) {
			valErr("incomplete format")
		}
		verb := format[i]
		i++
		if verb == '%' {
			b.WriteByte('%')
			continue
		}
		if !haveArg {
			arg = nextArg()
		}
		checkUndef(arg)
		if width > 10000 || prec > 10000 {
			valErr("width too big")
		}
		b.WriteString(formatOne(verb, flags, width, prec, arg))
	}
	if argi < len(pos) && !usedMapping {
		if _, isMap := args.(map[string]any); !isMap {
			typeErr("not all arguments converted during string formatting")
		}
	}
	return b.String()
}

func pad(s string, flags string, width int) string {
	n := utf8.RuneCountInString(s)
	if width <= n {
		return s
	}
	if strings.Contains(flags, "-") {
		return s + strings.Repeat(" ", width-n)
	}
	return strings.Repeat(" ", width-n) + s
}

func formatOne(verb byte, flags string, width, prec int, arg any) string {
	goFlags := ""
	for _, f := range flags {
		goFlags += string(f)
	}
	spec := "%" + goFlags
	if width >= 0 {
		spec += strconv.Itoa(width)
	}
	switch verb {
	case 's', 'r', 'a':
		var s string
		if verb == 's' {
			s = pyStr(arg)
		} else {
			s = pyRepr(arg)
		}
		if prec >= 0 && prec < utf8.RuneCountInString(s) {
			s = string([]rune(s)[:prec])
		}
		return pad(s, flags, width)
	case 'd', 'i', 'u':
		n, f, isF, ok := numeric(arg)
		if !ok {
			typeErr("%%%c format: a real number is required, not %s", verb, typeName(arg))
		}
		if isF {
			if math.IsInf(f, 0) || math.IsNaN(f) {
				valErr("cannot convert float %s to integer", formatFloat(f))
			}
			n = int(f)
		}
		return fmt.Sprintf(spec+"d", n)
	case 'x', 'X', 'o':
		n, _, isF, ok := numeric(arg)
		if !ok || isF {
			typeErr("%%%c format: an integer is required, not %s", verb, typeName(arg))
		}
		s := fmt.Sprintf(spec+string(verb), n)
		if verb == 'o' && strings.Contains(flags, "#") {
			s = strings.Replace(s, "0", "0o", 1)
		}
		return s
	case 'e', 'E', 'f', 'F', 'g', 'G':
		_, f, _, ok := numeric(arg)
		if !ok {
			if s, isStr := arg.(string); isStr {
				_ = s
			}
			typeErr("must be real number, not %s", typeName(arg))
		}
		if prec < 0 {
			prec = 6
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			s := formatFloat(f)
			if verb == 'E' || verb == 'F' || verb == 'G' {
				s = strings.ToUpper(s)
			}
			return pad(s, strings.ReplaceAll(flags, "0", ""), width)
		}
		if verb == 'g' || verb == 'G' {
			if prec == 0 {
				prec = 1
			}
			s := fmt.Sprintf(spec+"."+strconv.Itoa(prec)+string(verb), f)
			return s
		}
		return fmt.Sprintf(spec+"."+strconv.Itoa(prec)+string(verb), f)
	case 'c':
		switch x := arg.(type) {
		case string:
			if utf8.RuneCountInString(x) != 1 {
				typeErr("%%c requires int or char")
			}
			return pad(x, flags, width)
		case int:
			return pad(string(rune(x)), flags, width)
		}
		typeErr("%%c requires int or char")
	}
	valErr("unsupported format character '%c' (0x%x)", verb, verb)
	return ""
}

// strFormat implements Python's str.format.
func strFormat(e *evaluator, format string, args []any, kw map[string]any) string {
	var b strings.Builder
	auto := 0
	i := 0
	for i < len(format) {
		c := format[i]
		if c == '}' {
			if i+1 < len(format) && format[i+1] == '}' {
				b.WriteByte('}')
				i += 2
				continue
			}
			valErr("Single '}' encountered in format string")
		}
		if c != '{' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 < len(format) && format[i+1] == '{' {
			b.WriteByte('{')
			i += 2
			continue
		}
		// find matching }
		depth := 1
		j := i + 1
		for j < len(format) && depth > 0 {
			if format[j] == '{' {
				depth++
			} else if format[j] == '}' {
				depth--
			}
			j++
		}
		if depth > 0 {
			valErr("Single '{' encountered in format string")
		}
		field := format[i+1 : j-1]
		i = j
		spec := ""
		conv := byte(0)
		if k := strings.IndexByte(field, ':'); k >= 0 {
			spec = field[k+1:]
			field = field[:k]
		}
		if k := strings.IndexByte(field, '!'); k >= 0 {
			if k+1 < len(field) {
				conv = field[k+1]
			}
			field = field[:k]
		}
		// field name: first part then .attr / [key]
		name := field
		rest := ""
		if k := strings.IndexAny(field, ".["); k >= 0 {
			name, rest = field[:k], field[k:]
		}
		var v any
		switch {
		case name == "":
			if auto >= len(args) {
				valErr("Replacement index %d out of range for positional args tuple", auto)
			}
			v = args[auto]
			auto++
		case name[0] >= '0' && name[0] <= '9':
			n, err := strconv.Atoi(name)
			if err != nil || n >= len(args) {
				valErr("Replacement index %s out of range for positional args tuple", name)
			}
			v = args[n]
		default:
			val, ok := kw[name]
			if !ok {
				valErr("KeyError: %s", quoteString(name))
			}
			v = val
		}
		for rest != "" {
			if rest[0] == '.' {
				k := strings.IndexAny(rest[1:], ".[")
				attr := rest[1:]
				if k >= 0 {
					attr = rest[1 : k+1]
				}
				rest = rest[1+len(attr):]
				v = e.getattr(v, attr)
			} else {
				k := strings.IndexByte(rest, ']')
				if k < 0 {
					valErr("Missing ']' in format string")
				}
				key := rest[1:k]
				rest = rest[k+1:]
				if n, err := strconv.Atoi(key); err == nil {
					v = e.getitem(v, n)
				} else {
					v = e.getitem(v, key)
				}
			}
			checkUndef(v)
		}
		if strings.Contains(spec, "{") {
			spec = strFormat(e, spec, args, kw)
		}
		switch conv {
		case 'r', 'a':
			v = pyRepr(v)
		case 's':
			v = pyStr(v)
		}
		b.WriteString(formatSpec(v, spec))
	}
	return b.String()
}

// formatSpec implements Python's format(value, spec) for common specs.
func formatSpec(v any, spec string) string {
	checkUndef(v)
	if spec == "" {
		return pyStr(v)
	}
	fill, align := " ", byte(0)
	rs := []rune(spec)
	p := 0
	if len(rs) >= 2 && strings.ContainsRune("<>^=", rs[1]) {
		fill, align = string(rs[0]), byte(rs[1])
		p = 2
	} else if len(rs) >= 1 && strings.ContainsRune("<>^=", rs[0]) {
		align = byte(rs[0])
		p = 1
	}
	rest := string(rs[p:])
	sign := ""
	if rest != "" && strings.IndexByte("+- ", rest[0]) >= 0 {
		sign = rest[:1]
		rest = rest[1:]
	}
	alt := false
	if strings.HasPrefix(rest, "#") {
		alt = true
		rest = rest[1:]
	}
	if strings.HasPrefix(rest, "0") {
		if align == 0 {
			fill, align = "0", '='
		}
		rest = rest[1:]
	}
	k := 0
	for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
		k++
	}
	width := 0
	if k > 0 {
		width, _ = strconv.Atoi(rest[:k])
	}
	rest = rest[k:]
	comma := false
	if strings.HasPrefix(rest, ",") || strings.HasPrefix(rest, "_") {
		comma = true
		rest = rest[1:]
	}
	prec := -1
	if strings.HasPrefix(rest, ".") {
		k = 1
		for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			k++
		}
		prec, _ = strconv.Atoi(rest[1:k])
		rest = rest[k:]
	}
	typ := byte(0)
	if rest != "" {
		typ = rest[0]
	}
	if width > 10000 || prec > 10000 {
		valErr("width too big")
	}
	var body string
	numericVal := false
	neg := false
	switch x := v.(type) {
	case string:
		if typ != 0 && typ != 's' {
			valErr("Unknown format code '%c' for object of type 'str'", typ)
		}
		body = x
		if prec >= 0 && prec < utf8.RuneCountInString(body) {
			body = string([]rune(body)[:prec])
		}
		if align == 0 {
			align = '<'
		}
	default:
		n, f, isF, ok := numeric(v)
		if !ok {
			body = pyStr(v)
			if align == 0 {
				align = '<'
			}
			break
		}
		numericVal = true
		if _, isBool := v.(bool); isBool && typ == 0 {
			body = pyStr(v)
			numericVal = false
			break
		}
		if align == 0 {
			align = '>'
		}
		if typ == 0 && isF {
			if prec >= 0 {
				typ = 'g'
			}
		}
		switch typ {
		case 0, 'd', 'n':
			if isF && typ != 0 {
				valErr("Unknown format code 'd' for object of type 'float'")
			}
			if isF {
				neg = f < 0
				body = formatFloat(math.Abs(f))
			} else {
				neg = n < 0
				if n < 0 {
					n = -n
				}
				body = strconv.Itoa(n)
			}
		case 'x', 'X', 'o', 'b':
			if isF {
				valErr("Unknown format code '%c' for object of type 'float'", typ)
			}
			neg = n < 0
			if n < 0 {
				n = -n
			}
			base := map[byte]int{'x': 16, 'X': 16, 'o': 8, 'b': 2}[typ]
			body = strconv.FormatInt(int64(n), base)
			if typ == 'X' {
				body = strings.ToUpper(body)
			}
			if alt {
				body = "0" + string(typ) + body
			}
		case 'f', 'F', 'e', 'E', 'g', 'G', '%':
			if prec < 0 {
				prec = 6
			}
			neg = f < 0
			af := math.Abs(f)
			switch typ {
			case '%':
				body = strconv.FormatFloat(af*100, 'f', prec, 64) + "%"
			case 'g', 'G':
				if prec == 0 {
					prec = 1
				}
				body = fmt.Sprintf("%."+strconv.Itoa(prec)+string(typ), af)
			default:
				body = fmt.Sprintf("%."+strconv.Itoa(prec)+string(typ), af)
			}
		default:
			valErr("Unknown format code '%c' for object of type '%s'", typ, typeName(v))
		}
		if comma {
			intPart, frac, _ := strings.Cut(body, ".")
			var gb strings.Builder
			for i, r := range intPart {
				if i > 0 && (len(intPart)-i)%3 == 0 {
					gb.WriteByte(',')
				}
				gb.WriteRune(r)
			}
			body = gb.String()
			if frac != "" {
				body += "." + frac
			}
		}
	}
	prefix := ""
	if numericVal {
		switch {
		case neg:
			prefix = "-"
		case sign == "+":
			prefix = "+"
		case sign == " ":
			prefix = " "
		}
	}
	total := utf8.RuneCountInString(prefix + body)
	if width <= total {
		return prefix + body
	}
	padding := width - total
	switch align {
	case '<':
		return prefix + body + strings.Repeat(fill, padding)
	case '^':
		left := padding / 2
		return strings.Repeat(fill, left) + prefix + body + strings.Repeat(fill, padding-left)
	case '=':
		return prefix + strings.Repeat(fill, padding) + body
	}
	return strings.Repeat(fill, padding) + prefix + body
}
