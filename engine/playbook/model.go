package playbook

// Playbook is a parsed playbook file with its imported playbooks inlined.
type Playbook struct {
	File  string // absolute path
	Dir   string // the playbook's directory (playbook_dir)
	Plays []*Play
	libs  *[]string
	// cfgLibs are the configured library directories.
	cfgLibs []string
}

// LibraryDirs lists where external modules are searched: the playbook's
// library/, the loaded roles' library/, then the configured directories.
func (pb *Playbook) LibraryDirs() []string {
	if pb.libs == nil {
		return nil
	}
	return *pb.libs
}

// Options returns loading options for files included at run time, sharing
// the playbook's library directories.
func (pb *Playbook) Options(o Options) Options {
	o.lib = pb.libs
	o.LibraryDirs = pb.cfgLibs
	return o
}

// Attrs are the keywords that plays, roles, blocks and tasks share and that
// a task inherits from its parents when it does not set them itself. A nil
// pointer or an absent value means "not set here".
type Attrs struct {
	When           []any // ANDed with the parents' conditions
	Tags           []string
	Vars           map[string]any
	Environment    []any
	Become         *bool
	BecomeUser     any
	BecomeMethod   any
	BecomeFlags    any
	BecomeExe      any
	IgnoreErrors   *bool
	IgnoreUnreach  *bool
	AnyErrorsFatal *bool
	RunOnce        *bool
	NoLog          any
	CheckMode      *bool
	Diff           *bool
	DelegateTo     any
	DelegateFacts  *bool
	Connection     string
	RemoteUser     any
	Port           any
	Notify         []string
	Throttle       int
	Timeout        int
	// ModuleDefaults is module_defaults as a list of mappings keyed by the
	// actions' short names (gather_facts keeps its own), values unrendered.
	ModuleDefaults []any
	// Set lists the keywords given explicitly, for inheritance decisions.
	Set map[string]bool
}

// Play is one play.
type Play struct {
	Pos  Pos
	Name string
	// HasName reports whether the play set name (an empty name prints the
	// host pattern, as Ansible does).
	HasName      bool
	Hosts        []string
	HostsRaw     any
	GatherFacts  *bool
	GatherSubset []string
	// GatherTimeout and FactPath are the play's gather_timeout (nil when
	// not set) and fact_path ("" when not set).
	GatherTimeout any
	FactPath      string
	VarsFiles     []any
	VarsPrompt    []any
	// UnsafeVars names play vars whose values must not be templated
	// (vars_prompt entries with unsafe: true, once asked).
	UnsafeVars   []string
	Serial       []any
	MaxFailPct   *float64
	Strategy     string
	Order        string
	ForceHandler bool
	Attrs
	Roles []*Role
	// Imported are the roles of import_role tasks, in load order: like
	// Roles, their defaults and vars reach the whole play.
	Imported  []*Role
	PreTasks  []*Task
	Tasks     []*Task
	PostTasks []*Task
	Handlers  []*Task
	Playbook  *Playbook
}

// Role is a role applied to a play (roles:, import_role, include_role).
type Role struct {
	Pos      Pos
	Name     string
	Path     string
	Params   map[string]any // role parameters (role: x, foo: 1)
	Defaults map[string]any
	RoleVars map[string]any
	Tasks    []*Task
	Handlers []*Task
	Deps     []*Role
	Attrs
	// Public exports role vars/defaults to the play (import_role and play
	// roles always; include_role with public: yes).
	Public bool
	// AllowDuplicates is meta/main.yml's allow_duplicates: the role runs
	// again when listed again with the same parameters.
	AllowDuplicates bool
}

// LoopControl is the loop_control keyword.
type LoopControl struct {
	LoopVar  string
	IndexVar string
	Label    any
	Pause    any
	Extended bool
}

// Task is a task, a handler or a block. A block has IsBlock set and its
// tasks in Block, Rescue and Always.
type Task struct {
	Pos     Pos
	Name    any // the name as written: a string, possibly a template
	HasName bool
	Attrs

	// Action is the module as written (`ansible.builtin.debug`); Module is
	// its registered short name.
	Action string
	Module string
	Args   map[string]any
	// ArgOrder keeps the order of k=v keys as written.
	ArgOrder []string
	// ArgsKV reports that the action's arguments were written as k=v text
	// (Ansible's parse_kv: every value a plain str), not as a mapping.
	ArgsKV bool
	// UnsafeVars names entries of Vars whose values are unsafe (not
	// templated again): the with_* loop variables of a dynamic include.
	UnsafeVars []string

	Loop        any
	HasLoop     bool
	LoopWith    string // "items", "list", "dict", … for with_*; "" for loop:
	LoopControl *LoopControl
	Register    string
	Until       []any
	Retries     any
	HasRetries  bool
	Delay       any
	ChangedWhen []any
	FailedWhen  []any
	Listen      []string
	Async       int
	Poll        int
	HasPoll     bool // poll given (else DEFAULT_POLL_INTERVAL)

	IsBlock bool
	Block   []*Task
	Rescue  []*Task
	Always  []*Task

	// Static includes resolved at load time keep where they came from.
	Parent *Task // enclosing block
	Role   *Role
	Play   *Play
	// IncludeFile is the task file of include_tasks/import_tasks, as written.
	IncludeFile any
	// Handler marks tasks in a handlers section.
	Handler bool
}

// DisplayName is the task's name as written, or the action when it has none.
func (t *Task) DisplayName() string {
	if t.HasName {
		if s, ok := t.Name.(string); ok {
			return s
		}
	}
	return t.Action
}

// KVArgs reports whether the action's arguments were k=v text.
func (t *Task) KVArgs() bool { return t.ArgsKV }
