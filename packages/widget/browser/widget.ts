/**
 * The embeddable live-chat widget (`GET /widget.js`): plain TypeScript, bundled by esbuild into one
 * minified IIFE (packages/widget/build.ts). A page includes
 *
 *   <script src="https://<workspace host>/widget.js" data-inbox="<live-chat inbox uuid>" async></script>
 *
 * and gets a launcher and a chat panel in a shadow root (the page's CSS cannot reach in, ours cannot leak
 * out; styles.ts). The inbox's live-chat settings (`GET …/chat/settings`) give its brand colour, logo, name,
 * greeting, "typically replies in" line, launcher placement, pre-chat form and whether files may be sent.
 * The first message creates the visitor; its session token is kept in localStorage, per inbox. Agent
 * replies and typing arrive over the widget WebSocket (`/widget/ws?token=…`), reconnected with backoff;
 * while it is down the open conversation is polled every few seconds. Server text is only ever shown with
 * textContent: nothing a server or agent sends is parsed as HTML here (the only markup is our own icons).
 *
 * Keyboard and screen readers: the launcher is a named button with aria-expanded; the panel is a labelled
 * dialog that takes focus when opened and gives it back to the launcher when closed (Escape closes); agent
 * messages arriving live are announced through a polite live region; unread replies show on the launcher.
 *
 * `window.HelperIQ`: open(), close(), toggle(), setUser(jwt) (a site-signed JWT for a verified contact;
 * the visitor's history is merged into it), reset() (forget this browser's session).
 */
import { ICONS } from "./icons.ts";
import { type PrechatField, PrechatForm, type PrechatValues } from "./prechat.ts";
import { applyStyles } from "./styles.ts";

type Attachment = { uuid: string; filename: string; content_type: string; size: number; url: string };
type Author = { type: "agent" | "contact"; first_name: string; last_name: string; avatar_url: string | null };
type Message = {
  uuid: string;
  conversation_uuid: string;
  type: "incoming" | "outgoing";
  text_content: string;
  created_at: string;
  author: Author;
  attachments: Attachment[];
};
type ConversationSummary = { uuid: string; last_message_at: string | null; unread_count?: number };
type Detail = { conversation: ConversationSummary; messages: Message[] };
type Envelope<T> = { data: T };
type Settings = {
  inbox: { name: string };
  brand_name?: string;
  logo_url?: string;
  greeting?: string;
  intro?: string;
  launcher?: { position?: string; color?: string; icon_url?: string; spacing_side?: number; spacing_bottom?: number };
  prechat_form?: { enabled: boolean; title: string; fields: PrechatField[] };
  file_upload?: boolean;
};

const POLL_MS = 3000;
const MAX_BACKOFF_MS = 30_000;
const TYPING_IDLE_MS = 3000;
const INPUT_MAX_HEIGHT = 120;
/** Types a browser shows as an <img> (not SVG: it opens as a document instead). */
const IMAGE_TYPE = /^image\/(png|jpe?g|gif|webp|avif|bmp)$/i;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The text colour (white or near-black) with the better contrast on the brand colour `hex` (WCAG luminance). */
function readableOn(hex: string): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return "#ffffff";
  const n = Number.parseInt(m[1]!, 16);
  const [r = 0, g = 0, b = 0] = [n >> 16, (n >> 8) & 255, n & 255].map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const light = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (light + 0.05) >= (light + 0.05) / 0.05 ? "#ffffff" : "#111827";
}

function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join("") || "?";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = "", text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
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

  /** An http(s) URL from the server (relative ones are the API's own), or null: never javascript: or data:. */
  function safeUrl(url: string | null | undefined): string | null {
    if (!url) return null;
    try {
      const parsed = new URL(url, base);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch {
      return null;
    }
  }

  let token = store.get("token");
  let conversation = store.get("conversation");
  const shown = new Map<string, Message>();
  let socket: WebSocket | null = null;
  let backoff = 1000;
  /** The server closed the socket because the workspace was suspended or deleted: no polling until one opens. */
  let workspaceClosed = false;
  let reconnectTimer: number | undefined;
  let pollTimer: number | undefined;
  let typingSentAt = 0;
  let typingIdle: number | undefined;
  let agentTypingTimer: number | undefined;
  let isOpen = false;
  let unread = 0;
  let launcherIcon: string = ICONS.chat;
  let prechat: PrechatForm | null = null;
  /** The pre-chat answers, once given; sent with the first message. */
  let prechatAnswers: PrechatValues | null = null;

  // ---- UI ---------------------------------------------------------------------------------------
  const host = document.createElement("div");
  host.id = "helperiq-widget";
  host.dataset.transport = "none";
  const root = host.attachShadow({ mode: "open" });
  applyStyles(root);
  const frameEl = el("div", "frame");
  // Our own static markup (icons included); everything from the server goes in with textContent below.
  frameEl.innerHTML = `
    <button class="launcher" type="button" data-hq="launcher" aria-expanded="false" aria-controls="hq-panel" aria-label="Chat with us">
      <span data-hq="launcher-icon"></span><span class="badge" data-hq="badge" aria-hidden="true" hidden></span>
    </button>
    <div class="panel" id="hq-panel" data-hq="panel" role="dialog" aria-labelledby="hq-title" aria-describedby="hq-intro" hidden>
      <header>
        <img class="logo" data-hq="logo" alt="" hidden>
        <div class="heading"><h2 id="hq-title" data-hq="title">Chat</h2><p class="intro" id="hq-intro" data-hq="intro"></p></div>
        <button class="close" type="button" data-hq="close" aria-label="Close chat">${ICONS.close}</button>
      </header>
      <div class="scroll" data-hq="scroll" role="region" aria-label="Conversation" tabindex="0">
        <div class="greeting" data-hq="greeting"></div>
        <div class="messages" data-hq="messages"></div>
      </div>
      <div class="typing" data-hq="typing-row" hidden><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span><span data-hq="typing"></span></div>
      <div class="sr" role="status" data-hq="announce"></div>
      <div class="error" role="alert" data-hq="error"></div>
      <form class="prechat" data-hq="prechat" novalidate hidden></form>
      <form class="composer" data-hq="form">
        <label class="sr" for="hq-input">Message</label>
        <textarea id="hq-input" data-hq="input" rows="1" placeholder="Type a message…" maxlength="10000"></textarea>
        <input type="file" data-hq="file" tabindex="-1" aria-hidden="true" hidden>
        <button class="tool attach" type="button" data-hq="attach" aria-label="Attach a file" hidden>${ICONS.attach}</button>
        <button class="tool send" type="submit" data-hq="send" aria-label="Send">${ICONS.send}</button>
      </form>
    </div>`;
  root.append(frameEl);
  const $ = <T extends Element>(name: string) => root.querySelector(`[data-hq="${name}"]`) as T;
  const launcher = $<HTMLButtonElement>("launcher");
  const panel = $<HTMLDivElement>("panel");
  const scroller = $<HTMLDivElement>("scroll");
  const list = $<HTMLDivElement>("messages");
  const input = $<HTMLTextAreaElement>("input");
  const badge = $<HTMLSpanElement>("badge");
  const composer = $<HTMLFormElement>("form");
  const prechatEl = $<HTMLFormElement>("prechat");
  const attach = $<HTMLButtonElement>("attach");

  const setError = (text: string) => ($<HTMLDivElement>("error").textContent = text);
  const setTransport = (transport: "none" | "socket" | "polling") => (host.dataset.transport = transport);
  const announce = (text: string) => ($<HTMLDivElement>("announce").textContent = text);
  const scrollToEnd = () => (scroller.scrollTop = scroller.scrollHeight);

  function paintLauncher(): void {
    // Open, the launcher shows a chevron (it closes the panel); closed, the inbox's icon or ours.
    $<HTMLSpanElement>("launcher-icon").innerHTML = isOpen ? ICONS.chevronDown : launcherIcon;
    launcher.setAttribute("aria-expanded", String(isOpen));
    badge.textContent = unread > 0 ? String(unread) : "";
    badge.hidden = isOpen || unread === 0;
    const count = !isOpen && unread > 0 ? `, ${unread} unread message${unread === 1 ? "" : "s"}` : "";
    launcher.setAttribute("aria-label", `Chat with us${count}`);
  }

  /** The pre-chat form stands in for the composer until a new visitor has answered it. */
  function layout(): void {
    const asking = prechat !== null && !token && !conversation && prechatAnswers === null;
    prechatEl.hidden = !asking;
    composer.hidden = asking;
  }

  function avatarOf(author: Author, name: string): HTMLElement {
    const box = el("span", "avatar");
    box.setAttribute("aria-hidden", "true");
    const src = safeUrl(author.avatar_url);
    if (!src) {
      box.textContent = initials(name);
      return box;
    }
    const img = el("img");
    img.alt = "";
    img.src = src;
    img.addEventListener("error", () => (box.textContent = initials(name)), { once: true });
    box.append(img);
    return box;
  }

  /** An image as a thumbnail linking to the file, anything else as a chip with its name and size. */
  function attachmentView(file: Attachment): HTMLElement {
    const href = safeUrl(file.url);
    const link = el("a");
    if (href) link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.dataset.hq = "attachment";
    if (href && IMAGE_TYPE.test(file.content_type)) {
      link.className = "thumb";
      const img = el("img");
      img.alt = file.filename;
      img.src = href;
      img.decoding = "async";
      // The list grew when the picture arrived: stay at the end if we were there.
      img.addEventListener("load", scrollToEnd, { once: true });
      link.append(img);
      return link;
    }
    link.className = "chip";
    link.insertAdjacentHTML("afterbegin", ICONS.file);
    link.append(el("span", "", file.filename), el("small", "", fileSize(file.size)));
    return link;
  }

  /** Shows `message` once, in creation order; `live` when it just arrived (counted unread or announced). */
  function render(message: Message, live = false): void {
    if (shown.has(message.uuid) || (conversation && message.conversation_uuid !== conversation)) return;
    shown.set(message.uuid, message);
    const row = el("div", `row ${message.type}`);
    row.dataset.uuid = message.uuid;
    const bubble = el("div", `msg ${message.type}`);
    const fromAgent = message.type === "outgoing";
    const name = `${message.author.first_name} ${message.author.last_name}`.trim() || "Support";
    if (fromAgent) {
      row.append(avatarOf(message.author, name));
      bubble.append(el("span", "who", name));
    }
    if (message.text_content) bubble.append(document.createTextNode(message.text_content));
    if (message.attachments.length) {
      const files = el("div", "files");
      files.append(...message.attachments.map(attachmentView));
      bubble.append(files);
    }
    row.append(bubble);
    // Keep the order of creation even when a push overtakes a poll.
    const after = [...list.children].find(
      (node) => (shown.get((node as HTMLElement).dataset.uuid ?? "")?.created_at ?? "") > message.created_at,
    );
    list.insertBefore(row, after ?? null);
    scrollToEnd();
    if (!live || !fromAgent) return;
    const what = message.text_content || message.attachments.map((f) => f.filename).join(", ");
    announce(`${name}: ${what}`);
    if (isOpen) void markSeen();
    else {
      unread += 1;
      paintLauncher();
    }
  }

  function renderDetail(detail: Detail, live: boolean): void {
    for (const message of detail.messages) render(message, live);
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
    prechatAnswers = null;
    store.set("token", null);
    store.set("conversation", null);
    closeSocket();
    layout();
  }

  async function refresh(live = true): Promise<void> {
    if (!conversation || !token) return;
    try {
      renderDetail(await api<Detail>("GET", `/api/v1/widget/chat/conversations/${conversation}`), live);
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
      // Replies the visitor has not seen (the server's count: update-last-seen resets it).
      unread = isOpen ? 0 : (conversations[0]?.unread_count ?? 0);
      paintLauncher();
      await refresh(false);
      connect();
    } catch {
      /* a failed start leaves the launcher usable; sending retries */
    }
    layout();
  }

  async function send(text: string): Promise<void> {
    setError("");
    if (!conversation) {
      const init = () =>
        api<Detail & { session_token?: string }>("POST", "/api/v1/widget/chat/conversations/init", {
          message: text,
          page: page(),
          ...(prechatAnswers ? { form_data: prechatAnswers } : {}),
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
      renderDetail(started, false);
      connect();
      layout();
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
    setError("");
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

  /** A refused send: a pre-chat answer the server named goes back to its field; anything else above the composer. */
  function showSendError(err: Error): void {
    const named = /^form_data\.([a-z0-9_]+): (.+)$/.exec(err.message);
    if (named && prechat?.setError(named[1]!, named[2]!)) {
      prechatAnswers = null;
      layout();
      prechat.focus(named[1]!);
      setError("Please check your details.");
      return;
    }
    setError(err.message);
  }

  // ---- realtime: the widget socket, polling while it is down --------------------------------------
  function connect(): void {
    if (!token || socket || reconnectTimer !== undefined) return;
    if (!workspaceClosed) startPolling();
    let opened = false;
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/widget/ws?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onopen = () => {
      opened = true;
      workspaceClosed = false;
      backoff = 1000;
      setTransport("socket");
      stopPolling();
      ws.send(JSON.stringify({ type: "page_visit", data: page() }));
      // Anything sent while the socket was down.
      void refresh();
    };
    ws.onmessage = (event) => onFrame(typeof event.data === "string" ? event.data : "");
    ws.onclose = (event) => {
      if (socket === ws) socket = null;
      if (!token) return;
      // 4403/4404: the workspace was suspended or deleted (core/port/workspace-sockets.ts); its handshake and API
      // now answer 403/404, so no polling into them and only the slowest socket retries, until one opens again.
      if (event.code === 4403 || event.code === 4404) workspaceClosed = true;
      if (workspaceClosed) {
        stopPolling();
        setTransport("none");
        backoff = MAX_BACKOFF_MS;
      } else {
        startPolling();
        if (!opened) backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
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
        if (
          typeof data.uuid === "string" &&
          typeof data.text_content === "string" &&
          data.author &&
          Array.isArray(data.attachments)
        )
          render(data as unknown as Message, true);
        else void refresh();
        if (agentTypingTimer !== undefined) showTyping(false);
        break;
      case "message_update":
      case "conversation_update":
        if (!about || about === conversation) void refresh();
        break;
      case "typing": {
        // The server names the agent who types (as on their replies); an older server sends no one.
        const agent = data.agent as { first_name?: unknown } | null | undefined;
        const name = typeof agent?.first_name === "string" ? agent.first_name.trim() : "";
        if (!about || about === conversation) showTyping(data.is_typing === true, name);
        break;
      }
    }
  }

  function showTyping(on: boolean, name = ""): void {
    window.clearTimeout(agentTypingTimer);
    agentTypingTimer = undefined;
    $<HTMLDivElement>("typing-row").hidden = !on;
    $<HTMLSpanElement>("typing").textContent = on ? `${name || "Support"} is typing…` : "";
    if (on) scrollToEnd();
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
    panel.hidden = false;
    unread = 0;
    paintLauncher();
    layout();
    scrollToEnd();
    void markSeen();
    (prechatEl.hidden ? input : (prechat?.first() ?? input)).focus();
  }

  /** Closes the panel; focus inside it goes back to the launcher (not taken from wherever the page put it). */
  function close(): void {
    const focusInside = root.activeElement !== null && panel.contains(root.activeElement);
    isOpen = false;
    panel.hidden = true;
    paintLauncher();
    if (focusInside) launcher.focus();
  }

  launcher.addEventListener("click", () => (isOpen ? close() : open()));
  $<HTMLButtonElement>("close").addEventListener("click", close);
  frameEl.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen) {
      event.preventDefault();
      close();
      launcher.focus();
    }
  });
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    const button = $<HTMLButtonElement>("send");
    button.disabled = true;
    send(text)
      .then(() => {
        input.value = "";
        fitInput();
        sendTyping(false);
      })
      .catch(showSendError)
      .finally(() => (button.disabled = false));
  });
  prechatEl.addEventListener("submit", (event) => {
    event.preventDefault();
    const answers = prechat?.collect();
    if (!answers) return;
    setError("");
    prechatAnswers = answers;
    layout();
    input.focus();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  /** The message box grows with what is typed, up to a few lines. */
  function fitInput(): void {
    input.style.height = "auto";
    input.style.height = `${Math.min(Math.max(input.scrollHeight + 2, 40), INPUT_MAX_HEIGHT)}px`;
  }
  input.addEventListener("input", () => {
    fitInput();
    const now = Date.now();
    if (now - typingSentAt > 2000) {
      typingSentAt = now;
      sendTyping(true);
    }
    window.clearTimeout(typingIdle);
    typingIdle = window.setTimeout(() => sendTyping(false), TYPING_IDLE_MS);
  });
  const fileInput = $<HTMLInputElement>("file");
  attach.addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    fileInput.value = "";
    if (!file) return;
    attach.disabled = true;
    upload(file)
      .catch((err: Error) => setError(err.message))
      .finally(() => (attach.disabled = false));
  });

  (window as unknown as { HelperIQ: unknown }).HelperIQ = {
    open,
    close,
    toggle: () => (isOpen ? close() : open()),
    reset: () => {
      forget();
      shown.clear();
      list.replaceChildren();
      unread = 0;
      paintLauncher();
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

  /** The inbox's look and questions: colours and placement as custom properties, texts with textContent. */
  function applySettings(settings: Settings): void {
    const look: NonNullable<Settings["launcher"]> = settings.launcher ?? {};
    if (look.color) {
      host.style.setProperty("--hq-color", look.color);
      host.style.setProperty("--hq-on", readableOn(look.color));
    }
    if (look.spacing_side !== undefined) host.style.setProperty("--hq-side", `${look.spacing_side}px`);
    if (look.spacing_bottom !== undefined) host.style.setProperty("--hq-bottom", `${look.spacing_bottom}px`);
    frameEl.classList.toggle("left", look.position === "left");
    const icon = safeUrl(look.icon_url);
    if (icon) {
      const img = el("img");
      img.alt = "";
      img.src = icon;
      launcherIcon = img.outerHTML;
    }
    const title = settings.brand_name || settings.inbox.name || "Chat";
    $<HTMLElement>("title").textContent = title;
    $<HTMLElement>("intro").textContent = settings.intro ?? "";
    if (!settings.intro) panel.removeAttribute("aria-describedby");
    const logo = $<HTMLImageElement>("logo");
    const logoUrl = safeUrl(settings.logo_url);
    if (logoUrl) logo.src = logoUrl;
    logo.hidden = !logoUrl;
    $<HTMLDivElement>("greeting").textContent = settings.greeting ?? "";
    attach.hidden = settings.file_upload === false;
    const form = settings.prechat_form;
    prechat =
      form?.enabled && form.fields.length ? new PrechatForm(prechatEl, form.title, form.fields, "Start chat") : null;
    paintLauncher();
    layout();
  }

  async function start(): Promise<void> {
    document.body.append(host);
    try {
      applySettings(await api<Settings>("GET", "/api/v1/widget/chat/settings"));
    } catch (err) {
      // Not allowed here (origin), unknown or disabled inbox: no widget at all.
      host.remove();
      console.error("[HelperIQ] chat unavailable:", (err as Error).message);
      return;
    }
    host.dataset.ready = "true";
    await loadLatest();
  }

  paintLauncher();
  if (document.body) void start();
  else document.addEventListener("DOMContentLoaded", () => void start(), { once: true });
})();
