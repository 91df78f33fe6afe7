package template

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"strconv"
	"strings"

	"golang.org/x/crypto/blowfish"
)

// This file implements the password_hash filter: the MD5-crypt and
// SHA-crypt ($1$, $5$, $6$) password hashes, written from the published
// descriptions (Poul-Henning Kamp's md5crypt and Ulrich Drepper's
// "Unix crypt using SHA-256 and SHA-512"), and bcrypt ($2b$ and its
// variants, the EksBlowfish setup on golang.org/x/crypto/blowfish), with
// the settings passlib applies when Ansible calls it: sha256 and sha512
// default to 535000 and 656000 rounds and always print them unless the
// rounds are the scheme's implicit 5000; bcrypt defaults to cost 12 and
// clears the unused bits of a given salt's last character.

const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// cryptB64 appends n characters encoding the 24-bit group b2 b1 b0, least
// significant six bits first.
func cryptB64(sb *strings.Builder, b2, b1, b0 byte, n int) {
	w := uint(b2)<<16 | uint(b1)<<8 | uint(b0)
	for ; n > 0; n-- {
		sb.WriteByte(cryptAlphabet[w&0x3f])
		w >>= 6
	}
}

// repeatBytes returns src repeated (and cut) to n bytes.
func repeatBytes(src []byte, n int) []byte {
	out := make([]byte, 0, n)
	for len(out) < n {
		k := n - len(out)
		if k > len(src) {
			k = len(src)
		}
		out = append(out, src[:k]...)
	}
	return out
}

// shaCrypt computes the SHA-crypt checksum (the text after the last $) of
// password with salt and rounds; sha512 selects $6$, else $5$.
func shaCrypt(password, salt []byte, rounds int, sha512Mode bool) string {
	newHash := sha256.New
	if sha512Mode {
		newHash = sha512.New
	}
	sum := func(parts ...[]byte) []byte {
		h := newHash()
		for _, p := range parts {
			h.Write(p)
		}
		return h.Sum(nil)
	}
	size := newHash().Size()
	b := sum(password, salt, password)
	h := newHash()
	h.Write(password)
	h.Write(salt)
	h.Write(repeatBytes(b, len(password)))
	for n := len(password); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write(b)
		} else {
			h.Write(password)
		}
	}
	a := h.Sum(nil)
	// P sequence: the digest of the password repeated len(password) times
	h = newHash()
	for i := 0; i < len(password); i++ {
		h.Write(password)
	}
	p := repeatBytes(h.Sum(nil), len(password))
	// S sequence: the digest of the salt repeated 16+a[0] times
	h = newHash()
	for i := 0; i < 16+int(a[0]); i++ {
		h.Write(salt)
	}
	s := repeatBytes(h.Sum(nil), len(salt))
	c := mixRounds(newHash(), a, p, s, rounds)
	var sb strings.Builder
	if size == 64 {
		// groups (i, i+21, i+42) with the bytes rotated by one each group
		for i := 0; i < 21; i++ {
			x, y, z := i, i+21, i+42
			switch i % 3 {
			case 1:
				x, y, z = i+21, i+42, i
			case 2:
				x, y, z = i+42, i, i+21
			}
			cryptB64(&sb, c[x], c[y], c[z], 4)
		}
		cryptB64(&sb, 0, 0, c[63], 2)
	} else {
		for i := 0; i < 10; i++ {
			x, y, z := i, i+10, i+20
			switch i % 3 {
			case 1:
				x, y, z = i+20, i, i+10
			case 2:
				x, y, z = i+10, i+20, i
			}
			cryptB64(&sb, c[x], c[y], c[z], 4)
		}
		cryptB64(&sb, 0, c[31], c[30], 3)
	}
	return sb.String()
}

// md5Crypt computes the MD5-crypt checksum of password with salt.
func md5Crypt(password, salt []byte) string {
	alt := md5.Sum(append(append(append([]byte{}, password...), salt...), password...))
	h := md5.New()
	h.Write(password)
	h.Write([]byte("$1$"))
	h.Write(salt)
	h.Write(repeatBytes(alt[:], len(password)))
	for n := len(password); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write([]byte{0})
		} else {
			h.Write(password[:1])
		}
	}
	c := mixRounds(h, h.Sum(nil), password, salt, 1000)
	var sb strings.Builder
	for i := 0; i < 5; i++ {
		z := i + 12
		if i == 4 {
			z = 5
		}
		cryptB64(&sb, c[i], c[i+6], c[z], 4)
	}
	cryptB64(&sb, 0, 0, c[11], 2)
	return sb.String()
}

// cryptScheme describes one passlib scheme password_hash supports.
type cryptScheme struct {
	name                  string // passlib's name, used in messages
	ident                 string
	maxSalt               int
	defRounds, minRounds  int
	maxRounds             int
	hasRounds             bool
	implicitRoundsOmitted int // rounds printed only when different from this
}

var cryptSchemes = map[string]cryptScheme{
	"md5_crypt":    {name: "md5_crypt", ident: "1", maxSalt: 8},
	"bcrypt":       {name: "bcrypt", ident: "2b", maxSalt: 22, defRounds: 12, minRounds: 4, maxRounds: 31, hasRounds: true},
	"sha256_crypt": {name: "sha256_crypt", ident: "5", maxSalt: 16, defRounds: 535000, minRounds: 1000, maxRounds: 999999999, hasRounds: true, implicitRoundsOmitted: 5000},
	"sha512_crypt": {name: "sha512_crypt", ident: "6", maxSalt: 16, defRounds: 656000, minRounds: 1000, maxRounds: 999999999, hasRounds: true, implicitRoundsOmitted: 5000},
}

// passwordHash is Ansible's password_hash filter (get_encrypted_password)
// as run with passlib.
func passwordHash(v any, args []any, kw map[string]any) string {
	hashtype := strArg(arg(args, kw, 0, "hashtype", "sha512"))
	salt := arg(args, kw, 1, "salt", nil)
	saltSize := arg(args, kw, 2, "salt_size", nil)
	rounds := arg(args, kw, 3, "rounds", nil)
	switch hashtype {
	case "md5", "sha256", "sha512":
		hashtype += "_crypt"
	case "blowfish":
		hashtype = "bcrypt"
	}
	sc, ok := cryptSchemes[hashtype]
	if !ok {
		cryptErr("passlib does not support '" + hashtype + "' algorithm")
	}
	secret := []byte(pyStr(v))
	if sc.name == "bcrypt" {
		return bcryptHash(secret, salt, rounds, arg(args, kw, 4, "ident", nil))
	}
	var saltStr string
	if truthy(salt) {
		saltStr = pyStr(salt)
		if len(saltStr) > sc.maxSalt {
			cryptErr("Could not hash the secret.. salt too large (" + sc.name + " requires <= " + strconv.Itoa(sc.maxSalt) + " chars)")
		}
		for i := 0; i < len(saltStr); i++ {
			if !strings.ContainsRune(cryptAlphabet, rune(saltStr[i])) {
				cryptErr("Could not hash the secret.. invalid characters in " + sc.name + " salt")
			}
		}
	} else {
		n := sc.maxSalt
		if truthy(saltSize) {
			n, _ = toInt(saltSize)
		}
		buf := make([]byte, n)
		_, _ = rand.Read(buf)
		for i := range buf {
			buf[i] = cryptAlphabet[int(buf[i])%64]
		}
		saltStr = string(buf)
	}
	r := cryptRounds(sc, rounds)
	if !sc.hasRounds {
		return "$1$" + saltStr + "$" + md5Crypt(secret, []byte(saltStr))
	}
	out := "$" + sc.ident + "$"
	if r != sc.implicitRoundsOmitted {
		out += "rounds=" + strconv.Itoa(r) + "$"
	}
	return out + saltStr + "$" + shaCrypt(secret, []byte(saltStr), r, sc.ident == "6")
}

// cryptErr fails like Ansible's AnsibleFilterError(msg, orig_exc=...): the
// message is printed twice.
func cryptErr(msg string) {
	panic(&TemplateError{Msg: msg + ". " + msg})
}

// cryptRounds checks the rounds argument as passlib does; the default is
// Ansible's implicit rounds for the scheme.
func cryptRounds(sc cryptScheme, rounds any) int {
	r := sc.defRounds
	if truthy(rounds) {
		if !sc.hasRounds {
			typeErr("MinimalHandler.using() got an unexpected keyword argument 'rounds'")
		}
		var n int
		switch x := rounds.(type) {
		case int:
			n = x
		case string:
			var ok bool
			if n, ok = pyInt(x, 10); !ok {
				valErr("invalid literal for int() with base 10: %s", quoteString(x))
			}
		default:
			typeErr("min_desired_rounds must be integer, not %s", typeName(rounds))
		}
		r = n
		if r < sc.minRounds {
			cryptErr("Could not hash the secret.. " + sc.name + ": min_desired_rounds (" + strconv.Itoa(r) + ") is too low, must be at least " + strconv.Itoa(sc.minRounds))
		}
		if r > sc.maxRounds {
			cryptErr("Could not hash the secret.. " + sc.name + ": min_desired_rounds (" + strconv.Itoa(r) + ") is too large, cannot be more than " + strconv.Itoa(sc.maxRounds))
		}
	}
	return r
}

// bcryptAlphabet is bcrypt's base64 alphabet (big-endian bit order, no
// padding).
const bcryptAlphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

var bcryptB64 = base64.NewEncoding(bcryptAlphabet).WithPadding(base64.NoPadding)

// bcryptRepairUnused clears the padding bits of a bcrypt base64 string's
// last character, as passlib does with a given salt (bcrypt64.repair_unused).
func bcryptRepairUnused(s string) string {
	if s == "" {
		return s
	}
	var mask int
	switch len(s) % 4 {
	case 1:
		valErr("source length must != 1 mod 4")
	case 2:
		mask = 0x30
	case 3:
		mask = 0x3c
	default:
		return s
	}
	i := strings.IndexByte(bcryptAlphabet, s[len(s)-1])
	if i < 0 {
		valErr("substring not found")
	}
	return s[:len(s)-1] + string(bcryptAlphabet[i&mask])
}

// bcryptHash is passlib's bcrypt as Ansible calls it (password_hash with
// 'blowfish' or 'bcrypt').
func bcryptHash(secret []byte, salt, rounds, ident any) string {
	sc := cryptSchemes["bcrypt"]
	id := "2b"
	if truthy(ident) {
		id = pyStr(ident)
		switch id {
		case "2", "2a", "2b", "2y":
		default:
			cryptErr("Could not hash the secret.. invalid ident: " + quoteString(id))
		}
	}
	var saltStr string
	if truthy(salt) {
		saltStr = bcryptRepairUnused(pyStr(salt))
		switch {
		case len(saltStr) > 22:
			cryptErr("Could not hash the secret.. salt too large (bcrypt requires exactly 22 chars)")
		case len(saltStr) < 22:
			cryptErr("Could not hash the secret.. salt too small (bcrypt requires exactly 22 chars)")
		}
		for i := 0; i < len(saltStr); i++ {
			if strings.IndexByte(bcryptAlphabet, saltStr[i]) < 0 {
				cryptErr("Could not hash the secret.. invalid characters in bcrypt salt")
			}
		}
	} else {
		buf := make([]byte, 16)
		_, _ = rand.Read(buf)
		saltStr = bcryptB64.EncodeToString(buf)
	}
	cost := cryptRounds(sc, rounds)
	return "$" + id + "$" + leftZero(cost) + "$" + saltStr + bcryptChecksum(secret, saltStr, cost, id != "2")
}

func leftZero(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// bcryptChecksum computes the 31-character bcrypt hash of password with
// the 22-character salt and the cost (log2 of the rounds): the EksBlowfish
// setup, then "OrpheanBeholderScryDoubt" encrypted 64 times. The key is the
// password, with its terminating NUL unless this is the original $2$
// scheme, cut at 72 bytes.
func bcryptChecksum(password []byte, salt string, cost int, nul bool) string {
	csalt, err := bcryptB64.DecodeString(salt)
	if err != nil || len(csalt) != 16 {
		valErr("invalid bcrypt salt")
	}
	key := append([]byte{}, password...)
	if nul {
		key = append(key, 0)
	}
	if len(key) > 72 {
		key = key[:72]
	}
	c, err := blowfish.NewSaltedCipher(key, csalt)
	if err != nil {
		valErr("%s", err.Error())
	}
	for i := uint64(0); i < 1<<uint(cost); i++ {
		blowfish.ExpandKey(key, c)
		blowfish.ExpandKey(csalt, c)
	}
	data := []byte("OrpheanBeholderScryDoubt")
	for i := 0; i < 24; i += 8 {
		for j := 0; j < 64; j++ {
			c.Encrypt(data[i:i+8], data[i:i+8])
		}
	}
	return bcryptB64.EncodeToString(data[:23])
}

// mixRounds is the rounds loop that MD5-crypt and SHA-crypt share: each
// round hashes the previous digest c with the password (p) and salt (s)
// sequences, in an order set by the round number's parity and its
// divisibility by 3 and 7.
func mixRounds(h hash.Hash, c, p, s []byte, rounds int) []byte {
	for i := 0; i < rounds; i++ {
		h.Reset()
		if i&1 != 0 {
			h.Write(p)
		} else {
			h.Write(c)
		}
		if i%3 != 0 {
			h.Write(s)
		}
		if i%7 != 0 {
			h.Write(p)
		}
		if i&1 != 0 {
			h.Write(c)
		} else {
			h.Write(p)
		}
		c = h.Sum(c[:0])
	}
	return c
}
