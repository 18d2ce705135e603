#!/usr/bin/env python3
"""Resident memory of `flyteplug serve` under sustained load (issue 15).

A measurement, not a test (not registered in CTest): one `flyteplug serve`
with both modules, databricks against tests/databricks/fake_databricks.py
and spark against tests/kube/fake_kube_apiserver.py through --kubeconfig.
A few client threads drive a steady mix of CreateTask / GetTask /
DeleteTask for both task types for a fixed time while the server's VmRSS
(/proc/PID/status) is sampled every second.

  serve_rss.py --flyteplug BUILD/bin/flyteplug [--seconds 120] [--threads 4]
               [--databricks-runs fail]

Databricks runs go PENDING, RUNNING, then succeed, or with
--databricks-runs fail end FAILED with an error and a trace, so that every
run's failure details are fetched (runs/get-output) and remembered until
its DeleteTask.

Prints calls, calls/s, and VmRSS at the start of load, after warm-up (the
first 20% of the time), at the end, and the maximum, plus the growth from
warm-up to end per 10,000 calls; the last line is one machine-readable
summary: `serve_rss: key=value ...`. Flat means growth after warm-up of at
most 2% or at most 1 MB. Exits non-zero only when a call failed, the
server died or the set-up failed (the reason on stderr); never on the
memory numbers themselves.
Needs python3-grpcio, python3-grpc-tools, python3-jsonschema and openssl,
as the connector tests do.
"""
import argparse
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CONNECTOR_DIR = os.path.join(ROOT, "tests", "connector")

WARM_UP_FRACTION = 0.2
FLAT_FRACTION = 0.02
FLAT_KIB = 1024


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flyteplug", required=True, help="the built flyteplug binary")
    parser.add_argument("--seconds", type=float, default=120.0,
                        help="duration of the load (default 120)")
    parser.add_argument("--threads", type=int, default=4,
                        help="client threads; half run databricks, half spark (default 4)")
    parser.add_argument("--databricks-runs", choices=("succeed", "fail"), default="succeed",
                        help="how every Databricks run ends (default succeed)")
    return parser.parse_args()


def databricks_states(outcome):
    """The fake's life cycle of every new run: three polls to the end."""
    end = {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS", "state_message": ""}
    if outcome == "fail":
        end = {"life_cycle_state": "TERMINATED", "result_state": "FAILED",
               "state_message": "Task failed", "error": "ValueError: bad input row",
               "error_trace": "Traceback (most recent call last):\n" +
                              "  File \"job.py\", line 7, in <module>\n" * 20 +
                              "ValueError: bad input row"}
    return [{"life_cycle_state": "PENDING", "state_message": "Waiting for cluster"},
            {"life_cycle_state": "RUNNING", "state_message": "In run"}, end]


def main():
    args = parse_args()
    if args.seconds <= 0 or args.threads < 2:
        print("serve_rss: --seconds must be > 0 and --threads >= 2", file=sys.stderr)
        return 2
    # connector_harness reads these at import time.
    os.environ["FLYTEPLUG_SOURCE_DIR"] = ROOT
    os.environ["FLYTEPLUG_BIN"] = os.path.abspath(args.flyteplug)
    sys.path.insert(0, CONNECTOR_DIR)
    import connector_harness as h
    from test_connector_kubernetes import FakeKube, spark_template

    databricks = h.FakeDatabricks()
    kube = FakeKube()
    server = None
    try:
        databricks.set_states(*databricks_states(args.databricks_runs))
        config = h.databricks_config(databricks)
        plugins = config["tasks"]["task-plugins"]
        plugins["enabled-plugins"] = ["databricks", "spark"]
        plugins["default-for-task-types"]["spark"] = "spark"
        server = h.Server(config, extra_args=["--kubeconfig", kube.kubeconfig()])
        return measure(h, server, spark_template(), args)
    finally:
        code = server.stop() if server is not None else 0
        kube.close()
        databricks.close()
        if code not in (0, None):
            print("serve_rss: server exited %s: %s" % (code, server.stderr()[-2000:]),
                  file=sys.stderr)


class Load:
    """Client threads cycling create / get / get / get / delete until told
    to stop. Counts calls and keeps the first few errors."""

    def __init__(self, h, server, spark, threads):
        self.h = h
        self.server = server
        self.templates = {"databricks": h.example_template(), "spark": spark}
        self.lock = threading.Lock()
        self.calls = 0
        self.errors = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.worker, args=(i,), daemon=True)
                        for i in range(threads)]

    def count(self, error, what):
        with self.lock:
            self.calls += 1
            if error is not None and len(self.errors) < 5:
                self.errors.append("%s: %s %s" % (what, error.code(), error.details()))
            return error is None

    def worker(self, index):
        task_type = ("databricks", "spark")[index % 2]
        with self.server.channel() as channel:
            client = self.h.Client(channel, _Discard())
            cycle = 0
            while not self.stop.is_set():
                cycle += 1
                execution = "rss-%d-%d" % (index, cycle)
                request = self.h.create_request(execution,
                                                template=self.templates[task_type])
                response, error = client.create(request)
                if not self.count(error, "create " + task_type):
                    break
                meta = response.resource_meta
                for _ in range(3):  # databricks: PENDING, RUNNING, TERMINATED
                    _, error = client.get(meta, task_type=task_type)
                    if not self.count(error, "get " + task_type):
                        return
                _, error = client.delete(meta, task_type=task_type)
                if not self.count(error, "delete " + task_type):
                    break
        self.stop.set()  # one failed call ends the measurement


class _Discard(list):
    """A `seen` list that keeps nothing (the harness keeps every response)."""

    def append(self, _):
        pass


def mib(kib):
    return kib / 1024.0


def measure(h, server, spark, args):
    load = Load(h, server, spark, args.threads)
    samples = []  # (seconds since start, calls so far, VmRSS KiB)
    start_rss = server.rss_kib()
    started = time.monotonic()
    for thread in load.threads:
        thread.start()
    deadline = started + args.seconds
    while not load.stop.is_set() and time.monotonic() < deadline:
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
        if server.proc.poll() is not None:
            load.errors.append("server exited with %s" % server.proc.returncode)
            break
        with load.lock:
            calls = load.calls
        samples.append((time.monotonic() - started, calls, server.rss_kib()))
    load.stop.set()
    for thread in load.threads:
        thread.join(60)
    elapsed = time.monotonic() - started
    if load.errors or not samples:
        print("serve_rss: FAILED after %d calls: %s" % (load.calls, load.errors or "no sample"),
              file=sys.stderr)
        return 1

    warm = next(s for s in samples if s[0] >= WARM_UP_FRACTION * args.seconds) \
        if samples[-1][0] >= WARM_UP_FRACTION * args.seconds else samples[0]
    end = samples[-1]
    peak = max(s[2] for s in samples)
    growth = end[2] - warm[2]
    measured_calls = end[1] - warm[1]
    per_10k = growth * 10000.0 / measured_calls if measured_calls else 0.0
    flat = growth <= FLAT_FRACTION * warm[2] or growth <= FLAT_KIB
    print("calls: %d in %.1f s (%.0f/s), %d threads (databricks and spark), "
          "databricks runs %s" % (load.calls, elapsed, load.calls / elapsed, args.threads,
                                  "fail" if args.databricks_runs == "fail" else "succeed"))
    print("VmRSS: start %.1f MB, after warm-up (%.0f s, %d calls) %.1f MB, "
          "end %.1f MB, max %.1f MB" % (mib(start_rss), warm[0], warm[1], mib(warm[2]),
                                        mib(end[2]), mib(peak)))
    tenths = [samples[min(len(samples) - 1, len(samples) * i // 10)] for i in range(11)]
    print("VmRSS MB at each tenth of the run: " +
          " ".join("%.1f" % mib(s[2]) for s in tenths))
    print("growth after warm-up: %+.0f KiB (%+.2f%%) over %d calls, %+.1f KiB per "
          "10,000 calls: %s" % (growth, 100.0 * growth / warm[2], measured_calls, per_10k,
                                "flat" if flat else "NOT flat"))
    print("serve_rss: calls=%d seconds=%.1f calls_per_s=%.0f start_kib=%d warm_kib=%d "
          "end_kib=%d max_kib=%d growth_kib=%d growth_per_10k_kib=%.1f flat=%d"
          % (load.calls, elapsed, load.calls / elapsed, start_rss, warm[2], end[2], peak,
             growth, per_10k, int(flat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
