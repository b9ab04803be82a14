// "Why this route": puts a dry run of the real choice and policy (DeliveryService.dryRun, which runs
// chooseDelivery and computePolicy with the inputs a send uses) into words. Nothing here decides a
// route: it only says, for what the real code decided, why — which manager and configuration, and for
// each account whether it is in the route or why not.
import type { MechanismId, Priority } from '../../shared/domain';
import type { DeliveryStep } from '../../shared/delivery';
import type { RuleSettings } from '../../shared/settings';
import type { RoutePreview, RouteStep } from '../../shared/views';
import type { DeliveryChoice } from './choose';

export interface PreviewInputs {
  /** The person's name, isolated for a sentence. */
  readonly name: string;
  readonly asked: { readonly priority: Priority; readonly expiring: boolean; readonly manager?: string };
  readonly dryRun: { readonly choice: DeliveryChoice; readonly recipient: readonly MechanismId[]; readonly policy: readonly DeliveryStep[] };
  readonly rules: readonly RuleSettings[];
  readonly managerName: (id: string) => string;
  /** The account's kind in words, or undefined when the settings have no such account. */
  readonly kindName: (mechanism: MechanismId) => string | undefined;
  /** Why an account is not connected, in words, when it has a reason (turned off, cannot find the server ...). */
  readonly notConnectedBecause: (mechanism: MechanismId) => string | undefined;
}

/** "The rule for urgent messages that expire". */
export function describeRule(rule: RuleSettings): string {
  const which = rule.priority === undefined ? '' : `${rule.priority} `;
  const expiry = rule.expiring === undefined ? '' : rule.expiring ? ' that expire' : ' that do not expire';
  return which === '' && expiry === '' ? 'The rule for every message' : `The rule for ${which}messages${expiry}`;
}

function managerBecause(inputs: PreviewInputs): string {
  const { choice } = inputs.dryRun;
  const name = inputs.managerName(choice.manager);
  const why = choice.why?.manager ?? { by: 'default' };
  const missing = inputs.asked.manager !== undefined && why.by !== 'message' ? `${inputs.managerName(inputs.asked.manager)} is not installed, so it cannot be used. ` : '';
  if (why.by === 'message') return `You chose ${name}.`;
  if (why.by === 'rule') {
    const rule = inputs.rules[why.index];
    return `${missing}${rule ? describeRule(rule) : 'A rule'} chose ${name}.`;
  }
  return `${missing}The default: no rule applies, so ${name} delivers it.`;
}

function configurationBecause(choice: DeliveryChoice): string {
  const name = `“${choice.configuration.name}”`;
  switch (choice.why?.configuration) {
    case 'rule':
      return `The rule names its configuration ${name}.`;
    case 'priority':
      return `Its configuration ${name} is the one named after the priority.`;
    case 'normal':
      return `No configuration is named after the priority, so ${name} is used.`;
    case 'every-mechanism':
      return 'No configuration is written for it, so every account is tried in the order they are set up.';
    default:
      return `The message keeps its configuration ${name}.`;
  }
}

export function routePreview(inputs: PreviewInputs): RoutePreview {
  const { choice, recipient, policy } = inputs.dryRun;
  const { name } = inputs;
  const included = new Set(policy.map((s) => s.mechanism));
  const addressed = new Set(recipient);
  const seen = new Set<MechanismId>();
  const kindName = (m: MechanismId) => inputs.kindName(m) ?? 'No such account';
  const steps: RouteStep[] = [];
  for (const step of choice.configuration.steps) {
    const base = { mechanism: step.mechanism, kindName: kindName(step.mechanism), step: { ...step } };
    if (seen.has(step.mechanism)) {
      steps.push({ ...base, verdict: 'repeated', why: 'Listed again: only its first place in the configuration counts.' });
      continue;
    }
    seen.add(step.mechanism);
    // The verdict is what the real policy decided; the words only say which of its conditions failed.
    if (included.has(step.mechanism)) steps.push({ ...base, verdict: 'included', why: `Tried: ${name} has an address there and it is connected.` });
    else if (inputs.kindName(step.mechanism) === undefined) steps.push({ ...base, verdict: 'no-address', why: `There is no account “${step.mechanism}” in Settings.` });
    else if (!addressed.has(step.mechanism)) steps.push({ ...base, verdict: 'no-address', why: `${name} has no address there.` });
    else {
      const because = inputs.notConnectedBecause(step.mechanism);
      steps.push({ ...base, verdict: 'not-connected', why: because ? `Not connected now: ${because}` : 'Not connected now.' });
    }
  }
  for (const mechanism of recipient) {
    if (seen.has(mechanism)) continue;
    // With no configuration written every account started is a step: one left out is one not started (turned off).
    if (choice.why?.configuration === 'every-mechanism' && inputs.kindName(mechanism) !== undefined) {
      const because = inputs.notConnectedBecause(mechanism);
      steps.push({ mechanism, kindName: kindName(mechanism), verdict: 'not-connected', why: because ? `Not connected now: ${because}` : 'Not connected now.' });
      continue;
    }
    steps.push({ mechanism, kindName: kindName(mechanism), verdict: 'not-in-configuration', why: `${name} has an address there, but this configuration does not use it.` });
  }
  return {
    manager: choice.manager,
    managerName: inputs.managerName(choice.manager),
    configuration: choice.configuration.name,
    chosenBecause: `${managerBecause(inputs)} ${configurationBecause(choice)}`,
    steps,
  };
}
