import { createRouter, createWebHistory, type RouteLocationRaw, type RouteRecordRaw } from "vue-router";
import { isAppPath } from "./app-paths.ts";
import { adminRoute } from "./features/admin/routes.ts";
import SignInPage from "./features/auth/SignInPage.vue";
import { homeRoute } from "./features/shell/inboxLinks.ts";
import { useSessionStore } from "./stores/session.ts";

declare module "vue-router" {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
  }
}

const InboxPage = () => import("./features/conversations/InboxPage.vue");
const ConversationView = () => import("./features/conversations/ConversationView.vue");

/** An inbox list route with its conversation opened beside it (`…/conversations/:uuid`). */
const inbox = (name: string, path: string): RouteRecordRaw => ({
  path,
  name,
  component: InboxPage,
  children: [{ path: "conversations/:uuid", name: `${name}.conversation`, component: ConversationView, props: true }],
});

export const routes: RouteRecordRaw[] = [
  { path: "/login", name: "login", component: SignInPage, meta: { public: true } },
  {
    path: "/forgot-password",
    name: "forgot-password",
    component: () => import("./features/auth/ForgotPasswordPage.vue"),
    meta: { public: true },
  },
  // The links in password-reset and welcome mails (`/reset-password?token=…`); /set-password is the welcome wording.
  {
    path: "/reset-password",
    name: "reset-password",
    component: () => import("./features/auth/SetPasswordPage.vue"),
    props: { mode: "reset" },
    meta: { public: true },
  },
  {
    path: "/set-password",
    name: "set-password",
    component: () => import("./features/auth/SetPasswordPage.vue"),
    props: { mode: "welcome" },
    meta: { public: true },
  },
  // Self-serve sign-up, on the base domain (features/signup; the app boots from the sign-up settings there).
  {
    path: "/signup",
    name: "signup",
    component: () => import("./features/signup/SignupPage.vue"),
    meta: { public: true },
  },
  {
    path: "/signup/verify",
    name: "signup-verify",
    component: () => import("./features/signup/SignupVerifyPage.vue"),
    meta: { public: true },
  },
  {
    path: "/",
    component: () => import("./features/shell/AppShell.vue"),
    children: [
      // Never shown: the guard below sends `/` to the first list the agent may open (homeRoute).
      { path: "", name: "home", component: { render: () => null } },
      inbox("inbox", "inboxes/:list(assigned|unassigned|all|mentioned)"),
      inbox("team", "inboxes/teams/:teamId(\\d+)"),
      inbox("view", "inboxes/views/:viewId(\\d+)"),
      { path: "conversations/:uuid", name: "conversation", component: ConversationView, props: true },
      { path: "account", name: "account", component: () => import("./features/account/AccountPage.vue") },
      { path: "contacts", name: "contacts", component: () => import("./features/contacts/ContactsPage.vue") },
      {
        path: "contacts/:id(\\d+)",
        name: "contact",
        component: () => import("./features/contacts/ContactPage.vue"),
        props: true,
      },
      adminRoute,
    ],
  },
  {
    path: "/:rest(.*)*",
    name: "not-found",
    component: () => import("./features/shell/NotFoundPage.vue"),
    meta: { public: true },
  },
];

/** Where to go after signing in: a path of this app only (never another site, never `//host`). */
export function safeNext(next: unknown): RouteLocationRaw {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\"))
    return { name: "home" };
  return isAppPath(next.split(/[?#]/, 1)[0]!) ? next : { name: "home" };
}

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async (to) => {
  const session = useSessionStore();
  // The mailed links' pages and the like need nobody signed in: no need to ask (the sign-in page does ask, to skip itself).
  if (to.meta.public && to.name !== "login") return true;
  if (!session.checked) await session.check();
  if (to.name === "login" && session.me) return safeNext(to.query.next);
  if (session.me && to.name === "home") return homeRoute(session.can);
  if (to.meta.public || session.me) return true;
  return { name: "login", query: to.fullPath === "/" ? {} : { next: to.fullPath } };
});
