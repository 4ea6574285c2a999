import type { WorkspaceWithUsage } from "@helperiq/core/platform/list";

/** `1.2 MB`: storage in the unit a person reads at a glance (powers of 1000, like disk makers and S3 bills). */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** A workspace as `show` prints it: one `label: value` line each. */
export function describeWorkspace(w: WorkspaceWithUsage): string[] {
  const limits = Object.entries(w.limits).map(([k, v]) => `${k}=${v}`);
  return [
    `slug:          ${w.slug}`,
    `name:          ${w.name}`,
    `status:        ${w.status}${w.suspended_reason ? ` (${w.suspended_reason})` : ""}`,
    `plan:          ${w.plan}`,
    `limits:        ${limits.length ? limits.join(", ") : "none"}`,
    `domains:       ${w.domains.length ? w.domains.map((d) => `${d.hostname}${d.verified ? "" : " (unverified)"}`).join(", ") : "none"}`,
    `created:       ${w.created_at}`,
    ...(w.suspended_at ? [`suspended:     ${w.suspended_at}`] : []),
    ...(w.deleted_at ? [`deleted:       ${w.deleted_at}`] : []),
    `agents:        ${w.usage.agents}`,
    `inboxes:       ${w.usage.inboxes}`,
    `conversations: ${w.usage.conversations}`,
    `messages:      ${w.usage.messages}`,
    `storage:       ${formatBytes(w.usage.storage_bytes)}`,
  ];
}
