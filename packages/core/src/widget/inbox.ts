import type { LivechatInbox } from "../inbox/livechat-config.ts";

/**
 * What of a live-chat inbox the public may read (core/inbox/livechat-config.ts holds the stored shape).
 * An allow-list, so that server-side configuration added to the inbox later (allowed domains, secrets,
 * internal flags) never reaches a visitor by default.
 */

/** Before the panel opens: where and how to draw the launcher (LibreDesk's `settings/launcher`). */
export function launcherSettings(inbox: LivechatInbox) {
  return { launcher: inbox.config.launcher };
}

export function publicSettings(inbox: LivechatInbox) {
  const c = inbox.config;
  return {
    inbox: { uuid: inbox.uuid, name: inbox.name },
    brand_name: c.brand_name,
    logo_url: c.logo_url,
    greeting: c.greeting,
    intro: c.intro,
    launcher: c.launcher,
    prechat_form: c.prechat_form,
    file_upload: c.file_upload,
    /** Whether the site can sign its users in (`auth/exchange`); the secret itself is never shown. */
    identity_verification: inbox.siteSecret !== "",
  };
}
