// Offline validation of podmeta's Kubernetes manifests.
//
//   node validate.mjs OVERLAY_DIR...
//
// For each overlay: renders it with `kubectl kustomize`, validates every
// built-in object against the Kubernetes schema (kubernetes-models), rejects
// fields the schema does not know (kubernetes-models does not), checks the
// CloudNativePG objects' shape, and checks what the manifests promise:
// probes use gRPC on the serving port, no container runs as root, every
// container has limits and a locked-down securityContext, secrets come from
// Secrets. Exits 1 listing every problem.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
const modelsRoot = path.dirname(require.resolve("kubernetes-models/package.json"));
const apimachineryRoot = path.dirname(require.resolve("@kubernetes-models/apimachinery/package.json"));

// interface name (e.g. IIoK8sApiAppsV1DeploymentSpec) → { property: type }
function loadInterfaces() {
  const interfaces = new Map();
  const walk = (directory) => {
    for (const entry of readdirSync(directory)) {
      const file = path.join(directory, entry);
      if (entry === "node_modules") continue;
      if (statSync(file).isDirectory()) {
        walk(file);
      } else if (entry.endsWith(".d.ts")) {
        const text = readFileSync(file, "utf8");
        const body = text.match(/export interface (I\w+)(?: extends [\w, ]+)? \{([\s\S]*?)\n\}/);
        const alias = text.match(/export \{ (I\w+) as (I\w+)/);
        if (!body || !alias || alias[1] !== body[1]) continue;
        const properties = {};
        // One property per line at the interface's indentation; a type that
        // spans lines (a map) only needs its first line here.
        for (const line of body[2].split("\n")) {
          const property = line.match(/^ {4}"([^"]+)"\??: (.*?);?$/);
          if (property) properties[property[1]] = property[2];
        }
        interfaces.set(alias[2], properties);
      }
    }
  };
  walk(modelsRoot);
  walk(apimachineryRoot);
  return interfaces;
}

const interfaces = loadInterfaces();

// Reports keys the schema does not have, walking nested object types.
function unknownFields(value, typeName, where, problems) {
  const properties = interfaces.get(typeName);
  if (!properties || value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (!(key in properties)) {
      problems.push(`${where}.${key}: unknown field (not in ${typeName.replace(/^IIoK8s/, "")})`);
      continue;
    }
    const type = properties[key];
    const single = type.match(/^(I\w+)$/);
    const list = type.match(/^Array<(I\w+)>$/);
    if (single) unknownFields(child, single[1], `${where}.${key}`, problems);
    if (list && Array.isArray(child)) {
      child.forEach((item, index) => unknownFields(item, list[1], `${where}.${key}[${index}]`, problems));
    }
  }
}

// CloudNativePG objects: kubernetes-models has no schema for them, so their
// shape is checked here for the fields podmeta uses.
const customResources = {
  "postgresql.cnpg.io/v1/Cluster": {
    required: ["instances", "storage", "bootstrap"],
    known: ["instances", "imageName", "primaryUpdateStrategy", "inheritedMetadata", "bootstrap", "postgresql",
            "storage", "walStorage", "resources", "affinity", "monitoring", "backup"],
  },
  "postgresql.cnpg.io/v1/ScheduledBackup": {
    required: ["schedule", "cluster"],
    known: ["schedule", "backupOwnerReference", "cluster", "immediate", "method"],
  },
};

async function validateObject(object, where, problems) {
  const key = `${object.apiVersion}/${object.kind}`;
  if (customResources[key]) {
    const { required, known } = customResources[key];
    for (const field of required) if (!(field in (object.spec ?? {}))) problems.push(`${where}.spec.${field}: required`);
    for (const field of Object.keys(object.spec ?? {})) {
      if (!known.includes(field)) problems.push(`${where}.spec.${field}: unknown field`);
    }
    return;
  }
  let Model;
  try {
    Model = (await import(`kubernetes-models/${object.apiVersion}/${object.kind}`))[object.kind];
  } catch {
    problems.push(`${where}: unknown kind ${key}`);
    return;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push(`${where}: ${error.message.split("\n").join("; ")}`);
  }
  // "apps/v1" → IIoK8sApiAppsV1<Kind>; the core group "v1" → IIoK8sApiCoreV1<Kind>.
  const parts = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["core", object.apiVersion];
  const capitalized = parts.map((part) => part.split(".")[0]).map((part) => part.charAt(0).toUpperCase() + part.slice(1));
  const typeName = `IIoK8sApi${capitalized.join("")}${object.kind}`;
  if (!interfaces.has(typeName)) {
    problems.push(`${where}: no schema found to check fields (${typeName})`);
    return;
  }
  unknownFields(object, typeName, where, problems);
}

const SECRET_NAMES = /PASSWORD|TOKEN|SECRET|DATABASE_URL/;

function checkPromises(objects, overlay, problems) {
  const workloads = objects.filter((o) => ["Deployment", "StatefulSet"].includes(o.kind));
  for (const workload of workloads) {
    const pod = workload.spec.template.spec;
    const where = `${overlay}: ${workload.kind}/${workload.metadata.name}`;
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      const at = `${where} container ${container.name}`;
      const context = container.securityContext ?? {};
      const runsAsNonRoot = context.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      const user = context.runAsUser ?? pod.securityContext?.runAsUser;
      if (runsAsNonRoot !== true) problems.push(`${at}: must set runAsNonRoot: true`);
      if (user === 0) problems.push(`${at}: runs as root (runAsUser 0)`);
      if (context.allowPrivilegeEscalation !== false) problems.push(`${at}: must set allowPrivilegeEscalation: false`);
      if (context.readOnlyRootFilesystem !== true) problems.push(`${at}: must set readOnlyRootFilesystem: true`);
      if (!(context.capabilities?.drop ?? []).includes("ALL")) problems.push(`${at}: must drop ALL capabilities`);
      if (!container.resources?.limits?.cpu || !container.resources?.limits?.memory) {
        problems.push(`${at}: must have cpu and memory limits`);
      }
      for (const variable of container.env ?? []) {
        if (SECRET_NAMES.test(variable.name) && variable.value !== undefined && !variable.value.includes("$(")) {
          problems.push(`${at}: ${variable.name} must come from a Secret, not a literal value`);
        }
      }
    }
  }
  const podmeta = workloads.find((o) => o.kind === "Deployment" && o.metadata.name === "podmeta");
  if (!podmeta) {
    problems.push(`${overlay}: no podmeta Deployment`);
    return;
  }
  const server = podmeta.spec.template.spec.containers.find((c) => c.name === "podmeta");
  const grpcPort = server.ports.find((p) => p.name === "grpc")?.containerPort;
  const listen = server.args[server.args.indexOf("--listen") + 1] ?? "";
  if (!listen.endsWith(`:${grpcPort}`)) problems.push(`${overlay}: --listen ${listen} is not the grpc port ${grpcPort}`);
  for (const probe of ["readinessProbe", "livenessProbe"]) {
    if (server[probe]?.grpc?.port !== grpcPort) {
      problems.push(`${overlay}: podmeta ${probe} must be a gRPC probe on port ${grpcPort}`);
    }
  }
  // Liveness must not follow the database (a database outage would restart
  // every pod); readiness must.
  if (server.livenessProbe?.grpc?.service !== "liveness") {
    problems.push(`${overlay}: podmeta livenessProbe must ask the "liveness" health service`);
  }
  if ((server.readinessProbe?.grpc?.service ?? "") !== "") {
    problems.push(`${overlay}: podmeta readinessProbe must ask the server's overall health ("")`);
  }
  const database = (server.env ?? []).find((v) => v.name === "PODMETA_DATABASE_URL");
  if (!database?.valueFrom?.secretKeyRef) problems.push(`${overlay}: PODMETA_DATABASE_URL must come from a Secret`);
  const tokens = podmeta.spec.template.spec.volumes?.find((v) => v.name === "tokens");
  if (!tokens?.secret) problems.push(`${overlay}: the token file must be mounted from a Secret`);
  const headless = objects.find((o) => o.kind === "Service" && o.spec.clusterIP === "None" &&
    o.spec.selector?.["app.kubernetes.io/name"] === "podmeta");
  if (!headless) problems.push(`${overlay}: no headless Service for client-side load balancing`);
  for (const kind of ["PodDisruptionBudget", "HorizontalPodAutoscaler"]) {
    if (!objects.some((o) => o.kind === kind)) problems.push(`${overlay}: no ${kind}`);
  }
  const databasePolicy = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name !== "podmeta");
  const allowed = databasePolicy?.spec.ingress?.flatMap((rule) => rule.from ?? []) ?? [];
  if (!allowed.some((peer) => peer.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "podmeta")) {
    problems.push(`${overlay}: no NetworkPolicy that admits podmeta (and only named peers) to the database`);
  }
  if (allowed.some((peer) => !peer.podSelector && !peer.namespaceSelector)) {
    problems.push(`${overlay}: the database NetworkPolicy admits peers without a selector`);
  }
}

const problems = [];
const overlays = process.argv.slice(2);
if (overlays.length === 0) {
  console.error("usage: node validate.mjs OVERLAY_DIR...");
  process.exit(2);
}
let objectCount = 0;
for (const overlay of overlays) {
  let rendered;
  try {
    rendered = execFileSync("kubectl", ["kustomize", overlay], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    problems.push(`${overlay}: kubectl kustomize failed: ${error.stderr || error.message}`);
    continue;
  }
  const objects = [];
  for (const document of parseAllDocuments(rendered)) {
    if (document.errors.length > 0) problems.push(`${overlay}: YAML: ${document.errors[0].message}`);
    const object = document.toJSON();
    if (!object) continue;
    // kustomize wraps long base64 values; YAML folds the line breaks into
    // spaces, which the API server's decoder skips like line breaks.
    if (object.kind === "Secret" && object.data) {
      for (const key of Object.keys(object.data)) object.data[key] = object.data[key].replace(/\s+/g, "");
    }
    objects.push(object);
  }
  for (const object of objects) {
    await validateObject(object, `${overlay}: ${object.kind}/${object.metadata?.name}`, problems);
  }
  checkPromises(objects, overlay, problems);
  objectCount += objects.length;
}
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`${problems.length} problem(s) in the manifests`);
  process.exit(1);
}
console.log(`${objectCount} objects in ${overlays.length} overlay(s): valid, no unknown fields, promises kept`);
