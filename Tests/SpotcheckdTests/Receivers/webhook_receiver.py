#!/usr/bin/env python3
"""A Standard Webhooks receiver for spotcheckd's tests, on loopback.

It verifies every request's signature on its own (Python's hmac, not the daemon's code) and
appends one JSON line per request to LOG: the webhook-id, the timestamp, whether the signature
verified, the status it answered and the body. What it answers is read from MODE_FILE on
every request: "ok" (200), a status code ("500", "404"), "503 2" (503 with Retry-After: 2),
"slow N" (200 after N seconds), or a DingTalk/WeCom answer "errcode N".

usage: webhook_receiver.py SECRET LOG MODE_FILE PORT_FILE [PORT]
"""
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

secret, log_path, mode_path, port_path = sys.argv[1:5]
port = int(sys.argv[5]) if len(sys.argv) > 5 else 0
key = base64.b64decode(secret[len("whsec_"):]) if secret.startswith("whsec_") else secret.encode()
lock = threading.Lock()


def verify(headers, body):
    msg_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [part.split(",", 1)[1] for part in headers.get("webhook-signature", "").split(" ") if part.startswith("v1,")]
    return any(hmac.compare_digest(expected, candidate) for candidate in given)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        try:
            with open(mode_path) as file:
                mode = file.read().strip() or "ok"
        except OSError:
            mode = "ok"
        words = mode.split()
        status, extra, answer = 200, {}, b"{}"
        if words[0] == "slow":
            time.sleep(float(words[1]))
        elif words[0] == "errcode":
            answer = json.dumps({"errcode": int(words[1]), "errmsg": "test"}).encode()
        elif words[0] != "ok":
            status = int(words[0])
            if len(words) > 1:
                extra["Retry-After"] = words[1]
        record = {
            "id": self.headers.get("webhook-id"),
            "timestamp": self.headers.get("webhook-timestamp"),
            "valid": verify(self.headers, body),
            "status": status,
            "path": self.path,
            "body": json.loads(body or b"null"),
        }
        with lock, open(log_path, "a") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
with open(port_path + ".new", "w") as file:
    file.write(str(server.server_address[1]))
import os
os.rename(port_path + ".new", port_path)
server.serve_forever()
