#!/usr/bin/env python3
"""Offline checks of examples/deploy/: the Kubernetes manifests and the
container build file agree with each other and with the built binary.

What `kubectl apply --dry-run=client` would reject (unparsable YAML, a
missing apiVersion/kind/name, misspelled fields in the parts we use, wrong
types) fails here, and so does any disagreement between the probe port, the
Service ports, the container ports, the Dockerfile's EXPOSE and entrypoint
flags, the Secret mount and FLYTE_SECRETS_DIR, and the ConfigMap and
--config. The ConfigMap's configuration is loaded by the real CLI, the
manifests' command line is started as a real server, and the runtime
packages are checked against the shared libraries the binary links.

Environment (set by CTest): FLYTEPLUG_SOURCE_DIR, FLYTEPLUG_BIN (the built
flyteplug; flyteplug-serve is beside it), FLYTEPLUG_LIB_DIR (the directory of libflyteplug_loader.so).
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import unittest

try:
    import yaml
except ImportError:  # pragma: no cover - CI installs python3-yaml
    sys.exit("test_deploy: python3-yaml is missing (examples/setup_deps.sh lists it)")

SOURCE_DIR = os.environ["FLYTEPLUG_SOURCE_DIR"]
FLYTEPLUG_BIN = os.environ["FLYTEPLUG_BIN"]
FLYTEPLUG_SERVE_BIN = os.path.join(os.path.dirname(FLYTEPLUG_BIN), "flyteplug-serve")
LIB_DIR = os.environ["FLYTEPLUG_LIB_DIR"]
DEPLOY_DIR = os.path.join(SOURCE_DIR, "examples", "deploy")
K8S_DIR = os.path.join(DEPLOY_DIR, "kubernetes")
DOCKERFILE = os.path.join(DEPLOY_DIR, "Dockerfile")

KNOWN_KINDS = {
    ("apps/v1", "Deployment"),
    ("v1", "Service"),
    ("v1", "Secret"),
    ("v1", "ConfigMap"),
    ("policy/v1", "PodDisruptionBudget"),
    ("v1", "ServiceAccount"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
}
CLUSTER_SCOPED_KINDS = {"ClusterRole", "ClusterRoleBinding"}
# What the connector does to a Kubernetes-resource module's objects
# (connector/k8s_resource_tasks.h): exactly these verbs, per (group,
# resource) of the objects the shipped modules and the example create.
CONNECTOR_VERBS = {"create", "get", "patch", "delete"}
CONNECTOR_RESOURCES = {("sparkoperator.k8s.io", "sparkapplications"),
                       ("batch", "jobs")}
RBAC_RULE_FIELDS = {"apiGroups", "resources", "verbs", "resourceNames",
                    "nonResourceURLs"}
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
# Fields of the Kubernetes core/v1 objects the manifests use: a misspelled
# key (e.g. "readinesProbe") is dropped by kubectl's client-side decoding
# with at most a warning, so it is caught here.
CONTAINER_FIELDS = {
    "name", "image", "imagePullPolicy", "command", "args", "env", "envFrom",
    "ports", "readinessProbe", "livenessProbe", "startupProbe", "resources",
    "securityContext", "volumeMounts", "workingDir", "lifecycle",
    "terminationMessagePath", "terminationMessagePolicy",
}
PROBE_FIELDS = {
    "grpc", "httpGet", "tcpSocket", "exec", "initialDelaySeconds",
    "periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold",
    "terminationGracePeriodSeconds",
}
POD_SPEC_FIELDS = {
    "containers", "initContainers", "volumes", "securityContext",
    "serviceAccountName", "automountServiceAccountToken",
    "terminationGracePeriodSeconds", "affinity", "tolerations",
    "nodeSelector", "topologySpreadConstraints", "priorityClassName",
}
CONTAINER_SECURITY_FIELDS = {
    "allowPrivilegeEscalation", "readOnlyRootFilesystem", "runAsNonRoot",
    "runAsUser", "runAsGroup", "capabilities", "privileged", "seccompProfile",
}
POD_SECURITY_FIELDS = {
    "runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup", "seccompProfile",
    "supplementalGroups", "fsGroupChangePolicy",
}
SERVICE_PORT_FIELDS = {"name", "port", "targetPort", "protocol",
                       "appProtocol", "nodePort"}
VOLUME_MOUNT_FIELDS = {"name", "mountPath", "readOnly", "subPath"}
# Libraries every debian:12-slim image has (essential packages).
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}


def load_manifests():
    """Returns [(file name, document)] for every document of every file."""
    docs = []
    for name in sorted(os.listdir(K8S_DIR)):
        if not name.endswith((".yaml", ".yml")):
            continue
        with open(os.path.join(K8S_DIR, name)) as f:
            for doc in yaml.safe_load_all(f):
                if doc is not None:
                    docs.append((name, doc))
    return docs


def parse_dockerfile():
    """Returns a list of stages: {"from", "name", "instructions": [(op, arg)]}
    with line continuations joined and comments dropped."""
    with open(DOCKERFILE) as f:
        text = f.read()
    text = re.sub(r"\\\n", " ", text)
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        op, _, arg = line.partition(" ")
        op = op.upper()
        arg = arg.strip()
        if op == "FROM":
            words = arg.split()
            stages.append({"from": words[0],
                           "name": words[2] if len(words) > 2 else None,
                           "instructions": []})
        else:
            assert stages, "instruction before FROM: " + line
            stages[-1]["instructions"].append((op, arg))
    return stages


def debian_packages_of(paths):
    """{path: Debian package owning it}, with one dpkg query. Merged /usr:
    dpkg may know a /usr/lib file as /lib/..."""
    queries = {}
    for path in paths:
        queries[path] = path
        if path.startswith("/usr/lib/"):
            queries[path[len("/usr"):]] = path
    out = subprocess.run(["dpkg", "-S"] + sorted(queries), capture_output=True,
                         text=True).stdout
    owners = {}
    for line in out.splitlines():
        package, _, owned = line.partition(": ")
        if owned in queries:
            owners[queries[owned]] = package.split(":")[0].split(",")[0].strip()
    unowned = sorted(set(paths) - set(owners))
    assert not unowned, "no Debian package owns %s" % unowned
    return owners


def port_of(address):
    host, _, port = address.rpartition(":")
    assert host and port.isdigit(), "not HOST:PORT: %r" % address
    return int(port)


def flag_value(args, flag):
    """The value of `--flag VALUE` or `--flag=VALUE` in args, else None."""
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(flag + "="):
            return arg[len(flag) + 1:]
    return None


def replace_flag(args, flag, value):
    out = list(args)
    for i, arg in enumerate(out):
        if arg == flag:
            out[i + 1] = value
            return out
        if arg.startswith(flag + "="):
            out[i] = flag + "=" + value
            return out
    raise AssertionError("flag %s not in %r" % (flag, args))


class DeployTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.docs = load_manifests()
        by_kind = {}
        for _, doc in cls.docs:
            by_kind.setdefault(doc.get("kind"), []).append(doc)
        cls.by_kind = by_kind
        (cls.deployment,) = by_kind["Deployment"]
        (cls.service,) = by_kind["Service"]
        (cls.secret,) = by_kind["Secret"]
        (cls.configmap,) = by_kind["ConfigMap"]
        cls.pod = cls.deployment["spec"]["template"]
        (cls.container,) = cls.pod["spec"]["containers"]
        cls.stages = parse_dockerfile()
        cls.runtime = cls.stages[-1]
        (entrypoint,) = [a for op, a in cls.runtime["instructions"]
                         if op == "ENTRYPOINT"]
        cls.entrypoint = json.loads(entrypoint)  # exec form only

    # -- helpers -----------------------------------------------------------
    def container_port(self, name_or_number):
        for port in self.container["ports"]:
            if name_or_number in (port.get("name"), port["containerPort"]):
                return port["containerPort"]
        self.fail("no container port %r" % (name_or_number,))

    def volume(self, name):
        for volume in self.pod["spec"]["volumes"]:
            if volume["name"] == name:
                return volume
        self.fail("no volume %r" % name)

    def mount_of(self, volume_kind, object_name):
        """The mount path of the volume projecting the named object."""
        key = "secretName" if volume_kind == "secret" else "name"
        for volume in self.pod["spec"]["volumes"]:
            if volume.get(volume_kind, {}).get(key) == object_name:
                for mount in self.container["volumeMounts"]:
                    if mount["name"] == volume["name"]:
                        return mount
        self.fail("no mounted %s volume of %r" % (volume_kind, object_name))

    def env(self, name):
        for var in self.container.get("env", []):
            if var["name"] == name:
                return var.get("value")
        return None

    def config_document(self):
        path = flag_value(self.container["args"], "--config")
        self.assertIsNotNone(path, "Deployment args lack --config")
        key = os.path.basename(path)
        return key, yaml.safe_load(self.configmap["data"][key])

    def write_config(self, directory):
        """Writes the ConfigMap's configuration file into `directory`;
        returns its path."""
        key, _ = self.config_document()
        path = os.path.join(directory, key)
        with open(path, "w") as f:
            f.write(self.configmap["data"][key])
        return path

    def serve_args(self):
        """The entrypoint's arguments after the binary, then the Deployment's
        args (Kubernetes appends args to the image's ENTRYPOINT)."""
        return self.entrypoint[1:] + self.container.get("args", [])

    def runtime_packages(self):
        packages = set()
        for op, arg in self.runtime["instructions"]:
            if op == "RUN" and "apt-get install" in arg:
                tail = arg.split("apt-get install", 1)[1].split("&&")[0]
                packages.update(w for w in tail.split() if not w.startswith("-"))
        return packages

    # -- manifests ---------------------------------------------------------
    def test_every_document_is_a_known_named_object(self):
        self.assertGreaterEqual(len(self.docs), 4)
        seen = set()
        namespaces = set()
        for name, doc in self.docs:
            with self.subTest(file=name):
                self.assertIsInstance(doc, dict)
                self.assertIn((doc.get("apiVersion"), doc.get("kind")), KNOWN_KINDS)
                meta = doc.get("metadata")
                self.assertIsInstance(meta, dict)
                self.assertRegex(meta.get("name", ""), DNS_SUBDOMAIN)
                self.assertNotIn((doc["kind"], meta["name"]), seen)
                seen.add((doc["kind"], meta["name"]))
                if doc["kind"] not in CLUSTER_SCOPED_KINDS:
                    namespaces.add(meta.get("namespace"))
                else:
                    self.assertNotIn("namespace", meta)
                for labels in (meta.get("labels", {}), meta.get("annotations", {})):
                    for k, v in labels.items():
                        self.assertIsInstance(v, str, "%s: %s must be a string" % (name, k))
        self.assertEqual(len(namespaces), 1, "one namespace for all objects")

    def test_rbac_grants_the_connector_exactly_its_verbs(self):
        (account,) = self.by_kind["ServiceAccount"]
        (role,) = self.by_kind["ClusterRole"]
        (binding,) = self.by_kind["ClusterRoleBinding"]
        spec = self.pod["spec"]
        self.assertEqual(spec["serviceAccountName"], account["metadata"]["name"])
        self.assertEqual(account["metadata"]["namespace"],
                         self.deployment["metadata"]["namespace"])
        # The in-cluster configuration reads the mounted token.
        self.assertTrue(spec["automountServiceAccountToken"])
        granted = {}
        for rule in role["rules"]:
            self.assertLessEqual(set(rule), RBAC_RULE_FIELDS)
            self.assertNotIn("*", rule["verbs"])
            for group in rule["apiGroups"]:
                for resource in rule["resources"]:
                    self.assertNotIn("*", (group, resource))
                    granted.setdefault((group, resource), set()).update(
                        rule["verbs"])
        self.assertEqual(set(granted), CONNECTOR_RESOURCES)
        for key, verbs in granted.items():
            with self.subTest(resource=key):
                self.assertEqual(verbs, CONNECTOR_VERBS)
        self.assertEqual(binding["roleRef"],
                         {"apiGroup": "rbac.authorization.k8s.io",
                          "kind": "ClusterRole",
                          "name": role["metadata"]["name"]})
        self.assertIn({"kind": "ServiceAccount",
                       "name": account["metadata"]["name"],
                       "namespace": account["metadata"]["namespace"]},
                      binding["subjects"])

    def test_deployment_fields_are_known_and_typed(self):
        spec = self.pod["spec"]
        self.assertLessEqual(set(spec), POD_SPEC_FIELDS)
        self.assertLessEqual(set(self.container), CONTAINER_FIELDS)
        self.assertLessEqual(set(spec["securityContext"]), POD_SECURITY_FIELDS)
        self.assertLessEqual(set(self.container["securityContext"]),
                             CONTAINER_SECURITY_FIELDS)
        for mount in self.container["volumeMounts"]:
            self.assertLessEqual(set(mount), VOLUME_MOUNT_FIELDS)
            self.volume(mount["name"])
        for arg in self.container["args"]:
            self.assertIsInstance(arg, str)
        for var in self.container["env"]:
            self.assertIsInstance(var["value"], str)
        for port in self.container["ports"]:
            self.assertIsInstance(port["containerPort"], int)
            self.assertTrue(1 <= port["containerPort"] <= 65535)
        self.assertIsInstance(self.deployment["spec"]["replicas"], int)
        selector = self.deployment["spec"]["selector"]["matchLabels"]
        self.assertLessEqual(selector.items(), self.pod["metadata"]["labels"].items())

    def test_probes_are_grpc_on_the_grpc_port(self):
        grpc_port = self.container_port("grpc")
        for probe_name in ("readinessProbe", "livenessProbe"):
            with self.subTest(probe=probe_name):
                probe = self.container[probe_name]
                self.assertLessEqual(set(probe), PROBE_FIELDS)
                self.assertLessEqual(set(probe["grpc"]), {"port", "service"})
                self.assertIsInstance(probe["grpc"]["port"], int)
                self.assertEqual(probe["grpc"]["port"], grpc_port)

    def test_resources_and_security(self):
        resources = self.container["resources"]
        for part in ("requests", "limits"):
            self.assertLessEqual({"cpu", "memory"}, set(resources[part]))
        pod_security = self.pod["spec"]["securityContext"]
        self.assertTrue(pod_security["runAsNonRoot"])
        self.assertGreater(pod_security["runAsUser"], 0)
        security = self.container["securityContext"]
        self.assertTrue(security["readOnlyRootFilesystem"])
        self.assertFalse(security["allowPrivilegeEscalation"])
        self.assertEqual(security["capabilities"]["drop"], ["ALL"])

    def test_service_ports_reach_the_container_ports(self):
        spec = self.service["spec"]
        self.assertLessEqual(spec["selector"].items(),
                             self.pod["metadata"]["labels"].items())
        ports = {p["name"]: p for p in spec["ports"]}
        self.assertEqual(set(ports), {"grpc", "metrics"})
        for p in spec["ports"]:
            self.assertLessEqual(set(p), SERVICE_PORT_FIELDS)
        self.assertEqual(self.container_port(ports["grpc"]["targetPort"]),
                         self.container_port("grpc"))
        self.assertEqual(self.container_port(ports["metrics"]["targetPort"]),
                         self.container_port("metrics"))
        self.assertEqual(ports["grpc"]["port"], self.container_port("grpc"))
        # Client-side round-robin (propeller's dns:/// + round_robin) needs
        # the pods' addresses in DNS: a headless Service.
        self.assertEqual(spec.get("clusterIP"), "None")

    def test_prometheus_annotations_name_the_metrics_port(self):
        annotations = self.pod["metadata"]["annotations"]
        self.assertEqual(annotations["prometheus.io/scrape"], "true")
        self.assertEqual(int(annotations["prometheus.io/port"]),
                         self.container_port("metrics"))
        self.assertEqual(annotations["prometheus.io/path"], "/metrics")

    def test_secret_is_mounted_as_flyte_secrets_dir(self):
        mount = self.mount_of("secret", self.secret["metadata"]["name"])
        self.assertTrue(mount.get("readOnly"))
        self.assertEqual(self.env("FLYTE_SECRETS_DIR"), mount["mountPath"])
        secret_volume = self.volume(mount["name"])["secret"]
        # Readable by the pod's fsGroup, not by others.
        self.assertEqual(secret_volume["defaultMode"] & 0o007, 0)
        self.assertNotEqual(secret_volume["defaultMode"] & 0o040, 0)
        # The file name the module reads is the configured token key.
        _, config = self.config_document()
        token_key = config["plugins"]["databricks"].get(
            "databricksTokenKey", "FLYTE_DATABRICKS_API_TOKEN")
        values = self.secret.get("stringData") or self.secret.get("data")
        self.assertEqual(set(values), {token_key})
        self.assertIn("REPLACE", values[token_key], "the token must be a placeholder")

    def test_grace_period_fits_in_the_pods_termination_grace(self):
        grace = float(flag_value(self.serve_args(), "--grace-period") or 20)
        self.assertGreater(self.pod["spec"]["terminationGracePeriodSeconds"], grace)

    def test_config_flag_names_the_mounted_configmap_key(self):
        path = flag_value(self.container["args"], "--config")
        mount = self.mount_of("configMap", self.configmap["metadata"]["name"])
        self.assertEqual(os.path.dirname(path), mount["mountPath"])
        self.assertIn(os.path.basename(path), self.configmap["data"])

    def test_configmap_config_is_accepted_by_flyteplug(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = self.write_config(tmp)
            env = dict(os.environ, FLYTEPLUG_PLUGIN_PATH="")
            plugins = subprocess.run(
                [FLYTEPLUG_BIN, "--config", path, "plugins"], env=env,
                capture_output=True, text=True, timeout=60)
            self.assertEqual(plugins.returncode, 0, plugins.stderr)
            self.assertNotRegex(plugins.stderr.lower(), "warning|error", plugins.stderr)
            served = {line.split("\t")[0]: line for line in plugins.stdout.splitlines()}
            self.assertIn("task-types=databricks\t", served["databricks"])
            # The databricks module really reads it: the request goes to the
            # configured workspace.
            task = os.path.join(SOURCE_DIR, "examples", "tasks", "databricks_task.json")
            build = subprocess.run(
                [FLYTEPLUG_BIN, "--config", path, "build", "--task", task], env=env,
                capture_output=True, text=True, timeout=60)
            self.assertEqual(build.returncode, 0, build.stderr)
            request = json.loads(build.stdout)
            instance = self.config_document()[1]["plugins"]["databricks"][
                "databricksInstance"]
            self.assertTrue(request["url"].startswith("https://" + instance + "/"),
                            request["url"])

    # -- container build file ----------------------------------------------
    def test_dockerfile_stages(self):
        self.assertGreaterEqual(len(self.stages), 2)
        build = self.stages[0]
        self.assertEqual(build["from"], "debian:12")
        runs = " ".join(a for op, a in build["instructions"] if op == "RUN")
        self.assertIn("examples/setup_deps.sh", runs)
        self.assertIn("flyteplug_install_missing_packages", runs)
        self.assertIn("cmake --preset default", runs)
        self.assertIn("cmake --install", runs)
        self.assertEqual(self.runtime["from"], "debian:12-slim")
        packages = self.runtime_packages()
        self.assertTrue(packages)
        self.assertFalse([p for p in packages if p.endswith("-dev")], packages)

    def test_dockerfile_user_is_the_pods_user(self):
        (user,) = [a for op, a in self.runtime["instructions"] if op == "USER"]
        uid, _, gid = user.partition(":")
        self.assertTrue(uid.isdigit() and int(uid) > 0,
                        "USER must be a numeric non-root uid (runAsNonRoot)")
        pod_security = self.pod["spec"]["securityContext"]
        self.assertEqual(int(uid), pod_security["runAsUser"])
        if gid:
            self.assertEqual(int(gid), pod_security["runAsGroup"])

    def test_dockerfile_ports_and_entrypoint_match_the_manifests(self):
        exposed = set()
        for op, arg in self.runtime["instructions"]:
            if op == "EXPOSE":
                exposed.update(int(p.split("/")[0]) for p in arg.split())
        grpc_port = self.container_port("grpc")
        metrics_port = self.container_port("metrics")
        self.assertEqual(exposed, {grpc_port, metrics_port})
        self.assertEqual(os.path.basename(self.entrypoint[0]), "flyteplug")
        self.assertEqual(self.entrypoint[1], "serve")
        self.assertEqual(port_of(flag_value(self.entrypoint, "--address")), grpc_port)
        self.assertEqual(port_of(flag_value(self.entrypoint, "--metrics-address")),
                         metrics_port)
        # The entrypoint is the installed binary.
        prefix = self.install_prefix()
        self.assertEqual(self.entrypoint[0], prefix + "/bin/flyteplug")

    def test_runtime_image_holds_the_whole_install_prefix(self):
        # `flyteplug serve` execs bin/flyteplug-serve beside bin/flyteplug:
        # the runtime stage must copy the install prefix whole, not one file.
        prefix = self.install_prefix()
        copies = [a.split() for op, a in self.runtime["instructions"]
                  if op == "COPY"]
        self.assertIn(["--from=build", prefix, prefix], copies)
        self.assertTrue(os.access(FLYTEPLUG_SERVE_BIN, os.X_OK), FLYTEPLUG_SERVE_BIN)

    def install_prefix(self):
        prefix = None
        for op, arg in self.stages[0]["instructions"]:
            m = re.search(r"-DCMAKE_INSTALL_PREFIX=(\S+)", arg)
            if m:
                prefix = m.group(1)
        self.assertIsNotNone(prefix, "the build stage sets no CMAKE_INSTALL_PREFIX")
        return prefix

    def test_runtime_packages_provide_every_linked_library(self):
        # flyteplug execs flyteplug-serve (beside it) for `serve`: the image
        # runs both.
        elves = [FLYTEPLUG_BIN, FLYTEPLUG_SERVE_BIN]
        for root, _, files in os.walk(LIB_DIR):
            elves += [os.path.join(root, f) for f in files
                      if re.search(r"\.so(\.\d+)*$", f)
                      and not os.path.islink(os.path.join(root, f))]
        own_dir = os.path.realpath(LIB_DIR)
        linked = {}  # system library path -> "soname (linked by file)"
        for elf in elves:
            # A listed package pulls its own dependencies: only the libraries
            # an installed file links directly must come from listed packages.
            dynamic = subprocess.run(["readelf", "-d", elf], capture_output=True,
                                     text=True, check=True).stdout
            needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic)
            ldd = subprocess.run(["ldd", elf], capture_output=True, text=True,
                                 check=True).stdout
            resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", ldd, re.M))
            for soname in needed:
                if soname.startswith("ld-linux"):
                    continue  # the dynamic loader itself (libc6)
                self.assertIn(soname, resolved, "%s: %s not found" % (elf, soname))
                path = os.path.realpath(resolved[soname])
                if not path.startswith(own_dir + os.sep):  # else installed with us
                    linked.setdefault(path, "%s (linked by %s)" % (
                        soname, os.path.basename(elf)))
        self.assertTrue(linked)
        packages = debian_packages_of(linked)
        available = self.runtime_packages() | BASE_IMAGE_PACKAGES
        missing = {packages[path]: why for path, why in linked.items()
                   if packages[path] not in available}
        self.assertEqual(missing, {}, "the runtime stage lacks these packages")

    # -- the manifests' command line, for real -------------------------------
    def test_manifest_command_line_starts_a_server(self):
        with tempfile.TemporaryDirectory() as tmp:
            config = self.write_config(tmp)
            secrets = os.path.join(tmp, "secrets")
            os.mkdir(secrets)
            for name, value in (self.secret.get("stringData") or {}).items():
                with open(os.path.join(secrets, name), "w") as f:
                    f.write(value)
            args = self.serve_args()
            args = replace_flag(args, "--address", "127.0.0.1:0")
            args = replace_flag(args, "--metrics-address", "127.0.0.1:0")
            args = replace_flag(args, "--config", config)
            env = dict(os.environ, FLYTEPLUG_PLUGIN_PATH="", FLYTE_SECRETS_DIR=secrets)
            for var in self.container.get("env", []):
                if var["name"] != "FLYTE_SECRETS_DIR":
                    env[var["name"]] = var["value"]
            err = open(os.path.join(tmp, "stderr"), "w+")
            proc = subprocess.Popen([FLYTEPLUG_BIN] + args, env=env,
                                    stdout=subprocess.PIPE, stderr=err, text=True)
            try:
                lines = []
                reader = threading.Thread(target=lambda: lines.extend(
                    [proc.stdout.readline().strip(), proc.stdout.readline().strip()]))
                reader.start()
                reader.join(60)
                err.seek(0)
                self.assertEqual(len(lines), 2, "server output: %r %s" % (lines, err.read()))
                self.assertRegex(lines[0] + "\n" + lines[1],
                                 r"grpc listening on 127\.0\.0\.1:\d+")
                self.assertRegex(lines[0] + "\n" + lines[1],
                                 r"metrics listening on 127\.0\.0\.1:\d+")
                proc.send_signal(signal.SIGTERM)
                proc.communicate(timeout=30)
                err.seek(0)
                self.assertEqual(proc.returncode, 0, err.read())
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
                err.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
