#!/usr/bin/env python3
"""A fake Databricks Jobs API 2.1 server for flyteplug's databricks tests.

Standard library only. Binds 127.0.0.1 on an ephemeral port, prints the port
on stdout (one line) and serves until killed, or exits by itself after
--max-lifetime seconds (default 120).

Jobs API endpoints:
  POST /api/2.1/jobs/runs/submit   honours idempotency_token
  GET  /api/2.1/jobs/runs/get?run_id=N       lists the run's one task with
                                             its own run id in tasks[]
  GET  /api/2.1/jobs/runs/get-output?run_id=T   T a task run id (a parent
        run id is refused with 400, as Databricks refuses multi-task runs);
        answers the "error" and "error_trace" of the state last returned by
        runs/get (state elements may carry them; runs/get does not show them)
  POST /api/2.1/jobs/runs/cancel   {"run_id": N}
Every call requires "Authorization: Bearer <token>": the API token (--token)
or an OAuth access token issued below. A wrong or missing token gets 403
{"error_code": 403, "message": "Invalid access token."}; an issued OAuth token
that expired or was revoked gets 401.

OAuth M2M token endpoint (every client is refused until client_id and
client_secret are set through /_control/config):
  POST /oidc/v1/token   HTTP Basic client_id:client_secret, Content-Type
        application/x-www-form-urlencoded, body exactly
        grant_type=client_credentials&scope=all-apis; answers
        {"access_token", "token_type": "Bearer", "expires_in", "scope"}, each
        token new and valid for token_lifetime seconds (default 3600). Wrong
        credentials: 401 {"error": "invalid_client"}; a wrong body or type:
        400 {"error": "invalid_request"}.

Control endpoints (no auth):
  POST /_control/reset                      forget runs, faults, requests
  POST /_control/config   {"states": [...], "job_id": J, "next_run_id": N,
                           "token": "...", "run_page_url": true,
                           "client_id": "...", "client_secret": "...",
                           "token_lifetime": seconds}
        states: the life-cycle sequence of a new run, one element per
        runs/get ({"life_cycle_state": ..., "result_state": ...,
        "state_message": ..., "error": ..., "error_trace": ...}); the last
        one repeats.
  POST /_control/revoke   every OAuth token issued so far answers 401
  POST /_control/faults   {"submit": [fault...], "get": [...], "cancel": [...],
                           "output": [...], "token": [...]}
        appended to per-endpoint queues, consumed one per request:
        {"status": 429, "headers": {"Retry-After": "1"}, "body": "...",
         "content_type": "text/html"}   canned response
        {"drop": true}                  close the connection, no response
        {"drop_after_accept": true}     submit: create the run, then drop
        {"delay": 2.5}                  sleep, then behave normally (or, with
                                        another key, apply that fault)
        {"raw_body": "...", "status": 200}   canned 200 (malformed bodies)
  GET  /_control/requests   [{"method","path","headers","body"}...]
  GET  /_control/runs       {"count": n, "runs": {...}}
  GET  /_control/stats      {"connections": n, "requests": n,
                             "tokens_issued": n}
"""
import argparse
import base64
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs, parse_qsl

LOCK = threading.Lock()


def fresh_state(token):
    return {
        "token": token,
        "states": [
            {"life_cycle_state": "PENDING", "state_message": "Waiting for cluster"},
            {"life_cycle_state": "RUNNING", "state_message": "In run"},
            {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS",
             "state_message": ""},
        ],
        "job_id": 555,
        "next_run_id": 1000,
        "run_page_url": True,
        "runs": {},          # run_id -> run record
        "tokens": {},        # idempotency_token -> run_id
        "faults": {"submit": [], "get": [], "cancel": [], "output": [],
                   "token": []},
        "client_id": None,
        "client_secret": None,
        "token_lifetime": 3600,
        "oauth_tokens": {},  # access token -> expiry (time.monotonic())
        "tokens_issued": 0,
        "next_task_run_id": 700000,
        "task_runs": {},     # task run id -> parent run id
        "requests": [],
        "connections": 0,
        "request_count": 0,
    }


STATE = None
TOKEN = None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeDatabricks/1.0"

    def log_message(self, fmt, *args):  # keep test output clean
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with LOCK:
            STATE["connections"] += 1

    # -- helpers -----------------------------------------------------------
    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status, body, content_type="application/json", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        # Headers and body in one write: no Nagle/delayed-ACK stall.
        self._headers_buffer.append(b"\r\n")
        self._headers_buffer.append(data)
        self.flush_headers()

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _record(self, body):
        with LOCK:
            STATE["request_count"] += 1
            if not self.path.startswith("/_control"):
                STATE["requests"].append({
                    "method": self.command,
                    "path": self.path,
                    "headers": {k: v for k, v in self.headers.items()},
                    "body": body.decode("utf-8", "replace"),
                })

    def _next_fault(self, endpoint):
        with LOCK:
            queue = STATE["faults"].get(endpoint, [])
            return queue.pop(0) if queue else None

    def _authorized(self):
        auth = self.headers.get("Authorization") or ""
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        with LOCK:
            expiry = STATE["oauth_tokens"].get(token)
        if expiry is not None:
            if time.monotonic() < expiry:
                return True
            self._send(401, {"error_code": "UNAUTHENTICATED",
                             "message": "Token is expired or revoked."})
            return False
        if auth != "Bearer " + STATE["token"]:
            self._send(403, {"error_code": 403, "message": "Invalid access token."},
                       headers={"X-Databricks-Reason-Phrase": "Invalid access token."})
            return False
        return True

    # -- dispatch ----------------------------------------------------------
    def do_GET(self):
        body = self._read_body()
        self._record(body)
        url = urlparse(self.path)
        if url.path.startswith("/_control"):
            return self._control_get(url.path)
        if url.path == "/api/2.1/jobs/runs/get":
            return self._api("get", lambda: self._get(url), body)
        if url.path == "/api/2.1/jobs/runs/get-output":
            return self._api("output", lambda: self._get_output(url), body)
        self._send(404, {"error_code": "ENDPOINT_NOT_FOUND",
                         "message": "No API found for 'GET %s'" % url.path})

    def do_POST(self):
        body = self._read_body()
        self._record(body)
        url = urlparse(self.path)
        if url.path.startswith("/_control"):
            return self._control_post(url.path, body)
        if url.path == "/api/2.1/jobs/runs/submit":
            return self._api("submit", lambda: self._submit(body), body)
        if url.path == "/api/2.1/jobs/runs/cancel":
            return self._api("cancel", lambda: self._cancel(body), body)
        if url.path == "/oidc/v1/token":
            return self._api("token", lambda: self._issue_token(body), body,
                             authorize=False)
        self._send(404, {"error_code": "ENDPOINT_NOT_FOUND",
                         "message": "No API found for 'POST %s'" % url.path})

    def _api(self, endpoint, normal, body, authorize=True):
        fault = self._next_fault(endpoint)
        if fault is not None:
            if fault.get("delay"):
                time.sleep(float(fault["delay"]))
            if fault.get("drop"):
                return self._drop()
            elif fault.get("drop_after_accept"):
                if not self._authorized():
                    return
                request = self._parse_json(body)
                self._create_run(request if isinstance(request, dict) else {})
                return self._drop()
            elif "status" in fault:
                return self._send(int(fault["status"]),
                                  fault.get("raw_body", fault.get("body", "")),
                                  fault.get("content_type", "application/json"),
                                  fault.get("headers"))
        if authorize and not self._authorized():
            return
        normal()

    # -- Jobs API ----------------------------------------------------------
    def _parse_json(self, body):
        try:
            return json.loads(body.decode() or "null")
        except ValueError:
            return None

    def _create_run(self, request):
        with LOCK:
            token = request.get("idempotency_token")
            if token and token in STATE["tokens"]:
                return STATE["tokens"][token]
            run_id = STATE["next_run_id"]
            STATE["next_run_id"] += 1
            task_run_id = STATE["next_task_run_id"]
            STATE["next_task_run_id"] += 1
            STATE["task_runs"][task_run_id] = run_id
            STATE["runs"][run_id] = {
                "request": request, "polls": 0, "cancelled": False,
                "states": list(STATE["states"]), "task_run_id": task_run_id,
                "last_state": {},
            }
            if token:
                STATE["tokens"][token] = run_id
            return run_id

    def _submit(self, body):
        request = self._parse_json(body)
        if not isinstance(request, dict):
            return self._send(400, {"error_code": "MALFORMED_REQUEST",
                                    "message": "Invalid JSON given in the body of the request"})
        if not (request.get("new_cluster") or request.get("existing_cluster_id")
                or request.get("tasks")):
            return self._send(400, {"error_code": "INVALID_PARAMETER_VALUE",
                                    "message": "Either new_cluster or existing_cluster_id must be specified."})
        run_id = self._create_run(request)
        self._send(200, '{"run_id": %d, "number_in_job": %d}' % (run_id, run_id))

    def _run_json(self, run_id, run):
        states = run["states"]
        state = dict(states[min(run["polls"], len(states) - 1)])
        if run["cancelled"]:
            state = {"life_cycle_state": "TERMINATED", "result_state": "CANCELED",
                     "state_message": "Run cancelled.",
                     "user_cancelled_or_timedout": True}
        run["polls"] += 1
        run["last_state"] = state
        state = {k: v for k, v in state.items() if k not in ("error", "error_trace")}
        out = {
            "job_id": STATE["job_id"],
            "run_id": run_id,
            "number_in_job": run_id,
            "run_name": run["request"].get("run_name", "Untitled"),
            "state": state,
            "run_type": "SUBMIT_RUN",
            "tasks": [{"run_id": run["task_run_id"], "task_key": "flyte_task",
                       "state": state}],
        }
        if STATE["run_page_url"]:
            out["run_page_url"] = "https://fake.cloud.databricks.com/?o=42#job/%d/run/%d" % (
                STATE["job_id"], run_id)
        # Big ids are written by hand so they stay exact for any reader.
        return json.dumps(out)

    def _get(self, url):
        qs = parse_qs(url.query)
        raw = (qs.get("run_id") or [""])[0]
        if not raw.isdigit():
            return self._send(400, {"error_code": "INVALID_PARAMETER_VALUE",
                                    "message": "Invalid run_id: '%s'" % raw})
        run_id = int(raw)
        with LOCK:
            run = STATE["runs"].get(run_id)
            if run is None:
                body = None
            else:
                body = self._run_json(run_id, run)
        if body is None:
            return self._send(400, {"error_code": "INVALID_PARAMETER_VALUE",
                                    "message": "Run %d does not exist." % run_id})
        self._send(200, body)

    def _get_output(self, url):
        raw = (parse_qs(url.query).get("run_id") or [""])[0]
        run_id = int(raw) if raw.isdigit() else None
        with LOCK:
            if run_id in STATE["runs"]:
                body = None
            else:
                parent = STATE["runs"].get(STATE["task_runs"].get(run_id))
                if parent is None:
                    body = {}
                else:
                    last = parent["last_state"]
                    body = {"metadata": {"run_id": run_id, "state": {
                        k: v for k, v in last.items()
                        if k not in ("error", "error_trace")}}}
                    for key in ("error", "error_trace"):
                        if key in last:
                            body[key] = last[key]
        if body is None:
            return self._send(400, {
                "error_code": "INVALID_PARAMETER_VALUE",
                "message": "Retrieving the output of runs with multiple tasks is "
                           "not supported. Please retrieve the output of each "
                           "individual task run instead."})
        if not body:
            return self._send(400, {"error_code": "INVALID_PARAMETER_VALUE",
                                    "message": "Run %s does not exist." % raw})
        self._send(200, body)

    def _issue_token(self, body):
        with LOCK:
            client_id, secret = STATE["client_id"], STATE["client_secret"]
            lifetime = STATE["token_lifetime"]
        # No service principal configured: every client is unknown.
        expected = None if client_id is None or secret is None else (
            "Basic " + base64.b64encode(
                ("%s:%s" % (client_id, secret)).encode()).decode())
        if expected is None or self.headers.get("Authorization") != expected:
            return self._send(401, {"error": "invalid_client",
                                    "error_description": "Client authentication failed"})
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if (content_type != "application/x-www-form-urlencoded" or
                form != {"grant_type": "client_credentials", "scope": "all-apis"}):
            return self._send(400, {"error": "invalid_request",
                                    "error_description": "expected a client_credentials form"})
        with LOCK:
            STATE["tokens_issued"] += 1
            token = "fake-oauth-%d-%s" % (STATE["tokens_issued"], os.urandom(8).hex())
            STATE["oauth_tokens"][token] = time.monotonic() + float(lifetime)
        self._send(200, {"access_token": token, "token_type": "Bearer",
                         "expires_in": lifetime, "scope": "all-apis"})

    def _cancel(self, body):
        request = self._parse_json(body)
        run_id = request.get("run_id") if isinstance(request, dict) else None
        if not isinstance(run_id, int) or isinstance(run_id, bool):
            return self._send(400, {"error_code": "INVALID_PARAMETER_VALUE",
                                    "message": "run_id must be an integer, got %r" % (run_id,)})
        with LOCK:
            run = STATE["runs"].get(run_id)
            if run is not None:
                run["cancelled"] = True
        if run is None:
            return self._send(400, {"error_code": "INVALID_PARAMETER_VALUE",
                                    "message": "Run %d does not exist." % run_id})
        self._send(200, "{}")

    # -- control -----------------------------------------------------------
    def _control_get(self, path):
        with LOCK:
            if path == "/_control/requests":
                out = STATE["requests"]
            elif path == "/_control/runs":
                out = {"count": len(STATE["runs"]),
                       "runs": {str(k): {"cancelled": v["cancelled"], "polls": v["polls"],
                                         "request": v["request"]}
                                for k, v in STATE["runs"].items()}}
            elif path == "/_control/stats":
                out = {"connections": STATE["connections"],
                       "requests": STATE["request_count"],
                       "tokens_issued": STATE["tokens_issued"]}
            else:
                out = None
            text = json.dumps(out) if out is not None else None
        if text is None:
            return self._send(404, {"message": "unknown control path"})
        self._send(200, text)

    def _control_post(self, path, body):
        global STATE
        data = self._parse_json(body) or {}
        with LOCK:
            if path == "/_control/reset":
                connections = STATE["connections"]
                STATE = fresh_state(TOKEN)
                STATE["connections"] = connections
            elif path == "/_control/config":
                for key in ("states", "job_id", "next_run_id", "token", "run_page_url",
                            "client_id", "client_secret", "token_lifetime"):
                    if key in data:
                        STATE[key] = data[key]
            elif path == "/_control/revoke":
                for token in STATE["oauth_tokens"]:
                    STATE["oauth_tokens"][token] = 0.0
            elif path == "/_control/faults":
                for endpoint, faults in data.items():
                    STATE["faults"].setdefault(endpoint, []).extend(faults)
            else:
                return self._send(404, {"message": "unknown control path"})
        self._send(200, "{}")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients that time out and hang up are expected in tests


def main():
    global STATE, TOKEN
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", default="dapi-fake-token")
    parser.add_argument("--max-lifetime", type=float, default=120.0)
    args = parser.parse_args()
    TOKEN = args.token
    STATE = fresh_state(args.token)
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    deadline = threading.Timer(args.max_lifetime, lambda: os._exit(0))
    deadline.daemon = True
    deadline.start()
    # Exit when the parent closes our stdin (the test process died).
    def watch_stdin():
        try:
            sys.stdin.read()
        except Exception:
            pass
        os._exit(0)
    if not sys.stdin.isatty():
        threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
