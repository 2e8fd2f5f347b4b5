/**
 * `.conducto.cfg` (DESIGN §2): parse the file, pick the sections a launch runs, build its
 * variables and fill the section's command with them, every value shell-quoted.
 */
export { CfgError, CfgValueError, DEFAULT_CFG_FILE_NAME } from "./cfg-error";
export { CfgEvent, CfgFile, CfgSection, DEFAULT_DUPLICATE_POLICY, DuplicatePolicy, isCfgEvent } from "./cfg-types";
export { MAX_CFG_BYTES, parseCfg } from "./cfg-parser";
export { parseCronSchedule } from "./cron-schedule";
export type { CronSchedule } from "./cron-schedule";
export { evaluateFilter, MAX_FILTER_DEPTH, parseFilter } from "./filter-expression";
export type { FilterExpr } from "./filter-expression";
export { compileGlob, GlobSyntaxError } from "./glob-match";
export type { GlobMatcher } from "./glob-match";
export { isKnownVariable, isVariableName, KNOWN_VARIABLES } from "./known-variables";
export type { KnownVariable } from "./known-variables";
export { buildVariables, MAX_ENV_ID_LENGTH, sanitiseEnvId, toBatonEnv } from "./launch-variables";
export type { LaunchInput } from "./launch-variables";
export { hasSectionFor, selectSections } from "./select-sections";
export { shellQuote } from "./shell-quote";
export { checkCommandTemplate, substituteCommand } from "./substitute";
