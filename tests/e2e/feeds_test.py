"""Feeds end to end: the podmeta-server binary over a real PostgreSQL imports
RSS feeds from bytes and from a real local HTTP server (Python's
http.server on a real socket), and exports them again.

- fetching: conditional GET (a second import of an unchanged feed is one
  304), gzip, redirects (http and https only), chapters files fetched once,
  a chapters file too large or broken is a warning;
- server-side request forgery: loopback, link-local and non-http URLs are
  refused unless the server allows private addresses;
- properties: importing twice changes nothing, each guid is one episode,
  export → import changes nothing, ids stay put when a season is added;
- damage: a damaged feed is all-or-nothing with line numbers, XML bombs
  and external entities are refused and nothing is written;
- chapters edited through the API survive a re-import;
- a 1,000-item feed with restarting season numbers;
- the CLI: `podmeta import URL|FILE`, `podmeta feed export`.
"""

import gzip
import http.server
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from reliability_test import ENV, Cluster, ServerProcess, violations  # noqa: E402

import grpc  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from podmeta.v1 import (episode_service_pb2, episode_service_pb2_grpc, podcast_service_pb2,  # noqa: E402
                        podcast_service_pb2_grpc, resources_pb2)

FEEDS = ENV["PODMETA_FEEDS_DIR"]
SEASONS_GUIDS = ["cn-s2e3-1d4f", "cn-s2-bonus-0b9c", "cn-s2e2-f3a8", "cn-s2e1-e07b", "cn-s2-trailer-d5e1",
                 "cn-s1e3-c92e", "cn-s1e2-b41d", "cn-s1e1-7f3a", "cn-s1-trailer-a1c0"]


def read(name):
    with open(os.path.join(FEEDS, name), "rb") as file:
        return file.read()


def status_details(error):
    """The ErrorInfo reason and the RetryInfo delay (seconds) of a gRPC error."""
    found = {"reason": None, "retry_delay": None}
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            for detail in status_pb2.Status.FromString(value).details:
                info, retry = error_details_pb2.ErrorInfo(), error_details_pb2.RetryInfo()
                if detail.Unpack(info):
                    found["reason"] = info.reason
                elif detail.Unpack(retry):
                    found["retry_delay"] = retry.retry_delay.seconds
    return found


def seasons_variant(tag):
    """seasons.xml as another show: its own podcast:guid and feed URL (a
    podcast is found by either)."""
    return read("seasons.xml").replace(b"5b3f2e1a-8c4d", f"5b3f2e1a-{tag}".encode()).replace(
        b"compiler-nights.xml", f"compiler-nights-{tag}.xml".encode())


class FeedHttpServer:
    """Serves tests/data/feeds with PORT in feeds replaced by its own port,
    honours If-None-Match / If-Modified-Since, gzips for clients that accept
    it, and has routes for redirects and oversized files. Counts requests."""

    ETAG = '"seasons-v1"'
    LAST_MODIFIED = "Tue, 26 Mar 2024 10:00:00 GMT"

    def __init__(self):
        outer = self
        self.requests = []  # (path, status, headers)
        self.lock = threading.Lock()
        self.overrides = {}  # path -> bytes served instead of the file
        self.flaky_served = 0  # requests of /flaky-chapters.json (the first one fails)
        self.arrivals = []  # every request's path, as it arrives

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, status, body=b"", headers=()):
                with outer.lock:
                    outer.requests.append((self.path, status, dict(self.headers)))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                if "gzip" in self.headers.get("Accept-Encoding", "") and body:
                    body = gzip.compress(body)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                path = self.path
                with outer.lock:
                    outer.arrivals.append(path)
                if path.startswith("/redirect-to/"):
                    return self.send(301, headers=[("Location", path[len("/redirect-to"):])])
                if path == "/redirect-to-file":
                    return self.send(302, headers=[("Location", "file:///etc/passwd")])
                if path.startswith("/loop/"):
                    hops = int(path.split("/")[2])
                    return self.send(302, headers=[("Location", f"/loop/{hops + 1}")])
                if path == "/rate-limited.xml":
                    return self.send(429, b"slow down", [("Retry-After", "120")])
                if path == "/no-content.xml":
                    return self.send(204)
                if path == "/always-304.xml":
                    return self.send(304)
                if path == "/bad-validators.xml":
                    with open(os.path.join(FEEDS, "minimal.xml"), "rb") as file:
                        # http.server writes header values as Latin-1: this ETag is not UTF-8.
                        return self.send(200, file.read(), [("ETag", '"caf\u00e9"'), ("Content-Type", "application/xml")])
                if path == "/flaky-chapters.json":
                    with outer.lock:
                        outer.flaky_served += 1
                        first = outer.flaky_served == 1
                    if first:
                        return self.send(503, b"try again")
                    with open(os.path.join(FEEDS, "chapters", "s2e1.json"), "rb") as file:
                        return self.send(200, file.read(), [("Content-Type", "application/json+chapters")])
                if path.startswith("/slow-chapters"):
                    time.sleep(3)
                    with open(os.path.join(FEEDS, "chapters", "s1e1.json"), "rb") as file:
                        try:
                            return self.send(200, file.read(), [("Content-Type", "application/json+chapters")])
                        except (BrokenPipeError, ConnectionResetError):
                            return None  # the server gave up on it, as it should
                if path == "/huge-chapters.json":
                    return self.send(200, b"[" + b" " * (2 << 20) + b"]", [("Content-Type", "application/json")])
                name = path.lstrip("/")
                if name in outer.overrides:
                    body = outer.overrides[name]
                else:
                    full = os.path.normpath(os.path.join(FEEDS, name))
                    if not full.startswith(FEEDS) or not os.path.isfile(full):
                        return self.send(404, b"not found")
                    with open(full, "rb") as file:
                        body = file.read().replace(b"PORT", str(outer.port).encode())
                if name == "seasons.xml":
                    if (self.headers.get("If-None-Match") == outer.ETAG or
                            self.headers.get("If-Modified-Since") == outer.LAST_MODIFIED):
                        return self.send(304)
                    return self.send(200, body, [("ETag", outer.ETAG), ("Last-Modified", outer.LAST_MODIFIED),
                                                 ("Content-Type", "application/rss+xml")])
                return self.send(200, body, [("Content-Type", "application/xml")])

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def seen(self, path):
        with self.lock:
            return [(status, headers) for p, status, headers in self.requests if p == path]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class FeedsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster()
        cls.http = FeedHttpServer()
        cls.server = ServerProcess(cls.cluster.url, "--feed-fetch-allow-private", "--feed-fetch-timeout-ms", "3000")
        cls.channel = cls.server.wait_ready()
        cls.podcasts = podcast_service_pb2_grpc.PodcastServiceStub(cls.channel)
        cls.episodes = episode_service_pb2_grpc.EpisodeServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        code = cls.server.stop()
        cls.http.stop()
        cls.cluster.remove()
        assert code == 0, f"podmeta-server exited with {code}"

    def import_feed(self, **fields):
        return self.podcasts.ImportFeed(podcast_service_pb2.ImportFeedRequest(**fields), timeout=60)

    def cli(self, *args, check=True):
        result = subprocess.run([ENV["PODMETA_CLI_BINARY"], "--server", self.server.address, "--timeout", "60", *args],
                                capture_output=True, text=True)
        if check:
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result

    def episode(self, podcast_id, episode_id):
        return self.episodes.GetEpisode(episode_service_pb2.GetEpisodeRequest(
            name=f"podcasts/{podcast_id}/episodes/{episode_id}"), timeout=10)

    def all_episodes(self, podcast_id, **fields):
        found, token = [], ""
        while True:
            page = self.episodes.ListEpisodes(episode_service_pb2.ListEpisodesRequest(
                parent=f"podcasts/{podcast_id}", page_size=1000, page_token=token, **fields), timeout=30)
            found += page.episodes
            token = page.next_page_token
            if not token:
                return found

    def test_a_url_import_fetches_chapters_once_and_an_unchanged_feed_costs_one_304(self):
        result = self.cli("import", self.http.url("seasons.xml"), "--podcast-id", "seasons-from-url")
        self.assertIn("episodes: 9 created", result.stdout)
        response = self.import_feed(uri=self.http.url("seasons.xml"))
        self.assertTrue(response.not_modified)
        self.assertEqual(response.podcast.name, "podcasts/seasons-from-url")
        feed_requests = self.http.seen("/seasons.xml")
        self.assertEqual([status for status, _ in feed_requests], [200, 304])
        self.assertEqual(feed_requests[1][1].get("If-None-Match"), FeedHttpServer.ETAG)
        self.assertEqual(feed_requests[1][1].get("If-Modified-Since"), FeedHttpServer.LAST_MODIFIED)
        self.assertIn("gzip", feed_requests[0][1].get("Accept-Encoding", ""))  # and the body came gzipped
        for name in ("s1e1", "s2e1", "s2e3"):
            self.assertEqual(len(self.http.seen(f"/chapters/{name}.json")), 1, name)

        # Season numbers restart: ids say season and number; trailers and bonus by title.
        ids = sorted(e.name.rsplit("/", 1)[1] for e in self.all_episodes("seasons-from-url"))
        self.assertEqual(ids, sorted(["s1e1", "s1e2", "s1e3", "s2e1", "s2e2", "s2e3",
                                      *self.slug_ids("seasons-from-url")]))
        s1e1 = self.episode("seasons-from-url", "s1e1")
        self.assertEqual(s1e1.chapters_source, resources_pb2.Episode.CHAPTERS_FILE)
        self.assertEqual(len(s1e1.chapters), 6)
        self.assertEqual(s1e1.chapters[1].start_offset.seconds, 65)
        self.assertEqual(s1e1.chapters[1].start_offset.nanos, 500_000_000)
        self.assertEqual(s1e1.number_display, "Ch. 1")
        self.assertEqual(s1e1.enclosure.mime_type, "audio/mpeg")
        s1e3 = self.episode("seasons-from-url", "s1e3")
        self.assertEqual(s1e3.chapters_source, resources_pb2.Episode.SHOW_NOTES)
        self.assertEqual([c.start_offset.seconds for c in s1e3.chapters], [0, 62, 750, 3615])

        # A full fetch again: chapters files that did not change are not fetched again.
        again = self.import_feed(uri=self.http.url("seasons.xml"), ignore_cache=True)
        self.assertFalse(again.not_modified)
        self.assertEqual(len(again.unchanged_episodes), 9)
        for name in ("s1e1", "s2e1", "s2e3"):
            self.assertEqual(len(self.http.seen(f"/chapters/{name}.json")), 1, name)

    def slug_ids(self, podcast_id):
        """The ids of the trailers and the bonus item (no number to go by):
        the slugs of their titles."""
        ids = []
        for guid in ("cn-s1-trailer-a1c0", "cn-s2-trailer-d5e1", "cn-s2-bonus-0b9c"):
            for episode in self.all_episodes(podcast_id, filter=f'guid = "{guid}"'):
                slug = "".join(c if c.isalnum() else "-" for c in episode.title.lower())
                while "--" in slug:
                    slug = slug.replace("--", "-")
                self.assertEqual(episode.name.rsplit("/", 1)[1], slug.strip("-"))
                ids.append(slug.strip("-"))
        return ids

    def test_redirects_are_followed_to_http_only(self):
        response = self.import_feed(uri=self.http.url("redirect-to/minimal.xml"), podcast_id="redirected")
        self.assertEqual(len(response.created_episodes), 3)
        self.assertEqual(response.fetched_uri, self.http.url("minimal.xml"))
        for path, expected in (("redirect-to-file", "not http or https"), ("loop/0", "more than 5 redirects")):
            with self.assertRaises(grpc.RpcError) as error:
                self.import_feed(uri=self.http.url(path))
            self.assertIn(expected, error.exception.details(), path)
            self.assertNotEqual(error.exception.code(), grpc.StatusCode.INTERNAL)

    def test_hosts_answers_get_the_codes_they_mean(self):
        cases = (
            ("rate-limited.xml", grpc.StatusCode.UNAVAILABLE, "FEED_RATE_LIMITED"),
            ("no-content.xml", grpc.StatusCode.FAILED_PRECONDITION, "FEED_REFUSED"),
            ("always-304.xml", grpc.StatusCode.FAILED_PRECONDITION, "FEED_REFUSED"),
        )
        for path, code, reason in cases:
            with self.assertRaises(grpc.RpcError) as raised:
                self.import_feed(uri=self.http.url(path), podcast_id="answers")
            self.assertEqual(raised.exception.code(), code, path)
            details = status_details(raised.exception)
            self.assertEqual(details["reason"], reason, path)
            if path == "rate-limited.xml":
                self.assertEqual(details["retry_delay"], 120)
        # A URL that is no URL is the caller's mistake, not a host that is down.
        for bad in ("http://[::1", "https://exa mple.com/feed.xml"):
            with self.assertRaises(grpc.RpcError) as raised:
                self.import_feed(uri=bad)
            self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT, bad)
        # A host's validator that is not UTF-8 is not kept: the next import works.
        for _ in range(2):
            response = self.import_feed(uri=self.http.url("bad-validators.xml"), podcast_id="bad-validators")
            self.assertFalse(response.not_modified)

    def test_a_chapters_file_that_failed_is_fetched_again_next_time(self):
        feed = seasons_variant("flak").replace(b"http://127.0.0.1:PORT/chapters/s2e1.json",
                                               self.http.url("flaky-chapters.json").encode())
        # Its other chapters files are its own (other tests count fetches of the shared ones).
        for name in (b"s1e1", b"s2e3"):
            feed = feed.replace(b"/chapters/" + name + b".json", b"/chapters/" + name + b".json?flaky-test")
        feed = feed.replace(b"PORT", str(self.http.port).encode())
        first = self.import_feed(content=feed, podcast_id="flaky-chapters")
        self.assertIn("HTTP 503", "\n".join(w.description for w in first.warnings))
        self.assertNotEqual(self.episode("flaky-chapters", "s2e1").chapters_source,
                            resources_pb2.Episode.CHAPTERS_FILE)
        self.import_feed(content=feed, podcast_id="flaky-chapters")
        self.assertEqual(len(self.http.seen("/flaky-chapters.json")), 2)
        self.assertEqual(self.episode("flaky-chapters", "s2e1").chapters_source, resources_pb2.Episode.CHAPTERS_FILE)

    def test_fetches_end_with_the_calls_deadline(self):
        feed = seasons_variant("slow")
        for name in (b"s1e1", b"s2e1", b"s2e3"):
            feed = feed.replace(b"http://127.0.0.1:PORT/chapters/" + name + b".json",
                                self.http.url(f"slow-chapters-{name.decode()}.json").encode())
        feed = feed.replace(b"PORT", str(self.http.port).encode())
        started = time.monotonic()
        response = self.podcasts.ImportFeed(podcast_service_pb2.ImportFeedRequest(
            content=feed, podcast_id="slow-chapters"), timeout=5)
        took = time.monotonic() - started
        warnings = "\n".join(w.description for w in response.warnings)
        self.assertIn("deadline is near", warnings)
        self.assertEqual(len(response.created_episodes), 9)
        self.assertLess(took, 5)
        # Nothing goes on fetching after the answer.
        def slow_requests():
            with self.http.lock:
                return len([p for p in self.http.arrivals if p.startswith("/slow-chapters")])
        requested = slow_requests()
        self.assertGreaterEqual(requested, 1)
        time.sleep(1)
        self.assertEqual(slow_requests(), requested)

    def test_bad_chapters_files_are_warnings_and_show_notes_stand_in(self):
        feed = seasons_variant("0000").replace(b"http://127.0.0.1:PORT/chapters/s1e1.json",
                                          self.http.url("huge-chapters.json").encode())
        feed = feed.replace(b"http://127.0.0.1:PORT/chapters/s2e1.json", self.http.url("missing.json").encode())
        feed = feed.replace(b"PORT", str(self.http.port).encode())
        response = self.import_feed(content=feed, podcast_id="bad-chapter-files")
        warnings = "\n".join(w.description for w in response.warnings)
        self.assertIn("larger than 1048576 bytes", warnings)
        self.assertIn("HTTP 404", warnings)
        self.assertEqual(len(response.created_episodes), 9)
        self.assertEqual(len(self.episode("bad-chapter-files", "s1e1").chapters), 0)

    def test_importing_twice_changes_nothing_and_export_then_import_changes_nothing(self):
        feed = seasons_variant("3333")
        first = self.import_feed(content=feed, podcast_id="round-trip", skip_chapter_files=True)
        self.assertTrue(first.podcast_created)
        self.assertEqual(len(first.created_episodes), 9)
        second = self.import_feed(content=feed, podcast_id="round-trip", skip_chapter_files=True)
        self.assertFalse(second.podcast_updated)
        self.assertEqual((len(second.created_episodes), len(second.updated_episodes), len(second.unchanged_episodes)),
                         (0, 0, 9))
        before = {e.name: e for e in self.all_episodes("round-trip")}
        for guid in SEASONS_GUIDS:
            self.assertEqual(len(self.all_episodes("round-trip", filter=f'guid = "{guid}"')), 1, guid)

        exported = self.podcasts.ExportFeed(podcast_service_pb2.ExportFeedRequest(name="podcasts/round-trip"),
                                            timeout=10)
        self.assertEqual(exported.content_type, "application/rss+xml; charset=utf-8")
        again = self.import_feed(content=exported.content, skip_chapter_files=True)
        self.assertEqual(again.podcast.name, "podcasts/round-trip")  # found by its podcast:guid
        self.assertFalse(again.podcast_updated)
        self.assertEqual((len(again.created_episodes), len(again.updated_episodes), len(again.unchanged_episodes)),
                         (0, 0, 9), list(again.updated_episodes))
        self.assertEqual(list(again.warnings), [])
        after = {e.name: e for e in self.all_episodes("round-trip")}
        self.assertEqual(before, after)

        # The CLI prints the same feed.
        printed = self.cli("feed", "export", "round-trip").stdout
        self.assertEqual(printed.encode(), exported.content)

        # Lookups by the feed's identifiers.
        by_guid = self.podcasts.ListPodcasts(podcast_service_pb2.ListPodcastsRequest(
            filter='guid = "5b3f2e1a-3333-5e6f-9a7b-0c1d2e3f4a5b"'), timeout=10)
        self.assertEqual([p.name for p in by_guid.podcasts], ["podcasts/round-trip"])
        by_url = self.podcasts.ListPodcasts(podcast_service_pb2.ListPodcastsRequest(
            filter='feed_uri = "https://feeds.example.com/compiler-nights-3333.xml"'), timeout=10)
        self.assertEqual([p.name for p in by_url.podcasts], ["podcasts/round-trip"])

    def test_a_new_season_keeps_every_existing_id(self):
        feed = seasons_variant("1111")
        # Only season 1 first: numbers are unique, so the ids are the short numbers.
        season_one = self.drop_items(feed, b"cn-s2")
        created = self.import_feed(content=season_one, podcast_id="growing", skip_chapter_files=True)
        ids = sorted(name.rsplit("/", 1)[1] for name in created.created_episodes)
        self.assertEqual(ids, sorted(["1", "2", "3", self.slug_ids("growing")[0]]))
        both = self.import_feed(content=feed, podcast_id="growing", skip_chapter_files=True)
        self.assertEqual(len(both.unchanged_episodes), 4)
        new_ids = sorted(name.rsplit("/", 1)[1] for name in both.created_episodes)
        self.assertEqual(new_ids, sorted(["s2e1", "s2e2", "s2e3", *self.slug_ids("growing")[1:]]))
        self.assertEqual(self.episode("growing", "1").guid, "cn-s1e1-7f3a")

    @staticmethod
    def drop_items(feed, guid_prefix):
        kept, rest = [], feed
        while b"<item>" in rest:
            before, _, after = rest.partition(b"<item>")
            item, _, rest = after.partition(b"</item>")
            kept.append(before)
            if guid_prefix not in item:
                kept.append(b"<item>" + item + b"</item>")
        return b"".join(kept) + rest

    def test_a_damaged_feed_is_all_or_nothing_with_lines_or_partial_with_warnings(self):
        with self.assertRaises(grpc.RpcError) as error:
            self.import_feed(content=read("damaged.xml"), podcast_id="compost")
        self.assertEqual(error.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(violations(error.exception), ["content"])
        self.assertIn("line 83", error.exception.details())
        self.assertIn("sometime last week", error.exception.details())
        with self.assertRaises(grpc.RpcError) as missing:
            self.podcasts.GetPodcast(podcast_service_pb2.GetPodcastRequest(name="podcasts/compost"), timeout=10)
        self.assertEqual(missing.exception.code(), grpc.StatusCode.NOT_FOUND)

        partial = self.import_feed(content=read("damaged.xml"), podcast_id="compost", allow_partial=True)
        self.assertEqual(len(partial.created_episodes), 7)
        self.assertEqual([(p.line, "sometime last week" in p.description) for p in partial.problems], [(83, True)])
        lines = [w.line for w in partial.warnings]
        self.assertEqual(lines, sorted(lines))
        self.assertTrue(all(line > 0 for line in lines))
        self.assertIn("the XML declaration is not at the start", partial.warnings[0].description)

    def test_a_dry_run_reports_and_writes_nothing_and_standard_input_works(self):
        feed = seasons_variant("4444")
        dry = self.import_feed(content=feed, podcast_id="dry", dry_run=True, skip_chapter_files=True)
        self.assertTrue(dry.podcast_created)
        self.assertEqual(len(dry.created_episodes), 9)
        self.assertEqual(self.cluster.sql("SELECT count(*) FROM podcasts WHERE podcast_id = 'dry'"), "0")
        self.assertEqual(self.cluster.sql("SELECT count(*) FROM episodes WHERE podcast_id = 'dry'"), "0")
        result = subprocess.run([ENV["PODMETA_CLI_BINARY"], "--server", self.server.address, "import", "-",
                                 "--podcast-id", "dry", "--skip-chapter-files", "--dry-run"],
                                input=feed, capture_output=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(b"episodes: 9 would be created", result.stdout)
        self.assertIn(b"dry run: nothing was written", result.stdout)
        self.assertEqual(self.cluster.sql("SELECT count(*) FROM podcasts WHERE podcast_id = 'dry'"), "0")

    def test_xml_bombs_external_entities_and_non_feeds_write_nothing(self):
        for name in ("bomb.xml", "xxe.xml", "not_a_feed.xml"):
            with self.assertRaises(grpc.RpcError) as error:
                self.import_feed(content=read(name), podcast_id="never-written")
            self.assertEqual(error.exception.code(), grpc.StatusCode.INVALID_ARGUMENT, name)
            self.assertIn("line ", error.exception.details(), name)
        self.assertEqual(self.cluster.sql("SELECT count(*) FROM podcasts WHERE podcast_id = 'never-written'"), "0")

    def test_chapters_edited_through_the_api_survive_a_reimport(self):
        feed = seasons_variant("2222")
        self.import_feed(content=feed, podcast_id="edited", skip_chapter_files=True)
        name = "podcasts/edited/episodes/s1e3"
        edited = self.episodes.ReplaceChapters(episode_service_pb2.ReplaceChaptersRequest(
            name=name, chapters=[resources_pb2.Chapter(title="Hand-made", start_offset={"seconds": 0}),
                                 resources_pb2.Chapter(title="Also by hand", start_offset={"seconds": 100})]),
            timeout=10)
        self.assertEqual(edited.chapters_source, resources_pb2.Episode.API)
        again = self.import_feed(content=feed, podcast_id="edited", skip_chapter_files=True)
        self.assertIn(name, again.unchanged_episodes)
        self.assertTrue(any("keeps the chapters edited through the API" in w.description for w in again.warnings))
        kept = self.episode("edited", "s1e3")
        self.assertEqual([c.title for c in kept.chapters], ["Hand-made", "Also by hand"])

    def test_a_large_feed_imports_and_reimports_unchanged_with_a_bounded_answer(self):
        feed = subprocess.run([sys.executable, os.path.join(FEEDS, "make_large_feed.py"), "--items", "1200"],
                              check=True, capture_output=True).stdout
        first = self.import_feed(content=feed, podcast_id="large", skip_chapter_files=True)
        # Every episode counted, the first 1,000 named: an answer stays small.
        self.assertEqual(first.created_count, 1200)
        self.assertEqual(len(first.created_episodes), 1000)
        ids = {name.rsplit("/", 1)[1] for name in first.created_episodes}
        self.assertIn("s1e1", ids)  # in the feed's order
        self.assertIn("s4e100", ids)
        self.assertNotIn("s4e101", ids)
        second = self.import_feed(content=feed, podcast_id="large", skip_chapter_files=True)
        self.assertEqual(second.unchanged_count, 1200)
        self.assertEqual(len(second.unchanged_episodes), 1000)
        self.assertEqual(second.created_count + second.updated_count, 0)
        with_chapters = self.all_episodes("large", filter="has_chapters = true")
        self.assertEqual(len(with_chapters), 1200)
        printed = self.cli_import_stdin(feed)
        self.assertIn("0 created, 0 updated, 1200 unchanged", printed)

    def cli_import_stdin(self, feed):
        result = subprocess.run([ENV["PODMETA_CLI_BINARY"], "--server", self.server.address, "--timeout", "60",
                                 "import", "-", "--podcast-id", "large"], input=feed, capture_output=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.decode()


class FeedFetchingGuardTest(unittest.TestCase):
    """A server with the default policy: no fetching from private addresses."""

    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster()
        cls.http = FeedHttpServer()
        cls.server = ServerProcess(cls.cluster.url)
        cls.channel = cls.server.wait_ready()
        cls.podcasts = podcast_service_pb2_grpc.PodcastServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        code = cls.server.stop()
        cls.http.stop()
        cls.cluster.remove()
        assert code == 0, f"podmeta-server exited with {code}"

    def test_loopback_link_local_private_and_other_schemes_are_refused(self):
        for uri, expected in ((self.http.url("seasons.xml"), "loopback"),
                              ("http://169.254.169.254/latest/meta-data/", "link-local"),
                              ("http://10.1.2.3/feed.xml", "private"),
                              ("http://[::1]:1/feed.xml", "loopback"),
                              ("file:///etc/passwd", "only http and https"),
                              ("gopher://example.com/", "only http and https")):
            with self.assertRaises(grpc.RpcError) as error:
                self.podcasts.ImportFeed(podcast_service_pb2.ImportFeedRequest(uri=uri), timeout=30)
            self.assertEqual(error.exception.code(), grpc.StatusCode.INVALID_ARGUMENT, uri)
            self.assertEqual(violations(error.exception), ["uri"], uri)
            self.assertIn(expected, error.exception.details(), uri)
        self.assertEqual(self.http.seen("/seasons.xml"), [])
        self.assertEqual(self.cluster.sql("SELECT count(*) FROM podcasts"), "0")


if __name__ == "__main__":
    unittest.main(verbosity=2)
