// Package vault reads Ansible Vault data: whole encrypted files and the
// inline `!vault` values of YAML, format 1.1 and 1.2 (AES256: PBKDF2-SHA256
// with 10000 iterations derives the AES-256-CTR key, the HMAC-SHA256 key
// and the counter block from the password and the salt; the HMAC of the
// ciphertext is checked before decrypting; PKCS#7 padding).
//
// The secrets come from the command line (--vault-password-file,
// --ask-vault-pass, --vault-id) and are set once for the run with
// SetSecrets; the loaders of playbooks, inventories, variable files and the
// file-reading modules and lookups call ReadFile or Decrypt.
package vault

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Header starts every vault text.
const Header = "$ANSIBLE_VAULT"

// Secret is one vault password and its vault id ("default" when none was
// given).
type Secret struct {
	ID       string
	Password []byte
}

// Error is a vault error with Ansible's message.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// ErrNoSecrets is Ansible's error for encrypted data when no password was
// given.
var ErrNoSecrets = &Error{Msg: "Attempting to decrypt but no vault secrets found"}

var (
	mu      sync.RWMutex
	secrets []Secret
)

// SetSecrets sets the run's vault secrets, in the order they are tried.
func SetSecrets(s []Secret) {
	mu.Lock()
	defer mu.Unlock()
	secrets = append([]Secret(nil), s...)
}

// Secrets returns the run's vault secrets.
func Secrets() []Secret {
	mu.RLock()
	defer mu.RUnlock()
	return secrets
}

// IsEncrypted reports whether data is vault text (ASCII, starting with
// the header).
func IsEncrypted(data []byte) bool {
	if !bytes.HasPrefix(data, []byte(Header)) {
		return false
	}
	for _, b := range data {
		if b >= 0x80 {
			return false
		}
	}
	return true
}

// IsEncryptedFile reports whether the file at path starts with the vault
// header, reading only that much.
func IsEncryptedFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(Header))
	n, _ := io.ReadFull(f, head)
	return n == len(head) && string(head) == Header
}

// ReadFile reads a file, decrypting it when it is vault encrypted (as
// Ansible's DataLoader does for every file it loads).
func ReadFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil || !IsEncrypted(data) {
		return data, err
	}
	return DecryptFile(data, path)
}

// DecryptFile decrypts vault text read from file (named in the error).
func DecryptFile(data []byte, file string) ([]byte, error) {
	return decrypt(data, file, Secrets())
}

// Decrypt decrypts vault text with the run's secrets.
func Decrypt(data []byte) ([]byte, error) { return decrypt(data, "", Secrets()) }

// DecryptWith decrypts vault text with the given secrets.
func DecryptWith(data []byte, s []Secret) ([]byte, error) { return decrypt(data, "", s) }

func decrypt(data []byte, file string, s []Secret) ([]byte, error) {
	if !IsEncrypted(data) {
		msg := "input is not vault encrypted data. "
		if file != "" {
			msg += file + " is not a vault encrypted file"
		}
		return nil, &Error{Msg: msg}
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	header := strings.Split(strings.TrimSpace(lines[0]), ";")
	if len(header) < 3 {
		return nil, &Error{Msg: "Vault envelope format error: not enough fields in the header"}
	}
	if c := strings.TrimSpace(header[2]); c != "AES256" {
		return nil, &Error{Msg: c + " cipher could not be found"}
	}
	id := ""
	if len(header) >= 4 {
		id = strings.TrimSpace(header[3])
	}
	body := strings.Join(lines[1:], "")
	if len(s) == 0 {
		return nil, ErrNoSecrets
	}
	salt, mac, ct, err := parseBody(body)
	if err != nil {
		msg := "There was a vault format error"
		if file != "" {
			msg += " in " + file
		}
		return nil, &Error{Msg: msg + ": " + err.Error()}
	}
	// the secret of the text's vault id first, then the others
	order := make([]Secret, 0, len(s))
	for _, x := range s {
		if id != "" && x.ID == id {
			order = append(order, x)
		}
	}
	for _, x := range s {
		if id == "" || x.ID != id {
			order = append(order, x)
		}
	}
	for _, x := range order {
		if pt, ok := open(x.Password, salt, mac, ct); ok {
			return pt, nil
		}
	}
	msg := "Decryption failed (no vault secrets were found that could decrypt)"
	if file != "" {
		msg += " on " + file
	}
	return nil, &Error{Msg: msg}
}

// parseBody splits the hex body into salt, HMAC and ciphertext.
func parseBody(body string) (salt, mac, ct []byte, err error) {
	raw, err := hex.DecodeString(strings.TrimSpace(body))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("Vault format unhexlify error: %v", err)
	}
	parts := bytes.SplitN(raw, []byte("\n"), 3)
	if len(parts) != 3 {
		return nil, nil, nil, errors.New("Vault format unhexlify error: not enough values")
	}
	if salt, err = hex.DecodeString(string(parts[0])); err != nil {
		return nil, nil, nil, fmt.Errorf("Vault format unhexlify error: %v", err)
	}
	if mac, err = hex.DecodeString(string(parts[1])); err != nil {
		return nil, nil, nil, fmt.Errorf("Vault format unhexlify error: %v", err)
	}
	if ct, err = hex.DecodeString(string(parts[2])); err != nil {
		return nil, nil, nil, fmt.Errorf("Vault format unhexlify error: %v", err)
	}
	return salt, mac, ct, nil
}

func keys(password, salt []byte) (key1, key2, iv []byte) {
	dk, err := pbkdf2.Key(sha256.New, string(password), salt, 10000, 2*32+16)
	if err != nil {
		// only for FIPS 140-only mode's limits, which these sizes meet
		dk = make([]byte, 80)
	}
	return dk[:32], dk[32:64], dk[64:80]
}

// open checks the HMAC and decrypts; ok is false for a wrong password.
func open(password, salt, mac, ct []byte) ([]byte, bool) {
	k1, k2, iv := keys(password, salt)
	h := hmac.New(sha256.New, k2)
	h.Write(ct)
	if !hmac.Equal(h.Sum(nil), mac) {
		return nil, false
	}
	block, err := aes.NewCipher(k1)
	if err != nil {
		return nil, false
	}
	pt := make([]byte, len(ct))
	cipher.NewCTR(block, iv).XORKeyStream(pt, ct)
	n := len(pt)
	if n == 0 || n%aes.BlockSize != 0 {
		return nil, false
	}
	pad := int(pt[n-1])
	if pad == 0 || pad > aes.BlockSize || pad > n {
		return nil, false
	}
	for _, b := range pt[n-pad:] {
		if int(b) != pad {
			return nil, false
		}
	}
	return pt[:n-pad], true
}

// Encrypt makes vault text of plaintext with secret (format 1.1, or 1.2
// when the secret has an id other than "default"), as ansible-vault
// encrypt writes it: 80-column lines and a final newline.
func Encrypt(plaintext []byte, s Secret) ([]byte, error) {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	k1, k2, iv := keys(s.Password, salt)
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	padded := append(append([]byte(nil), plaintext...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, err := aes.NewCipher(k1)
	if err != nil {
		return nil, err
	}
	ct := make([]byte, len(padded))
	cipher.NewCTR(block, iv).XORKeyStream(ct, padded)
	h := hmac.New(sha256.New, k2)
	h.Write(ct)
	inner := hex.EncodeToString(salt) + "\n" + hex.EncodeToString(h.Sum(nil)) + "\n" + hex.EncodeToString(ct)
	body := hex.EncodeToString([]byte(inner))
	var b strings.Builder
	if s.ID != "" && s.ID != "default" {
		b.WriteString(Header + ";1.2;AES256;" + s.ID + "\n")
	} else {
		b.WriteString(Header + ";1.1;AES256\n")
	}
	for len(body) > 80 {
		b.WriteString(body[:80] + "\n")
		body = body[80:]
	}
	b.WriteString(body + "\n")
	return []byte(b.String()), nil
}

// Undecryptable stands for an inline !vault value that the run's secrets
// cannot decrypt. As in Ansible, loading it is not an error; using it is:
// the templater fails the task with Err.
type Undecryptable struct {
	Text string
	Err  *Error
}

// inlined holds the plaintexts of the inline values decrypted so far, for
// type_debug (AnsibleVaultEncryptedUnicode).
var inlined sync.Map

// FromInline reports whether s is the plaintext of an inline !vault value.
func FromInline(s string) bool {
	_, ok := inlined.Load(s)
	return ok
}

// Inline is the value of a YAML scalar tagged !vault: the decrypted text,
// or an *Undecryptable.
func Inline(text string) any {
	pt, err := Decrypt([]byte(text))
	if err == nil {
		inlined.Store(string(pt), true)
	}
	if err != nil {
		ve, ok := err.(*Error)
		if !ok {
			ve = &Error{Msg: err.Error()}
		}
		return &Undecryptable{Text: text, Err: ve}
	}
	return string(pt)
}
