// Reference answers from @apollo/gateway, for the differential test (tests/gateway/test_differential.py).
// Reads JSON on stdin: {"subgraphs": [{"name", "url", "sdl"}], "operations": [{"query", "variables"?,
// "operationName"?}]}. Composes the subgraphs with @apollo/composition (the static supergraphSdl the
// gateway then runs on), executes every operation in order against the live subgraph URLs, and prints
// {"supergraphSdl", "compositionErrors", "results": [{"data"?, "errors"?}]} as JSON on stdout.
import { createHash } from "node:crypto";
import { composeServices } from "@apollo/composition";
import { ApolloGateway } from "@apollo/gateway";
import { parse } from "graphql";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function requestContext(operation) {
  const document = parse(operation.query);
  return {
    request: {
      query: operation.query,
      variables: operation.variables ?? {},
      operationName: operation.operationName ?? undefined,
    },
    document,
    source: operation.query,
    queryHash: createHash("sha256").update(operation.query).digest("hex"),
    operationName: operation.operationName ?? null,
    context: {},
    metrics: {},
    logger: silent,
    cache: undefined,
    overallCachePolicy: { restrict() {}, replace() {}, policyIfCacheable() { return null; } },
  };
}

function plain(value) {
  return JSON.parse(JSON.stringify(value ?? null));
}

const input = await readStdin();
const composed = composeServices(
  input.subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
);
if (composed.errors && composed.errors.length) {
  const compositionErrors = composed.errors.map((e) => e.message);
  process.stdout.write(JSON.stringify({ supergraphSdl: null, compositionErrors, results: [] }));
  process.exit(0);
}
const gateway = new ApolloGateway({ supergraphSdl: composed.supergraphSdl, logger: silent });
const { executor } = await gateway.load();
const results = [];
for (const operation of input.operations) {
  try {
    const response = await executor(requestContext(operation));
    const result = {};
    if (response.data !== undefined) result.data = plain(response.data);
    if (response.errors && response.errors.length) {
      result.errors = response.errors.map((e) => plain(e.toJSON ? e.toJSON() : e));
    }
    results.push(result);
  } catch (error) {
    results.push({ errors: [{ message: String(error && error.message ? error.message : error) }] });
  }
}
await gateway.stop();
process.stdout.write(
  JSON.stringify({ supergraphSdl: composed.supergraphSdl, compositionErrors: [], results }),
);
