// Chooses, for one message, the delivery manager and its configuration: the sender's choice if they
// made one, else the first rule matching the message's properties, else "sequential"; the
// configuration named by the rule, else the one named after the priority, else "Normal", else every
// mechanism in the order they are set up.
import { configurationNameFor, type MechanismId, type Priority } from '../../shared/domain';
import type { DeliveryConfiguration, DeliveryStep } from '../../shared/delivery';
import type { Settings } from '../../shared/settings';

export interface MessageProperties {
  readonly priority: Priority;
  readonly expiring: boolean;
  /** The manager the sender chose (or that took charge before a restart), if any. */
  readonly manager?: string;
  /** The configuration recorded for the message before a restart, if any. */
  readonly configuration?: string;
}

/** Why the manager was chosen: the sender's (or the message's recorded) choice, a rule (its index in the settings), or the default. */
export type ManagerChosenBy = { readonly by: 'message' } | { readonly by: 'rule'; readonly index: number } | { readonly by: 'default' };

/** Where the configuration came from: the message's record, the rule, its priority's name, "Normal", or none written (every mechanism). */
export type ConfigurationChosenBy = 'message' | 'rule' | 'priority' | 'normal' | 'every-mechanism';

export interface DeliveryChoice {
  readonly manager: string;
  readonly configuration: DeliveryConfiguration;
  /** Why: for the route preview ("The rule for urgent messages"); delivery itself does not look at it. */
  readonly why?: { readonly manager: ManagerChosenBy; readonly configuration: ConfigurationChosenBy };
}

export const DEFAULT_MANAGER = 'sequential';

export function defaultSteps(mechanisms: readonly MechanismId[]): DeliveryStep[] {
  return mechanisms.map((mechanism) => ({ mechanism, parallelWithNext: false, verify: 'accepted', ask: false }));
}

export function chooseDelivery(
  properties: MessageProperties,
  delivery: Settings['delivery'],
  installed: readonly string[],
  mechanisms: readonly MechanismId[],
): DeliveryChoice | undefined {
  const has = (id: string | undefined): id is string => id !== undefined && installed.includes(id);
  const ruleIndex = delivery.rules.findIndex(
    (r) => has(r.manager) && (r.priority === undefined || r.priority === properties.priority) && (r.expiring === undefined || r.expiring === properties.expiring),
  );
  const rule = ruleIndex < 0 ? undefined : delivery.rules[ruleIndex];
  const manager = has(properties.manager) ? properties.manager : (rule?.manager ?? (has(DEFAULT_MANAGER) ? DEFAULT_MANAGER : installed[0]));
  if (manager === undefined) return undefined;
  const managerBy: ManagerChosenBy = has(properties.manager) ? { by: 'message' } : rule ? { by: 'rule', index: ruleIndex } : { by: 'default' };
  // Names come from the settings file and the database: only the file's own entries count, never
  // Object's ("constructor", "toString").
  const configurations = (Object.hasOwn(delivery.managers, manager) ? delivery.managers[manager]?.configurations : undefined) ?? {};
  const wanted: [string | undefined, ConfigurationChosenBy][] = [
    [properties.configuration, 'message'],
    [rule?.manager === manager ? rule.configuration : undefined, 'rule'],
    [configurationNameFor(properties.priority), 'priority'],
    ['Normal', 'normal'],
  ];
  for (const [name, by] of wanted) {
    const steps = name !== undefined && Object.hasOwn(configurations, name) ? configurations[name] : undefined;
    if (name !== undefined && steps) return { manager, configuration: { name, steps }, why: { manager: managerBy, configuration: by } };
  }
  return {
    manager,
    configuration: { name: configurationNameFor(properties.priority), steps: defaultSteps(mechanisms) },
    why: { manager: managerBy, configuration: 'every-mechanism' },
  };
}
