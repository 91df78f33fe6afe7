package runner

import (
	"context"
	"errors"
	"io"

	"github.com/goplay/goplay/engine/output"
	"github.com/goplay/goplay/modules"
)

// Options configure a run.
type Options struct {
	Verbosity   int
	Check, Diff bool
	Forks       int
	ExtraVars   map[string]any
	// ExtraVarsYAML names the extra vars that came from YAML (their
	// strings are AnsibleUnicode for type_debug; JSON and k=v give str).
	ExtraVarsYAML map[string]bool
	Tags          []string
	SkipTags      []string
	StartAtTask   string
	Limit         string
	RolesPath     []string
	ForceHandlers bool
	// Connection is -c; RemoteUser is -u; PrivateKey is --private-key.
	Connection string
	RemoteUser string
	RemotePort int
	// RemoteTmp is the shell's remote_tmp (ansible.cfg remote_tmp,
	// ANSIBLE_REMOTE_TEMP); the ansible_remote_tmp variable overrides it.
	RemoteTmp  string
	PrivateKey string
	Timeout    int
	// HostKeyChecking is on by default, as in Ansible.
	HostKeyChecking bool
	Become          bool
	BecomeUser      string
	BecomeMethod    string
	BecomeFlags     string
	BecomePass      string
	ConnPass        string
	// SSHArgs, SSHCommonArgs and SSHExtraArgs are ssh_args,
	// ssh_common_args and ssh_extra_args (the last two may be overridden
	// per host by ansible_ssh_common_args / ansible_ssh_extra_args).
	SSHArgs, SSHCommonArgs, SSHExtraArgs string
	// PollInterval is DEFAULT_POLL_INTERVAL, the poll of async tasks that
	// give none.
	PollInterval int
	// Gathering is implicit, explicit or smart (ansible.cfg gathering).
	Gathering string
	// GatherSubset, GatherTimeout and FactPath are the plays' defaults for
	// the implicit fact gathering (DEFAULT_GATHER_SUBSET, ...; nil, 0 and
	// "" for none).
	GatherSubset  []string
	GatherTimeout int
	FactPath      string
	// DisplayArgs is display_args_to_stdout.
	DisplayArgs bool
	// AnyErrorsFatal is the configured default.
	AnyErrorsFatal bool
	// AEFUnreachableAborts is goplay's opt-in improvement
	// (--aef-unreachable-aborts): with any_errors_fatal, an unreachable
	// host ends the whole play as a failed one does, instead of only the
	// current serial batch (ansible-core 2.14's behaviour).
	AEFUnreachableAborts bool
	// ConfigFile is the ansible.cfg in use, for ansible_config_file.
	ConfigFile string
	// InventorySources are the -i sources, for inventory_dir/inventory_file.
	InventorySources []string
	// Connector opens connections for non-local hosts; nil means SSH is not
	// available and such hosts are unreachable.
	Connector Connector
	Stdin     io.Reader
	// LegacyBareVars enables the Ansible 1.x bare-variable loops (on).
	LegacyBareVars bool
	// Callback prints the run; Display prints warnings.
	Callback output.Callback
	Display  *output.Display
}

// ConnSpec says how to reach one host, resolved from its variables.
type ConnSpec struct {
	Host            string // inventory name
	Address         string
	Port            int
	User            string
	PrivateKeyFiles []string
	Password        string
	Timeout         int
	HostKeyChecking bool
	CommonArgs      string
	Become          *BecomeSpec
	Vars            map[string]any
}

// BecomeSpec is the privilege escalation of one task.
type BecomeSpec struct {
	Method, User, Flags, Password, Exe string
	// RemoteTmp is the task's remote_tmp, unexpanded (where a module run as
	// an unprivileged become user makes its working directory).
	RemoteTmp string
}

// Connector opens connections of a given type (ssh, …).
type Connector interface {
	Connect(ctx context.Context, kind string, spec *ConnSpec) (modules.Conn, error)
}

// UnreachableError is a connection failure; Msg is shown after
// "Failed to connect to the host via ssh: ".
type UnreachableError interface {
	error
	Unreachable() string
}

// unreachableMsg is the msg of the UNREACHABLE result for ue: Msg after
// "Failed to connect to the host via ssh: ", or after the prefix ue gives
// with an UnreachablePrefix() string method (sshpass's "Invalid/incorrect
// password:").
func unreachableMsg(ue UnreachableError) string {
	p := "Failed to connect to the host via ssh:"
	if pe, ok := ue.(interface{ UnreachablePrefix() string }); ok && pe.UnreachablePrefix() != "" {
		p = pe.UnreachablePrefix()
	}
	return p + " " + ue.Unreachable()
}

// isTaskFailure reports whether a connection error is one Ansible reports
// as a task failure (FAILED! with only msg), not UNREACHABLE: the error
// has a TaskFailure() method (ssh's *FailureError).
func isTaskFailure(err error) bool {
	var tf interface{ TaskFailure() }
	return errors.As(err, &tf)
}
