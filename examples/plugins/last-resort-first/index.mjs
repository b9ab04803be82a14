// A delivery-manager plugin for Switchboard: tries the configuration's steps from last to first, and
// stops at the first that delivers. For the way you want kept for last in one configuration to be
// tried first in another, without writing the steps twice. It runs in a sandboxed process of its
// own: everything it does goes through `job`. The types are in shared/plugin-api.ts of the repository.

/** @typedef {import('../../../shared/plugin-api').DeliveryManagerPluginModule} DeliveryManagerPluginModule */

/** @type {() => DeliveryManagerPluginModule} */
export default () => ({
  create: () => ({
    async deliver(job) {
      const order = [...job.configuration.steps].reverse().map((step) => step.mechanism);
      let tried = 0;
      for (const mechanism of order) {
        if (job.expired()) return { outcome: 'expired' };
        // The policy changes while we wait (an account goes away): ask again before each step.
        const step = job.policy().find((s) => s.mechanism === mechanism);
        if (!step) continue;
        if (step.ask && !(await job.ask())) {
          job.skip(step, 'the sender said no');
          continue;
        }
        tried++;
        const result = await job.attempt(step);
        if (result.ok) return { outcome: 'delivered', mechanism };
        job.log.info(`${mechanism}: ${result.reason}`);
      }
      return { outcome: 'failed', tried };
    },
  }),
});
