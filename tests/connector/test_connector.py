#!/usr/bin/env python3
"""End-to-end tests of `flyteplug serve` (docs/connector.md): a real gRPC
client, generated from proto/, over TCP against real server processes and
tests/databricks/fake_databricks.py.

Run one class: test_connector.py DiscoveryTest (CTest registers each class
as connector.<name>, tests/connector/CMakeLists.txt).
"""
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from google.protobuf import descriptor_pb2

import connector_harness as h
from connector_harness import agent_pb2, grpc, health_pb2, reflection_pb2

SC = grpc.StatusCode
# core.TaskExecution.Phase and the deprecated admin.State.
QUEUED, RUNNING, SUCCEEDED, ABORTED, FAILED, INITIALIZING = 1, 2, 3, 4, 5, 6
RETRYABLE_FAILED = 8
STATE_RETRYABLE, STATE_PERMANENT, STATE_PENDING, STATE_RUNNING, STATE_SUCCEEDED = range(5)
NON_RECOVERABLE, RECOVERABLE = 0, 1
ORIGIN_USER, ORIGIN_SYSTEM = 1, 2


class ConnectorTestCase(unittest.TestCase):
    """One fake Databricks and one server per class; the fake is reset
    before each test. At the end the server must exit 0 on SIGTERM and the
    token must appear in none of its output, responses or metrics."""

    server_kwargs = {}

    @classmethod
    def setUpClass(cls):
        cls.fake = h.FakeDatabricks()
        cls.servers = []
        cls.seen = []
        cls.server = cls.start_server(**cls.server_kwargs)
        cls.client = h.Client(cls.server.channel(), cls.seen)
        cls._execution = 0

    @classmethod
    def start_server(cls, config=None, **kwargs):
        server = h.Server(config or h.databricks_config(cls.fake), **kwargs)
        cls.servers.append(server)
        return server

    @classmethod
    def tearDownClass(cls):
        try:
            for server in cls.servers:
                if server.metrics_address and server.proc.poll() is None:
                    cls.seen.append(server.metrics_text())
                code = server.stop()
                outputs = server.stdout() + server.stderr()
                if code != 0:
                    raise AssertionError("server exited %s on SIGTERM: %s" % (
                        code, server.stderr()[-2000:]))
                if h.TOKEN in outputs:
                    raise AssertionError("the token leaked into the server's output")
                if "Traceback" in outputs:
                    raise AssertionError("a traceback in the server's output")
            leaks = [s for s in cls.seen if h.TOKEN in s]
            if leaks:
                raise AssertionError("the token leaked into a response: %r" % leaks[:1])
        finally:
            cls.fake.close()

    def setUp(self):
        self.fake.reset()

    def execution(self):
        type(self)._execution += 1
        return "%s-%d" % (type(self).__name__.lower()[:20], self._execution)

    def created(self, client=None, execution=None, **kwargs):
        """Creates the example task; returns its resource_meta."""
        client = client or self.client
        response, error = client.create(
            h.create_request(execution or self.execution(), **kwargs))
        self.assertIsNone(error, error and error.details())
        self.assertTrue(response.resource_meta)
        return response.resource_meta

    def assertCode(self, outcome, code, *message_parts):
        response, error = outcome
        self.assertIsNone(response, "expected %s, got a response" % code)
        self.assertEqual(error.code(), code, error.details())
        details = error.details() or ""
        self.assertTrue(details, "an error without a message")
        self.assertNotIn("\n", details.strip())
        self.assertNotIn("Traceback", details)
        self.assertNotIn(h.TOKEN, details)
        for part in message_parts:
            self.assertIn(part, details)
        return details


class DiscoveryTest(ConnectorTestCase):
    def test_list_agents_names_the_databricks_module(self):
        response, error = self.client.list_agents()
        self.assertIsNone(error)
        self.assertEqual(len(response.agents), 1, response)
        agent = response.agents[0]
        self.assertEqual(agent.name, "databricks")
        self.assertFalse(agent.is_sync)
        self.assertEqual([(c.name, c.version) for c in agent.supported_task_categories],
                         [("databricks", 0)])
        self.assertEqual(list(agent.supported_task_types), ["databricks"])

    def test_get_agent(self):
        response, error = self.client.call(self.client.agents.GetAgent,
                                           agent_pb2.GetAgentRequest(name="databricks"))
        self.assertIsNone(error)
        self.assertEqual(response.agent.name, "databricks")
        self.assertEqual([c.name for c in response.agent.supported_task_categories],
                         ["databricks"])

    def test_get_unknown_agent_is_not_found(self):
        self.assertCode(self.client.call(self.client.agents.GetAgent,
                                         agent_pb2.GetAgentRequest(name="spark")),
                        SC.NOT_FOUND, "spark")

    def test_spark_route_appears_only_when_configured(self):
        server = self.start_server(h.databricks_config(self.fake, spark_route=True),
                                   metrics=False)
        with server.channel() as channel:
            client = h.Client(channel, self.seen)
            response, error = client.list_agents()
            self.assertIsNone(error)
            (agent,) = response.agents
            self.assertEqual(sorted(c.name for c in agent.supported_task_categories),
                             ["databricks", "spark"])
            # And a spark task with databricksConf really goes to Databricks.
            request = h.create_request(self.execution(),
                                       template=h.example_template("spark"))
            response, error = client.create(request)
            self.assertIsNone(error, error and error.details())
            response, error = client.get(response.resource_meta, task_type="spark")
            self.assertIsNone(error, error and error.details())
        self.assertEqual(self.fake.runs()["count"], 1)
        self.assertEqual(server.stop(), 0)


class LifecycleTest(ConnectorTestCase):
    def test_create_get_delete_through_every_phase(self):
        self.fake.set_states(
            {"life_cycle_state": "QUEUED", "state_message": "Queued"},
            {"life_cycle_state": "PENDING", "state_message": "Waiting for cluster"},
            {"life_cycle_state": "RUNNING", "state_message": "In run"},
            {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS",
             "state_message": "done"})
        meta = self.created()
        decoded = json.loads(meta)  # opaque to propeller; no secret inside
        self.assertEqual(decoded["instance"], self.fake.base_url)
        self.assertEqual(str(decoded["run_id"]), "1000")
        self.assertNotIn(h.TOKEN, meta.decode())
        expected = [(QUEUED, STATE_PENDING, "Queued", "QUEUED"),
                    (INITIALIZING, STATE_PENDING, "Waiting for cluster", "PENDING"),
                    (RUNNING, STATE_RUNNING, "In run", "RUNNING"),
                    (SUCCEEDED, STATE_SUCCEEDED, "done", "TERMINATED")]
        for phase, state, message, life_cycle in expected:
            with self.subTest(phase=phase):
                response, error = self.client.get(meta)
                self.assertIsNone(error, error and error.details())
                resource = response.resource
                self.assertEqual(resource.phase, phase)
                self.assertEqual(resource.state, state)
                self.assertEqual(resource.message, message)
                self.assertFalse(resource.HasField("agent_error"))
                self.assertFalse(resource.HasField("outputs"))
                (link,) = resource.log_links
                self.assertEqual(link.name, "Databricks Console")
                # The run's own run_page_url (linkToRunPageUrl's default).
                self.assertEqual(link.uri,
                                 "https://fake.cloud.databricks.com/?o=42#job/555/run/1000")
                custom = h.json_format.MessageToDict(resource.custom_info)
                self.assertEqual(custom["life_cycle_state"], life_cycle)
        response, error = self.client.delete(meta)
        self.assertIsNone(error, error and error.details())
        self.assertTrue(self.fake.runs()["runs"]["1000"]["cancelled"])
        # Deleting again (a finished run) is fine too.
        self.assertIsNone(self.client.delete(meta)[1])
        submits = [r for r in self.fake.requests() if r["path"].endswith("/runs/submit")]
        self.assertEqual(len(submits), 1)
        self.assertEqual(submits[0]["headers"]["Authorization"], "Bearer " + h.TOKEN)

    def test_get_routes_by_the_deprecated_task_type(self):
        meta = self.created()
        response, error = self.client.get(meta, deprecated_only=True)
        self.assertIsNone(error, error and error.details())
        self.assertEqual(response.resource.phase, INITIALIZING)

    def test_failures_carry_agent_error(self):
        cases = [
            ("FAILED", RETRYABLE_FAILED, STATE_RETRYABLE, RECOVERABLE, ORIGIN_USER),
            ("CANCELED", FAILED, STATE_PERMANENT, NON_RECOVERABLE, ORIGIN_USER),
            ("EXCLUDED", FAILED, STATE_PERMANENT, NON_RECOVERABLE, ORIGIN_SYSTEM),
        ]
        for result, phase, state, kind, origin in cases:
            with self.subTest(result=result):
                self.fake.reset()
                self.fake.set_states({"life_cycle_state": "TERMINATED",
                                      "result_state": result,
                                      "state_message": "boom in " + result})
                response, error = self.client.get(self.created())
                self.assertIsNone(error, error and error.details())
                resource = response.resource
                self.assertEqual(resource.phase, phase)
                self.assertEqual(resource.state, state)
                self.assertTrue(resource.HasField("agent_error"))
                self.assertEqual(resource.agent_error.code, result)
                self.assertEqual(resource.agent_error.kind, kind)
                self.assertEqual(resource.agent_error.origin, origin)
                self.assertIn("boom in " + result, resource.message)

    def test_retried_create_starts_one_remote_run(self):
        execution = self.execution()
        first = self.created(execution=execution)
        second = self.created(execution=execution)
        self.assertEqual(first, second)
        self.assertEqual(self.fake.runs()["count"], 1)
        tokens = {json.loads(r["body"])["idempotency_token"] for r in self.fake.requests()
                  if r["path"].endswith("/runs/submit")}
        self.assertEqual(len(tokens), 1)
        # The next attempt of the same task execution is a new run.
        third = self.created(execution=execution, retry_attempt=1)
        self.assertNotEqual(third, first)
        self.assertEqual(self.fake.runs()["count"], 2)

    def test_create_outliving_its_deadline_still_yields_one_run(self):
        execution = self.execution()
        self.fake.add_faults("submit", {"delay": 1.5})
        started = time.monotonic()
        self.assertEqual(self.client.create(h.create_request(execution), timeout=0.5)[1].code(),
                         SC.DEADLINE_EXCEEDED)
        self.assertLess(time.monotonic() - started, 1.4)
        meta = self.created(execution=execution)  # propeller's retry
        time.sleep(1.5)  # the first, slow submit has finished by now
        self.assertEqual(self.fake.runs()["count"], 1)
        self.assertEqual(str(json.loads(meta)["run_id"]), "1000")

    def test_no_work_continues_for_a_caller_that_has_gone(self):
        # The caller's deadline and cancellation reach the module (ABI 1.1),
        # which stops once the caller has gone. Each runs/get here answers
        # 503 after 1 s, and the module would retry up to 3 times (a 1.0
        # module would, for ~3 s); the caller leaves after 0.5 s, during the
        # first attempt, so exactly one request may reach Databricks. The
        # margins are wide so that a loaded machine does not change the count.
        meta = self.created()
        self.fake.add_faults("get", *[{"delay": 1.0, "status": 503}] * 3)
        self.assertEqual(self.client.get(meta, timeout=0.5)[1].code(),
                         SC.DEADLINE_EXCEEDED)
        time.sleep(3.0)
        gets = sum("/runs/get" in r["path"] for r in self.fake.requests())
        self.assertEqual(gets, 1)

    def test_a_slow_remote_call_blocks_nothing_else(self):
        slow_meta = self.created()
        fast_meta = self.created()
        self.fake.add_faults("get", {"delay": 3})
        slow = []
        thread = threading.Thread(target=lambda: slow.append(self.client.get(slow_meta)))
        thread.start()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(
                "/runs/get" in r["path"] for r in self.fake.requests()):
            time.sleep(0.05)
        started = time.monotonic()
        self.assertIsNone(self.client.list_agents()[1])
        response, error = self.client.get(fast_meta)
        self.assertIsNone(error, error and error.details())
        self.assertLess(time.monotonic() - started, 1.5)
        thread.join(10)
        self.assertIsNone(slow[0][1])


class ErrorsTest(ConnectorTestCase):
    def test_unknown_task_type_is_not_found(self):
        meta = self.created()
        self.assertCode(self.client.get(meta, task_type="no-such-type"),
                        SC.NOT_FOUND, "no-such-type")
        self.assertCode(self.client.delete(meta, task_type="no-such-type"),
                        SC.NOT_FOUND, "no-such-type")
        self.assertCode(self.client.create(h.create_request(
            self.execution(), template=h.example_template("no-such-type"))),
            SC.NOT_FOUND, "no-such-type")

    def test_garbage_resource_meta_is_invalid_argument(self):
        for meta in (b"\xff\x00garbage", b"{}", b'{"instance":"%s"}' % (
                self.fake.base_url.encode()), b'{"instance":"%s","run_id":"x"}' % (
                self.fake.base_url.encode())):
            with self.subTest(meta=meta):
                self.assertCode(self.client.get(meta), SC.INVALID_ARGUMENT)
                self.assertCode(self.client.delete(meta), SC.INVALID_ARGUMENT)
        self.assertEqual([r for r in self.fake.requests() if "/api/" in r["path"]], [])

    def test_malformed_template_is_invalid_argument(self):
        no_template = agent_pb2.CreateTaskRequest(output_prefix="s3://b/o")
        self.assertCode(self.client.create(no_template), SC.INVALID_ARGUMENT)
        untyped = h.create_request(self.execution(), template=h.example_template(""))
        self.assertCode(self.client.create(untyped), SC.INVALID_ARGUMENT)
        no_compute = h.example_template()
        del no_compute.custom.fields["databricksConf"].struct_value.fields["new_cluster"]
        self.assertCode(self.client.create(h.create_request(self.execution(),
                                                            template=no_compute)),
                        SC.INVALID_ARGUMENT, "new_cluster")
        wrong_type = h.example_template()
        wrong_type.custom.fields["databricksConf"].string_value = "not an object"
        self.assertCode(self.client.create(h.create_request(self.execution(),
                                                            template=wrong_type)),
                        SC.INVALID_ARGUMENT, "databricksConf")
        self.assertEqual(self.fake.runs()["count"], 0)

    def test_remote_errors_map_to_grpc_codes(self):
        cases = [
            (503, SC.UNAVAILABLE),
            (429, SC.RESOURCE_EXHAUSTED),
            (403, SC.PERMISSION_DENIED),
            (401, SC.UNAUTHENTICATED),
            # The databricks module treats every 5xx as the remote side's
            # retryable failure (plugins/databricks/README.md).
            (500, SC.UNAVAILABLE),
            # Not retryable and not the caller's fault: INTERNAL.
            (409, SC.INTERNAL),
            (418, SC.INTERNAL),
        ]
        for status, code in cases:
            fault = {"status": status, "body": {"error_code": "E%d" % status,
                                                "message": "fake says %d" % status}}
            with self.subTest(status=status, call="create"):
                self.fake.reset()
                self.fake.add_faults("submit", *[fault] * 3)
                self.assertCode(self.client.create(h.create_request(self.execution())),
                                code, "fake says %d" % status)
            with self.subTest(status=status, call="get"):
                self.fake.reset()
                meta = self.created()
                self.fake.add_faults("get", *[fault] * 3)
                self.assertCode(self.client.get(meta), code, "fake says %d" % status)
            with self.subTest(status=status, call="delete"):
                self.fake.add_faults("cancel", *[fault] * 3)
                self.assertCode(self.client.delete(meta), code, "fake says %d" % status)

    def test_a_rejected_token_is_permission_denied(self):
        self.fake.configure(token="dapi-some-other-token")
        self.assertCode(self.client.create(h.create_request(self.execution())),
                        SC.PERMISSION_DENIED, "Invalid access token")

    def test_remote_timeout_is_deadline_exceeded(self):
        server = self.start_server(h.databricks_config(self.fake, extra={
            "requestTimeout": "300ms",
            "retry": {"maxAttempts": 1, "initialBackoff": "10ms",
                      "maxBackoff": "20ms", "maxTotalTime": "5s"}}), metrics=False)
        with server.channel() as channel:
            client = h.Client(channel, self.seen)
            self.fake.add_faults("submit", {"delay": 1})
            self.assertCode(client.create(h.create_request(self.execution())),
                            SC.DEADLINE_EXCEEDED)
        self.assertEqual(server.stop(), 0)

    def test_deleting_an_unknown_run_is_ok(self):
        meta = json.dumps({"instance": self.fake.base_url, "run_id": "987654"}).encode()
        response, error = self.client.delete(meta)
        self.assertIsNone(error, error and error.details())

    def test_metrics_and_logs_rpcs_are_unimplemented(self):
        meta = self.created()
        request = agent_pb2.GetTaskMetricsRequest(resource_meta=meta)
        request.task_category.name = "databricks"
        _, error = self.client.call(self.client.tasks.GetTaskMetrics, request)
        self.assertEqual(error.code(), SC.UNIMPLEMENTED)
        self.assertIn("no module offers task metrics", error.details())
        logs = agent_pb2.GetTaskLogsRequest(resource_meta=meta)
        logs.task_category.name = "databricks"
        with self.assertRaises(grpc.RpcError) as raised:
            list(self.client.tasks.GetTaskLogs(logs, timeout=10))
        self.assertEqual(raised.exception.code(), SC.UNIMPLEMENTED)
        self.assertIn("no module offers task logs", raised.exception.details())

    def test_errors_are_logged_without_secrets(self):
        self.assertCode(self.client.get(b"{}"), SC.INVALID_ARGUMENT)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and "INVALID_ARGUMENT" not in self.server.stderr():
            time.sleep(0.05)
        lines = [l for l in self.server.stderr().splitlines() if "INVALID_ARGUMENT" in l]
        self.assertTrue(lines, self.server.stderr()[-2000:])
        self.assertIn("GetTask", lines[-1])
        self.assertNotIn(h.TOKEN, self.server.stderr())

    def test_server_survives_every_bad_request(self):
        self.test_garbage_resource_meta_is_invalid_argument()
        self.test_malformed_template_is_invalid_argument()
        self.assertIsNone(self.server.proc.poll())
        self.assertIsNone(self.client.list_agents()[1])


class ObservabilityTest(ConnectorTestCase):
    def test_health_is_serving(self):
        response, error = self.client.call(self.client.health.Check,
                                           health_pb2.HealthCheckRequest())
        self.assertIsNone(error)
        self.assertEqual(response.status, health_pb2.HealthCheckResponse.SERVING)
        for service in ("flyteidl.service.AsyncAgentService",
                        "flyteidl.service.AgentMetadataService"):
            response, error = self.client.call(
                self.client.health.Check, health_pb2.HealthCheckRequest(service=service))
            self.assertIsNone(error, service)
            self.assertEqual(response.status, health_pb2.HealthCheckResponse.SERVING)
        self.assertCode(self.client.call(self.client.health.Check,
                                         health_pb2.HealthCheckRequest(service="no.Such")),
                        SC.NOT_FOUND)

    def test_debug_level_logs_one_line_per_request(self):
        server = self.start_server(extra_args=["--log-level", "debug"], metrics=False)
        with server.channel() as channel:
            client = h.Client(channel, self.seen)
            meta = self.created(client)
            self.assertIsNone(client.get(meta)[1])
            self.assertIsNone(client.delete(meta)[1])
        self.assertEqual(server.stop(), 0)
        requests = [l for l in server.stderr().splitlines() if " method=" in l]
        self.assertEqual([re.search(r" method=(\S+)", l).group(1) for l in requests],
                         ["CreateTask", "GetTask", "DeleteTask"], server.stderr())
        for line in requests:
            self.assertRegex(line, r"^ts=\S+ level=debug method=\S+ task_type=databricks "
                                   r"code=OK duration_ms=[0-9.e+-]+")

    def reflect(self, **request):
        responses = list(self.client.reflection.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(**request)]), timeout=10))
        self.assertEqual(len(responses), 1)
        self.assertFalse(responses[0].HasField("error_response"), responses[0])
        return responses[0]

    def test_reflection_lists_the_services(self):
        listed = {s.name for s in self.reflect(list_services="")
                  .list_services_response.service}
        self.assertLessEqual({"flyteidl.service.AsyncAgentService",
                              "flyteidl.service.AgentMetadataService",
                              "grpc.health.v1.Health"}, listed)
        # The request and response messages are described too (grpcurl
        # needs them to encode a call).
        protos = self.described_files("flyteidl.admin.CreateTaskRequest")
        self.assertEqual(protos[0].package, "flyteidl.admin")

    def described_files(self, symbol):
        """The FileDescriptorProtos reflection returns for `symbol`."""
        files = self.reflect(file_containing_symbol=symbol)
        return [descriptor_pb2.FileDescriptorProto.FromString(b)
                for b in files.file_descriptor_response.file_descriptor_proto]

    def test_reflection_describes_the_services(self):
        # grpcurl and other reflection clients call the services without the
        # .proto files: the server must describe them, not only list them.
        protos = self.described_files("flyteidl.service.AsyncAgentService")
        services = {s.name: [m.name for m in s.method]
                    for p in protos if p.package == "flyteidl.service" for s in p.service}
        self.assertEqual(services["AsyncAgentService"][:3],
                         ["CreateTask", "GetTask", "DeleteTask"])

    def test_metrics_use_flytekit_names_and_labels(self):
        meta = self.created()
        self.assertIsNone(self.client.get(meta)[1])
        self.assertIsNone(self.client.delete(meta)[1])
        self.assertCode(self.client.get(meta, task_type="no-such-type"), SC.NOT_FOUND)
        text = self.server.metrics_text()
        self.assertNotIn(h.TOKEN, text)
        self.assertNotIn("no-such-type", text)  # unserved types do not grow labels
        samples = h.parse_metrics(text)
        for operation in ("create", "get", "delete"):
            with self.subTest(operation=operation):
                self.assertGreaterEqual(h.metric(
                    samples, "flyte_connector_requests_success_total",
                    task_type="databricks", operation=operation) or 0, 1)
                self.assertGreaterEqual(h.metric(
                    samples, "flyte_connector_request_latency_seconds_count",
                    task_type="databricks", operation=operation) or 0, 1)
                self.assertIsNotNone(h.metric(
                    samples, "flyte_connector_request_latency_seconds_sum",
                    task_type="databricks", operation=operation))
        self.assertGreaterEqual(h.metric(
            samples, "flyte_connector_requests_failure_total",
            operation="get", error_code="404") or 0, 1)
        self.assertIsNotNone(h.metric(samples, "flyte_connector_input_literal_bytes",
                                      task_type="databricks"))
        self.assertIn("# TYPE flyte_connector_request_latency_seconds summary", text)
        self.assertIn("# TYPE flyte_connector_requests_success_total counter", text)
        self.assertIsNotNone(h.metric(samples, "flyteplug_connector_requests_in_flight",
                                      operation="get"))
        self.assertGreaterEqual(h.metric(
            samples, "flyteplug_connector_remote_call_seconds_count",
            module="databricks", operation="create") or 0, 1)


class TlsTest(unittest.TestCase):
    """TLS with a throwaway CA made by the openssl CLI at test time."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="flyteplug-tls-")
        cls.ca_cert = cls.make_ca("ca")
        cls.other_ca_cert = cls.make_ca("other-ca")
        d = cls.dir
        with open(os.path.join(d, "ext.cnf"), "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                    "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", d + "/server.key", "-out", d + "/server.csr",
                "-subj", "/CN=localhost")
        openssl("x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.crt",
                "-CAkey", d + "/ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", d + "/ext.cnf", "-out", d + "/server.crt")
        with open(d + "/server.key") as f:
            cls.key_body = "".join(l for l in f.read().splitlines() if "-----" not in l)
        cls.fake = h.FakeDatabricks()
        cls.server = h.Server(h.databricks_config(cls.fake), extra_args=[
            "--tls-cert", d + "/server.crt", "--tls-key", d + "/server.key"])

    @classmethod
    def make_ca(cls, name):
        base = os.path.join(cls.dir, name)
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", base + ".key", "-out", base + ".crt", "-days", "2",
                "-subj", "/CN=flyteplug test %s" % name)
        with open(base + ".crt", "rb") as f:
            return f.read()

    @classmethod
    def tearDownClass(cls):
        try:
            code = cls.server.stop()
            output = cls.server.stdout() + cls.server.stderr()
            if code != 0:
                raise AssertionError("TLS server exited %s: %s" % (code, output[-2000:]))
            for secret in (h.TOKEN, cls.key_body):
                if secret in output:
                    raise AssertionError("a secret leaked into the server's output")
        finally:
            cls.fake.close()
            subprocess.run(["rm", "-rf", cls.dir], check=False)

    def channel(self, ca):
        return self.server.channel(grpc.ssl_channel_credentials(root_certificates=ca),
                                   options=[("grpc.ssl_target_name_override", "localhost")])

    def test_tls_client_trusting_the_ca(self):
        with self.channel(self.ca_cert) as channel:
            client = h.Client(channel)
            response, error = client.list_agents()
            self.assertIsNone(error, error and error.details())
            self.assertEqual(response.agents[0].name, "databricks")
            response, error = client.call(client.health.Check,
                                          health_pb2.HealthCheckRequest())
            self.assertEqual(response.status, health_pb2.HealthCheckResponse.SERVING)
            response, error = client.create(h.create_request("tls-1"))
            self.assertIsNone(error, error and error.details())
            self.assertIsNone(client.get(response.resource_meta)[1])

    def test_plaintext_and_untrusted_clients_are_refused(self):
        for name, channel in (("plaintext", self.server.channel()),
                              ("other CA", self.channel(self.other_ca_cert))):
            with self.subTest(client=name), channel:
                client = h.Client(channel)
                _, error = client.list_agents(timeout=5)
                self.assertIsNotNone(error)
                self.assertEqual(error.code(), SC.UNAVAILABLE)

    def test_a_certificate_without_its_key_is_bad_usage(self):
        server = h.Server(h.databricks_config(self.fake), expect_listening=False,
                          extra_args=["--tls-cert", self.dir + "/server.crt"])
        self.assertEqual(server.wait(30), 2)
        server.stop()  # cleans up
        self.assertIn("--tls-key", server.stderr())
        self.assertNotIn("listening", server.stdout())


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)


class ShutdownTest(ConnectorTestCase):
    def test_sigterm_answers_every_request_in_flight_then_exits_0(self):
        server = self.start_server()
        metas = [self.created(h.Client(server.channel(), self.seen)) for _ in range(4)]
        self.fake.add_faults("get", *[{"delay": 1.5}] * 4)
        outcomes = []
        lock = threading.Lock()

        def poll(meta):
            with server.channel() as channel:
                outcome = h.Client(channel, self.seen).get(meta, timeout=20)
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=poll, args=(m,)) for m in metas]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and sum(
                "/runs/get" in r["path"] for r in self.fake.requests()) < 4:
            time.sleep(0.02)
        server.proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        self.assertEqual(server.wait(30), 0, server.stderr()[-2000:])
        self.assertLess(time.monotonic() - started, 25)
        for thread in threads:
            thread.join(10)
        self.assertEqual(len(outcomes), 4)
        for response, error in outcomes:
            self.assertIsNone(error, error and "%s %s" % (error.code(), error.details()))
            self.assertEqual(response.resource.phase, INITIALIZING)
        self.assertEqual(len([l for l in server.lines() if "listening on" in l]), 2)
        # Nothing listens any more.
        with server.channel() as channel:
            client = h.Client(channel)
            _, error = client.list_agents(timeout=2)
            self.assertIsNotNone(error)

    def test_sigint_exits_0(self):
        server = self.start_server(metrics=False)
        self.assertEqual(server.stop(signal.SIGINT), 0, server.stderr()[-2000:])


class ReplicasTest(ConnectorTestCase):
    def test_two_replicas_share_one_task(self):
        self.fake.set_states(
            {"life_cycle_state": "PENDING", "state_message": "Waiting for cluster"},
            {"life_cycle_state": "RUNNING", "state_message": "In run"},
            {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"})
        replica_b = self.start_server(secret_via="dir")
        meta = self.created(self.client)
        # Replica A goes away entirely: B needs nothing from it.
        self.assertEqual(self.server.stop(), 0)
        with replica_b.channel() as channel:
            client_b = h.Client(channel, self.seen)
            phases = []
            for _ in range(3):
                response, error = client_b.get(meta)
                self.assertIsNone(error, error and error.details())
                phases.append(response.resource.phase)
            self.assertEqual(phases, [INITIALIZING, RUNNING, SUCCEEDED])
            self.assertIsNone(client_b.delete(meta)[1])
        runs = self.fake.runs()
        self.assertEqual(runs["count"], 1)
        self.assertTrue(runs["runs"]["1000"]["cancelled"])
        self.assertEqual(runs["runs"]["1000"]["polls"], 3)
        # Both replicas authenticated with the same token (env and secrets dir).
        auth = {r["headers"]["Authorization"] for r in self.fake.requests()
                if "/api/" in r["path"]}
        self.assertEqual(auth, {"Bearer " + h.TOKEN})


class LoadTest(ConnectorTestCase):
    """16 client threads x hundreds of GetTask calls: every call answered,
    and the server's resident memory flat between the two halves."""

    THREADS = 16
    CALLS_PER_HALF = 250  # per thread and phase: warm-up, then two measured halves

    def run_half(self, metas):
        failures = []
        answered = [0]
        lock = threading.Lock()

        def worker(meta):
            with self.server.channel() as channel:
                client = h.Client(channel, [])
                for _ in range(self.CALLS_PER_HALF):
                    response, error = client.get(meta, timeout=30)
                    with lock:
                        if error is None and response.resource.phase == RUNNING:
                            answered[0] += 1
                        else:
                            failures.append(error and error.details())

        threads = [threading.Thread(target=worker, args=(m,)) for m in metas]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        self.assertEqual(failures[:3], [])
        self.assertEqual(answered[0], self.THREADS * self.CALLS_PER_HALF)

    def test_sixteen_threads_of_get_task(self):
        self.fake.set_states({"life_cycle_state": "RUNNING", "state_message": "In run"})
        metas = [self.created() for _ in range(self.THREADS)]
        self.run_half(metas)  # warm-up: thread pools, arenas, connections
        first = self.server.rss_kib()
        started = time.monotonic()
        self.run_half(metas)
        second = self.server.rss_kib()
        self.run_half(metas)
        third = self.server.rss_kib()
        seconds = time.monotonic() - started
        calls = 2 * self.THREADS * self.CALLS_PER_HALF
        print("load: %d GetTask calls in %.1f s (%.0f/s); VmRSS %d -> %d -> %d KiB"
              % (calls, seconds, calls / seconds, first, second, third))
        # Flat: the second half adds at most 3% + 2 MiB (a leak of 1 KiB per
        # call would add 4 MiB).
        self.assertLessEqual(third - second, 0.03 * second + 2048,
                             "VmRSS %d -> %d -> %d KiB" % (first, second, third))
        samples = h.parse_metrics(self.server.metrics_text())
        self.assertGreaterEqual(h.metric(samples, "flyte_connector_requests_success_total",
                                         task_type="databricks", operation="get"),
                                3 * self.THREADS * self.CALLS_PER_HALF)


if __name__ == "__main__":
    unittest.main(verbosity=2)
