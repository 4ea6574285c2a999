import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import type { Connection, ConnectionDirectory, Viewer } from "@helperiq/core/realtime/fanout";

/**
 * The API Gateway connection registry in DynamoDB (infra/realtime.ts: `pk`/`sk`, TTL `expires_at`), an
 * adjacency list with strongly consistent reads and no secondary index:
 *
 * | pk                        | sk   | what                                     |
 * |---------------------------|------|------------------------------------------|
 * | `conn#<id>`               | meta | the connection: tenant, kind, user/contact, dialect, first name, sub, viewing |
 * | `t#<tenant>#agents`       | <id> | every agent connection of a workspace (new conversations, presence) |
 * | `t#<tenant>#libredesk`    | <id> | the agent connections in LibreDesk's dialect (every visible conversation's events) |
 * | `t#<tenant>#u#<user>`     | <id> | every connection of one agent            |
 * | `t#<tenant>#c#<contact>`  | <id> | every widget connection of one contact   |
 * | `t#<tenant>#sub#<uuid>`   | <id> | the connections subscribed to a conversation |
 * | `t#<tenant>#view#<uuid>`  | <id> | who views a conversation (presence)      |
 *
 * Every key is inside one workspace, so no lookup can cross tenants. API Gateway closes a connection after
 * two hours at most; items carry `expires_at` a little later (TTL reclaims what a lost `$disconnect` left)
 * and readers ignore expired items, since TTL deletion is lazy (and absent in dynalite).
 */
export type RegisteredConnection = Connection & {
  firstName: string;
  sub?: string;
  viewing?: string;
  touchedAt?: number;
};

const MAX_LIFETIME_SECONDS = 2 * 3600 + 600;

export type RegistryOptions = { tableName: string; client?: DynamoDBClient; now?: () => Date };

export function createConnectionRegistry(options: RegistryOptions) {
  const table = options.tableName;
  const client = options.client ?? new DynamoDBClient({});
  const now = options.now ?? (() => new Date());
  const seconds = () => Math.floor(now().getTime() / 1000);
  const S = (s: string): AttributeValue => ({ S: s });
  const N = (n: number): AttributeValue => ({ N: String(n) });

  const metaKey = (id: string) => ({ pk: S(`conn#${id}`), sk: S("meta") });
  const indexKeys = (c: RegisteredConnection): string[] => {
    const t = `t#${c.tenantId}`;
    const keys = c.kind === "agent" ? [`${t}#agents`, `${t}#u#${c.userId}`] : [`${t}#c#${c.contactId}`];
    if (c.kind === "agent" && c.dialect === "libredesk") keys.push(`${t}#libredesk`);
    if (c.sub) keys.push(`${t}#sub#${c.sub}`);
    if (c.viewing) keys.push(`${t}#view#${c.viewing}`);
    return keys;
  };

  async function putIndex(pk: string, c: RegisteredConnection, expiresAt: number) {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: S(pk),
          sk: S(c.id),
          kind: S(c.kind),
          tenant_id: N(c.tenantId),
          ...(c.kind === "agent" ? { user_id: N(c.userId), dialect: S(c.dialect) } : { contact_id: N(c.contactId) }),
          first_name: S(c.firstName),
          expires_at: N(expiresAt),
        },
      }),
    );
  }

  const deleteIndex = (pk: string, id: string) =>
    client.send(new DeleteItemCommand({ TableName: table, Key: { pk: S(pk), sk: S(id) } }));

  async function get(id: string): Promise<RegisteredConnection | null> {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: table, Key: metaKey(id), ConsistentRead: true }),
    );
    if (!Item || Number(Item.expires_at?.N) <= seconds()) return null;
    return fromItem(id, Item);
  }

  async function query(pk: string): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": S(pk) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const at = seconds();
    return items.filter((i) => Number(i.expires_at?.N) > at);
  }

  const connectionsAt = async (pk: string): Promise<Connection[]> =>
    (await query(pk)).map((i) => fromItem(i.sk!.S!, i));

  async function save(c: RegisteredConnection, expiresAt: number) {
    const item: Record<string, AttributeValue> = {
      ...metaKey(c.id),
      kind: S(c.kind),
      tenant_id: N(c.tenantId),
      ...(c.kind === "agent" ? { user_id: N(c.userId), dialect: S(c.dialect) } : { contact_id: N(c.contactId) }),
      first_name: S(c.firstName),
      expires_at: N(expiresAt),
      ...(c.sub ? { sub: S(c.sub) } : {}),
      ...(c.viewing ? { viewing: S(c.viewing) } : {}),
      ...(c.touchedAt ? { touched_at: N(c.touchedAt) } : {}),
    };
    await client.send(new PutItemCommand({ TableName: table, Item: item }));
  }

  const expiryOf = async (id: string) => {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: table, Key: metaKey(id), ConsistentRead: true }),
    );
    return Number(Item?.expires_at?.N) || seconds() + MAX_LIFETIME_SECONDS;
  };

  const directory: ConnectionDirectory = {
    subscribers: (tenantId, uuid) => connectionsAt(`t#${tenantId}#sub#${uuid}`),
    ofUsers: async (tenantId, userIds) =>
      (await Promise.all(userIds.map((u) => connectionsAt(`t#${tenantId}#u#${u}`)))).flat(),
    agents: (tenantId) => connectionsAt(`t#${tenantId}#agents`),
    listeners: (tenantId) => connectionsAt(`t#${tenantId}#libredesk`),
    visitors: (tenantId, contactId) => connectionsAt(`t#${tenantId}#c#${contactId}`),
    viewers: async (tenantId, uuid): Promise<Viewer[]> => {
      const byUser = new Map<number, Viewer>();
      for (const i of await query(`t#${tenantId}#view#${uuid}`)) {
        const userId = Number(i.user_id?.N);
        if (!byUser.has(userId)) byUser.set(userId, { user_id: userId, first_name: i.first_name?.S ?? "" });
      }
      return [...byUser.values()].sort((a, b) => a.user_id - b.user_id);
    },
  };

  return {
    directory,
    get,
    /** `$connect`: the connection and its index items. */
    async register(c: RegisteredConnection) {
      const expiresAt = seconds() + MAX_LIFETIME_SECONDS;
      await save(c, expiresAt);
      await Promise.all(indexKeys(c).map((pk) => putIndex(pk, c, expiresAt)));
    },
    /** `$disconnect` or a 410 from API Gateway: everything of the connection. Returns what it was. */
    async remove(id: string): Promise<RegisteredConnection | null> {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: table, Key: metaKey(id), ConsistentRead: true }),
      );
      const known = Item ? fromItem(id, Item) : null;
      if (known) await Promise.all(indexKeys(known).map((pk) => deleteIndex(pk, id)));
      await client.send(new DeleteItemCommand({ TableName: table, Key: metaKey(id) }));
      return known;
    },
    /**
     * Every connection of a workspace (a purge closes them): a scan for its `meta` items, since visitors are
     * indexed per contact only. The table holds live connections alone, and a purge is rare.
     */
    async ofWorkspace(tenantId: number): Promise<RegisteredConnection[]> {
      const found: RegisteredConnection[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: table,
            FilterExpression: "sk = :meta AND tenant_id = :t",
            ExpressionAttributeValues: { ":meta": S("meta"), ":t": N(tenantId) },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const i of page.Items ?? []) found.push(fromItem(i.pk!.S!.slice("conn#".length), i));
        start = page.LastEvaluatedKey;
      } while (start);
      return found;
    },
    /** The connection's one subscription, replacing the previous one. */
    async subscribe(c: RegisteredConnection, uuid: string) {
      if (c.sub === uuid) return;
      const expiresAt = await expiryOf(c.id);
      if (c.sub) await deleteIndex(`t#${c.tenantId}#sub#${c.sub}`, c.id);
      const next = { ...c, sub: uuid };
      await putIndex(`t#${c.tenantId}#sub#${uuid}`, next, expiresAt);
      await save(next, expiresAt);
    },
    /** Presence: what the connection views now (null: nothing). */
    async view(c: RegisteredConnection, uuid: string | null) {
      const expiresAt = await expiryOf(c.id);
      if (c.viewing) await deleteIndex(`t#${c.tenantId}#view#${c.viewing}`, c.id);
      const next: RegisteredConnection = { ...c };
      delete next.viewing;
      if (uuid) {
        next.viewing = uuid;
        await putIndex(`t#${c.tenantId}#view#${uuid}`, next, expiresAt);
      }
      await save(next, expiresAt);
    },
    /** Records a `ping`; true when last_active_at is due (at most once a minute per connection). */
    async touch(c: RegisteredConnection, everySeconds = 60): Promise<boolean> {
      const at = seconds();
      if (c.touchedAt && at - c.touchedAt < everySeconds) return false;
      await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: metaKey(c.id),
          UpdateExpression: "SET touched_at = :t",
          ExpressionAttributeValues: { ":t": N(at) },
        }),
      );
      return true;
    },
  };
}

export type ConnectionRegistry = ReturnType<typeof createConnectionRegistry>;

function fromItem(id: string, i: Record<string, AttributeValue>): RegisteredConnection {
  const base = { id, tenantId: Number(i.tenant_id?.N), firstName: i.first_name?.S ?? "" };
  const c: RegisteredConnection =
    i.kind?.S === "visitor"
      ? { ...base, kind: "visitor", contactId: Number(i.contact_id?.N) }
      : // Items written before dialects existed are HelperIQ's.
        {
          ...base,
          kind: "agent",
          userId: Number(i.user_id?.N),
          dialect: i.dialect?.S === "libredesk" ? "libredesk" : "helperiq",
        };
  if (i.sub?.S) c.sub = i.sub.S;
  if (i.viewing?.S) c.viewing = i.viewing.S;
  if (i.touched_at?.N) c.touchedAt = Number(i.touched_at.N);
  return c;
}
