package ssh

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
)

// UnreachablePrefix is what Ansible puts before ssh's stderr in the msg of
// an UNREACHABLE result.
const UnreachablePrefix = "Failed to connect to the host via ssh:"

// UnreachableError reports that the host could not be reached: Ansible's
// UNREACHABLE. Msg is exactly what Ansible prints after
// "Failed to connect to the host via ssh: ", i.e. OpenSSH's stderr with
// trailing white space removed (lines joined with "\r\n", as ssh writes
// them), e.g.
//
//	ssh: connect to host 127.0.0.11 port 2299: Connection refused
//	root@127.0.0.11: Permission denied (publickey).
//	Host key verification failed.
type UnreachableError struct {
	Msg string
	// Prefix replaces UnreachablePrefix when Ansible uses another one:
	// "Invalid/incorrect password:" for a rejected ansible_password
	// (sshpass's exit status 5).
	Prefix string
	// Err is the underlying Go error, if any (not part of the message).
	Err error
}

// Error returns the full msg of Ansible's UNREACHABLE result.
func (e *UnreachableError) Error() string {
	p := e.Prefix
	if p == "" {
		p = UnreachablePrefix
	}
	return p + " " + e.Msg
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// FailureError is a connection failure that Ansible reports as a task
// failure (FAILED! with only msg), not UNREACHABLE: an AnsibleError the
// ssh plugin raises, e.g. for a password login to a host whose key is not
// known (sshpass exits 6 at ssh's host key prompt).
type FailureError struct {
	Msg string
}

func (e *FailureError) Error() string { return e.Msg }

// TaskFailure marks the error as a task failure for the runner.
func (e *FailureError) TaskFailure() {}

// passwordHostKeyMsg is the ssh plugin's AnsibleError when sshpass exits 6.
const passwordHostKeyMsg = "Using a SSH password instead of a key is not possible because Host Key checking is enabled and sshpass does not support this.  Please add this host's fingerprint to your known_hosts file to manage this host."

// BecomeError is a failed privilege escalation; Ansible reports it as a
// task failure (FAILED!, not UNREACHABLE) with Msg as msg:
// "Missing sudo password", "Incorrect sudo password",
// "Timeout (12s) waiting for privilege escalation prompt: …".
type BecomeError struct {
	Msg string
}

func (e *BecomeError) Error() string { return e.Msg }

// strerror returns C's strerror text for err's errno ("Connection
// refused"); Go's texts are the same but start in lower case.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if errno == syscall.ETIMEDOUT {
			return "Connection timed out"
		}
		if s != "" {
			return strings.ToUpper(s[:1]) + s[1:]
		}
	}
	if isTimeout(err) {
		return "Connection timed out"
	}
	return err.Error()
}

func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// connectError words a failed TCP connect as ssh does.
func connectError(host string, port int, err error) *UnreachableError {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		why := "Temporary failure in name resolution"
		if dnsErr.IsNotFound {
			why = "Name or service not known"
		}
		return &UnreachableError{Msg: fmt.Sprintf("ssh: Could not resolve hostname %s: %s", host, why), Err: err}
	}
	return &UnreachableError{Msg: fmt.Sprintf("ssh: connect to host %s port %d: %s", host, port, strerror(err)), Err: err}
}

// handshakeError words a failure after the TCP connection was made and
// before authentication completed (other than host key and authentication
// failures, which have their own texts). ip/port name the peer as ssh's
// packet layer does; banner tells whether the server's version line
// arrived.
func handshakeError(ip string, port int, banner bool, err error) *UnreachableError {
	peer := fmt.Sprintf("%s port %d", ip, port)
	var msg string
	switch {
	case isTimeout(err) && !banner:
		msg = "Connection timed out during banner exchange\r\nConnection to " + peer + " timed out"
	case isTimeout(err):
		msg = "Connection to " + peer + " timed out"
	case errors.Is(err, syscall.ECONNRESET) && !banner:
		msg = "kex_exchange_identification: read: Connection reset by peer\r\nConnection reset by " + peer
	case errors.Is(err, syscall.ECONNRESET):
		msg = "Connection reset by " + peer
	case closed(err) && !banner:
		msg = "kex_exchange_identification: Connection closed by remote host\r\nConnection closed by " + peer
	case closed(err):
		msg = "Connection closed by " + peer
	default:
		msg = strings.TrimPrefix(err.Error(), "ssh: handshake failed: ")
		if !strings.HasPrefix(msg, "ssh: ") {
			msg = "ssh: " + msg
		}
	}
	return &UnreachableError{Msg: msg, Err: err}
}

// closed reports whether err means the peer closed the connection: an EOF
// on reading, or a broken pipe when our banner was written after a proxy
// command had already exited (ssh reads the EOF in that race).
func closed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.EPIPE)
}
