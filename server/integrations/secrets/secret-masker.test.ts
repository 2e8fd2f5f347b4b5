import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LogWriter } from "../../logs/log-writer";
import { MAX_LINE_BYTES } from "../../logs/log-format";
import { readLogText } from "../../logs/log-reader";
import { SecretMasker } from "./secret-masker";

function masker(...values: string[]): SecretMasker {
  const m = SecretMasker.of(values);
  if (!m) throw new Error("no masker");
  return m;
}

async function stored(file: string): Promise<string> {
  let text = "";
  for await (const piece of readLogText(file)) text += piece;
  return text;
}

describe("SecretMasker", () => {
  it("masks a value printed whole, inside other text, and several times in a line", () => {
    const m = masker("abcdef");
    expect(m.mask("abcdef")).toBe("***");
    expect(m.mask("token=abcdef; again xabcdefx")).toBe("token=***; again x***x");
    expect(m.mask("nothing here")).toBe("nothing here");
  });

  it("masks the longer of two values that overlap, whole", () => {
    const m = masker("secret", "secret-and-more");
    expect(m.mask("a secret-and-more b secret")).toBe("a *** b ***");
  });

  it("treats regular-expression characters in values as text", () => {
    const m = masker("a.b*c(d)[e]$^|\\/-?+{2}");
    expect(m.mask("x a.b*c(d)[e]$^|\\/-?+{2} y aXbbc")).toBe("x *** y aXbbc");
  });

  it("masks a multi-line value line by line, leaving its lines shorter than 4 characters alone", () => {
    const m = masker("-----BEGIN KEY-----\r\nMIIEpAIBAAKCAQEA\n}\n-----END KEY-----\n");
    expect(m.mask("-----BEGIN KEY-----")).toBe("***");
    expect(m.mask("MIIEpAIBAAKCAQEA")).toBe("***");
    expect(m.mask("}")).toBe("}");
    expect(m.pieces).toHaveLength(3);
  });

  it("has nothing to mask for values shorter than 4 characters", () => {
    expect(SecretMasker.of(["abc", "", "x"])).toBeNull();
  });

  it("masks a value cut by a long line's record boundary, per stream", () => {
    const m = masker("abcdef").session();
    const session = (text: string, stream: "stdout" | "stderr", continued: boolean) => m(Buffer.from(text), stream, continued).toString();
    expect(session("x".repeat(10) + "abc", "stdout", true)).toBe("x".repeat(10) + "***");
    expect(session("other abc", "stderr", false)).toBe("other abc");
    expect(session("def and more", "stdout", false)).toBe("*** and more");
    // A tail that only looks like a start is masked too (a few characters of a huge line), the next head is kept.
    expect(session("yyab", "stdout", true)).toBe("yy***");
    expect(session("zz", "stdout", false)).toBe("zz");
  });

  it("masks the union of overlapping values, and values of any bytes (UTF-8)", () => {
    expect(masker("xabc", "abcd").mask("1xabcd2")).toBe("1***2");
    expect(masker("abcd", "bc12", "zzab").mask("zzabcd bc123")).toBe("*** ***3");
    expect(masker("pässwörd€").mask("a pässwörd€ b")).toBe("a *** b");
    expect(masker("aaaa").mask("aaaaaaa")).toBe("***");
  });

  it("masks with many values (past the native search) as with few", () => {
    const many = Array.from({ length: 100 }, (_, i) => `value-number-${i}-end`);
    const m = masker(...many);
    expect(m.mask("a value-number-7-end b value-number-99-end c value-number-1000-end")).toBe("a *** b *** c value-number-1000-end");
    const line = Buffer.from("nothing here");
    expect(m.session()(line, "stdout", false)).toBe(line);
  });

  it("masks a block of whole lines as it masks each line", () => {
    const block = Buffer.from("one abcdef\ntwo\nabc def abcdef\n");
    expect(masker("abcdef").session()(block, "stdout", false).toString()).toBe("one ***\ntwo\nabc def ***\n");
  });

  it("returns a line without a value as the same buffer, uncopied", () => {
    const line = Buffer.from("nothing secret here, just text");
    expect(masker("abcdef").session()(line, "stdout", false)).toBe(line);
  });

  it("masks like a plain search over random values and texts", () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let round = 0; round < 300; round++) {
      const alphabet = "abc";
      const word = (n: number) => Array.from({ length: n }, () => alphabet[rand(3)]).join("");
      const values = Array.from({ length: 1 + rand(4) }, () => word(4 + rand(3)));
      const text = word(40);
      const covered = new Array<boolean>(text.length).fill(false);
      for (const value of values) for (let i = text.indexOf(value); i >= 0; i = text.indexOf(value, i + 1)) for (let j = i; j < i + value.length; j++) covered[j] = true;
      let expected = "";
      for (let i = 0; i < text.length; i++) {
        if (!covered[i]) expected += text[i];
        else if (i === 0 || !covered[i - 1]) expected += "***";
      }
      // Adjacent matches make adjacent masks; compare what stays visible.
      expect(masker(...values).mask(text).replace(/(\*\*\*)+/g, "***")).toBe(expected);
    }
  });

  it("masks through a LogWriter when the value comes split across two writes, and across a 64 KiB cut", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-mask-"));
    const file = path.join(dir, "a.log");
    const session = masker("abcdef").session();
    const writer = new LogWriter(file, { transformLine: session, transformBlock: (block, stream) => session(block, stream, false) });
    writer.write("stdout", Buffer.from("value: abc"));
    writer.write("stdout", Buffer.from("def!\nline two\n"));
    writer.write("stderr", Buffer.from("x".repeat(MAX_LINE_BYTES - 3) + "abcdef tail\n"));
    writer.close();
    const text = await stored(file);
    expect(text).not.toContain("abcdef");
    expect(text).toContain("value: ***!\nline two\n");
    expect(text).toContain("***");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
