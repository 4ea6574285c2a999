/** Default upload size limit (MEDIA_MAX_BYTES). A module of its own: every upload route reads it, none needs the sniffer. */
export const DEFAULT_MEDIA_MAX_BYTES = 25 * 1024 * 1024;

/** "25 MB", "512 KB", "100 bytes": a size limit as error messages state it. */
export function describeBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / 1024 / 1024} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}
