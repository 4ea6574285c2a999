import { z } from "zod";
import { int } from "./scalars.ts";

/** An upload, not yet part of a message: attach it by `uuid` (or LibreDesk's `id`); `url` is signed. */
export const uploadedMedia = z
  .object({
    id: int,
    uuid: z.string(),
    filename: z.string(),
    content_type: z.string(),
    size: int,
    url: z.string(),
    inline: z.boolean().describe("An image shown inside a message's HTML."),
  })
  .meta({ id: "Upload" });
