// Every drizzle table of the core model; drizzle-kit reads this file to generate migrations.
export * from "./tenant/tenant.sql.ts";
export * from "./user/user.sql.ts";
export * from "./role/role.sql.ts";
export * from "./team/team.sql.ts";
export * from "./auth/auth.sql.ts";
export * from "./status/status.sql.ts";
export * from "./tag/tag.sql.ts";
export * from "./custom-attribute/custom-attribute.sql.ts";
export * from "./inbox/inbox.sql.ts";
export * from "./conversation/conversation.sql.ts";
export * from "./message/message.sql.ts";
export * from "./media/media.sql.ts";
export * from "./macro/macro.sql.ts";
export * from "./view/view.sql.ts";
export * from "./notification/notification.sql.ts";
export * from "./contact/contact.sql.ts";
export * from "./setting/setting.sql.ts";
