/**
 * Sets `values` in process.env for a suite (the Lambda entries and AWS SDK clients read their endpoints there)
 * and returns what puts every one of them back as it was, unset ones unset again. Only isolated suites may
 * call it: shared-module suites must not change process.env (vitest.config.ts).
 */
export function setProcessEnv(values: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
