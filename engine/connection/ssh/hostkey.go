package ssh

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// hostKeyChecker verifies server keys against known_hosts as OpenSSH does
// with StrictHostKeyChecking=yes (or ask without a terminal): unknown and
// changed keys are refused with ssh's words.
type hostKeyChecker struct {
	r       *resolved
	db      ssh.HostKeyCallback // nil when no known_hosts file exists
	mu      sync.Mutex
	refusal error // *UnreachableError or *FailureError
}

func newHostKeyChecker(r *resolved) (*hostKeyChecker, error) {
	h := &hostKeyChecker{r: r}
	if r.strict == "no" {
		return h, nil
	}
	var files []string
	for _, f := range append(append([]string(nil), r.userKnown...), r.globalKnwn...) {
		if st, err := os.Stat(f); err == nil && !st.IsDir() {
			files = append(files, f)
		}
	}
	if len(files) > 0 {
		db, err := knownhosts.New(files...)
		if err != nil {
			return nil, err
		}
		h.db = db
	}
	return h, nil
}

// displayHost is how ssh names host:port in its messages.
func displayHost(host string, port int) string {
	if port == 22 {
		return host
	}
	return "[" + host + "]:" + strconv.Itoa(port)
}

var (
	probeKeyOnce sync.Once
	probeKey     ssh.PublicKey
)

// knownKeys returns the known_hosts entries for addr (host:port).
func (h *hostKeyChecker) knownKeys(addr string) []knownhosts.KnownKey {
	if h.db == nil {
		return nil
	}
	probeKeyOnce.Do(func() {
		pub, _, _ := ed25519.GenerateKey(nil)
		probeKey, _ = ssh.NewPublicKey(pub)
	})
	var ke *knownhosts.KeyError
	if err := h.db(addr, fakeAddr(addr), probeKey); errors.As(err, &ke) {
		return ke.Want
	}
	return nil
}

// algorithms returns the host key algorithms to offer: those of the keys
// already known for addr first (as OpenSSH orders them), then the rest.
func (h *hostKeyChecker) algorithms(addr string) []string {
	if h.r.strict == "no" {
		return nil
	}
	var pref []string
	for _, k := range h.knownKeys(addr) {
		for _, a := range algorithmsForKeyType(k.Key.Type()) {
			if !slices.Contains(pref, a) {
				pref = append(pref, a)
			}
		}
	}
	if len(pref) == 0 {
		return nil
	}
	for _, a := range ssh.SupportedAlgorithms().HostKeys {
		if !slices.Contains(pref, a) {
			pref = append(pref, a)
		}
	}
	return pref
}

func algorithmsForKeyType(t string) []string {
	switch t {
	case ssh.KeyAlgoRSA:
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	case ssh.CertAlgoRSAv01:
		return []string{ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01, ssh.CertAlgoRSAv01}
	}
	return []string{t}
}

// fakeAddr makes knownhosts look at the host name only (OpenSSH's
// CheckHostIP is off by default).
type fakeAddr string

func (a fakeAddr) Network() string { return "tcp" }
func (a fakeAddr) String() string  { return string(a) }

// callback is the ssh.HostKeyCallback.
func (h *hostKeyChecker) callback(addr string, _ net.Addr, key ssh.PublicKey) error {
	if h.r.strict == "no" {
		return nil
	}
	host, port := h.r.hostname, h.r.port
	var err error
	if h.db != nil {
		err = h.db(addr, fakeAddr(addr), key)
	} else {
		err = &knownhosts.KeyError{}
	}
	if err == nil {
		return nil
	}
	var msg string
	var ke *knownhosts.KeyError
	var re *knownhosts.RevokedError
	switch {
	case errors.As(err, &re):
		msg = strings.Join([]string{
			"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
			"@       WARNING: REVOKED HOST KEY DETECTED!               @",
			"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
			fmt.Sprintf("The %s host key for %s is marked as revoked.", keyTypeName(key.Type()), displayHost(host, port)),
			"This could mean that a stolen key is being used to",
			"impersonate this host.",
			"Host key verification failed.",
		}, "\r\n")
	case errors.As(err, &ke):
		var same *knownhosts.KnownKey
		for i := range ke.Want {
			if ke.Want[i].Key.Type() == key.Type() {
				same = &ke.Want[i]
				break
			}
		}
		if same == nil {
			if h.r.strict == "accept-new" && len(ke.Want) == 0 {
				return nil
			}
			if h.r.strictAsk && h.r.cfg.Password != "" {
				// ssh asks "Are you sure you want to continue
				// connecting" on sshpass's terminal; sshpass exits 6.
				fe := &FailureError{Msg: passwordHostKeyMsg}
				h.mu.Lock()
				h.refusal = fe
				h.mu.Unlock()
				return fe
			}
			msg = "Host key verification failed."
			if !h.r.strictAsk {
				// StrictHostKeyChecking=yes says why before failing;
				// ask without a terminal just fails.
				msg = fmt.Sprintf("No %s host key is known for %s and you have requested strict checking.\r\n%s",
					keyTypeName(key.Type()), displayHost(host, port), msg)
			}
			break
		}
		msg = changedKeyMessage(h.r, key, same)
	default:
		msg = err.Error()
	}
	ue := &UnreachableError{Msg: msg, Err: err}
	h.mu.Lock()
	h.refusal = ue
	h.mu.Unlock()
	return ue
}

// changedKeyMessage is OpenSSH's stderr for a known host presenting a
// different key (sshconnect.c, HOST_CHANGED with strict checking).
func changedKeyMessage(r *resolved, key ssh.PublicKey, known *knownhosts.KnownKey) string {
	dh := displayHost(r.hostname, r.port)
	userFile := known.Filename
	if len(r.userKnown) > 0 {
		userFile = r.userKnown[0]
	}
	return strings.Join([]string{
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
		"@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
		"IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
		"Someone could be eavesdropping on you right now (man-in-the-middle attack)!",
		"It is also possible that a host key has just been changed.",
		fmt.Sprintf("The fingerprint for the %s key sent by the remote host is\n%s.", keyTypeName(key.Type()), ssh.FingerprintSHA256(key)),
		"Please contact your system administrator.",
		fmt.Sprintf("Add correct host key in %s to get rid of this message.", userFile),
		fmt.Sprintf("Offending %s key in %s:%d", keyTypeName(known.Key.Type()), known.Filename, known.Line),
		"  remove with:",
		fmt.Sprintf("  ssh-keygen -f \"%s\" -R \"%s\"", known.Filename, dh),
		fmt.Sprintf("Host key for %s has changed and you have requested strict checking.", dh),
		"Host key verification failed.",
	}, "\r\n")
}

// keyTypeName is OpenSSH's sshkey_type(): "ED25519", "RSA", "ECDSA" …
func keyTypeName(t string) string {
	cert := strings.HasSuffix(t, "-cert-v01@openssh.com")
	t = strings.TrimSuffix(t, "-cert-v01@openssh.com")
	var n string
	switch {
	case t == ssh.KeyAlgoED25519:
		n = "ED25519"
	case t == ssh.KeyAlgoSKED25519:
		n = "ED25519-SK"
	case t == ssh.KeyAlgoRSA:
		n = "RSA"
	case t == ssh.KeyAlgoDSA:
		n = "DSA"
	case t == ssh.KeyAlgoSKECDSA256:
		n = "ECDSA-SK"
	case strings.HasPrefix(t, "ecdsa-sha2-"):
		n = "ECDSA"
	default:
		n = strings.ToUpper(t)
	}
	if cert {
		n += "-CERT"
	}
	return n
}
