import { useEffect, useRef } from "react";

export interface KeyboardShortcuts {
  next: () => void;
  previous: () => void;
  nextError: () => void;
  rerun: () => void;
  search: () => void;
}

/** Typing in a field, or with a modifier held, is never a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== "string") return false;
  const element = target as HTMLElement;
  const tag = element.tagName.toLowerCase();
  return tag === "input" || tag === "textarea" || tag === "select" || element.isContentEditable === true;
}

/** The page's action for a key press, or null when the key is not a shortcut here. */
export function shortcutFor(
  event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "target">,
): keyof KeyboardShortcuts | null {
  if (event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return null;
  switch (event.key) {
    case "j":
      return "next";
    case "k":
      return "previous";
    case "e":
      return "nextError";
    case "r":
      return "rerun";
    case "/":
      return "search";
    default:
      return null;
  }
}

/** `j`/`k` move through the nodes, `e` goes to the next error, `r` reruns, `/` searches the log. */
export function useKeyboardShortcuts(shortcuts: KeyboardShortcuts): void {
  const latest = useRef(shortcuts);
  useEffect(() => {
    latest.current = shortcuts;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || document.querySelector("dialog[open]")) return;
      const name = shortcutFor(event);
      if (!name) return;
      event.preventDefault();
      latest.current[name]();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
