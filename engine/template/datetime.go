package template

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// pyObject is a Python object of a class the evaluator knows only through
// these methods (datetime.datetime, datetime.timedelta).
type pyObject interface {
	pyTypeName() string
	pyRepr() string
	pyStr() string
	pyAttr(name string) (any, bool)
	pyTruth() bool
}

// DateTime is a naive datetime.datetime (the result of to_datetime), or a
// datetime.date when dateOnly is set.
type DateTime struct {
	T        time.Time
	dateOnly bool
	aware    bool // a fixed UTC offset (T's zone) from %z
}

// utcOffset formats an aware datetime's offset as Python's str does
// (+01:00, -05:30, +00:00:30); sep is "" for %z.
func (d *DateTime) utcOffset(sep string) string {
	_, off := d.T.Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := fmt.Sprintf("%s%02d%s%02d", sign, off/3600, sep, off/60%60)
	if off%60 != 0 {
		s += fmt.Sprintf("%s%02d", sep, off%60)
	}
	return s
}

// tzRepr is the repr of an aware datetime's datetime.timezone.
func (d *DateTime) tzRepr() string {
	_, off := d.T.Zone()
	if off == 0 {
		return "datetime.timezone.utc"
	}
	return "datetime.timezone(" + (&TimeDelta{US: int64(off) * 1e6}).pyRepr() + ")"
}

// tzName is datetime.timezone's name: UTC, or UTC+01:00.
func (d *DateTime) tzName() string {
	if _, off := d.T.Zone(); off == 0 {
		return "UTC"
	}
	return "UTC" + d.utcOffset(":")
}

// TimeDelta is a datetime.timedelta, in microseconds.
type TimeDelta struct{ US int64 }

func (d *DateTime) pyTypeName() string {
	if d.dateOnly {
		return "date"
	}
	return "datetime"
}
func (d *DateTime) pyTruth() bool { return true }

func (d *DateTime) pyRepr() string {
	t := d.T
	if d.dateOnly {
		return fmt.Sprintf("datetime.date(%d, %d, %d)", t.Year(), int(t.Month()), t.Day())
	}
	s := fmt.Sprintf("datetime.datetime(%d, %d, %d, %d, %d", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute())
	us := t.Nanosecond() / 1000
	if t.Second() != 0 || us != 0 {
		s += ", " + strconv.Itoa(t.Second())
	}
	if us != 0 {
		s += ", " + strconv.Itoa(us)
	}
	if d.aware {
		s += ", tzinfo=" + d.tzRepr()
	}
	return s + ")"
}

func (d *DateTime) pyStr() string {
	if d.dateOnly {
		return fmt.Sprintf("%04d-%02d-%02d", d.T.Year(), int(d.T.Month()), d.T.Day())
	}
	return d.isoformat(" ")
}

func (d *DateTime) isoformat(sep string) string {
	s := fmt.Sprintf("%04d-%02d-%02d%s%02d:%02d:%02d", d.T.Year(), int(d.T.Month()), d.T.Day(), sep, d.T.Hour(), d.T.Minute(), d.T.Second())
	if us := d.T.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	if d.aware {
		s += d.utcOffset(":")
	}
	return s
}

func (d *DateTime) pyAttr(name string) (any, bool) {
	t := d.T
	switch name {
	case "year":
		return t.Year(), true
	case "month":
		return int(t.Month()), true
	case "day":
		return t.Day(), true
	}
	if d.dateOnly {
		switch name {
		case "hour", "minute", "second", "microsecond", "timestamp", "date":
			return nil, false
		}
	}
	switch name {
	case "hour":
		return t.Hour(), true
	case "minute":
		return t.Minute(), true
	case "second":
		return t.Second(), true
	case "microsecond":
		return t.Nanosecond() / 1000, true
	case "tzinfo":
		if d.aware {
			return d.tzRepr(), true
		}
		return nil, true
	}
	method := func(fn func(args []any, kw map[string]any) any) (any, bool) {
		return &Callable{Name: name + " of datetime.datetime object", Fn: fn}, true
	}
	switch name {
	case "strftime":
		return method(func(args []any, kw map[string]any) any {
			f := arg(args, kw, 0, "format", nil)
			s, ok := f.(string)
			if !ok {
				typeErr("strftime() argument 1 must be str, not %s", typeName(f))
			}
			if d.aware {
				return pyStrftime(t, s, d.tzName(), true)
			}
			return pyStrftime(t, s, "", false)
		})
	case "isoformat":
		return method(func(args []any, kw map[string]any) any {
			if d.dateOnly {
				return d.pyStr()
			}
			return d.isoformat(strArg(arg(args, kw, 0, "sep", "T")))
		})
	case "date":
		return method(func(args []any, kw map[string]any) any {
			return &DateTime{T: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), dateOnly: true}
		})
	case "weekday":
		return method(func(args []any, kw map[string]any) any { return (int(t.Weekday()) + 6) % 7 })
	case "isoweekday":
		return method(func(args []any, kw map[string]any) any { return (int(t.Weekday())+6)%7 + 1 })
	case "timestamp":
		return method(func(args []any, kw map[string]any) any {
			if d.aware {
				return float64(t.UnixMicro()) / 1e6
			}
			l := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.Local)
			return float64(l.UnixMicro()) / 1e6
		})
	}
	return nil, false
}

func (d *TimeDelta) pyTypeName() string { return "timedelta" }
func (d *TimeDelta) pyTruth() bool      { return d.US != 0 }

// parts returns days, seconds and microseconds normalised as Python does.
func (d *TimeDelta) parts() (int64, int64, int64) {
	days := floorDiv(d.US, 86400_000_000)
	rest := d.US - days*86400_000_000
	return days, rest / 1_000_000, rest % 1_000_000
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func (d *TimeDelta) pyRepr() string {
	days, secs, us := d.parts()
	var parts []string
	if days != 0 {
		parts = append(parts, fmt.Sprintf("days=%d", days))
	}
	if secs != 0 {
		parts = append(parts, fmt.Sprintf("seconds=%d", secs))
	}
	if us != 0 {
		parts = append(parts, fmt.Sprintf("microseconds=%d", us))
	}
	if len(parts) == 0 {
		return "datetime.timedelta(0)"
	}
	return "datetime.timedelta(" + strings.Join(parts, ", ") + ")"
}

func (d *TimeDelta) pyStr() string {
	days, secs, us := d.parts()
	s := fmt.Sprintf("%d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	if days != 0 {
		plural := ""
		if days != 1 && days != -1 {
			plural = "s"
		}
		s = fmt.Sprintf("%d day%s, ", days, plural) + s
	}
	if us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s
}

func (d *TimeDelta) pyAttr(name string) (any, bool) {
	days, secs, us := d.parts()
	switch name {
	case "days":
		return int(days), true
	case "seconds":
		return int(secs), true
	case "microseconds":
		return int(us), true
	case "total_seconds":
		return &Callable{Name: "total_seconds of datetime.timedelta object", Fn: func(args []any, kw map[string]any) any {
			return float64(d.US) / 1e6
		}}, true
	}
	return nil, false
}

// dateOp applies a binary operator to datetime and timedelta operands; ok
// is false when the operands are not such objects.
func dateOp(op string, a, b any) (any, bool) {
	da, aDT := a.(*DateTime)
	db, bDT := b.(*DateTime)
	ta, aTD := a.(*TimeDelta)
	tb, bTD := b.(*TimeDelta)
	if !aDT && !bDT && !aTD && !bTD || op != "+" && op != "-" {
		return nil, false
	}
	switch op {
	case "-":
		switch {
		case aDT && bDT:
			if da.aware != db.aware {
				typeErr("can't subtract offset-naive and offset-aware datetimes")
			}
			return &TimeDelta{US: da.T.Sub(db.T).Microseconds()}, true
		case aDT && bTD:
			return &DateTime{T: da.T.Add(-time.Duration(tb.US) * time.Microsecond), dateOnly: da.dateOnly, aware: da.aware}, true
		case aTD && bTD:
			return &TimeDelta{US: ta.US - tb.US}, true
		}
	case "+":
		switch {
		case aDT && bTD:
			return &DateTime{T: da.T.Add(time.Duration(tb.US) * time.Microsecond), dateOnly: da.dateOnly, aware: da.aware}, true
		case aTD && bDT:
			return &DateTime{T: db.T.Add(time.Duration(ta.US) * time.Microsecond), dateOnly: db.dateOnly, aware: db.aware}, true
		case aTD && bTD:
			return &TimeDelta{US: ta.US + tb.US}, true
		}
	}
	typeErr("unsupported operand type(s) for %s: '%s' and '%s'", op, pyTypeQualName(a), pyTypeQualName(b))
	return nil, true
}

// dateCompare orders two datetimes or two timedeltas.
func dateCompare(a, b any) (int, bool) {
	switch x := a.(type) {
	case *DateTime:
		if y, ok := b.(*DateTime); ok {
			if x.aware != y.aware {
				typeErr("can't compare offset-naive and offset-aware datetimes")
			}
			return x.T.Compare(y.T), true
		}
	case *TimeDelta:
		if y, ok := b.(*TimeDelta); ok {
			switch {
			case x.US < y.US:
				return -1, true
			case x.US > y.US:
				return 1, true
			}
			return 0, true
		}
	}
	return 0, false
}

var (
	shortDays   = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	longDays    = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	shortMonths = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	longMonths  = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// pyStrftime formats t like glibc's strftime in the C locale, as Python's
// time.strftime (aware: zone is the zone name, %z the offset) and
// datetime.strftime of a naive datetime (not aware: %Z and %z are empty)
// do, with glibc's flags (- _ 0 ^ #), field widths and E/O modifiers.
func pyStrftime(t time.Time, f string, zone string, aware bool) string {
	var b strings.Builder
	yday := t.YearDay() - 1
	wday := int(t.Weekday())
	h12 := t.Hour() % 12
	if h12 == 0 {
		h12 = 12
	}
	ampm := "AM"
	if t.Hour() >= 12 {
		ampm = "PM"
	}
	isoY, isoW := t.ISOWeek()
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' || i+1 >= len(f) {
			b.WriteByte(c)
			continue
		}
		start := i
		i++
		flags := ""
		for i < len(f) && strings.IndexByte("-_0^#", f[i]) >= 0 {
			flags += string(f[i])
			i++
		}
		width := -1
		for i < len(f) && f[i] >= '0' && f[i] <= '9' {
			if width < 0 {
				width = 0
			}
			width = width*10 + int(f[i]-'0')
			i++
		}
		if i < len(f) && (f[i] == 'E' || f[i] == 'O') {
			i++
		}
		if i >= len(f) {
			b.WriteString(f[start:])
			break
		}
		// a number with its default width and padding, or a text
		num, numWidth, pad := 0, 0, byte('0')
		text, isText := "", false
		upperFlag, swapCase := false, false
		setText := func(s string) { text, isText = s, true }
		switch f[i] {
		case 'a':
			setText(shortDays[wday])
			upperFlag = true
		case 'A':
			setText(longDays[wday])
			upperFlag = true
		case 'b', 'h':
			setText(shortMonths[t.Month()-1])
			upperFlag = true
		case 'B':
			setText(longMonths[t.Month()-1])
			upperFlag = true
		case 'c':
			setText(pyStrftime(t, "%a %b %e %H:%M:%S %Y", zone, aware))
		case 'C':
			num, numWidth = t.Year()/100, 2
		case 'd':
			num, numWidth = t.Day(), 2
		case 'D', 'x':
			setText(pyStrftime(t, "%m/%d/%y", zone, aware))
		case 'e':
			num, numWidth, pad = t.Day(), 2, ' '
		case 'f':
			num, numWidth = t.Nanosecond()/1000, 6
		case 'F':
			setText(pyStrftime(t, "%Y-%m-%d", zone, aware))
		case 'G':
			num, numWidth = isoY, 1
		case 'g':
			num, numWidth = isoY%100, 2
		case 'H':
			num, numWidth = t.Hour(), 2
		case 'I':
			num, numWidth = h12, 2
		case 'j':
			num, numWidth = yday+1, 3
		case 'k':
			num, numWidth, pad = t.Hour(), 2, ' '
		case 'l':
			num, numWidth, pad = h12, 2, ' '
		case 'm':
			num, numWidth = int(t.Month()), 2
		case 'M':
			num, numWidth = t.Minute(), 2
		case 'n':
			setText("\n")
		case 'p':
			setText(ampm)
			swapCase = true
		case 'P':
			setText(strings.ToLower(ampm))
		case 'r':
			setText(pyStrftime(t, "%I:%M:%S %p", zone, aware))
		case 'R':
			setText(pyStrftime(t, "%H:%M", zone, aware))
		case 's':
			num, numWidth = int(t.Unix()), 1
		case 'S':
			num, numWidth = t.Second(), 2
		case 't':
			setText("\t")
		case 'T', 'X':
			setText(pyStrftime(t, "%H:%M:%S", zone, aware))
		case 'u':
			num, numWidth = (wday+6)%7+1, 1
		case 'U':
			num, numWidth = (yday+7-wday)/7, 2
		case 'V':
			num, numWidth = isoW, 2
		case 'w':
			num, numWidth = wday, 1
		case 'W':
			num, numWidth = (yday+7-(wday+6)%7)/7, 2
		case 'y':
			num, numWidth = t.Year()%100, 2
		case 'Y':
			num, numWidth = t.Year(), 1
		case 'z':
			if !aware {
				setText("")
				break
			}
			_, off := t.Zone()
			sign := "+"
			if off < 0 {
				sign, off = "-", -off
			}
			setText(fmt.Sprintf("%s%02d%02d", sign, off/3600, off/60%60))
		case 'Z':
			if aware {
				setText(zone)
			} else {
				setText("")
			}
			swapCase = true
		case '%':
			setText("%")
		default:
			// glibc copies an unknown conversion as is
			b.WriteString(f[start : i+1])
			continue
		}
		var out string
		if isText {
			out = text
			if width > len(out) {
				padc := " "
				if strings.Contains(flags, "0") {
					padc = "0"
				}
				out = strings.Repeat(padc, width-len(out)) + out
			}
		} else {
			out = strconv.Itoa(num)
			w := numWidth
			switch {
			case strings.Contains(flags, "-"):
				w, pad = 0, ' '
			case strings.Contains(flags, "_"):
				pad = ' '
			case strings.Contains(flags, "0"):
				pad = '0'
			}
			if width >= 0 {
				w = width
			}
			if len(out) < w {
				out = strings.Repeat(string(pad), w-len(out)) + out
			}
		}
		switch {
		case strings.Contains(flags, "^"):
			out = strings.ToUpper(out)
		case strings.Contains(flags, "#") && upperFlag:
			out = strings.ToUpper(out)
		case strings.Contains(flags, "#") && swapCase:
			out = strings.ToLower(out)
		}
		b.WriteString(out)
	}
	return b.String()
}

// pyStrptime is datetime.strptime for the common directives; the string is
// Python's ValueError message.
func pyStrptime(s, f string) (time.Time, string) {
	year, month, day, hour, minute, sec, us := 1900, 1, 1, 0, 0, 0, 0
	pm, has12 := -1, false
	yday := -1
	offset, hasOffset := 0, false
	mismatch := "time data " + quoteString(s) + " does not match format " + quoteString(f)
	pos := 0
	num := func(maxDigits int) (int, bool) {
		st := pos
		for pos < len(s) && pos-st < maxDigits && s[pos] >= '0' && s[pos] <= '9' {
			pos++
		}
		if pos == st {
			return 0, false
		}
		n, _ := strconv.Atoi(s[st:pos])
		return n, true
	}
	name := func(names []string) (int, bool) {
		for i, n := range names {
			if len(s)-pos >= len(n) && strings.EqualFold(s[pos:pos+len(n)], n) {
				pos += len(n)
				return i, true
			}
		}
		return 0, false
	}
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' }
	for i := 0; i < len(f); i++ {
		c := f[i]
		if isSpace(c) {
			for i+1 < len(f) && isSpace(f[i+1]) {
				i++
			}
			st := pos
			for pos < len(s) && isSpace(s[pos]) {
				pos++
			}
			if pos == st {
				return time.Time{}, mismatch
			}
			continue
		}
		if c != '%' {
			if pos >= len(s) || s[pos] != c {
				return time.Time{}, mismatch
			}
			pos++
			continue
		}
		i++
		if i >= len(f) {
			return time.Time{}, "stray % in format " + quoteString(f)
		}
		var ok bool
		var n int
		switch f[i] {
		case 'Y':
			year, ok = num(4)
		case 'y':
			n, ok = num(2)
			if n < 69 {
				year = 2000 + n
			} else {
				year = 1900 + n
			}
		case 'm':
			month, ok = num(2)
			ok = ok && month >= 1 && month <= 12
		case 'd':
			day, ok = num(2)
			ok = ok && day >= 1 && day <= 31
		case 'H':
			hour, ok = num(2)
			ok = ok && hour <= 23
		case 'I':
			hour, ok = num(2)
			ok = ok && hour >= 1 && hour <= 12
			has12 = true
		case 'M':
			minute, ok = num(2)
			ok = ok && minute <= 59
		case 'S':
			sec, ok = num(2)
			ok = ok && sec <= 61
		case 'f':
			st := pos
			us, ok = num(6)
			for k := pos - st; k < 6; k++ {
				us *= 10
			}
		case 'j':
			yday, ok = num(3)
			ok = ok && yday >= 1 && yday <= 366
		case 'b', 'h':
			n, ok = name(shortMonths)
			month = n + 1
		case 'B':
			if n, ok = name(longMonths); !ok {
				n, ok = name(shortMonths)
			}
			month = n + 1
		case 'a':
			_, ok = name(shortDays)
		case 'A':
			if _, ok = name(longDays); !ok {
				_, ok = name(shortDays)
			}
		case 'p':
			n, ok = name([]string{"AM", "PM"})
			pm = n
		case 'z':
			offset, ok = parseUTCOffset(s, &pos)
			hasOffset = ok
		case 'Z':
			zones := []string{"UTC", "GMT"}
			if n, _ := time.Now().Zone(); n != "" {
				zones = append(zones, n)
			}
			_, ok = name(zones)
		case '%':
			ok = pos < len(s) && s[pos] == '%'
			pos++
		default:
			return time.Time{}, "'" + string(f[i]) + "' is a bad directive in format " + quoteString(f)
		}
		if !ok {
			return time.Time{}, mismatch
		}
	}
	if pos < len(s) {
		return time.Time{}, "unconverted data remains: " + s[pos:]
	}
	if has12 && pm >= 0 {
		hour %= 12
		if pm == 1 {
			hour += 12
		}
	}
	loc := time.UTC
	if hasOffset {
		loc = time.FixedZone("", offset)
	}
	if yday > 0 {
		t := time.Date(year, 1, 1, hour, minute, sec, us*1000, loc).AddDate(0, 0, yday-1)
		return t, ""
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, us*1000, loc)
	if t.Day() != day {
		return time.Time{}, "day is out of range for month"
	}
	return t, ""
}

// hasPyObject reports whether v holds a pyObject.
func hasPyObject(v any) bool {
	switch x := v.(type) {
	case pyObject:
		return true
	case []any:
		for _, e := range x {
			if hasPyObject(e) {
				return true
			}
		}
	case Tuple:
		for _, e := range x {
			if hasPyObject(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if hasPyObject(e) {
				return true
			}
		}
	}
	return false
}

// mapPyObjects returns v with every pyObject replaced by fn's value
// (containers are copied only when they hold one).
func mapPyObjects(v any, fn func(pyObject) any) any {
	if !hasPyObject(v) {
		return v
	}
	switch x := v.(type) {
	case pyObject:
		return fn(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = mapPyObjects(e, fn)
		}
		return out
	case Tuple:
		out := make(Tuple, len(x))
		for i, e := range x {
			out[i] = mapPyObjects(e, fn)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = mapPyObjects(e, fn)
		}
		setOrder(out, sortedKeys(x))
		return out
	}
	return v
}

// jsonObjects converts datetimes as AnsibleJSONEncoder does (isoformat);
// other objects are not JSON serializable.
func jsonObjects(v any) any {
	return mapPyObjects(v, func(o pyObject) any {
		if d, ok := o.(*DateTime); ok {
			if d.dateOnly {
				return d.pyStr()
			}
			return d.isoformat("T")
		}
		typeErr("Object of type %s is not JSON serializable", o.pyTypeName())
		return nil
	})
}

// yamlPlain is a scalar the YAML emitter writes as is (a timestamp).
type yamlPlain string

// yamlObjects converts datetimes as PyYAML represents them.
func yamlObjects(v any) any {
	return mapPyObjects(v, func(o pyObject) any {
		if d, ok := o.(*DateTime); ok {
			return yamlPlain(d.pyStr())
		}
		valErr("('cannot represent an object', %s)", o.pyRepr())
		return nil
	})
}

// pyTypeQualName is the name Python's operator messages give a type
// (tp_name: datetime.datetime for the datetime module's classes).
func pyTypeQualName(v any) string {
	if o, ok := v.(pyObject); ok {
		return "datetime." + o.pyTypeName()
	}
	return typeName(v)
}

// parseUTCOffset reads strptime's %z at *pos: Z, or [+-]HH[:]MM with
// optional [:]SS[.ffffff]; it returns the offset in seconds.
func parseUTCOffset(s string, pos *int) (int, bool) {
	p := *pos
	if p < len(s) && s[p] == 'Z' {
		*pos = p + 1
		return 0, true
	}
	if p >= len(s) || (s[p] != '+' && s[p] != '-') {
		return 0, false
	}
	sign := 1
	if s[p] == '-' {
		sign = -1
	}
	p++
	two := func() (int, bool) {
		if p+2 > len(s) || s[p] < '0' || s[p] > '9' || s[p+1] < '0' || s[p+1] > '9' {
			return 0, false
		}
		n := int(s[p]-'0')*10 + int(s[p+1]-'0')
		p += 2
		return n, true
	}
	h, ok := two()
	if !ok {
		return 0, false
	}
	colon := p < len(s) && s[p] == ':'
	if colon {
		p++
	}
	m, ok := two()
	if !ok || m > 59 {
		return 0, false
	}
	sec := 0
	if q := p; (colon && q < len(s) && s[q] == ':') || (!colon && q+1 < len(s) && s[q] >= '0' && s[q] <= '5') {
		if colon {
			p++
		}
		if n, ok := two(); ok && n <= 59 {
			sec = n
		} else {
			p = q
		}
	}
	*pos = p
	return sign * (h*3600 + m*60 + sec), true
}

// dateEqual is == of datetimes and timedeltas: naive and aware datetimes
// are never equal.
func dateEqual(a, b any) bool {
	if x, ok := a.(*DateTime); ok {
		if y, ok := b.(*DateTime); !ok || x.aware != y.aware || x.dateOnly != y.dateOnly {
			return false
		}
	}
	c, ok := dateCompare(a, b)
	return ok && c == 0
}
