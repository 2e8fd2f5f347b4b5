import { useEffect, useRef } from "react";
import type { NodeAction } from "../../../../shared/api/node-actions";
import type { NodeActionTarget } from "../utils/action-availability";
import { nodeActionAvailability } from "../utils/action-availability";

export interface NodeActionMenuProps {
  path: string;
  node: NodeActionTarget;
  position: { x: number; y: number };
  onAction: (action: NodeAction) => void;
  onModify: (path: string) => void;
  onClose: () => void;
}

/** The graph's right-click menu: the node controls, disabled where they cannot apply. */
export function NodeActionMenu({ path, node, position, onAction, onModify, onClose }: NodeActionMenuProps) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>("button:not(:disabled)")?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    window.addEventListener("pointerdown", onPointerDown, true);
    window.addEventListener("keydown", onKeyDown);
    window.addEventListener("resize", onClose);
    return () => {
      window.removeEventListener("pointerdown", onPointerDown, true);
      window.removeEventListener("keydown", onKeyDown);
      window.removeEventListener("resize", onClose);
    };
  }, [onClose]);

  const rerun = nodeActionAvailability("rerun", node);
  const skip = nodeActionAvailability(node.skipped ? "unskip" : "skip", node);
  const kill = nodeActionAvailability("kill", node);
  const modify = nodeActionAvailability("modify", node);
  const items = [
    { key: "rerun", label: "Rerun…", availability: rerun, run: () => onAction({ action: "rerun", path }) },
    {
      key: "skip",
      label: node.skipped ? "Unskip" : "Skip",
      availability: skip,
      run: () => onAction(node.skipped ? { action: "unskip", path } : { action: "skip", path }),
    },
    { key: "kill", label: "Kill…", availability: kill, run: () => onAction({ action: "kill", path }) },
    { key: "modify", label: "Modify…", availability: modify, run: () => onModify(path) },
  ];

  return (
    <div
      ref={ref}
      role="menu"
      aria-label={`Actions for ${path}`}
      data-testid="node-context-menu"
      className="fixed z-50 min-w-44 rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg"
      style={{ left: Math.min(position.x, window.innerWidth - 190), top: Math.min(position.y, window.innerHeight - 170) }}
    >
      <div className="truncate px-3 py-1 font-mono text-xs text-slate-500">{path}</div>
      {items.map((item) => (
        <button
          key={item.key}
          type="button"
          role="menuitem"
          disabled={!item.availability.enabled}
          title={item.availability.reason ?? undefined}
          className="block w-full px-3 py-1.5 text-left text-slate-800 hover:bg-slate-100 disabled:cursor-not-allowed disabled:text-slate-400 disabled:hover:bg-transparent"
          onClick={() => {
            onClose();
            item.run();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
