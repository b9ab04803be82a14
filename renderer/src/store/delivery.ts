// The delivery slice: the managers' configurations and the rules that choose them, as Settings edits
// them, and the "why this route" preview (a dry run in the core of the real choice and policy).
import type { Priority } from '../../../shared/domain';
import type { SettingsInput } from '../../../shared/settings';
import type { DeliverySettingsView, RoutePreview } from '../../../shared/views';
import { api } from '../api';
import { valueOf } from './errors';
import type { Slice } from './state';

export type DeliveryInput = NonNullable<SettingsInput['delivery']>;

export interface DeliverySlice {
  deliverySettings: DeliverySettingsView | undefined;
  loadDeliverySettings(): Promise<void>;
  /** Saves them whole; resolves with the reason when refused. */
  saveDeliverySettings(input: DeliveryInput): Promise<string | undefined>;
  preview(contactId: string, priority: Priority, expiring: boolean): Promise<RoutePreview | string>;
}

export const deliverySlice: Slice<DeliverySlice> = (set) => {
  const setError = (error: string) => set({ error });
  return {
    deliverySettings: undefined,
    async loadDeliverySettings() {
      const settings = valueOf(await api.delivery.settings({}), setError);
      if (settings) set({ deliverySettings: settings });
    },
    async saveDeliverySettings(input) {
      const result = await api.delivery.saveSettings(input);
      if (!result.ok) return result.error.message;
      set({ deliverySettings: result.value });
      return undefined;
    },
    async preview(contactId, priority, expiring) {
      const result = await api.delivery.preview({ contactId, priority, expiring });
      return result.ok ? result.value : result.error.message;
    },
  };
};
