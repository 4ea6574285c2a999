/**
 * The embeddable live-chat widget (`GET /widget.js`): plain TypeScript, bundled by esbuild into one
 * minified IIFE (packages/widget/build.ts). A page includes
 *
 *   <script src="https://<workspace host>/widget.js" data-inbox="<live-chat inbox uuid>" async></script>
 *
 * and gets a launcher and a chat panel in a shadow root (the page's CSS cannot reach in, ours cannot leak
 * out). The first message creates the visitor; its session token is kept in localStorage, per inbox. Agent
 * replies and typing arrive over the widget WebSocket (`/widget/ws?token=…`), reconnected with backoff;
 * while it is down the open conversation is polled every few seconds. Server text is only ever shown with
 * textContent: nothing a server or agent sends is parsed as HTML here.
 *
 * `window.HelperIQ`: open(), close(), toggle(), setUser(jwt) (a site-signed JWT for a verified contact;
 * the visitor's history is merged into it), reset() (forget this browser's session).
 */

type Message = {
  uuid: string;
  conversation_uuid: string;
  type: "incoming" | "outgoing";
  text_content: string;
  created_at: string;
  author: { type: "agent" | "contact"; first_name: string; last_name: string };
  attachments: { uuid: string; filename: string; url: string }[];
};
type ConversationSummary = { uuid: string; last_message_at: string | null };
type Detail = { conversation: ConversationSummary; messages: Message[] };
type Envelope<T> = { data: T };

const POLL_MS = 3000;
const MAX_BACKOFF_MS = 30_000;
const TYPING_IDLE_MS = 3000;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

(() => {
  const tag = document.currentScript as HTMLScriptElement | null;
  const inboxId = tag?.dataset.inbox;
  if (!tag || !inboxId) {
    console.error('[HelperIQ] the widget script needs data-inbox="<inbox uuid>"');
    return;
  }
  if ((window as unknown as { HelperIQ?: unknown }).HelperIQ) return;
  const base = new URL(tag.src, location.href).origin;
  const keyOf = (name: string) => `helperiq:${inboxId}:${name}`;
  const store = {
    get: (name: string) => {
      try {
        return localStorage.getItem(keyOf(name));
      } catch {
        return null;
      }
    },
    set: (name: string, value: string | null) => {
      try {
        if (value === null) localStorage.removeItem(keyOf(name));
        else localStorage.setItem(keyOf(name), value);
      } catch {
        /* storage disabled: the session lasts as long as the page */
      }
    },
  };

  let token = store.get("token");
  let conversation = store.get("conversation");
  const shown = new Map<string, Message>();
  let socket: WebSocket | null = null;
  let backoff = 1000;
  let reconnectTimer: number | undefined;
  let pollTimer: number | undefined;
  let typingSentAt = 0;
  let typingIdle: number | undefined;
  let agentTypingTimer: number | undefined;
  let isOpen = false;
  let greeting = "";
  let fileUpload = false;

  // ---- UI ---------------------------------------------------------------------------------------
  const host = document.createElement("div");
  host.id = "helperiq-widget";
  host.dataset.transport = "none";
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `
    <style>
      :host { all: initial; }
      .launcher { position: fixed; bottom: 20px; right: 20px; width: 56px; height: 56px; border-radius: 50%;
        border: 0; background: var(--hq-color, #2563eb); color: #fff; font: 600 22px/56px system-ui, sans-serif;
        cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 2147483000; }
      .badge { position: absolute; top: -4px; right: -4px; min-width: 18px; height: 18px; border-radius: 9px;
        background: #dc2626; color: #fff; font: 600 11px/18px system-ui, sans-serif; display: none; }
      .panel { position: fixed; bottom: 88px; right: 20px; width: 340px; max-width: calc(100vw - 40px);
        height: 460px; max-height: calc(100vh - 120px); display: none; flex-direction: column; background: #fff;
        border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; z-index: 2147483000;
        font: 14px/1.4 system-ui, sans-serif; color: #111827; }
      .panel.open { display: flex; }
      .left .launcher, .left .panel { right: auto; left: 20px; }
      header { background: var(--hq-color, #2563eb); color: #fff; padding: 12px 14px; font-weight: 600; }
      .greeting { padding: 10px 14px; color: #374151; border-bottom: 1px solid #e5e7eb; white-space: pre-wrap; }
      .greeting:empty { display: none; }
      .messages { flex: 1; overflow-y: auto; padding: 10px 14px; display: flex; flex-direction: column; gap: 6px; }
      .msg { max-width: 80%; padding: 7px 10px; border-radius: 10px; white-space: pre-wrap; word-wrap: break-word; }
      .msg.incoming { align-self: flex-end; background: var(--hq-color, #2563eb); color: #fff; }
      .msg.outgoing { align-self: flex-start; background: #f3f4f6; }
      .msg .who { display: block; font-size: 11px; color: #6b7280; margin-bottom: 2px; }
      .msg a { color: inherit; }
      .typing { padding: 0 14px 6px; font-size: 12px; color: #6b7280; min-height: 16px; }
      .error { padding: 0 14px; font-size: 12px; color: #b91c1c; }
      form { display: flex; gap: 6px; border-top: 1px solid #e5e7eb; padding: 8px; align-items: flex-end; }
      textarea { flex: 1; resize: none; border: 1px solid #d1d5db; border-radius: 8px; padding: 7px; font: inherit; height: 38px; }
      button.send, label.attach { border: 0; border-radius: 8px; background: var(--hq-color, #2563eb); color: #fff;
        padding: 0 12px; height: 38px; font: inherit; cursor: pointer; line-height: 38px; }
      label.attach { background: #e5e7eb; color: #111827; display: none; }
      label.attach.on { display: inline-block; }
      input[type=file] { display: none; }
    </style>
    <div class="frame">
      <button class="launcher" type="button" data-hq="launcher" aria-label="Chat with us">💬<span class="badge" data-hq="badge"></span></button>
      <div class="panel" data-hq="panel" role="dialog" aria-label="Chat">
        <header data-hq="title">Chat</header>
        <div class="greeting" data-hq="greeting"></div>
        <div class="messages" data-hq="messages"></div>
        <div class="typing" data-hq="typing"></div>
        <div class="error" data-hq="error"></div>
        <form data-hq="form">
          <textarea data-hq="input" placeholder="Type a message…" maxlength="10000"></textarea>
          <label class="attach" data-hq="attach" title="Attach a file">📎<input type="file" data-hq="file"></label>
          <button class="send" type="submit" data-hq="send">Send</button>
        </form>
      </div>
    </div>`;
  const $ = <T extends Element>(name: string) => root.querySelector(`[data-hq="${name}"]`) as T;
  const frame = root.querySelector(".frame") as HTMLDivElement;
  const panel = $<HTMLDivElement>("panel");
  const list = $<HTMLDivElement>("messages");
  const input = $<HTMLTextAreaElement>("input");
  const badge = $<HTMLSpanElement>("badge");
  let unread = 0;

  const setError = (text: string) => ($<HTMLDivElement>("error").textContent = text);
  const setTransport = (transport: "none" | "socket" | "polling") => (host.dataset.transport = transport);

  function render(message: Message): void {
    if (shown.has(message.uuid) || (conversation && message.conversation_uuid !== conversation)) return;
    shown.set(message.uuid, message);
    const item = document.createElement("div");
    item.className = `msg ${message.type}`;
    item.dataset.uuid = message.uuid;
    if (message.type === "outgoing") {
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = `${message.author.first_name} ${message.author.last_name}`.trim() || "Support";
      item.append(who);
    }
    item.append(document.createTextNode(message.text_content));
    for (const file of message.attachments) {
      const link = document.createElement("a");
      link.textContent = `📎 ${file.filename}`;
      if (/^https?:\/\//i.test(file.url)) link.href = file.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      item.append(document.createElement("br"), link);
    }
    // Keep the order of creation even when a push overtakes a poll.
    const after = [...list.children].find(
      (el) => (shown.get((el as HTMLElement).dataset.uuid ?? "")?.created_at ?? "") > message.created_at,
    );
    list.insertBefore(item, after ?? null);
    list.scrollTop = list.scrollHeight;
    if (message.type === "outgoing" && !isOpen) {
      unread += 1;
      badge.textContent = String(unread);
      badge.style.display = "block";
    }
  }

  function renderDetail(detail: Detail): void {
    for (const message of detail.messages) render(message);
  }

  // ---- API ---------------------------------------------------------------------------------------
  async function api<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T> {
    const url = new URL(base + path);
    url.searchParams.set("inbox_id", inboxId!);
    const headers: Record<string, string> = { ...extra };
    if (token) headers.Authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers, credentials: "omit" };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(url, init);
    const json = (await res.json().catch(() => null)) as Envelope<T & { message?: string }> | null;
    if (res.status === 401 && token) forget();
    if (!res.ok) throw new ApiError(res.status, json?.data?.message ?? `HTTP ${res.status}`);
    return json!.data;
  }

  const page = () => ({ url: location.href.slice(0, 2048), title: document.title.slice(0, 300) });

  function forget(): void {
    token = null;
    conversation = null;
    store.set("token", null);
    store.set("conversation", null);
    closeSocket();
  }

  async function refresh(): Promise<void> {
    if (!conversation || !token) return;
    try {
      renderDetail(await api<Detail>("GET", `/api/v1/widget/chat/conversations/${conversation}`));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        conversation = null;
        store.set("conversation", null);
      }
    }
  }

  async function loadLatest(): Promise<void> {
    if (!token) return;
    try {
      const conversations = await api<ConversationSummary[]>("GET", "/api/v1/widget/chat/conversations");
      conversation = conversations[0]?.uuid ?? null;
      store.set("conversation", conversation);
      await refresh();
      connect();
    } catch {
      /* a failed start leaves the launcher usable; sending retries */
    }
  }

  async function send(text: string): Promise<void> {
    setError("");
    if (!conversation) {
      const init = () =>
        api<Detail & { session_token?: string }>("POST", "/api/v1/widget/chat/conversations/init", {
          message: text,
          page: page(),
        });
      const hadToken = token !== null;
      // An expired session was just forgotten (401): start over once as a new visitor.
      const started = await init().catch((err: unknown) => {
        if (hadToken && err instanceof ApiError && err.status === 401) return init();
        throw err;
      });
      if (started.session_token) {
        token = started.session_token;
        store.set("token", token);
      }
      conversation = started.conversation.uuid;
      store.set("conversation", conversation);
      renderDetail(started);
      connect();
      return;
    }
    render(
      await api<Message>("POST", `/api/v1/widget/chat/conversations/${conversation}/message`, {
        message: text,
        page: page(),
      }),
    );
  }

  async function upload(file: File): Promise<void> {
    if (!conversation) {
      setError("Send a message first, then attach files.");
      return;
    }
    const form = new FormData();
    form.append("conversation_uuid", conversation);
    form.append("files", file);
    render(await api<Message>("POST", "/api/v1/widget/media/upload", form));
  }

  async function markSeen(): Promise<void> {
    if (conversation && token)
      await api("POST", `/api/v1/widget/chat/conversations/${conversation}/update-last-seen`, { page: page() }).catch(
        () => undefined,
      );
  }

  // ---- realtime: the widget socket, polling while it is down --------------------------------------
  function connect(): void {
    if (!token || socket || reconnectTimer !== undefined) return;
    startPolling();
    let opened = false;
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/widget/ws?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onopen = () => {
      opened = true;
      backoff = 1000;
      setTransport("socket");
      stopPolling();
      ws.send(JSON.stringify({ type: "page_visit", data: page() }));
      // Anything sent while the socket was down.
      void refresh();
    };
    ws.onmessage = (event) => onFrame(typeof event.data === "string" ? event.data : "");
    ws.onclose = () => {
      if (socket === ws) socket = null;
      if (!token) return;
      startPolling();
      if (!opened) backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      reconnectTimer = window.setTimeout(() => {
        reconnectTimer = undefined;
        connect();
      }, backoff);
    };
  }

  function closeSocket(): void {
    if (reconnectTimer !== undefined) window.clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    const ws = socket;
    socket = null;
    ws?.close();
    stopPolling();
    setTransport("none");
  }

  function onFrame(text: string): void {
    if (text === "ping") return void socket?.send("pong");
    let frame: { type?: string; data?: Record<string, unknown> };
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    const data = frame.data ?? {};
    const about = (data.conversation_uuid ?? data.uuid) as string | undefined;
    switch (frame.type) {
      case "new_message":
        // A pushed widget message is shown as is; any other shape is fetched.
        if (typeof data.uuid === "string" && typeof data.text_content === "string" && data.author)
          render(data as unknown as Message);
        else void refresh();
        if (agentTypingTimer !== undefined) showTyping(false);
        break;
      case "message_update":
      case "conversation_update":
        if (!about || about === conversation) void refresh();
        break;
      case "typing":
        if (!about || about === conversation) showTyping(data.is_typing === true);
        break;
    }
  }

  function showTyping(on: boolean): void {
    window.clearTimeout(agentTypingTimer);
    agentTypingTimer = undefined;
    $<HTMLDivElement>("typing").textContent = on ? "Support is typing…" : "";
    // A lost "stopped typing" must not leave the indicator on.
    if (on) agentTypingTimer = window.setTimeout(() => showTyping(false), 10_000);
  }

  function startPolling(): void {
    setTransport(socket?.readyState === WebSocket.OPEN ? "socket" : "polling");
    if (pollTimer === undefined) pollTimer = window.setInterval(() => void refresh(), POLL_MS);
  }

  function stopPolling(): void {
    window.clearInterval(pollTimer);
    pollTimer = undefined;
  }

  function sendTyping(isTyping: boolean): void {
    if (socket?.readyState !== WebSocket.OPEN || !conversation) return;
    socket.send(JSON.stringify({ type: "typing", data: { conversation_uuid: conversation, is_typing: isTyping } }));
  }

  // ---- wiring ------------------------------------------------------------------------------------
  function open(): void {
    isOpen = true;
    panel.classList.add("open");
    unread = 0;
    badge.style.display = "none";
    $<HTMLDivElement>("greeting").textContent = greeting;
    void markSeen();
    input.focus();
  }
  function close(): void {
    isOpen = false;
    panel.classList.remove("open");
  }

  $<HTMLButtonElement>("launcher").addEventListener("click", () => (isOpen ? close() : open()));
  $<HTMLFormElement>("form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    const button = $<HTMLButtonElement>("send");
    button.disabled = true;
    send(text)
      .then(() => {
        input.value = "";
        sendTyping(false);
      })
      .catch((err: Error) => setError(err.message))
      .finally(() => (button.disabled = false));
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $<HTMLFormElement>("form").requestSubmit();
    }
  });
  input.addEventListener("input", () => {
    const now = Date.now();
    if (now - typingSentAt > 2000) {
      typingSentAt = now;
      sendTyping(true);
    }
    window.clearTimeout(typingIdle);
    typingIdle = window.setTimeout(() => sendTyping(false), TYPING_IDLE_MS);
  });
  $<HTMLInputElement>("file").addEventListener("change", (event) => {
    const field = event.target as HTMLInputElement;
    const file = field.files?.[0];
    field.value = "";
    if (file) upload(file).catch((err: Error) => setError(err.message));
  });

  (window as unknown as { HelperIQ: unknown }).HelperIQ = {
    open,
    close,
    toggle: () => (isOpen ? close() : open()),
    reset: () => {
      forget();
      shown.clear();
      list.replaceChildren();
    },
    async setUser(jwt: string) {
      // The exchange is public: the current session goes along as the visitor to merge, not as credentials
      // (so a refused JWT, 401, does not make api() forget it).
      const visitor = token;
      token = null;
      try {
        const done = await api<{ session_token: string }>(
          "POST",
          "/api/v1/widget/chat/auth/exchange",
          { jwt },
          visitor ? { "X-Libredesk-Visitor-Token": visitor } : {},
        );
        closeSocket();
        token = done.session_token;
        store.set("token", token);
        await loadLatest();
      } catch (err) {
        token = visitor;
        throw err;
      }
    },
  };

  async function start(): Promise<void> {
    document.body.append(host);
    try {
      const launcher = await api<{ launcher: { position?: string; color?: string } }>(
        "GET",
        "/api/v1/widget/chat/settings/launcher",
      );
      if (launcher.launcher.color) host.style.setProperty("--hq-color", launcher.launcher.color);
      if (launcher.launcher.position === "left") frame.classList.add("left");
      const settings = await api<{
        greeting?: string;
        brand_name?: string;
        inbox: { name: string };
        file_upload?: boolean;
      }>("GET", "/api/v1/widget/chat/settings");
      greeting = settings.greeting ?? "";
      fileUpload = settings.file_upload !== false;
      $<HTMLElement>("title").textContent = settings.brand_name || settings.inbox.name || "Chat";
      $<HTMLLabelElement>("attach").classList.toggle("on", fileUpload);
    } catch (err) {
      // Not allowed here (origin), unknown or disabled inbox: no widget at all.
      host.remove();
      console.error("[HelperIQ] chat unavailable:", (err as Error).message);
      return;
    }
    host.dataset.ready = "true";
    await loadLatest();
  }

  if (document.body) void start();
  else document.addEventListener("DOMContentLoaded", () => void start(), { once: true });
})();
