#!/usr/bin/env python3
"""sns_standin: Amazon SNS's part in the webhook tests, on loopback, under a private CA.

  sns_standin.py serve DIR PORTFILE LOGFILE
      HTTPS on 127.0.0.1 (a free port, written to PORTFILE) with DIR/server.pem: serves
      the signing certificate (GET /SimpleNotificationService-test.pem, DIR/signing.pem)
      and the SubscribeURL (GET /confirm?Action=ConfirmSubscription&Token=T...), which
      appends "confirmed T" to LOGFILE. Every request is logged there too.

  sns_standin.py sign DIR VERSION TYPE BASEURL TOPIC [MESSAGEFILE]
      Prints an SNS message of TYPE (Notification, SubscriptionConfirmation) for TOPIC,
      signed with DIR/signing.key as SignatureVersion VERSION (1: SHA1withRSA, 2:
      SHA256withRSA) over the canonical string AWS documents, with
      SigningCertURL = BASEURL/SimpleNotificationService-test.pem. A Notification's
      Message is MESSAGEFILE's text (SES JSON); a confirmation's SubscribeURL is
      BASEURL/confirm?...&Token=<its Token>.
"""
import base64
import datetime
import http.server
import json
import os
import ssl
import subprocess
import sys
import urllib.parse
import uuid


def canonical(message):
    if message["Type"] == "Notification":
        names = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        names = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    return "".join(f"{n}\n{message[n]}\n" for n in names if n in message)


def sign(directory, version, kind, base_url, topic, message_file=None):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    message = {
        "Type": kind,
        "MessageId": str(uuid.uuid4()),
        "TopicArn": topic,
        "Timestamp": now,
        "SignatureVersion": version,
        "SigningCertURL": f"{base_url}/SimpleNotificationService-test.pem",
    }
    if kind == "Notification":
        message["Message"] = open(message_file).read()
        message["Subject"] = "Amazon SES Email Event Notification"
        message["UnsubscribeURL"] = f"{base_url}/unsubscribe?SubscriptionArn={topic}:1"
    else:
        token = uuid.uuid4().hex
        message["Token"] = token
        message["Message"] = f"You have chosen to subscribe to the topic {topic}."
        message["SubscribeURL"] = (f"{base_url}/confirm?Action=ConfirmSubscription&TopicArn="
                                   f"{urllib.parse.quote(topic)}&Token={token}")
    digest = "-sha1" if version == "1" else "-sha256"
    signature = subprocess.run(["openssl", "dgst", digest, "-sign", os.path.join(directory, "signing.key")],
                               input=canonical(message).encode(), capture_output=True, check=True).stdout
    message["Signature"] = base64.b64encode(signature).decode()
    return json.dumps(message)


def serve(directory, port_file, log_file):
    signing = open(os.path.join(directory, "signing.pem"), "rb").read()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            with open(log_file, "a") as log:
                log.write("request " + (fmt % args) + "\n")

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/SimpleNotificationService-test.pem":
                body, kind = signing, "application/x-pem-file"
            elif url.path == "/confirm":
                query = urllib.parse.parse_qs(url.query)
                with open(log_file, "a") as log:
                    log.write("confirmed " + query.get("Token", [""])[0] + "\n")
                body = b"<ConfirmSubscriptionResponse><ConfirmSubscriptionResult>" \
                       b"<SubscriptionArn>arn:aws:sns:us-east-1:123456789012:verpmail-test:1</SubscriptionArn>" \
                       b"</ConfirmSubscriptionResult></ConfirmSubscriptionResponse>"
                kind = "text/xml"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(directory, "server.pem"), os.path.join(directory, "server.key"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "serve":
        serve(*sys.argv[2:5])
    elif len(sys.argv) in (7, 8) and sys.argv[1] == "sign":
        print(sign(*sys.argv[2:]))
    else:
        sys.exit(__doc__)
