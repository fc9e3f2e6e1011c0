// Validates Kubernetes objects offline: YAML from the files named (or stdin) against the
// Kubernetes OpenAPI schema (kubernetes-models' compiled validators), with unknown fields refused
// (the schema alone allows them, so a misspelt `readinessProbe` would pass), and this project's
// rules for what it deploys. Prints one line per problem; exits 1 if there is any.
//   node validate.mjs [--no-rules] [FILE...]
//   node validate.mjs --self-test   every manifest in must-fail/ is refused, for its `# expect:`
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { runValidateFunc } from "@kubernetes-models/validate";

// The kinds deployed here, at the API versions current clusters serve. Anything else is an error:
// a typo, or an API that clusters no longer serve (kubernetes-models keeps the retired ones).
const SCHEMAS = {
  "v1/ConfigMap": "IoK8sApiCoreV1ConfigMap",
  "v1/Secret": "IoK8sApiCoreV1Secret",
  "v1/Service": "IoK8sApiCoreV1Service",
  "apps/v1/Deployment": "IoK8sApiAppsV1Deployment",
  "policy/v1/PodDisruptionBudget": "IoK8sApiPolicyV1PodDisruptionBudget",
  "autoscaling/v2/HorizontalPodAutoscaler": "IoK8sApiAutoscalingV2HorizontalPodAutoscaler",
  "networking.k8s.io/v1/Ingress": "IoK8sApiNetworkingV1Ingress",
  "networking.k8s.io/v1/NetworkPolicy": "IoK8sApiNetworkingV1NetworkPolicy",
};

const README = new URL("../README.md", import.meta.url);
const ROOT = new URL("../../../", import.meta.url);
const MUST_FAIL = new URL("must-fail/", import.meta.url);

const args = process.argv.slice(2);
if (args[0] === "--self-test") {
  const names = readdirSync(MUST_FAIL).filter((f) => f.endsWith(".yaml"));
  let refused = 0;
  for (const name of names) {
    const text = readFileSync(new URL(name, MUST_FAIL), "utf8");
    const expect = /^# expect: (.*)$/m.exec(text)[1];
    const { problems: found } = await check(text, /^# rules: on$/m.test(text));
    if (found.some((p) => p.includes(expect))) refused++;
    else console.log(`must-fail/${name}: expected "${expect}", got: ${found.join("; ") || "valid"}`);
  }
  console.log(`self-test: ${refused} of ${names.length} bad manifests refused as expected`);
  process.exit(refused === names.length && names.length > 0 ? 0 : 1);
}
const files = args.filter((a) => a !== "--no-rules");
const text = files.length ? files.map((f) => readFileSync(f, "utf8")).join("\n---\n") : readFileSync(0, "utf8");
const { objects, problems } = await check(text, !args.includes("--no-rules"));
for (const p of problems) console.log(p);
console.log(problems.length ? `${problems.length} problems` : `${objects} objects valid`);
process.exit(problems.length ? 1 : 0);

async function check(text, rules) {
  const problems = [];
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) problems.push(`YAML: ${doc.errors[0].message}`);
    else if (doc.contents !== null) objects.push(doc.toJS());
  }
  for (const o of objects) problems.push(...await schemaProblems(o));
  if (rules && problems.length === 0) problems.push(...ruleProblems(objects));
  if (objects.length === 0) problems.push("no objects");
  return { objects: objects.length, problems: [...new Set(problems)] };
}

function id(o) {
  return `${o?.kind ?? "?"}/${o?.metadata?.name ?? "?"}`;
}

async function schemaProblems(o) {
  const schema = SCHEMAS[`${o?.apiVersion}/${o?.kind}`];
  if (!schema) return [`${id(o)}: apiVersion ${o?.apiVersion} kind ${o?.kind} is not one this check knows (SCHEMAS)`];
  const { validate } = await import(`kubernetes-models/_schemas/${schema}`);
  // The compiled validator reads every property its schema defines: a property it never read
  // is not in the schema.
  const read = new Map();
  try {
    runValidateFunc(validate, watched(o, "", read));
  } catch (e) {
    return [`${id(o)}: ${e.message}`];
  }
  const unknown = [];
  for (const [path, { value, seen }] of read) {
    if (Array.isArray(value)) continue;
    for (const key of Object.keys(value)) {
      if (!seen.has(key)) unknown.push(`${id(o)}: unknown field ${path}/${key}`);
    }
  }
  return unknown;
}

function watched(value, path, read) {
  if (value === null || typeof value !== "object") return value;
  const seen = new Set();
  read.set(path, { value, seen });
  const children = new Map();
  return new Proxy(value, {
    get(target, key) {
      const child = Reflect.get(target, key);
      if (typeof key !== "string" || !Object.hasOwn(target, key)) return child;
      seen.add(key);
      if (!children.has(key)) children.set(key, watched(child, `${path}/${key}`, read));
      return children.get(key);
    },
    has(target, key) {
      if (typeof key === "string") seen.add(key);
      return Reflect.has(target, key);
    },
  });
}

// Whether a label selector (matchLabels, matchExpressions) selects pods with these labels.
function selects(selector, labels) {
  const byLabel = Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return byLabel && (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case "In": return values.includes(labels[key]);
      case "NotIn": return !values.includes(labels[key]);
      case "Exists": return key in labels;
      case "DoesNotExist": return !(key in labels);
      default: return false;
    }
  });
}

// What every deployment of this project must have; see ../README.md.
function ruleProblems(all) {
  const problems = [];
  const names = (kind) => new Set(all.filter((o) => o.kind === kind).map((o) => o.metadata.name));
  const configMaps = names("ConfigMap");
  const configKeys = new Map(all.filter((o) => o.kind === "ConfigMap")
    .map((o) => [o.metadata.name, Object.keys(o.data ?? {})]));
  const pdbTargets = new Set(all.filter((o) => o.kind === "PodDisruptionBudget")
    .map((o) => JSON.stringify(o.spec.selector?.matchLabels)));
  const hpaTargets = new Set(all.filter((o) => o.kind === "HorizontalPodAutoscaler")
    .map((o) => o.spec.scaleTargetRef.name));
  const ingressPolicies = all.filter((o) => o.kind === "NetworkPolicy"
    && (o.spec.policyTypes ?? ["Ingress"]).includes("Ingress"));
  const readme = readFileSync(README, "utf8");
  const fail = (o, what) => problems.push(`${id(o)}: ${what}`);
  for (const o of all) {
    if (o.kind === "Secret") fail(o, "Secrets are created by the operator, never rendered from this repository");
    if (o.kind !== "Deployment") continue;
    if (!pdbTargets.has(JSON.stringify(o.spec.selector.matchLabels))) fail(o, "no PodDisruptionBudget selects it");
    if (!hpaTargets.has(o.metadata.name)) fail(o, "no HorizontalPodAutoscaler scales it");
    const podLabels = o.spec.template.metadata?.labels ?? {};
    if (!ingressPolicies.some((p) => selects(p.spec.podSelector, podLabels))) {
      fail(o, "no NetworkPolicy limits who connects to its pods");
    }
    const pod = o.spec.template.spec;
    if (pod.securityContext?.runAsNonRoot !== true) fail(o, "pod securityContext.runAsNonRoot must be true");
    for (const c of pod.containers) {
      const where = `container ${c.name}`;
      const tag = /^[^@]+:([^:/@]+)$/.exec(c.image)?.[1];
      if ((!tag || tag === "latest") && !c.image.includes("@sha256:")) fail(o, `${where}: image ${c.image} is not pinned to a version`);
      if (!c.readinessProbe || !c.livenessProbe) fail(o, `${where}: needs readiness and liveness probes`);
      for (const r of ["requests", "limits"]) {
        if (!c.resources?.[r]?.cpu || !c.resources?.[r]?.memory) fail(o, `${where}: needs resources.${r} cpu and memory`);
      }
      const sc = c.securityContext ?? {};
      if (sc.readOnlyRootFilesystem !== true || sc.allowPrivilegeEscalation !== false
        || !sc.capabilities?.drop?.includes("ALL")) {
        fail(o, `${where}: needs readOnlyRootFilesystem, no privilege escalation, capabilities dropped`);
      }
      // A variable application-prod.yml reads without a default stops the app at start
      // (a crash loop) unless the container gets it: from env, a ConfigMap it loads, or a
      // Secret it loads whose keys infra/k8s/README.md creates.
      const set = new Set([...(c.env ?? []).map((e) => e.name),
        ...(c.envFrom ?? []).flatMap((ref) => configKeys.get(ref.configMapRef?.name) ?? []),
        ...(c.envFrom ?? []).flatMap((ref) => secretKeys(readme, ref.secretRef?.name))]);
      for (const variable of requiredInProd(c.image)) {
        if (!set.has(variable)) fail(o, `${where}: application-prod.yml needs ${variable}, which nothing sets`);
      }
      const refs = [...(c.envFrom ?? []), ...(c.env ?? []).map((e) => e.valueFrom ?? {})];
      for (const ref of refs) {
        const cm = ref.configMapRef?.name ?? ref.configMapKeyRef?.name;
        if (cm && !configMaps.has(cm)) fail(o, `${where}: ConfigMap ${cm} is not part of the deployment`);
        const secret = ref.secretRef?.name ?? ref.secretKeyRef?.name;
        if (secret && !readme.includes(secret)) fail(o, `${where}: Secret ${secret} is not documented in infra/k8s/README.md`);
      }
    }
  }
  return problems;
}

// The variables an app's application-prod.yml reads without a default ("${NAME}", comments
// aside), found by its image's name (moa/<module>:<version>, also under a registry's path as
// overlays set it); none for an image that is not one of ours.
function requiredInProd(image) {
  const module = /(?:^|\/)moa\/([a-z-]+)[:@]/.exec(image)?.[1];
  const file = module && new URL(`${module}/src/main/resources/application-prod.yml`, ROOT);
  if (!file || !existsSync(file)) return [];
  const yaml = readFileSync(file, "utf8").replace(/(^|\s)#.*$/gm, "$1");
  return [...new Set([...yaml.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]))];
}

// The keys the README's `kubectl create secret generic <name> ...` command gives a Secret
// (--from-literal=KEY=..., --from-file=KEY=...; the command may continue over lines).
function secretKeys(readme, name) {
  if (!name) return [];
  const command = new RegExp(`create secret generic ${name}\\b((?:[^\\n]*\\\\\\n)*[^\\n]*)`).exec(readme)?.[1] ?? "";
  return [...command.matchAll(/--from-(?:literal|file)=([A-Za-z0-9_]+)=/g)].map((m) => m[1]);
}
