import { isCfgEvent } from "./cfg-types";
import type { CfgFile, CfgSection } from "./cfg-types";
import { evaluateFilter, parseFilter } from "./filter-expression";

/**
 * The sections a launch runs (DESIGN §2). `requested` is what was asked for: an event
 * (`push`) or a section name (`push production`). A section named exactly so wins, and runs
 * only if its filter holds. Otherwise a bare event runs every labelled section of that event
 * whose filter holds. An empty result means nothing to do; `hasSectionFor` tells that apart
 * from a cfg with no section for the request at all.
 */
export function selectSections(cfg: CfgFile, requested: string, vars: Readonly<Record<string, string>>): CfgSection[] {
  const wanted = normaliseRequest(requested);
  const exact = cfg.sections.find((section) => section.name === wanted);
  if (exact !== undefined) return filterHolds(exact, vars) ? [exact] : [];
  if (!isCfgEvent(wanted)) return [];
  return cfg.sections.filter((section) => section.event === wanted && section.label !== null && filterHolds(section, vars));
}

/** Whether any section answers `requested`, whatever the filters say. */
export function hasSectionFor(cfg: CfgFile, requested: string): boolean {
  const wanted = normaliseRequest(requested);
  return cfg.sections.some((section) => section.name === wanted || (isCfgEvent(wanted) && section.event === wanted));
}

/** `"  push   production "` is `"push production"`. */
function normaliseRequest(requested: string): string {
  return String(requested)
    .split(/[ \t]+/)
    .filter((part) => part.length > 0)
    .join(" ");
}

function filterHolds(section: CfgSection, vars: Readonly<Record<string, string>>): boolean {
  return section.filter === null || evaluateFilter(parseFilter(section.filter), vars);
}
