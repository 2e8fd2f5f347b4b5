import { z } from "zod";

/** The events a `.conducto.cfg` section can name (DESIGN §2). */
export const CfgEvent = z.enum([
  "push",
  "pr",
  "pr-close",
  "create-branch",
  "delete-branch",
  "create-tag",
  "delete-tag",
  "cron",
]);
export type CfgEvent = z.infer<typeof CfgEvent>;

/** What happens to a new pipeline for a section and branch while one is still running. */
export const DuplicatePolicy = z.enum(["SUPPRESS_NEW", "ALLOW", "SLEEP_OLD", "DEFER"]);
export type DuplicatePolicy = z.infer<typeof DuplicatePolicy>;

export const DEFAULT_DUPLICATE_POLICY: DuplicatePolicy = "SUPPRESS_NEW";

export const CfgSection = z.object({
  /** `push`, or `push production` for a labelled section: event and label joined by one space. */
  name: z.string().min(1),
  event: CfgEvent,
  label: z.string().min(1).nullable(),
  /** 1-based line of the section header. */
  line: z.number().int().positive(),
  command: z.string().min(1),
  filter: z.string().min(1).nullable(),
  image: z.string().min(1).nullable(),
  duplicate: DuplicatePolicy,
  schedule: z.string().min(1).nullable(),
});
export type CfgSection = z.infer<typeof CfgSection>;

export const CfgFile = z.object({ sections: z.array(CfgSection) });
export type CfgFile = z.infer<typeof CfgFile>;

export function isCfgEvent(value: string): value is CfgEvent {
  return CfgEvent.safeParse(value).success;
}
