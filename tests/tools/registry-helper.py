#!/usr/bin/env python3
"""Test servers for Registry.Tests.ps1, loopback only.

token:    a distribution token server (docs/spec/auth/token.md): Basic credentials in, an RS256 JWT
          out whose x5c certificate is the registry's rootcertbundle; the requested actions are
          granted to the right user, none to anyone else.
redirect: a proxy in front of a registry that answers every blob GET with a 307 to a second port
          (another origin) and logs whether that origin was sent an Authorization header. That origin
          honours Range (206); with --cut it drops the connection halfway through the first answer
          for each blob over 64 KiB (Content-Length promises the whole blob); with --drop it drops
          every answer for such a blob before its first byte.
Each writes its port(s) to --port-file once listening, and runs until killed.
"""
import argparse, base64, datetime, http.client, http.server, json, os, secrets, sys, threading, time, urllib.parse


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def serve(handler, port=0):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def token_server(args):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mdtest token signer")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    with open(args.cert, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    der = cert.public_bytes(serialization.Encoding.DER)
    expected = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
            auth = self.headers.get("Authorization")
            if auth is not None and auth != expected:
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}')
                return
            access = []
            for scope in query.get("scope", []):
                kind, _, rest = scope.partition(":")
                repo, _, actions = rest.rpartition(":")
                if auth is not None:
                    access.append({"type": kind, "name": repo, "actions": actions.split(",")})
            t = int(time.time())
            header = {"alg": "RS256", "typ": "JWT", "x5c": [base64.b64encode(der).decode()]}
            claims = {"iss": args.issuer, "sub": args.user if auth else "", "aud": query.get("service", [""])[0],
                      "exp": t + 300, "nbf": t - 10, "iat": t, "jti": secrets.token_hex(8), "access": access}
            signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
            signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
            body = json.dumps({"token": signing_input + "." + b64url(signature), "expires_in": 300}).encode()
            with open(args.log, "a") as f:
                f.write(json.dumps({"auth": auth is not None, "scope": query.get("scope", [])}) + "\n")
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = serve(Handler, args.port)
    write_ports(args.port_file, server.server_address[1])


def redirect_proxy(args):
    upstream_host, upstream_port = args.upstream.rsplit(":", 1)
    blobs = {}        # redirect key -> (digest, bytes)
    cut_done = set()  # digests whose first answer was cut

    def fetch(method, path, headers, body=None):
        conn = http.client.HTTPConnection(upstream_host, int(upstream_port), timeout=60)
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r, data

    class Other(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            digest, data = blobs.get(self.path.strip("/"), (None, None))
            rng = self.headers.get("Range")
            start = 0
            if data is not None and rng and rng.startswith("bytes=") and rng.endswith("-"):
                start = int(rng[6:-1])
            body = (data or b"")[start:]
            cut = (args.cut or args.drop) and data is not None and len(data) > 65536 and (args.drop or digest not in cut_done)
            if cut:
                cut_done.add(digest)
            sent = 0 if args.drop and cut else len(body) // 2 if cut else len(body)
            with open(args.log, "a") as f:
                f.write(("auth=yes" if self.headers.get("Authorization") else "auth=no") + f" {self.path} {digest} range={rng or '-'} sent={sent}\n")
            self.send_response(404 if data is None else 206 if start else 200)
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            step = 32768 if args.slow else len(body) or 1
            for i in range(0, sent, step):   # --slow: 320 KiB/s, so a test can interrupt a pull midway
                try:
                    self.wfile.write(body[i:min(i + step, sent)])
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return
                if args.slow:
                    time.sleep(0.1)
            if cut:
                self.close_connection = True

    other = serve(Other)

    class Proxy(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def refuse(self, status, code, message):
            body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            # Answers a real registry gives that this one cannot be made to give: Docker Hub's rate limit, a denied repository.
            if self.path.startswith("/v2/ratelimited/"):
                return self.refuse(429, "TOOMANYREQUESTS", "You have reached your pull rate limit.")
            if self.path.startswith("/v2/forbidden/"):
                return self.refuse(403, "DENIED", "requested access to the resource is denied")
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            if self.command == "GET" and "/blobs/sha256:" in self.path:
                # The whole blob from upstream; the other origin answers the Range.
                r, data = fetch("GET", self.path, {k: v for k, v in headers.items() if k.lower() != "range"})
                if r.status == 200:
                    key = secrets.token_hex(8)
                    blobs[key] = (self.path.rsplit("/", 1)[1], data)
                    self.send_response(307)
                    self.send_header("Location", f"http://127.0.0.1:{other.server_address[1]}/{key}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            else:
                r, data = fetch(self.command, self.path, headers, body)
            self.send_response(r.status)
            if "/manifests/" in self.path:
                self.send_header("ratelimit-limit", "100;w=21600")
                self.send_header("ratelimit-remaining", "42;w=21600")
            for k, v in r.getheaders():
                if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = forward

    proxy = serve(Proxy)
    write_ports(args.port_file, proxy.server_address[1], other.server_address[1])


def write_ports(path, *ports):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(" ".join(str(p) for p in ports))
    os.rename(tmp, path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["token", "redirect"])
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--cert")
    p.add_argument("--issuer", default="mdtest")
    p.add_argument("--user", default="tester")
    p.add_argument("--password", default="")
    p.add_argument("--upstream")
    p.add_argument("--slow", action="store_true")
    p.add_argument("--cut", action="store_true")
    p.add_argument("--drop", action="store_true")
    args = p.parse_args()
    (token_server if args.mode == "token" else redirect_proxy)(args)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
