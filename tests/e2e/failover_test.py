"""Failover, end to end: a durable primary and a real streaming standby
(scripts/pg replica), both on this machine, and the podmeta-server binary
with a two-host connection string (target_session_attrs=read-write), as it
would run against a PostgreSQL with a standby:

- a commit whose wait for synchronous replication is cancelled (the standby
  is down past --max-call-ms) is never acknowledged: UNAVAILABLE with
  COMMIT_OUTCOME_UNKNOWN, where PostgreSQL itself reports success;
- a server started against a standby alone stays up, live and not ready,
  and answers writes UNAVAILABLE (a crash loop before);
- the primary hangs (every process stopped, not dead: the kernel still
  accepts its connections) under write load, the standby is promoted a
  second later: readiness turns NOT_SERVING, writes succeed on the new
  primary while the old one is still hung, and every acknowledged write
  (synchronous replication) is on the new primary exactly once.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reliability_test import ServerProcess, health, new_episode  # noqa: E402

import grpc  # noqa: E402
import podmeta_health_pb2  # noqa: E402
import podmeta_health_pb2_grpc  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from podmeta.v1 import (episode_service_pb2, episode_service_pb2_grpc, podcast_service_pb2,  # noqa: E402
                        podcast_service_pb2_grpc, resources_pb2)

PG = os.environ["PODMETA_PG_SCRIPT"]
PG_BIN = "/usr/lib/postgresql/15/bin"
SERVING = podmeta_health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = podmeta_health_pb2.HealthCheckResponse.NOT_SERVING


def pg_ctl(directory, *args):
    subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D", os.path.join(directory, "data"),
                    *args], check=True, capture_output=True)


def psql(url, statement):
    return subprocess.run(["psql", url, "-At", "-v", "ON_ERROR_STOP=1", "-c", statement], check=True,
                          capture_output=True, text=True, timeout=30).stdout.strip()


def cluster_pids(directory):
    """The postmaster of the cluster in `directory` and every process it started."""
    with open(os.path.join(directory, "data", "postmaster.pid")) as pid_file:
        postmaster = int(pid_file.readline())
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
    return [postmaster, *map(int, children)]


def check(channel, service):
    """The health of `service` ("" is readiness, "liveness" liveness), or None when the call fails."""
    try:
        return podmeta_health_pb2_grpc.HealthStub(channel).Check(
            podmeta_health_pb2.HealthCheckRequest(service=service), timeout=2).status
    except grpc.RpcError:
        return None


def reason(error):
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            for detail in status_pb2.Status.FromString(value).details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    return info.reason
    return None


class PrimaryAndStandby:
    """A durable primary with synchronous replication to one streaming standby."""

    def __init__(self):
        self.primary = tempfile.mkdtemp(prefix="podmeta-primary-")
        self.standby = tempfile.mkdtemp(prefix="podmeta-standby-")
        for directory in (self.primary, self.standby):
            os.chmod(directory, 0o755)
        self.primary_url = subprocess.run([PG, "start", self.primary], check=True, capture_output=True,
                                          text=True).stdout.strip()
        self.standby_url = self.start_standby()
        # Set after the base backup, so the standby, once promoted, does not
        # wait for a standby of its own (a failover manager would reset it).
        psql(self.primary_url, "ALTER SYSTEM SET synchronous_standby_names = '*'")
        psql(self.primary_url, "SELECT pg_reload_conf()")
        # Both hosts, the primary first, as an application lists them.
        self.both = (f"host={self.primary},{self.standby} port=5432,5432 user=postgres dbname=postgres "
                     f"target_session_attrs=read-write")
        deadline = time.monotonic() + 30
        while psql(self.primary_url, "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'") != "1":
            if time.monotonic() > deadline:
                raise AssertionError("the standby never became synchronous")
            time.sleep(0.1)

    def start_standby(self):
        """Makes (the first time) and starts the standby; returns its URL."""
        return subprocess.run([PG, "replica", self.standby, self.primary], check=True, capture_output=True,
                              text=True).stdout.strip()

    def remove(self):
        for directory in (self.primary, self.standby):
            try:
                for pid in cluster_pids(directory):
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                pass
            subprocess.run([PG, "stop", directory], capture_output=True)
            shutil.rmtree(directory, ignore_errors=True)


class FailoverTest(unittest.TestCase):
    def setUp(self):
        self.clusters = PrimaryAndStandby()
        self.addCleanup(self.clusters.remove)

    def start_server(self, database_url, *extra):
        server = ServerProcess(database_url, "--log-format", "json", *extra)
        self.addCleanup(server.stop)
        return server

    def test_a_commit_whose_replication_wait_is_cancelled_is_not_acknowledged(self):
        server = self.start_server(self.clusters.both, "--max-call-ms", "1500")
        channel = server.wait_ready()
        podcasts = podcast_service_pb2_grpc.PodcastServiceStub(channel)
        podcasts.CreatePodcast(podcast_service_pb2.CreatePodcastRequest(
            podcast_id="sync", podcast=resources_pb2.Podcast(title="Sync")), timeout=10)
        pg_ctl(self.clusters.standby, "-m", "immediate", "-w", "stop")

        def update(title):
            try:
                podcasts.UpdatePodcast(podcast_service_pb2.UpdatePodcastRequest(
                    podcast=resources_pb2.Podcast(name="podcasts/sync", title=title),
                    update_mask={"paths": ["title"]}), timeout=10)
                return None
            except grpc.RpcError as error:
                return error

        # Someone cancels the commit's wait for the standby (an operator's
        # pg_cancel_backend; the watchdog never does): PostgreSQL warns and
        # reports success.
        answers = []
        caller = threading.Thread(target=lambda: answers.append(update("Cancelled wait")))
        caller.start()
        cancelled = "0"
        deadline = time.monotonic() + 5
        while cancelled == "0" and time.monotonic() < deadline:
            cancelled = psql(self.clusters.primary_url, "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity "
                                                        "WHERE wait_event = 'SyncRep'")
        caller.join(timeout=15)
        self.assertEqual(cancelled, "1", "no commit waited for the standby")
        error = answers[0]
        self.assertIsNotNone(error, "a commit the standby may not have was acknowledged")
        self.assertEqual(error.code(), grpc.StatusCode.UNAVAILABLE, error.details())
        self.assertEqual(reason(error), "COMMIT_OUTCOME_UNKNOWN")
        self.assertIn("synchronous replication", error.details())

        # Nobody cancels: past the call's deadline the connection is given up
        # and the outcome is unknown; never a cancel that PostgreSQL would
        # turn into a success.
        error = update("Only local")
        self.assertIsNotNone(error, "a commit the standby may not have was acknowledged")
        self.assertEqual(error.code(), grpc.StatusCode.UNAVAILABLE, error.details())
        self.assertEqual(reason(error), "COMMIT_OUTCOME_UNKNOWN")
        # The commit was made locally and waits, invisible, for the standby:
        # once the standby is back it is there, so "unknown" was the truth.
        self.assertEqual(psql(self.clusters.primary_url, "SELECT title FROM podcasts WHERE podcast_id = 'sync'"),
                         "Cancelled wait")
        self.clusters.start_standby()
        deadline = time.monotonic() + 30
        while psql(self.clusters.primary_url, "SELECT title FROM podcasts WHERE podcast_id = 'sync'") != "Only local":
            self.assertLess(time.monotonic(), deadline, "the waiting commit never completed")
            time.sleep(0.1)

    def test_a_server_started_against_a_standby_is_live_and_not_ready(self):
        # The schema is there (migrated on the primary, replayed by the
        # standby): the host name now names a standby, as after a failover.
        subprocess.run([os.environ["PODMETA_SERVER_BINARY"], "migrate", "--database-url",
                        self.clusters.primary_url], check=True, capture_output=True, timeout=60)
        psql(self.clusters.primary_url, "CHECKPOINT")
        deadline = time.monotonic() + 30
        while psql(self.clusters.standby_url, "SELECT to_regclass('podcasts') IS NOT NULL") != "t":
            self.assertLess(time.monotonic(), deadline, "the standby never replayed the schema")
            time.sleep(0.1)
        server = self.start_server(self.clusters.standby_url)
        channel = server.wait_ready()
        self.assertEqual(check(channel, ""), NOT_SERVING)
        self.assertEqual(check(channel, "liveness"), SERVING)
        podcasts = podcast_service_pb2_grpc.PodcastServiceStub(channel)
        with self.assertRaises(grpc.RpcError) as raised:
            podcasts.CreatePodcast(podcast_service_pb2.CreatePodcastRequest(
                podcast_id="nowhere", podcast=resources_pb2.Podcast(title="Nowhere")), timeout=10)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.UNAVAILABLE, raised.exception.details())
        self.assertIsNone(server.process.poll(), "the server exited")
        self.assertIn("target_session_attrs", server.log_text())

    def test_a_hung_primary_is_given_up_and_writes_go_on_on_the_promoted_standby(self):
        server = self.start_server(self.clusters.both, "--max-call-ms", "3000")
        channel = server.wait_ready()
        podcasts = podcast_service_pb2_grpc.PodcastServiceStub(channel)
        episodes = episode_service_pb2_grpc.EpisodeServiceStub(channel)
        podcasts.CreatePodcast(podcast_service_pb2.CreatePodcastRequest(
            podcast_id="failover", podcast=resources_pb2.Podcast(title="Failover")), timeout=10)

        acknowledged = {}
        first_ack_after_promotion = []
        errors = []
        lock = threading.Lock()
        stop = threading.Event()
        promoted_at = []
        counter = iter(range(1, 1_000_000))

        def writer():
            while not stop.is_set():
                with lock:
                    index = next(counter)
                request_id = uuid.uuid4().hex
                request = episode_service_pb2.CreateEpisodeRequest(
                    parent="podcasts/failover", episode=new_episode(index, chapters=3), request_id=request_id)
                while not stop.is_set():
                    try:
                        created = episodes.CreateEpisode(request, timeout=4)
                        with lock:
                            acknowledged[request_id] = created.name
                            if promoted_at and not first_ack_after_promotion:
                                first_ack_after_promotion.append(time.monotonic() - promoted_at[0])
                        break
                    except grpc.RpcError as error:
                        if error.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                            errors.append(f"{error.code()} {error.details()}")
                            return
                        time.sleep(0.05)

        threads = [threading.Thread(target=writer) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        before = len(acknowledged)

        hung = cluster_pids(self.clusters.primary)
        for pid in hung:
            os.kill(pid, signal.SIGSTOP)
        frozen_at = time.monotonic()
        saw_not_serving = False
        while time.monotonic() - frozen_at < 1.0:
            saw_not_serving |= health(channel, timeout=0.5) == NOT_SERVING
            time.sleep(0.05)
        pg_ctl(self.clusters.standby, "-w", "promote")
        with lock:
            promoted_at.append(time.monotonic())
        # The old primary stays hung all along: nothing may wait for it.
        serving_again = None
        while time.monotonic() - promoted_at[0] < 20:
            status = health(channel, timeout=0.5)
            saw_not_serving |= status == NOT_SERVING
            if status == SERVING and saw_not_serving and serving_again is None:
                serving_again = time.monotonic() - promoted_at[0]
            with lock:
                done = bool(first_ack_after_promotion) and len(acknowledged) > before + 20
            if done and serving_again is not None:
                break
            time.sleep(0.05)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

        self.assertEqual(errors, [])
        self.assertGreater(before, 0)
        self.assertTrue(saw_not_serving, "readiness never said NOT_SERVING with the primary hung")
        self.assertIsNotNone(serving_again, "readiness did not return to SERVING on the promoted standby")
        self.assertTrue(first_ack_after_promotion, "no write succeeded on the promoted standby")
        names = set(acknowledged.values())
        self.assertEqual(len(names), len(acknowledged), "two requests produced one episode")
        stored = set(psql(self.clusters.standby_url, "SELECT 'podcasts/failover/episodes/' || episode_id "
                                                     "FROM episodes WHERE podcast_id = 'failover'").split())
        self.assertEqual(names - stored, set(), "acknowledged writes missing on the new primary")
        print(f"failover: {len(acknowledged)} writes acknowledged ({before} before the primary hung); "
              f"first write on the promoted standby {first_ack_after_promotion[0]:.2f} s after promotion "
              f"({first_ack_after_promotion[0] + promoted_at[0] - frozen_at:.2f} s after the hang); "
              f"SERVING again {serving_again:.2f} s after promotion", file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
