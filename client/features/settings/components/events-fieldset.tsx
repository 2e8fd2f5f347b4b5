import { ALL_REPOSITORY_EVENTS } from "../../../../shared/api/repositories";
import type { RepositoryEvent } from "../../../../shared/api/repositories";
import { toggleEvent } from "../utils/repository-form";

const EVENT_HINTS: Record<RepositoryEvent, string> = {
  push: "a branch pushed",
  pr: "a pull request opened, reopened or pushed to",
  "pr-close": "a pull request closed or merged",
  "create-branch": "a branch created",
  "delete-branch": "a branch deleted",
  "create-tag": "a tag created",
  "delete-tag": "a tag deleted",
  cron: "the [cron] sections' schedules",
};

/** Which `.conducto.cfg` events this repository launches. */
export function EventsFieldset({ value, onChange, disabled = false }: { value: readonly RepositoryEvent[]; onChange: (events: RepositoryEvent[]) => void; disabled?: boolean }) {
  return (
    <fieldset className="space-y-1" data-testid="events-fieldset">
      <legend className="text-sm font-medium text-slate-700">Events</legend>
      <div className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2">
        {ALL_REPOSITORY_EVENTS.map((event) => (
          <label key={event} className="flex items-baseline gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              name="events"
              value={event}
              checked={value.includes(event)}
              disabled={disabled}
              onChange={(e) => onChange(toggleEvent(value, event, e.target.checked))}
            />
            <span className="font-mono text-xs">{event}</span>
            <span className="text-xs text-slate-500">{EVENT_HINTS[event]}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
