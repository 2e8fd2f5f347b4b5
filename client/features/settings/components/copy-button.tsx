import { Button, ErrorAlert } from "../../../components/ui";
import { useCopy } from "../hooks/use-copy";

export function CopyButton({ text, label = "Copy", testId }: { text: string; label?: string; testId?: string }) {
  const { copy, copied, error } = useCopy();
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <Button data-testid={testId} aria-label={label} onClick={() => void copy(text)}>
        {copied ? "Copied" : label}
      </Button>
      <ErrorAlert error={error} />
    </span>
  );
}
