// Gives an account on the test Prosody a contact list (an XMPP roster) of thousands, as years of use
// would: written into Prosody's own storage before the account first signs in. (Added one by one over
// XMPP, 2,000 take Prosody over half a minute: it rewrites the whole roster file at each.)
import fs from 'node:fs';
import path from 'node:path';
import type { ProsodyServer } from './prosody';

/** Prosody's datamanager spelling of a name in a path: every character but letters and digits as %xx. */
const encode = (name: string) => name.replace(/[^a-zA-Z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
const lua = (text: string) => JSON.stringify(text); // the test's names and addresses are plain ASCII: a JSON string is a Lua one

/** `subscription` "both" stands for people who long since agreed to share presence both ways. */
export function writeRoster(server: ProsodyServer, jid: string, people: readonly { jid: string; name: string }[], subscription: 'none' | 'both' = 'none'): void {
  const [user = '', host = ''] = jid.split('@');
  const folder = path.join(server.dir, 'data', encode(host), 'roster');
  fs.mkdirSync(folder, { recursive: true });
  const items = people.map((p) => `\t[${lua(p.jid)}] = { ["name"] = ${lua(p.name)}; ["groups"] = {}; ["subscription"] = ${lua(subscription)}; };`);
  fs.writeFileSync(path.join(folder, `${encode(user)}.dat`), `return {\n\t[false] = { ["version"] = ${people.length}; ["pending"] = {}; };\n${items.join('\n')}\n};\n`);
}
