"""podmeta-server run the way Kubernetes runs it, from the manifests.

For each overlay: `kubectl kustomize` renders it; from the podmeta Deployment
the test takes the podmeta container (args, env and envFrom with the
ConfigMap's values, volume mounts) and the pod's and container's security
contexts (runAsUser, runAsGroup, fsGroup, supplementalGroups,
readOnlyRootFilesystem). Secret volumes are written the way kubelet writes
them: owner root, group fsGroup when set (else root), the declared modes.
Then the release binary runs with exactly those settings: as that user and
those groups (setpriv, no new privileges), in its own network namespace (so
the declared ports are used as they are) and mount namespace (the root file
system read-only when the manifest says so), against a real PostgreSQL. The
migrate init container runs first, the same way.

Then the manifest's probes pass (gRPC health on the declared ports, the HTTP
startup probe), /metrics answers on its port, the CLI imports a show page
with the overlay's token, a write without it is refused, and SIGTERM ends
the server within terminationGracePeriodSeconds.

The image's default command (deploy/Dockerfile's ENTRYPOINT and CMD, as its
USER) is run the same way with only PODMETA_DATABASE_URL set, as
`docker run -e PODMETA_DATABASE_URL=... IMAGE` would: it must serve.

Substitutions, the only ones: Secret values the cluster would hold (database
URLs point at the test's PostgreSQL; a production token Secret is made up
here), and mount paths, which live under a temporary folder.
"""

import base64
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

from reliability_test import Cluster  # noqa: E402

import yaml  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVER = os.environ["PODMETA_SERVER_BINARY"]
CLI = os.environ["PODMETA_CLI_BINARY"]
CORE_PY = os.path.join(ROOT, "examples", "data", "core-py.txt")
PRODUCTION_TOKEN = "production-test-token"


def render(overlay):
    text = subprocess.run(["kubectl", "kustomize", os.path.join(ROOT, "deploy", "k8s", "overlays", overlay)],
                          check=True, capture_output=True, text=True).stdout
    return [document for document in yaml.safe_load_all(text) if document]


def find(documents, kind, name):
    for document in documents:
        if document["kind"] == kind and document["metadata"]["name"] == name:
            return document
    return None


def expand(value, env):
    """Kubernetes' $(VAR) references to variables defined before."""
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m.group(1), m.group(0)), value)


class Pod:
    """One container of a rendered pod, ready to run here."""

    def __init__(self, documents, container_name, database_url, root):
        deployment = find(documents, "Deployment", "podmeta")
        self.pod = deployment["spec"]["template"]["spec"]
        containers = self.pod.get("initContainers", []) + self.pod["containers"]
        self.container = next(c for c in containers if c["name"] == container_name)
        self.grace = self.pod.get("terminationGracePeriodSeconds", 30)
        pod_security = self.pod.get("securityContext", {})
        security = {**pod_security, **self.container.get("securityContext", {})}
        self.uid = security.get("runAsUser", 0)
        self.gid = security.get("runAsGroup", 0)
        self.fs_group = pod_security.get("fsGroup")
        self.groups = list(pod_security.get("supplementalGroups", []))
        if self.fs_group is not None:
            self.groups.append(self.fs_group)
        self.read_only_root = security.get("readOnlyRootFilesystem", False)
        self.root = root
        self.mounts = {}
        volumes = {volume["name"]: volume for volume in self.pod.get("volumes", [])}
        for mount in self.container.get("volumeMounts", []):
            volume = volumes[mount["name"]]
            target = os.path.join(root, mount["mountPath"].lstrip("/"))
            self.mounts[mount["mountPath"]] = target
            if "secret" in volume:
                self.write_secret(documents, volume["secret"], target)
            else:
                raise AssertionError(f"volume {mount['name']}: only Secret volumes are emulated here")
        self.env = {}
        for source in self.container.get("envFrom", []):
            config_map = find(documents, "ConfigMap", source["configMapRef"]["name"])
            assert config_map is not None, f"ConfigMap {source['configMapRef']['name']} is not in the overlay"
            self.env.update(config_map["data"])
        for variable in self.container.get("env", []):
            if "value" in variable:
                value = expand(variable["value"], self.env)
            else:
                key = variable["valueFrom"]["secretKeyRef"]["key"]
                value = {"url": database_url, "uri": database_url, "username": "postgres"}.get(key, "unused")
            self.env[variable["name"]] = value
        for name, value in list(self.env.items()):
            if value.startswith("postgresql://"):
                self.env[name] = database_url  # the cluster's database Services are the test's PostgreSQL
            self.env[name] = self.rewrite(self.env[name])
        self.args = [self.rewrite(arg) for arg in self.container.get("args", [])]

    def rewrite(self, value):
        for path, target in self.mounts.items():
            if value == path or value.startswith(path + "/"):
                return target + value[len(path):]
        return value

    def write_secret(self, documents, secret_volume, target):
        secret = find(documents, "Secret", secret_volume["secretName"])
        if secret is not None:
            data = {key: base64.b64decode(value) for key, value in secret.get("data", {}).items()}
        else:
            # Created beforehand in the cluster (production): made up here.
            assert secret_volume["secretName"] == "podmeta-tokens", secret_volume
            data = {"tokens": PRODUCTION_TOKEN.encode() + b"\n"}
        os.makedirs(target)
        group = self.fs_group if self.fs_group is not None else 0
        os.chown(target, 0, group)
        os.chmod(target, 0o755)
        mode = secret_volume.get("defaultMode", 0o644)
        for key, content in data.items():
            path = os.path.join(target, key)
            with open(path, "wb") as out:
                out.write(content)
            os.chown(path, 0, group)
            os.chmod(path, mode)

    def command(self, program, args):
        """The program as the pod runs it: namespaces, user, groups."""
        setup = ["mount --make-rprivate /"]
        if self.read_only_root:
            setup.append("mount -o remount,bind,ro /")
        setup.append("ip link set lo up")
        groups = ["--groups", ",".join(map(str, self.groups))] if self.groups else ["--clear-groups"]
        run = ["setpriv", "--reuid", str(self.uid), "--regid", str(self.gid), *groups, "--no-new-privs", "--",
               program, *args]
        script = " && ".join(setup) + " && exec " + shlex.join(run)
        return ["unshare", "--mount", "--net", "--", "sh", "-c", script]


def in_namespace(pid, *command, **kwargs):
    """Runs a command in the network namespace of process `pid`."""
    return subprocess.run(["nsenter", f"--net=/proc/{pid}/ns/net", "--", *command], capture_output=True, text=True,
                          **kwargs)


def grpc_health(pid, port, service=""):
    """grpc_health_probe's question, asked inside the pod's network."""
    script = f"""
import grpc, sys
sys.path.insert(0, {os.environ['PODMETA_PYTHON_STUBS']!r})
import podmeta_health_pb2 as health_pb2, podmeta_health_pb2_grpc as health_pb2_grpc
channel = grpc.insecure_channel("127.0.0.1:{port}")
try:
    answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service={service!r}), timeout=2)
    print(health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status))
except grpc.RpcError as error:
    print(error.code().name)
"""
    return in_namespace(pid, "/usr/bin/python3", "-c", script).stdout.strip()


def http_get(pid, port, path):
    result = in_namespace(pid, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                          f"http://127.0.0.1:{port}{path}")
    return result.stdout.strip()


def named_port(container, name):
    return next(port["containerPort"] for port in container["ports"] if port["name"] == name)


class PodTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.remove()

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="podmeta-pod-")
        os.chmod(self.root, 0o755)
        self.processes = []

    def tearDown(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.log.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def fresh_database(self, name):
        self.cluster.sql(f"DROP DATABASE IF EXISTS {name}")
        self.cluster.sql(f"CREATE DATABASE {name}")
        return self.cluster.url.replace("/postgres?", f"/{name}?")

    def start(self, command, env, log_name):
        log = open(os.path.join(self.root, log_name), "w+")
        process = subprocess.Popen(command, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", **env}, stdout=log,
                                   stderr=subprocess.STDOUT)
        process.log = log
        self.processes.append(process)
        return process

    def log_of(self, process):
        process.log.seek(0)
        return process.log.read()[-3000:]

    def wait_for(self, process, check, what, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.assertIsNone(process.poll(), f"the server exited ({process.returncode}) before {what}:\n"
                              + self.log_of(process))
            if check():
                return
            time.sleep(0.2)
        self.fail(f"{what} within {seconds} s; log:\n{self.log_of(process)}")

    def run_overlay(self, overlay, token):
        documents = render(overlay)
        database = self.fresh_database(f"pod_{overlay}")
        migrate = Pod(documents, "migrate", database, os.path.join(self.root, "migrate"))
        result = subprocess.run(migrate.command(SERVER, migrate.args), env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                                **migrate.env}, capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, f"the migrate init container failed:\n{result.stdout}{result.stderr}")

        pod = Pod(documents, "podmeta", database, os.path.join(self.root, "podmeta"))
        self.assertNotEqual(pod.uid, 0, "the pod must not run as root")
        server = self.start(pod.command(SERVER, pod.args), pod.env, f"{overlay}.log")
        container = pod.container

        # The startup probe first (HTTP), then readiness and liveness (gRPC).
        startup = container["startupProbe"]["httpGet"]
        startup_port = named_port(container, startup["port"]) if isinstance(startup["port"], str) else startup["port"]
        budget = container["startupProbe"]["periodSeconds"] * container["startupProbe"]["failureThreshold"]
        self.wait_for(server, lambda: http_get(server.pid, startup_port, startup["path"]) == "200",
                      f"the startup probe (GET {startup['path']} on {startup_port}) passes", budget)
        for probe_name in ("readinessProbe", "livenessProbe"):
            probe = container[probe_name]["grpc"]
            self.wait_for(server, lambda: grpc_health(server.pid, probe["port"], probe.get("service", "")) == "SERVING",
                          f"the {probe_name} (gRPC health on {probe['port']}) passes", 20)
        metrics_port = named_port(container, "metrics")
        self.assertEqual(http_get(server.pid, metrics_port, "/metrics"), "200")

        # The CLI with the overlay's token imports; without it, refused.
        grpc_port = named_port(container, "grpc")
        cli = [CLI, "--server", f"127.0.0.1:{grpc_port}"]
        refused = in_namespace(server.pid, *cli, "import", CORE_PY, timeout=60)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("UNAUTHENTICATED", refused.stderr + refused.stdout)
        imported = in_namespace(server.pid, *cli, "--token", token, "import", CORE_PY, timeout=60)
        self.assertEqual(imported.returncode, 0, imported.stderr + imported.stdout)
        shown = in_namespace(server.pid, *cli, "episodes", "get", "core-py/14", timeout=30)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn("core-py", shown.stdout)

        # SIGTERM ends it within the grace period, cleanly.
        started = time.monotonic()
        server.terminate()
        code = server.wait(timeout=pod.grace + 5)
        took = time.monotonic() - started
        self.assertEqual(code, 0, self.log_of(server))
        self.assertLess(took, pod.grace)

    def test_dev_overlay(self):
        secret = next(document for document in render("dev") if document["kind"] == "Secret"
                      and document["metadata"]["name"].startswith("podmeta-tokens"))
        token = base64.b64decode(secret["data"]["tokens"]).decode().strip()
        self.run_overlay("dev", token)

    def test_production_overlay(self):
        self.run_overlay("production", PRODUCTION_TOKEN)

    def test_kubelet_owned_secrets_need_the_pods_group(self):
        """The check above is not vacuous: without fsGroup the token file
        (root-owned, mode 0440) cannot be read by the pod's user, and the
        server says so and exits."""
        documents = render("dev")
        deployment = find(documents, "Deployment", "podmeta")
        del deployment["spec"]["template"]["spec"]["securityContext"]["fsGroup"]
        pod = Pod(documents, "podmeta", self.fresh_database("pod_no_fsgroup"), os.path.join(self.root, "nofs"))
        server = self.start(pod.command(SERVER, pod.args), pod.env, "no-fsgroup.log")
        code = server.wait(timeout=30)
        self.assertNotEqual(code, 0)
        self.assertIn("token file", self.log_of(server))

    def test_image_default_command_serves(self):
        """`docker run -e PODMETA_DATABASE_URL=... IMAGE`: the Dockerfile's
        ENTRYPOINT and CMD as its USER, with nothing else set."""
        dockerfile = open(os.path.join(ROOT, "deploy", "Dockerfile"), encoding="utf-8").read()
        final_stage = re.sub(r"\\\n\s*", "", dockerfile[dockerfile.rindex("\nFROM "):])  # continued lines
        entrypoint = yaml.safe_load(re.search(r"^ENTRYPOINT (.*)$", final_stage, re.M).group(1))
        cmd = yaml.safe_load(re.search(r"^CMD (.*)$", final_stage, re.M).group(1))
        user, group = re.search(r"^USER (\d+):(\d+)$", final_stage, re.M).groups()
        exposed = [int(port) for port in re.search(r"^EXPOSE (.*)$", final_stage, re.M).group(1).split()]
        self.assertEqual(os.path.basename(entrypoint[0]), "podmeta-server")
        database = self.fresh_database("pod_image")
        subprocess.run([SERVER, "migrate", "--database-url", database], check=True, capture_output=True)
        script = ("mount --make-rprivate / && mount -o remount,bind,ro / && ip link set lo up && exec "
                  + shlex.join(["setpriv", "--reuid", user, "--regid", group, "--clear-groups", "--no-new-privs",
                                "--", SERVER, *entrypoint[1:], *cmd]))
        server = self.start(["unshare", "--mount", "--net", "--", "sh", "-c", script],
                            {"PODMETA_DATABASE_URL": database}, "image.log")
        grpc_port = exposed[0]
        self.wait_for(server, lambda: grpc_health(server.pid, grpc_port) == "SERVING",
                      f"the image's default command serves gRPC on {grpc_port}", 30)
        for port in exposed[1:]:
            path = "/metrics" if port == 9090 else "/healthz"
            self.assertEqual(http_get(server.pid, port, path), "200", f"port {port}")
        listed = in_namespace(server.pid, CLI, "--server", f"127.0.0.1:{grpc_port}", "podcasts", "list", timeout=30)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        refused = in_namespace(server.pid, CLI, "--server", f"127.0.0.1:{grpc_port}", "import", CORE_PY, timeout=30)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("read-only", refused.stderr + refused.stdout)
        server.terminate()
        self.assertEqual(server.wait(timeout=30), 0, self.log_of(server))


if __name__ == "__main__":
    unittest.main(verbosity=2)
