import type { PageResult } from "@helperiq/core/page/index";
import { z } from "zod";
import { int } from "./scalars.ts";

/** One page of a list (core/page `pageResult`), the shape every paginated route answers. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({
    results: z.array(item),
    total: int,
    total_pages: int,
    page: int,
    page_size: int,
    per_page: int.describe("LibreDesk's name for page_size."),
  }) satisfies z.ZodType<PageResult<z.output<T>>>;
}
