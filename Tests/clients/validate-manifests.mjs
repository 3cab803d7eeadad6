// Validates Kubernetes manifests against the Kubernetes API's JSON schemas (npm kubernetes-models: the schemas of the
// OpenAPI spec, compiled with Ajv): every document's apiVersion and kind must be a known resource and its fields must
// have the schema's types, formats and required members, and it must have no field the schema does not declare (as
// `kubectl apply --validate=strict` refuses a typo'd field instead of dropping it).
//   node validate-manifests.mjs FILE.yaml...      exit 0: all valid; 1: errors, one line each
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import * as yaml from "js-yaml";

// The compiled validators carry no additionalProperties check, but they read every property their schema declares
// (`data.replicas`, ...) and enumerate the keys of the maps it allows (labels, resources' quantities): a document
// handed to them through proxies that record those reads shows, afterwards, each field no schema read.
function tracked(root) {
  const seen = new Map(); // target -> { proxy, path, read: Set, enumerated }
  const wrap = (value, path) => {
    if (value === null || typeof value !== "object") return value;
    let entry = seen.get(value);
    if (entry) return entry.proxy;
    entry = { path, read: new Set(), enumerated: false };
    entry.proxy = new Proxy(value, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (typeof key !== "string") return v;
        entry.read.add(key); // absent ones too: an object whose fields are all unknown was still looked into
        if (!Object.hasOwn(target, key)) return v;
        return wrap(v, `${path}/${key}`);
      },
      has(target, key) {
        if (typeof key === "string") entry.read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        entry.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    seen.set(value, entry);
    return entry.proxy;
  };
  const proxy = wrap(root, "");
  // Objects the validator looked into (read a property of) without enumerating them: their unread keys are unknown.
  const unknown = () => [...seen].flatMap(([target, e]) => Array.isArray(target) || e.enumerated || e.read.size === 0
    ? [] : Object.keys(target).filter((k) => !e.read.has(k)).map((k) => `${e.path}/${k}`));
  return { proxy, unknown };
}

let errors = 0;
let documents = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(readFileSync(file, "utf8"))) {
    if (doc == null) continue;
    documents++;
    const where = `${basename(file)}: ${doc.kind ?? "?"} ${doc.metadata?.name ?? "?"}`;
    if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") {
      console.log(`${where}: apiVersion and kind are required`);
      errors++;
      continue;
    }
    const [group, version] = doc.apiVersion.includes("/") ? doc.apiVersion.split("/") : [null, doc.apiVersion];
    let model;
    try {
      model = (await import(`kubernetes-models/${group ? group + "/" : ""}${version}/${doc.kind}`))[doc.kind];
    } catch {
      console.log(`${where}: unknown resource ${doc.apiVersion} ${doc.kind}`);
      errors++;
      continue;
    }
    const { proxy, unknown } = tracked(doc);
    let invalid = false;
    try {
      model.prototype.validate.call(proxy);
    } catch (e) {
      for (const line of String(e.message).split(", ")) console.log(`${where}: ${line}`);
      invalid = true;
    }
    for (const path of unknown()) {
      console.log(`${where}: ${path} is not a field of the schema`);
      invalid = true;
    }
    if (invalid) errors++;
  }
}
console.log(`${documents} documents, ${errors} invalid`);
process.exit(errors === 0 && documents > 0 ? 0 : 1);
