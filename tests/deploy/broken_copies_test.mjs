// Proves validate.mjs fails on broken manifests: each case edits a fresh
// copy of deploy/k8s and expects the validator to reject it, naming the
// problem. The unedited copy must pass.
//
//   node broken_copies_test.mjs REPO_ROOT
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = process.argv[2];
const validator = path.join(path.dirname(fileURLToPath(import.meta.url)), "validate.mjs");

const cases = [
  { name: "the unedited copy", edit: () => {}, expect: null },
  {
    name: "an unknown field in a container",
    edit: (k8s) => replace(k8s, "base/deployment.yaml", "          image: podmeta\n          args:",
                           "          image: podmeta\n          imagePullPolicyy: Always\n          args:"),
    expect: "imagePullPolicyy: unknown field",
  },
  {
    name: "a wrong type",
    edit: (k8s) => replace(k8s, "base/deployment.yaml", "revisionHistoryLimit: 5", "revisionHistoryLimit: five"),
    expect: "revisionHistoryLimit must be integer",
  },
  {
    name: "a container running as root",
    edit: (k8s) => replace(k8s, "base/deployment.yaml", "runAsUser: 10001", "runAsUser: 0"),
    expect: "runs as root",
  },
  {
    name: "a container without limits",
    edit: (k8s) => replace(k8s, "overlays/dev/postgres.yaml", "            limits:\n              cpu: \"1\"\n              memory: 1Gi\n", ""),
    expect: "must have cpu and memory limits",
  },
  {
    name: "a database URL written in the manifest",
    edit: (k8s) => replace(k8s, "overlays/production/deployment-database.yaml",
                           "            - name: PODMETA_DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n                  name: podmeta-db-app\n                  key: uri\n            - name: PODMETA_DB_USER",
                           "            - name: PODMETA_DATABASE_URL\n              value: postgresql://podmeta:hunter2@podmeta-db-rw/podmeta\n            - name: PODMETA_DB_USER"),
    expect: "PODMETA_DATABASE_URL must come from a Secret",
  },
  {
    name: "a probe on another port",
    edit: (k8s) => replace(k8s, "base/deployment.yaml", "          readinessProbe:\n            grpc:\n              port: 50051",
                           "          readinessProbe:\n            grpc:\n              port: 50052"),
    expect: "readinessProbe must be a gRPC probe on port 50051",
  },
  {
    name: "a liveness probe that follows the database",
    edit: (k8s) => replace(k8s, "base/deployment.yaml", "              service: liveness\n", ""),
    expect: "livenessProbe must ask the \"liveness\" health service",
  },
  {
    name: "broken YAML",
    edit: (k8s) => replace(k8s, "base/service.yaml", "spec:\n", "spec:\n  - [\n"),
    expect: "kubectl kustomize failed",
  },
];

function replace(k8s, file, from, to) {
  const target = path.join(k8s, file);
  const text = readFileSync(target, "utf8");
  if (!text.includes(from)) throw new Error(`test case out of date: ${file} has no ${JSON.stringify(from)}`);
  writeFileSync(target, text.replace(from, to));
}

let failures = 0;
for (const testCase of cases) {
  const scratch = mkdtempSync(path.join(tmpdir(), "podmeta-k8s-"));
  const k8s = path.join(scratch, "k8s");
  cpSync(path.join(root, "deploy", "k8s"), k8s, { recursive: true });
  testCase.edit(k8s);
  let output = "";
  let failed = false;
  try {
    execFileSync("node", [validator, path.join(k8s, "overlays/dev"), path.join(k8s, "overlays/production")],
                 { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    failed = true;
    output = `${error.stdout}${error.stderr}`;
  }
  rmSync(scratch, { recursive: true, force: true });
  const ok = testCase.expect === null ? !failed : failed && output.includes(testCase.expect);
  console.log(`${ok ? "ok  " : "FAIL"} ${testCase.name}${ok ? "" : `\n${output}`}`);
  if (!ok) failures++;
}
console.log(`${cases.length - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
