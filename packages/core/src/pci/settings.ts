import { and, eq } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { getSetting, putSetting, settings } from "../setting/index.ts";
import type { PciDetect } from "./scan.ts";

/** A workspace's PCI scrubbing settings, as the API shows them. */
export type PciSettings = {
  enabled: boolean;
  /** Flagged messages nobody redacted are redacted this many days after they were flagged. */
  auto_redact_days: number;
  detect: PciDetect;
};

export type PciSettingsUpdate = {
  enabled?: boolean | undefined;
  auto_redact_days?: number | undefined;
  detect?: Partial<PciDetect> | undefined;
};

export const PCI_SETTINGS_KEY = "pci";
export const AUTO_REDACT_DAYS = { default: 7, min: 1, max: 365 } as const;

const PCI_DEFAULTS: PciSettings = {
  enabled: true,
  auto_redact_days: AUTO_REDACT_DAYS.default,
  detect: { card_numbers: true, cvv: true, expiry: true },
};

/** Stored values over the defaults (`detect` key by key), so a default changed later reaches those who never set it. */
function withDefaults(stored: PciSettingsUpdate | undefined): PciSettings {
  return {
    enabled: stored?.enabled ?? PCI_DEFAULTS.enabled,
    auto_redact_days: stored?.auto_redact_days ?? PCI_DEFAULTS.auto_redact_days,
    detect: { ...PCI_DEFAULTS.detect, ...stored?.detect },
  };
}

export async function getPciSettings(db: Db, tenantId: number): Promise<PciSettings> {
  return withDefaults(await getSetting<PciSettingsUpdate>(db, tenantId, PCI_SETTINGS_KEY));
}

/** Merges a validated partial update (`detect` merged key by key) under a row lock and returns the result. */
export async function updatePciSettings(db: Db, tenantId: number, patch: PciSettingsUpdate): Promise<PciSettings> {
  return db.transaction(async (tx) => {
    // The row lock (when there is a row) keeps two partial updates of `detect` from losing each other's keys.
    const [row] = await tx
      .select({ value: settings.value })
      .from(settings)
      .where(and(eq(settings.tenantId, tenantId), eq(settings.key, PCI_SETTINGS_KEY)))
      .for("update");
    const stored = (row?.value ?? {}) as PciSettingsUpdate;
    const next: PciSettingsUpdate = {
      ...stored,
      ...(patch.enabled === undefined ? {} : { enabled: patch.enabled }),
      ...(patch.auto_redact_days === undefined ? {} : { auto_redact_days: patch.auto_redact_days }),
      ...(patch.detect === undefined ? {} : { detect: { ...stored.detect, ...patch.detect } }),
    };
    await putSetting(tx, tenantId, PCI_SETTINGS_KEY, next);
    return withDefaults(next);
  });
}
