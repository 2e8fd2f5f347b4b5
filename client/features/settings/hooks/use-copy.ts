import { useCallback, useEffect, useRef, useState } from "react";

/** Copies text to the clipboard; `copied` is true for a moment after, `error` when the browser refused. */
export function useCopy(resetAfterMs = 2_000) {
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = useCallback(
    async (text: string) => {
      clearTimeout(timer.current);
      try {
        await navigator.clipboard.writeText(text);
        setError(null);
        setCopied(true);
        timer.current = setTimeout(() => setCopied(false), resetAfterMs);
      } catch {
        setCopied(false);
        setError(new Error("The browser did not allow copying: select the text and copy it by hand."));
      }
    },
    [resetAfterMs],
  );
  return { copy, copied, error };
}
