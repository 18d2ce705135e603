#!/usr/bin/env python3
"""Prints the issue-15 performance table from flyteplug_bench's JSON output.

Usage: table.py BENCH.json [--serve-rss SERVE_RSS.txt]
BENCH.json: Google Benchmark --benchmark_out_format=json, with repetitions
(the median aggregate of every counter is used). SERVE_RSS.txt: the output
of serve_rss.py, whose `serve_rss:` line adds the serve RSS row.
"""
import json
import re
import sys

SWEEPS = [
    ("spark_conf", "sparkConf"),
    ("hadoop_conf", "hadoopConf"),
    ("container_env", "container env"),
    ("execution_env", "execution env (metadata.environmentVariables)"),
    ("overlay_env", "driverPod/executorPod overlay env"),
    ("tolerations", "overlay tolerations"),
    ("volumes", "overlay volumes"),
]


def load(path):
    """Counters of every benchmark by name: the median aggregate if any."""
    with open(path) as f:
        runs = json.load(f)["benchmarks"]
    rows = {}
    for run in runs:
        # Without Google Benchmark's suffixes: /iterations:N, /real_time.
        name = re.sub(r"/(iterations:\d+|real_time)", "",
                      run.get("run_name", run["name"]))
        if run.get("error_occurred"):
            rows[name] = {"error": run.get("error_message", "error")}
            continue
        if run.get("run_type") == "aggregate" and run.get("aggregate_name") != "median":
            continue
        if run.get("run_type") == "aggregate" or name not in rows:
            rows[name] = run
    return rows


def serve_rss_row(path):
    """The serve RSS row from serve_rss.py's output in `path`."""
    what = "`flyteplug serve` RSS growth under load (both modules)"
    goal = "flat: <= 2% or <= 1 MB after warm-up"
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if l.startswith("serve_rss: ")]
    if not lines:
        return row(what, "serve_rss.py failed", "-", goal, False)
    r = dict(kv.split("=", 1) for kv in lines[-1].split()[1:])
    warm, end = int(r["warm_kib"]), int(r["end_kib"])
    return row(what,
               "%s calls in %.0f s (%s/s); VmRSS %.1f MB after warm-up, %.1f MB at end, "
               "max %.1f MB; %+.0f KiB per 10k calls"
               % (r["calls"], float(r["seconds"]), r["calls_per_s"], warm / 1024.0,
                  end / 1024.0, int(r["max_kib"]) / 1024.0, float(r["growth_per_10k_kib"])),
               "%+.1f%%" % (100.0 * (end - warm) / warm), goal, r["flat"] == "1")


def row(what, measured, ratio, goal, met):
    return [what, measured, ratio, goal, "yes" if met else "NO" if met is not None else "-"]


def main():
    if len(sys.argv) not in (2, 4) or (len(sys.argv) == 4 and sys.argv[2] != "--serve-rss"):
        sys.exit(__doc__)
    rows = load(sys.argv[1])
    table = []

    def get(name):
        r = rows.get(name)
        if r is None or "error" in r:
            table.append(row(name, (r or {}).get("error", "not run"), "-", "-", False))
            return None
        return r

    for variant, goal in (("validated", 1.5), ("unvalidated", None)):
        r = get("BM_SparkBuildVsFloor/" + variant)
        if r:
            ratio = r["ratio"]
            table.append(row(
                "spark build_resource via vtable / floor (%s)" % variant,
                "%.1f us vs %.1f us" % (r["subject_us"], r["floor_us"]),
                "%.2fx" % ratio, "<= %.2fx" % goal if goal else "-",
                ratio <= goal if goal else None))
    r = get("BM_LoaderRoutedVsDirect")
    if r:
        table.append(row("loader flyteplug_build_resource / direct vtable",
                         "%.1f us vs %.1f us" % (r["subject_us"], r["floor_us"]),
                         "%.3fx" % r["ratio"], "<= 1.05x", r["ratio"] <= 1.05))
    sweeps = [("BM_SweepBuild/" + key, label) for key, label in SWEEPS]
    sweeps.append(("BM_SweepLogTemplates", "log templates (get_task_phase)"))
    for name, label in sweeps:
        r = get(name)
        if r:
            times = " / ".join(
                "%.0f" % r["us_%d" % n] for n in (10, 100, 1000, 10000))
            table.append(row("growth per 10x entries: " + label,
                             "us at 10/100/1k/10k: " + times,
                             "x%.1f" % r["growth"], "<= x12", r["growth"] <= 12))
    r = get("BM_PluginsVsDlopen")
    if r:
        table.append(row("`flyteplug plugins` wall / dlopen-only program",
                         "%.1f ms vs %.1f ms" % (r["subject_us"] / 1e3, r["floor_us"] / 1e3),
                         "%.2fx" % r["ratio"], "<= 1.2x", r["ratio"] <= 1.2))
        table.append(row("`flyteplug plugins` peak RSS",
                         "%.1f MB (dlopen-only %.1f MB)" % (r["subject_rss_mb"], r["floor_rss_mb"]),
                         "%.2fx" % (r["subject_rss_mb"] / r["floor_rss_mb"]),
                         "<= 16 MB", r["subject_rss_mb"] <= 16))
    r = get("BM_DatabricksGetVsRawCurl")
    if r:
        speed = r["floor_us"] / r["subject_us"]
        table.append(row("databricks get calls/s / raw libcurl keep-alive",
                         "%.0f/s vs %.0f/s" % (1e6 / r["subject_us"], 1e6 / r["floor_us"]),
                         "%.2fx" % speed, ">= 0.95x", speed >= 0.95))
        table.append(row("databricks get client CPU / raw libcurl",
                         "%.1f us vs %.1f us per call" % (r["subject_cpu_us"], r["floor_cpu_us"]),
                         "%.2fx" % r["cpu_ratio"], "<= 1.2x", r["cpu_ratio"] <= 1.2))
    if len(sys.argv) == 4:
        table.append(serve_rss_row(sys.argv[3]))

    header = ["what", "measured", "ratio", "goal", "met?"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for cells in table:
        print("| " + " | ".join(cells) + " |")
    return 0 if all(cells[4] != "NO" for cells in table) else 1


if __name__ == "__main__":
    sys.exit(main())
