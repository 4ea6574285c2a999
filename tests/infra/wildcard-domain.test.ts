import { describe, expect, it } from "vitest";
import { wildcardDomain } from "../../infra/domain.ts";
import { recordSstConfig } from "./sst-recorder.ts";

/** The web router's domain: BASE_DOMAIN with the `*.BASE_DOMAIN` alias every workspace's host falls under. */
describe("the wildcard domain", () => {
  it("names BASE_DOMAIN and *.BASE_DOMAIN, normalised, with the DNS adapter", () => {
    const dns = { provider: "route53" };
    expect(wildcardDomain(" Help.Example.COM. ", () => dns)).toEqual({
      name: "help.example.com",
      aliases: ["*.help.example.com"],
      dns,
    });
  });

  it("is none without BASE_DOMAIN: the DNS adapter is not even asked", () => {
    let asked = false;
    expect(wildcardDomain(undefined, () => (asked = true))).toBeUndefined();
    expect(wildcardDomain("", () => (asked = true))).toBeUndefined();
    expect(asked).toBe(false);
  });

  it("leaves the router on its CloudFront URL when deployed without BASE_DOMAIN", async () => {
    const before = process.env.BASE_DOMAIN;
    delete process.env.BASE_DOMAIN;
    try {
      const { byType } = await recordSstConfig();
      const [router] = byType("sst.aws.Router");
      expect(router!.args.domain).toBeUndefined();
      expect(Object.keys(router!.args.routes)).toContain("/.well-known/*");
    } finally {
      if (before !== undefined) process.env.BASE_DOMAIN = before;
    }
  });
});
