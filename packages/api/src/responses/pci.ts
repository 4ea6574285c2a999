import { z } from "zod";
import { int } from "./scalars.ts";

/** A workspace's PCI scrubbing settings (core/pci `PciSettings`). */
export const pciSettings = z
  .object({
    enabled: z.boolean(),
    auto_redact_days: int.describe(
      "Flagged messages nobody redacted are redacted this many days after they were flagged.",
    ),
    detect: z.object({ card_numbers: z.boolean(), cvv: z.boolean(), expiry: z.boolean() }),
  })
  .meta({ id: "PciSettings" });
