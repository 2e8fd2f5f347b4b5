/**
 * The cost of secret masking on a log: 100 MB of typical build output (80-byte lines, in 64 KiB
 * chunks as a pipe delivers them) through a LogWriter, without masking and with 1, 20 and 200
 * secrets; then the same where every line holds a secret (each line rewritten). The median of
 * three runs per case. `npx tsx bench/bench-secret-masking.ts [MB]`
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SecretMasker } from "../server/integrations/secrets/secret-masker";
import { LogWriter, type LogWriterOptions } from "../server/logs/log-writer";

const megabytes = Number(process.argv[2] ?? 100);
const TOTAL = megabytes * 1024 * 1024;
const CHUNK = 64 * 1024;

function sample(withSecret: string | null): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const middle = withSecret ? `token=${withSecret}` : `src/feature-${i}/index.ts`;
    lines.push(`2026-11-28T10:00:00Z [info] step ${i} compiled ${middle} in ${i % 97} ms ok\n`);
  }
  return Buffer.from(lines.join(""));
}

function once(data: Buffer, transformLine: LogWriterOptions["transformLine"]): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-mask-bench-"));
  // As the engine sets it up: lines and blocks of whole lines through the same masker.
  const options: LogWriterOptions = transformLine ? { transformLine, transformBlock: (block, stream) => transformLine(block, stream, false) } : {};
  const writer = new LogWriter(path.join(dir, "a.log"), options);
  const started = performance.now();
  let written = 0;
  while (written < TOTAL) {
    for (let offset = 0; offset < data.length && written < TOTAL; offset += CHUNK) {
      const piece = data.subarray(offset, Math.min(data.length, offset + CHUNK));
      writer.write("stdout", piece);
      written += piece.length;
    }
  }
  writer.close();
  const seconds = (performance.now() - started) / 1000;
  fs.rmSync(dir, { recursive: true, force: true });
  return seconds;
}

function median(data: Buffer, make: () => LogWriterOptions["transformLine"]): number {
  const runs = [once(data, make()), once(data, make()), once(data, make())].sort((a, b) => a - b);
  return runs[1]!;
}

const values = (n: number) => Array.from({ length: n }, () => crypto.randomBytes(18).toString("base64url"));
const plain = sample(null);
once(plain, undefined);
const base = median(plain, () => undefined);
const rows: [string, number][] = [["no masking", base]];
for (const n of [1, 20, 200]) {
  const masker = SecretMasker.of(values(n))!;
  rows.push([`${n} secret${n > 1 ? "s" : ""}`, median(plain, () => masker.session())]);
}
const some = values(20);
const everyLine = sample(some[7]!);
const masker = SecretMasker.of(some)!;
rows.push(["20 secrets, one on every line", median(everyLine, () => masker.session())]);

console.log(`${megabytes} MB of log through a LogWriter (median of 3)`);
for (const [label, seconds] of rows) {
  console.log(`${label.padEnd(32)} ${seconds.toFixed(2)} s  ${(megabytes / seconds).toFixed(0).padStart(4)} MB/s  ${(seconds / base).toFixed(2)}×`);
}
