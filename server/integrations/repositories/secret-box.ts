import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const VERSION = "v1";
const KEY_FILE = "secret-key";

/** A stored secret could not be read: the key changed (BATON_SECRET_KEY) or the value was altered. */
export class SecretUnreadable extends Error {
  override name = "SecretUnreadable";
}

/**
 * Encrypts repository secrets and tokens at rest with AES-256-GCM. The key comes from
 * BATON_SECRET_KEY (stretched with HKDF), or from `<data dir>/secret-key`, 32 random bytes
 * written with mode 0600 on first start. Each value is bound to where it is stored (the
 * `purpose`, e.g. `repository:3:webhook_secret`), so a ciphertext copied to another row or
 * field does not decrypt.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static open(dataDir: string, secretKey: string | undefined): SecretBox {
    if (secretKey) {
      const key = Buffer.from(crypto.hkdfSync("sha256", secretKey, "baton", "repository secrets v1", 32));
      return new SecretBox(key);
    }
    const file = path.join(dataDir, KEY_FILE);
    try {
      fs.writeFileSync(file, `${crypto.randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key (base64); remove it only if no repository was added`);
    return new SecretBox(key);
  }

  seal(plain: string, purpose: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
  }

  open(sealed: string, purpose: string): string {
    const [version, iv, tag, body] = sealed.split(":");
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
      throw new SecretUnreadable(`the stored ${purpose} is not in a format this server reads`);
    }
    try {
      const decipher = crypto.createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64"));
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretUnreadable(`the stored ${purpose} cannot be decrypted: was BATON_SECRET_KEY (or ${KEY_FILE} in the data dir) changed?`);
    }
  }
}
