package modules

import (
	"sync"
)

// AsyncJob is a task run with async: the engine runs the module in the
// background and async_status reports on it. goplay keeps the job on the
// controller (the module's Go code drives the target through the run's
// connection), so a job lives as long as the goplay run.
type AsyncJob struct {
	// ID is the job id (ansible_job_id) and ResultsFile the path Ansible's
	// async_wrapper writes the result to on the target, which results
	// report.
	ID, ResultsFile string
	done            chan struct{}
	result          map[string]any
}

// NewAsyncJob registers a running job for host.
func NewAsyncJob(host, id, resultsFile string) *AsyncJob {
	j := &AsyncJob{ID: id, ResultsFile: resultsFile, done: make(chan struct{})}
	jobsMu.Lock()
	jobs[host+"\x00"+id] = j
	jobsMu.Unlock()
	return j
}

// Finish records the module's result.
func (j *AsyncJob) Finish(result map[string]any) {
	j.result = result
	close(j.done)
}

// Done is closed when the job finished.
func (j *AsyncJob) Done() <-chan struct{} { return j.done }

// Result is the module's result once Done is closed, else nil.
func (j *AsyncJob) Result() map[string]any {
	select {
	case <-j.done:
		return j.result
	default:
		return nil
	}
}

var (
	jobsMu sync.Mutex
	jobs   = map[string]*AsyncJob{}
)

// LookupAsyncJob finds host's job id.
func LookupAsyncJob(host, id string) (*AsyncJob, bool) {
	jobsMu.Lock()
	defer jobsMu.Unlock()
	j, ok := jobs[host+"\x00"+id]
	return j, ok
}

// RemoveAsyncJob forgets host's job id (async_status mode=cleanup).
func RemoveAsyncJob(host, id string) {
	jobsMu.Lock()
	delete(jobs, host+"\x00"+id)
	jobsMu.Unlock()
}
