// The delivery settings as the settings screen edits them: the configurations (steps expanded), the
// rules and the wait notice, with what the form offers to choose from; and the checks a saved form
// must pass, each refusal a sentence naming the configuration or rule. The service reads the
// settings at every send, so a saved form applies to the next message.
import type { MechanismId } from '../../shared/domain';
import type { Settings } from '../../shared/settings';
import type { DeliverySettingsView } from '../../shared/views';

type Delivery = Settings['delivery'];

export interface DeliveryFormContext {
  /** The delivery managers installed now. */
  readonly installed: readonly { readonly id: string; readonly name: string }[];
  /** The accounts of the settings, in order, with their kind in words. */
  readonly accounts: readonly { readonly id: MechanismId; readonly kindName: string }[];
}

export function deliverySettingsView(delivery: Delivery, context: DeliveryFormContext): DeliverySettingsView {
  const managers: Record<string, { configurations: Record<string, DeliverySettingsView['managers'][string]['configurations'][string]> }> = {};
  for (const [manager, { configurations }] of Object.entries(delivery.managers)) {
    const expanded: (typeof managers)[string]['configurations'] = {};
    for (const [name, steps] of Object.entries(configurations)) {
      expanded[name] = steps.map((s) => ({ mechanism: s.mechanism, parallelWithNext: s.parallelWithNext, verify: s.verify, ask: s.ask }));
    }
    managers[manager] = { configurations: expanded };
  }
  return {
    managers,
    rules: delivery.rules.map((r) => ({ ...r })),
    waitNoticeMinutes: delivery.waitNoticeMinutes,
    installed: context.installed.map((m) => ({ ...m })),
    mechanisms: context.accounts.map((a) => ({ ...a })),
  };
}

/** Why the form cannot be saved, one sentence each; empty when it can. */
export function deliverySettingsProblems(delivery: Delivery, context: DeliveryFormContext): string[] {
  const problems: string[] = [];
  const accounts = new Set(context.accounts.map((a) => a.id));
  const nameOf = (manager: string) => context.installed.find((m) => m.id === manager)?.name ?? manager;
  for (const [manager, { configurations }] of Object.entries(delivery.managers)) {
    for (const [name, steps] of Object.entries(configurations)) {
      const where = `The configuration “${name}” of ${nameOf(manager)}`;
      if (steps.length === 0) problems.push(`${where} has no step: add an account to it, or remove it.`);
      const unknown = [...new Set(steps.map((s) => s.mechanism).filter((m) => !accounts.has(m)))];
      for (const m of unknown) problems.push(`${where} names the account “${m}”, which is not in Settings: choose one of your accounts.`);
    }
  }
  delivery.rules.forEach((rule, i) => {
    const where = `Rule ${i + 1}`;
    const installed = context.installed.some((m) => m.id === rule.manager);
    const configured = Object.hasOwn(delivery.managers, rule.manager);
    if (!installed && !configured) {
      problems.push(`${where} names the delivery manager “${rule.manager}”, which is neither installed nor configured: choose another.`);
      return;
    }
    const configurations = configured ? delivery.managers[rule.manager]!.configurations : {};
    if (rule.configuration !== undefined && !Object.hasOwn(configurations, rule.configuration)) {
      problems.push(`${where} names the configuration “${rule.configuration}”, which ${nameOf(rule.manager)} does not have: choose one of its configurations.`);
    }
  });
  return problems;
}
