import type { CronSchedule } from "../../cfg";
import { cronMatches, minuteOf } from "./cron-match";

export interface CronSection {
  /** The section's name, `cron` or `cron <label>`: what the launch asks for. */
  name: string;
  schedule: CronSchedule;
}

/** What the scheduler needs from the repository integrations. */
export interface CronHost {
  /** Repositories with the `cron` event enabled. */
  cronRepositories(): { id: number; name: string }[];
  /** The repository's `[cron …]` sections with a schedule, from its default branch (fetched when stale). */
  cronSections(repositoryId: number): Promise<CronSection[]>;
  /** Launches one cron section on the default branch's head. */
  launchCron(repositoryId: number, section: string, at: Date): Promise<void>;
}

/** Minutes a stalled event loop may have skipped that still run when it wakes; older ones are dropped, as cron does. */
const MAX_CATCH_UP_MINUTES = 5;

/**
 * Runs `[cron …]` sections at their `schedule` (minute resolution, UTC), per repository. Each
 * minute every repository with cron enabled is checked; a section fires at most once per
 * minute whatever calls `runDue`. Minutes the server was down are not made up.
 */
export class CronScheduler {
  private timer: NodeJS.Timeout | null = null;
  private lastMinute = 0;
  private readonly fired = new Map<string, number>();
  private ticking: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly host: CronHost,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.stopped = false;
    this.lastMinute = minuteOf(this.now());
    this.scheduleNext();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => undefined);
  }

  /** Launches every section due in the minute `at` falls in; returns what it launched. */
  async runDue(at: Date): Promise<{ repositoryId: number; section: string }[]> {
    const minute = minuteOf(at);
    const due: { repositoryId: number; section: string }[] = [];
    await Promise.all(
      this.host.cronRepositories().map(async (repository) => {
        let sections: CronSection[];
        try {
          sections = await this.host.cronSections(repository.id);
        } catch (error) {
          console.warn(`baton: cron: cannot read the schedules of ${repository.name}: ${(error as Error).message}`);
          return;
        }
        for (const section of sections) {
          const key = `${repository.id}\0${section.name}`;
          if (!cronMatches(section.schedule, new Date(minute)) || this.fired.get(key) === minute) continue;
          this.fired.set(key, minute);
          due.push({ repositoryId: repository.id, section: section.name });
          await this.host.launchCron(repository.id, section.name, new Date(minute)).catch((error: Error) => {
            console.warn(`baton: cron: [${section.name}] of ${repository.name} did not launch: ${error.message}`);
          });
        }
      }),
    );
    return due;
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const now = this.now();
    // A little past the boundary, so that the clock read in tick() is inside the new minute.
    const wait = minuteOf(now) + 60_000 - now + 25;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.ticking = null;
        this.scheduleNext();
      });
    }, wait);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const current = minuteOf(this.now());
    const first = Math.max(this.lastMinute + 60_000, current - (MAX_CATCH_UP_MINUTES - 1) * 60_000);
    this.lastMinute = Math.max(this.lastMinute, current);
    for (let minute = first; minute <= current && !this.stopped; minute += 60_000) {
      await this.runDue(new Date(minute));
    }
  }
}
