export { PipelinePage } from "./components/pipeline-page";
export { PipelineHeader } from "./components/pipeline-header";
export { usePipeline } from "./hooks/use-pipeline";
export { usePipelineLive } from "./hooks/use-pipeline-live";
export { shortcutFor, useKeyboardShortcuts } from "./hooks/use-keyboard-shortcuts";
