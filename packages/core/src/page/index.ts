import type { SQL } from "drizzle-orm";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

export type PageRequest = { page: number; pageSize: number };

export type PageResult<T> = {
  results: T[];
  total: number;
  total_pages: number;
  page: number;
  page_size: number;
  /** LibreDesk's name for `page_size`. */
  per_page: number;
};

export const offsetOf = (p: PageRequest) => (p.page - 1) * p.pageSize;

export function pageResult<T>(results: T[], total: number, p: PageRequest): PageResult<T> {
  return {
    results,
    total,
    total_pages: Math.ceil(total / p.pageSize),
    page: p.page,
    page_size: p.pageSize,
    per_page: p.pageSize,
  };
}

/** A resource's allow-listed sort columns: name on the wire → SQL expression. */
export type OrderColumns = Record<string, SQL | import("drizzle-orm").AnyColumn>;
