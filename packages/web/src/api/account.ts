import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Data, Me } from "./types.ts";

/** The API's availabilities (`PUT /agents/me/availability {availability}`). */
export const AVAILABILITIES = ["online", "away", "offline"] as const;
export type Availability = (typeof AVAILABILITIES)[number];

/** The notification types an agent may have mailed to them, each switched on or off (core/notification/mail.ts). */
export const EMAILED_TYPES = ["mention", "assigned", "follower_added"] as const;
export type EmailedType = (typeof EMAILED_TYPES)[number];

/** `GET /agents/me` in full (availability, mail switches, signature): what the account page shows and edits. */
export type Profile = Me;

/** A Google mobile sign-in: one API key per device. */
export type DeviceKey = Data<"GET", "/api/v1/auth/devices">[number];

export type ProfileChange = {
  first_name?: string;
  last_name?: string;
  current_password?: string;
  new_password?: string;
  email_notifications?: Partial<Record<EmailedType, boolean>>;
};

export const accountApi = {
  profile: () => call<Profile>(ENDPOINTS.me),
  update: (change: ProfileChange) => call<Profile>(ENDPOINTS.updateMe, { body: change }),
  /** The profile form's multipart variant: the picture as its `files` part. */
  uploadAvatar: (file: File) => {
    const form = new FormData();
    form.append("files", file);
    return call<Profile>(ENDPOINTS.updateMe, { body: form });
  },
  removeAvatar: () => call<Profile>(ENDPOINTS.myAvatar),
  setAvailability: (availability: Availability) => call<Profile>(ENDPOINTS.myAvailability, { body: { availability } }),
  setSignature: (signature: string) => call<Profile>(ENDPOINTS.mySignature, { body: { signature } }),
  devices: () => call<DeviceKey[]>(ENDPOINTS.myDevices),
  revokeDevice: (id: number) => call<true>(ENDPOINTS.revokeDevice, { params: { id } }),
};
