#!/usr/bin/env python3
"""A real SMTP server for the mail tests (Debian's python3-aiosmtpd), on loopback.

STARTTLS with the given certificate, required before AUTH (PLAIN and LOGIN, one user), and
every message received parsed back with Python's standard MIME parser (email, policy.default)
into one JSON line in LOG: envelope, decoded headers, the text and HTML parts, whether the
session was under TLS and who authenticated.

usage: smtp_server.py CERT KEY USER PASSWORD LOG PORT_FILE [--no-starttls]
"""
import json
import os
import socket
import ssl
import sys
import time
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

cert, key, user, password, log_path, port_file = sys.argv[1:7]
starttls = "--no-starttls" not in sys.argv


class Handler:
    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "from": str(message["from"]),
            "to": str(message["to"]),
            "message_id": str(message["message-id"]),
            "date": str(message["date"]),
            "content_type": message.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
            "tls": session.ssl is not None,
            "auth": session.authenticated and (session.auth_data.login.decode() if hasattr(session.auth_data, "login") else True),
            "raw_lines_starting_with_dot": [line.decode("utf-8", "replace") for line in envelope.original_content.split(b"\r\n") if line.startswith(b".")],
        }
        with open(log_path, "a") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(
    Handler(), hostname="127.0.0.1", port=port,
    tls_context=context if starttls else None, require_starttls=starttls,
    authenticator=authenticator, auth_required=starttls, auth_require_tls=True,
)
controller.start()
with open(port_file + ".new", "w") as file:
    file.write(str(port))
os.rename(port_file + ".new", port_file)
while True:
    time.sleep(3600)
