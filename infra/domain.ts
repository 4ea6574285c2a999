/**
 * The web router's custom domain (infra/web.ts) when BASE_DOMAIN is set at deploy: the base domain itself (sign-up,
 * the platform API) and every workspace's `<slug>.BASE_DOMAIN` through one wildcard alias. SST requests one ACM
 * certificate (us-east-1, for CloudFront) naming both, validates it through the DNS provider, and creates the
 * A/AAAA records of both names pointing at the distribution. The API shares that origin (the router sends its
 * paths to API Gateway), so the one domain serves the app and the API alike. Without BASE_DOMAIN the router
 * keeps its CloudFront URL. `dns` is SST's DNS adapter (`sst.aws.dns()`: a Route 53 hosted zone for the domain).
 * Custom domains of workspaces (tenant_domains) are not on this certificate: each needs its own alias.
 */
export function wildcardDomain<D>(baseDomain: string | undefined, dns: () => D) {
  const name = baseDomain?.trim().toLowerCase().replace(/\.$/, "");
  if (!name) return undefined;
  return { name, aliases: [`*.${name}`], dns: dns() };
}
