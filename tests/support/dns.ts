import { DnsNoRecordError, type DnsResolver } from "@helperiq/core/port/dns";

/**
 * The suites' DNS: TXT records from a table the test fills (`records.set(name, [value])`); a name absent from
 * it has no record, and a name mapped to an Error fails the look-up with that error. No query leaves the process.
 */
export type TableDns = DnsResolver & { records: Map<string, string[] | Error> };

export function createTableDns(): TableDns {
  const records = new Map<string, string[] | Error>();
  return {
    records,
    async txt(name) {
      const found = records.get(name.toLowerCase());
      if (found instanceof Error) throw found;
      if (!found?.length) throw new DnsNoRecordError(name);
      return [...found];
    },
  };
}
