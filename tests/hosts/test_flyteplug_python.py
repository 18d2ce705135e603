"""Tests of the Python host (examples/bindings/python/flyteplug.py).

Run by CTest with:
  FLYTEPLUG_LIBRARY          path of libflyteplug_loader.so (required)
  FLYTEPLUG_SOURCE_DIR       the source tree (example tasks, fake servers)
  FLYTEPLUG_ABI_SIZES        the abi_sizes program (C struct sizes as JSON)
  FLYTEPLUG_EXTRA_MODULE_DIR a directory holding the k8s-job example module
  PYTHONPATH                 examples/bindings/python
Standard library only.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import unittest
import warnings

import flyteplug

SOURCE_DIR = os.environ.get("FLYTEPLUG_SOURCE_DIR", "")
EXTRA_DIR = os.environ.get("FLYTEPLUG_EXTRA_MODULE_DIR", "")


def source(*parts):
    return os.path.join(SOURCE_DIR, *parts)


def load_json(*parts):
    with open(source(*parts)) as f:
        return json.load(f)


def stable(manifest):
    """The manifest as JSON with FLYTE_START_TIME (the submission time in ms,
    set as Flyte does, so it differs between calls) zeroed."""
    return re.sub(r'(FLYTE_START_TIME[^0-9]{1,40})[0-9]{10,}', r'\g<1>0',
                  json.dumps(manifest, sort_keys=True))


def first_existing(*names):
    for name in names:
        if os.path.exists(source(name)):
            return name
    return None


PYSPARK_TASK = "examples/tasks/pyspark_task.json"
DATABRICKS_TASK = first_existing("examples/tasks/databricks_task.json",
                                 "examples/tasks/databricks_v2_task.json",
                                 "examples/tasks/databricks_task_v2.json")
JOB_TASK = "examples/third_party_job/example_task.json"
DATABRICKS_CONFIG = {
    "plugins": {"databricks": {"databricksInstance": "dbc-test.cloud.databricks.com"}}
}


class StructLayoutTest(unittest.TestCase):
    """The ctypes mirrors have exactly the C sizes and offsets."""

    def test_sizes_match_the_c_headers(self):
        program = os.environ.get("FLYTEPLUG_ABI_SIZES")
        if not program:
            self.skipTest("FLYTEPLUG_ABI_SIZES not set")
        c_sizes = json.loads(subprocess.check_output([program]))
        self.assertEqual(flyteplug.struct_sizes(), c_sizes)
        for name, size in flyteplug.C_STRUCT_SIZES.items():
            self.assertEqual(c_sizes[name], size, name)


class LibraryTest(unittest.TestCase):

    def test_missing_library_is_a_clear_error(self):
        with self.assertRaises(flyteplug.LibraryNotFoundError) as cm:
            flyteplug.Loader(library="/nonexistent/libflyteplug_loader.so")
        self.assertIn("/nonexistent/libflyteplug_loader.so", cm.exception.message)


class OpenErrorsTest(unittest.TestCase):

    def test_missing_module_path_raises_not_found(self):
        with self.assertRaises(flyteplug.NotFoundError) as cm:
            flyteplug.Loader(paths=["/nonexistent/modules"])
        self.assertEqual(cm.exception.code, flyteplug.StatusCode.NOT_FOUND)
        self.assertIn("/nonexistent/modules", cm.exception.message)

    def test_bad_config_json_raises_invalid_argument(self):
        with self.assertRaises(flyteplug.InvalidArgumentError) as cm:
            flyteplug.Loader(config="{not json")
        self.assertEqual(cm.exception.code, 3)
        self.assertTrue(cm.exception.message)

    def test_missing_config_file(self):
        with self.assertRaises(flyteplug.InvalidArgumentError) as cm:
            flyteplug.Loader(config="/nonexistent/config.json")
        self.assertIn("/nonexistent/config.json", cm.exception.message)

    def test_config_file_path_is_read(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump(DATABRICKS_CONFIG, f)
            f.flush()
            with flyteplug.Loader(paths=[EXTRA_DIR] if EXTRA_DIR else [],
                                  config=f.name) as loader:
                self.assertTrue(loader.modules())

    def test_skip_default_paths_loads_nothing(self):
        with flyteplug.Loader(skip_default_paths=True) as loader:
            self.assertEqual(loader.modules(), [])


SPARK_YAML_CONFIG = """\
# propeller-style YAML, as the Helm chart writes it
plugins:
  spark:
    spark-config-default:
      - spark.blacklist.enabled: "true"
      - spark.kubernetes.allocation.batch.size: "50"
  databricks:
    databricksInstance: dbc-test.cloud.databricks.com
"""


class YamlConfigTest(unittest.TestCase):

    def paths(self):
        return [EXTRA_DIR] if EXTRA_DIR else []

    def check_spark_defaults(self, loader):
        manifest = loader.build_resource(load_json(PYSPARK_TASK))
        conf = manifest["spec"]["sparkConf"]
        self.assertEqual(conf.get("spark.blacklist.enabled"), "true")
        self.assertEqual(conf.get("spark.kubernetes.allocation.batch.size"),
                         "50")

    def test_yaml_string_sets_spark_defaults(self):
        with flyteplug.Loader(paths=self.paths(),
                              config=SPARK_YAML_CONFIG) as loader:
            self.check_spark_defaults(loader)

    def test_yaml_file_sets_spark_defaults(self):
        for suffix in (".yaml", ".yml"):
            with tempfile.NamedTemporaryFile("w", suffix=suffix) as f:
                f.write(SPARK_YAML_CONFIG)
                f.flush()
                with flyteplug.Loader(paths=self.paths(),
                                      config=f.name) as loader:
                    self.check_spark_defaults(loader)

    def test_config_to_json_types_like_flyte(self):
        self.assertEqual(
            json.loads(flyteplug.config_to_json(
                "a: '1'\nb: 1\nc: true\nd: 1Gi\ne: ~\n")),
            {"a": "1", "b": 1, "c": True, "d": "1Gi", "e": None})
        # A JSON string and a dict pass through unchanged.
        self.assertEqual(flyteplug.config_to_json('{"plugins": {}}'),
                         '{"plugins": {}}')
        self.assertEqual(json.loads(flyteplug.config_to_json(
            DATABRICKS_CONFIG)), DATABRICKS_CONFIG)

    def test_yaml_error_names_line_and_column(self):
        with self.assertRaises(flyteplug.InvalidArgumentError) as cm:
            flyteplug.Loader(config="plugins:\n  spark: {}\n  spark: {}\n")
        self.assertEqual(cm.exception.code,
                         flyteplug.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(cm.exception.message,
                         "config:3:3: plugins.spark: duplicate key")
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("plugins: [1,\n")
            f.flush()
            with self.assertRaises(flyteplug.InvalidArgumentError) as cm:
                flyteplug.Loader(config=f.name)
            self.assertTrue(
                cm.exception.message.startswith(f.name + ":2:1: invalid YAML"),
                cm.exception.message)

    def test_yaml_must_be_a_mapping(self):
        with self.assertRaises(flyteplug.InvalidArgumentError) as cm:
            flyteplug.Loader(config="- a\n- b\n")
        self.assertIn("must be a YAML mapping", cm.exception.message)

    def test_misspelled_key_is_logged_once_with_its_line(self):
        host = RecordingHost()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with flyteplug.Loader(paths=self.paths(), host=host,
                                  config=SPARK_YAML_CONFIG
                                  + "plugin:\n  x: 1\n") as loader:
                self.assertTrue(loader.modules())
        self.assertEqual([w for w in caught
                          if issubclass(w.category, flyteplug.ConfigWarning)],
                         [])
        line = SPARK_YAML_CONFIG.count("\n") + 1
        logged = [m for level, m in host.logs if "unknown key" in m]
        self.assertEqual(logged, [
            "config:%d: plugin: unknown key, did you mean 'plugins'?" % line])
        self.assertEqual([lv for lv, m in host.logs if "unknown key" in m],
                         [flyteplug.LogLevel.WARNING])

    def test_strict_config_refuses_a_misspelled_key(self):
        with self.assertRaises(flyteplug.InvalidArgumentError) as cm:
            flyteplug.Loader(paths=self.paths(), strict_config=True,
                             config=SPARK_YAML_CONFIG + "plugin:\n  x: 1\n")
        self.assertIn("plugin: unknown key, did you mean 'plugins'?",
                      cm.exception.message)

    def test_config_to_json_reports_warnings_as_config_warning(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            flyteplug.config_to_json(SPARK_YAML_CONFIG + "plugin:\n  x: 1\n")
        messages = [str(w.message) for w in caught
                    if issubclass(w.category, flyteplug.ConfigWarning)]
        self.assertEqual(len(messages), 1, messages)
        self.assertIn("config: plugin: unknown key, did you mean 'plugins'?",
                      messages[0])


class RecordingHost(flyteplug.Host):
    def __init__(self):
        self.logs = []
        self.secret_requests = []
        self.lock = threading.Lock()

    def log_enabled(self, level):
        return True

    def log(self, level, message):
        with self.lock:
            self.logs.append((level, message))

    def get_secret(self, key):
        with self.lock:
            self.secret_requests.append(key)
        if key == "FLYTE_DATABRICKS_API_TOKEN":
            return b"dapi-python-host-secret"
        return None


class LoaderTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.paths = [EXTRA_DIR] if EXTRA_DIR else []
        cls.loader = flyteplug.Loader(paths=cls.paths, config=DATABRICKS_CONFIG)

    @classmethod
    def tearDownClass(cls):
        cls.loader.close()

    def test_modules_lists_shipped_and_third_party(self):
        modules = {m.id: m for m in self.loader.modules()}
        self.assertIn("spark", modules)
        self.assertIn("databricks", modules)
        self.assertEqual(modules["spark"].family, "k8s-resource")
        self.assertEqual(modules["databricks"].family, "web-api")
        self.assertEqual(modules["spark"].abi_major, 1)
        self.assertIn("spark", modules["spark"].task_types)
        for m in modules.values():
            self.assertTrue(os.path.isabs(m.path), m.path)
            self.assertTrue(m.version)
        if EXTRA_DIR:
            self.assertIn("k8s-job", modules)
            self.assertEqual(modules["k8s-job"].task_types, ["batch-job"])
            self.assertEqual(self.loader.resolve("batch-job").id, "k8s-job")

    def test_build_spark_manifest(self):
        task = load_json(PYSPARK_TASK)
        manifest = self.loader.build_resource(task)
        self.assertEqual(manifest["apiVersion"], "sparkoperator.k8s.io/v1beta2")
        self.assertEqual(manifest["kind"], "SparkApplication")
        self.assertIn("spec", manifest)
        # The same context as binary protobuf gives the same manifest.
        binary = self.loader.task_context(task)
        self.assertIsInstance(binary, bytes)
        self.assertEqual(stable(self.loader.build_resource(binary)),
                         stable(manifest))
        identity = self.loader.build_identity_resource(task)
        self.assertEqual(identity.get("kind"), "SparkApplication")

    def test_map_spark_status(self):
        task = load_json(PYSPARK_TASK)
        completed = {
            "apiVersion": "sparkoperator.k8s.io/v1beta2",
            "kind": "SparkApplication",
            "metadata": {"name": "x", "namespace": "y"},
            "status": {"applicationState": {"state": "COMPLETED"}},
        }
        phase = self.loader.get_task_phase(task, completed)
        self.assertEqual(phase["phase"], "SUCCESS")
        failed = dict(completed, status={"applicationState": {
            "state": "FAILED", "errorMessage": "driver exited with 1"}})
        phase = self.loader.get_task_phase(task, json.dumps(failed))
        self.assertIn(phase["phase"], ("RETRYABLE_FAILURE", "PERMANENT_FAILURE"))
        self.assertIn("error", phase)

    def test_third_party_job_module(self):
        if not EXTRA_DIR:
            self.skipTest("FLYTEPLUG_EXTRA_MODULE_DIR not set")
        task = load_json(JOB_TASK)
        job = self.loader.build_resource(task)
        self.assertEqual(job["apiVersion"], "batch/v1")
        self.assertEqual(job["kind"], "Job")
        self.assertEqual(job["metadata"]["name"], "a8x2kq-n0-0")
        self.assertEqual(job["spec"]["backoffLimit"], 0)
        container = job["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(container["args"][1],
                         "s3://my-bucket/metadata/a8x2kq/n0/inputs.pb")
        phase = self.loader.get_task_phase(task, {
            "kind": "Job", "status": {"failed": 1, "conditions": [{
                "type": "Failed", "status": "True",
                "reason": "BackoffLimitExceeded", "message": "limit hit"}]}})
        self.assertEqual(phase["phase"], "RETRYABLE_FAILURE")
        self.assertEqual(phase["error"]["code"], "BackoffLimitExceeded")
        self.assertEqual(phase["error"]["message"], "limit hit")
        self.assertEqual(phase["error"]["kind"], "USER")
        running = self.loader.get_task_phase(task, {"status": {"active": 1}})
        self.assertEqual(running["phase"], "RUNNING")

    def test_render_databricks_request(self):
        if DATABRICKS_TASK is None:
            self.skipTest("no example Databricks task yet")
        request = self.loader.render_request(load_json(DATABRICKS_TASK))
        self.assertEqual(request["method"], "POST")
        self.assertIn("/api/2.1/jobs/runs/submit", request["url"])
        task = load_json(DATABRICKS_TASK)
        instance = task.get("custom", {}).get("databricksInstance",
                                              "dbc-test.cloud.databricks.com")
        self.assertIn(instance, request["url"])
        self.assertIn("body", request)
        self.assertNotIn("dapi", json.dumps(request))

    def test_error_unknown_task_type(self):
        task = load_json(PYSPARK_TASK)
        template = task["taskTemplate"] if "taskTemplate" in task else task
        template["type"] = "no-such-type"
        with self.assertRaises(flyteplug.NotFoundError) as cm:
            self.loader.build_resource(task)
        self.assertEqual(cm.exception.code, 5)
        self.assertIn("no-such-type", cm.exception.message)

    def test_error_nul_in_task_type(self):
        # A NUL would cut the C string to "spark": refused, quoted.
        for call in (lambda: self.loader.resolve("spark\0evil"),
                     lambda: self.loader.get("spark\0evil", b"{}"),
                     lambda: self.loader.delete("spark\0evil", b"{}")):
            with self.assertRaises(flyteplug.InvalidArgumentError) as cm:
                call()
            self.assertIn("'spark\\x00evil' contains a NUL byte",
                          cm.exception.message)

    def test_error_bad_task_json(self):
        with self.assertRaises(flyteplug.InvalidArgumentError) as cm:
            self.loader.build_resource('{"taskTemplate": {"type": 3')
        self.assertEqual(cm.exception.code, 3)
        self.assertTrue(cm.exception.message)
        with self.assertRaises(flyteplug.InvalidArgumentError):
            self.loader.build_resource(b"\xff\xff\xff not protobuf")

    def test_error_bad_observed_resource(self):
        task = load_json(PYSPARK_TASK)
        with self.assertRaises(flyteplug.InvalidArgumentError) as cm:
            self.loader.get_task_phase(task, "[1, 2")
        self.assertEqual(cm.exception.code_name, "INVALID_ARGUMENT")

    def test_error_wrong_family(self):
        with self.assertRaises(flyteplug.FailedPreconditionError):
            self.loader.render_request(load_json(PYSPARK_TASK))

    def test_concurrent_calls(self):
        task = self.loader.task_context(load_json(PYSPARK_TASK))
        expected = stable(self.loader.build_resource(task))
        results, errors = [], []

        def work():
            try:
                for _ in range(20):
                    results.append(stable(self.loader.build_resource(task)))
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 160)
        self.assertTrue(all(r == expected for r in results))


FAKE_DATABRICKS = source("tests", "databricks", "fake_databricks.py")
FAKE_TOKEN = "dapi-python-host-secret"


class WebApiRunTest(unittest.TestCase):
    """A Databricks task run end to end against the fake Jobs API server,
    with the API token supplied by a Python host's get_secret."""

    def setUp(self):
        if DATABRICKS_TASK is None or not os.path.exists(FAKE_DATABRICKS):
            self.skipTest("no Databricks example task or fake server")
        self.server = subprocess.Popen(
            [sys.executable, FAKE_DATABRICKS, "--token", FAKE_TOKEN,
             "--max-lifetime", "60"],
            # The server exits when its stdin closes: keep a pipe open.
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.addCleanup(self._stop)
        self.port = int(self.server.stdout.readline().strip())
        self.task = load_json(DATABRICKS_TASK)
        self.task.setdefault("custom", {})["databricksInstance"] = (
            "http://127.0.0.1:%d" % self.port)
        self.host = RecordingHost()
        self.loader = flyteplug.Loader(config=DATABRICKS_CONFIG, host=self.host)
        self.addCleanup(self.loader.close)

    def _stop(self):
        self.server.stdin.close()
        self.server.kill()
        self.server.wait()
        self.server.stdout.close()

    def _control(self, path):
        import urllib.request
        with urllib.request.urlopen(
                "http://127.0.0.1:%d%s" % (self.port, path), timeout=10) as r:
            return json.loads(r.read())

    def test_run_to_success(self):
        phases = []
        final = self.loader.run(self.task, poll_interval=0.05, timeout=60,
                                on_phase=phases.append)
        self.assertEqual(final["phase"], "SUCCESS", final)
        self.assertGreaterEqual(len(phases), 2, phases)
        self.assertIn("FLYTE_DATABRICKS_API_TOKEN", self.host.secret_requests)
        requests = self._control("/_control/requests")
        submits = [r for r in requests if r["path"].endswith("/runs/submit")]
        self.assertEqual(len(submits), 1)
        self.assertEqual(submits[0]["headers"].get("Authorization"),
                         "Bearer " + FAKE_TOKEN)
        for _, message in self.host.logs:
            self.assertNotIn(FAKE_TOKEN, message)
        self.assertNotIn(FAKE_TOKEN, json.dumps(final))
        # Every secret buffer the Python host handed out was released.
        self.assertEqual(self.loader._bridge._secrets, {})

    def test_create_get_status_delete(self):
        context = self.loader.task_context(self.task)
        meta = self.loader.create(context)
        self.assertTrue(meta)
        self.assertNotIn(FAKE_TOKEN.encode(), meta)
        resource = self.loader.get("databricks", meta)
        phase = self.loader.status(context, resource)
        self.assertIn(phase["phase"], ("QUEUED", "INITIALIZING", "RUNNING",
                                       "WAITING_FOR_RESOURCES"), phase)
        self.loader.delete("databricks", meta)
        runs = self._control("/_control/runs")
        self.assertEqual(runs["count"], 1)
        self.assertTrue(all(r["cancelled"] for r in runs["runs"].values()))

    def test_wrong_token_is_permission_error(self):
        class WrongTokenHost(RecordingHost):
            def get_secret(self, key):
                return b"wrong-token"
        with flyteplug.Loader(config=DATABRICKS_CONFIG,
                              host=WrongTokenHost()) as loader:
            with self.assertRaises(flyteplug.FlyteplugError) as cm:
                loader.create(self.task)
        self.assertIn(cm.exception.code, (flyteplug.StatusCode.PERMISSION_DENIED,
                                          flyteplug.StatusCode.UNAUTHENTICATED))
        self.assertNotIn("wrong-token", cm.exception.message)


class HostCallbacksTest(unittest.TestCase):

    def test_python_host_receives_logs_and_secret_lookups(self):
        host = RecordingHost()
        with flyteplug.Loader(paths=[EXTRA_DIR] if EXTRA_DIR else [],
                              config=DATABRICKS_CONFIG, host=host) as loader:
            if EXTRA_DIR:
                loader.build_resource(load_json(JOB_TASK))
                self.assertTrue(any("a8x2kq-n0-0" in m for _, m in host.logs),
                                host.logs)
            if DATABRICKS_TASK is not None:
                request = loader.render_request(load_json(DATABRICKS_TASK))
                self.assertNotIn("dapi-python-host-secret", json.dumps(request))
        for _, message in host.logs:
            self.assertNotIn("dapi-python-host-secret", message)

    def test_closed_loader_raises(self):
        loader = flyteplug.Loader()
        loader.close()
        loader.close()  # idempotent
        with self.assertRaises(flyteplug.FailedPreconditionError):
            loader.modules()


if __name__ == "__main__":
    unittest.main(verbosity=2)
