import { DnsNoRecordError, type DnsResolver } from "@helperiq/core/port/dns";

/**
 * The suites' DNS: TXT records from a table the test fills (`records.set(name, [value])`), CNAME targets from
 * another (`cnames.set(name, target)`); a name absent from a table has no such record, and a name mapped to an
 * Error fails the look-up with that error. No query leaves the process.
 */
export type TableDns = DnsResolver & {
  records: Map<string, string[] | Error>;
  cnames: Map<string, string | Error>;
};

export function createTableDns(): TableDns {
  const records = new Map<string, string[] | Error>();
  const cnames = new Map<string, string | Error>();
  return {
    records,
    cnames,
    async cname(name) {
      const found = cnames.get(name.toLowerCase());
      if (found instanceof Error) throw found;
      if (!found) throw new DnsNoRecordError(name, "CNAME");
      return found.toLowerCase().replace(/\.$/, "");
    },
    async txt(name) {
      const found = records.get(name.toLowerCase());
      if (found instanceof Error) throw found;
      if (!found?.length) throw new DnsNoRecordError(name);
      return [...found];
    },
  };
}
