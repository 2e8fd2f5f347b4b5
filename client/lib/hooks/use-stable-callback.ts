import { useCallback, useLayoutEffect, useRef } from "react";

/** A callback whose identity never changes but which always runs the latest `fn` (for memoised children and listeners). */
export function useStableCallback<Args extends unknown[], Result>(fn: (...args: Args) => Result): (...args: Args) => Result {
  const ref = useRef(fn);
  useLayoutEffect(() => {
    ref.current = fn;
  });
  return useCallback((...args: Args) => ref.current(...args), []);
}
