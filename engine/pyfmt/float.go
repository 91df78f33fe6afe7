package pyfmt

import (
	"math"
	"strconv"
	"strings"
)

// FormatFloat returns Python's repr() of a float: the shortest string that
// round-trips, in fixed notation when the decimal exponent is in [-5, 16)
// (always with a fractional part, e.g. "1.0"), otherwise in scientific
// notation with a signed exponent of at least two digits ("1e+16",
// "1.5e-07"). Special values are "inf", "-inf" and "nan"; negative zero is
// "-0.0".
func FormatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	// Shortest round-trip digits in scientific form: [-]d[.ddd]e±XX
	e := strconv.FormatFloat(f, 'e', -1, 64)
	i := strings.LastIndexByte(e, 'e')
	exp, _ := strconv.Atoi(e[i+1:])
	if exp < -4 || exp >= 16 {
		// Go already uses Python's layout: at least two exponent digits.
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// jsonFloat is json.dumps' float formatting (float.__repr__ plus the
// JavaScript spellings of the special values).
func jsonFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return FormatFloat(f)
}
