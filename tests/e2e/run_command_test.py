"""The run command, `scripts/run`, as a new user runs it: it builds (here:
finds the build up to date), starts its private PostgreSQL, serves, imports
the seed show page and a feed, prints its queries and the chapters file's
headers, and keeps serving until it is stopped; then it stops the server and
PostgreSQL. Ports and folders come from its documented environment variables,
so it can run beside the other tests.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ["BUILD_DIR"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunCommandTest(unittest.TestCase):
    def test_serves_what_it_shows_and_stops_cleanly(self):
        run_dir = tempfile.mkdtemp(prefix="podmeta-run-")
        os.chmod(run_dir, 0o755)  # PostgreSQL runs as its own user
        grpc_listen = f"127.0.0.1:{free_port()}"
        http_port = free_port()
        env = {**os.environ, "BUILD_DIR": BUILD, "RUN_DIR": run_dir, "PODMETA_LISTEN": grpc_listen,
               "PODMETA_HTTP_LISTEN": f"127.0.0.1:{http_port}"}
        process = subprocess.Popen([os.path.join(ROOT, "scripts", "run")], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
        lines = []
        serving = threading.Event()

        def read():
            for line in process.stdout:
                lines.append(line)
                if line.startswith("podmeta-server is serving on"):
                    serving.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            deadline = time.monotonic() + 300
            while not serving.wait(0.5):
                self.assertIsNone(process.poll(), "scripts/run exited:\n" + "".join(lines[-60:]))
                self.assertLess(time.monotonic(), deadline, "scripts/run did not reach 'serving':\n"
                                + "".join(lines[-60:]))
            output = "".join(lines)
            self.assertIsNone(process.poll(), output[-3000:])
            # What it showed: the seed page, the feed's season 2, the export,
            # the chapters file's headers.
            self.assertIn("$ podmeta import examples/data/core-py.txt", output)
            self.assertIn("$ podmeta episodes list compiler-nights --filter season = 2 --order-by number", output)
            self.assertIn("<rss", output)
            self.assertIn("HTTP/1.1 200 OK", output)
            self.assertIn("application/json+chapters", output)

            # And it serves: the README's curl, and the CLI.
            connection = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
            connection.request("GET", "/v1/podcasts/core-py/episodes/14/chapters.json")
            response = connection.getresponse()
            body = response.read()
            connection.close()
            self.assertEqual(response.status, 200)
            self.assertGreater(len(json.loads(body)["chapters"]), 0)
            listed = subprocess.run([os.path.join(BUILD, "client", "podmeta"), "--server", grpc_listen, "podcasts",
                                     "list"], capture_output=True, text=True, timeout=30)
            self.assertEqual(listed.returncode, 0, listed.stderr)
            self.assertIn("core-py", listed.stdout)
            self.assertIn("compiler-nights", listed.stdout)
        finally:
            # Ctrl-C in a terminal signals the whole process group.
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            reader.join(timeout=10)
            process.stdout.close()
        output = "".join(lines)
        self.assertIn("stopped podmeta-server and PostgreSQL", output, output[-2000:])
        self.assertFalse(os.path.exists(os.path.join(run_dir, "postgres", "data", "postmaster.pid")),
                         "PostgreSQL is still running")
        with socket.socket() as probe:
            self.assertNotEqual(probe.connect_ex(("127.0.0.1", http_port)), 0, "the server still listens")
        subprocess.run(["rm", "-rf", run_dir], check=False)


if __name__ == "__main__":
    sys.exit(unittest.main(verbosity=2))
