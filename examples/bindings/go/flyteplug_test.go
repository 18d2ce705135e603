package flyteplug

// Tests of the Go host. Run by CTest (tests/hosts/run_go_test.sh) with:
//   FLYTEPLUG_SOURCE_DIR        the source tree (example tasks)
//   FLYTEPLUG_EXTRA_MODULE_DIR  a directory holding the k8s-job module
//   FLYTEPLUG_ABI_SIZES         the abi_sizes program (C sizes as JSON)

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var databricksConfig = []byte(`{"plugins":{"databricks":{"databricksInstance":"dbc-test.cloud.databricks.com"}}}`)

func source(t *testing.T, parts ...string) string {
	t.Helper()
	dir := os.Getenv("FLYTEPLUG_SOURCE_DIR")
	if dir == "" {
		t.Skip("FLYTEPLUG_SOURCE_DIR not set")
	}
	return filepath.Join(append([]string{dir}, parts...)...)
}

func readTask(t *testing.T, parts ...string) []byte {
	t.Helper()
	data, err := os.ReadFile(source(t, parts...))
	if err != nil {
		t.Skipf("example task missing: %v", err)
	}
	return data
}

var startTime = regexp.MustCompile(`(FLYTE_START_TIME[^0-9]{1,40})[0-9]{10,}`)

// stable zeroes FLYTE_START_TIME (the submission time in ms, set as Flyte
// does, so it differs between calls) in a manifest.
func stable(manifest []byte) string {
	return startTime.ReplaceAllString(string(manifest), "${1}0")
}

func extraPaths() []string {
	if dir := os.Getenv("FLYTEPLUG_EXTRA_MODULE_DIR"); dir != "" {
		return []string{dir}
	}
	return nil
}

func openLoader(t *testing.T, host Host) *Loader {
	t.Helper()
	l, err := Open(Options{Paths: extraPaths(), Config: databricksConfig, Host: host})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(l.Close)
	return l
}

func context(t *testing.T, l *Loader, parts ...string) []byte {
	t.Helper()
	ctx, err := l.TaskContextFromJSON(readTask(t, parts...))
	if err != nil {
		t.Fatalf("TaskContextFromJSON: %v", err)
	}
	return ctx
}

func TestStructSizesMatchC(t *testing.T) {
	got := StructSizes()
	want := map[string]int{
		"flyteplug_bytes": 16, "flyteplug_buffer": 32, "flyteplug_error": 24,
		"flyteplug_host_api": 64, "flyteplug_status": 16,
		"flyteplug_loader_options": 80, "flyteplug_module_info": 64,
	}
	if program := os.Getenv("FLYTEPLUG_ABI_SIZES"); program != "" {
		out, err := exec.Command(program).Output()
		if err != nil {
			t.Fatalf("%s: %v", program, err)
		}
		var c map[string]int
		if err := json.Unmarshal(out, &c); err != nil {
			t.Fatal(err)
		}
		for name, size := range want {
			if c[name] != size {
				t.Errorf("C sizeof(%s) = %d, want %d", name, c[name], size)
			}
		}
	}
	for name, size := range want {
		if got[name] != size {
			t.Errorf("cgo sizeof(%s) = %d, want %d", name, got[name], size)
		}
	}
}

func TestModules(t *testing.T) {
	l := openLoader(t, nil)
	modules, err := l.Modules()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]ModuleInfo{}
	for _, m := range modules {
		byID[m.ID] = m
		if !filepath.IsAbs(m.Path) || m.Version == "" || m.ABIMajor != 1 {
			t.Errorf("module %+v: bad path, version or ABI", m)
		}
	}
	if byID["spark"].Family != FamilyK8sResource {
		t.Errorf("spark: %+v", byID["spark"])
	}
	if byID["databricks"].Family != FamilyWebAPI {
		t.Errorf("databricks: %+v", byID["databricks"])
	}
	if extraPaths() != nil {
		job, ok := byID["k8s-job"]
		if !ok || len(job.TaskTypes) != 1 || job.TaskTypes[0] != "batch-job" {
			t.Errorf("k8s-job: %+v (found %v)", job, ok)
		}
		resolved, err := l.Resolve("batch-job")
		if err != nil || resolved.ID != "k8s-job" {
			t.Errorf("Resolve(batch-job) = %+v, %v", resolved, err)
		}
	}
}

func TestBuildSparkManifestAndStatus(t *testing.T) {
	l := openLoader(t, nil)
	ctx := context(t, l, "examples", "tasks", "pyspark_task.json")
	raw, err := l.BuildResource(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var manifest map[string]interface{}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	if manifest["kind"] != "SparkApplication" || manifest["apiVersion"] != "sparkoperator.k8s.io/v1beta2" {
		t.Errorf("manifest: %s", raw)
	}
	phase, err := l.GetTaskPhase(ctx, []byte(`{"kind":"SparkApplication","metadata":{"name":"x","namespace":"y"},"status":{"applicationState":{"state":"COMPLETED"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if phase.Phase != "SUCCESS" || !phase.Terminal() {
		t.Errorf("phase: %+v", phase)
	}
}

func TestThirdPartyJobModule(t *testing.T) {
	if extraPaths() == nil {
		t.Skip("FLYTEPLUG_EXTRA_MODULE_DIR not set")
	}
	l := openLoader(t, nil)
	ctx := context(t, l, "examples", "third_party_job", "example_task.json")
	raw, err := l.BuildResource(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		Kind     string
		Metadata struct{ Name string }
		Spec     struct {
			BackoffLimit *int `json:"backoffLimit"`
		}
	}
	if err := json.Unmarshal(raw, &job); err != nil {
		t.Fatal(err)
	}
	if job.Kind != "Job" || job.Metadata.Name != "a8x2kq-n0-0" || job.Spec.BackoffLimit == nil || *job.Spec.BackoffLimit != 0 {
		t.Errorf("job: %s", raw)
	}
	phase, err := l.GetTaskPhase(ctx, []byte(`{"kind":"Job","status":{"conditions":[{"type":"Failed","status":"True","reason":"DeadlineExceeded","message":"too slow"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if phase.Phase != "PERMANENT_FAILURE" || phase.Error == nil || phase.Error.Code != "DeadlineExceeded" || phase.Error.Kind != "USER" || phase.Error.Message != "too slow" {
		t.Errorf("phase: %+v error %+v", phase, phase.Error)
	}
}

func TestRenderDatabricksRequest(t *testing.T) {
	l := openLoader(t, nil)
	var task []byte
	for _, name := range []string{"databricks_task.json", "databricks_v2_task.json", "databricks_task_v2.json"} {
		if data, err := os.ReadFile(source(t, "examples", "tasks", name)); err == nil {
			task = data
			break
		}
	}
	if task == nil {
		t.Skip("no example Databricks task yet")
	}
	ctx, err := l.TaskContextFromJSON(task)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := l.RenderRequest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var request struct {
		Method string
		URL    string
		Body   json.RawMessage
	}
	if err := json.Unmarshal(raw, &request); err != nil {
		t.Fatal(err)
	}
	if request.Method != "POST" || !strings.HasPrefix(request.URL, "https://") || !strings.Contains(request.URL, "/api/2.1/jobs/runs/submit") {
		t.Errorf("request: %s", raw)
	}
}

func TestErrors(t *testing.T) {
	_, err := Open(Options{Paths: []string{"/nonexistent/modules"}})
	var ferr *Error
	if !errors.As(err, &ferr) || ferr.Code != NotFound || !strings.Contains(ferr.Message, "/nonexistent/modules") {
		t.Errorf("missing path: %v", err)
	}
	if !errors.Is(err, &Error{Code: NotFound}) {
		t.Errorf("errors.Is NotFound failed for %v", err)
	}
	_, err = Open(Options{Config: []byte("{not json")})
	if !errors.As(err, &ferr) || ferr.Code != InvalidArgument || ferr.Message == "" {
		t.Errorf("bad config: %v", err)
	}

	l := openLoader(t, nil)
	_, err = l.TaskContextFromJSON([]byte(`{"taskTemplate": {"type": 3`))
	if !errors.As(err, &ferr) || ferr.Code != InvalidArgument {
		t.Errorf("bad JSON: %v", err)
	}
	ctx, err := l.TaskContextFromJSON([]byte(`{"taskTemplate":{"type":"no-such-type"}}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.BuildResource(ctx)
	if !errors.As(err, &ferr) || ferr.Code != NotFound || !strings.Contains(ferr.Message, "no-such-type") {
		t.Errorf("unknown type: %v", err)
	}
	_, err = l.BuildResource([]byte("\xff\xff\xff not protobuf"))
	if !errors.As(err, &ferr) || ferr.Code != InvalidArgument {
		t.Errorf("bad protobuf: %v", err)
	}
	// A NUL would cut the C string to "spark": refused, quoted with escapes.
	for _, call := range []func() error{
		func() error { _, err := l.Resolve("spark\x00evil"); return err },
		func() error { _, err := l.Get("spark\x00evil", []byte("{}")); return err },
		func() error { return l.Delete("spark\x00evil", []byte("{}")) },
	} {
		err := call()
		if !errors.As(err, &ferr) || ferr.Code != InvalidArgument || !strings.Contains(ferr.Message, `"spark\x00evil" contains a NUL byte`) {
			t.Errorf("NUL in task type: %v", err)
		}
	}
	spark := context(t, l, "examples", "tasks", "pyspark_task.json")
	if _, err = l.RenderRequest(spark); !errors.As(err, &ferr) || ferr.Code != FailedPrecondition {
		t.Errorf("wrong family: %v", err)
	}
	if _, err = l.GetTaskPhase(spark, []byte("[1, 2")); !errors.As(err, &ferr) || ferr.Code != InvalidArgument {
		t.Errorf("bad resource: %v", err)
	}
	closed, err := Open(Options{SkipDefaultPaths: true})
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	closed.Close()
	if _, err := closed.Modules(); !errors.As(err, &ferr) || ferr.Code != FailedPrecondition {
		t.Errorf("closed loader: %v", err)
	}
}

type recordingHost struct {
	DefaultHost
	mu   sync.Mutex
	logs []string
}

func (h *recordingHost) LogEnabled(LogLevel) bool { return true }
func (h *recordingHost) Log(level LogLevel, message string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.logs = append(h.logs, message)
}
func (h *recordingHost) GetSecret(key string) ([]byte, bool) {
	if key == "FLYTE_DATABRICKS_API_TOKEN" {
		return []byte("dapi-go-host-secret"), true
	}
	return nil, false
}

func TestGoHostCallbacks(t *testing.T) {
	if extraPaths() == nil {
		t.Skip("FLYTEPLUG_EXTRA_MODULE_DIR not set")
	}
	host := &recordingHost{}
	l := openLoader(t, host)
	ctx := context(t, l, "examples", "third_party_job", "example_task.json")
	if _, err := l.BuildResource(ctx); err != nil {
		t.Fatal(err)
	}
	host.mu.Lock()
	defer host.mu.Unlock()
	found := false
	for _, m := range host.logs {
		found = found || strings.Contains(m, "a8x2kq-n0-0")
		if strings.Contains(m, "dapi-go-host-secret") {
			t.Errorf("secret in log: %q", m)
		}
	}
	if !found {
		t.Errorf("no log from the k8s-job module reached the Go host: %q", host.logs)
	}
}

func TestConcurrentCalls(t *testing.T) {
	l := openLoader(t, nil)
	ctx := context(t, l, "examples", "tasks", "pyspark_task.json")
	wantRaw, err := l.BuildResource(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := stable(wantRaw)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				got, err := l.BuildResource(ctx)
				if err != nil {
					errs <- err
					return
				}
				if stable(got) != want {
					errs <- errors.New("manifest differs between calls")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// startFakeDatabricks runs tests/databricks/fake_databricks.py on an
// ephemeral loopback port and returns its base URL.
func startFakeDatabricks(t *testing.T, token string) string {
	t.Helper()
	script := source(t, "tests", "databricks", "fake_databricks.py")
	if _, err := os.Stat(script); err != nil {
		t.Skip("no fake Databricks server")
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	cmd := exec.Command(python, script, "--token", token, "--max-lifetime", "60")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// The server exits when its stdin closes: keep a pipe open.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("fake server: %v", err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("fake server port %q: %v", line, err)
	}
	return "http://127.0.0.1:" + strconv.Itoa(port)
}

func databricksTaskFor(t *testing.T, l *Loader, instance string) []byte {
	t.Helper()
	var task map[string]interface{}
	if err := json.Unmarshal(readTask(t, "examples", "tasks", "databricks_task.json"), &task); err != nil {
		t.Fatal(err)
	}
	custom, _ := task["custom"].(map[string]interface{})
	if custom == nil {
		custom = map[string]interface{}{}
		task["custom"] = custom
	}
	custom["databricksInstance"] = instance
	raw, _ := json.Marshal(task)
	ctx, err := l.TaskContextFromJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

func TestWebAPIRunAgainstFakeServer(t *testing.T) {
	const token = "dapi-go-host-secret"
	base := startFakeDatabricks(t, token)
	host := &recordingHost{}
	l := openLoader(t, host)
	ctx := databricksTaskFor(t, l, base)

	meta, err := l.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(meta), token) {
		t.Fatal("resource meta holds the token")
	}
	deadline := time.Now().Add(60 * time.Second)
	var phase *PhaseInfo
	seen := []string{}
	for {
		resource, err := l.Get("databricks", meta)
		if err != nil {
			t.Fatal(err)
		}
		if phase, err = l.Status(ctx, resource); err != nil {
			t.Fatal(err)
		}
		if len(seen) == 0 || seen[len(seen)-1] != phase.Phase {
			seen = append(seen, phase.Phase)
		}
		if phase.Terminal() || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if phase.Phase != "SUCCESS" || len(seen) < 2 {
		t.Errorf("final %+v, phases %v", phase, seen)
	}

	// A second run, cancelled.
	ctx2 := databricksTaskFor(t, l, base)
	meta2, err := l.Create(ctx2)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Delete("databricks", meta2); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base + "/_control/runs")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var runs struct {
		Count int
		Runs  map[string]struct{ Cancelled bool }
	}
	if err := json.NewDecoder(resp.Body).Decode(&runs); err != nil {
		t.Fatal(err)
	}
	cancelled := 0
	for _, r := range runs.Runs {
		if r.Cancelled {
			cancelled++
		}
	}
	if cancelled < 1 {
		t.Errorf("no run cancelled: %+v", runs)
	}
	host.mu.Lock()
	defer host.mu.Unlock()
	for _, msg := range host.logs {
		if strings.Contains(msg, token) {
			t.Errorf("token in log: %q", msg)
		}
	}
}
