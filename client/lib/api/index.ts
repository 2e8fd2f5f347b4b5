export { ApiRequestError, apiFetch, apiUrl, errorFromResponse, isApiRequestError, onUnauthorized } from "./api-client";
export type { ApiRequestInit } from "./api-client";
export { queries } from "./queries";
export type { PipelineFilters } from "./queries";
