// The browser host's wire format over its WebSocket. Requests and answers carry the contract's names
// and results unchanged; this file only adds the numbering that pairs an answer with its request.
import { z } from 'zod';

export const requestEnvelope = z.strictObject({
  id: z.number().int().nonnegative(),
  name: z.string().max(100),
  payload: z.unknown(),
});
