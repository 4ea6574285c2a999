import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../tests/support/free-port.ts";

/** Process start → first `GET /health` 200 for the embedded server, as `npm start` runs it. */
export async function measureColdStart(runs = 3): Promise<{ first_start_ms: number[]; warm_data_dir_ms: number[] }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "helperiq-bench-"));
  const first: number[] = [];
  const warm: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      rmSync(dataDir, { recursive: true, force: true });
      first.push(await timeToHealthy(dataDir));
      warm.push(await timeToHealthy(dataDir));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { first_start_ms: first, warm_data_dir_ms: warm };
}

async function timeToHealthy(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "packages/server/src/main.ts"], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
    stdio: "ignore",
  });
  try {
    const deadline = started + 60_000;
    while (performance.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return Math.round(performance.now() - started);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("server did not become healthy within 60 s");
  } finally {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
}
