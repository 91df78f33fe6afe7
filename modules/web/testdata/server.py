# A small HTTP server used to record ansible's uri/get_url results in
# testdata/ansible_*.txt. Run: python3 server.py PORT
import base64, json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send(self, code, body, ctype="text/plain", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Custom-Header", "yes")
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(n) if n else b""
        p = self.path
        if p == "/json":
            self.send(200, b'{"a": 1, "b": [true, null]}', "application/json")
        elif p == "/text":
            self.send(200, b"hello world\n")
        elif p == "/echo":
            self.send(200, json.dumps({"method": self.command, "body": data.decode(), "ctype": self.headers.get("Content-Type"), "auth": self.headers.get("Authorization"), "x": self.headers.get("X-Test")}).encode(), "application/json")
        elif p == "/missing":
            self.send(404, b"nope\n")
        elif p == "/redir":
            self.send(302, b"", extra=[("Location", "/text")])
        elif p == "/cookie":
            self.send(200, b"c", extra=[("Set-Cookie", "sess=abc; Path=/"), ("Set-Cookie", "k2=v2; Path=/")])
        elif p == "/auth":
            if self.headers.get("Authorization") == "Basic " + base64.b64encode(b"u:p").decode():
                self.send(200, b"in")
            else:
                self.send(401, b"", extra=[("WWW-Authenticate", 'Basic realm="x"')])
        elif p == "/file.txt":
            self.send(200, b"file content\n")
        elif p == "/file.txt.sha256":
            import hashlib
            self.send(200, (hashlib.sha256(b"file content\n").hexdigest() + "  file.txt\n").encode())
        elif p == "/gzip":
            import gzip
            self.send(200, gzip.compress(b"hello", mtime=0), extra=[("Content-Encoding", "gzip")])
        elif p == "/notmod":
            if self.headers.get("If-Modified-Since"):
                self.send(304, b"")
            else:
                self.send(200, b"file content\n")
        elif p == "/postredir":
            self.send(301, b"", extra=[("Location", "/echo")])
        else:
            self.send(500, b"err")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

    def log_message(self, *a):
        pass


HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
