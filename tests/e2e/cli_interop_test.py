"""End to end: the real podmeta-server binary on a unix socket over a fresh
PostgreSQL database, driven by the real `podmeta` CLI, by Python (grpcio),
by Node (@grpc/grpc-js, an independent HTTP/2 stack) and by the example
project built against the installed client library.

Run by ctest (tests/CMakeLists.txt sets the environment); tests run in
order, since the first one imports the page the others read.
"""

import base64
import json
import os
import socket
import urllib.request
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

ENV = os.environ
sys.path.insert(0, ENV["PODMETA_PYTHON_STUBS"])

import grpc  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from podmeta.v1 import episode_service_pb2, episode_service_pb2_grpc  # noqa: E402

BROKEN_PAGE = """Broken Show
Some Host
About it

Jan 2, 2024 • 10min
Episode 2: Backwards
Desc
## Outline
(00:00:00) INTRO
(00:05:00) Later
(00:04:00) Earlier
(00:61:00) Minute 61
"""


def run_sql(url, statement):
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", statement], check=True,
                   stdout=subprocess.DEVNULL)


class PodmetaEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        admin_url = ENV["PODMETA_TEST_DATABASE_URL"]
        cls.database = "e2e_" + uuid.uuid4().hex[:12]
        run_sql(admin_url, f'CREATE DATABASE "{cls.database}"')
        cls.admin_url = admin_url
        cls.tmp = tempfile.mkdtemp(prefix="podmeta-e2e-")
        cls.address = "unix:" + os.path.join(cls.tmp, "server.sock")
        database_url = admin_url.replace("/postgres?", f"/{cls.database}?")
        cls.log_path = os.path.join(cls.tmp, "server.log")
        cls.log = open(cls.log_path, "w")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            cls.metrics_port = probe.getsockname()[1]
        cls.server = subprocess.Popen([ENV["PODMETA_SERVER_BINARY"], "--listen", cls.address,
                                       "--database-url", database_url, "--log-format", "json",
                                       "--metrics-listen", f"127.0.0.1:{cls.metrics_port}"],
                                      stdout=cls.log, stderr=cls.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if cls.cli("podcasts", "list").returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("podmeta-server did not come up")

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=30)
        cls.log.close()
        run_sql(cls.admin_url, f'DROP DATABASE IF EXISTS "{cls.database}" WITH (FORCE)')

    @classmethod
    def cli(cls, *args, stdin=None):
        return subprocess.run([ENV["PODMETA_CLI_BINARY"], "--server", cls.address, *args], input=stdin,
                              capture_output=True, text=True, timeout=60)

    def cli_json(self, *args):
        result = self.cli(*args, "--output", "json")
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def all_episodes(self, podcast="core-py"):
        return self.cli_json("episodes", "list", podcast, "--all", "--page-size", "3", "--view", "full")["episodes"]

    def test_1_dry_run_writes_nothing(self):
        result = self.cli("import", ENV["PODMETA_CORE_PY"], "--dry-run")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("10 would be created", result.stdout)
        self.assertIn("nothing was written", result.stdout)
        self.assertEqual(self.cli("podcasts", "get", "core-py").returncode, 3)

    def test_2_import_creates_then_reimport_changes_nothing(self):
        first = self.cli("import", ENV["PODMETA_CORE_PY"])
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn("podcasts/core-py: created", first.stdout)
        self.assertIn("10 created", first.stdout)
        before = self.all_episodes()

        again = self.cli_json("import", ENV["PODMETA_CORE_PY"])
        self.assertEqual(len(again["unchangedEpisodes"]), 10)
        self.assertNotIn("createdEpisodes", again)
        self.assertNotIn("updatedEpisodes", again)
        after = self.all_episodes()
        self.assertEqual([e["etag"] for e in before], [e["etag"] for e in after])
        self.assertEqual([e["updateTime"] for e in before], [e["updateTime"] for e in after])

    def test_3_core_py_contents(self):
        episodes = self.all_episodes()
        self.assertEqual(sorted(e["number"] for e in episodes), list(range(5, 15)))
        self.assertEqual(sum(len(e.get("chapters", [])) for e in episodes), 181)
        by_number = {e["number"]: e for e in episodes}
        fourteen = by_number[14]
        self.assertEqual(len(fourteen["chapters"]), 35)
        self.assertEqual([c["startOffset"] for c in fourteen["chapters"][:3]], ["0s", "90s", "123s"])
        self.assertEqual(fourteen["chapters"][2]["part"], "PART 1: EuroPython highlights")
        for number in (13, 12, 7, 6):
            self.assertNotIn("chapters", by_number[number], number)
        self.assertEqual(by_number[10]["snipCount"], 12)
        text = json.dumps(episodes, ensure_ascii=False)
        for word in ("Łukasz", "Poznań", "Giménez", "Chrząszcz"):
            self.assertIn(word, text)
        podcast = self.cli_json("podcasts", "get", "core-py")
        self.assertEqual(podcast["episodeCount"], 10)
        self.assertEqual([p["displayName"] for p in podcast["people"]], ["Pablo Galindo", "Łukasz Langa"])

    def test_4_broken_page_reports_lines_and_writes_nothing(self):
        result = self.cli("import", "-", stdin=BROKEN_PAGE)
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn("line 11:", result.stderr)
        self.assertIn("line 12: minute 61", result.stderr)
        self.assertEqual(self.cli("podcasts", "get", "broken-show").returncode, 3)

    def test_5_changed_page_updates_only_what_changed(self):
        with open(ENV["PODMETA_CORE_PY"], encoding="utf-8") as page:
            content = page.read().replace("Episode 12: WTF Python", "Episode 12: WTF Python, revisited")
        result = self.cli("import", "-", "--output", "json", stdin=content)
        self.assertEqual(result.returncode, 0, result.stderr)
        response = json.loads(result.stdout)
        self.assertEqual(response["updatedEpisodes"], ["podcasts/core-py/episodes/12"])
        self.assertEqual(len(response["unchangedEpisodes"]), 9)
        self.assertEqual(self.cli_json("episodes", "get", "core-py/12")["title"], "WTF Python, revisited")
        restored = self.cli("import", ENV["PODMETA_CORE_PY"])
        self.assertEqual(restored.returncode, 0, restored.stderr)

    def test_51_one_import_creates_updates_and_keeps_episodes(self):
        with open(ENV["PODMETA_CORE_PY"], encoding="utf-8") as page:
            original = page.read().replace("core.py\n", "core.py mixed\n", 1)
        first = self.cli("import", "-", stdin=original)
        self.assertEqual(first.returncode, 0, first.stderr)
        new_episode = ("Nov 1, 2024 • 1h 2min\nEpisode 15: Łukasz returns\nA new one.\n## Outline\n"
                       "(00:00:00) INTRO\n(00:10:00) PART 1: Żółw\n(00:20:00) Deep dive\n\n")
        changed = original.replace("\nSep 3, 2024", "\n" + new_episode + "Sep 3, 2024", 1).replace(
            "Episode 12: WTF Python", "Episode 12: WTF Python, again")
        result = self.cli("import", "-", "--output", "json", stdin=changed)
        self.assertEqual(result.returncode, 0, result.stderr)
        response = json.loads(result.stdout)
        self.assertEqual(response["createdEpisodes"], ["podcasts/core-py-mixed/episodes/15"])
        self.assertEqual(response["updatedEpisodes"], ["podcasts/core-py-mixed/episodes/12"])
        self.assertEqual(len(response["unchangedEpisodes"]), 9)
        fifteen = self.cli_json("episodes", "get", "core-py-mixed/15")
        self.assertEqual(fifteen["title"], "Łukasz returns")
        self.assertEqual([c["startOffset"] for c in fifteen["chapters"]], ["0s", "600s", "1200s"])
        self.assertEqual([c.get("part", "") for c in fifteen["chapters"]], ["", "PART 1: Żółw", "PART 1: Żółw"])
        self.assertEqual(len(self.cli_json("episodes", "get", "core-py-mixed/14")["chapters"]), 35)
        self.assertEqual(self.cli_json("podcasts", "get", "core-py-mixed")["episodeCount"], 11)

    def test_6_cli_exit_codes(self):
        self.assertEqual(self.cli("episodes", "get", "core-py/999").returncode, 3)
        self.assertEqual(self.cli("episodes", "get", "Not A Name").returncode, 4)
        self.assertEqual(self.cli("episodes", "frobnicate").returncode, 2)
        unreachable = subprocess.run([ENV["PODMETA_CLI_BINARY"], "--server", "unix:/nonexistent/sock",
                                      "--timeout", "2", "podcasts", "list"], capture_output=True, text=True)
        self.assertEqual(unreachable.returncode, 5, unreachable.stderr)
        help_text = self.cli("episodes", "list", "--help")
        self.assertEqual(help_text.returncode, 0)
        self.assertIn("--page-size", help_text.stdout)

    def test_7_python_node_and_cli_agree(self):
        channel = grpc.insecure_channel(self.address)
        stub = episode_service_pb2_grpc.EpisodeServiceStub(channel)
        python_episodes = []
        token = ""
        while True:
            page = stub.ListEpisodes(episode_service_pb2.ListEpisodesRequest(
                parent="podcasts/core-py", page_size=3, page_token=token))
            python_episodes.extend(page.episodes)
            token = page.next_page_token
            if not token:
                break

        def seconds(duration):
            return duration.seconds + duration.nanos / 1e9

        python_summary = [{
            "name": e.name,
            "number": e.number if e.HasField("number") else None,
            "title": e.title,
            "snip_count": e.snip_count,
            "duration": seconds(e.duration),
            "chapters": [[seconds(c.start_offset), c.title, c.part] for c in e.chapters],
        } for e in python_episodes]
        with self.assertRaises(grpc.RpcError) as missing:
            stub.GetEpisode(episode_service_pb2.GetEpisodeRequest(name="podcasts/core-py/episodes/none"))
        self.assertEqual(missing.exception.code(), grpc.StatusCode.NOT_FOUND)

        node = subprocess.run(["node", os.path.join(ENV["PODMETA_NODE_DIR"], "summarize.js"), self.address,
                               ENV["PODMETA_PROTO_ROOT"], "podcasts/core-py"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(node.returncode, 0, node.stderr)
        node_result = json.loads(node.stdout)
        self.assertEqual(node_result["missing_code"], grpc.StatusCode.NOT_FOUND.value[0])
        self.assertEqual(node_result["episodes"], python_summary)

        cli_summary = [{"name": e["name"], "title": e["title"]} for e in self.all_episodes()]
        self.assertEqual(cli_summary, [{"name": s["name"], "title": s["title"]} for s in python_summary])
        self.assertEqual(len(python_summary), 10)

    def test_8_python_sees_field_violations(self):
        channel = grpc.insecure_channel(self.address)
        stub = episode_service_pb2_grpc.EpisodeServiceStub(channel)
        request = episode_service_pb2.ReplaceChaptersRequest(name="podcasts/core-py/episodes/11")
        for start, title in ((0, "a"), (0, "b"), (99999, "")):
            chapter = request.chapters.add()
            chapter.start_offset.seconds = start
            chapter.title = title
        with self.assertRaises(grpc.RpcError) as error:
            stub.ReplaceChapters(request)
        self.assertEqual(error.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        details = dict(error.exception.trailing_metadata())["grpc-status-details-bin"]
        status = status_pb2.Status.FromString(details)
        bad_request = error_details_pb2.BadRequest()
        self.assertTrue(status.details[0].Unpack(bad_request))
        self.assertEqual([v.field for v in bad_request.field_violations],
                         ["chapters[1].start_offset", "chapters[2].start_offset", "chapters[2].title"])
        self.assertEqual(len(self.cli_json("chapters", "list", "core-py/11")["chapters"]), 16)

    def test_85_chapter_files_round_trip_through_the_cli(self):
        source = self.cli_json("chapters", "list", "core-py/14")["chapters"]
        for fmt, marker in (("podcasting2", '"version": "1.2.0"'), ("psc", "podlove.org/simple-chapters"),
                            ("webvtt", "WEBVTT"), ("text", "(00:01:30) PART 1: EuroPython highlights")):
            exported = self.cli("chapters", "export", "core-py/14", "--format", fmt)
            self.assertEqual(exported.returncode, 0, exported.stderr)
            self.assertIn(marker, exported.stdout)
            path = os.path.join(self.tmp, "chapters." + fmt)
            with open(path, "w", encoding="utf-8") as out:
                out.write(exported.stdout)
            written = self.cli("chapters", "set", "core-py/13", path)
            self.assertEqual(written.returncode, 0, written.stderr)
            copied = self.cli_json("chapters", "list", "core-py/13")["chapters"]
            self.assertEqual([(c["startOffset"], c["title"], c.get("part", "")) for c in copied],
                             [(c["startOffset"], c["title"], c.get("part", "")) for c in source], fmt)
        bad = self.cli("chapters", "set", "core-py/13", "-", stdin="(00:00:10) B\n(00:00:05) A\n")
        self.assertEqual(bad.returncode, 4)
        self.assertIn("chapters[1].start_offset", bad.stderr)
        self.assertEqual(self.cli("chapters", "export", "core-py/14", "--format", "docx").returncode, 2)
        restored = self.cli("import", ENV["PODMETA_CORE_PY"])
        self.assertEqual(restored.returncode, 0, restored.stderr)

    def test_87_search_and_filter_from_the_cli(self):
        hits = self.cli_json("search", "pyrepl", "--podcast", "core-py")["hits"]
        at_2_03 = [h for h in hits if h["episode"] == "podcasts/core-py/episodes/14" and h.get("chapterIndex") == 2]
        self.assertEqual(len(at_2_03), 1)
        self.assertEqual(at_2_03[0]["chapterStartOffset"], "123s")
        table = self.cli("search", "free threading", "--podcast", "core-py")
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("01:24:11", table.stdout)
        listed = self.cli_json("episodes", "list", "core-py", "--filter", "has_chapters = false", "--order-by", "number")
        self.assertEqual([e["number"] for e in listed["episodes"]], [6, 7, 12, 13])
        bad = self.cli("episodes", "list", "core-py", "--filter", "titel = 1")
        self.assertEqual(bad.returncode, 4)
        self.assertIn("at position 1", bad.stderr)

    def test_88_a_change_through_one_replica_reaches_a_watcher_on_another(self):
        second_address = "unix:" + os.path.join(self.tmp, "second.sock")
        database_url = self.admin_url.replace("/postgres?", f"/{self.database}?")
        second = subprocess.Popen([ENV["PODMETA_SERVER_BINARY"], "--listen", second_address, "--database-url",
                                   database_url, "--log-format", "json"], stdout=self.log, stderr=self.log)
        try:
            channel = grpc.insecure_channel(second_address)
            grpc.channel_ready_future(channel).result(timeout=30)
            stub = episode_service_pb2_grpc.EpisodeServiceStub(channel)
            stream = stub.WatchEpisodes(episode_service_pb2.WatchEpisodesRequest(parent="podcasts/core-py"),
                                        timeout=30)
            stream.initial_metadata()  # the watch is in place
            for title in ("Replica one", "Replica two"):
                changed = self.cli("episodes", "update", "core-py/13", "--title", title)  # through the first server
                self.assertEqual(changed.returncode, 0, changed.stderr)
            first = next(stream)
            second_event = next(stream)
            self.assertEqual(first.episode.name, "podcasts/core-py/episodes/13")
            self.assertEqual(second_event.episode.title, "Replica two")
            stream.cancel()

            # The CLI resumes from the first event's token and sees the second one again.
            watcher = subprocess.Popen([ENV["PODMETA_CLI_BINARY"], "--server", second_address, "watch", "core-py",
                                        "--resume-token", first.resume_token, "--output", "json"],
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            try:
                line = watcher.stdout.readline()
                # The same change (tokens are sealed with a fresh nonce each, so
                # compare what they stand for, not their text).
                replayed = json.loads(line)
                self.assertEqual((replayed["episode"]["name"], replayed["episode"]["title"],
                                  replayed["episode"]["etag"]),
                                 (second_event.episode.name, second_event.episode.title, second_event.episode.etag))
            finally:
                watcher.terminate()
                watcher.wait(timeout=10)

            # Page and resume tokens are sealed with the secret the servers share
            # through their database: a listing or a watch started on one server
            # continues on the other; a token sealed elsewhere is refused.
            first_server = episode_service_pb2_grpc.EpisodeServiceStub(grpc.insecure_channel(self.address))
            page = first_server.ListEpisodes(episode_service_pb2.ListEpisodesRequest(
                parent="podcasts/core-py", page_size=2), timeout=10)
            following = stub.ListEpisodes(episode_service_pb2.ListEpisodesRequest(
                parent="podcasts/core-py", page_size=2, page_token=page.next_page_token), timeout=10)
            self.assertEqual(len(following.episodes), 2)
            self.assertFalse({e.name for e in page.episodes} & {e.name for e in following.episodes})
            self.assertNotIn(b"core-py", base64.urlsafe_b64decode(page.next_page_token + "==="))
            resumed = stub.WatchEpisodes(episode_service_pb2.WatchEpisodesRequest(
                parent="podcasts/core-py", resume_token=page.resume_token), timeout=30)
            self.assertIn(("x-podmeta-watch", "open"), [tuple(m) for m in resumed.initial_metadata()])
            resumed.cancel()
        finally:
            second.terminate()
            self.assertEqual(second.wait(timeout=30), 0)
        restored = self.cli("import", ENV["PODMETA_CORE_PY"])
        self.assertEqual(restored.returncode, 0, restored.stderr)

    def metrics(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10) as response:
            metrics = response.read().decode()
        samples = {}
        for line in metrics.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                samples[name] = float(value)
        return samples

    def test_89_metrics_count_calls_and_logs_are_json_with_request_ids(self):
        for _ in range(3):
            self.assertEqual(self.cli("episodes", "get", "core-py/404").returncode, 3)
        samples = self.metrics()
        not_found = ('podmeta_grpc_requests_total{code="NOT_FOUND",'
                     'method="/podmeta.v1.EpisodeService/GetEpisode"}')
        self.assertGreaterEqual(samples[not_found], 3)
        self.assertGreaterEqual(samples['podmeta_grpc_requests_total{code="OK",'
                                        'method="/podmeta.v1.PodcastService/ImportShowPage"}'], 2)
        self.assertIn('podmeta_grpc_request_duration_seconds_count{method="/podmeta.v1.EpisodeService/GetEpisode"}',
                      samples)
        self.assertIn("podmeta_db_pool_connections_open", samples)
        self.assertIn("podmeta_watch_streams", samples)

        before = self.metrics()
        for _ in range(3):
            self.assertEqual(self.cli("episodes", "get", "core-py/14").returncode, 0)
        after = self.metrics()
        self.assertGreaterEqual(after["podmeta_episode_cache_hits"] - before["podmeta_episode_cache_hits"], 2)
        self.assertGreaterEqual(after["podmeta_episode_cache_entries"], 1)
        self.assertGreater(after["podmeta_episode_cache_bytes"], 0)

        self.log.flush()
        with open(self.log_path, encoding="utf-8") as log:
            lines = [json.loads(line) for line in log if line.strip()]
        calls = [line for line in lines if line["message"] == "call" and line["code"] == "NOT_FOUND"]
        self.assertGreaterEqual(len(calls), 3)
        self.assertTrue(all(len(call["request_id"]) >= 8 for call in calls))
        self.assertTrue(all({"time", "level", "method", "duration_ms"} <= call.keys() for call in calls))

    def test_891_request_ids_are_echoed_by_every_method_and_logged(self):
        # GetEpisode observes its own calls; every other method goes through the
        # interceptor. Both echo the caller's x-request-id, or make one up.
        stub = episode_service_pb2_grpc.EpisodeServiceStub(grpc.insecure_channel(self.address))
        get = episode_service_pb2.GetEpisodeRequest(name="podcasts/core-py/episodes/14")
        listing = episode_service_pb2.ListEpisodesRequest(parent="podcasts/core-py", page_size=1)
        missing = episode_service_pb2.GetEpisodeRequest(name="podcasts/core-py/episodes/405")
        for method, request in ((stub.GetEpisode, get), (stub.ListEpisodes, listing)):
            _, call = method.with_call(request, metadata=[("x-request-id", "trace-" + request.DESCRIPTOR.name)],
                                       timeout=10)
            self.assertIn(("x-request-id", "trace-" + request.DESCRIPTOR.name), list(call.initial_metadata()))
            _, call = method.with_call(request, timeout=10)
            made_up = dict(call.initial_metadata())["x-request-id"]
            self.assertRegex(made_up, "^[0-9a-f]{16}$")
            # An unusable id (too long) is replaced.
            _, call = method.with_call(request, metadata=[("x-request-id", "x" * 65)], timeout=10)
            self.assertRegex(dict(call.initial_metadata())["x-request-id"], "^[0-9a-f]{16}$")
        with self.assertRaises(grpc.RpcError) as failed:
            stub.GetEpisode(missing, metadata=[("x-request-id", "trace-missing-405")], timeout=10)
        self.assertEqual(failed.exception.code(), grpc.StatusCode.NOT_FOUND)
        self.assertIn(("x-request-id", "trace-missing-405"), list(failed.exception.initial_metadata()))
        self.log.flush()
        deadline = time.monotonic() + 10
        while True:
            with open(self.log_path, encoding="utf-8") as log:
                calls = [json.loads(line) for line in log if "trace-missing-405" in line]
            if calls or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual([(c["method"], c["code"]) for c in calls],
                         [("/podmeta.v1.EpisodeService/GetEpisode", "NOT_FOUND")])

    def test_9_example_project_built_with_find_package(self):
        result = subprocess.run([ENV["PODMETA_EXAMPLE_CLIENT"], self.address], capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("podcasts/core-py episodes=10 chapters=181", result.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
