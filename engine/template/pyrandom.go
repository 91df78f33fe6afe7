package template

import (
	"crypto/sha512"
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
)

// pyRandom is Python's random.Random: the MT19937 generator seeded with
// init_by_array, and the methods built on getrandbits that the random and
// shuffle filters use, so that a seeded filter gives Python's numbers.
type pyRandom struct {
	mt  [624]uint32
	idx int
	sys *rand.Rand // unseeded: the system generator (any sequence will do)
}

func (r *pyRandom) initGenrand(s uint32) {
	r.mt[0] = s
	for i := 1; i < 624; i++ {
		r.mt[i] = 1812433253*(r.mt[i-1]^(r.mt[i-1]>>30)) + uint32(i)
	}
	r.idx = 624
}

func (r *pyRandom) initByArray(key []uint32) {
	r.initGenrand(19650218)
	i, j := 1, 0
	k := len(key)
	if k < 624 {
		k = 624
	}
	for ; k > 0; k-- {
		r.mt[i] = (r.mt[i] ^ ((r.mt[i-1] ^ (r.mt[i-1] >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= 624 {
			r.mt[0] = r.mt[623]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k = 623; k > 0; k-- {
		r.mt[i] = (r.mt[i] ^ ((r.mt[i-1] ^ (r.mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= 624 {
			r.mt[0] = r.mt[623]
			i = 1
		}
	}
	r.mt[0] = 0x80000000
}

func (r *pyRandom) uint32() uint32 {
	if r.sys != nil {
		return r.sys.Uint32()
	}
	if r.idx >= 624 {
		for k := 0; k < 624; k++ {
			y := r.mt[k]&0x80000000 | r.mt[(k+1)%624]&0x7fffffff
			v := r.mt[(k+397)%624] ^ (y >> 1)
			if y&1 != 0 {
				v ^= 0x9908b0df
			}
			r.mt[k] = v
		}
		r.idx = 0
	}
	y := r.mt[r.idx]
	r.idx++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// getrandbits is random.getrandbits(k) for 0 < k <= 64.
func (r *pyRandom) getrandbits(k int) uint64 {
	if k <= 32 {
		return uint64(r.uint32() >> (32 - k))
	}
	lo := uint64(r.uint32())
	hi := uint64(r.uint32() >> (64 - k))
	return hi<<32 | lo
}

// randbelow is random._randbelow(n) for n > 0.
func (r *pyRandom) randbelow(n uint64) uint64 {
	k := bits.Len64(n)
	x := r.getrandbits(k)
	for x >= n {
		x = r.getrandbits(k)
	}
	return x
}

// newPyRandom returns random.Random(seed), or the system generator when
// seed is nil; the string is Python's error for an unsupported seed.
func newPyRandom(seed any) (*pyRandom, string) {
	r := &pyRandom{}
	var n *big.Int
	switch x := seed.(type) {
	case nil:
		r.sys = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
		return r, ""
	case bool:
		n = big.NewInt(0)
		if x {
			n = big.NewInt(1)
		}
	case int:
		n = big.NewInt(int64(x))
		n.Abs(n)
	case float64:
		n = new(big.Int).SetUint64(uint64(pyHashFloat(x)))
	case string:
		b := []byte(x)
		d := sha512.Sum512(b)
		n = new(big.Int).SetBytes(append(b, d[:]...))
	default:
		return nil, "The only supported seed types are: None,\nint, float, str, bytes, and bytearray."
	}
	b := n.Bytes()
	for len(b)%4 != 0 {
		b = append([]byte{0}, b...)
	}
	var key []uint32
	for i := len(b); i > 0; i -= 4 {
		key = append(key, uint32(b[i-4])<<24|uint32(b[i-3])<<16|uint32(b[i-2])<<8|uint32(b[i-1]))
	}
	if len(key) == 0 {
		key = []uint32{0}
	}
	r.initByArray(key)
	return r, ""
}

// pyHashFloat is Python's hash() of a float.
func pyHashFloat(v float64) int64 {
	const hashBits = 61
	const modulus = uint64(1)<<hashBits - 1
	switch {
	case math.IsInf(v, 1):
		return 314159
	case math.IsInf(v, -1):
		return -314159
	case math.IsNaN(v):
		return 0
	}
	m, e := math.Frexp(v)
	sign := int64(1)
	if m < 0 {
		sign, m = -1, -m
	}
	var x uint64
	for m != 0 {
		x = ((x << 28) & modulus) | x>>(hashBits-28)
		m *= 268435456.0
		e -= 28
		y := uint64(m)
		m -= float64(y)
		x += y
		if x >= modulus {
			x -= modulus
		}
	}
	if e >= 0 {
		e %= hashBits
	} else {
		e = hashBits - 1 - ((-1 - e) % hashBits)
	}
	x = ((x << uint(e)) & modulus) | x>>(hashBits-uint(e))
	h := int64(x) * sign
	if h == -1 {
		h = -2
	}
	return h
}

// randrange is random.randrange(start, stop, step).
func (r *pyRandom) randrange(start, stop, step int) int {
	width := stop - start
	if step == 1 {
		if width > 0 {
			return start + int(r.randbelow(uint64(width)))
		}
		valErr("empty range for randrange() (%d, %d, %d)", start, stop, width)
	}
	var n int
	switch {
	case step > 0:
		n = floorDivInt(width+step-1, step)
	case step < 0:
		n = floorDivInt(width+step+1, step)
	default:
		valErr("zero step for randrange()")
	}
	if n <= 0 {
		valErr("empty range for randrange()")
	}
	return start + step*int(r.randbelow(uint64(n)))
}

func floorDivInt(a, b int) int { return int(floorDiv(int64(a), int64(b))) }

func (r *pyRandom) shuffle(x []any) {
	for i := len(x) - 1; i > 0; i-- {
		j := int(r.randbelow(uint64(i + 1)))
		x[i], x[j] = x[j], x[i]
	}
}

func init() {
	filters["random"] = func(e *evaluator, v any, args []any, kw map[string]any) any {
		start := arg(args, kw, 0, "start", nil)
		step := arg(args, kw, 1, "step", nil)
		r, err := newPyRandom(arg(args, kw, 2, "seed", nil))
		if err != "" {
			typeErr("%s", err)
		}
		if b, ok := v.(bool); ok {
			v = 0
			if b {
				v = 1
			}
		}
		if n, ok := v.(int); ok {
			s, st := 0, 1
			if truthy(start) {
				s = intArg(start)
			}
			if truthy(step) {
				st = intArg(step)
			}
			return r.randrange(s, n, st)
		}
		if !isIterable(v) {
			filterErr("random can only be used on sequences and integers")
		}
		if truthy(start) || truthy(step) {
			filterErr("start and step can only be used with integer values")
		}
		items := toList(v)
		if len(items) == 0 {
			panic(&TemplateError{Msg: "Cannot choose from an empty sequence"})
		}
		if _, isMap := v.(map[string]any); isMap {
			// choice indexes the dict: a key error unless the index is a key
			valErr("%d", r.randbelow(uint64(len(items))))
		}
		return norm(items[r.randbelow(uint64(len(items)))])
	}
	filters["shuffle"] = func(e *evaluator, v any, args []any, kw map[string]any) any {
		if !isIterable(v) {
			return v
		}
		items := append([]any{}, toList(v)...)
		seed := arg(args, kw, 0, "seed", nil)
		if !truthy(seed) {
			seed = nil
		}
		r, err := newPyRandom(seed)
		if err != "" {
			return items
		}
		r.shuffle(items)
		return items
	}
}
