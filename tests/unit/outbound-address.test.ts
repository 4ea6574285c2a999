import { addressRefusal, canonicalHost, isLocalhostName } from "@helperiq/adapters/net/address-class";
import { parseAllowList } from "@helperiq/adapters/net/allow-list";
import { describe, expect, it } from "vitest";

/** The classifier and host normaliser of the outbound guard (packages/adapters/src/net), without any I/O. */
describe("addressRefusal", () => {
  const refused: [string, RegExp][] = [
    ["127.0.0.1", /loopback/],
    ["127.255.255.254", /loopback/],
    ["::1", /loopback/],
    ["10.0.0.1", /private/],
    ["172.16.0.1", /private/],
    ["172.31.255.255", /private/],
    ["192.168.1.1", /private/],
    ["fc00::1", /private .*unique local/],
    ["fd12:3456::1", /private .*unique local/],
    ["169.254.169.254", /link-local/],
    ["169.254.0.1", /link-local/],
    ["fe80::1", /link-local/],
    ["100.64.0.1", /carrier-grade NAT/],
    ["100.127.255.254", /carrier-grade NAT/],
    ["224.0.0.1", /multicast/],
    ["239.255.255.250", /multicast/],
    ["ff02::1", /multicast/],
    ["0.0.0.0", /unspecified/],
    ["0.1.2.3", /unspecified/],
    ["::", /unspecified/],
    ["255.255.255.255", /broadcast/],
    ["::ffff:127.0.0.1", /IPv4-mapped/],
    ["::ffff:7f00:1", /IPv4-mapped/],
    ["::ffff:8.8.8.8", /IPv4-mapped/],
    ["64:ff9b::7f00:1", /NAT64/],
    ["64:ff9b:1::a00:1", /NAT64/],
    ["2002:7f00:1::", /6to4/],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", /Teredo/],
    ["192.0.2.1", /special-purpose/],
    ["240.0.0.1", /special-purpose/],
    ["2001:db8::1", /special-purpose/],
  ];
  it.each(refused)("refuses %s", (address, why) => {
    expect(addressRefusal(address)).toMatch(why);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001::200e",
  ])("allows the public address %s", (address) => {
    expect(addressRefusal(address)).toBeNull();
  });
});

describe("canonicalHost", () => {
  it.each([
    ["2130706433", "127.0.0.1"],
    ["0x7f000001", "127.0.0.1"],
    ["0X7F.0.0.1", "127.0.0.1"],
    ["0177.0.0.1", "127.0.0.1"],
    ["017700000001", "127.0.0.1"],
    ["127.1", "127.0.0.1"],
    ["127.0.1", "127.0.0.1"],
    ["[::1]", "::1"],
    ["::1", "::1"],
    ["[::ffff:127.0.0.1]", "::ffff:7f00:1"],
    ["[0:0:0:0:0:ffff:7f00:1]", "::ffff:7f00:1"],
    ["LOCALHOST", "localhost"],
    ["Mail.Example.COM", "mail.example.com"],
    ["bücher.example", "xn--bcher-kva.example"],
  ])("reads %s as %s", (host, canonical) => {
    expect(canonicalHost(host)).toBe(canonical);
  });

  it.each([
    "",
    "evil.example@127.0.0.1",
    "127.0.0.1:25",
    "host/path",
    "a b",
    "http://x",
    "fe80::1%25eth0",
    "[::1",
    "x?y",
    "x#y",
  ])("is null for %j, which is not a host", (host) => {
    expect(canonicalHost(host)).toBeNull();
  });
});

describe("isLocalhostName", () => {
  it("names this machine for localhost and any name under it, with or without the root dot", () => {
    for (const name of ["localhost", "localhost.", "a.localhost", "deep.a.localhost."])
      expect(isLocalhostName(name), name).toBe(true);
    for (const name of ["localhost.example.com", "mylocalhost", "example.com"])
      expect(isLocalhostName(name), name).toBe(false);
  });
});

describe("parseAllowList (OUTBOUND_ALLOW_HOSTS)", () => {
  it("allows listed names, addresses and ranges, and nothing else", () => {
    const list = parseAllowList(" mail.lan , 10.0.5.0/24,127.0.0.1, [fd00::5], Intranet.Example. ");
    expect(list.hasName("mail.lan")).toBe(true);
    expect(list.hasName("MAIL.LAN.")).toBe(true);
    expect(list.hasName("intranet.example")).toBe(true);
    expect(list.hasName("other.lan")).toBe(false);
    expect(list.hasAddress("10.0.5.77")).toBe(true);
    expect(list.hasAddress("10.0.6.1")).toBe(false);
    expect(list.hasAddress("127.0.0.1")).toBe(true);
    expect(list.hasAddress("127.0.0.2")).toBe(false);
    expect(list.hasAddress("fd00::5")).toBe(true);
    expect(list.hasAddress("fd00::6")).toBe(false);
    // The IPv4-mapped form of an allowed IPv4 address reaches the same host.
    expect(list.hasAddress("::ffff:10.0.5.1")).toBe(true);
    expect(list.hasAddress("::ffff:10.0.6.1")).toBe(false);
  });

  it("reads odd IPv4 spellings of a listed address as the address", () => {
    expect(parseAllowList("127.1").hasAddress("127.0.0.1")).toBe(true);
  });

  it("is empty by default", () => {
    for (const spec of [undefined, "", " , "]) {
      const list = parseAllowList(spec);
      expect(list.hasAddress("127.0.0.1")).toBe(false);
      expect(list.hasName("localhost")).toBe(false);
    }
  });

  it.each(["10.0.0.0/33", "10.0.0.0/", "mail.lan:25", "http://mail.lan", "user@mail.lan", "a b"])(
    "refuses the malformed entry %j",
    (entry) => {
      expect(() => parseAllowList(entry)).toThrow(/^OUTBOUND_ALLOW_HOSTS: /);
    },
  );
});
