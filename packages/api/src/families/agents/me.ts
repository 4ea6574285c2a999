import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@helperiq/core/auth/password";
import {
  addPushToken,
  deleteAvatar,
  getMe,
  listAgentsCompact,
  removePushToken,
  setAvailability,
  updateMe,
  type ProfileInput,
} from "@helperiq/core/agent/profile";
import { AVATAR_MAX_BYTES } from "@helperiq/core/media/avatar";
import { MAX_SIGNATURE_LENGTH, setMySignature } from "@helperiq/core/agent/signature";
import { EMAILED_TYPES, type EmailedType } from "@helperiq/core/notification/mail";
import { listTeamsCompact } from "@helperiq/core/team/index";
import { AVAILABILITIES } from "@helperiq/core/user/user.sql";
import { AVAILABILITY_STATUS_NAMES } from "@helperiq/core/agent/availability";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../../context.ts";
import type { AppEnv } from "../../env.ts";
import { auth } from "../../middleware/auth.ts";
import { ok, responds } from "../../middleware/envelope.ts";
import { agentCompact, agentTeam, me } from "../../responses/agent.ts";
import { done } from "../../responses/scalars.ts";
import { teamCompact } from "../../responses/team.ts";
import { storeAvatarFile } from "../../avatar-upload.ts";
import { formField, formFile } from "../../form-fields.ts";
import { uploadLimit } from "../../upload.ts";
import { validate, validateJsonOrForm } from "../../validate.ts";

export const personName = z.string().trim().min(1, "required").max(100);
export const newPassword = z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH);

const profile = z
  .object({
    first_name: personName.optional(),
    last_name: z.string().trim().max(100).optional(),
    current_password: z.string().max(MAX_PASSWORD_LENGTH).optional(),
    new_password: newPassword.optional(),
    email_notifications: z
      .object(
        Object.fromEntries(EMAILED_TYPES.map((type) => [type, z.boolean().optional()])) as Record<
          EmailedType,
          z.ZodOptional<z.ZodBoolean>
        >,
      )
      .strict()
      .optional(),
  })
  .refine((b) => b.new_password === undefined || b.current_password !== undefined, {
    path: ["current_password"],
    message: "required to change the password",
  });
/** What either form of the profile edit asks for: the fields, plus a picture to upload (null removes it). */
type ProfileChange = Omit<ProfileInput, "avatar"> & { files?: File | null | undefined };

/**
 * LibreDesk's profile form (multipart): the avatar as a `files` part ("null" removes it), and the name; its
 * email is accepted back unchanged only (core/agent/profile.ts). Anything else is a 400 naming it.
 */
const profileForm = z
  .object({
    first_name: formField(personName, ""),
    last_name: formField(z.string().trim().max(100), ""),
    email: formField(z.email().max(254), ""),
    files: formFile('A new avatar (PNG, JPEG, GIF or WebP, at most 2 MB); "null" removes it.'),
  })
  .strict()
  .refine((form) => Object.values(form).some((v) => v !== undefined), {
    message: "nothing to update",
    path: ["files"],
  });

/** HelperIQ's `{availability}` or LibreDesk's `{status}` (its finer statuses, see core/agent/availability.ts). */
const availabilityBody = z
  .object({ availability: z.enum(AVAILABILITIES).optional(), status: z.enum(AVAILABILITY_STATUS_NAMES).optional() })
  .strict()
  .refine((b) => (b.availability === undefined) !== (b.status === undefined), {
    path: ["availability"],
    message: "required: availability, or LibreDesk's status (not both)",
  })
  .transform((b) => (b.status !== undefined ? { status: b.status } : { availability: b.availability! }));
const pushToken = z.object({ token: z.string().min(8).max(4096), platform: z.enum(["ios", "android", "web"]) });

/** The signed-in agent's own profile, and the compact lists every agent may read. */
export const meRoutes = new Hono<AppEnv>()
  .get("/api/v1/agents/me", auth(), responds(me), async (c) => ok(c, await getMe(ctxOf(c))))
  .put(
    "/api/v1/agents/me",
    auth(),
    uploadLimit(() => AVATAR_MAX_BYTES, profileForm, "files"),
    validateJsonOrForm<ProfileChange>(profile, profileForm),
    responds(me),
    async (c) => {
      const { files, ...change } = c.req.valid("json");
      const avatar = files ? await storeAvatarFile(c, files) : files;
      return ok(c, await updateMe(ctxOf(c), { ...change, avatar }));
    },
  )
  // The caller's own signature template (LibreDesk fork): composed above the inbox's in every reply.
  .put(
    "/api/v1/agents/me/signature",
    auth(),
    validate("json", z.object({ signature: z.string().max(MAX_SIGNATURE_LENGTH) })),
    responds(me),
    async (c) => {
      await setMySignature(ctxOf(c), c.req.valid("json").signature);
      return ok(c, await getMe(ctxOf(c)));
    },
  )
  .get("/api/v1/agents/me/teams", auth(), responds(z.array(agentTeam)), async (c) =>
    ok(c, (await getMe(ctxOf(c))).teams),
  )
  .put("/api/v1/agents/me/availability", auth(), validate("json", availabilityBody), responds(me), async (c) =>
    ok(c, await setAvailability(ctxOf(c), c.req.valid("json"))),
  )
  .delete("/api/v1/agents/me/avatar", auth(), responds(me), async (c) => ok(c, await deleteAvatar(ctxOf(c))))
  .post("/api/v1/agents/me/push-token", auth(), validate("json", pushToken), responds(done, 201), async (c) => {
    const { token, platform } = c.req.valid("json");
    await addPushToken(ctxOf(c), token, platform);
    return ok(c, true, 201);
  })
  .delete(
    "/api/v1/agents/me/push-token",
    auth(),
    validate("json", pushToken.pick({ token: true })),
    responds(done),
    async (c) => {
      await removePushToken(ctxOf(c), c.req.valid("json").token);
      return ok(c, true);
    },
  )
  .get("/api/v1/agents/compact", auth(), responds(z.array(agentCompact)), async (c) =>
    ok(c, await listAgentsCompact(ctxOf(c))),
  )
  .get("/api/v1/teams/compact", auth(), responds(z.array(teamCompact)), async (c) =>
    ok(c, await listTeamsCompact(ctxOf(c))),
  );
