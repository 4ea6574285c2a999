/**
 * DNS look-ups the domain verification needs (custom-domain/verification.ts): TXT and CNAME records. Implemented
 * over node:dns in packages/adapters/src/dns/node-resolver.ts; tests use a fixed table of records.
 */

/** The name has no such record (or does not exist): a normal answer while a customer sets the record up. */
export class DnsNoRecordError extends Error {
  constructor(
    readonly recordName: string,
    readonly recordType: "TXT" | "CNAME" = "TXT",
  ) {
    super(`no ${recordType} record found at ${recordName}`);
    this.name = "DnsNoRecordError";
  }
}

export interface DnsResolver {
  /**
   * The TXT records at `name`, each joined from its character-strings. Rejects with DnsNoRecordError when
   * there are none, or with an Error whose message says in words why the look-up failed (timeout, refused).
   */
  txt(name: string): Promise<string[]>;
  /**
   * The target of the CNAME record at `name` (one step, not followed further), lower-case without the final
   * dot. Rejects like `txt`: DnsNoRecordError (type CNAME) when the name has none, as an apex never does.
   */
  cname(name: string): Promise<string>;
}
