#!/usr/bin/env python3
# bench/sink.py: a stand-in for the gateways' send APIs during a bench
# run, on 127.0.0.1 only: every GET or POST is answered 202 with Kannel's
# "0: Accepted for delivery" (kept alive), and counted; GET /count
# answers the count. It prints nothing of what it gets. Its port (free,
# chosen by the kernel) is written to PORTFILE once it listens.
# Usage: bench/sink.py PORTFILE
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
count = 0


class Sink(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def answer(self, status, body):
        # Head and body in one write: written apart, the body waits for
        # the client's delayed ACK of the head (Nagle), 40 ms a request.
        head = 'HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n' \
            'Content-Length: %d\r\n\r\n' % (
                status, self.responses[status][0], len(body))
        self.wfile.write(head.encode('ascii') + body)

    def accept(self):
        global count
        n = int(self.headers.get('Content-Length') or 0)
        if n > 0:
            self.rfile.read(n)
        with lock:
            count += 1
        self.answer(202, b'0: Accepted for delivery')

    def do_GET(self):
        if self.path == '/count':
            with lock:
                n = count
            self.answer(200, b'%d\n' % n)
        else:
            self.accept()

    def do_POST(self):
        self.accept()

    def log_message(self, *args):
        pass


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: sink.py PORTFILE')
    srv = ThreadingHTTPServer(('127.0.0.1', 0), Sink)
    srv.daemon_threads = True
    with open(sys.argv[1] + '.new', 'w') as f:
        f.write('%d\n' % srv.server_address[1])
    os.rename(sys.argv[1] + '.new', sys.argv[1])
    srv.serve_forever()


main()
