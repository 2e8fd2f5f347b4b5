import ELK from "elkjs/lib/elk.bundled.js";
import type { GraphSpec } from "./build-graph";
import { layoutGraph } from "./graph-layout";
import type { LayoutRequest, LayoutResponse } from "./layout-messages";

/**
 * Runs ELK off the main thread: a large tree's layout takes hundreds of milliseconds, which on the
 * page's thread would freeze it. The bundled ELK installs its own `onmessage` when loaded in a
 * worker; this module's handler replaces it (ELK itself then runs on its in-process fake worker).
 */
const elk = new ELK();
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutResponse): void;
};

scope.onmessage = (event) => {
  const { id, spec } = event.data;
  const started = performance.now();
  layoutGraph(spec as GraphSpec, elk).then(
    (layout) => scope.postMessage({ id, boxes: [...layout], ms: Math.round(performance.now() - started) }),
    (error: unknown) => scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
};
