// Composes schema/<subgraph>.graphql with Apollo's own composition and reports every error.
// Usage: node .ci/apollo/compose.mjs schema [--write-supergraph FILE]
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

const dir = process.argv[2] ?? "schema";
const writeAt = process.argv.indexOf("--write-supergraph");
const ports = { directory: 4001, sessions: 4002, consent: 4003 };
const services = readdirSync(dir)
  .filter((file) => file.endsWith(".graphql") && file !== "supergraph.graphql")
  .sort()
  .map((file) => {
    const name = file.replace(/\.graphql$/, "");
    return {
      name,
      url: `http://127.0.0.1:${ports[name] ?? 4000}/graphql`,
      typeDefs: parse(readFileSync(join(dir, file), "utf8")),
    };
  });
const result = composeServices(services);
if (result.errors && result.errors.length) {
  for (const error of result.errors) console.error(`composition error: ${error.message}`);
  process.exit(1);
}
for (const hint of result.hints ?? []) console.error(`hint: ${hint.definition.code}: ${hint.message}`);
if (writeAt > 0) writeFileSync(process.argv[writeAt + 1], result.supergraphSdl);
console.log(`@apollo/composition: ${services.length} subgraphs (${services.map((s) => s.name).join(", ")}) composed with 0 errors`);
