#!/usr/bin/env python3
"""A small HTTPS file server for the signature-update tests
(tests/e2e/update_test.cc).

Serves the files of --dir on 127.0.0.1 at a free port, which it prints as the
first line of standard output, with the certificate --cert / --key (the test
makes a self-signed one and trusts it with `harrier update --ca-file`).
Besides plain files (a missing one is a 404):
  /slow/NAME           NAME with its full Content-Length, 1 KiB every 0.1 s
  /cut/NAME            NAME's full Content-Length, then half the body and a close
  /redirect/NAME       302 to /NAME
  /redirect-http/NAME  302 to http://127.0.0.1:PORT/NAME (must be refused)
Runs until killed.
"""
import argparse
import http.server
import os
import ssl
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    args = ap.parse_args()
    root = os.path.abspath(args.dir)

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send_file(self, name, mode):
            path = os.path.join(root, name)
            if "/" in name or name.startswith(".") or not os.path.isfile(path):
                self.send_error(404)
                return
            with open(path, "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                if mode == "slow":
                    for i in range(0, len(body), 1024):
                        self.wfile.write(body[i:i + 1024])
                        self.wfile.flush()
                        time.sleep(0.1)
                elif mode == "cut":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                else:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass

        def redirect(self, to):
            self.send_response(302)
            self.send_header("Location", to)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            p = self.path.split("?", 1)[0].lstrip("/")
            for prefix, mode in (("slow/", "slow"), ("cut/", "cut")):
                if p.startswith(prefix):
                    return self.send_file(p[len(prefix):], mode)
            if p.startswith("redirect/"):
                return self.redirect("/" + p[len("redirect/"):])
            if p.startswith("redirect-http/"):
                port = self.server.server_address[1]
                return self.redirect("http://127.0.0.1:%d/%s" % (port, p[len("redirect-http/"):]))
            return self.send_file(p, "plain")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
