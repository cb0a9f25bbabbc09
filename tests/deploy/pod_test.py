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

Two runtimes, the same checks. By default the release binaries of this
build. With PODMETA_IMAGE (and PODMETA_IMAGE_STORE, as scripts/image leaves
them) the built image itself: its root file system mounted with buildah,
entered with chroot as the pod's user, in its own mount, PID and network
namespaces, with Secret files, the PostgreSQL socket and /dev's basic nodes
bind-mounted in; its ENTRYPOINT, CMD and USER from the image's config; and
what the image holds is checked (user, group, stripped binaries, no
compilers, headers or -dev packages).

Substitutions, the only ones: Secret values the cluster would hold (database
URLs point at the test's PostgreSQL; a production token Secret is made up
here), and, with the host's binaries, mount paths, which then live under a
temporary folder.
"""

import base64
import json
import os
import re
import shlex
import shutil
import signal
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
IMAGE = os.environ.get("PODMETA_IMAGE")
IMAGE_STORE = os.environ.get("PODMETA_IMAGE_STORE")
BASE_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def in_store(tool, *args, check=True):
    """buildah or podman on scripts/image's image store."""
    result = subprocess.run([tool, "--root", os.path.join(IMAGE_STORE, "root"), "--runroot",
                             os.path.join(IMAGE_STORE, "run"), "--storage-driver", "vfs", *args],
                            capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"{tool} {' '.join(args)}: {result.stderr.strip()}")
    return result


def buildah(*args):
    return in_store("buildah", *args).stdout.strip()


class Runtime:
    """Where the binaries come from: this build (root None) or the image."""

    def __init__(self):
        self.container = None
        self.root = None
        self.server, self.cli = SERVER, CLI
        if IMAGE:
            config = json.loads(buildah("inspect", "--type", "image", IMAGE))["OCIv1"]["config"]
            self.container = buildah("from", "--pull=never", IMAGE)
            self.root = buildah("mount", self.container)
            self.entrypoint = config["Entrypoint"]
            self.cmd = config.get("Cmd") or []
            self.user = config["User"]
            self.exposed = sorted(int(port.split("/")[0]) for port in config.get("ExposedPorts", {}))
            self.server, self.cli = self.entrypoint[0], "/usr/local/bin/podmeta"
        else:
            with open(os.path.join(ROOT, "deploy", "Dockerfile"), encoding="utf-8") as file:
                dockerfile = file.read()
            # The runtime stage: the image's user, ports and command (its last
            # stage only adds the binaries).
            start = dockerfile.index(" AS runtime\n")
            runtime = dockerfile[start:dockerfile.index("\nFROM ", start)]
            runtime_stage = re.sub(r"\\\n\s*", "", runtime)  # continued lines
            self.entrypoint = yaml.safe_load(re.search(r"^ENTRYPOINT (.*)$", runtime_stage, re.M).group(1))
            self.cmd = yaml.safe_load(re.search(r"^CMD (.*)$", runtime_stage, re.M).group(1))
            self.user = re.search(r"^USER (\S+)$", runtime_stage, re.M).group(1)
            self.exposed = sorted(int(port) for port in re.search(r"^EXPOSE (.*)$", runtime_stage, re.M).group(1).split())

    def remove(self):
        if self.container:
            buildah("umount", self.container)
            buildah("rm", self.container)

    def command(self, program, args, uid, gid, groups, read_only_root, binds):
        """`program` as a container runs it: own mount, PID and network
        namespaces, the user and groups, the root read-only if asked.
        binds: (host path, path in the container, read-only)."""
        setup = ["mount --make-rprivate /"]
        if self.root is None:
            if read_only_root:
                setup.append("mount -o remount,bind,ro /")
            groups_option = ["--groups", ",".join(map(str, groups))] if groups else ["--clear-groups"]
            run = ["setpriv", "--reuid", str(uid), "--regid", str(gid), *groups_option, "--no-new-privs", "--",
                   program, *args]
        else:
            root = self.root
            setup.append(shlex.join(["mount", "--bind", root, root]))
            for source, target, read_only in binds:
                inside = root + target
                setup.append(shlex.join(["mkdir", "-p", inside]))
                setup.append(shlex.join(["mount", "--bind", source, inside]))
                if read_only:
                    setup.append(shlex.join(["mount", "-o", "remount,bind,ro", inside]))
            for node in ("null", "zero", "random", "urandom"):
                setup.append(f"touch {shlex.quote(root)}/dev/{node} && mount --bind /dev/{node} {shlex.quote(root)}/dev/{node}")
            setup.append(f"mount -t proc proc {shlex.quote(root)}/proc")
            if read_only_root:
                setup.append(shlex.join(["mount", "-o", "remount,bind,ro", root]))
            run = ["setpriv", "--no-new-privs", "--", "chroot", f"--userspec={uid}:{gid}",
                   f"--groups={','.join(map(str, groups or [gid]))}", root, program, *args]
        setup.append("ip link set lo up")
        script = " && ".join(setup) + " && exec " + shlex.join(run)
        return ["unshare", "--mount", "--net", "--pid", "--fork", "--kill-child", "--", "sh", "-c", script]

    def run_cli(self, pid, *args, **kwargs):
        """The CLI, from the same runtime, in the network of process pid."""
        if self.root is None:
            return in_namespace(pid, self.cli, *args, **kwargs)
        return in_namespace(pid, "chroot", self.root, self.cli, *args, **kwargs)

    def file_for_cli(self, path):
        """A host file the CLI can open: copied into the image's /tmp."""
        if self.root is None:
            return path
        inside = "/tmp/" + os.path.basename(path)
        shutil.copy(path, self.root + inside)
        return inside


class PodProcess:
    """A process started by Runtime.command: pid is the program's own
    (host) pid, the namespaces' first process."""

    def __init__(self, command, env, log_path):
        self.log = open(log_path, "w+")
        self.unshare = subprocess.Popen(command, env={"PATH": BASE_PATH, **env}, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.pid = None
        children = f"/proc/{self.unshare.pid}/task/{self.unshare.pid}/children"
        deadline = time.monotonic() + 10
        while self.pid is None and time.monotonic() < deadline and self.unshare.poll() is None:
            try:
                with open(children, encoding="ascii") as listed:
                    found = listed.read().split()
                self.pid = int(found[0]) if found else None
            except OSError:
                pass
            time.sleep(0.02)
        self.returncode = None

    def poll(self):
        self.returncode = self.unshare.poll()
        return self.returncode

    def terminate(self):
        os.kill(self.pid, signal.SIGTERM)

    def kill(self):
        self.unshare.kill()

    def wait(self, timeout=None):
        self.returncode = self.unshare.wait(timeout=timeout)
        return self.returncode


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

    def __init__(self, documents, container_name, database_url, root, runtime):
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
        self.runtime = runtime
        self.mounts = {}  # mount path → host folder, rewritten into paths (host binaries only)
        self.binds = []
        volumes = {volume["name"]: volume for volume in self.pod.get("volumes", [])}
        for mount in self.container.get("volumeMounts", []):
            volume = volumes[mount["name"]]
            target = os.path.join(root, mount["mountPath"].lstrip("/"))
            if runtime.root is None:
                self.mounts[mount["mountPath"]] = target
            else:
                self.binds.append((target, mount["mountPath"], mount.get("readOnly", False)))
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

    def command(self, extra_binds):
        """The container's command as the pod runs it."""
        return self.runtime.command(self.runtime.server, self.args, self.uid, self.gid, self.groups,
                                    self.read_only_root, self.binds + extra_binds)


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
        cls.runtime = Runtime()
        # The PostgreSQL socket, as a database Service would be reachable.
        cls.database_binds = [(cls.cluster.dir, cls.cluster.dir, False)]

    @classmethod
    def tearDownClass(cls):
        cls.runtime.remove()
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
        process = PodProcess(command, env, os.path.join(self.root, log_name))
        self.processes.append(process)
        self.assertIsNotNone(process.pid, "the pod's process did not start:\n" + self.log_of(process))
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
        migrate = Pod(documents, "migrate", database, os.path.join(self.root, "migrate"), self.runtime)
        result = subprocess.run(migrate.command(self.database_binds), env={"PATH": BASE_PATH, **migrate.env},
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, f"the migrate init container failed:\n{result.stdout}{result.stderr}")

        pod = Pod(documents, "podmeta", database, os.path.join(self.root, "podmeta"), self.runtime)
        self.assertNotEqual(pod.uid, 0, "the pod must not run as root")
        server = self.start(pod.command(self.database_binds), pod.env, f"{overlay}.log")
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
        server_address = f"127.0.0.1:{named_port(container, 'grpc')}"
        page = self.runtime.file_for_cli(CORE_PY)
        refused = self.runtime.run_cli(server.pid, "--server", server_address, "import", page, timeout=60)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("UNAUTHENTICATED", refused.stderr + refused.stdout)
        imported = self.runtime.run_cli(server.pid, "--server", server_address, "--token", token, "import", page,
                                        timeout=60)
        self.assertEqual(imported.returncode, 0, imported.stderr + imported.stdout)
        shown = self.runtime.run_cli(server.pid, "--server", server_address, "episodes", "get", "core-py/14",
                                     timeout=30)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn("core-py", shown.stdout)

        # SIGTERM ends it within the grace period, cleanly (it is its PID
        # namespace's first process, as in a container).
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
        pod = Pod(documents, "podmeta", self.fresh_database("pod_no_fsgroup"), os.path.join(self.root, "nofs"),
                  self.runtime)
        server = self.start(pod.command(self.database_binds), pod.env, "no-fsgroup.log")
        code = server.wait(timeout=30)
        self.assertNotEqual(code, 0)
        self.assertIn("token file", self.log_of(server))

    def test_image_default_command_serves(self):
        """`docker run -e PODMETA_DATABASE_URL=... IMAGE`: the ENTRYPOINT and
        CMD as the image's USER, with nothing else set: a read-only server."""
        runtime = self.runtime
        self.assertEqual(os.path.basename(runtime.entrypoint[0]), "podmeta-server")
        self.assertEqual(runtime.exposed, [8080, 9090, 50051])
        uid, gid = (int(part) for part in runtime.user.split(":"))
        self.assertEqual((uid, gid), (10001, 10001))
        database = self.fresh_database("pod_image")
        subprocess.run([SERVER, "migrate", "--database-url", database], check=True, capture_output=True)
        # runtime.server is the entrypoint's binary (this build's, or the image's).
        command = runtime.command(runtime.server, [*runtime.entrypoint[1:], *runtime.cmd], uid, gid, [], True,
                                  self.database_binds)
        server = self.start(command, {"PODMETA_DATABASE_URL": database}, "image.log")
        self.wait_for(server, lambda: grpc_health(server.pid, 50051) == "SERVING",
                      "the image's default command serves gRPC on 50051", 30)
        self.assertEqual(http_get(server.pid, 9090, "/metrics"), "200")
        self.assertEqual(http_get(server.pid, 8080, "/healthz"), "200")
        listed = runtime.run_cli(server.pid, "--server", "127.0.0.1:50051", "podcasts", "list", timeout=30)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        page = runtime.file_for_cli(CORE_PY)
        refused = runtime.run_cli(server.pid, "--server", "127.0.0.1:50051", "import", page, timeout=30)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("read-only", refused.stderr + refused.stdout)
        server.terminate()
        self.assertEqual(server.wait(timeout=30), 0, self.log_of(server))


class ImageContentsTest(unittest.TestCase):
    """What the built image holds (only with PODMETA_IMAGE)."""

    @classmethod
    def setUpClass(cls):
        cls.runtime = Runtime()
        cls.root = cls.runtime.root

    @classmethod
    def tearDownClass(cls):
        cls.runtime.remove()

    def test_user_and_group(self):
        with open(self.root + "/etc/passwd", encoding="utf-8") as passwd:
            users = {line.split(":")[0]: line.strip().split(":") for line in passwd}
        with open(self.root + "/etc/group", encoding="utf-8") as group:
            groups = {line.split(":")[0]: line.strip().split(":") for line in group}
        self.assertEqual(users["podmeta"][2:4], ["10001", "10001"])
        self.assertEqual(users["podmeta"][5], "/nonexistent")
        self.assertFalse(os.path.exists(self.root + "/nonexistent"))
        self.assertEqual(groups["podmeta"][2], "10001")

    def test_binaries_are_stripped(self):
        for binary in ("/usr/local/bin/podmeta-server", "/usr/local/bin/podmeta"):
            sections = subprocess.run(["readelf", "-S", "-W", self.root + binary], check=True, capture_output=True,
                                      text=True).stdout
            self.assertNotIn(".symtab", sections, binary)
            self.assertNotIn(".debug_info", sections, binary)

    def test_no_compilers_headers_or_development_packages(self):
        packages = subprocess.run(["dpkg-query", f"--admindir={self.root}/var/lib/dpkg", "-W", "-f",
                                   "${Package}\n"], check=True, capture_output=True, text=True).stdout.split()
        self.assertIn("libgrpc++1.51", packages)
        self.assertEqual([p for p in packages if p.endswith("-dev")], [])
        for tool in ("gcc", "g++", "cc", "c++", "clang", "cmake", "make", "ld"):
            self.assertFalse(os.path.exists(f"{self.root}/usr/bin/{tool}"), tool)
        include = self.root + "/usr/include"
        self.assertFalse(os.path.isdir(include) and os.listdir(include), "headers in /usr/include")
        archives = self.root + "/var/cache/apt/archives"
        self.assertEqual([name for name in os.listdir(archives) if name.endswith(".deb")], [], "downloaded packages")


class PodmanTest(unittest.TestCase):
    """The image under podman, as `docker run -e PODMETA_DATABASE_URL=...
    IMAGE` runs it (only with PODMETA_IMAGE). runc, with explicit limits:
    podman's default runtime (crun) cannot set up cgroups on this machine."""

    NAME = "podmeta-podman-test"

    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster()

    @classmethod
    def tearDownClass(cls):
        cls.podman("rm", "-f", cls.NAME, check=False)
        cls.cluster.remove()

    @staticmethod
    def podman(*args, check=True):
        return in_store("podman", *args, check=check)

    def test_the_default_command_serves_and_stops_on_sigterm(self):
        self.cluster.sql("CREATE DATABASE podman_image")
        database = self.cluster.url.replace("/postgres?", "/podman_image?")
        subprocess.run([SERVER, "migrate", "--database-url", database], check=True, capture_output=True)
        self.podman("run", "-d", "--name", self.NAME, "--runtime", "runc", "--ulimit", "nofile=20000:20000",
                    "--ulimit", "nproc=1000:1000", "--network", "none", "-v", f"{self.cluster.dir}:{self.cluster.dir}",
                    "-e", f"PODMETA_DATABASE_URL={database}", IMAGE)
        pid = int(self.podman("inspect", "--format", "{{.State.Pid}}", self.NAME).stdout)
        deadline = time.monotonic() + 30
        while grpc_health(pid, 50051) != "SERVING":
            self.assertLess(time.monotonic(), deadline, self.podman("logs", self.NAME, check=False).stderr)
            time.sleep(0.2)
        self.assertEqual(http_get(pid, 8080, "/healthz"), "200")
        self.assertEqual(http_get(pid, 9090, "/metrics"), "200")
        # The image's own CLI, inside the container.
        cli = ["exec", self.NAME, "/usr/local/bin/podmeta", "--server", "127.0.0.1:50051"]
        listed = self.podman(*cli, "podcasts", "list", check=False)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        created = self.podman(*cli, "podcasts", "create", "--title", "Read only?", check=False)
        self.assertNotEqual(created.returncode, 0)
        self.assertIn("read-only", created.stderr + created.stdout)
        started = time.monotonic()
        self.podman("stop", "-t", "30", self.NAME)
        self.assertLess(time.monotonic() - started, 30)
        self.assertEqual(self.podman("inspect", "--format", "{{.State.ExitCode}}", self.NAME).stdout.strip(), "0")


def load_tests(loader, tests, pattern):
    suite = unittest.TestSuite([loader.loadTestsFromTestCase(PodTest)])
    if IMAGE:
        suite.addTests(loader.loadTestsFromTestCase(ImageContentsTest))
        suite.addTests(loader.loadTestsFromTestCase(PodmanTest))
    return suite


if __name__ == "__main__":
    unittest.main(verbosity=2)
