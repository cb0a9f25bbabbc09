"""HTTP end to end: the podmeta-server binary with --http-listen, a real
PostgreSQL, real sockets, Python's http.client as the client, and one test
in headless Chromium as a web player on another origin would be.

Every route; chapter files byte for byte what the CLI exports; 304s from
ETag and Last-Modified; HEAD; gzip; CORS and preflight; unknown routes, bad
percent-encoding, oversized headers, other methods; deleted episodes; JSON
reads equal to the gRPC answers, errors as JSON google.rpc.Status; keep-alive;
a client that sends too slowly is cut off; the feed.
"""

import gzip
import http.client
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import xml.dom.minidom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from reliability_test import ENV, Cluster, ServerProcess, rss_kib, small_asan_quarantine  # noqa: E402

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from podmeta.v1 import (episode_service_pb2, episode_service_pb2_grpc, podcast_service_pb2,  # noqa: E402
                        podcast_service_pb2_grpc, resources_pb2)

CHAPTERS_PATH = "/v1/podcasts/core-py/episodes/14/chapters"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def error_reason(body):
    """The reason of the one google.rpc.ErrorInfo a JSON error body must carry."""
    infos = [d for d in json.loads(body).get("details", [])
             if d.get("@type") == "type.googleapis.com/google.rpc.ErrorInfo"]
    if len(infos) != 1:
        raise AssertionError(f"{len(infos)} ErrorInfo details in {body!r}")
    if infos[0].get("domain") != "podmeta":
        raise AssertionError(f"domain {infos[0].get('domain')!r} in {body!r}")
    return infos[0]["reason"]


class HttpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster()
        cls.http_port = free_port()
        cls.metrics_port = free_port()
        cls.server = ServerProcess(cls.cluster.url, "--http-listen", f"127.0.0.1:{cls.http_port}",
                                   "--http-max-age", "120", "--http-request-timeout-ms", "1500",
                                   "--http-event-heartbeat-ms", "300",
                                   "--metrics-listen", f"127.0.0.1:{cls.metrics_port}")
        cls.channel = cls.server.wait_ready()
        cls.podcasts = podcast_service_pb2_grpc.PodcastServiceStub(cls.channel)
        cls.episodes = episode_service_pb2_grpc.EpisodeServiceStub(cls.channel)
        with open(ENV["PODMETA_CORE_PY"], encoding="utf-8") as page:
            cls.podcasts.ImportShowPage(podcast_service_pb2.ImportShowPageRequest(content=page.read()), timeout=60)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        code = cls.server.stop()
        cls.cluster.remove()
        assert code == 0, f"podmeta-server exited with {code}"

    def request(self, method, path, headers=None, connection=None):
        own = connection is None
        connection = connection or http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response, response.read()
        finally:
            if own:
                connection.close()

    def cli(self, *args):
        result = subprocess.run([ENV["PODMETA_CLI_BINARY"], "--server", self.server.address, *args],
                                capture_output=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_chapter_files_are_what_the_cli_exports(self):
        for extension, format_name, content_type in (("json", "podcasting2", "application/json+chapters"),
                                                     ("vtt", "webvtt", "text/vtt"),
                                                     ("psc", "psc", "application/xml"),
                                                     ("txt", "text", "text/plain")):
            response, body = self.request("GET", f"{CHAPTERS_PATH}.{extension}")
            self.assertEqual(response.status, 200, extension)
            self.assertTrue(response.getheader("Content-Type").startswith(content_type),
                            (extension, response.getheader("Content-Type")))
            exported = self.cli("chapters", "export", "core-py/14", "--format", format_name)
            self.assertEqual(body, exported, extension)
            self.assertEqual(response.getheader("Cache-Control"), "public, max-age=120")
            self.assertTrue(response.getheader("ETag").startswith('W/"'))
            self.assertIsNotNone(response.getheader("Last-Modified"))
            self.assertEqual(response.getheader("Access-Control-Allow-Origin"), "*")
        chapters = json.loads(self.request("GET", f"{CHAPTERS_PATH}.json")[1])
        self.assertEqual(chapters["chapters"][1]["startTime"], 90)

    def test_conditional_requests_answer_304_until_the_episode_changes(self):
        first, _ = self.request("GET", "/v1/podcasts/core-py/episodes/13/chapters.json")
        etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
        for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"x", {etag}'}, {"If-None-Match": "*"},
                        {"If-Modified-Since": modified}):
            response, body = self.request("GET", "/v1/podcasts/core-py/episodes/13/chapters.json", headers)
            self.assertEqual(response.status, 304, headers)
            self.assertEqual(body, b"")
            self.assertEqual(response.getheader("ETag"), etag)
        stale, _ = self.request("GET", "/v1/podcasts/core-py/episodes/13/chapters.json", {"If-None-Match": '"0"'})
        self.assertEqual(stale.status, 200)
        self.episodes.UpdateEpisode(episode_service_pb2.UpdateEpisodeRequest(
            episode=resources_pb2.Episode(name="podcasts/core-py/episodes/13", title="Retitled over gRPC"),
            update_mask={"paths": ["title"]}), timeout=10)
        after, _ = self.request("GET", "/v1/podcasts/core-py/episodes/13/chapters.json", {"If-None-Match": etag})
        self.assertEqual(after.status, 200)
        self.assertNotEqual(after.getheader("ETag"), etag)

    def test_head_gzip_and_keep_alive(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        try:
            get, body = self.request("GET", f"{CHAPTERS_PATH}.json", connection=connection)
            head, head_body = self.request("HEAD", f"{CHAPTERS_PATH}.json", connection=connection)
            self.assertEqual(head.status, 200)
            self.assertEqual(head_body, b"")
            self.assertEqual(int(head.getheader("Content-Length")), len(body))
            self.assertEqual(head.getheader("ETag"), get.getheader("ETag"))
            zipped, compressed = self.request("GET", f"{CHAPTERS_PATH}.json", {"Accept-Encoding": "gzip"},
                                              connection=connection)
            self.assertEqual(zipped.getheader("Content-Encoding"), "gzip")
            self.assertEqual(zipped.getheader("Vary"), "Accept-Encoding")
            self.assertEqual(gzip.decompress(compressed), body)
            self.assertLess(len(compressed), len(body))
            refused, plain = self.request("GET", f"{CHAPTERS_PATH}.json", {"Accept-Encoding": "gzip;q=0"},
                                          connection=connection)
            self.assertIsNone(refused.getheader("Content-Encoding"))
            self.assertEqual(plain, body)
        finally:
            connection.close()

    def test_cors_preflight_and_headers(self):
        response, body = self.request("OPTIONS", f"{CHAPTERS_PATH}.json", {
            "Origin": "https://player.example", "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match"})
        self.assertEqual(response.status, 204)
        self.assertEqual(response.getheader("Access-Control-Allow-Origin"), "*")
        self.assertIn("GET", response.getheader("Access-Control-Allow-Methods"))
        self.assertIn("If-None-Match", response.getheader("Access-Control-Allow-Headers"))
        get, _ = self.request("GET", f"{CHAPTERS_PATH}.json", {"Origin": "https://player.example"})
        self.assertEqual(get.getheader("Access-Control-Allow-Origin"), "*")
        self.assertIn("ETag", get.getheader("Access-Control-Expose-Headers"))

    def test_bad_requests_get_clear_answers(self):
        for path, status in (("/nowhere", 404), ("/v1/podcasts/core-py/episodes/14/chapters.mp3", 404),
                             ("/v1/podcasts/%zz", 400), ("/v1/podcasts/core-py/episodes/%4", 400),
                             ("/v1/podcasts/Not_An_Id/episodes/1/chapters.json", 400),
                             ("/v1/podcasts/core-py/episodes/999/chapters.json", 404),
                             ("/v1/podcasts/core-py/episodes?page_size=many", 400),
                             ("/v1/podcasts/core-py/episodes?no_such_field=1", 400)):
            response, body = self.request("GET", path)
            self.assertEqual(response.status, status, path)
            error = json.loads(body)
            self.assertIn("code", error, path)
            self.assertIn("message", error, path)
        # Each error names its cause in exactly one ErrorInfo (docs/errors.md).
        for path, reason in (("/nowhere", "ROUTE_NOT_FOUND"),
                             ("/v1/podcasts/%zz", "INVALID_FIELDS"),
                             ("/v1/podcasts/core-py/episodes/999/chapters.json", "EPISODE_NOT_FOUND"),
                             ("/v1/podcasts/core-py/episodes?no_such_field=1", "INVALID_FIELDS"),
                             ("/v1/podcasts/core-py/episodes?page_token=forged", "INVALID_PAGE_TOKEN")):
            self.assertEqual(error_reason(self.request("GET", path)[1]), reason, path)
        posted, _ = self.request("POST", f"{CHAPTERS_PATH}.json")
        self.assertEqual(posted.status, 405)
        self.assertIn("GET", posted.getheader("Allow"))
        huge, _ = self.request("GET", f"{CHAPTERS_PATH}.json", {"X-Padding": "x" * 20000})
        self.assertEqual(huge.status, 431)
        # The server is fine afterwards.
        self.assertEqual(self.request("GET", f"{CHAPTERS_PATH}.json")[0].status, 200)

    def test_a_deleted_episode_is_gone_not_its_old_chapters(self):
        self.episodes.DeleteEpisode(episode_service_pb2.DeleteEpisodeRequest(
            name="podcasts/core-py/episodes/12"), timeout=10)
        response, body = self.request("GET", "/v1/podcasts/core-py/episodes/12/chapters.json")
        self.assertEqual(response.status, 410)
        self.assertNotIn(b"startTime", body)
        self.assertEqual(error_reason(body), "RESOURCE_DELETED")
        episode = json.loads(self.request("GET", "/v1/podcasts/core-py/episodes/12")[1])
        self.assertIn("deleteTime", episode)

    def test_json_reads_equal_the_grpc_answers(self):
        over_grpc = self.episodes.GetEpisode(episode_service_pb2.GetEpisodeRequest(
            name="podcasts/core-py/episodes/14"), timeout=10)
        response, body = self.request("GET", "/v1/podcasts/core-py/episodes/14")
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("Content-Type"), "application/json")
        self.assertEqual(json.loads(body), json_format.MessageToDict(over_grpc))

        podcast = json.loads(self.request("GET", "/v1/podcasts/core-py")[1])
        self.assertEqual(podcast["name"], "podcasts/core-py")
        listed = json.loads(self.request("GET", "/v1/podcasts?pageSize=5")[1])
        self.assertIn("podcasts/core-py", [p["name"] for p in listed["podcasts"]])

        names, token = [], ""
        while True:
            page = json.loads(self.request(
                "GET", f"/v1/podcasts/core-py/episodes?page_size=3&order_by=number&page_token={token}")[1])
            names += [e["name"] for e in page["episodes"]]
            token = page.get("nextPageToken", "")
            if not token:
                break
        over_grpc_list = self.episodes.ListEpisodes(episode_service_pb2.ListEpisodesRequest(
            parent="podcasts/core-py", page_size=100, order_by="number"), timeout=10)
        self.assertEqual(names, [e.name for e in over_grpc_list.episodes])

        filtered = json.loads(self.request(
            "GET", "/v1/podcasts/core-py/episodes?filter=number%20%3E%3D%2013&order_by=number")[1])
        self.assertEqual([e["number"] for e in filtered["episodes"]], [13, 14])
        batch = json.loads(self.request(
            "GET", "/v1/podcasts/core-py/episodes:batchGet?names=podcasts/core-py/episodes/14"
                   "&names=podcasts/core-py/episodes/10")[1])
        self.assertEqual([e["name"] for e in batch["episodes"]],
                         ["podcasts/core-py/episodes/14", "podcasts/core-py/episodes/10"])
        hits = json.loads(self.request("GET", "/v1/episodes:search?query=pyrepl")[1])
        self.assertTrue(any(h["episode"] == "podcasts/core-py/episodes/14" for h in hits["hits"]))
        exported = json.loads(self.request(
            "GET", "/v1/podcasts/core-py/episodes/14:exportChapters?format=WEBVTT")[1])
        self.assertTrue(exported["content"].startswith("WEBVTT"))

        bad, body = self.request("GET", "/v1/podcasts/core-py/episodes?filter=nonsense%20%3D%201")
        self.assertEqual(bad.status, 400)
        error = json.loads(body)
        self.assertEqual(error["code"], 3)
        violations = [v["field"] for d in error["details"] for v in d.get("fieldViolations", [])]
        self.assertEqual(violations, ["filter"])

    def read_event(self, response):
        """The next Server-Sent Event: its fields, comments counted."""
        fields, comments = {}, 0
        while True:
            line = response.readline().decode()
            self.assertTrue(line, "the event stream ended")
            line = line.rstrip("\n")
            if not line:
                if fields:
                    fields["comments"] = comments
                    return fields
                continue
            if line.startswith(":"):
                comments += 1
                continue
            name, _, value = line.partition(": ")
            fields[name] = value

    def create_episode(self, podcast, number, title):
        episode = resources_pb2.Episode(title=title, number=number)
        episode.publish_time.FromSeconds(1_700_000_000 + number * 86400)
        return self.episodes.CreateEpisode(episode_service_pb2.CreateEpisodeRequest(
            parent=f"podcasts/{podcast}", episode_id=str(number), episode=episode), timeout=10)

    def test_watch_streams_changes_as_server_sent_events(self):
        self.podcasts.CreatePodcast(podcast_service_pb2.CreatePodcastRequest(
            podcast_id="watched-show", podcast=resources_pb2.Podcast(title="Watched show")), timeout=10)
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        connection.request("GET", "/v1/podcasts/watched-show/episodes:watch")
        response = connection.getresponse()
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("Content-Type"), "text/event-stream; charset=utf-8")
        self.assertEqual(response.getheader("Cache-Control"), "no-cache")
        self.assertEqual(response.getheader("Access-Control-Allow-Origin"), "*")
        self.assertEqual(response.getheader("Transfer-Encoding"), "chunked")

        created = self.create_episode("watched-show", 1, "First light")
        first = self.read_event(response)
        change = json.loads(first["data"])
        self.assertEqual(change["kind"], "CREATED")
        self.assertEqual(change["episode"], json_format.MessageToDict(created))
        self.assertEqual(first["id"], change["resumeToken"])
        # Idle, the stream sends comments (--http-event-heartbeat-ms 300),
        # and the next change still arrives.
        time.sleep(1)
        self.episodes.UpdateEpisode(episode_service_pb2.UpdateEpisodeRequest(
            episode=resources_pb2.Episode(name=created.name, title="First light, again"),
            update_mask={"paths": ["title"]}), timeout=10)
        second = self.read_event(response)
        self.assertGreaterEqual(second["comments"], 2)
        self.assertEqual(json.loads(second["data"])["kind"], "UPDATED")
        self.assertEqual(json.loads(second["data"])["episode"]["title"], "First light, again")
        connection.close()

        # What a reconnecting EventSource does: Last-Event-ID resumes after
        # the first event, so the update is delivered again; the query
        # parameter does the same.
        self.create_episode("watched-show", 2, "Second light")
        for headers, path in (({"Last-Event-ID": first["id"]}, "/v1/podcasts/watched-show/episodes:watch"),
                              ({}, "/v1/podcasts/watched-show/episodes:watch?resume_token=" + first["id"])):
            resumed = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
            resumed.request("GET", path, headers=headers)
            answer = resumed.getresponse()
            self.assertEqual(answer.status, 200)
            replay = [json.loads(self.read_event(answer)["data"]) for _ in range(2)]
            self.assertEqual([(c["kind"], c["episode"]["title"]) for c in replay],
                             [("UPDATED", "First light, again"), ("CREATED", "Second light")])
            resumed.close()

    def test_watch_errors_are_json_statuses(self):
        missing, body = self.request("GET", "/v1/podcasts/no-such-show/episodes:watch")
        self.assertEqual(missing.status, 404)
        self.assertEqual(json.loads(body)["code"], 5)
        self.assertEqual(error_reason(body), "PODCAST_NOT_FOUND")
        stale, body = self.request("GET", "/v1/podcasts/core-py/episodes:watch?resume_token=not-a-token")
        self.assertEqual(stale.status, 400)
        self.assertEqual(error_reason(body), "INVALID_RESUME_TOKEN")
        unknown, _ = self.request("GET", "/v1/podcasts/core-py/episodes:watch?since=yesterday")
        self.assertEqual(unknown.status, 400)
        head, body = self.request("HEAD", "/v1/podcasts/core-py/episodes:watch")
        self.assertEqual(head.status, 200)
        self.assertEqual(head.getheader("Content-Type"), "text/event-stream; charset=utf-8")
        self.assertEqual(body, b"")
        self.assertEqual(self.request("HEAD", "/v1/podcasts/no-such-show/episodes:watch")[0].status, 404)

    def test_a_watcher_that_goes_away_is_let_go(self):
        def open_watches():
            return sum(float(line.split()[-1]) for line in self.metrics().splitlines()
                       if line.startswith("podmeta_watch_streams"))
        before = open_watches()
        watchers = []
        for _ in range(3):
            watcher = socket.create_connection(("127.0.0.1", self.http_port), timeout=10)
            watcher.sendall(b"GET /v1/podcasts/core-py/episodes:watch HTTP/1.1\r\nHost: podmeta\r\n\r\n")
            head = b""
            while b"\r\n\r\n" not in head:
                head += watcher.recv(4096)
            self.assertTrue(head.startswith(b"HTTP/1.1 200 "), head)
            watchers.append(watcher)
        self.assertEqual(open_watches(), before + 3)
        for watcher in watchers:
            watcher.close()
        # Gone clients are noticed at the next heartbeat (300 ms here).
        deadline = time.monotonic() + 10
        while open_watches() != before and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(open_watches(), before)

    def test_the_feed(self):
        response, body = self.request("GET", "/v1/podcasts/core-py/feed.xml")
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("Content-Type"), "application/rss+xml; charset=utf-8")
        document = xml.dom.minidom.parseString(body)
        self.assertEqual(document.getElementsByTagName("title")[0].firstChild.data, "core.py")
        again, empty = self.request("GET", "/v1/podcasts/core-py/feed.xml",
                                    {"If-None-Match": response.getheader("ETag")})
        self.assertEqual(again.status, 304)
        self.assertEqual(empty, b"")
        self.assertEqual(self.request("GET", "/v1/podcasts/nobody/feed.xml")[0].status, 404)

    def test_a_client_that_sends_too_slowly_is_cut_off(self):
        with socket.create_connection(("127.0.0.1", self.http_port), timeout=10) as slow:
            slow.sendall(b"GET /v1/podcasts HTTP/1.1\r\nHost: x\r\n")
            started = time.monotonic()
            for _ in range(10):
                time.sleep(0.3)
                try:
                    slow.sendall(b"X-Drip: 1\r\n")
                except OSError:
                    break
            data = slow.recv(100)  # the server closed: b"" (or an error answer)
            self.assertLess(time.monotonic() - started, 6)
            self.assertNotIn(b"200 OK", data)
        self.assertEqual(self.request("GET", "/healthz")[0].status, 200)

    def test_framing_and_host_rules_of_http_1_1(self):
        def exchange(raw):
            """Sends `raw`, returns everything the server sent before it closed (or 0.5 s passed;
            the idle timeout of this server is 1.5 s)."""
            with socket.create_connection(("127.0.0.1", self.http_port), timeout=0.5) as connection:
                connection.sendall(raw)
                received = b""
                try:
                    while chunk := connection.recv(65536):
                        received += chunk
                except socket.timeout:
                    received += b"<still open>"
                return received

        missing = exchange(b"GET /healthz HTTP/1.1\r\n\r\n")
        self.assertTrue(missing.startswith(b"HTTP/1.1 400"), missing[:60])
        self.assertNotIn(b"<still open>", missing)
        two = exchange(b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        self.assertTrue(two.startswith(b"HTTP/1.1 400"), two[:60])
        # HTTP/1.0 needs no Host; with Transfer-Encoding its framing is
        # faulty: answered, then the connection closes.
        old = exchange(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        self.assertIn(b" 200 ", old.split(b"\r\n")[0])
        self.assertNotIn(b"<still open>", old)
        kept = exchange(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        self.assertIn(b"<still open>", kept)

    def test_requests_are_counted_and_failures_logged_with_their_request_id(self):
        response, _ = self.request("GET", f"{CHAPTERS_PATH}.json", {"X-Request-Id": "trace-me-42"})
        self.assertEqual(response.getheader("X-Request-Id"), "trace-me-42")
        self.assertRegex(self.request("GET", "/healthz")[0].getheader("X-Request-Id"), "^[0-9a-f]{16}$")
        missing, _ = self.request("GET", "/v1/podcasts/core-py/episodes/404/chapters.json",
                                  {"X-Request-Id": "trace-the-404"})
        self.assertEqual(missing.status, 404)
        self.assertIn("trace-the-404", self.wait_log("trace-the-404"))
        text = self.metrics()
        self.assertRegex(text, r'podmeta_http_requests_total\{code="200",route="chapters"\} [1-9]')
        self.assertRegex(text, r'podmeta_http_requests_total\{code="404",route="chapters"\} [1-9]')

    def metrics(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.metrics_port, timeout=10)
        connection.request("GET", "/metrics")
        text = connection.getresponse().read().decode()
        connection.close()
        return text

    def wait_log(self, text):
        for _ in range(20):
            log = self.server.log_text()
            if text in log:
                return log
            time.sleep(0.1)
        return self.server.log_text()


class FeedSharingTest(unittest.TestCase):
    """feed.xml is rendered once per version and every answer shares the bytes."""

    def test_clients_that_never_read_a_large_feed_share_one_copy(self):
        cluster = Cluster()
        self.addCleanup(cluster.remove)
        small_asan_quarantine(self)
        http_port = free_port()
        server = ServerProcess(cluster.url, "--http-listen", f"127.0.0.1:{http_port}")
        self.addCleanup(server.stop)
        channel = server.wait_ready()
        podcasts = podcast_service_pb2_grpc.PodcastServiceStub(channel)
        episodes = episode_service_pb2_grpc.EpisodeServiceStub(channel)
        podcasts.CreatePodcast(podcast_service_pb2.CreatePodcastRequest(
            podcast_id="long", podcast=resources_pb2.Podcast(title="Long")), timeout=10)
        # About 12 MB of feed: 300 items of 40 KB, far more than a socket's buffers hold.
        for i in range(300):
            episodes.CreateEpisode(episode_service_pb2.CreateEpisodeRequest(
                parent="podcasts/long", episode=resources_pb2.Episode(
                    title=f"Long {i}", number=i + 1, publish_time={"seconds": 1_700_000_000 + i},
                    description=(f"{i} words " * 5000)[:40_000])), timeout=10)
        path = "/v1/podcasts/long/feed.xml"
        first = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
        first.request("GET", path)
        answer = first.getresponse()
        body = answer.read()
        etag = answer.getheader("ETag")
        first.close()
        self.assertGreater(len(body), 10_000_000)

        before = rss_kib(server.process.pid)
        stalled = []
        for _ in range(20):
            client = socket.socket()
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # takes almost nothing
            client.connect(("127.0.0.1", http_port))
            client.sendall(f"GET {path} HTTP/1.1\r\nHost: podmeta\r\n\r\n".encode())
            stalled.append(client)
        time.sleep(2)
        after = rss_kib(server.process.pid)
        # A current copy is a 304, and a write makes a new version.
        again = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
        again.request("GET", path, headers={"If-None-Match": etag})
        not_modified = again.getresponse()
        not_modified.read()
        self.assertEqual(not_modified.status, 304)
        podcasts.UpdatePodcast(podcast_service_pb2.UpdatePodcastRequest(
            podcast=resources_pb2.Podcast(name="podcasts/long", title="Longer"), update_mask={"paths": ["title"]}),
            timeout=10)
        again.request("GET", path, headers={"If-None-Match": etag})
        changed = again.getresponse()
        self.assertEqual(changed.status, 200)
        self.assertIn(b"<title>Longer</title>", changed.read())
        self.assertNotEqual(changed.getheader("ETag"), etag)
        again.close()
        for client in stalled:
            client.close()
        # 20 copies of the feed would be over 200 MB (less what the kernel's buffers hold).
        print(f"20 clients not reading a {len(body) >> 20} MiB feed.xml: server RSS {before} KiB -> {after} KiB",
              file=sys.stderr)
        self.assertLess(after - before, 60 * 1024, f"RSS grew from {before} KiB to {after} KiB")


class EventStreamQuotaTest(unittest.TestCase):
    """Server-Sent Event streams have a quota of their own (half the watch
    streams), and a client that closes one frees it at once."""

    def test_event_streams_leave_watches_for_grpc_and_closed_ones_are_let_go_at_once(self):
        cluster = Cluster()
        self.addCleanup(cluster.remove)
        http_port, metrics_port = free_port(), free_port()
        # The default heartbeat (15 s): a closed client must be noticed without it.
        server = ServerProcess(cluster.url, "--http-listen", f"127.0.0.1:{http_port}", "--max-watch-streams", "4",
                               "--metrics-listen", f"127.0.0.1:{metrics_port}")
        self.addCleanup(server.stop)
        channel = server.wait_ready()
        podcast_service_pb2_grpc.PodcastServiceStub(channel).CreatePodcast(podcast_service_pb2.CreatePodcastRequest(
            podcast_id="quota", podcast=resources_pb2.Podcast(title="Quota")), timeout=10)

        def open_watches():
            connection = http.client.HTTPConnection("127.0.0.1", metrics_port, timeout=10)
            connection.request("GET", "/metrics")
            text = connection.getresponse().read().decode()
            connection.close()
            return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith("podmeta_watch_streams"))

        def open_event_stream():
            watcher = socket.create_connection(("127.0.0.1", http_port), timeout=10)
            watcher.sendall(b"GET /v1/podcasts/quota/episodes:watch HTTP/1.1\r\nHost: podmeta\r\n\r\n")
            head = b""
            while b"\r\n\r\n" not in head:
                head += watcher.recv(4096)
            return watcher, head

        streams = [open_event_stream() for _ in range(3)]
        self.assertEqual([head.split(b" ")[1] for _, head in streams], [b"200", b"200", b"429"])
        # The gRPC clients' half is still free.
        episodes = episode_service_pb2_grpc.EpisodeServiceStub(channel)
        grpc_watch = episodes.WatchEpisodes(episode_service_pb2.WatchEpisodesRequest(parent="podcasts/quota"),
                                            timeout=30)
        grpc_watch.initial_metadata()
        self.assertEqual(open_watches(), 3)
        for watcher, _ in streams:
            watcher.close()
        deadline = time.monotonic() + 3
        while open_watches() != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(open_watches(), 1, "closed event streams still hold their watches")
        grpc_watch.cancel()
        again, head = open_event_stream()
        self.assertTrue(head.startswith(b"HTTP/1.1 200 "), head)
        again.close()


class BrowserTest(unittest.TestCase):
    """A page on another origin fetches a chapters file, as a web player does."""

    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster()
        cls.http_port = free_port()
        cls.server = ServerProcess(cls.cluster.url, "--http-listen", f"127.0.0.1:{cls.http_port}")
        channel = cls.server.wait_ready()
        with open(ENV["PODMETA_CORE_PY"], encoding="utf-8") as page:
            podcast_service_pb2_grpc.PodcastServiceStub(channel).ImportShowPage(
                podcast_service_pb2.ImportShowPageRequest(content=page.read()), timeout=60)
        channel.close()
        cls.site = tempfile.mkdtemp(prefix="podmeta-player-")
        with open(os.path.join(cls.site, "player.html"), "w") as page:
            page.write(f"""<!doctype html><html><body><pre id="out">waiting</pre><script>
fetch("http://127.0.0.1:{cls.http_port}{CHAPTERS_PATH}.json")
  .then(r => r.json().then(body => [r.status, body]))
  .then(([status, body]) => {{
    document.getElementById("out").textContent =
      "status " + status + "; chapters " + body.chapters.length + "; first " + body.chapters[0].title;
  }})
  .catch(e => {{ document.getElementById("out").textContent = "failed: " + e; }});
</script></body></html>""")
        handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=cls.site)  # noqa: E731
        http.server.SimpleHTTPRequestHandler.log_message = lambda *args: None
        cls.site_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=cls.site_server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.site_server.shutdown()
        code = cls.server.stop()
        cls.cluster.remove()
        shutil.rmtree(cls.site, ignore_errors=True)
        assert code == 0

    def test_a_page_on_another_origin_reads_a_chapters_file(self):
        page = f"http://127.0.0.1:{self.site_server.server_address[1]}/player.html"
        profile = tempfile.mkdtemp(prefix="podmeta-chromium-")
        try:
            result = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                     "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                                     "--virtual-time-budget=10000", "--dump-dom", page],
                                    capture_output=True, text=True, timeout=120)
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        self.assertIn("status 200; chapters 35; first INTRO", result.stdout, result.stderr[-2000:])


if __name__ == "__main__":
    unittest.main(verbosity=2)
