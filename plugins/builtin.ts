// The plugins that ship with Switchboard. Only the hosts import this list; the core gets it injected.
import type { DeliveryManagerPlugin } from '../shared/delivery';
import type { MechanismPlugin } from '../shared/mechanism';
import broadcast from './broadcast/index';
import email from './email/index';
import escalating from './escalating/index';
import irc from './irc/index';
import presenceFirst from './presence-first/index';
import sequential from './sequential/index';
import sms from './sms/index';
import xmpp from './xmpp/index';

export const builtinMechanisms = (): MechanismPlugin[] => [xmpp(), irc(), email(), sms()];
export const builtinDeliveryManagers = (): DeliveryManagerPlugin[] => [sequential(), presenceFirst(), broadcast(), escalating()];
