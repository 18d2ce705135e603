#!/usr/bin/env python3
"""A FAKE Kubernetes API server for flyteplug's Kubernetes client tests.

Not a real API server: it keeps namespaced objects in memory and implements
just what flyteplug's RestClient uses. Python 3 standard library, plus
python3-jsonschema for the SparkApplication CRD schema check.

Start: fake_kube_apiserver.py --dir DIR --token TOKEN --crd-schema FILE
  Makes a throwaway CA (DIR/ca.crt), a second unrelated CA (DIR/other-ca.crt)
  and a server certificate for 127.0.0.1/localhost with the openssl CLI,
  serves HTTPS on 127.0.0.1:<ephemeral>, prints the port on stdout (one
  line), and exits when its stdin closes or after --max-lifetime seconds.

API (every call needs "Authorization: Bearer <token>", else 401 Status):
  POST   /api/v1/namespaces/NS/RES                 create (201), 409
                                                    AlreadyExists on a second
  POST   /apis/G/V/namespaces/NS/RES                create; SparkApplications
                                                    are checked against the
                                                    CRD schema: 422 Invalid
  GET    .../namespaces/NS/RES/NAME                 200 or 404 NotFound
  PATCH  .../namespaces/NS/RES/NAME                 application/json-patch+json
                                                    (add, remove, replace, test)
  DELETE .../namespaces/NS/RES/NAME                 an object with finalizers
                                                    gets deletionTimestamp and
                                                    goes when a patch empties
                                                    them; else it goes at once
  GET    /api/v1, /apis/G/V                         APIResourceList (discovery)

Control (no auth), for the test:
  POST /fake/faults   {"faults": [{"method": "POST", "status": 429,
                        "retry_after": 1} | {"status": 500} | {"drop": true}
                        | {"delay": 3.0}, ...]}
                      queued; each applies to the next API request whose method
                      matches ("method" optional).
  POST /fake/status   {"path": ".../NAME", "status": {...}}  sets .status
  POST /fake/tokens   {"tokens": ["t1", ...]}  the accepted tokens
  GET  /fake/requests [{"method","path","authorization","content_type",
                        "body"}...] every API request received, in order
  GET  /fake/objects  {"path": object, ...}
"""
import argparse
import copy
import datetime
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"objects": {}, "faults": [], "requests": [], "tokens": [],
         "next_uid": 1, "resource_version": 100}
SPARK_VALIDATOR = None

# group/version -> [(resource, kind, namespaced)] for discovery.
DISCOVERY = {
    "v1": [("pods", "Pod", True), ("configmaps", "ConfigMap", True),
           ("namespaces", "Namespace", False)],
    "batch/v1": [("jobs", "Job", True), ("jobs/status", "Job", True)],
    "sparkoperator.k8s.io/v1beta2": [
        ("sparkapplications", "SparkApplication", True)],
    "example.com/v1": [("widgets", "Widget", True),
                       ("clusterwidgets", "ClusterWidget", False)],
}


def status_body(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": message, "reason": reason,
            "code": code}


def now():
    return datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")


def split_path(path):
    """('collection', name or None) of an object path, or None."""
    parts = path.strip("/").split("/")
    if parts[:2] == ["api", "v1"]:
        rest = parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 3:
        rest = parts[3:]
    else:
        return None
    if len(rest) not in (3, 4) or rest[0] != "namespaces":
        return None
    collection = "/" + "/".join(parts[:len(parts) - len(rest)] + rest[:3])
    return collection, (rest[3] if len(rest) == 4 else None)


def json_pointer(pointer):
    if pointer == "":
        return []
    return [p.replace("~1", "/").replace("~0", "~")
            for p in pointer.split("/")[1:]]


def apply_patch(obj, ops):
    """RFC 6902 add/remove/replace/test; raises ValueError."""
    obj = copy.deepcopy(obj)
    for op in ops:
        path = json_pointer(op["path"])
        parent = obj
        for key in path[:-1]:
            parent = parent[int(key)] if isinstance(parent, list) else parent[key]
        last = path[-1]
        kind = op["op"]
        if isinstance(parent, list):
            index = len(parent) if last == "-" else int(last)
            if kind == "add":
                parent.insert(index, op["value"])
            elif kind == "remove":
                del parent[index]
            elif kind == "replace":
                parent[index] = op["value"]
            elif kind == "test":
                if parent[index] != op["value"]:
                    raise ValueError("test failed at " + op["path"])
            else:
                raise ValueError("unsupported op " + kind)
        else:
            if kind in ("add", "replace"):
                if kind == "replace" and last not in parent:
                    raise ValueError("no member at " + op["path"])
                parent[last] = op["value"]
            elif kind == "remove":
                del parent[last]
            elif kind == "test":
                if parent.get(last) != op["value"]:
                    raise ValueError("test failed at " + op["path"])
            else:
                raise ValueError("unsupported op " + kind)
    return obj


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeKubeApiserver/1.0"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, code, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def handle_control(self, method, body):
        path = self.path
        with LOCK:
            if method == "POST" and path == "/fake/faults":
                STATE["faults"].extend(json.loads(body)["faults"])
                return self.send_json(200, {})
            if method == "POST" and path == "/fake/tokens":
                STATE["tokens"] = json.loads(body)["tokens"]
                return self.send_json(200, {})
            if method == "POST" and path == "/fake/status":
                req = json.loads(body)
                obj = STATE["objects"].get(req["path"])
                if obj is None:
                    return self.send_json(404, {"error": "no object"})
                obj["status"] = req["status"]
                return self.send_json(200, obj)
            if method == "GET" and path == "/fake/requests":
                return self.send_json(200, STATE["requests"])
            if method == "GET" and path == "/fake/objects":
                return self.send_json(200, STATE["objects"])
        self.send_json(404, {"error": "unknown control endpoint"})

    def next_fault(self, method):
        with LOCK:
            for i, fault in enumerate(STATE["faults"]):
                if fault.get("method", method) == method:
                    return STATE["faults"].pop(i)
        return None

    def dispatch(self, method):
        body = self.read_body()
        if self.path.startswith("/fake/"):
            return self.handle_control(method, body)
        with LOCK:
            STATE["requests"].append({
                "method": method, "path": self.path,
                "authorization": self.headers.get("Authorization", ""),
                "content_type": self.headers.get("Content-Type", ""),
                "body": body.decode("utf-8", "replace")})
        fault = self.next_fault(method)
        if fault is not None:
            if "delay" in fault:
                time.sleep(fault["delay"])
            if fault.get("drop"):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if "status" in fault:
                headers = {}
                if "retry_after" in fault:
                    headers["Retry-After"] = str(fault["retry_after"])
                code = fault["status"]
                return self.send_json(code, status_body(
                    code, fault.get("reason", "InternalError"),
                    fault.get("message", "injected fault")), headers)
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in STATE["tokens"]:
            return self.send_json(401, status_body(401, "Unauthorized",
                                                   "Unauthorized"))
        self.serve_api(method, body)

    def serve_api(self, method, body):
        path = self.path.split("?")[0]
        gv = path.strip("/").split("/")
        if method == "GET" and (gv[:2] == ["api", "v1"] and len(gv) == 2 or
                                gv[:1] == ["apis"] and len(gv) == 3):
            key = "v1" if gv[0] == "api" else gv[1] + "/" + gv[2]
            if key not in DISCOVERY:
                return self.send_json(404, status_body(404, "NotFound",
                                                       "the server could not find the requested resource"))
            return self.send_json(200, {
                "kind": "APIResourceList", "groupVersion": key,
                "resources": [{"name": r, "kind": k, "namespaced": n,
                               "verbs": ["get"]}
                              for r, k, n in DISCOVERY[key]]})
        where = split_path(path)
        if where is None:
            return self.send_json(404, status_body(404, "NotFound",
                                                   "no such path " + path))
        collection, name = where
        with LOCK:
            if method == "POST" and name is None:
                return self.create(collection, body)
            if name is None:
                return self.send_json(405, status_body(405, "MethodNotAllowed",
                                                       method))
            key = collection + "/" + name
            obj = STATE["objects"].get(key)
            resource = collection.rsplit("/", 1)[1]
            if obj is None:
                return self.send_json(404, status_body(
                    404, "NotFound", '%s "%s" not found' % (resource, name)))
            if method == "GET":
                return self.send_json(200, obj)
            if method == "PATCH":
                return self.patch(key, obj, body)
            if method == "DELETE":
                if obj["metadata"].get("finalizers"):
                    obj["metadata"].setdefault("deletionTimestamp", now())
                    return self.send_json(200, obj)
                del STATE["objects"][key]
                return self.send_json(200, {"kind": "Status", "apiVersion": "v1",
                                            "status": "Success"})
        self.send_json(405, status_body(405, "MethodNotAllowed", method))

    def create(self, collection, body):
        try:
            obj = json.loads(body)
        except ValueError as e:
            return self.send_json(400, status_body(400, "BadRequest", str(e)))
        name = obj.get("metadata", {}).get("name", "")
        resource = collection.rsplit("/", 1)[1]
        if obj.get("kind") == "SparkApplication" and SPARK_VALIDATOR:
            causes = sorted("%s: %s" % (
                "/".join(str(p) for p in e.absolute_path), e.message)
                for e in SPARK_VALIDATOR.iter_errors(obj))
            if causes:
                return self.send_json(422, status_body(
                    422, "Invalid", 'SparkApplication.sparkoperator.k8s.io "%s" '
                    "is invalid: %s" % (name, "; ".join(causes))))
        key = collection + "/" + name
        if key in STATE["objects"]:
            return self.send_json(409, status_body(
                409, "AlreadyExists", '%s "%s" already exists' % (resource, name)))
        meta = obj.setdefault("metadata", {})
        meta["namespace"] = collection.split("/")[-2]
        meta["uid"] = "uid-%d" % STATE["next_uid"]
        STATE["next_uid"] += 1
        STATE["resource_version"] += 1
        meta["resourceVersion"] = str(STATE["resource_version"])
        meta["creationTimestamp"] = now()
        STATE["objects"][key] = obj
        self.send_json(201, obj)

    def patch(self, key, obj, body):
        if self.headers.get("Content-Type") != "application/json-patch+json":
            return self.send_json(415, status_body(415, "UnsupportedMediaType",
                                                   "expected a JSON patch"))
        try:
            patched = apply_patch(obj, json.loads(body))
        except (ValueError, KeyError, IndexError, TypeError) as e:
            return self.send_json(422, status_body(422, "Invalid", str(e)))
        STATE["resource_version"] += 1
        patched["metadata"]["resourceVersion"] = str(STATE["resource_version"])
        meta = patched["metadata"]
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            del STATE["objects"][key]
        else:
            STATE["objects"][key] = patched
        self.send_json(200, patched)

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_PUT(self):
        self.dispatch("PUT")


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True,
                   timeout=60)


def make_certificates(d):
    for ca in ("ca", "other-ca"):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                os.path.join(d, ca + ".key"), "-out", os.path.join(d, ca + ".crt"),
                "-days", "2", "-subj", "/CN=flyteplug fake kube " + ca)
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", os.path.join(d, "server.key"),
            "-out", os.path.join(d, "server.csr"), "-subj", "/CN=localhost")
    openssl("x509", "-req", "-in", os.path.join(d, "server.csr"),
            "-CA", os.path.join(d, "ca.crt"), "-CAkey", os.path.join(d, "ca.key"),
            "-CAcreateserial", "-days", "2", "-extfile", os.path.join(d, "ext.cnf"),
            "-out", os.path.join(d, "server.crt"))


def main():
    global SPARK_VALIDATOR
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--crd-schema", required=True)
    parser.add_argument("--max-lifetime", type=float, default=300.0)
    args = parser.parse_args()
    STATE["tokens"] = [args.token]
    import jsonschema
    with open(args.crd_schema) as f:
        SPARK_VALIDATOR = jsonschema.Draft7Validator(json.load(f))
    make_certificates(args.dir)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(args.dir, "server.crt"),
                            os.path.join(args.dir, "server.key"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)

    def watch_stdin():
        try:
            sys.stdin.read()
        except Exception:
            pass
        os._exit(0)
    if not sys.stdin.isatty():
        threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Timer(args.max_lifetime, lambda: os._exit(0)).start()
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
