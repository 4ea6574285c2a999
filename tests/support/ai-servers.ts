import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * AI providers on 127.0.0.1 speaking their real wire formats, for the adapters over the official SDKs:
 * - OpenAI: POST /v1/chat/completions, POST /v1/embeddings (float or base64, `dimensions`), GET /v1/models;
 *   Bearer auth; errors `{error: {message, type, param, code}}` (quota: 429 code insufficient_quota).
 * - Anthropic: POST /v1/messages, GET /v1/models; `x-api-key` or Bearer auth; errors `{type: "error", error: {type,
 *   message}}` (quota: 400 invalid_request_error "Your credit balance is too low…"; 529 overloaded).
 * - OpenRouter: the OpenAI shapes under /api/v1 (chat, embeddings, a public /models catalogue with names and
 *   context lengths); errors `{error: {code, message}}` (quota: 402).
 * A wrong key is a real 401. Every request is recorded; failures can be switched on per server.
 */
export type AiFlavor = "openai" | "anthropic" | "openrouter";

export type RecordedAiRequest = { method: string; path: string; headers: Record<string, string>; body: any };

export type AiFailure = "rate_limit" | "quota" | "server_error" | "overloaded" | "unknown_model" | "slow" | null;

export type AiServer = {
  url: string;
  /** The base URL the SDK takes (OPENAI_BASE_URL-style: with /v1 for OpenAI, /api/v1 for OpenRouter, bare for Anthropic). */
  baseUrl: string;
  requests: RecordedAiRequest[];
  /** Requests to paths ending with `suffix`. */
  requestsTo(suffix: string): RecordedAiRequest[];
  /** Switches a failure on for every following request (null: healthy again). */
  fail(failure: AiFailure): void;
  /** How long "slow" waits before answering. */
  slowMs: number;
  /** Retry-After seconds sent with rate limits. */
  retryAfter: number;
  close(): Promise<void>;
};

/** What the fake model answers: deterministic, so a test can assert the reply came from this provider. */
export function fakeReply(flavor: AiFlavor, model: string, lastUserMessage: string): string {
  return `[${flavor}:${model}] ${lastUserMessage.toUpperCase()}`;
}

/**
 * A deterministic unit vector for a text. As a real model's, texts sharing words lie close (each word adds ±1 at
 * a dimension of its hash: a question and the passage answering it score well above unrelated text, so a
 * knowledge search through this server finds something); a text without words is its hash spread over `dims`.
 */
export function fakeEmbedding(text: string, dims: number): number[] {
  let v = new Array<number>(dims).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const h = createHash("sha256").update(word).digest();
    v[h.readUInt32LE(0) % dims]! += h[4]! & 1 ? 1 : -1;
  }
  if (v.every((x) => x === 0)) {
    v = [];
    let seed = createHash("sha256").update(text).digest();
    while (v.length < dims) {
      for (let i = 0; i + 1 < seed.length && v.length < dims; i += 2) v.push(seed.readInt16LE(i) / 32768);
      seed = createHash("sha256").update(seed).digest();
    }
  }
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / n);
}

const OPENROUTER_CATALOGUE = [
  { id: "openai/gpt-4o-mini", name: "OpenAI: GPT-4o-mini", context_length: 128000 },
  { id: "anthropic/claude-3.5-haiku", name: "Anthropic: Claude 3.5 Haiku", context_length: 200000 },
  { id: "meta-llama/llama-3.1-8b-instruct", name: "Meta: Llama 3.1 8B Instruct", context_length: 131072 },
  { id: "openai/text-embedding-3-small", name: "OpenAI: Text Embedding 3 Small", context_length: 8192 },
];

export async function startAiServer(flavor: AiFlavor, opts: { apiKey: string }): Promise<AiServer> {
  const requests: RecordedAiRequest[] = [];
  let failure: AiFailure = null;
  const prefix = flavor === "openrouter" ? "/api/v1" : "/v1";
  const state = { slowMs: 3_000, retryAfter: 7 };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (
    res: ServerResponse,
    status: number,
    type: string,
    message: string,
    headers: Record<string, string> = {},
  ) => {
    if (flavor === "anthropic") return send(res, status, { type: "error", error: { type, message } }, headers);
    if (flavor === "openrouter") return send(res, status, { error: { code: status, message } }, headers);
    return send(res, status, { error: { message, type, param: null, code: type } }, headers);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://x");
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]),
    );
    const body = raw ? JSON.parse(raw) : undefined;
    requests.push({ method: req.method ?? "GET", path: url.pathname, headers, body });

    if (failure === "slow") await new Promise((r) => setTimeout(r, state.slowMs));
    const route = `${req.method} ${url.pathname}`;
    const isModels = route === `GET ${prefix}/models`;
    // OpenRouter's catalogue is public; everything else needs the key.
    if (!(flavor === "openrouter" && isModels)) {
      // Anthropic takes `x-api-key` or (what @anthropic-ai/sdk 1.x sends) `Authorization: Bearer`.
      const bearer = headers.authorization?.replace(/^Bearer /, "");
      const given = flavor === "anthropic" ? headers["x-api-key"] || bearer : bearer;
      if (given !== opts.apiKey) {
        // As OpenAI does, the message quotes the key it got: the app must never pass that on.
        if (flavor === "openai")
          return error(
            res,
            401,
            "invalid_api_key",
            `Incorrect API key provided: ${given}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          );
        if (flavor === "anthropic") return error(res, 401, "authentication_error", "invalid x-api-key");
        return error(res, 401, "unauthorized", "No auth credentials found");
      }
    }
    switch (failure) {
      case "rate_limit":
        return error(
          res,
          429,
          flavor === "anthropic" ? "rate_limit_error" : "rate_limit_exceeded",
          "Rate limit reached for requests",
          { "retry-after": String(state.retryAfter) },
        );
      case "quota":
        if (flavor === "openai")
          return error(
            res,
            429,
            "insufficient_quota",
            "You exceeded your current quota, please check your plan and billing details.",
          );
        if (flavor === "anthropic")
          return error(
            res,
            400,
            "invalid_request_error",
            "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
          );
        return error(
          res,
          402,
          "payment_required",
          "Insufficient credits. Add more using https://openrouter.ai/credits",
        );
      case "server_error":
        return error(
          res,
          500,
          flavor === "anthropic" ? "api_error" : "server_error",
          "The server had an error while processing your request.",
        );
      case "overloaded":
        return error(res, flavor === "anthropic" ? 529 : 503, "overloaded_error", "Overloaded");
      default:
        break;
    }
    if (failure === "unknown_model" && body?.model) {
      return error(
        res,
        404,
        flavor === "anthropic" ? "not_found_error" : "model_not_found",
        `The model \`${body.model}\` does not exist`,
      );
    }

    if (isModels) {
      if (flavor === "anthropic") {
        const data = [
          {
            type: "model",
            id: "claude-haiku-4-5",
            display_name: "Claude Haiku 4.5",
            created_at: "2025-10-01T00:00:00Z",
          },
          {
            type: "model",
            id: "claude-sonnet-4-5",
            display_name: "Claude Sonnet 4.5",
            created_at: "2025-09-29T00:00:00Z",
          },
        ];
        return send(res, 200, { data, has_more: false, first_id: data[0]!.id, last_id: data[1]!.id });
      }
      if (flavor === "openrouter")
        return send(res, 200, {
          data: OPENROUTER_CATALOGUE.map((m) => ({ ...m, pricing: { prompt: "0", completion: "0" } })),
        });
      return send(res, 200, {
        object: "list",
        data: ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "whisper-1"].map((id) => ({
          id,
          object: "model",
          created: 1700000000,
          owned_by: "openai",
        })),
      });
    }
    if (flavor === "anthropic" && route === "POST /v1/messages") {
      const last = [...body.messages].reverse().find((m: any) => m.role === "user");
      const text = fakeReply(flavor, body.model, typeof last?.content === "string" ? last.content : "");
      return send(res, 200, {
        id: "msg_test",
        type: "message",
        role: "assistant",
        model: body.model,
        content: [{ type: "text", text }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 10 },
      });
    }
    if (flavor !== "anthropic" && route === `POST ${prefix}/chat/completions`) {
      const last = [...body.messages].reverse().find((m: any) => m.role === "user");
      return send(res, 200, {
        id: "chatcmpl-test",
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: fakeReply(flavor, body.model, last?.content ?? "") },
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      });
    }
    if (flavor !== "anthropic" && route === `POST ${prefix}/embeddings`) {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      const dims = body.dimensions ?? (body.model === "text-embedding-3-large" ? 3072 : 1536);
      const data = inputs.map((text, index) => {
        const v = fakeEmbedding(text, dims);
        const embedding =
          body.encoding_format === "base64" ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v;
        return { object: "embedding", index, embedding };
      });
      return send(res, 200, { object: "list", data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
    }
    return error(res, 404, "not_found", `no route ${route}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, { error: { message: String(err) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    baseUrl: flavor === "anthropic" ? url : `${url}${prefix}`,
    requests,
    requestsTo: (suffix) => requests.filter((r) => r.path.endsWith(suffix)),
    fail: (f) => void (failure = f),
    get slowMs() {
      return state.slowMs;
    },
    set slowMs(ms: number) {
      state.slowMs = ms;
    },
    get retryAfter() {
      return state.retryAfter;
    },
    set retryAfter(s: number) {
      state.retryAfter = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
