"""Reliability and security, end to end, each test with its own PostgreSQL
cluster (scripts/pg) and its own podmeta-server binary:

- database fault under load: PostgreSQL stops for 3 s while writers and
  readers keep going; health goes NOT_SERVING and back to SERVING within 2 s
  of the database returning, every acknowledged write is there exactly once,
  no episode is half-written, no call outlives its deadline;
- TLS and mutual TLS from the CLI;
- random and hostile requests to every method: never INTERNAL, every
  INVALID_ARGUMENT names its fields, SQL in strings is stored or rejected,
  never executed; oversized messages are refused; the server survives.
"""

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

ENV = os.environ
sys.path.insert(0, ENV["PODMETA_PYTHON_STUBS"])

import grpc  # noqa: E402
import podmeta_health_pb2  # noqa: E402
import podmeta_health_pb2_grpc  # noqa: E402
from google.protobuf import descriptor  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from podmeta.v1 import (episode_service_pb2, episode_service_pb2_grpc, podcast_service_pb2,  # noqa: E402
                        podcast_service_pb2_grpc, resources_pb2)

PG = ENV["PODMETA_PG_SCRIPT"]


class Cluster:
    """A private PostgreSQL in a temporary folder."""

    def __init__(self, durable=False):
        # Durable: fsync and synchronous commit on, so an acknowledged commit
        # survives a crash (the fault test crashes it on purpose).
        self.durable = durable
        self.dir = tempfile.mkdtemp(prefix="podmeta-pg-")
        os.chmod(self.dir, 0o755)
        self.url = self.start()

    def start(self):
        options = [] if self.durable else ["--fast"]
        return subprocess.run([PG, "start", self.dir, *options], check=True, capture_output=True,
                              text=True).stdout.strip()

    def stop(self, mode="fast"):
        subprocess.run(["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D",
                        os.path.join(self.dir, "data"), "-m", mode, "-w", "stop"], check=True,
                       capture_output=True)

    def sql(self, statement):
        return subprocess.run(["psql", self.url, "-At", "-v", "ON_ERROR_STOP=1", "-c", statement], check=True,
                              capture_output=True, text=True).stdout.strip()

    def remove(self):
        subprocess.run([PG, "stop", self.dir], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


class ServerProcess:
    def __init__(self, database_url, *extra, listen=None, limit_files=None):
        self.tmp = tempfile.mkdtemp(prefix="podmeta-server-")
        self.address = listen or "unix:" + os.path.join(self.tmp, "server.sock")
        self.log_path = os.path.join(self.tmp, "server.log")
        self.log = open(self.log_path, "w")
        # limit_files: soft and hard limit on open files, which the server cannot raise.
        prefix = ["prlimit", f"--nofile={limit_files}:{limit_files}"] if limit_files else []
        self.process = subprocess.Popen([*prefix, ENV["PODMETA_SERVER_BINARY"], "--listen", self.address,
                                         "--database-url", database_url, *extra], stdout=self.log, stderr=self.log)

    def wait_ready(self, credentials=None, target=None):
        channel = (grpc.secure_channel(target or self.address, credentials) if credentials
                   else grpc.insecure_channel(self.address))
        grpc.channel_ready_future(channel).result(timeout=30)
        return channel

    def stop(self):
        """Stops with SIGTERM; returns the exit code, printing the log's end when it is not 0."""
        self.process.terminate()
        code = self.process.wait(timeout=60)
        self.log.close()
        if code != 0:
            print(f"podmeta-server exited with {code}; its log ends:\n{self.log_text()[-6000:]}", file=sys.stderr)
        return code

    def log_text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()


def rss_kib(pid):
    """The resident memory of process `pid`, in KiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def small_asan_quarantine(test):
    """Under AddressSanitizer freed memory waits in a quarantine (256 MB by
    default) before reuse, which would count as growth in a memory test:
    servers started by `test` keep it small. Other builds ignore it."""
    asan = os.environ.get("ASAN_OPTIONS", "")
    os.environ["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "quarantine_size_mb=8:thread_local_quarantine_size_kb=64"
    test.addCleanup(os.environ.__setitem__, "ASAN_OPTIONS", asan)


def violations(error):
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                bad_request = error_details_pb2.BadRequest()
                if detail.Unpack(bad_request):
                    return [v.field for v in bad_request.field_violations]
    return []


def health(channel, timeout=1.0):
    stub = podmeta_health_pb2_grpc.HealthStub(channel)
    try:
        return stub.Check(podmeta_health_pb2.HealthCheckRequest(service=""), timeout=timeout).status
    except grpc.RpcError:
        return None


def new_episode(index, chapters=5):
    episode = resources_pb2.Episode(title=f"Load {index}", number=index)
    episode.publish_time.FromSeconds(1_700_000_000 + index * 3600)
    episode.duration.FromSeconds(3600)
    for k in range(chapters):
        chapter = episode.chapters.add()
        chapter.start_offset.FromSeconds(k * 60)
        chapter.title = f"Chapter {k} of {index}"
    return episode


class DatabaseFaultTest(unittest.TestCase):
    def test_outage_under_load_loses_nothing_and_recovers_within_2s(self):
        cluster = Cluster(durable=True)
        self.addCleanup(cluster.remove)  # also when an assertion below fails
        server = ServerProcess(cluster.url, "--log-format", "json")
        try:
            channel = server.wait_ready()
            podcasts = podcast_service_pb2_grpc.PodcastServiceStub(channel)
            episodes = episode_service_pb2_grpc.EpisodeServiceStub(channel)
            podcasts.CreatePodcast(podcast_service_pb2.CreatePodcastRequest(
                podcast_id="load", podcast=resources_pb2.Podcast(title="Load")), timeout=10)

            deadline_seconds = 3.0
            acknowledged = {}
            slowest = [0.0]
            errors = []
            stop = threading.Event()
            lock = threading.Lock()
            counter = iter(range(1, 1_000_000))

            def timed(call, *args, **kwargs):
                started = time.monotonic()
                try:
                    return call(*args, timeout=deadline_seconds, **kwargs)
                finally:
                    with lock:
                        slowest[0] = max(slowest[0], time.monotonic() - started)

            def writer():
                while not stop.is_set():
                    with lock:
                        index = next(counter)
                    request_id = uuid.uuid4().hex
                    request = episode_service_pb2.CreateEpisodeRequest(
                        parent="podcasts/load", episode=new_episode(index), request_id=request_id)
                    # Retry the same request until it is acknowledged: the
                    # request_id makes that safe even when a commit's
                    # outcome was unknown. (Until the test stops: a writer
                    # that never got through must not keep the test alive.)
                    while not stop.is_set():
                        try:
                            created = timed(episodes.CreateEpisode, request)
                            with lock:
                                acknowledged[request_id] = created.name
                            break
                        except grpc.RpcError as error:
                            if error.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                                errors.append(f"create: {error.code()} {error.details()}")
                                return
                            time.sleep(0.05)

            def reader():
                while not stop.is_set():
                    try:
                        timed(episodes.ListEpisodes, episode_service_pb2.ListEpisodesRequest(
                            parent="podcasts/load", page_size=20))
                    except grpc.RpcError as error:
                        if error.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                            errors.append(f"list: {error.code()} {error.details()}")
                            return
                        time.sleep(0.05)

            threads = [threading.Thread(target=writer) for _ in range(3)] + \
                      [threading.Thread(target=reader) for _ in range(2)]
            for thread in threads:
                thread.start()
            time.sleep(1.5)
            before_outage = len(acknowledged)

            cluster.stop(mode="immediate")
            saw_not_serving = False
            outage_end = time.monotonic() + 3
            while time.monotonic() < outage_end:
                saw_not_serving |= health(channel) == podmeta_health_pb2.HealthCheckResponse.NOT_SERVING
                time.sleep(0.05)
            cluster.start()
            back = time.monotonic()
            recovered_after = None
            while time.monotonic() - back < 10:
                if health(channel) == podmeta_health_pb2.HealthCheckResponse.SERVING:
                    recovered_after = time.monotonic() - back
                    break
                time.sleep(0.05)
            time.sleep(1.5)
            stop.set()
            for thread in threads:
                thread.join(timeout=30)

            self.assertEqual(errors, [])
            self.assertTrue(saw_not_serving, "health never said NOT_SERVING during the outage")
            self.assertIsNotNone(recovered_after, "health did not return to SERVING")
            self.assertLessEqual(recovered_after, 2.0)
            self.assertGreater(before_outage, 0)
            self.assertGreater(len(acknowledged), before_outage, "no write succeeded after the outage")
            self.assertLess(slowest[0], deadline_seconds + 1.0, "a call outlived its deadline")

            names = set(acknowledged.values())
            self.assertEqual(len(names), len(acknowledged), "two requests produced one episode")
            stored = set(cluster.sql("SELECT 'podcasts/load/episodes/' || episode_id FROM episodes "
                                     "WHERE podcast_id = 'load'").split())
            self.assertEqual(stored, names, "stored episodes differ from acknowledged writes")
            half_written = cluster.sql("SELECT count(*) FROM episodes e WHERE podcast_id = 'load' AND "
                                       "(SELECT count(*) FROM chapters c WHERE c.podcast_id = e.podcast_id "
                                       "AND c.episode_id = e.episode_id) <> 5")
            self.assertEqual(half_written, "0")
            print(f"fault test: {len(acknowledged)} writes acknowledged ({before_outage} before the outage), "
                  f"SERVING again {recovered_after:.2f}s after PostgreSQL returned, "
                  f"slowest call {slowest[0]:.2f}s", file=sys.stderr)
        finally:
            self.assertEqual(server.stop(), 0)


class TlsTest(unittest.TestCase):
    def test_tls_and_mutual_tls_from_the_cli(self):
        tmp = tempfile.mkdtemp(prefix="podmeta-tls-")

        def openssl(*args):
            subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp)

        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=podmeta test CA")
        for name, extension in (("server", "subjectAltName=DNS:localhost,IP:127.0.0.1"),
                                ("client", "extendedKeyUsage=clientAuth")):
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                    "-subj", f"/CN={name}")
            with open(os.path.join(tmp, f"{name}.ext"), "w") as ext:
                ext.write(extension + "\n")
            openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        cluster = Cluster()
        self.addCleanup(cluster.remove)
        address = f"127.0.0.1:{port}"
        server = ServerProcess(cluster.url, "--tls-cert", os.path.join(tmp, "server.pem"), "--tls-key",
                               os.path.join(tmp, "server.key"), "--tls-client-ca", os.path.join(tmp, "ca.pem"),
                               listen=address)
        try:
            with open(os.path.join(tmp, "ca.pem"), "rb") as ca, open(os.path.join(tmp, "client.key"), "rb") as key, \
                    open(os.path.join(tmp, "client.pem"), "rb") as cert:
                credentials = grpc.ssl_channel_credentials(ca.read(), key.read(), cert.read())
            server.wait_ready(credentials, address)

            def cli(*args):
                return subprocess.run([ENV["PODMETA_CLI_BINARY"], "--server", address, "--timeout", "5", *args],
                                      capture_output=True, text=True, timeout=60)

            mutual = ["--tls-ca", os.path.join(tmp, "ca.pem"), "--tls-cert", os.path.join(tmp, "client.pem"),
                      "--tls-key", os.path.join(tmp, "client.key")]
            imported = cli(*mutual, "import", ENV["PODMETA_CORE_PY"])
            self.assertEqual(imported.returncode, 0, imported.stderr)
            listed = cli(*mutual, "episodes", "list", "core-py")
            self.assertEqual(listed.returncode, 0, listed.stderr)
            self.assertIn("Integration Events", listed.stdout)
            no_client_cert = cli("--tls-ca", os.path.join(tmp, "ca.pem"), "podcasts", "list")
            self.assertEqual(no_client_cert.returncode, 5, no_client_cert.stderr)
            plaintext = cli("podcasts", "list")
            self.assertEqual(plaintext.returncode, 5, plaintext.stderr)
        finally:
            self.assertEqual(server.stop(), 0)
            shutil.rmtree(tmp, ignore_errors=True)


HOSTILE_STRINGS = [
    "", " ", "'; DROP TABLE episodes; --", "\" OR 1=1 --", "$1", "%", "\\", "podcasts/core-py",
    "podcasts/core-py/episodes/14", "podcasts/x/episodes/../../etc", "Łukasz 🐍", "\u202e\u0000"[:1],
    "a" * 600, "x" * 70_000, "(00:00:00) INTRO\n(00:61:00) X", "WEBVTT\n\n00:00.000 --> 00:01.000\nA",
    "{\"chapters\": [{\"startTime\": -5}]}", "<psc:chapters><psc:chapter start=\"99999999999999\"/></psc:chapters>",
    "number = 5 OR (", "has_chapters = maybe", "publish_time desc; DROP", "*",
]
HOSTILE_INTS = [0, 1, -1, 7, 1000, 1001, 2**31 - 1, -2**31]


def random_message(message_class, rng, depth=0):
    message = message_class()
    for field in message.DESCRIPTOR.fields:
        if rng.random() < 0.4:
            continue
        count = rng.choice([1, 1, 2, 3]) if field.label == descriptor.FieldDescriptor.LABEL_REPEATED else 1
        for _ in range(count):
            value = random_value(field, rng, depth)
            if value is None:
                continue
            if field.label == descriptor.FieldDescriptor.LABEL_REPEATED:
                if field.type == descriptor.FieldDescriptor.TYPE_MESSAGE:
                    getattr(message, field.name).add().CopyFrom(value)
                else:
                    getattr(message, field.name).append(value)
            elif field.type == descriptor.FieldDescriptor.TYPE_MESSAGE:
                getattr(message, field.name).CopyFrom(value)
            else:
                setattr(message, field.name, value)
    return message


def random_value(field, rng, depth):
    kind = field.type
    if kind == descriptor.FieldDescriptor.TYPE_STRING:
        return rng.choice(HOSTILE_STRINGS)
    if kind in (descriptor.FieldDescriptor.TYPE_INT32, descriptor.FieldDescriptor.TYPE_INT64):
        return rng.choice(HOSTILE_INTS)
    if kind == descriptor.FieldDescriptor.TYPE_BOOL:
        return rng.random() < 0.5
    if kind == descriptor.FieldDescriptor.TYPE_FLOAT:
        return rng.choice([0.0, -1.0, 1e30])
    if kind == descriptor.FieldDescriptor.TYPE_ENUM:
        return rng.choice([v.number for v in field.enum_type.values] + [99])
    if kind == descriptor.FieldDescriptor.TYPE_MESSAGE:
        if depth > 3:
            return None
        name = field.message_type.full_name
        if name in ("google.protobuf.Duration", "google.protobuf.Timestamp"):
            value = field.message_type._concrete_class()
            value.seconds = rng.choice([0, 59, 5460, -1, 10**11, 253402300799])
            value.nanos = rng.choice([0, 0, 500_000_000, 1])
            return value
        if name == "google.protobuf.FieldMask":
            value = field.message_type._concrete_class()
            value.paths.extend(rng.sample(["title", "number", "chapters", "etag", "name", "*", "nope", ""],
                                          rng.randint(0, 3)))
            return value
        return random_message(field.message_type._concrete_class, rng, depth + 1)
    return None


class HostileRequestsTest(unittest.TestCase):
    def test_every_method_answers_bad_input_with_invalid_argument_never_internal(self):
        cluster = Cluster()
        self.addCleanup(cluster.remove)
        server = ServerProcess(cluster.url)
        try:
            channel = server.wait_ready()
            subprocess.run([ENV["PODMETA_CLI_BINARY"], "--server", server.address, "import", ENV["PODMETA_CORE_PY"]],
                           check=True, capture_output=True)
            rng = random.Random(20261126)
            counts = {}
            for service, stub_class in ((podcast_service_pb2.DESCRIPTOR.services_by_name["PodcastService"],
                                         podcast_service_pb2_grpc.PodcastServiceStub),
                                        (episode_service_pb2.DESCRIPTOR.services_by_name["EpisodeService"],
                                         episode_service_pb2_grpc.EpisodeServiceStub)):
                stub = stub_class(channel)
                for method in service.methods:
                    request_class = method.input_type._concrete_class
                    call = getattr(stub, method.name)
                    for _ in range(60):
                        request = random_message(request_class, rng)
                        code = self.call(call, request, method.server_streaming)
                        counts[code] = counts.get(code, 0) + 1
            self.assertNotIn("INTERNAL", counts, counts)
            self.assertNotIn("UNKNOWN", counts, counts)
            # Errors about huge values stay small enough for any client to read.
            self.assertNotIn("RESOURCE_EXHAUSTED", counts, counts)

            # SQL in strings is data: the tables are all there and intact.
            self.assertEqual(cluster.sql("SELECT count(*) FROM episodes WHERE podcast_id = 'core-py'") != "0", True)
            self.assertEqual(cluster.sql("SELECT to_regclass('public.episodes') IS NOT NULL"), "t")

            # Oversized messages are refused before any handler runs.
            episodes = episode_service_pb2_grpc.EpisodeServiceStub(channel)
            with self.assertRaises(grpc.RpcError) as too_big:
                episodes.GetEpisode(episode_service_pb2.GetEpisodeRequest(name="x" * (5 * 1024 * 1024)), timeout=10)
            self.assertEqual(too_big.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)

            self.assertEqual(health(channel), podmeta_health_pb2.HealthCheckResponse.SERVING)
            print(f"hostile requests: {sum(counts.values())} calls, codes {dict(sorted(counts.items()))}",
                  file=sys.stderr)
        finally:
            self.assertEqual(server.stop(), 0)
            self.assertNotIn("runtime error", server.log_text())

    def call(self, call, request, streaming):
        try:
            if streaming:
                stream = call(request, timeout=0.5)
                for _ in stream:
                    pass
            else:
                call(request, timeout=10)
            return "OK"
        except grpc.RpcError as error:
            code = error.code().name
            if streaming and code == "DEADLINE_EXCEEDED":
                return "OK"
            if code == "INVALID_ARGUMENT":
                self.assertTrue(violations(error), f"INVALID_ARGUMENT without field violations: {error.details()}")
            return code


if __name__ == "__main__":
    unittest.main(verbosity=2)
