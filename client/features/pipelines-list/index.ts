export { PipelinesListPage } from "./components/pipelines-list-page";
export { PipelinesTable, formatTrigger } from "./components/pipelines-table";
export { usePipelinesList } from "./hooks/use-pipelines-list";
export { usePipelinesLive } from "./hooks/use-pipelines-live";
export { useRunHelloExample } from "./hooks/use-run-hello-example";
export { applySummaryToList, filtersFromSearch, matchesFilters } from "./utils/apply-summary";
