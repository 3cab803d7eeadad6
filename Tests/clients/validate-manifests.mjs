// Validates Kubernetes manifests against the Kubernetes API's JSON schemas (npm kubernetes-models: the schemas of the
// OpenAPI spec, compiled with Ajv): every document's apiVersion and kind must be a known resource and its fields must
// have the schema's types, formats and required members. Fields the schema does not know are not reported.
//   node validate-manifests.mjs FILE.yaml...      exit 0: all valid; 1: errors, one line each
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import * as yaml from "js-yaml";

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
    try {
      new model(doc).validate();
    } catch (e) {
      for (const line of String(e.message).split(", ")) console.log(`${where}: ${line}`);
      errors++;
    }
  }
}
console.log(`${documents} documents, ${errors} invalid`);
process.exit(errors === 0 && documents > 0 ? 0 : 1);
