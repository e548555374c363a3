// @apollo/gateway over HTTP, for the benchmark beside our gateway (bench/gateway_vs_apollo.py).
// Usage: node serve.mjs CONFIG.json, where CONFIG is {"port", "supergraphSdl",
// "subgraphHeaders": {name: {header: value}}} (headers re-read every 2 s). Serves POST /graphql (JSON) the way Apollo Server
// does it: documents parsed and validated once per query text (an LRU-less map, the benchmark
// sends a handful of documents), then the gateway's executor, whose query plans are cached by
// @apollo/gateway itself. Prints "listening <port>" on stdout once it accepts connections.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { parse, validate } from "graphql";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
let subgraphHeaders = config.subgraphHeaders ?? {};
// The benchmark renews short-lived service tokens in the config file while it runs.
setInterval(() => {
  try {
    subgraphHeaders = JSON.parse(readFileSync(process.argv[2], "utf8")).subgraphHeaders ?? {};
  } catch {}
}, 2000).unref();

class WithHeaders extends RemoteGraphQLDataSource {
  willSendRequest({ request }) {
    for (const [name, value] of Object.entries(subgraphHeaders[this.name] ?? {})) {
      request.http.headers.set(name, value);
    }
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: config.supergraphSdl,
  logger: silent,
  buildService: ({ name, url }) => Object.assign(new WithHeaders({ url }), { name }),
});
const { schema, executor } = await gateway.load();
const documents = new Map();

function prepared(query) {
  let entry = documents.get(query);
  if (entry === undefined) {
    const document = parse(query);
    entry = { document, errors: validate(schema, document), hash: createHash("sha256").update(query).digest("hex") };
    documents.set(query, entry);
  }
  return entry;
}

async function answer(body) {
  let entry;
  try {
    entry = prepared(body.query);
  } catch (error) {
    return { errors: [{ message: String(error.message), extensions: { code: "GRAPHQL_PARSE_FAILED" } }] };
  }
  if (entry.errors.length) {
    return { errors: entry.errors.map((e) => ({ message: e.message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })) };
  }
  const response = await executor({
    request: { query: body.query, variables: body.variables ?? {}, operationName: body.operationName ?? undefined },
    document: entry.document,
    source: body.query,
    queryHash: entry.hash,
    operationName: body.operationName ?? null,
    context: {},
    metrics: {},
    logger: silent,
    cache: undefined,
    overallCachePolicy: { restrict() {}, replace() {}, policyIfCacheable() { return null; } },
  });
  const result = {};
  if (response.errors && response.errors.length) {
    result.errors = response.errors.map((e) => (e.toJSON ? e.toJSON() : e));
  }
  if (response.data !== undefined) result.data = response.data;
  return result;
}

const server = http.createServer((request, response) => {
  if (request.method !== "POST" || request.url !== "/graphql") {
    response.writeHead(404).end();
    return;
  }
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", async () => {
    let result;
    try {
      result = await answer(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    } catch (error) {
      result = { errors: [{ message: String(error && error.message ? error.message : error) }] };
    }
    const text = JSON.stringify(result);
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    response.end(text);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(config.port, "127.0.0.1", () => process.stdout.write(`listening ${config.port}\n`));
process.on("SIGTERM", () => server.close(() => gateway.stop().then(() => process.exit(0))));
