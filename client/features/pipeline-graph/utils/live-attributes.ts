import { STATE_STYLES } from "../../../components/ui";
import type { GraphNodeSpec } from "./build-graph";
import type { NodeDisplay } from "./live-store";

/** The attributes of a graph element that follow its node's live state; styles.css colours by them. */
export type LiveAttributes = Readonly<Partial<Record<`data-${string}` | "title", string>>>;

/** A card or a group frame: its state, skip flag, selection and a tooltip that says them. */
export function nodeAttributes(spec: GraphNodeSpec, { live, selected }: NodeDisplay): LiveAttributes {
  return {
    "data-state": live.state,
    "data-skipped": String(live.skipped),
    "data-selected": String(selected),
    title: `${spec.id} — ${STATE_STYLES[live.state].label}${live.skipped ? " (skipped)" : ""}`,
  };
}

/** A frame's header dot: its own attribute, so that no rule reaches into the frame (styles.css). */
export function frameDotAttributes({ live }: NodeDisplay): LiveAttributes {
  return { "data-frame-state": live.state };
}

/** An edge moves while the node it leads into runs. */
export function edgeAttributes({ live }: NodeDisplay): LiveAttributes {
  return { "data-animated": String(live.state === "running") };
}

/** Writes the attributes that differ; the element is left alone when none do. */
export function writeAttributes(element: Element, attributes: LiveAttributes): void {
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && element.getAttribute(name) !== value) element.setAttribute(name, value);
}
