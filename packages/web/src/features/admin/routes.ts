import type { RouteRecordRaw } from "vue-router";
import { ADMIN_SECTIONS } from "./sections.ts";

declare module "vue-router" {
  interface RouteMeta {
    /** The permission an admin screen needs (features/admin/sections.ts); without it the console says so. */
    permission?: string;
  }
}

/** `/admin` and its screens, one child route per section (and its sub-pages), each carrying its permission. */
export const adminRoute: RouteRecordRaw = {
  path: "admin",
  component: () => import("./AdminLayout.vue"),
  children: [
    { path: "", name: "admin", component: () => import("./AdminHome.vue") },
    ...ADMIN_SECTIONS.flatMap((section): RouteRecordRaw[] => [
      {
        path: section.path,
        name: `admin.${section.name}`,
        component: section.component,
        meta: { permission: section.permission },
      },
      ...(section.children ?? []).map(
        (child) => ({ ...child, meta: { ...child.meta, permission: section.permission } }) as RouteRecordRaw,
      ),
    ]),
    { path: ":rest(.*)*", name: "admin.not-found", component: () => import("../shell/NotFoundPage.vue") },
  ],
};
