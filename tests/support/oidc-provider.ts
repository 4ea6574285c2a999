import { generateKeyPairSync } from "node:crypto";
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** What the provider knows of a person: the claims it releases for the `email` scope. */
export type OidcAccount = { email: string; email_verified?: boolean };
export type OidcClient = { clientId: string; clientSecret: string; redirectUri: string };

export type TestOidcProvider = {
  issuer: string;
  /** People who can sign in, by the login name typed on the provider's form. */
  accounts: Map<string, OidcAccount>;
  /** Registers a relying party (a HelperIQ provider row); its redirect URI is known only once the row exists. */
  registerClient(client: OidcClient): void;
  /**
   * Plays the browser at the provider: follows its redirects with its cookies, signs in as `login` on the
   * login form and returns the URL the provider sends the browser back to (the app's finish URL).
   */
  signIn(authorizationUrl: string, login: string): Promise<URL>;
  close(): Promise<void>;
};

/** A real OpenID provider (the `oidc-provider` package) on 127.0.0.1, with in-memory storage. */
export async function startOidcProvider(): Promise<TestOidcProvider> {
  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const accounts = new Map<string, OidcAccount>();
  const clients: OidcClient[] = [];
  let listener: RequestListener = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Clients are fixed when a Provider is constructed, so registering one builds a new Provider; codes,
  // sessions and grants live in oidc-provider's module-level memory store and survive that.
  const build = () => {
    const provider = new Provider(issuer, {
      clients: clients.map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        redirect_uris: [c.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      })),
      jwks: { keys: [{ ...signingKey, kid: "test-signing-key", use: "sig", alg: "RS256" }] },
      cookies: { keys: ["test-oidc-cookie-key"] },
      pkce: { required: () => true },
      ttl: { AuthorizationCode: 60, AccessToken: 600, IdToken: 600, Grant: 600, Interaction: 600, Session: 600 },
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
      // Put the scope's claims (email, email_verified) in the ID token, not only behind the userinfo endpoint.
      conformIdTokenClaims: false,
      findAccount: async (_ctx: unknown, sub: string) => {
        const account = accounts.get(sub);
        return account && { accountId: sub, claims: async () => ({ sub, ...account }) };
      },
      // Consent is implied: every client is granted the scopes it asks for, so only the login form remains.
      loadExistingGrant: async (ctx: GrantContext) => {
        const grant = new ctx.oidc.provider.Grant({
          clientId: ctx.oidc.client.clientId,
          accountId: ctx.oidc.session.accountId,
        });
        grant.addOIDCScope("openid email profile");
        await grant.save();
        return grant;
      },
    });
    listener = provider.callback();
  };
  build();

  return {
    issuer,
    accounts,
    registerClient(client) {
      clients.push(client);
      build();
    },
    async signIn(authorizationUrl, login) {
      const jar = new Map<string, string>();
      let url = new URL(authorizationUrl);
      let form: URLSearchParams | undefined;
      for (let hop = 0; hop < 10; hop++) {
        if (url.origin !== issuer) return url;
        const res = await fetch(url, {
          method: form ? "POST" : "GET",
          body: form,
          redirect: "manual",
          headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join("; ") },
        });
        keepCookies(jar, res.headers);
        form = undefined;
        const location = res.headers.get("location");
        if (location) {
          url = new URL(location, url);
          continue;
        }
        // The development login form (devInteractions): any password, the login names the account.
        const page = await res.text();
        const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
        if (res.status !== 200 || !action || !page.includes('value="login"')) {
          throw new Error(`provider answered ${res.status}: ${page.slice(0, 300)}`);
        }
        url = new URL(action.replaceAll("&amp;", "&"), url);
        form = new URLSearchParams({ prompt: "login", login, password: "anything" });
      }
      throw new Error("too many redirects at the provider");
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

type GrantContext = {
  oidc: {
    provider: {
      Grant: new (init: {
        clientId: string;
        accountId: string;
      }) => { addOIDCScope(scope: string): void; save(): Promise<string> };
    };
    client: { clientId: string };
    session: { accountId: string };
  };
};

/** A minimal cookie jar: every cookie goes back to the provider, whatever its path; deleted ones are dropped. */
function keepCookies(jar: Map<string, string>, headers: Headers) {
  for (const line of headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(";");
    const i = pair!.indexOf("=");
    const name = pair!.slice(0, i).trim();
    const value = pair!.slice(i + 1).trim();
    const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
    if (!value || expired) jar.delete(name);
    else jar.set(name, value);
  }
}
