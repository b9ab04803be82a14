// A mechanism plugin for Switchboard: each message is POSTed as JSON to the HTTP webhook URL of its
// account, and is taken as sent when the server answers 2xx. It runs in a sandboxed process of its
// own: it may use the network, and read nothing but its own folder. The types are in
// shared/plugin-api.ts of the Switchboard repository.

/** @typedef {import('../../../shared/plugin-api').MechanismPluginModule} MechanismPluginModule */

const SEND_TIMEOUT_MS = 15_000;

/** The account's URL, or undefined when it is not one this plugin can post to. */
function webhookUrl(account) {
  try {
    const url = new URL(String(account?.url ?? ''));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** @type {() => MechanismPluginModule} */
export default () => ({
  accountFields: [
    { key: 'url', label: 'Webhook URL', kind: 'text', required: true, bindsSecrets: true },
    { key: 'token', label: 'Bearer token (optional)', kind: 'secret', required: false },
  ],
  capabilities: { presence: false, receipts: false },

  validateAccount(account) {
    return webhookUrl(account) ? [] : ['Webhook URL must be an http:// or https:// address'];
  },

  create(context) {
    const url = webhookUrl(context.account);
    const token = typeof context.account?.token === 'string' && context.account.token !== '' ? context.account.token : undefined;
    return {
      async start() {
        // A webhook has no connection to keep: it is usable as soon as its URL is.
        context.status(url ? { state: 'active' } : { state: 'inactive', reason: 'its URL is not an http:// or https:// address' });
      },
      async stop() {},
      async send(address, message) {
        if (!url) return { ok: false, reason: 'its URL is not an http:// or https:// address', final: true };
        let response;
        try {
          response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
            body: JSON.stringify({ id: message.id, to: address, from: message.senderName ?? null, body: message.body }),
            signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
          });
        } catch (error) {
          const timedOut = error?.name === 'TimeoutError';
          context.log.warn(`POST to ${url.origin} failed: ${error?.cause?.message ?? error?.message ?? error}`);
          return timedOut
            ? { ok: false, reason: 'the webhook did not answer in time', final: false, maybeSent: true }
            : { ok: false, reason: `the webhook at ${url.host} could not be reached`, final: false };
        }
        await response.body?.cancel();
        if (response.ok) return { ok: true, level: 'accepted' };
        // A refusal (4xx) will not change by trying again, except "too many requests".
        const final = response.status >= 400 && response.status < 500 && response.status !== 429;
        return { ok: false, reason: `the webhook refused the message (HTTP ${response.status})`, final };
      },
    };
  },
});
