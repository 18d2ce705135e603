"""Test harness for `flyteplug serve`: a Python gRPC client generated at test
time from the repository's proto/ (and this folder's proto/ for the standard
health and reflection services), the fake Databricks server
(tests/databricks/fake_databricks.py) and real server processes.

Environment (set by CTest, tests/connector/CMakeLists.txt):
  FLYTEPLUG_SOURCE_DIR  the repository
  FLYTEPLUG_BIN         the built flyteplug binary
"""
import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SOURCE_DIR = os.environ["FLYTEPLUG_SOURCE_DIR"]
FLYTEPLUG_BIN = os.environ["FLYTEPLUG_BIN"]
HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_DATABRICKS = os.path.join(SOURCE_DIR, "tests", "databricks", "fake_databricks.py")
EXAMPLE_TASK = os.path.join(SOURCE_DIR, "examples", "tasks", "databricks_task.json")

# The Databricks token the fake expects and the server holds as a secret. It
# must never appear in any output, response, error or metric.
TOKEN = "dapi-CONNECTOR-SECRET-7d1f0c9e4b2a"
TOKEN_KEY = "FLYTE_DATABRICKS_API_TOKEN"


def _generate_stubs():
    """Compiles the .proto files into a temporary directory on sys.path."""
    import grpc_tools
    from grpc_tools import protoc
    out = tempfile.mkdtemp(prefix="flyteplug-connector-pb-")
    atexit.register(shutil.rmtree, out, True)
    wkt = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    roots = [os.path.join(SOURCE_DIR, "proto"), os.path.join(HERE, "proto")]
    files = []
    for root, sub in ((roots[0], "flyteidl"), (roots[1], "connector_test")):
        for dirpath, _, names in os.walk(os.path.join(root, sub)):
            files += [os.path.join(dirpath, n) for n in names if n.endswith(".proto")]
    args = ["protoc", "-I" + roots[0], "-I" + roots[1], "-I" + wkt,
            "--python_out=" + out, "--grpc_python_out=" + out] + sorted(files)
    if protoc.main(args) != 0:
        raise RuntimeError("grpc_tools.protoc failed on " + " ".join(files))
    sys.path.insert(0, out)


_generate_stubs()

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from flyteidl.admin import agent_pb2  # noqa: E402
from flyteidl.core import tasks_pb2  # noqa: E402
from flyteidl.service import agent_pb2_grpc  # noqa: E402
from connector_test import grpc_health_pb2 as health_pb2  # noqa: E402
from connector_test import grpc_health_pb2_grpc as health_pb2_grpc  # noqa: E402
from connector_test import grpc_reflection_pb2 as reflection_pb2  # noqa: E402
from connector_test import grpc_reflection_pb2_grpc as reflection_pb2_grpc  # noqa: E402

__all__ = ["agent_pb2", "tasks_pb2", "agent_pb2_grpc", "health_pb2",
           "health_pb2_grpc", "reflection_pb2", "reflection_pb2_grpc", "grpc",
           "json_format"]


class FakeDatabricks:
    """tests/databricks/fake_databricks.py on 127.0.0.1:<ephemeral>."""

    def __init__(self, token=TOKEN):
        self.proc = subprocess.Popen(
            [sys.executable, FAKE_DATABRICKS, "--token=" + token, "--max-lifetime=900"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.isdigit():
            raise RuntimeError("fake_databricks did not print its port: %r" % line)
        self.port = int(line)
        self.base_url = "http://127.0.0.1:%d" % self.port

    def _call(self, method, path, payload=None):
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def reset(self):
        self._call("POST", "/_control/reset", {})

    def configure(self, **config):
        self._call("POST", "/_control/config", config)

    def set_states(self, *states):
        self.configure(states=list(states))

    def add_faults(self, endpoint, *faults):
        self._call("POST", "/_control/faults", {endpoint: list(faults)})

    def runs(self):
        return self._call("GET", "/_control/runs")

    def requests(self):
        return self._call("GET", "/_control/requests")

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()  # the fake exits when its stdin closes
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()


def databricks_config(fake, spark_route=False, extra=None):
    """A configuration serving databricks against `fake`, with fast retries."""
    routes = {"databricks": "databricks"}
    if spark_route:
        routes["spark"] = "databricks"
    section = {
        "databricksInstance": fake.base_url,
        "requestTimeout": "5s",
        "retry": {"maxAttempts": 3, "initialBackoff": "10ms",
                  "maxBackoff": "20ms", "maxTotalTime": "10s"},
        "webApi": {"readRateLimiter": {"qps": 100000, "burst": 1000000},
                   "writeRateLimiter": {"qps": 100000, "burst": 1000000}},
    }
    section.update(extra or {})
    return {"tasks": {"task-plugins": {"enabled-plugins": ["databricks"],
                                       "default-for-task-types": routes}},
            "plugins": {"databricks": section}}


class Server:
    """One `flyteplug serve` process on 127.0.0.1 free ports. Its stdout and
    stderr are collected for the whole run (self.stdout(), self.stderr())."""

    def __init__(self, config, extra_args=(), env=None, secret_via="env",
                 expect_listening=True, metrics=True):
        self.dir = tempfile.mkdtemp(prefix="flyteplug-serve-")
        config_path = os.path.join(self.dir, "config.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        run_env = {k: v for k, v in os.environ.items()
                   if not k.startswith(("FLYTE_", "FLYTEPLUG_"))}
        run_env["FLYTEPLUG_PLUGIN_PATH"] = ""
        if secret_via == "env":
            run_env["FLYTE_SECRET_" + TOKEN_KEY] = TOKEN
        elif secret_via == "dir":
            secrets = os.path.join(self.dir, "secrets")
            os.mkdir(secrets)
            with open(os.path.join(secrets, TOKEN_KEY), "w") as f:
                f.write(TOKEN + "\n")
            run_env["FLYTE_SECRETS_DIR"] = secrets
        run_env.update(env or {})
        self.args = [FLYTEPLUG_BIN, "serve", "--address", "127.0.0.1:0",
                     "--metrics-address", "127.0.0.1:0" if metrics else "off",
                     "--config", config_path] + list(extra_args)
        self.proc = subprocess.Popen(self.args, env=run_env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._out = []
        self._err = []
        self._lines = []
        self._line_event = threading.Condition()
        self._readers = [
            threading.Thread(target=self._drain, args=(self.proc.stdout, self._out, True),
                             daemon=True),
            threading.Thread(target=self._drain, args=(self.proc.stderr, self._err, False),
                             daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self.grpc_address = None
        self.metrics_address = None
        self.returncode = None
        if expect_listening:
            self._wait_listening(2 if metrics else 1)

    def _drain(self, stream, sink, collect_lines):
        for raw in iter(stream.readline, b""):
            sink.append(raw)
            if collect_lines:
                with self._line_event:
                    self._lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                    self._line_event.notify_all()
        stream.close()

    def _wait_listening(self, count):
        deadline = time.monotonic() + 60
        with self._line_event:
            while True:
                grpc_lines = [l for l in self._lines if l.startswith("grpc listening on ")]
                metrics_lines = [l for l in self._lines
                                 if l.startswith("metrics listening on ")]
                if len(grpc_lines) + len(metrics_lines) >= count:
                    break
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self._line_event.release()
                    try:
                        self.stop(signal.SIGKILL)
                    finally:
                        self._line_event.acquire()
                    raise RuntimeError("server did not start: %s\nstdout: %s\nstderr: %s" % (
                        self.args, self.stdout(), self.stderr()))
                self._line_event.wait(0.2)
        self.grpc_address = grpc_lines[0][len("grpc listening on "):]
        if metrics_lines:
            self.metrics_address = metrics_lines[0][len("metrics listening on "):]

    def stdout(self):
        return b"".join(self._out).decode("utf-8", "replace")

    def stderr(self):
        return b"".join(self._err).decode("utf-8", "replace")

    def lines(self):
        with self._line_event:
            return list(self._lines)

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def metrics_text(self):
        with urllib.request.urlopen("http://%s/metrics" % self.metrics_address,
                                    timeout=10) as response:
            return response.read().decode()

    def channel(self, credentials=None, options=()):
        if credentials is None:
            return grpc.insecure_channel(self.grpc_address, options=list(options))
        return grpc.secure_channel(self.grpc_address, credentials, options=list(options))

    def wait(self, timeout):
        self.returncode = self.proc.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=5)
        return self.returncode

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Sends `sig` and waits; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.wait(timeout)
        finally:
            shutil.rmtree(self.dir, True)


class Client:
    """The connector protocol's stubs over one channel. Every response and
    every error message is kept, so tests can check that no secret leaks."""

    def __init__(self, channel, seen=None):
        self.channel = channel
        self.agents = agent_pb2_grpc.AgentMetadataServiceStub(channel)
        self.tasks = agent_pb2_grpc.AsyncAgentServiceStub(channel)
        self.health = health_pb2_grpc.HealthStub(channel)
        self.reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
        self.seen = seen if seen is not None else []

    def call(self, method, request, timeout=20):
        """Returns (response, None) or (None, grpc.RpcError)."""
        try:
            response = method(request, timeout=timeout)
        except grpc.RpcError as error:
            self.seen.append("%s %s" % (error.code(), error.details()))
            self.seen.append(repr(error.trailing_metadata()))
            return None, error
        self.seen.append(response.SerializeToString().decode("latin-1"))
        self.seen.append(json_format.MessageToJson(response))
        return response, None

    def list_agents(self, timeout=20):
        return self.call(self.agents.ListAgents, agent_pb2.ListAgentsRequest(), timeout)

    def create(self, request, timeout=20):
        return self.call(self.tasks.CreateTask, request, timeout)

    def get(self, resource_meta, task_type="databricks", deprecated_only=False,
            timeout=20, version=0):
        request = agent_pb2.GetTaskRequest(task_type=task_type, resource_meta=resource_meta,
                                           output_prefix="s3://bucket/outputs/0")
        if not deprecated_only:
            request.task_category.name = task_type
            request.task_category.version = version
        return self.call(self.tasks.GetTask, request, timeout)

    def delete(self, resource_meta, task_type="databricks", timeout=20):
        request = agent_pb2.DeleteTaskRequest(task_type=task_type,
                                              resource_meta=resource_meta)
        request.task_category.name = task_type
        return self.call(self.tasks.DeleteTask, request, timeout)


def example_template(task_type="databricks"):
    with open(EXAMPLE_TASK) as f:
        # proto/ is a subset of flyteidl: `interface` is not in it.
        template = json_format.Parse(f.read(), tasks_pb2.TaskTemplate(),
                                     ignore_unknown_fields=True)
    template.type = task_type
    return template


def create_request(execution="exec-1", retry_attempt=0, template=None):
    """A CreateTaskRequest as propeller v1.16 sends it for the example task."""
    template = template if template is not None else example_template()
    request = agent_pb2.CreateTaskRequest(output_prefix="s3://bucket/metadata/%s/n0/data/0"
                                          % execution)
    request.template.CopyFrom(template)
    meta = request.task_execution_metadata
    te = meta.task_execution_id
    te.task_id.CopyFrom(template.id)
    te.node_execution_id.node_id = "n0"
    te.node_execution_id.execution_id.project = "flytesnacks"
    te.node_execution_id.execution_id.domain = "development"
    te.node_execution_id.execution_id.name = execution
    te.retry_attempt = retry_attempt
    meta.namespace = "flytesnacks-development"
    meta.labels["execution-id"] = execution
    meta.k8s_service_account = "default"
    return request


def parse_metrics(text):
    """Prometheus text format -> {(name, frozenset(labels.items())): value}."""
    samples = {}
    pattern = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
    label = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = pattern.match(line)
        if not m:
            raise ValueError("not a Prometheus sample line: %r" % line)
        labels = frozenset(label.findall(m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def metric(samples, name, **labels):
    """The value of the sample `name` whose labels include `labels`; the sum
    when several match; None when none does."""
    wanted = set(labels.items())
    values = [v for (n, ls), v in samples.items() if n == name and wanted <= set(ls)]
    return sum(values) if values else None
